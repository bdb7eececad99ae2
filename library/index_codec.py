"""Folio's posting lists: Whoosh's codec with postings laid out as arrays, not pickles.

Whoosh's own layout (`whoosh.codec.whoosh3`) stores each block of 128 postings as a
zlib-compressed pickle of (id deltas, weights, values), each value (a document's positions)
itself a pickle, and each block's header as another pickle. Reading a frequent word's
postings was mostly unpickling: 48 µs a block, 19 µs for its ids and weights alone, and a
phrase or an AND of common words reads hundreds of blocks. Here a posting list is:

- a directory: the magic, the number of blocks, the directory's CRC-32, then one array per
  statistic (each block's highest id, postings, highest weight, where its data starts,
  shortest and longest length codes, layout flags, its data's CRC-32, checked before the
  block is first read), so every header of a list comes from a few C calls;
- each block: its ids (uint32, whole numbers, not deltas), its weights (none when all are
  1.0, one float when all are equal, else one float32 each: Whoosh keeps them as float32
  too), then its values (a fixed-size format's concatenated; otherwise their byte lengths
  and their bytes, zlib-compressed when that saves room: only a phrase reads them).

`FolioPositions` stores a document's positions as uint32 numbers, so one block's values are
one array: a document's positions are a slice of it, ready to use (gaps between positions
would compress 5 % better and cost a running sum per document on every read). Everything
Whoosh reads through a codec (its matchers, merges, the multi-process writer) goes through
these classes, so Whoosh's own query evaluation reads the same postings. Vectors (unused by
Folio) keep Whoosh's layout.
"""

from __future__ import annotations

import sys
import zlib
from array import array
from dataclasses import dataclass
from itertools import accumulate, pairwise
from typing import Any

from whoosh.codec.whoosh3 import W3Codec, W3LeafMatcher, W3PostingsWriter
from whoosh.formats import Positions
from whoosh.matching import ListMatcher
from whoosh.util.numeric import byte_to_length, length_to_byte

from library.errors import DamagedPostings

MAGIC = b"FoP1"
_BIG_ENDIAN = sys.byteorder == "big"

# Layout flags of a block (one byte in the directory).
WEIGHTS_ONES = 0  # every weight 1.0: none stored
WEIGHTS_ONE = 1  # all equal: one float32
WEIGHTS_EACH = 2  # one float32 per posting
_WEIGHTS = 3
VALUES_NONE = 0  # a format without values (Existence)
VALUES_FIXED = 4  # values of the format's fixed size, concatenated
VALUES_SIZED = 8  # the values' byte lengths (uint32 each), then the values
_VALUES = 12
VALUES_COMPRESSED = 16  # the values part is zlib-compressed

# The directory's arrays, in order: (typecode, bytes per block): highest id, postings, highest
# weight, data start, shortest and longest length codes, flags, CRC-32 of the data.
_DIRECTORY = (("I", 4), ("I", 4), ("f", 4), ("I", 4), ("B", 1), ("B", 1), ("B", 1), ("I", 4))
# (magic, number of blocks, CRC-32 of the directory's arrays)
_HEADER = 12
_PER_BLOCK = sum(size for _, size in _DIRECTORY)
# Values shorter than this are stored as they are (compression would not save room).
_COMPRESS_FROM = 64


def array_of(typecode: str, data: bytes | memoryview) -> array[Any]:
    """An array of little-endian items read from `data`."""
    found = array(typecode)
    found.frombytes(data)
    if _BIG_ENDIAN:
        found.byteswap()
    return found


def _little_endian(items: array[Any]) -> bytes:
    if _BIG_ENDIAN:
        items = array(items.typecode, items)
        items.byteswap()
    return items.tobytes()


@dataclass(frozen=True)
class Directory:
    """The block statistics of one posting list, and where its blocks' data is."""

    maxids: list[int]
    counts: list[int]
    maxweights: list[float]
    starts: list[int]  # where each block's data starts, from the list's first byte
    ends: list[int]  # (and ends)
    minlengths: list[int]  # length codes (one byte)
    maxlengths: list[int]
    flags: list[int]
    crcs: list[int]  # each block's data's CRC-32: ids are not compressed, so not checked by zlib


