"""Checking metadata a user typed, and the TOML form `folio edit` opens in $EDITOR."""

from __future__ import annotations

import json
import re
import tomllib
from datetime import date as Date
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from library.articles import Article
from library.errors import InvalidValue
from library.extracted import ARTICLE_TYPES, METADATA_FIELDS
from library.textnorm import normalize_text

if TYPE_CHECKING:
    from library.store import Library

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


def check_date(value: str) -> str:
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD` naming a real day; InvalidValue otherwise."""
    match = _DATE.match(value.strip())
    if not match:
        raise InvalidValue(f"'{value}' is not YYYY, YYYY-MM or YYYY-MM-DD", field="date")
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        Date(year, month, day)
    except ValueError:
        raise InvalidValue(f"'{value}' is not a real date", field="date") from None
    return value.strip()


def check_url(value: str) -> str:
    """An absolute http(s) URL without spaces, braces or backslashes (they break BibTeX)."""
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidValue(f"'{value}' is not an http(s) URL", field="url")
    if re.search(r"[\s{}\\]", value):
        raise InvalidValue(f"'{value}' contains spaces, braces or a backslash", field="url")
    return value


def check_changes(changes: dict[str, object]) -> dict[str, str | list[str] | None]:
    """Validate and tidy metadata changes; an empty string clears a field."""
    checked: dict[str, str | list[str] | None] = {}
    for name, raw in changes.items():
        if name not in METADATA_FIELDS:
            raise InvalidValue(f"unknown field '{name}' (fields: {', '.join(METADATA_FIELDS)})")
        if name == "authors":
            if isinstance(raw, str) or not isinstance(raw, list | tuple):
                raise InvalidValue("give a list of names", field="authors")
            names = [normalize_text(str(author)).strip() for author in raw]
            if any(not author for author in names):
                raise InvalidValue("a name is empty", field="authors")
            checked[name] = names
            continue
        if not isinstance(raw, str):
            raise InvalidValue(f"expected text, got {type(raw).__name__}", field=name)
        # Typed text is untrusted like imported text: no control character reaches a terminal.
        value = " ".join(normalize_text(raw).split())
        if not value:
            if name == "title":
                raise InvalidValue("the title cannot be empty", field="title")
            checked[name] = None
        elif name == "date":
            checked[name] = check_date(value)
        elif name == "url":
            checked[name] = check_url(value)
        elif name == "type":
            if value not in ARTICLE_TYPES:
                raise InvalidValue(
                    f"'{value}' is not one of {', '.join(ARTICLE_TYPES)}", field="type"
                )
            checked[name] = value
        elif name == "language":
            if not _LANGUAGE.match(value):
                raise InvalidValue(
                    f"'{value}' is not a language code like en or pt-BR", field="language"
                )
            checked[name] = value
        else:
            checked[name] = value
    return checked


def to_toml(article: Article) -> str:
    """The article's metadata as TOML for $EDITOR, provenance in comments."""
    lines = [
        f"# Folio metadata for {article.id} ({article.citekey}). Save and close to apply.",
        "# An empty string clears a field. Values you change are marked as yours.",
        f"# type is one of: {', '.join(ARTICLE_TYPES)}",
        "",
    ]
    for name in METADATA_FIELDS:
        value = getattr(article, name)
        origin = article.origins.get(name)
        note = f"  # {origin}" if origin and value else ""
        if name == "authors":
            rendered = "[" + ", ".join(json.dumps(a, ensure_ascii=False) for a in value) + "]"
        else:
            rendered = json.dumps(value or "", ensure_ascii=False)
        lines.append(f"{name} = {rendered}{note}")
    return "\n".join(lines) + "\n"


def changes_from_toml(article: Article, text: str) -> dict[str, str | list[str] | None]:
    """The fields the user changed in the edited TOML, validated."""
    try:
        edited = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidValue(f"edited metadata is not valid TOML: {exc}") from None
    changes: dict[str, object] = {}
    for name, value in edited.items():
        current = getattr(article, name, None) if name in METADATA_FIELDS else object()
        if name == "authors":
            if value != current:
                changes[name] = value
        elif value != (current or ""):
            changes[name] = value
    return check_changes(changes)


def save_metadata(
    library: Library,
    ref: str,
    changes: dict[str, str | list[str] | None],
    citekey: str | None = None,
    *,
    base: Article | None = None,
) -> Article:
    """Apply checked metadata changes (marked as typed by the user) and, given one, a new
    citekey, in one transaction: what `folio edit` and the notebook's form both do.

    A compare-and-set against `base`, the article as the edit showed it: when its metadata
    or citekey changed since, EditConflict (carrying the article as it is now) and nothing
    is written. (A note or tag added meanwhile changes neither: the save goes ahead.)"""
    from library.articles import get_article, rename_citekey, update_metadata
    from library.errors import EditConflict

    with library.write() as conn:
        article = get_article(conn, ref)
        if (
            base is not None
            and article.rev != base.rev
            and _edited_fields(article) != (_edited_fields(base))
        ):
            mine: dict[str, object] = dict(changes)
            if citekey is not None:
                mine["citekey"] = citekey
            raise EditConflict(f"article {article.id} [{article.citekey}]", article, mine)
        if changes:
            article = update_metadata(conn, article, changes)
        if citekey is not None:
            article = rename_citekey(conn, article, citekey)
    return article


def _edited_fields(article: Article) -> tuple[object, ...]:
    """What a metadata edit shows and changes: the fields and the citekey."""
    return (article.metadata(), article.citekey)
