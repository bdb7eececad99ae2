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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field

from library.alignment import SharedPassage, align, segments_match
from library.database import rows_in, transaction
from library.fingerprints import (
    SKETCH,
    Segment,
    Segmented,
    comparable,
    sketch_overlap,
    text_prints,
)
from library.passage_links import Kind, covered_length, kind_of, pending_count
from library.settings import get_setting, set_setting

__all__ = ["PASSAGES_VERSION", "Discovery", "catch_up", "requeue_all"]

# The rules passages are found by. A library scanned under another number is scanned again.
PASSAGES_VERSION = 1
_VERSION_SETTING = "passages-version"
_GENERATION_SETTING = "passages-generation"
# Texts scanned per transaction (more when many wait, up to MAX_CHUNK: see catch_up).
CHUNK = 1000
MAX_CHUNK = 5000
# SQLite's page cache while more than a chunk is scanned. A chunk looks up its fingerprints
# all over the index and writes them in one sorted pass over it: with the default 2 MB
# cache, most pages are read again for every look-up and again for the writing. (At 100,000
# articles the index is ~170 MB; 5,000 texts scanned in 23 s with the default, 18 s with
# this.) Memory used only as pages are read, and given back when the scan ends.
SCAN_CACHE_KIB = 256 * 1024
# Segments that may carry one fingerprint before it counts as boilerplate.
COMMON = 40
# Articles aligned with one text (those sharing the most segments first), and considered.
MAX_CANDIDATES = 40
CONSIDERED = 16
# Sketches of a segment and its copy share at least this many hashes (the fingerprint that
# brought them together, and one more); then the other segment is read to tell, for at most
# CHECKED_SEEDS seed pairs of a candidate.
MIN_OVERLAP = 2
CHECKED_SEEDS = 3
_TO_THE_END = 2**31 - 1  # a substr() length that reaches the end of any text

Progress = Callable[[int, int], object]


@dataclass
class Discovery:
    """What scanning one text found: the passages it shares with each other article, and
    how each pair is related."""

    article_pk: int
    chars: int  # from its first segment's start to its last one's end
    shared: dict[int, list[SharedPassage]] = field(default_factory=dict)
    kinds: dict[int, Kind] = field(default_factory=dict)


def requeue_all(conn: sqlite3.Connection) -> None:
    """Forget every passage found and queue every text (inside the caller's transaction):
    the next `catch_up` scans the whole library again."""
    for table in ("passage_prints", "passage_scans", "passage_links"):
        conn.execute(f"DELETE FROM {table}")
    conn.execute("INSERT OR IGNORE INTO passage_queue(article_pk) SELECT pk FROM articles")
    set_setting(conn, _VERSION_SETTING, str(PASSAGES_VERSION))
    _bump_generation(conn)


