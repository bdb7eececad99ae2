"""Tags: free text, case-insensitive, hierarchical with `/`; on articles and on annotations."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

from library.errors import InvalidValue
from library.textnorm import normalize_text
from notes.changes import Owner, article_changed, owner_changed

MAX_TAG_LENGTH = 100
_SPACES = re.compile(r"\s+")
_SLASHES = re.compile(r"\s*/+\s*")

# Each link table with the column that names its owner.
_LINKS: dict[Owner, tuple[str, str]] = {
    "article": ("article_tags", "article_pk"),
    "annotation": ("annotation_tags", "annotation_pk"),
}


def normalize_tag(raw: str) -> str:
    """A tag as stored: trimmed, single spaces, `/` between non-empty levels, no leading `#`.

    Raises InvalidValue for a tag that is empty, only punctuation, too long or has a comma
    (the separator of tag lists).
    """
    text = normalize_text(raw).strip()
    tag = _SLASHES.sub("/", _SPACES.sub(" ", text)).strip("/ ").lstrip("#").strip()
    if not tag:
        raise InvalidValue(f"tag {raw!r}: a tag cannot be empty")
    if "," in tag:
        raise InvalidValue(f"tag {raw!r}: a tag cannot contain a comma (give several --tag)")
    if not any(char.isalnum() for char in tag):
        raise InvalidValue(f"tag {raw!r}: a tag needs at least one letter or digit")
    if len(tag) > MAX_TAG_LENGTH:
        raise InvalidValue(f"tag {raw[:20]!r}…: a tag is at most {MAX_TAG_LENGTH} characters")
    return tag


def tag_key(tag: str) -> str:
    """How tags compare: case-folded."""
    return tag.casefold()


def normalize_tags(raw: Iterable[str]) -> list[str]:
    """Normalised tags without duplicates (first spelling wins), in the given order."""
    seen: dict[str, str] = {}
    for item in raw:
        tag = normalize_tag(item)
        seen.setdefault(tag_key(tag), tag)
    return list(seen.values())


def _tag_pk(conn: sqlite3.Connection, tag: str) -> int:
    """The tag's row, created on first use (its first spelling is the one shown)."""
    key = tag_key(tag)
    conn.execute("INSERT OR IGNORE INTO tags(key, name) VALUES (?, ?)", (key, tag))
    return int(conn.execute("SELECT pk FROM tags WHERE key = ?", (key,)).fetchone()[0])


def link_tags(conn: sqlite3.Connection, owner: Owner, owner_pk: int, tags: Iterable[str]) -> int:
    """Put normalised `tags` on an article or annotation; returns how many were new. When any
    was, the article is queued for the index (tags are searchable)."""
    table, column = _LINKS[owner]
    added = 0
    for tag in tags:
        cursor = conn.execute(
            f"INSERT OR IGNORE INTO {table}({column}, tag_pk) VALUES (?, ?)",
            (owner_pk, _tag_pk(conn, tag)),
        )
        added += cursor.rowcount
    if added:
        owner_changed(conn, owner, owner_pk)
    return added


def unlink_tags(conn: sqlite3.Connection, owner: Owner, owner_pk: int, tags: Iterable[str]) -> int:
    """Take `tags` off an article or annotation; returns how many it had. When any went, the
    article is queued for the index."""
    table, column = _LINKS[owner]
    removed = 0
    for tag in tags:
        cursor = conn.execute(
            f"DELETE FROM {table} WHERE {column} = ? AND tag_pk = "
            "(SELECT pk FROM tags WHERE key = ?)",
            (owner_pk, tag_key(tag)),
        )
        removed += cursor.rowcount
    drop_unused_tags(conn)
    if removed:
        owner_changed(conn, owner, owner_pk)
    return removed


def set_tags(conn: sqlite3.Connection, owner: Owner, owner_pk: int, tags: Iterable[str]) -> int:
    """Make an article's or annotation's tags exactly `tags` (normalised); returns how many
    were put on or taken off."""
    wanted = normalize_tags(tags)
    keys = {tag_key(tag) for tag in wanted}
    gone = [tag for tag in tags_of(conn, owner, owner_pk) if tag_key(tag) not in keys]
    return link_tags(conn, owner, owner_pk, wanted) + unlink_tags(conn, owner, owner_pk, gone)


def tags_of(conn: sqlite3.Connection, owner: Owner, owner_pk: int) -> list[str]:
    """The tags on one article or annotation, sorted."""
    table, column = _LINKS[owner]
    rows = conn.execute(
        f"SELECT tags.name FROM {table} AS link JOIN tags ON tags.pk = link.tag_pk "
        f"WHERE link.{column} = ? ORDER BY tags.key",
        (owner_pk,),
    )
    return [row[0] for row in rows]


def drop_unused_tags(conn: sqlite3.Connection) -> None:
    """Forget tags nothing carries any more."""
    conn.execute(
        "DELETE FROM tags WHERE pk NOT IN (SELECT tag_pk FROM article_tags) "
        "AND pk NOT IN (SELECT tag_pk FROM annotation_tags)"
    )


@dataclass(frozen=True)
class TagCount:
    """A tag with how many articles and annotations carry it (itself, not its children)."""

    name: str
    articles: int
    annotations: int

    @property
    def total(self) -> int:
        """How many articles and annotations carry it."""
        return self.articles + self.annotations

    def to_json(self) -> dict[str, object]:
        """The count as plain JSON data."""
        return {"tag": self.name, "articles": self.articles, "annotations": self.annotations}


