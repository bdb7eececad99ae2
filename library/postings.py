"""Whole posting lists read from Whoosh's segments a block at a time, and scored as Whoosh
scores them (BM25F, the same expression in the same order, so the same floats).

Whoosh's matchers walk postings one document at a time through several layers of Python
method calls (a union of six fields for every word of a query); most of a query's time was
there. A block of Whoosh's postings is one pickled tuple (ids as deltas, weights, values),
so a block's ids, weights and scores come out of a few C calls and one list comprehension.
Blocks whose ids cannot hold a wanted document are never decoded (their headers give the
highest id), which is how an AND or a phrase reads only what it needs of a frequent word.
"""

from __future__ import annotations

import re
import struct
import sys
import zlib
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from pickle import UnpicklingError, loads
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Whoosh ships no type information: to mypy this name is Any.
    from whoosh.searching import Searcher

# Scores by document number (the segment's own numbers).
Scores = dict[int, float]


def _length_table() -> list[int]:
    from whoosh.util.numeric import byte_to_length

    return [byte_to_length(b) for b in range(256)]


_LENGTHS: list[int] = []

# The start of a block's pickle (protocol 2, as Whoosh writes it): the tuple of id deltas,
# then the weights (None, one float for all, or a tuple of floats). The values that follow
# (a term's positions: each one a string re-encoded by a call, the costly part of loading a
# block) are decoded only where positions are needed. Tuples of up to three items have
# opcodes of their own (no MARK): those blocks are loaded whole.
_HEAD = re.compile(
    rb"\x80\x02\((?:K.|M..|J....)*t(?:q.|r....)?(?:N|G.{8}|\((?:G.{8})*t)", re.DOTALL
)
# (A delta takes at most 5 bytes and a weight 9: what a block's head can take, at most.)
_HEAD_BYTES_PER_POSTING = 14


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
    """One block of a term's postings: its highest id, and where its data is."""

    maxid: int
    offset: int
    length: int
    compressed: bool
    data: tuple[list[int], list[float], Any] | None = None
    count: int = 0  # its postings
    head: tuple[list[int], list[float]] | None = None  # its ids and weights alone


