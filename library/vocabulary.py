"""The index's words, kept sorted in a file beside each segment, for what scans vocabularies:
fuzzy and wildcard terms, and "did you mean".

Whoosh expands `word~` by walking a Levenshtein automaton over the term dictionary, in
Python, once per field searched (six for a plain query), and `con*` by iterating the
dictionary term by term; its spelling corrector does the same for every unknown word. Here
each segment's words of the text fields are written once (a segment never changes) as sorted
lines `CODE WORD \\t DOCS \\t FREQUENCY` (CODE names the field), and read through a memory
map: the words starting with a prefix are one binary search and one slice away, and the
candidates are compared with rapidfuzz (C) rather than an automaton in Python.

The file is named after its segment, so Whoosh deletes it with the segment when a merge
retires it. It is written after every index commit (SearchIndex) and, for an index written
by an older Folio, on first use.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import re
import stat
import struct
import tempfile
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Whoosh ships no type information: to mypy these names are Any.
    from whoosh.reading import IndexReader

# The fields whose words are kept, each under a one-letter code: the text fields, and the
# `names` dictionary of spellings (library.variants looks keys up in it).
FIELD_CODES = {"title": "t", "authors": "a", "site": "s", "notes": "n", "body": "b", "names": "m"}
EXTENSION = ".folio_vocab"  # (Whoosh's own pattern for a segment's files: letters, _ and .)
_RECORD_LENGTHS = struct.Struct("!ii")  # Whoosh's term table: key length, value length
_FIELD_NUMBER = struct.Struct("!H")
_DOCS_AND_WEIGHT = struct.Struct("!xfI")  # W3TermInfo: flags, total weight, documents


def segment_files(reader: IndexReader) -> list[tuple[Any, Path]]:
    """The leaf readers of `reader` that hold a segment, with their vocabulary file."""
    found = []
    for leaf, _ in reader.leaf_readers():
        segment = getattr(leaf, "_segment", None)
        storage = getattr(leaf, "_storage", None)
        if segment is None or storage is None or not hasattr(leaf, "_terms"):
            continue
        found.append((leaf, Path(storage.folder) / segment.make_filename(EXTENSION)))
    return found


def segment_vocabulary(leaf: Any) -> bytes:
    """The vocabulary file's contents for one segment, read from its term table (a scan of
    the raw records: Whoosh's own iteration decodes every term's statistics in Python)."""
    terms = leaf._terms
    codes = {
        number: FIELD_CODES[name].encode()
        for name, number in terms._fieldmap.items()
        if name in FIELD_CODES
    }
    table = terms._tindex
    data = table.dbfile.get(table.startofdata, table.endofdata - table.startofdata)
    lines: list[bytes] = []
    unpack_lengths, unpack_field = _RECORD_LENGTHS.unpack_from, _FIELD_NUMBER.unpack_from
    unpack_info = _DOCS_AND_WEIGHT.unpack_from
    position, end = 0, len(data)
    while position < end:
        key_length, value_length = unpack_lengths(data, position)
        key = position + _RECORD_LENGTHS.size
        value = key + key_length
        code = codes.get(unpack_field(data, key)[0])
        if code is not None:
            weight, docs = unpack_info(data, value)
            word = data[key + _FIELD_NUMBER.size : value]
            lines.append(b"%s%s\t%d\t%r" % (code, word, docs, weight))
        position = value + value_length
    lines.sort()
    lines.append(b"")
    return b"\n".join(lines)


def write_segment_vocabulary(leaf: Any, path: Path) -> bytes:
    """Write the vocabulary file of one segment (atomically: a reader never sees half);
    returns its contents."""
    contents = segment_vocabulary(leaf)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".vocab-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(contents)
        with contextlib.suppress(OSError):  # readable as the segment's own files are
            os.chmod(temporary, stat.S_IMODE(os.stat(path.with_suffix(".trm")).st_mode))
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return contents


def prepare(reader: IndexReader) -> None:
    """Write the vocabulary files the reader's segments lack (after an index commit)."""
    for leaf, path in segment_files(reader):
        if not path.exists():
            write_segment_vocabulary(leaf, path)


