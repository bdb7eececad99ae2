"""Whole posting lists read from Whoosh's segments a block at a time, and scored as Whoosh
scores them (BM25F, the same expression in the same order, so the same floats).

Whoosh's matchers walk postings one document at a time through several layers of Python
method calls (a union of six fields for every word of a query); most of a query's time was
there. Folio's posting layout (library.index_codec) keeps a block's ids, weights and
positions as arrays, so a block's ids, weights and scores come out of a few C calls and one
list comprehension. Blocks whose ids cannot hold a wanted document are never decoded (the
list's directory gives each block's highest id), which is how an AND or a phrase reads only
what it needs of a frequent word. Postings in any other layout (inlined in their term's
info, or from another codec) are decoded by Whoosh's matcher.
"""

from __future__ import annotations

import sys
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from library.index_codec import FolioCodec, FolioPositions, PostingList, array_of, split_values

if TYPE_CHECKING:
    # Whoosh ships no type information: to mypy this name is Any.
    from whoosh.searching import Searcher

# Scores by document number (the segment's own numbers).
Scores = dict[int, float]


def _length_table() -> list[int]:
    from whoosh.util.numeric import byte_to_length

    return [byte_to_length(b) for b in range(256)]


_LENGTHS: list[int] = []


@dataclass
class Segment:
    """One segment of the index (a leaf reader) and what scoring reads from it once: its
    documents' field lengths, its deleted documents."""

    reader: Any
    offset: int  # its first document's number in the whole index
    searcher: Any  # the top-level searcher: collection statistics (idf, average lengths)
    _lengths: dict[str, bytes] = field(default_factory=dict)
    _numbers: dict[str, Any] = field(default_factory=dict)
    _norms: dict[tuple[str, float, float, float], list[float]] = field(default_factory=dict)

    @property
    def deleted(self) -> frozenset[int]:
        """Documents deleted from this segment (their postings stay until a merge)."""
        reader = self.reader
        return reader.deleted_docs_set if reader.has_deletions() else frozenset()

    def lengths(self, fieldname: str) -> bytes:
        """Each document's length in a field, one byte each (Whoosh's length code)."""
        found = self._lengths.get(fieldname)
        if found is None:
            from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

            perdoc = self.reader._perdoc
            column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            count = self.reader.doc_count_all()
            if column is None:
                found = bytes(count)
            else:
                # The column is a byte per document (documents past its end have none).
                stored = min(column._count, count)
                found = bytes(column._dbfile.get(column._basepos, stored)) + bytes(count - stored)
            self._lengths[fieldname] = found
        return found

    def norms(self, fieldname: str, avgfl: float, B: float, K1: float) -> list[float]:
        """BM25's length part, `K1 * ((1 - B) + B * fl / avgfl)`, for each of the 256 length
        codes: worked out once per field rather than once per posting (the same floats)."""
        key = (fieldname, avgfl, B, K1)
        found = self._norms.get(key)
        if found is None:
            if not _LENGTHS:
                _LENGTHS.extend(_length_table())
            found = self._norms[key] = [K1 * ((1 - B) + B * fl / avgfl) for fl in _LENGTHS]
        return found

    def numbers(self, fieldname: str) -> Any:
        """Each document's value in a sortable numeric field (an array; documents without
        one hold the field's default, e.g. 2**64 - 1 for a date), or None without a column."""
        found = self._numbers.get(fieldname)
        if found is None:
            from array import array

            reader = self.reader
            if not reader.has_column(fieldname):
                return None
            column = reader.column_reader(fieldname, translate=False)
            if not hasattr(column, "_typecode") or column._fixedlen != 8:
                return None
            count = min(column._count, reader.doc_count_all())
            found = array("Q")
            found.frombytes(column._dbfile.get(column._basepos, 8 * count))
            if sys.byteorder == "little":
                found.byteswap()  # (stored big-endian)
            self._numbers[fieldname] = found
        return found


def segments(searcher: Searcher) -> list[Segment]:
    """The segments of the searcher's index, with their document number offsets."""
    return [
        Segment(sub.reader(), offset, searcher)
        for sub, offset in searcher.leaf_searchers()
        if hasattr(sub.reader(), "_terms")  # an empty index's reader has no segment
    ]


@dataclass
class _Block:
    """One block of a term's postings: its highest id and size, its number in the posting
    list (Folio's layout), and what of it was decoded."""

    maxid: int
    count: int
    index: int = 0
    head: tuple[list[int], list[float]] | None = None  # its ids and weights
    values: Sequence[bytes] | None = None  # its values, one bytes each
    positions: Any = None  # its postings' positions (one array) and where each one's start
    offsets: list[int] | None = None


