"""Folio's posting layout (library/index_codec.py) holds exactly what Whoosh's own layout
holds: the same documents have the same postings (ids, weights, positions) in every field,
through several segments, deletions, merges and the multi-process writer, and the same
searches score the same. Damaged bytes are reported as a damaged index, never an internal
error."""

from __future__ import annotations

import random
import zlib
from pathlib import Path
from typing import Any

import pytest
from whoosh import fields, index
from whoosh.qparser import QueryParser

from library.errors import DamagedPostings
from library.index_codec import (
    MAGIC,
    FolioCodec,
    FolioPositions,
    block_values,
    check_block,
    read_directory,
)
from library.index_workers import open_writer

WORDS = [f"w{n}" for n in range(80)]
PROSE = "river bank flood gate canal lock water stone bridge mill engine pump steam".split()


def _schema(folio: bool) -> Any:
    def text(boost: float = 1.0) -> Any:
        field = fields.TEXT(field_boost=boost)
        if folio:
            field.format = FolioPositions(field_boost=boost)
        return field

    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=text(2.0),
        body=text(),
        tags=fields.KEYWORD(scorable=True, commas=True),
        kind=fields.ID,
        number=fields.NUMERIC(sortable=True),
    )


def _documents(count: int) -> list[dict[str, Any]]:
    rng = random.Random(7)
    documents = []
    for n in range(count):
        # Common words in most documents (many blocks), rare ones in a few, repeats (weights).
        words = [
            rng.choice(WORDS[: rng.randint(3, len(WORDS))]) for _ in range(rng.randint(0, 250))
        ]
        if n == 5:
            words = ["far"] + ["filler"] * 70_000 + ["far"]  # positions past 65,535
        documents.append(
            {
                "id": str(n),
                "title": " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4))),
                "body": " ".join(words),
                "tags": ",".join(rng.sample(WORDS[:6], rng.randint(0, 3))),
                "kind": rng.choice(["article", "note"]),
                "number": n,
            }
        )
    return documents


def _build(folder: Path, folio: bool, documents: list[dict[str, Any]], **options: Any) -> Any:
    folder.mkdir(exist_ok=True)
    ix = index.create_in(str(folder), _schema(folio))
    third = len(documents) // 3
    for part in range(3):
        writer = open_writer(ix, **options) if folio else ix.writer()
        for document in documents[part * third : (part + 1) * third]:
            writer.add_document(**document)
        writer.commit(merge=False)
    writer = open_writer(ix) if folio else ix.writer()
    writer.delete_by_term("id", "7")
    writer.commit(merge=False)
    return ix


def _postings(ix: Any) -> dict[tuple[str, bytes], list[tuple[int, float, Any]]]:
    found = {}
    with ix.searcher() as searcher:
        reader = searcher.reader()
        for fieldname in ix.schema.names():
            field_format = ix.schema[fieldname].format
            for word in reader.lexicon(fieldname):
                matcher = reader.postings(fieldname, word)
                items = []
                while matcher.is_active():
                    value = (
                        matcher.value_as("positions")
                        if field_format.supports("positions")
                        else matcher.value()
                    )
                    items.append((matcher.id(), matcher.weight(), value))
                    matcher.next()
                found[(fieldname, word)] = items
    return found


def _scores(ix: Any) -> list[list[tuple[int, float]]]:
    parser = QueryParser("body", ix.schema)
    queries = ['"w1 w2"', "w3 OR w40", "w1 AND w2 AND NOT w3", "title:w4", "w7*", "tags:w2"]
    with ix.searcher() as searcher:
        return [
            [(hit.docnum, hit.score) for hit in searcher.search(parser.parse(q), limit=40)]
            for q in queries
        ]


@pytest.fixture(scope="module")
def documents() -> list[dict[str, Any]]:
    return _documents(900)


@pytest.fixture(scope="module")
def whoosh_index(tmp_path_factory: pytest.TempPathFactory, documents: list[dict[str, Any]]) -> Any:
    return _build(tmp_path_factory.mktemp("whoosh"), False, documents)


