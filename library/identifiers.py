"""What `folio add` was given: a path, a web page's URL, or a work's identifier (a DOI, an
arXiv id, an ISBN), in the forms people paste them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from library.bibmatch import normal_doi
from library.errors import InvalidValue

Kind = Literal["path", "url", "doi", "arxiv", "isbn"]

_URL = re.compile(r"^https?://", re.IGNORECASE)
_DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/", re.IGNORECASE)
_BARE_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_PREFIX = re.compile(r"^(doi|arxiv|isbn)\s*:\s*(.*)$", re.IGNORECASE | re.DOTALL)
_ARXIV_URL = re.compile(r"^https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/(.+?)(?:\.pdf)?/?$",
                        re.IGNORECASE)  # fmt: skip
# New-style ids (2101.00001, with a version or not) and old-style (hep-th/9901001).
_ARXIV_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z][a-z.-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")


@dataclass(frozen=True)
class Input:
    """One thing to add: its kind and its normal form (a DOI lowercased, an ISBN's digits,
    an arXiv id without version)."""

    kind: Kind
    value: str
    given: str  # as the user typed it, for messages

    @property
    def label(self) -> str:
        """ "doi:10.1000/xyz", "arxiv:2101.00001", "isbn:9780262033848", or the URL/path."""
        return f"{self.kind}:{self.value}" if self.kind in ("doi", "arxiv", "isbn") else self.given


def classify(given: str) -> Input:
    """What `given` is. A name that exists on disk is always a path; `doi:`, `arxiv:` and
    `isbn:` prefixes, doi.org and arxiv.org URLs and bare DOIs (10.NNNN/…) are identifiers;
    other http(s) URLs are pages. InvalidValue for a malformed identifier."""
    text = given.strip()
    if text == "-" or Path(text).expanduser().exists():
        return Input("path", given, given)
    prefixed = _PREFIX.match(text)
    if prefixed:
        kind = prefixed.group(1).lower()
        value = prefixed.group(2).strip()
        if kind == "doi":
            return _doi(value, given)
        if kind == "arxiv":
            return _arxiv(value, given)
        return Input("isbn", check_isbn(value, given), given)
    if _DOI_URL.match(text) or _BARE_DOI.match(text):
        return _doi(text, given)
    arxiv = _ARXIV_URL.match(text)
    if arxiv:
        return _arxiv(arxiv.group(1), given)
    if _URL.match(text):
        return Input("url", text, given)
    return Input("path", given, given)


def _doi(value: str, given: str) -> Input:
    doi = normal_doi(value)
    if doi is None:
        raise InvalidValue(f"{given}: not a DOI (a DOI looks like 10.1234/abc)", field="doi")
    return Input("doi", doi, given)


def _arxiv(value: str, given: str) -> Input:
    value = value.strip()
    if not _ARXIV_ID.match(value):
        raise InvalidValue(
            f"{given}: not an arXiv id (like 2101.00001 or hep-th/9901001)", field="arxiv"
        )
    return Input("arxiv", re.sub(r"v\d+$", "", value), given)


def check_isbn(value: str, given: str | None = None) -> str:
    """An ISBN-10 or ISBN-13 as its digits (X for a final ten), its check digit verified."""
    digits = re.sub(r"[\s-]", "", value).upper()
    name = given or value
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits))
        ok = total % 11 == 0
    elif re.fullmatch(r"\d{13}", digits):
        ok = sum((3 if i % 2 else 1) * int(d) for i, d in enumerate(digits)) % 10 == 0
    else:
        raise InvalidValue(f"{name}: not an ISBN (10 or 13 digits)", field="isbn")
    if not ok:
        raise InvalidValue(f"{name}: not a valid ISBN (the check digit is wrong)", field="isbn")
    return digits
