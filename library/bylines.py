"""Author names in bylines ("By Dr. Jane Doe and John Smith") and in front matter.

`parse_authors` reads the personal names in a byline's remainder. The web-capture
importer finds that remainder with `byline_remainder`, and the authors a standfirst or
first paragraph names in its last sentence ("… Writes Jane Doe") with
`authors_in_sentence`.
"""

from __future__ import annotations

import re

from library.webdates import MONTH, SEPARATORS

__all__ = [
    "authors_in_sentence",
    "byline_remainder",
    "parse_authors",
]

_BYLINE = re.compile(
    r"^(?:(?:(?:written|words|posted|reported|story|text)\s+)?by\s+"
    r"|(?:authors?|writers?|byline)\s*:\s*)(?P<rest>\S.*)$",
    re.IGNORECASE,
)
# "…and the mills stop in winter. Writes Dr. Jane Doe" ends a standfirst.
_WRITES_SENTENCE = re.compile(
    r"^(?:.*[,;:—–]\s+)?(?:writes|written by|reports)\s+(?P<rest>.+?)\.?$", re.IGNORECASE
)
_BY_SENTENCE = re.compile(r"^by\s+(?P<rest>.+?)\.?$", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"\s*[,;]\s*|\s+and\s+|\s*&\s*", re.IGNORECASE)
_NAME_SEGMENT_SPLIT = re.compile(r"\s*[|•·]\s*|\s+[–—-]\s+")
_NAME_TAIL = re.compile(rf"\s+(?:on|at)\s+(?=\d|{MONTH}\b|[A-Z][a-z]+day\b).*$", re.IGNORECASE)
_HONORIFIC = re.compile(
    r"^(?:(?:dr|prof|professor|mr|mrs|ms|mx|sir|dame|rev|fr|hon)\.?\s+)+", re.IGNORECASE
)
_CREDENTIALS = re.compile(r",?\s+(?:ph\.?\s?d|m\.?d|mba|esq)\.?$", re.IGNORECASE)
_NAME_PARTICLES = frozenset(
    "de da di do dos das du del della der den van von ter le la bin ibn bint al el y".split()
)
_NOT_NAME_WORDS = frozenset(
    "the this that these our your staff team editors editorial board news agency agencies"
    " press reuters ap afp admin administrator guest contributor".split()
)
_ROLE_WORDS = frozenset(
    "editor editors correspondent reporter writer contributor columnist analyst fellow"
    " professor director author journalist chief senior staff associate bureau producer"
    " desk special contributing".split()
)
_INITIAL = re.compile(r"^(?:[A-Z]\.)+$")


def parse_authors(text: str) -> list[str]:
    """Personal names in a byline's remainder ("Dr. Jane Doe and John Smith"), or [].

    Honorifics (Dr., Prof.) and credentials (PhD) are dropped; job titles ("Senior
    Editor") are skipped. When any other part does not look like a name, the whole
    text is not taken as a byline and [] is returned — a wrong author is worse than none.
    """
    segment = _NAME_SEGMENT_SPLIT.split(text.strip(), maxsplit=1)[0]
    segment = _NAME_TAIL.sub("", segment).strip(SEPARATORS + ".")
    names: list[str] = []
    for part in _NAME_SPLIT.split(segment):
        name = _CREDENTIALS.sub("", _HONORIFIC.sub("", part.strip())).strip(" ,")
        if not name:
            continue
        if _is_role(name):
            continue
        name = name.rstrip(".")
        if not _is_person_name(name):
            return []
        names.append(name.title() if name.isupper() else name)
    return names


def byline_remainder(line: str) -> str | None:
    """What follows "By" or "Author:" on a byline (names, perhaps a date), or None."""
    match = _BYLINE.match(line)
    return match.group("rest") if match else None


def authors_in_sentence(sentence: str) -> list[str]:
    """The authors a sentence names ("… Writes Jane Doe", "By Jane Doe."), or []."""
    match = _WRITES_SENTENCE.match(sentence) or _BY_SENTENCE.match(sentence)
    return parse_authors(match.group("rest")) if match else []


def _is_role(part: str) -> bool:
    """Whether a byline part is a job title ("Senior Editor") rather than a name."""
    return any(word.strip(".,").lower() in _ROLE_WORDS for word in part.split())


def _is_person_name(name: str) -> bool:
    """Whether `name` looks like a personal name: 2–5 capitalised words or initials."""
    tokens = name.split()
    if not 2 <= len(tokens) <= 5:
        return False
    if tokens[0].lower() in _NAME_PARTICLES or _INITIAL.match(tokens[-1]):
        return False
    if all(_INITIAL.match(token) for token in tokens):
        return False
    for token in tokens:
        if token.lower() in _NAME_PARTICLES:
            continue
        if token.lower().strip(".") in _NOT_NAME_WORDS:
            return False
        core = token.replace("-", "").replace("'", "").replace("’", "").replace(".", "")
        if not (token[:1].isupper() and core.isalpha()):
            return False
    return True