def test_postings_and_scores_are_whooshs(
    tmp_path: Path, documents: list[dict[str, Any]], whoosh_index: Any
) -> None:
    folio = _build(tmp_path / "folio", True, documents)
    assert all(isinstance(segment.codec(), FolioCodec) for segment in folio._segments())
    mine, theirs = _postings(folio), _postings(whoosh_index)
    assert mine == theirs
    # Lists of several blocks, the far positions, all kinds of weights were compared.
    assert max(len(items) for items in mine.values()) > 3 * 128
    assert mine[("body", b"far")] == [(5, 2.0, [0, 70_001])]
    assert _scores(folio) == _scores(whoosh_index)
    # A merge of every segment (Whoosh's matchers reading, Folio's writer writing) gives
    # what Whoosh's own merge gives.
    stock = _build(tmp_path / "stock", False, documents)
    for ix, writer in ((folio, open_writer(folio)), (stock, stock.writer())):
        writer.commit(optimize=True)
        assert len(ix._segments()) == 1
    assert _postings(folio) == _postings(stock)
    assert _scores(folio) == _scores(stock)


def test_the_multi_process_writer_writes_folios_layout(
    tmp_path: Path, documents: list[dict[str, Any]], whoosh_index: Any
) -> None:
    folio = _build(tmp_path, True, documents, procs=2, multisegment=True, batchsize=40)
    assert len(folio._segments()) > 3  # (the workers' own segments)
    assert all(isinstance(segment.codec(), FolioCodec) for segment in folio._segments())
    mine, theirs = _postings(folio), _postings(whoosh_index)
    # Workers number documents by segment: compare each word's postings without the numbers.
    assert {key: sorted(post[1:] for post in items) for key, items in mine.items()} == {
        key: sorted(post[1:] for post in items) for key, items in theirs.items()
    }


def test_positions_are_stored_as_uint32_arrays() -> None:
    positions = FolioPositions(field_boost=2.0)
    value = positions.encode([3, 4, 90_000])
    assert len(value) == 12
    assert positions.decode_positions(value) == [3, 4, 90_000]
    assert positions.decode_frequency(value) == 3
    assert positions.decode_weight(value) == 6.0
    assert positions.decode_positions(positions.encode([])) == []
    # Positions out of order or below zero (an analyzer's mistake) are kept, in order.
    assert positions.decode_positions(positions.encode([-1, 4, 2])) == [0, 2, 4]


def _list(directory: bytes, data: bytes = b"") -> bytes:
    crc = zlib.crc32(directory).to_bytes(4, "little")
    return MAGIC + (1).to_bytes(4, "little") + crc + directory + data


def _directory(data: bytes, start: int = 0) -> bytes:
    return (
        (9).to_bytes(4, "little")  # highest id
        + (1).to_bytes(4, "little")  # postings
        + b"\x00\x00\x80?"  # highest weight 1.0
        + start.to_bytes(4, "little")  # where its data starts
        + b"\x01\x01\x00"  # length codes, flags
        + zlib.crc32(data).to_bytes(4, "little")
    )


def test_a_damaged_directory_is_reported_not_misread() -> None:
    data = (9).to_bytes(4, "little")
    whole = _list(_directory(data), data)
    directory = read_directory(whole)
    assert directory.maxids == [9] and directory.counts == [1]
    start, end = directory.starts[0], directory.ends[0]
    assert whole[start:end] == data
    check_block(whole, start, end, directory.crcs[0])
    with pytest.raises(DamagedPostings):  # an id overwritten
        check_block(whole[:-1] + b"\x01", start, end, directory.crcs[0])
    changed = bytearray(whole)
    changed[12] = 8  # the highest id, the directory's checksum left as it was
    for damaged in (
        b"W3Bl" + whole[4:],  # another layout
        _list(_directory(data)),  # the block's data is missing
        whole[:20],  # cut inside the directory
        MAGIC + (10**6).to_bytes(4, "little") + whole[8:],  # more blocks than bytes
        _list(_directory(data, start=3), data + b"x" * 8),  # data not where it says
        bytes(changed),
    ):
        with pytest.raises(DamagedPostings):
            read_directory(damaged)