def tag_counts(conn: sqlite3.Connection) -> list[TagCount]:
    """Every tag in use, sorted, with its counts."""
    rows = conn.execute(
        "SELECT name,"
        " (SELECT count(*) FROM article_tags WHERE tag_pk = tags.pk),"
        " (SELECT count(*) FROM annotation_tags WHERE tag_pk = tags.pk)"
        " FROM tags ORDER BY key"
    )
    return [TagCount(name, articles, annotations) for name, articles, annotations in rows]


def _matching_tag_pks(conn: sqlite3.Connection, tag: str) -> list[int]:
    """The tag and every tag under it (`groups` → `groups`, `groups/isis-k`)."""
    key = tag_key(normalize_tag(tag))
    rows = conn.execute(
        "SELECT pk FROM tags WHERE key = ? OR substr(key, 1, ?) = ?",
        (key, len(key) + 1, key + "/"),
    )
    return [row[0] for row in rows]


def article_ids_with_tag(conn: sqlite3.Connection, tag: str) -> list[str]:
    """Ids of articles tagged `tag` (or a tag under it), or with an annotation so tagged."""
    pks = _matching_tag_pks(conn, tag)
    if not pks:
        return []
    marks = ",".join("?" * len(pks))
    rows = conn.execute(
        f"SELECT id FROM articles WHERE pk IN ("
        f" SELECT article_pk FROM article_tags WHERE tag_pk IN ({marks})"
        f" UNION SELECT annotations.article_pk FROM annotation_tags"
        f" JOIN annotations ON annotations.pk = annotation_tags.annotation_pk"
        f" WHERE annotation_tags.tag_pk IN ({marks})) ORDER BY pk",
        [*pks, *pks],
    )
    return [row[0] for row in rows]


def annotation_pks_with_tag(conn: sqlite3.Connection, tag: str) -> set[int]:
    """Annotations tagged `tag` (or a tag under it), or on an article so tagged."""
    pks = _matching_tag_pks(conn, tag)
    if not pks:
        return set()
    marks = ",".join("?" * len(pks))
    rows = conn.execute(
        f"SELECT annotation_pk FROM annotation_tags WHERE tag_pk IN ({marks})"
        f" UNION SELECT annotations.pk FROM annotations JOIN article_tags"
        f" ON article_tags.article_pk = annotations.article_pk"
        f" WHERE article_tags.tag_pk IN ({marks})",
        [*pks, *pks],
    )
    return {row[0] for row in rows}


def rename_tag(conn: sqlite3.Connection, old: str, new: str) -> int:
    """Rename `old` and the tags under it (`groups/x` → `actors/x`), merging into tags that
    already exist. Returns how many tags were renamed; raises InvalidValue if `old` is unknown."""
    old_tag, new_tag = normalize_tag(old), normalize_tag(new)
    old_key = tag_key(old_tag)
    rows = conn.execute(
        "SELECT pk, key, name FROM tags WHERE key = ? OR substr(key, 1, ?) = ?",
        (old_key, len(old_key) + 1, old_key + "/"),
    ).fetchall()
    if not rows:
        raise InvalidValue(f"tag {old!r}: no such tag")
    for pk, _key, name in rows:
        renamed = new_tag + name[len(old_tag) :]
        _touch_carriers(conn, pk)
        target = conn.execute("SELECT pk FROM tags WHERE key = ?", (tag_key(renamed),)).fetchone()
        if target is None or target[0] == pk:
            conn.execute(
                "UPDATE tags SET key = ?, name = ? WHERE pk = ?", (tag_key(renamed), renamed, pk)
            )
            continue
        for table, _column in _LINKS.values():
            conn.execute(
                f"UPDATE OR IGNORE {table} SET tag_pk = ? WHERE tag_pk = ?", (target[0], pk)
            )
            conn.execute(f"DELETE FROM {table} WHERE tag_pk = ?", (pk,))
        conn.execute("DELETE FROM tags WHERE pk = ?", (pk,))
    return len(rows)


def _touch_carriers(conn: sqlite3.Connection, tag_pk: int) -> None:
    """Re-index every article that carries this tag, itself or on an annotation."""
    rows = conn.execute(
        "SELECT article_pk FROM article_tags WHERE tag_pk = ? UNION "
        "SELECT annotations.article_pk FROM annotation_tags JOIN annotations "
        "ON annotations.pk = annotation_tags.annotation_pk WHERE annotation_tags.tag_pk = ?",
        (tag_pk, tag_pk),
    )
    for (article_pk,) in rows.fetchall():
        article_changed(conn, article_pk)


@dataclass
class NoteSummary:
    """How many annotations an article has, and its tags (its own and its notes')."""

    count: int = 0
    tags: list[str] = field(default_factory=list)


def note_summaries(conn: sqlite3.Connection) -> dict[str, NoteSummary]:
    """Per article id, its note count and tags, in two queries (a table of 100,000
    articles needs them all at once)."""
    summaries: dict[str, NoteSummary] = {}
    counts = conn.execute(
        "SELECT a.id, count(*) FROM annotations AS n JOIN articles AS a"
        " ON a.pk = n.article_pk GROUP BY a.id"
    )
    for article_id, count in counts:
        summaries.setdefault(article_id, NoteSummary()).count = count
    tags = conn.execute(
        "SELECT a.id, t.name, t.key FROM article_tags AS l JOIN tags AS t ON t.pk = l.tag_pk"
        " JOIN articles AS a ON a.pk = l.article_pk"
        " UNION SELECT a.id, t.name, t.key FROM annotation_tags AS l"
        " JOIN tags AS t ON t.pk = l.tag_pk JOIN annotations AS n ON n.pk = l.annotation_pk"
        " JOIN articles AS a ON a.pk = n.article_pk ORDER BY 1, 3"
    )
    for article_id, name, _key in tags:
        summaries.setdefault(article_id, NoteSummary()).tags.append(name)
    return summaries
