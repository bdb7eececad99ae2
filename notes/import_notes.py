"""`folio import-notes`: restore annotations from `folio notes --json` output."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from library.aliases import add_aliases
from library.articles import Article, article_where, get_article, now_iso
from library.errors import InvalidValue, NotFound
from notes.annotations import (
    Annotation,
    clean_note,
    get_annotation,
    looks_like_annotation_id,
    new_annotation_id,
)
from notes.changes import annotation_changed, article_changed
from notes.export import NOTES_JSON_KEY, NOTES_JSON_VERSION
from notes.tags import link_tags, normalize_tags


@dataclass
class NotesImport:
    """What an import did: counts, and the annotations whose article is not in the library."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    tagged_articles: int = 0
    unmatched: list[str] = field(default_factory=list)
    aliases_added: int = 0  # spellings added to alias sets
    alias_conflicts: list[str] = field(default_factory=list)  # why a set was not taken

    def to_json(self) -> dict[str, object]:
        """The report as plain JSON data."""
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "tagged_articles": self.tagged_articles,
            "unmatched": self.unmatched,
            "aliases_added": self.aliases_added,
            "alias_conflicts": self.alias_conflicts,
        }


def read_notes_file(path: Path) -> dict[str, Any]:
    """Load and check a notes JSON file; InvalidValue says what is wrong with it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InvalidValue(f"{path}: not a notes JSON file (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise InvalidValue(
            f"{path}: malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise InvalidValue(f"{path}: not a notes JSON file (nested too deeply)") from None
    if not isinstance(data, dict) or NOTES_JSON_KEY not in data:
        raise InvalidValue(f"{path}: not a Folio notes file (write one with `folio notes --json`)")
    version = data[NOTES_JSON_KEY]
    if not isinstance(version, int) or version < 1:
        raise InvalidValue(f"{path}: unknown notes format version {version!r}")
    if version > NOTES_JSON_VERSION:
        raise InvalidValue(
            f"{path}: written by a newer Folio (notes format {version}, this one reads "
            f"{NOTES_JSON_VERSION}); upgrade Folio"
        )
    if not isinstance(data.get("annotations"), list):
        raise InvalidValue(f"{path}: 'annotations' must be a list")
    for number, item in enumerate(data["annotations"], start=1):
        _check_item(path, number, item)
    for number, entry in enumerate(data.get("aliases") or [], start=1):
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("name"), str)
            and isinstance(entry.get("variants"), list)
            and all(isinstance(v, str) for v in entry["variants"])
        ):
            raise InvalidValue(f"{path}: alias set {number} needs a 'name' and a list 'variants'")
    return data


def _check_item(path: Path, number: int, item: object) -> None:
    where = f"{path}: annotation {number}"
    if not isinstance(item, dict) or not isinstance(item.get("article"), dict):
        raise InvalidValue(f"{where}: needs an 'article' object")
    if not isinstance(item.get("note", ""), str) or not isinstance(item.get("tags", []), list):
        raise InvalidValue(f"{where}: 'note' must be text and 'tags' a list")
    target = item.get("target")
    if target is None:
        return
    if not isinstance(target, dict) or not isinstance(target.get("exact"), str):
        raise InvalidValue(f"{where}: 'target' needs the quoted text in 'exact'")
    for key in ("start", "end"):
        if not isinstance(target.get(key), int) or target[key] < 0:
            raise InvalidValue(f"{where}: 'target.{key}' must be a non-negative offset")
    for key in ("prefix", "suffix"):
        if not isinstance(target.get(key, ""), str):
            raise InvalidValue(f"{where}: 'target.{key}' must be text")


def import_notes(conn: sqlite3.Connection, data: dict[str, Any]) -> NotesImport:
    """Restore the annotations (inside the caller's transaction). Articles are matched by
    content hash, then citekey; an annotation already present is not added again. Imported
    passages carry the hash of the text they were made on, so the next re-anchoring pass
    moves them onto this library's text if it differs."""
    report = NotesImport()
    for item in data["annotations"]:
        article = _match_article(conn, item["article"])
        if article is None:
            report.unmatched.append(str(item.get("id") or item["article"].get("citekey")))
            continue
        outcome = _restore(conn, article, item)
        setattr(report, outcome, getattr(report, outcome) + 1)
    for entry in data.get("article_tags", []):
        article = _match_article(conn, entry.get("article") or {})
        # link_tags queues the article for the index when it adds a tag.
        if article is not None and link_tags(
            conn, "article", article.pk, normalize_tags(entry.get("tags", []))
        ):
            report.tagged_articles += 1
    for entry in data.get("aliases") or []:
        try:
            change = add_aliases(conn, entry["name"], entry["variants"])
        except InvalidValue as exc:  # a spelling this library gives to another set
            report.alias_conflicts.append(str(exc))
            continue
        report.aliases_added += len(change.added)
    return report


def _match_article(conn: sqlite3.Connection, described: dict[str, Any]) -> Article | None:
    article = article_where(conn, "text_sha256", described.get("text_sha256"))
    if article is None and described.get("citekey"):
        try:
            article = get_article(conn, str(described["citekey"]))
        except NotFound:
            return None
    return article


def _restore(conn: sqlite3.Connection, article: Article, item: dict[str, Any]) -> str:
    """Add or update one annotation; returns the report counter it belongs to."""
    target = item.get("target")
    tags = normalize_tags(item.get("tags", []))
    existing = _same_annotation(conn, article, item)
    note = clean_note(item.get("note", ""))
    if existing is not None:
        if existing.note == note and set(existing.tags) >= set(tags):
            return "unchanged"
        conn.execute(
            "UPDATE annotations SET note = ?, modified_at = ? WHERE pk = ?",
            (note, item.get("modified") or existing.modified_at, existing.pk),
        )
        link_tags(conn, "annotation", existing.pk, tags)
        annotation_changed(conn, existing.pk)
        return "updated"
    wanted = str(item.get("id") or "")
    taken = conn.execute("SELECT 1 FROM annotations WHERE id = ?", (wanted,)).fetchone()
    values: dict[str, object] = {
        "id": wanted if looks_like_annotation_id(wanted) and not taken else new_annotation_id(conn),
        "article_pk": article.pk,
        "note": note,
        "created_at": item.get("created") or now_iso(),
        "modified_at": item.get("modified") or item.get("created") or now_iso(),
        "state": "article",
    }
    if target is not None:
        values.update(
            exact=target["exact"],
            prefix=target.get("prefix", ""),
            suffix=target.get("suffix", ""),
            pos_start=target["start"],
            pos_end=target["end"],
            # Unknown (or an orphan's) → re-anchored on the next pass.
            anchored_on=(item.get("state") != "orphan" and target.get("text_sha256")) or "unknown",
            state=item.get("state") if item.get("state") in ("anchored", "fuzzy") else "anchored",
            locator=item.get("locator"),
            score=item.get("score") if isinstance(item.get("score"), int | float) else None,
        )
    names = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    cursor = conn.execute(f"INSERT INTO annotations ({names}) VALUES ({marks})", values)
    link_tags(conn, "annotation", cursor.lastrowid or 0, tags)
    article_changed(conn, article.pk)
    return "added"


def _same_annotation(
    conn: sqlite3.Connection, article: Article, item: dict[str, Any]
) -> Annotation | None:
    """The annotation in this library that `item` is a copy of: same id on the same article,
    or the same passage and creation time."""
    target = item.get("target") or {}
    row = conn.execute(
        "SELECT id FROM annotations WHERE article_pk = ? AND (id = ? OR"
        " (exact IS ? AND created_at = ?))",
        (article.pk, item.get("id"), target.get("exact"), item.get("created")),
    ).fetchone()
    return get_annotation(conn, row[0]) if row else None