class TermPostings:
    """The postings of one term in one segment, read block by block on demand."""

    def __init__(
        self,
        segment: Segment,
        fieldname: str,
        btext: bytes,
        terminfo: Any,
        blocks: list[_Block],
        source: _Source | None,
    ) -> None:
        self.segment = segment
        self.fieldname = fieldname
        self.btext = btext
        self.terminfo = terminfo
        self.count = terminfo.doc_frequency()  # documents (deleted ones counted, as Whoosh)
        self.blocks = blocks
        self._source = source
        self._maxids: list[int] | None = None

    def _raw(self, block: _Block) -> bytes:
        """A block's bytes as stored (compressed or not)."""
        assert self._source is not None  # (inlined postings come decoded)
        return self._source.get(block.offset, block.length)

    def _data(self, block: _Block) -> tuple[list[int], list[float], Any]:
        """A block's ids, weights and values (positions)."""
        if block.data is None:
            raw = self._raw(block)
            if block.compressed:
                raw = zlib.decompress(raw)
            deltas, weights, values = loads(raw.replace(_ENCODE_CALL, _BYTES_CALL, 1))
            if block.head is None:
                ids = list(accumulate(deltas))
                block.head = (ids, _weights(weights, len(ids)))
            block.data = (*block.head, values)
        return block.data

    def _head(self, block: _Block) -> tuple[list[int], list[float]]:
        """A block's ids and weights, decoding no more of it than they take."""
        if block.head is None:
            if block.data is not None:
                return block.data[0], block.data[1]
            raw = self._raw(block)
            if block.compressed:
                wanted = _HEAD_BYTES_PER_POSTING * block.count + 16
                raw = zlib.decompressobj().decompress(raw, wanted)
            found = _HEAD.match(raw)
            if found is None:
                data = self._data(block)
                return data[0], data[1]
            # The two items then TUPLE2 and STOP: a pickle of (deltas, weights).
            deltas, weights = loads(raw[: found.end()] + b"\x86.")
            ids = list(accumulate(deltas))
            block.head = (ids, _weights(weights, len(ids)))
        return block.head

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

    def ids(self, within: list[int] | None = None, *, whole: bool = False) -> list[int]:
        """The documents (of `within`, sorted, when given) that have the term, in order;
        `whole`: the blocks read are decoded whole (their positions will be wanted)."""
        found: list[int] = []
        head = self._data if whole else self._head
        if within is None:
            for block in self.blocks:
                found.extend(head(block)[0])
            return found
        for block, wanted in self._by_block(within):
            found.extend(sorted(set(head(block)[0]).intersection(wanted)))
        return found

    def positions_of(
        self, docs: list[int], container: Callable[[Iterable[int]], Any] = set
    ) -> dict[int, Any]:
        """The positions of the term in each of `docs` (sorted; documents without the term
        are left out) as sets (or `container`: a list where they are only walked), walking
        the blocks once."""
        found: dict[int, Any] = {}
        for block, some in self._by_block(docs):
            ids, _, values = self._data(block)
            if len(some) < 8:
                ats = [at for doc in some if (at := _index_of(ids, doc)) is not None]
            else:
                where = {doc: at for at, doc in enumerate(ids)}
                ats = [where[doc] for doc in some if doc in where]
            if ats:
                lists = _positions([values[at] for at in ats])
                found.update(
                    zip(
                        [ids[at] for at in ats],
                        map(container, map(accumulate, lists)),
                        strict=True,
                    )
                )
        return found

    def positions(self, doc: int) -> set[int]:
        """The positions of the term in a document (empty when it is not there)."""
        from whoosh.system import _INT_SIZE

        if self._maxids is None:
            self._maxids = [block.maxid for block in self.blocks]
        index = bisect_left(self._maxids, doc)
        if index == len(self.blocks):
            return set()
        ids, _, values = self._data(self.blocks[index])
        at = _index_of(ids, doc)
        if at is None:
            return set()
        value = values[at]
        if not value.endswith(b"."):
            value += b"."
        return set(accumulate(loads(value[_INT_SIZE:])))


# Protocol 2 pickles each value (bytes) as a call of _codecs.encode(text, "latin1"), which
# looks the codec up every time; bytes(text, "latin1") makes the same bytes in a third less
# time over a block. The call is named once, before the first value (later ones refer back
# to it). Its first occurrence is that one: the ids and weights before it have an opcode
# byte (K, M, J, G, N, q, r, t or "(") at least every 9 bytes, and none of those is in it.
_ENCODE_CALL = b"c_codecs\nencode\n"
_BYTES_CALL = b"cbuiltins\nbytes\n"


def _positions(values: list[bytes]) -> list[list[int]]:
    """The position deltas in a term's values (Whoosh's Positions format: the count, then a
    pickled list), unpickled together as one list of lists rather than one call each."""
    from whoosh.system import _INT_SIZE

    skip = _INT_SIZE + 2  # (and the pickle's protocol opcode)
    if all(value[_INT_SIZE:skip] == b"\x80\x02" for value in values):
        bodies = [value[skip:-1] if value[-1:] == b"." else value[skip:] for value in values]
        decoded: list[list[int]] = loads(b"\x80\x02(" + b"".join(bodies) + b"l.")
        return decoded
    return [loads(value[_INT_SIZE:] + (b"" if value[-1:] == b"." else b".")) for value in values]


def _index_of(ids: list[int], doc: int) -> int | None:
    """Where `doc` is in `ids` (sorted), or None."""
    at = bisect_left(ids, doc)
    return at if at < len(ids) and ids[at] == doc else None


