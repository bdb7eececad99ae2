"""Alias sets: names a researcher declares to be one (ISKP = ISIS-K = IS-K = "Islamic State
Khorasan Province"). Stored in the database, applied when a query runs (no reindex)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

from library.articles import now_iso
from library.errors import InvalidValue, NotFound
from library.index_schema import fold
from library.textnorm import normalize_text

MAX_MEMBER_LENGTH = 100


@dataclass(frozen=True)
class AliasSet:
    """One set: its name (the first member) and all its members, the name first."""

    name: str
    members: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        """The set as plain JSON data."""
        return {"name": self.name, "variants": list(self.members[1:])}


@dataclass
class AliasChange:
    """What `add_aliases`/`remove_aliases` did to a set."""

    set: AliasSet | None  # None once the set is gone
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """The change as plain JSON data."""
        return {
            "set": self.set.to_json() if self.set else None,
            "added": self.added,
            "removed": self.removed,
            "unchanged": self.unchanged,
        }


def clean_member(raw: str) -> str:
    """A member as stored: one line, single spaces; InvalidValue if it cannot match a word."""
    from library.analysis import query_words

    text = " ".join(normalize_text(raw).split())
    if not text:
        raise InvalidValue("an alias cannot be empty")
    if len(text) > MAX_MEMBER_LENGTH:
        raise InvalidValue(f"alias {text[:20]!r}…: at most {MAX_MEMBER_LENGTH} characters")
    if not query_words(text):
        raise InvalidValue(
            f"alias {text!r}: has no word Folio indexes (words of one letter and very "
            "common words are not searchable on their own)"
        )
    return text


def member_key(text: str) -> str:
    """How members compare: case, accents and spacing ignored."""
    return " ".join(fold(text).split())


def list_alias_sets(conn: sqlite3.Connection) -> list[AliasSet]:
    """Every alias set, by name."""
    members: dict[int, list[str]] = {}
    for set_pk, text in conn.execute(
        "SELECT set_pk, text FROM alias_members ORDER BY set_pk, position"
    ):
        members.setdefault(set_pk, []).append(text)
    sets = [AliasSet(texts[0], tuple(texts)) for texts in members.values()]
    return sorted(sets, key=lambda s: member_key(s.name))


def find_alias_set(conn: sqlite3.Connection, text: str) -> AliasSet | None:
    """The set that has `text` as a member, if any."""
    pk = _set_of(conn, member_key(text))
    return None if pk is None else _load(conn, pk)


def _set_of(conn: sqlite3.Connection, key: str) -> int | None:
    row = conn.execute("SELECT set_pk FROM alias_members WHERE key = ?", (key,)).fetchone()
    return None if row is None else int(row[0])


def _load(conn: sqlite3.Connection, pk: int) -> AliasSet:
    texts = [
        row[0]
        for row in conn.execute(
            "SELECT text FROM alias_members WHERE set_pk = ? ORDER BY position", (pk,)
        )
    ]
    return AliasSet(texts[0], tuple(texts))


def add_aliases(conn: sqlite3.Connection, name: str, variants: Iterable[str]) -> AliasChange:
    """Make `variants` aliases of `name` (inside the caller's transaction). `name` may be any
    member of an existing set, which then grows; a variant already in another set is refused."""
    name = clean_member(name)
    wanted = [clean_member(v) for v in variants]
    pk = _set_of(conn, member_key(name))
    for variant in wanted:
        other = _set_of(conn, member_key(variant))
        if other is not None and other != pk:
            owner = _load(conn, other).name
            raise InvalidValue(
                f"{variant!r} is already an alias of {owner!r}; remove it there first "
                f"(folio alias rm {_shell(owner)} {_shell(variant)})"
            )
    if pk is None:
        if not wanted or all(member_key(v) == member_key(name) for v in wanted):
            raise InvalidValue(f"alias set {name!r}: give at least one other spelling")
        pk = int(
            conn.execute(
                "INSERT INTO alias_sets(name, created_at) VALUES (?, ?)", (name, now_iso())
            ).lastrowid
            or 0
        )
        _insert(conn, pk, name)
    change = AliasChange(None)
    for variant in wanted:
        if _set_of(conn, member_key(variant)) is None:
            _insert(conn, pk, variant)
            change.added.append(variant)
        else:
            change.unchanged.append(variant)
    change.set = _load(conn, pk)
    return change


def _insert(conn: sqlite3.Connection, pk: int, text: str) -> None:
    position = conn.execute(
        "SELECT coalesce(max(position) + 1, 0) FROM alias_members WHERE set_pk = ?", (pk,)
    ).fetchone()[0]
    conn.execute(
        "INSERT INTO alias_members(set_pk, key, text, position) VALUES (?, ?, ?, ?)",
        (pk, member_key(text), text, position),
    )


def remove_aliases(conn: sqlite3.Connection, name: str, variants: Iterable[str]) -> AliasChange:
    """Take `variants` out of the set `name` belongs to, or the whole set when none are
    given; a set left with one member is removed."""
    pk = _set_of(conn, member_key(name))
    if pk is None:
        raise NotFound(f"no alias set has {name!r} (see `folio alias list`)")
    current = _load(conn, pk)
    chosen = list(variants)
    if not chosen:
        conn.execute("DELETE FROM alias_sets WHERE pk = ?", (pk,))
        return AliasChange(None, removed=list(current.members))
    change = AliasChange(None)
    for variant in chosen:
        key = member_key(variant)
        if _set_of(conn, key) != pk:
            raise NotFound(f"{variant!r} is not an alias of {current.name!r}")
        conn.execute("DELETE FROM alias_members WHERE key = ?", (key,))
        change.removed.append(variant)
    left = conn.execute("SELECT count(*) FROM alias_members WHERE set_pk = ?", (pk,)).fetchone()[0]
    if left < 2:
        change.removed.extend(_load(conn, pk).members if left else ())
        conn.execute("DELETE FROM alias_sets WHERE pk = ?", (pk,))
        return change
    _renumber(conn, pk)
    change.set = _load(conn, pk)
    return change


def _renumber(conn: sqlite3.Connection, pk: int) -> None:
    """Positions from 0 again, so the first member left is the set's name."""
    rows = conn.execute(
        "SELECT key FROM alias_members WHERE set_pk = ? ORDER BY position", (pk,)
    ).fetchall()
    for position, (key,) in enumerate(rows):
        conn.execute("UPDATE alias_members SET position = ? WHERE key = ?", (position, key))
    conn.execute("UPDATE alias_sets SET name = ? WHERE pk = ?", (_load(conn, pk).name, pk))


def _shell(text: str) -> str:
    return f'"{text}"' if " " in text else text


# ---------------------------------------------------------------------------------------------
# Query side


@dataclass(frozen=True)
class AliasMember:
    """A member as a query uses it: its text, its index words, its tag form."""

    text: str
    words: tuple[str, ...]
    set_name: str


class AliasLookup:
    """The alias sets, looked up by a query's words (a Term or a Phrase) or by a tag."""

    def __init__(self, sets: Iterable[AliasSet]) -> None:
        from library.analysis import query_words

        self.by_words: dict[tuple[str, ...], list[AliasMember]] = {}
        self.by_tag: dict[str, list[AliasMember]] = {}
        for alias_set in sets:
            members = [
                AliasMember(text, tuple(w for w, _, _ in query_words(text)), alias_set.name)
                for text in alias_set.members
            ]
            for member in members:
                self.by_words[member.words] = members
                self.by_tag[member_key(member.text)] = members

    def __bool__(self) -> bool:
        return bool(self.by_words)

    def others_by_words(self, words: tuple[str, ...]) -> list[AliasMember]:
        """The other members of the set whose member has these index words."""
        members = self.by_words.get(words, [])
        return [m for m in members if m.words != words]

    def other_tags(self, tag: str) -> list[str]:
        """A tag written with each other member instead (`groups/iskp` for `groups/isis-k`)."""
        path, _, last = tag.rpartition("/")
        members = self.by_tag.get(member_key(last), [])
        return [
            f"{path}/{member_key(m.text)}" if path else member_key(m.text)
            for m in members
            if member_key(m.text) != member_key(last)
        ]


def alias_lookup(conn: sqlite3.Connection) -> AliasLookup:
    """The library's alias sets, ready for a query."""
    return AliasLookup(list_alias_sets(conn))