def extent_of(terminfo: Any) -> tuple[int, int]:
    """Where a term's posting list is in the postings file: (offset, length)."""
    offset, length = terminfo.extent()
    if isinstance(length, tuple):  # (Whoosh reads it back as a 1-tuple)
        (length,) = length
    return offset, length


def read_directory(data: bytes | memoryview) -> Directory:
    """The directory at the start of a posting list's bytes (`data`: the whole list).
    Raises DamagedPostings when the bytes are not a posting list of this layout."""
    if bytes(data[:4]) != MAGIC or len(data) < _HEADER:
        raise DamagedPostings("a posting list does not start with Folio's magic")
    blocks = int.from_bytes(data[4:8], "little")
    end = _HEADER + blocks * _PER_BLOCK
    if blocks == 0 or end > len(data):
        raise DamagedPostings("a posting list's directory runs past its end")
    if zlib.crc32(data[_HEADER:end]) != int.from_bytes(data[8:12], "little"):
        raise DamagedPostings("a posting list's directory does not match its checksum")
    columns: list[list[Any]] = []
    position = _HEADER
    for typecode, size in _DIRECTORY:
        columns.append(array_of(typecode, data[position : position + blocks * size]).tolist())
        position += blocks * size
    maxids, counts, maxweights, starts, minlengths, maxlengths, flags, crcs = columns
    starts = [end + start for start in starts]
    ends = [*starts[1:], len(data)]
    if starts[0] != end or any(
        stop < start + 4 * count for start, stop, count in zip(starts, ends, counts, strict=True)
    ):
        raise DamagedPostings("a posting list's blocks are not where its directory says")
    return Directory(maxids, counts, maxweights, starts, ends, minlengths, maxlengths, flags, crcs)


def check_block(data: bytes | memoryview, start: int, end: int, crc: int) -> None:
    """Raise DamagedPostings unless a block's data (`start` to `end` of `data`) matches its
    checksum: checked before its first use (a damaged id would be read as another document)."""
    if zlib.crc32(data[start:end]) != crc:
        raise DamagedPostings("a block of postings does not match its checksum")


def block_ids(data: bytes | memoryview, start: int, count: int) -> list[int]:
    """A block's document numbers (its data starting at `start` of `data`)."""
    return array_of("I", data[start : start + 4 * count]).tolist()


def block_weights(data: bytes | memoryview, start: int, count: int, flags: int) -> list[float]:
    """A block's weights, one per posting."""
    at = start + 4 * count
    kind = flags & _WEIGHTS
    if kind == WEIGHTS_ONES:
        return [1.0] * count
    if kind == WEIGHTS_ONE:
        return array_of("f", data[at : at + 4]).tolist() * count
    return array_of("f", data[at : at + 4 * count]).tolist()


def _values_start(start: int, count: int, flags: int) -> int:
    kind = flags & _WEIGHTS
    weights = 0 if kind == WEIGHTS_ONES else 4 if kind == WEIGHTS_ONE else 4 * count
    return start + 4 * count + weights


def block_values(
    data: bytes | memoryview, start: int, end: int, count: int, flags: int
) -> tuple[list[int], bytes]:
    """A block's values as (where each one starts in the bytes, for count + 1 offsets; the
    bytes). A format without values gives empty values."""
    part = bytes(data[_values_start(start, count, flags) : end])
    if flags & VALUES_COMPRESSED:
        try:
            part = zlib.decompress(part)
        except zlib.error as exc:
            raise DamagedPostings(f"a block's values do not decompress ({exc})") from None
    kind = flags & _VALUES
    if kind == VALUES_NONE:
        return [0] * (count + 1), b""
    if kind == VALUES_FIXED:
        size, remainder = divmod(len(part), count)
        if remainder:
            raise DamagedPostings("a block's values are not of one size")
        return list(range(0, len(part) + 1, size)), part
    offsets = [0, *accumulate(array_of("I", part[: 4 * count]))]
    if 4 * count + offsets[-1] != len(part):
        raise DamagedPostings("a block's values are not the length their sizes say")
    return offsets, part[4 * count :]