class SegmentVocabulary:
    """One segment's vocabulary: its file memory-mapped (or its contents, when the file
    could not be written)."""

    def __init__(self, path: Path | None = None, contents: bytes = b"") -> None:
        self.data: bytes | mmap.mmap = contents
        if path is not None:
            with open(path, "rb") as handle:
                if os.fstat(handle.fileno()).st_size:
                    self.data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)

    def _first_at_least(self, key: bytes) -> int:
        """The offset of the first line not sorting before `key`: a binary search over
        byte offsets, each step moved on to the next line start (every line before `low`
        sorts before `key`; `high` is a line start, or the end, that does not)."""
        data = self.data
        low, high = 0, len(data)
        while high - low > 64:
            middle = (low + high) // 2
            start = data.find(b"\n", middle, high) + 1
            if start == 0 or start >= high:
                break
            end = data.find(b"\n", start)
            if data[start:end] < key:
                low = end + 1
            else:
                high = start
        while low < high:
            end = data.find(b"\n", low)
            if data[low:end] >= key:
                return low
            low = end + 1
        return high

    def range(self, key: bytes) -> bytes:
        """The lines (one block of bytes) that start with `key`."""
        start = self._first_at_least(key)
        end = self._first_at_least(key + b"\xff")
        return self.data[start:end]


_OPEN: OrderedDict[str, SegmentVocabulary] = OrderedDict()
_OPEN_MAX = 64


def _open(leaf: Any, path: Path) -> SegmentVocabulary:
    """The segment's vocabulary, written first if it is missing; kept open while in use."""
    key = str(path)
    found = _OPEN.get(key)
    if found is None:
        if path.exists():
            found = SegmentVocabulary(path)
        else:
            try:
                found = SegmentVocabulary(contents=write_segment_vocabulary(leaf, path))
            except OSError:  # a read-only or full disk: this process keeps it in memory
                found = SegmentVocabulary(contents=segment_vocabulary(leaf))
        _OPEN[key] = found
        while len(_OPEN) > _OPEN_MAX:
            _OPEN.popitem(last=False)
    return found


class Vocabulary:
    """The words of an index's text fields, with their document counts and frequencies
    (summed over segments, as Whoosh sums them)."""

    def __init__(self, reader: IndexReader) -> None:
        self.segments = [_open(leaf, path) for leaf, path in segment_files(reader)]
        # Words compared or listed, for tests that bound the work (see library.spelling).
        self.scanned = 0

    def count(self, fieldname: str, prefix: str) -> int:
        """How many entries start with `prefix` (summed over segments; counted, not read)."""
        key = (FIELD_CODES[fieldname] + prefix).encode()
        return sum(segment.range(key).count(b"\n") for segment in self.segments)

    def words(self, fieldname: str, prefix: str) -> list[str]:
        """Words of the field that start with `prefix` (in no particular order)."""
        key = (FIELD_CODES[fieldname] + prefix).encode()
        found: list[str] = []
        for segment in self.segments:
            block = segment.range(key)
            if block:
                found.extend(_WORD.findall(block.decode("utf-8")))
        if len(self.segments) > 1:
            found = list(set(found))
        self.scanned += len(found)
        return found

    def prefixed(self, fieldname: str, prefix: str) -> dict[str, tuple[int, float]]:
        """Words of the field that start with `prefix`, in the index's order, with their
        documents and frequency (summed over segments, as Whoosh sums them)."""
        key = (FIELD_CODES[fieldname] + prefix).encode()
        found: dict[str, tuple[int, float]] = {}
        for segment in self.segments:
            block = segment.range(key)
            if not block:
                continue
            for word, docs, weight in _ENTRY.findall(block.decode("utf-8")):
                before = found.get(word)
                if before is None:
                    found[word] = (int(docs), float(weight))
                else:
                    found[word] = (before[0] + int(docs), before[1] + float(weight))
        self.scanned += len(found)
        if len(self.segments) > 1:
            return dict(sorted(found.items()))
        return found

    def stats(self, fieldname: str, words: Iterable[str]) -> dict[str, tuple[int, float]]:
        """(documents, frequency) of each of `words` the field has."""
        found: dict[str, tuple[int, float]] = {}
        for word in words:
            entry = self.prefixed(fieldname, word).get(word)
            if entry is not None:
                found[word] = entry
        return found


_WORD = re.compile(r"^.([^\t]*)\t", re.MULTILINE)
_ENTRY = re.compile(r"^.([^\t]*)\t(\d+)\t([^\n]*)$", re.MULTILINE)


def vocabulary(reader: IndexReader) -> Vocabulary:
    """The vocabulary of the reader's index (files written where missing)."""
    return Vocabulary(reader)