class TermPostings:
    """The postings of one term in one segment, read block by block on demand."""

    def __init__(
        self,
        segment: Segment,
        fieldname: str,
        btext: bytes,
        terminfo: Any,
        blocks: list[_Block],
        stored: PostingList | None,
    ) -> None:
        self.segment = segment
        self.fieldname = fieldname
        self.btext = btext
        self.terminfo = terminfo
        self.count = terminfo.doc_frequency()  # documents (deleted ones counted, as Whoosh)
        self.blocks = blocks
        self._stored = stored  # the posting list in Folio's layout (None: decoded blocks)
        self._format = segment.reader.schema[fieldname].format
        self._maxids: list[int] | None = None

    def _head(self, block: _Block) -> tuple[list[int], list[float]]:
        """A block's ids and weights."""
        if block.head is None:
            stored = self._stored
            assert stored is not None  # (decoded blocks come with theirs)
            block.head = (stored.ids(block.index), stored.weights(block.index))
        return block.head

    def _positions(self, block: _Block, ats: list[int]) -> list[Sequence[int]]:
        """The positions of the block's postings at `ats`."""
        stored = self._stored
        if stored is not None and isinstance(self._format, FolioPositions):
            if block.positions is None:
                offsets, values = stored.values(block.index)
                # (a posting's positions are a run of uint32: one array for the block)
                block.positions = array_of("I", values)
                block.offsets = [offset // 4 for offset in offsets]
            positions, starts = block.positions, block.offsets
            assert starts is not None
            return [positions[starts[at] : starts[at + 1]] for at in ats]
        if block.values is None:
            assert stored is not None
            block.values = split_values(*stored.values(block.index))
        decode, found = self._format.decode_positions, block.values
        return [decode(found[at]) for at in ats]

    def postings(self, within: list[int] | None = None) -> Iterator[tuple[list[int], list[float]]]:
        """(ids, weights) of each block that may hold one of `within` (sorted document
        numbers; None for all), with only those documents when `within` is given."""
        if within is None:
            for block in self.blocks:
                yield self._head(block)
            return
        for block, wanted in self._by_block(within):
            ids, weights = self._head(block)
            if len(wanted) * 4 < len(ids):
                kept = [at for doc in wanted if (at := _index_of(ids, doc)) is not None]
                if kept:
                    yield [ids[at] for at in kept], [weights[at] for at in kept]
                continue
            # Many wanted (often far more than the block holds: a word in a few titles has one
            # block over every document number): matched in C, the smaller side walked.
            present = sorted(set(ids).intersection(wanted))
            if present:
                by_doc = dict(zip(ids, weights, strict=True))
                yield present, list(map(by_doc.__getitem__, present))

    def _by_block(self, docs: list[int]) -> Iterator[tuple[_Block, list[int]]]:
        """Each block that may hold one of `docs` (sorted), with those of them it may hold."""
        start, count = 0, len(docs)
        for block in self.blocks:
            if start >= count:
                return
            if docs[start] > block.maxid:
                continue
            end = bisect_left(docs, block.maxid + 1, start)
            yield block, docs[start:end]
            start = end

    def weights_of(self, docs: list[int]) -> list[float]:
        """The term's weight in each of `docs` (sorted, every one of them with the term)."""
        found: list[float] = []
        for block, some in self._by_block(docs):
            ids, weights = self._head(block)
            found.extend(map(dict(zip(ids, weights, strict=True)).__getitem__, some))
        return found

    def ids(self, within: list[int] | None = None) -> list[int]:
        """The documents (of `within`, sorted, when given) that have the term, in order."""
        found: list[int] = []
        if within is None:
            for block in self.blocks:
                found.extend(self._head(block)[0])
            return found
        for block, wanted in self._by_block(within):
            found.extend(sorted(set(self._head(block)[0]).intersection(wanted)))
        return found

    def positions_of(
        self, docs: list[int], container: Callable[[Sequence[int]], Any] | None = set
    ) -> dict[int, Any]:
        """The positions of the term in each of `docs` (sorted; documents without the term
        are left out) as sets (or `container`; None: as read, a sequence, where they are
        only walked), walking the blocks once."""
        found: dict[int, Any] = {}
        for block, some in self._by_block(docs):
            ids = self._head(block)[0]
            if len(some) < 8:
                ats = [at for doc in some if (at := _index_of(ids, doc)) is not None]
            else:
                where = dict(zip(ids, range(len(ids)), strict=True))
                ats = [where[doc] for doc in some if doc in where]
            if ats:
                read = self._positions(block, ats)
                found.update(
                    zip(
                        [ids[at] for at in ats],
                        read if container is None else map(container, read),
                        strict=True,
                    )
                )
        return found

    def positions(self, doc: int) -> set[int]:
        """The positions of the term in a document (empty when it is not there)."""
        if self._maxids is None:
            self._maxids = [block.maxid for block in self.blocks]
        index = bisect_left(self._maxids, doc)
        if index == len(self.blocks):
            return set()
        block = self.blocks[index]
        at = _index_of(self._head(block)[0], doc)
        return set() if at is None else set(*self._positions(block, [at]))


def _index_of(ids: list[int], doc: int) -> int | None:
    """Where `doc` is in `ids` (sorted), or None."""
    at = bisect_left(ids, doc)
    return at if at < len(ids) and ids[at] == doc else None


def _decoded_blocks(matcher: Any) -> Iterator[_Block]:
    """The blocks of a term's postings decoded by Whoosh's matcher (postings inlined in
    their term info, or an index written by another codec)."""
    from whoosh.matching import ListMatcher

    if isinstance(matcher, ListMatcher):
        ids = list(matcher._ids)
        if ids:
            weights = [float(weight) for weight in matcher._weights]
            yield _Block(ids[-1], len(ids), head=(ids, weights), values=list(matcher._values))
        return
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        matcher._read_values()
        ids = list(matcher._ids)
        head = (ids, [float(weight) for weight in matcher._weights])
        yield _Block(ids[-1], len(ids), head=head, values=list(matcher._values))
        matcher._next_block()


def term_postings(segment: Segment, fieldname: str, text: str | bytes) -> TermPostings | None:
    """The term's postings in the segment, or None when the segment does not have it."""
    reader = segment.reader
    schema_field = reader.schema[fieldname]
    btext = text if isinstance(text, bytes) else schema_field.to_bytes(text)
    from whoosh.reading import TermNotFound

    terms = reader._terms
    try:
        terminfo = terms.term_info(fieldname, btext)
    except (KeyError, TermNotFound):
        return None
    if not terminfo.is_inlined() and isinstance(terms._codec, FolioCodec):
        stored = PostingList.read(terms._postfile, terminfo)
        directory = stored.directory
        blocks = [
            _Block(maxid, count, index)
            for index, (maxid, count) in enumerate(
                zip(directory.maxids, directory.counts, strict=True)
            )
        ]
        return TermPostings(segment, fieldname, btext, terminfo, blocks, stored)
    matcher = terms._codec.postings_reader(terms._postfile, terminfo, schema_field.format)
    return TermPostings(segment, fieldname, btext, terminfo, list(_decoded_blocks(matcher)), None)


class TermScorer:
    """Whoosh's score of a term in a document, worked out for whole blocks at once."""

    def __init__(self, segment: Segment, fieldname: str, btext: bytes) -> None:
        searcher = segment.searcher
        schema_field = searcher.schema[fieldname]
        self.scorable = bool(schema_field.scorable)
        if self.scorable:
            weighting = searcher.weighting
            self.idf = searcher.idf(fieldname, btext)
            self.avgfl = searcher.avg_field_length(fieldname) or 1
            self.B = weighting._field_B.get(fieldname, weighting.B)
            self.K1 = weighting.K1
            self.lengths = segment.lengths(fieldname)
            self.norms = segment.norms(fieldname, self.avgfl, self.B, self.K1)

    def highest(self, terminfo: Any) -> float:
        """No document scores more than this (the term's highest weight at its shortest
        length, as Whoosh's own bound): a little over, so rounding cannot undercut it."""
        if not self.scorable:
            return float(terminfo.max_weight()) * (1 + 1e-9)
        tf, fl = terminfo.max_weight(), terminfo.min_length()
        idf, avgfl, B, K1 = self.idf, self.avgfl, self.B, self.K1
        bound: float = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
        return bound * (1 + 1e-9)

    def scores(self, ids: list[int], weights: list[float]) -> list[float]:
        """The scores of these postings (as whoosh.scoring.bm25 computes them)."""
        if not self.scorable:
            return weights
        # bm25's `idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))`, its
        # length part from the table: each step the same operation on the same floats.
        idf, raised, lengths = self.idf, self.K1 + 1, self.lengths
        norms = list(map(self.norms.__getitem__, map(lengths.__getitem__, ids)))
        return [
            idf * ((tf * raised) / (tf + norm)) for tf, norm in zip(weights, norms, strict=True)
        ]


def score_term(
    postings: TermPostings, boost: float = 1.0, within: list[int] | None = None
) -> Scores:
    """The term's score in each document it is in (of `within`, when given)."""
    found: Scores = {}
    add_scores(found, postings, boost, within)
    return found


def add_scores(
    total: Scores, postings: TermPostings, boost: float = 1.0, within: list[int] | None = None
) -> None:
    """Add the term's score (times `boost`) to each document's in `total`."""
    scorer = TermScorer(postings.segment, postings.fieldname, postings.btext)
    get = total.get
    fresh = not total  # (a term's documents are distinct: no sums needed)
    for ids, weights in postings.postings(within):
        scores = scorer.scores(ids, weights)
        if boost != 1.0:
            scores = [score * boost for score in scores]
        if fresh:
            total.update(zip(ids, scores, strict=True))
            continue
        for doc, score in zip(ids, scores, strict=True):
            before = get(doc)
            total[doc] = score if before is None else before + score