def split_values(offsets: list[int], data: bytes) -> list[bytes]:
    """Each posting's value, from `block_values`."""
    return [data[start:end] for start, end in pairwise(offsets)]


class PostingList:
    """One term's posting list in Folio's layout: its directory, and each block's ids,
    weights and values decoded on demand, the block checked against its checksum first."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.directory = read_directory(data)
        self._checked = [False] * len(self.directory.counts)

    @classmethod
    def read(cls, postfile: Any, terminfo: Any) -> PostingList:
        """The term's posting list, in one read of the postings file."""
        offset, length = extent_of(terminfo)
        return cls(bytes(postfile.get(offset, length)))

    def _check(self, block: int) -> None:
        if not self._checked[block]:
            directory = self.directory
            start, end = directory.starts[block], directory.ends[block]
            check_block(self.data, start, end, directory.crcs[block])
            self._checked[block] = True

    def check(self) -> None:
        """Raise DamagedPostings unless every block matches its checksum."""
        for block in range(len(self._checked)):
            self._check(block)

    def ids(self, block: int) -> list[int]:
        """The block's document numbers."""
        self._check(block)
        return block_ids(self.data, self.directory.starts[block], self.directory.counts[block])

    def weights(self, block: int) -> list[float]:
        """The block's weights, one per posting."""
        self._check(block)
        directory = self.directory
        return block_weights(
            self.data, directory.starts[block], directory.counts[block], directory.flags[block]
        )

    def values(self, block: int) -> tuple[list[int], bytes]:
        """The block's values, as `block_values` gives them."""
        self._check(block)
        directory = self.directory
        return block_values(
            self.data,
            directory.starts[block],
            directory.ends[block],
            directory.counts[block],
            directory.flags[block],
        )


class FolioPositions(Positions):  # type: ignore[misc]
    """Whoosh's Positions format stored as an array of uint32 positions (no pickle)."""

    def encode(self, poslist: list[int]) -> bytes:
        """The positions as little-endian uint32 numbers, in order."""
        if any(b < a for a, b in pairwise(poslist)) or (poslist and poslist[0] < 0):
            # (an analyzer's positions out of order: keep every word, in order)
            poslist = sorted(max(0, position) for position in poslist)
        return _little_endian(array("I", poslist))

    def decode_positions(self, valuestring: bytes) -> list[int]:
        """The positions of an encoded value."""
        return array_of("I", valuestring).tolist()

    def decode_frequency(self, valuestring: bytes) -> int:
        """How many positions (times the word occurs)."""
        return len(valuestring) // 4