def chunk_size(waiting: int) -> int:
    """Texts scanned per transaction when `waiting` texts are to be scanned in all. A
    transaction writes its fingerprints in one sorted pass over the index: when many texts
    wait, bigger chunks make fewer passes (a library scanned whole, about twenty)."""
    return min(MAX_CHUNK, max(CHUNK, waiting // 20))


def catch_up(
    conn: sqlite3.Connection, progress: Progress | None = None, *, size: int | None = None
) -> list[Discovery]:
    """Scan every queued text, a chunk per transaction (an interruption keeps what was
    committed; the rest stays queued), `size` texts a chunk (default: `chunk_size`).
    Returns what was found for each text that shares passages. Cheap when the queue is
    empty (two queries).

    A chunk is scanned outside any transaction and its results written in a short one, so
    that another writer (an import storing texts while this scans them, in another
    process) waits only for the writing. The writing checks that nothing it rests on
    changed meanwhile (the texts, or another scan's results); when something did, the
    chunk is scanned again holding the write lock."""
    if get_setting(conn, _VERSION_SETTING) != str(PASSAGES_VERSION):
        with transaction(conn):
            requeue_all(conn)
    total = pending_count(conn)
    size = size or chunk_size(total)
    with _page_cache(conn, SCAN_CACHE_KIB) if total > CHUNK else nullcontext():
        return _scan_queue(conn, total, size, progress)


def _scan_queue(
    conn: sqlite3.Connection, total: int, size: int, progress: Progress | None
) -> list[Discovery]:
    """Scan the `total` queued texts, `size` a chunk (see catch_up)."""
    found: list[Discovery] = []
    done = 0
    texts = _Texts(conn)
    while done < total:
        chunk = _queued(conn, size)
        if not chunk:
            break
        scanner = _Scanner(conn, texts)
        scanner.scan_all(chunk)
        with transaction(conn):
            if not scanner.still_valid():
                # Scanned again under the lock: what it reads cannot change before it writes.
                chunk = _queued(conn, size)
                scanner = _Scanner(conn, texts)
                scanner.scan_all(chunk)
            scanner.write()
        found.extend(scanner.shared)
        done += len(chunk)
        if progress:
            progress(min(done, total), total)
    return found


@contextmanager
def _page_cache(conn: sqlite3.Connection, kib: int) -> Iterator[None]:
    """SQLite's page cache for this connection at `kib` KiB for a while, then as it was."""
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size=-{int(kib)}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size={int(before)}")


def _queued(conn: sqlite3.Connection, size: int) -> list[int]:
    """The first `size` texts waiting to be scanned."""
    select = "SELECT article_pk FROM passage_queue ORDER BY article_pk LIMIT ?"
    return [row[0] for row in conn.execute(select, (size,))]


def _generation(conn: sqlite3.Connection) -> str | None:
    """A number every scan's writing changes (see _Scanner.still_valid)."""
    return get_setting(conn, _GENERATION_SETTING)


def _bump_generation(conn: sqlite3.Connection) -> None:
    """Say that scan results changed (inside the caller's transaction)."""
    current = _generation(conn)
    set_setting(conn, _GENERATION_SETTING, str(int(current or 0) + 1))


class _Texts:
    """The texts recently aligned with, cut into segments (a source many texts quote is read
    once)."""

    def __init__(self, conn: sqlite3.Connection, size: int = 64) -> None:
        self.conn = conn
        self.size = size
        self.cache: OrderedDict[int, tuple[str, Segmented]] = OrderedDict()

    def get(self, pk: int) -> tuple[str, Segmented] | None:
        """Article `pk`'s current text and its hash (None when it is gone)."""
        row = self.conn.execute("SELECT text_sha256 FROM articles WHERE pk = ?", (pk,)).fetchone()
        if row is None:
            return None
        cached = self.cache.get(pk)
        if cached is not None and cached[0] == row[0]:
            self.cache.move_to_end(pk)
            return cached
        # (The text and its hash read together: outside a transaction, they may have changed.)
        row = self.conn.execute(
            "SELECT text_sha256, text FROM articles WHERE pk = ?", (pk,)
        ).fetchone()
        if row is None:
            return None
        found = Segmented.of(row[1])
        self.remember(pk, row[0], found)
        return row[0], found

    def remember(self, pk: int, sha: str, found: Segmented) -> None:
        """Keep a text just read."""
        self.cache[pk] = (sha, found)
        self.cache.move_to_end(pk)
        if len(self.cache) > self.size:
            self.cache.popitem(last=False)


class _Scan:
    """What a scan stores about one text: where its segments start and their sketches (to
    tell whether a candidate has a copy of a segment without reading the candidate's whole
    text), and the fingerprints it added to `passage_prints` (to take them out when the
    text changes). Packed as: segment and print counts, segment starts (32-bit), sketches
    (SKETCH 16-bit values a segment, 0 where it has fewer), prints (32-bit)."""

    def __init__(self, starts: array[int], sketches: array[int], prints: array[int]) -> None:
        self.starts = starts
        self.sketches = sketches
        self.prints = prints

    @classmethod
    def of(
        cls, found: Sequence[Segment], sketches: list[tuple[int, ...]], prints: list[int]
    ) -> _Scan:
        """The scan of a text with these segments, segment sketches and stored prints."""
        padded = array("H")
        for sketch in sketches:
            padded.extend(sketch)
            padded.extend([0] * (SKETCH - len(sketch)))
        return cls(array("I", [segment.start for segment in found]), padded, array("I", prints))

    def sketch(self, segment: int) -> tuple[int, ...]:
        """The sketch of one segment (empty past the last)."""
        values = self.sketches[segment * SKETCH : (segment + 1) * SKETCH]
        return tuple(value for value in values if value)

    def to_blob(self) -> bytes:
        """The scan packed for `passage_scans.scan`."""
        counts = array("I", [len(self.starts), len(self.prints)])
        parts = (counts, self.starts, self.sketches, self.prints)
        return b"".join(part.tobytes() for part in parts)

    @classmethod
    def from_blob(cls, blob: bytes) -> _Scan:
        """Unpack `to_blob`."""
        counts = array("I")
        counts.frombytes(blob[:8])
        segments = counts[0]
        starts, sketches, prints = array("I"), array("H"), array("I")
        middle = 8 + 4 * segments
        end = middle + 2 * SKETCH * segments
        starts.frombytes(blob[8:middle])
        sketches.frombytes(blob[middle:end])
        prints.frombytes(blob[end:])
        return cls(starts, sketches, prints)


class _Scanner:
    """Scans a chunk of texts reading the database only, and then writes what it found in
    the caller's transaction (`write`): the statements in the order the scans made them,
    and the fingerprints together at the end (sorted: one pass over the index instead of a
    page write per fingerprint). Until then, what the chunk will write is looked up here:
    its fingerprints, its scans, and the texts whose earlier scan it takes out."""

    def __init__(self, conn: sqlite3.Connection, texts: _Texts) -> None:
        self.conn = conn
        self.texts = texts
        self.generation = _generation(conn)
        self.shared: list[Discovery] = []  # the chunk's texts that share passages
        self.unwritten: dict[int, list[tuple[int, int]]] = {}
        self.writes: list[tuple[str, list[tuple[object, ...]]]] = []
        # Scans this chunk will write ((scan, chars); None: taken out, not replaced).
        self.scans: dict[int, tuple[_Scan, int] | None] = {}
        # The text versions what it found rests on (None: the article is gone).
        self.versions: dict[int, str | None] = {}

    def scan_all(self, pks: list[int]) -> None:
        """Scan these texts, in order (a text finds those before it in the chunk)."""
        for pk in pks:
            discovery = self.scan(pk)
            if discovery is not None and discovery.shared:
                self.shared.append(discovery)

    def still_valid(self) -> bool:
        """Inside the writing transaction: whether what the scans read is still what the
        database holds (no text they read changed, no other scan wrote meanwhile)."""
        if _generation(self.conn) != self.generation:
            return False
        select = "SELECT pk, text_sha256 FROM articles WHERE pk IN ({marks})"
        now = dict.fromkeys(self.versions)
        now.update((row[0], row[1]) for row in rows_in(self.conn, select, list(self.versions)))
        return now == self.versions

    def write(self) -> None:
        """Write what the chunk found (inside the caller's transaction) and take its texts
        off the queue."""
        for statement, rows in self.writes:
            self.conn.executemany(statement, rows)
        rows = sorted(
            (value, pk, index)
            for value, carriers in self.unwritten.items()
            for pk, index in carriers
        )
        self.conn.executemany("INSERT OR IGNORE INTO passage_prints VALUES (?, ?, ?)", rows)
        self.conn.executemany(
            "DELETE FROM passage_queue WHERE article_pk = ?", [(pk,) for pk in self.versions]
        )
        _bump_generation(self.conn)

    def _later(self, statement: str, rows: list[tuple[object, ...]]) -> None:
        """Write this when the chunk is written."""
        if rows:
            self.writes.append((statement, rows))

    def scan(self, pk: int) -> Discovery | None:
        """Forget what an earlier version of text `pk` shared, then find what it shares now
        and keep its fingerprints; None when the article is gone."""
        self._forget(pk)
        row = self.conn.execute(
            "SELECT text, text_sha256 FROM articles WHERE pk = ?", (pk,)
        ).fetchone()
        self.versions[pk] = row[1] if row else None
        if row is None:
            return None
        me = Segmented.of(row[0])
        mine = me.segments
        self.texts.remember(pk, row[1], me)
        found = text_prints(mine)
        postings = self._postings({value for value, _ in found.prints})
        kept = [
            (value, index) for value, index in found.prints if len(postings.get(value, ())) < COMMON
        ]
        discovery = Discovery(pk, mine[-1].end - mine[0].start if mine else 0)
        for other, seeds in self._candidates(mine, found.sketches, kept, postings):
            them = self.texts.get(other)
            if them is None:
                continue
            shared = align(me, them[1], seeds)
            if shared:
                discovery.shared[other] = shared
                self.versions.setdefault(other, them[0])
        for value, index in kept:
            self.unwritten.setdefault(value, []).append((pk, index))
        scan = _Scan.of(mine, found.sketches, sorted({value for value, _ in kept}))
        self._store(pk, row[1], discovery, scan)
        return discovery

    def _postings(self, values: set[int]) -> dict[int, list[tuple[int, int]]]:
        """Who else carries each fingerprint: (article pk, segment) pairs, stored or not yet
        (those of texts this chunk takes out left out)."""
        found: dict[int, list[tuple[int, int]]] = {}
        gone = self.scans
        select = "SELECT hash, article_pk, segment FROM passage_prints WHERE hash IN ({marks})"
        for value, article_pk, segment in rows_in(self.conn, select, list(values)):
            if article_pk not in gone:
                found.setdefault(value, []).append((article_pk, segment))
        for value in values & self.unwritten.keys():
            found.setdefault(value, []).extend(self.unwritten[value])
        return found

    def _candidates(
        self,
        mine: list[Segment],
        sketches: list[tuple[int, ...]],
        kept: list[tuple[int, int]],
        postings: dict[int, list[tuple[int, int]]],
    ) -> list[tuple[int, list[tuple[int, int]]]]:
        """The other articles worth aligning with: those where a segment sharing a
        fingerprint with one of ours is a copy of it (not a common phrase), those sharing
        the most segments first."""
        seeds: dict[int, list[tuple[int, int]]] = {}
        rarest: dict[int, int] = {}  # the fewest carriers of a fingerprint it shares
        for value, index in kept:
            carriers = postings.get(value, ())
            for other, their_index in carriers:
                seeds.setdefault(other, []).append((index, their_index))
                rarest[other] = min(rarest.get(other, COMMON), len(carriers))
        # A copy shares several segments, or a fingerprint few others have; a common phrase
        # shares one segment's fingerprint with many: those are considered last, if at all.
        ranked = sorted(
            seeds.items(),
            key=lambda item: (-len({i for i, _ in item[1]}), rarest[item[0]]),
        )[:CONSIDERED]
        scans = self._scans([other for other, _ in ranked])
        confirmed = []
        for other, pairs in ranked:
            scan = scans.get(other)
            if scan is not None and self._confirmed(mine, sketches, other, scan, pairs):
                confirmed.append((other, pairs))
                if len(confirmed) == MAX_CANDIDATES:
                    break
        return confirmed

    def _confirmed(
        self,
        mine: list[Segment],
        sketches: list[tuple[int, ...]],
        other: int,
        scan: _Scan,
        pairs: list[tuple[int, int]],
    ) -> bool:
        """Whether a seed pair is a segment and a copy of it: their sketches share enough
        to make it likely, and the other's segment (read alone, not the whole text) is like
        ours. The likeliest pairs are read first, CHECKED_SEEDS at most."""
        overlaps = [(sketch_overlap(sketches[i], scan.sketch(j)), i, j) for i, j in pairs]
        likely = sorted((o for o in overlaps if o[0] >= MIN_OVERLAP), reverse=True)
        for _, i, j in likely[:CHECKED_SEEDS]:
            words = self._segment_words(other, scan, j)
            if words and segments_match(mine[i].words, words):
                return True
        return False

    def _segment_words(self, other: int, scan: _Scan, segment: int) -> str:
        """The comparable words of one segment of article `other` (read alone)."""
        if segment >= len(scan.starts):
            return ""
        start = scan.starts[segment]
        last = segment + 1 == len(scan.starts)
        length = _TO_THE_END if last else scan.starts[segment + 1] - start
        row = self.conn.execute(
            "SELECT substr(text, ?, ?) FROM articles WHERE pk = ?", (start + 1, length, other)
        ).fetchone()
        return comparable(row[0]) if row and row[0] else ""

    def _scans(self, pks: list[int]) -> dict[int, _Scan]:
        """The scans of these articles: stored, or made by this chunk."""
        found = {pk: pending[0] for pk in pks if (pending := self.scans.get(pk)) is not None}
        stored: list[object] = [pk for pk in pks if pk not in self.scans]
        select = "SELECT article_pk, scan FROM passage_scans WHERE article_pk IN ({marks})"
        found.update((pk, _Scan.from_blob(blob)) for pk, blob in rows_in(self.conn, select, stored))
        return found

    def _store(self, pk: int, sha: str, discovery: Discovery, scan: _Scan) -> None:
        """Keep the links found (both ways) and the scan for writing."""
        links: list[tuple[object, ...]] = []
        for other, shared in discovery.shared.items():
            for p in shared:
                links.append((pk, other, p.start, p.end, p.other_start, p.other_end, p.similarity))
                links.append((other, pk, p.other_start, p.other_end, p.start, p.end, p.similarity))
            discovery.kinds[other] = self._kind(discovery, other, shared)
        self._later("INSERT INTO passage_links VALUES (?, ?, ?, ?, ?, ?, ?)", links)
        self._later(
            "INSERT OR REPLACE INTO passage_scans(article_pk, text_sha256, chars, scan)"
            " VALUES (?, ?, ?, ?)",
            [(pk, sha, discovery.chars, scan.to_blob())],
        )
        self.scans[pk] = (scan, discovery.chars)

    def _chars(self, pk: int) -> int:
        """How long article `pk`'s scanned text is (0 when it has no scan)."""
        if pk in self.scans:
            pending = self.scans[pk]
            return pending[1] if pending is not None else 0
        row = self.conn.execute("SELECT chars FROM passage_scans WHERE article_pk = ?", (pk,))
        found = row.fetchone()
        return int(found[0]) if found else 0

    def _kind(self, discovery: Discovery, other: int, shared: list[SharedPassage]) -> Kind:
        return kind_of(
            len(shared),
            covered_length((p.start, p.end) for p in shared),
            discovery.chars,
            covered_length((p.other_start, p.other_end) for p in shared),
            self._chars(other),
        )

    def _forget(self, pk: int) -> None:
        """Take out what an earlier scan of `pk` stored: its fingerprints and its links."""
        row = self.conn.execute(
            "SELECT scan FROM passage_scans WHERE article_pk = ?", (pk,)
        ).fetchone()
        if row is None:
            return
        self._later(
            "DELETE FROM passage_prints WHERE hash = ? AND article_pk = ?",
            [(value, pk) for value in _Scan.from_blob(row[0]).prints],
        )
        for statement in (
            "DELETE FROM passage_links WHERE article_pk = ?",
            "DELETE FROM passage_links WHERE other_pk = ?",
            "DELETE FROM passage_scans WHERE article_pk = ?",
        ):
            self._later(statement, [(pk,)])
        self.scans[pk] = None