def _weights(weights: Any, count: int) -> list[float]:
    """A block's weights as a list (Whoosh stores all-1.0 as None, all-equal as one float)."""
    if weights is None:
        return [1.0] * count
    if isinstance(weights, float):
        return [weights] * count
    return list(weights)


@dataclass
class _Source:
    """Where a term's blocks are read from: its whole posting list, read in one go when
    its block headers were (a frequent word's blocks are then sliced out of it, not read
    one by one), else the postings file."""

    postfile: Any
    base: int = 0
    data: bytes | None = None

    def get(self, offset: int, length: int) -> bytes:
        """The bytes at `offset` (in the postings file)."""
        if self.data is not None:
            start = offset - self.base
            return self.data[start : start + length]
        found: bytes = self.postfile.get(offset, length)
        return found


# A block's header: its length (negative for the last block), then a pickle of its
# (postings, highest id, highest weight, compression, shortest, longest length codes).
_BLOCK_LENGTH = struct.Struct("!i")
_BLOCK_INFO = re.compile(
    rb"\x80[\x02-\x05](?:\x95.{8})?\((?:K.|M..|J....|G.{8}|N|\x88|\x89)*t(?:q.|r....|\x94)?\.",
    re.DOTALL,
)
_MAGIC = b"W3Bl"  # (whoosh.codec.whoosh3's header of a posting list)


def _read_blocks(postfile: Any, terminfo: Any) -> tuple[list[_Block], _Source] | None:
    """The blocks of a term's postings from one read of the whole list, their headers
    parsed here (a third of the time of Whoosh's matcher walking them); None when the list
    is not laid out as expected (then Whoosh's matcher reads it)."""
    offset, length = terminfo._offset, terminfo._length
    if isinstance(length, tuple):  # (Whoosh reads it back as a 1-tuple)
        length = length[0]
    if not isinstance(offset, int) or not isinstance(length, int) or length < 8:
        return None
    data = postfile.get(offset, length)
    if data[:4] != _MAGIC:
        return None
    blocks: list[_Block] = []
    position = 4
    while True:
        if position + 4 > len(data):
            return None
        (size,) = _BLOCK_LENGTH.unpack_from(data, position)
        following = position + 4 + abs(size)
        header = _BLOCK_INFO.match(data, position + 4)
        if header is None or following > len(data):
            return None
        try:
            info = loads(header.group())
        except (UnpicklingError, ValueError):  # (damaged: the matcher says how)
            return None
        if not (isinstance(info, tuple) and len(info) == 6):
            return None
        count, maxid, _, compression, _, _ = info
        start = header.end()
        blocks.append(
            _Block(maxid, offset + start, following - start, bool(compression), None, count)
        )
        if size < 0:
            return blocks, _Source(postfile, offset, bytes(data))
        position = following


def _blocks(matcher: Any) -> Iterator[_Block]:
    """The blocks of a term's postings, read from their headers by Whoosh's matcher
    (inlined postings are one block already decoded)."""
    from whoosh.matching import ListMatcher

    if isinstance(matcher, ListMatcher):
        ids = list(matcher._ids)
        if ids:
            weights = _weights(matcher._weights, len(ids))
            yield _Block(ids[-1], 0, 0, False, (ids, weights, matcher._values), len(ids))
        return
    while True:
        yield _Block(
            matcher._maxid,
            matcher._dataoffset,
            matcher._nextoffset - matcher._dataoffset,
            bool(matcher._compression),
            None,
            matcher._blocklength,
        )
        if matcher._lastblock:
            return
        matcher._goto(matcher._nextoffset)


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
    inlined = terminfo.is_inlined()
    found: tuple[list[_Block], _Source | None] | None = (
        None if inlined else _read_blocks(terms._postfile, terminfo)
    )
    if found is None:
        matcher = terms._codec.postings_reader(terms._postfile, terminfo, schema_field.format)
        found = list(_blocks(matcher)), None if inlined else _Source(terms._postfile)
    return TermPostings(segment, fieldname, btext, terminfo, *found)


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
