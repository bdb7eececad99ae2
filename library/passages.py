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
from collections.abc import Callable, Sequence
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
# Texts scanned per transaction (more when many wait, up to MAX_CHUNK: see catch_up).
CHUNK = 1000
MAX_CHUNK = 5000
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


def catch_up(conn: sqlite3.Connection, progress: Progress | None = None) -> list[Discovery]:
    """Scan every queued text, a chunk per transaction (an interruption keeps what was
    committed; the rest stays queued). Returns what was found for each text that shares
    passages. Cheap when the queue is empty (two queries)."""
    if get_setting(conn, _VERSION_SETTING) != str(PASSAGES_VERSION):
        with transaction(conn):
            requeue_all(conn)
    total = pending_count(conn)
    # A transaction writes its fingerprints in one sorted pass over the index: when many
    # texts wait, bigger chunks make fewer passes (a library scanned whole, about twenty).
    size = min(MAX_CHUNK, max(CHUNK, total // 20))
    found: list[Discovery] = []
    done = 0
    texts = _Texts(conn)
    while done < total:
        with transaction(conn):
            chunk = [
                row[0]
                for row in conn.execute(
                    "SELECT article_pk FROM passage_queue ORDER BY article_pk LIMIT ?", (size,)
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
        found = text_prints(mine)
        postings = self._postings({value for value, _ in found.prints})
        kept = [
            (value, index) for value, index in found.prints if len(postings.get(value, ())) < COMMON
        ]
        discovery = Discovery(pk, mine[-1].end - mine[0].start if mine else 0)
        for other, seeds in self._candidates(mine, found.sketches, kept, postings):
            them = self.texts.get(other)
            if them is not None:
                shared = align(me, them, seeds)
                if shared:
                    discovery.shared[other] = shared
        for value, index in kept:
            self.unwritten.setdefault(value, []).append((pk, index))
        scan = _Scan.of(mine, found.sketches, sorted({value for value, _ in kept}))
        self._store(pk, row[1], discovery, scan)
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
        """The stored scans of these articles (and of those scanned in this transaction)."""
        select = "SELECT article_pk, scan FROM passage_scans WHERE article_pk IN ({marks})"
        return {pk: _Scan.from_blob(blob) for pk, blob in rows_in(self.conn, select, list(pks))}

    def _store(self, pk: int, sha: str, discovery: Discovery, scan: _Scan) -> None:
        """Write the links found (both ways) and the scan; queue the fingerprints."""
        links = []
        for other, shared in discovery.shared.items():
            for p in shared:
                links.append((pk, other, p.start, p.end, p.other_start, p.other_end, p.similarity))
                links.append((other, pk, p.other_start, p.other_end, p.start, p.end, p.similarity))
            discovery.kinds[other] = self._kind(discovery, other, shared)
        self.conn.executemany("INSERT INTO passage_links VALUES (?, ?, ?, ?, ?, ?, ?)", links)
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