def test_damaged_values_are_reported_not_misread() -> None:
    from library.index_codec import VALUES_COMPRESSED, VALUES_SIZED

    ids = (4).to_bytes(4, "little")
    sized = (8).to_bytes(4, "little") + b"12345678"
    offsets, values = block_values(ids + sized, 0, 4 + len(sized), 1, VALUES_SIZED)
    assert (offsets, values) == ([0, 8], b"12345678")
    packed = zlib.compress(sized)
    assert block_values(ids + packed, 0, 4 + len(packed), 1, VALUES_SIZED | VALUES_COMPRESSED)[
        1
    ] == (b"12345678")
    with pytest.raises(DamagedPostings):
        block_values(ids + sized[:-1], 0, 4 + len(sized) - 1, 1, VALUES_SIZED)
    with pytest.raises(DamagedPostings):
        block_values(ids + b"junk", 0, 8, 1, VALUES_SIZED | VALUES_COMPRESSED)


def test_overwritten_postings_give_answers_or_a_damaged_index(tmp_path: Path) -> None:
    """Random bytes written over the postings file: each search answers or says the index is
    damaged (IndexDamaged, the CLI's one line), never another error."""
    from library.importing import Source, import_sources
    from library.index import IndexDamaged
    from library.search import search
    from library.store import Library

    rng = random.Random(16)
    library = Library(tmp_path / "lib")
    sources = [
        Source(
            name=f"a{n}.txt",
            path=None,
            data=(
                f"Canal note {n}\n\nBy Ana Keeper\n\n"
                + " ".join(rng.choice(PROSE) for _ in range(300))
                + ".\n"
            ).encode(),
        )
        for n in range(150)
    ]
    list(import_sources(library, sources))
    assert search(library, "river").hits
    library.index.close()
    # (the postings file, or a small segment's compound file holding it)
    files = [*library.index.index_dir.glob("*.pst"), *library.index.index_dir.glob("*.seg")]
    postings = max(files, key=lambda path: path.stat().st_size)
    original = postings.read_bytes()
    outcomes = {"answered": 0, "damaged": 0}
    for _ in range(30):
        data = bytearray(original)
        for _overwrite in range(8):
            at = rng.randrange(len(data) - 8)
            data[at : at + 8] = rng.randbytes(8)
        postings.write_bytes(bytes(data))
        library.index.close()
        for query in ('"river bank"', "flood", "canal lock water", "bri*", "stean~"):
            try:
                search(library, query)
                outcomes["answered"] += 1
            except IndexDamaged:
                outcomes["damaged"] += 1
    library.close()
    assert outcomes["damaged"] and outcomes["answered"]


def test_folio_check_finds_damaged_postings_and_repair_rebuilds(tmp_path: Path) -> None:
    """`folio check` reads every posting list against its checksums: one overwritten byte
    in the postings makes the index "damaged" (a search might not get there), and
    `--repair` rebuilds it clean."""
    from library.check import check_library, repair_library
    from library.importing import Source, import_sources
    from library.store import Library

    library = Library(tmp_path / "lib")
    rng = random.Random(3)
    text = " ".join(rng.choice(PROSE) for _ in range(400))
    sources = [
        Source(name=f"a{n}.txt", path=None, data=f"Note {n}\n\n{text} {n}.\n".encode())
        for n in range(160)
    ]
    list(import_sources(library, sources))
    assert check_library(library).clean
    library.index.close()
    files = [*library.index.index_dir.glob("*.pst"), *library.index.index_dir.glob("*.seg")]
    postings = max(files, key=lambda path: path.stat().st_size)
    data = bytearray(postings.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte, somewhere in a block of positions
    postings.write_bytes(bytes(data))
    report = check_library(library)
    assert report.index == "damaged" and not report.clean
    assert repair_library(library, report).clean
    library.close()
