"""Passages articles share, found when a text arrives and kept as links between articles.

Every new, changed or deleted text is queued by the database itself (triggers on
`articles`, in the change's own transaction). `catch_up` scans the queue: for each text it
computes the fingerprints of its segments (library/fingerprints.py), looks them up in
`passage_prints` (one indexed lookup per segment: adding an article never reads the
others), aligns the text with the few articles that share fingerprints
(library/alignment.py), stores the passages found as links in both directions, and adds
its own fingerprints for the texts that come later. Memory stays bounded: one text, its
candidates, and the fingerprints of one transaction are held at a time.

A fingerprint that many segments carry (a site's boilerplate sentence) stops being stored
or followed once COMMON segments have it.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from library.alignment import SharedPassage, align, segments_match
from library.database import rows_in, transaction
from library.fingerprints import Segment, Segmented, comparable, text_prints
from library.settings import get_setting, set_setting

__all__ = [
    "PASSAGES_VERSION",
    "Discovery",
    "Kind",
    "Link",
    "catch_up",
    "covered_length",
    "kind_of",
    "links_of",
    "pending_count",
    "requeue_all",
]

Kind = Literal["republication", "same source", "quotes"]
# The rules passages are found by. A library scanned under another number is scanned again.
PASSAGES_VERSION = 1
_VERSION_SETTING = "passages-version"
# Texts scanned per transaction: big enough that the fingerprints go in as one sorted batch.
CHUNK = 1000
COMMON = 40
# Articles aligned with one text, those sharing the most fingerprints first.
MAX_CANDIDATES = 40
# Seed pairs of segments read to confirm a candidate before its whole text is.
CHECKED_SEEDS = 3
# Both texts mostly shared: a republication. Several passages, or a long one: the same
# source (an interview reported by two outlets). Otherwise: quotes.
REPUBLICATION_SHARE = 0.5
SAME_SOURCE_PASSAGES = 3
SAME_SOURCE_CHARS = 600

Progress = Callable[[int, int], object]


@dataclass(frozen=True)
class Link:
    """A passage of one article (start, end) found in another (other_start, other_end)."""

    other_pk: int
    start: int
    end: int
    other_start: int
    other_end: int
    similarity: float


@dataclass
class Discovery:
    """What scanning one text found: the passages it shares with each other article, and
    how each pair is related."""

    article_pk: int
    chars: int  # from its first segment's start to its last one's end
    shared: dict[int, list[SharedPassage]] = field(default_factory=dict)
    kinds: dict[int, Kind] = field(default_factory=dict)


def pending_count(conn: sqlite3.Connection) -> int:
    """How many texts are waiting to be scanned."""
    return int(conn.execute("SELECT count(*) FROM passage_queue").fetchone()[0])


def requeue_all(conn: sqlite3.Connection) -> None:
    """Forget every passage found and queue every text (inside the caller's transaction):
    the next `catch_up` scans the whole library again."""
    for table in ("passage_prints", "passage_scans", "passage_links"):
        conn.execute(f"DELETE FROM {table}")
    conn.execute("INSERT OR IGNORE INTO passage_queue(article_pk) SELECT pk FROM articles")
    set_setting(conn, _VERSION_SETTING, str(PASSAGES_VERSION))


def catch_up(conn: sqlite3.Connection, progress: Progress | None = None) -> list[Discovery]:
    """Scan every queued text, CHUNK per transaction (an interruption keeps what was
    committed; the rest stays queued). Returns what was found for each text that shares
    passages. Cheap when the queue is empty (two queries)."""
    if get_setting(conn, _VERSION_SETTING) != str(PASSAGES_VERSION):
        with transaction(conn):
            requeue_all(conn)
    total = pending_count(conn)
    found: list[Discovery] = []
    done = 0
    texts = _Texts(conn)
    while done < total:
        with transaction(conn):
            chunk = [
                row[0]
                for row in conn.execute(
                    "SELECT article_pk FROM passage_queue ORDER BY article_pk LIMIT ?", (CHUNK,)
                )
            ]
            if not chunk:
                break
            scanner = _Scanner(conn, texts)
            for pk in chunk:
                discovery = scanner.scan(pk)
                if discovery is not None and discovery.shared:
                    found.append(discovery)
            scanner.flush()
            conn.executemany(
                "DELETE FROM passage_queue WHERE article_pk = ?", [(pk,) for pk in chunk]
            )
        done += len(chunk)
        if progress:
            progress(min(done, total), total)
    return found


class _Texts:
    """The texts recently aligned with, cut into segments (a source many texts quote is read
    once)."""

    def __init__(self, conn: sqlite3.Connection, size: int = 64) -> None:
        self.conn = conn
        self.size = size
        self.cache: OrderedDict[int, tuple[str, Segmented]] = OrderedDict()

    def get(self, pk: int) -> Segmented | None:
        """Article `pk`'s current text (None when it is gone)."""
        row = self.conn.execute("SELECT text_sha256 FROM articles WHERE pk = ?", (pk,)).fetchone()
        if row is None:
            return None
        cached = self.cache.get(pk)
        if cached is not None and cached[0] == row[0]:
            self.cache.move_to_end(pk)
            return cached[1]
        text = self.conn.execute("SELECT text FROM articles WHERE pk = ?", (pk,)).fetchone()[0]
        found = Segmented.of(text)
        self.remember(pk, row[0], found)
        return found

    def remember(self, pk: int, sha: str, found: Segmented) -> None:
        """Keep a text just read."""
        self.cache[pk] = (sha, found)
        self.cache.move_to_end(pk)
        if len(self.cache) > self.size:
            self.cache.popitem(last=False)


@dataclass
class _Scan:
    """What a scan stores about one text: the offsets of its segments (to check a
    candidate's segment without reading its whole text) and the fingerprints it added (to
    take them out when the text changes)."""

    starts: array[int]
    ends: array[int]
    prints: array[int]

    def to_blob(self) -> bytes:
        """Packed: segment count, starts, ends, then the fingerprints (unsigned 32-bit)."""
        return array("I", [len(self.starts)]).tobytes() + b"".join(
            part.tobytes() for part in (self.starts, self.ends, self.prints)
        )

    @classmethod
    def from_blob(cls, blob: bytes) -> _Scan:
        """Unpack `to_blob`."""
        values = array("I")
        values.frombytes(blob)
        count = values[0]
        return cls(
            values[1 : 1 + count], values[1 + count : 1 + 2 * count], values[1 + 2 * count :]
        )


class _Scanner:
    """Scans texts inside one transaction; their fingerprints are written together at the end
    (sorted: one pass over the index instead of a page write per fingerprint), and meanwhile
    looked up here."""

    def __init__(self, conn: sqlite3.Connection, texts: _Texts) -> None:
        self.conn = conn
        self.texts = texts
        self.unwritten: dict[int, list[tuple[int, int]]] = {}

    def scan(self, pk: int) -> Discovery | None:
        """Forget what an earlier version of text `pk` shared, then find what it shares now
        and store its fingerprints; None when the article is gone."""
        self._forget(pk)
        row = self.conn.execute(
            "SELECT text, text_sha256 FROM articles WHERE pk = ?", (pk,)
        ).fetchone()
        if row is None:
            return None
        me = Segmented.of(row[0])
        mine = me.segments
        self.texts.remember(pk, row[1], me)
        prints = text_prints(mine)
        postings = self._postings({value for value, _ in prints})
        kept = [(value, index) for value, index in prints if len(postings.get(value, ())) < COMMON]
        discovery = Discovery(pk, mine[-1].end - mine[0].start if mine else 0)
        for other, seeds in self._candidates(mine, kept, postings):
            them = self.texts.get(other)
            if them is not None:
                shared = align(me, them, seeds)
                if shared:
                    discovery.shared[other] = shared
        self._store(pk, row[1], discovery, mine, kept)
        return discovery

    def _postings(self, values: set[int]) -> dict[int, list[tuple[int, int]]]:
        """Who else carries each fingerprint: (article pk, segment) pairs, stored or not yet."""
        found: dict[int, list[tuple[int, int]]] = {}
        select = "SELECT hash, article_pk, segment FROM passage_prints WHERE hash IN ({marks})"
        for value, article_pk, segment in rows_in(self.conn, select, list(values)):
            found.setdefault(value, []).append((article_pk, segment))
        for value in values & self.unwritten.keys():
            found.setdefault(value, []).extend(self.unwritten[value])
        return found

    def _candidates(
        self,
        mine: list[Segment],
        kept: list[tuple[int, int]],
        postings: dict[int, list[tuple[int, int]]],
    ) -> list[tuple[int, list[tuple[int, int]]]]:
        """The other articles worth aligning with: those where a segment sharing a
        fingerprint with one of ours is similar to it (checked from the stored offsets,
        without reading the whole text), those sharing the most segments first."""
        seeds: dict[int, list[tuple[int, int]]] = {}
        for value, index in kept:
            for other, their_index in postings.get(value, ()):
                seeds.setdefault(other, []).append((index, their_index))
        ranked = sorted(seeds.items(), key=lambda item: -len({i for i, _ in item[1]}))
        ranked = ranked[:MAX_CANDIDATES]
        scans = self._scans([other for other, _ in ranked])
        return [
            (other, pairs)
            for other, pairs in ranked
            if other in scans and self._confirmed(mine, other, scans[other], pairs)
        ]

    def _scans(self, pks: list[int]) -> dict[int, _Scan]:
        select = "SELECT article_pk, scan FROM passage_scans WHERE article_pk IN ({marks})"
        return {pk: _Scan.from_blob(blob) for pk, blob in rows_in(self.conn, select, list(pks))}

    def _confirmed(
        self, mine: list[Segment], other: int, scan: _Scan, pairs: list[tuple[int, int]]
    ) -> bool:
        """Whether one of the first seed pairs really is two similar segments."""
        for index, their_index in pairs[:CHECKED_SEEDS]:
            if their_index >= len(scan.starts):
                continue
            start, end = scan.starts[their_index], scan.ends[their_index]
            row = self.conn.execute(
                "SELECT substr(text, ?, ?) FROM articles WHERE pk = ?",
                (start + 1, end - start, other),
            ).fetchone()
            if row is not None and segments_match(mine[index].words, comparable(row[0] or "")):
                return True
        return False

    def _store(
        self,
        pk: int,
        sha: str,
        discovery: Discovery,
        mine: list[Segment],
        kept: list[tuple[int, int]],
    ) -> None:
        """Write the links found (both ways) and the scan; queue the fingerprints."""
        links = []
        for other, shared in discovery.shared.items():
            for p in shared:
                links.append((pk, other, p.start, p.end, p.other_start, p.other_end, p.similarity))
                links.append((other, pk, p.other_start, p.other_end, p.start, p.end, p.similarity))
            discovery.kinds[other] = self._kind(discovery, other, shared)
        self.conn.executemany("INSERT INTO passage_links VALUES (?, ?, ?, ?, ?, ?, ?)", links)
        for value, index in kept:
            self.unwritten.setdefault(value, []).append((pk, index))
        scan = _Scan(
            array("I", [segment.start for segment in mine]),
            array("I", [segment.end for segment in mine]),
            array("I", sorted({value for value, _ in kept})),
        )
        self.conn.execute(
            "INSERT OR REPLACE INTO passage_scans(article_pk, text_sha256, chars, scan)"
            " VALUES (?, ?, ?, ?)",
            (pk, sha, discovery.chars, scan.to_blob()),
        )

    def _kind(self, discovery: Discovery, other: int, shared: list[SharedPassage]) -> Kind:
        row = self.conn.execute(
            "SELECT chars FROM passage_scans WHERE article_pk = ?", (other,)
        ).fetchone()
        return kind_of(
            len(shared),
            covered_length((p.start, p.end) for p in shared),
            discovery.chars,
            covered_length((p.other_start, p.other_end) for p in shared),
            row[0] if row else 0,
        )

    def _forget(self, pk: int) -> None:
        """Take out what an earlier scan of `pk` stored: its fingerprints and its links."""
        row = self.conn.execute(
            "SELECT scan FROM passage_scans WHERE article_pk = ?", (pk,)
        ).fetchone()
        if row is None:
            return
        self.conn.executemany(
            "DELETE FROM passage_prints WHERE hash = ? AND article_pk = ?",
            [(value, pk) for value in _Scan.from_blob(row[0]).prints],
        )
        self.conn.execute("DELETE FROM passage_links WHERE article_pk = ?", (pk,))
        self.conn.execute("DELETE FROM passage_links WHERE other_pk = ?", (pk,))
        self.conn.execute("DELETE FROM passage_scans WHERE article_pk = ?", (pk,))

    def flush(self) -> None:
        """Write the fingerprints of the texts scanned, in index order."""
        rows = sorted(
            (value, pk, index)
            for value, carriers in self.unwritten.items()
            for pk, index in carriers
        )
        self.conn.executemany("INSERT OR IGNORE INTO passage_prints VALUES (?, ?, ?)", rows)
        self.unwritten.clear()


def covered_length(spans: Iterable[tuple[int, int]]) -> int:
    """How many characters the spans cover together (overlaps counted once)."""
    total, reach = 0, -1
    for start, end in sorted(spans):
        if end <= reach:
            continue
        total += end - max(start, reach)
        reach = end
    return total


def kind_of(passages: int, shared: int, chars: int, other_shared: int, other_chars: int) -> Kind:
    """How two articles are related by what they share: `shared` of this one's `chars`
    characters, `other_shared` of the other's `other_chars`, in `passages` passages."""
    share = shared / chars if chars else 0.0
    other_share = other_shared / other_chars if other_chars else 0.0
    if min(share, other_share) >= REPUBLICATION_SHARE:
        return "republication"
    if passages >= SAME_SOURCE_PASSAGES or shared >= SAME_SOURCE_CHARS:
        return "same source"
    return "quotes"


def links_of(conn: sqlite3.Connection, article_pk: int) -> list[Link]:
    """Every passage of article `article_pk` found elsewhere, in text order."""
    return [
        Link(*row)
        for row in conn.execute(
            'SELECT other_pk, start, "end", other_start, other_end, similarity'
            " FROM passage_links WHERE article_pk = ? ORDER BY start, other_pk",
            (article_pk,),
        )
    ]