class FolioPostingsWriter(W3PostingsWriter):  # type: ignore[misc]
    """Writes a term's postings in Folio's layout: its blocks are kept until the term ends,
    then written behind their directory."""

    _terminfo: Any

    def start_postings(self, format_: Any, terminfo: Any) -> None:
        """Begin a term."""
        super().start_postings(format_, terminfo)
        self._pending: list[tuple[bytes, tuple[int, ...]]] = []

    def _write_block(self, last: bool = False) -> None:
        self._terminfo.add_block(self)
        ids = self._ids
        count = len(ids)
        weights = self._weights  # (float32, as Whoosh keeps them)
        parts = [_little_endian(array("I", ids))]
        if all(weight == 1.0 for weight in weights):
            flags = WEIGHTS_ONES
        elif all(weight == weights[0] for weight in weights):
            flags = WEIGHTS_ONE
            parts.append(_little_endian(array("f", weights[:1])))
        else:
            flags = WEIGHTS_EACH
            parts.append(_little_endian(weights))
        values = self._values
        fixed = self._format.fixed_value_size()
        if fixed == 0 or not values:
            body = b""
        elif fixed is not None and fixed > 0:
            flags |= VALUES_FIXED
            body = b"".join(values)
        else:
            flags |= VALUES_SIZED
            body = _little_endian(array("I", map(len, values))) + b"".join(values)
        if len(body) >= _COMPRESS_FROM and self._compression:
            packed = zlib.compress(body, self._compression)
            if len(packed) < len(body):
                body = packed
                flags |= VALUES_COMPRESSED
        parts.append(body)
        data = b"".join(parts)
        stats = (
            ids[-1],
            count,
            self._maxweight,
            length_to_byte(self._minlength),
            length_to_byte(self._maxlength),
            flags,
            zlib.crc32(data),
        )
        self._pending.append((data, stats))
        self._blockcount += 1
        self._new_block()

    def finish_postings(self) -> Any:
        """End the term: its postings inlined in its term info when they are few, else
        written to the postings file."""
        terminfo = self._terminfo
        if not self.written() and len(self) < self._inlinelimit:
            terminfo.add_block(self)
            terminfo.set_inline(self._ids, self._weights, self._values)
        else:
            if self._ids:
                self._write_block(last=True)
            start = self._postfile.tell()
            self._postfile.write(self._directory())
            for data, _ in self._pending:
                self._postfile.write(data)
            terminfo.set_extent(start, self._postfile.tell() - start)
            self._pending = []
        self._terminfo = None
        return terminfo

    def _directory(self) -> bytes:
        written = self._pending
        maxids, counts, maxweights, minlengths, maxlengths, flags, crcs = zip(
            *(stats for _, stats in written), strict=True
        )
        starts = [0, *accumulate(len(data) for data, _ in written)][:-1]
        columns = (maxids, counts, maxweights, starts, minlengths, maxlengths, flags, crcs)
        arrays = b"".join(
            _little_endian(array(typecode, column))
            for (typecode, _), column in zip(_DIRECTORY, columns, strict=True)
        )
        count, crc = len(written).to_bytes(4, "little"), zlib.crc32(arrays).to_bytes(4, "little")
        return MAGIC + count + crc + arrays


class FolioLeafMatcher(W3LeafMatcher):  # type: ignore[misc]
    """Whoosh's matcher interface over a posting list in Folio's layout."""

    _ids: Any
    _weights: Any
    _values: Any

    def _read_header(self) -> None:
        self._postings = PostingList(self._postfile.get(self._startoffset, self._length))

    def reset(self) -> None:
        """Back to the first posting."""
        self._lastblock = False
        self._atend = False
        self._goto(0)

    def _goto(self, block: int) -> None:
        directory = self._postings.directory
        self._block = block
        self._data = self._ids = self._weights = self._values = None
        self._i = 0
        self._lastblock = block == len(directory.counts) - 1
        self._blocklength = directory.counts[block]
        self._maxid = directory.maxids[block]
        self._maxweight = directory.maxweights[block]
        self._minlength = byte_to_length(directory.minlengths[block])
        self._maxlength = byte_to_length(directory.maxlengths[block])

    def _next_block(self) -> None:
        if self._atend:
            raise DamagedPostings("read past the last block of a posting list")
        if self._lastblock:
            self._atend = True
        else:
            self._goto(self._block + 1)

    def _read_ids(self) -> None:
        self._ids = self._postings.ids(self._block)

    def _read_weights(self) -> None:
        self._weights = self._postings.weights(self._block)

    def _read_values(self) -> None:
        block = self._block
        if self._postings.directory.flags[block] & _VALUES == VALUES_NONE:
            self._values = (None,) * self._blocklength
        else:
            self._values = tuple(split_values(*self._postings.values(block)))


class FolioCodec(W3Codec):  # type: ignore[misc]
    """Whoosh's codec (terms, columns, lengths as Whoosh stores them) with Folio's postings."""

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> Any:
        """The term postings writer (vectors, keyed by bytes, keep Whoosh's)."""
        if byteids:
            return super().postings_writer(dbfile, byteids=True)
        return FolioPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def postings_reader(
        self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None
    ) -> Any:
        """A matcher over a term's postings."""
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            return ListMatcher(
                ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo
            )
        offset, length = extent_of(terminfo)
        return FolioLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)
