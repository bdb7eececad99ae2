"""Shared passages found while an import stores its texts: the scan in a process of its own,
the compute-then-write chunks it relies on, and what happens when it fails or is stopped."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from library.background_scan import BackgroundScan
from library.check import check_library
from library.database import connect, transaction
from library.importing import Source, import_sources
from library.passage_links import links_of, pending_count
from library.passages import catch_up
from library.store import Library
from tests.test_passages import PARAGRAPHS, _article
from tui.actions.results import Notice

OTHER = [
    "The council voted on Thursday to rebuild the old library on the market square, "
    "a project that has been delayed for a decade by quarrels over its cost.",
    "Builders expect to start in the spring, and the librarians hope to move the books "
    "back in before the school year begins in the autumn of the following year.",
]


def _sources(count: int) -> list[Source]:
    """`count` texts: every third copies the harbour paragraphs, every fifth the council's."""
    texts = []
    for n in range(count):
        paragraphs = [f"Item {n} is numbered {n * 7919} in the register of the town."]
        if n % 3 == 0:
            paragraphs += PARAGRAPHS
        if n % 5 == 0:
            paragraphs += OTHER
        texts.append(_article(f"Story {n}", *paragraphs))
    return [Source(name=f"{n}.txt", path=None, data=t.encode()) for n, t in enumerate(texts)]


def _links(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    return sorted(tuple(row) for row in conn.execute("SELECT * FROM passage_links"))


def _shares(notices: list[Notice]) -> list[str]:
    """The notices saying what shares passages, without the articles' ids (drawn at random)."""
    return sorted(
        re.sub(r"with \w+ \[", "with [", n.message) for n in notices if "shares" in n.message
    )


def _stored(library: Library, sources: list[Source]) -> None:
    assert all(result.article for result in import_sources(library, sources))


def test_a_scan_in_its_own_process_finds_what_a_scan_afterwards_does(tmp_path: Path) -> None:
    sources = _sources(24)
    with Library(tmp_path / "after") as after:
        _stored(after, sources)
        expected = {(d.article_pk, tuple(sorted(d.kinds.items()))) for d in catch_up(after.conn)}
        expected_links = _links(after.conn)
    with Library(tmp_path / "alongside") as library:
        scanning = BackgroundScan.start(library.database_path, size=5)
        assert scanning is not None
        _stored(library, sources)
        found = scanning.finish()
        assert found is not None
        assert {(d.article_pk, tuple(sorted(d.kinds.items()))) for d in found} == expected
        assert pending_count(library.conn) == 0
        assert _links(library.conn) == expected_links
        assert expected_links  # (the texts do share passages)
        assert check_library(library).passages_pending == 0


def test_a_scan_that_cannot_start_its_work_leaves_the_queue_to_the_caller(tmp_path: Path) -> None:
    with Library(tmp_path / "lib") as library:
        _stored(library, _sources(6))
        scanning = BackgroundScan.start(tmp_path / "missing" / "folio.db", size=5)
        assert scanning is not None
        assert scanning.finish() is None  # the process failed: no result, no exception
        assert pending_count(library.conn) == 6
        assert len(catch_up(library.conn)) == 2  # the caller's scan does it all


def test_a_stopped_scan_leaves_a_consistent_library(tmp_path: Path) -> None:
    with Library(tmp_path / "lib") as library:
        scanning = BackgroundScan.start(library.database_path, size=3)
        assert scanning is not None
        _stored(library, _sources(12))
        scanning.stop()
        assert scanning.process.returncode is not None
        report = check_library(library)
        assert report.clean, report
        # Whatever it did not commit is still queued, and scanned by the next catch-up.
        catch_up(library.conn)
        assert pending_count(library.conn) == 0
        assert links_of(library.conn, 1)


def test_the_import_action_scans_alongside_a_big_import_and_still_tells_the_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from library import background_scan, passages
    from tui.actions.importing import ImportReport, import_collected

    monkeypatch.setattr(background_scan, "MIN_TEXTS", 10)
    monkeypatch.setattr(passages, "CHUNK", 4)
    started: list[BackgroundScan | None] = []
    real_start = BackgroundScan.start

    def start(database: Path, size: int) -> BackgroundScan | None:
        started.append(real_start(database, size))
        return started[-1]

    monkeypatch.setattr(BackgroundScan, "start", start)
    stages: list[str] = []
    with Library(tmp_path / "lib") as library:
        outcome = import_collected(
            library,
            _sources(15),
            ImportReport([]),
            lambda stage, done, total: stages.append(stage),
        )
        assert started and started[0] is not None
        assert pending_count(library.conn) == 0
        assert "Finding shared passages" in stages
        alongside = _shares(outcome.warnings)
    # The same import scanned afterwards says the same.
    monkeypatch.setattr(background_scan, "MIN_TEXTS", 1000)
    with Library(tmp_path / "reference") as library:
        outcome = import_collected(library, _sources(15), ImportReport([]))
        after = _shares(outcome.warnings)
    assert len(started) == 1
    # Texts 3, 5, 6, 9, 10 and 12 share with earlier ones.
    assert {line.split(":")[0] for line in after} == {f"{n}.txt" for n in (3, 5, 6, 9, 10, 12)}
    assert alongside == after


def test_a_small_import_is_scanned_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.actions.importing import ImportReport, import_collected

    def refuse(database: Path, size: int) -> BackgroundScan | None:
        raise AssertionError("a small import should not start a process")

    monkeypatch.setattr(BackgroundScan, "start", refuse)
    with Library(tmp_path / "lib") as library:
        outcome = import_collected(library, _sources(4), ImportReport([]))
        assert [n.message for n in outcome.warnings if "shares" in n.message]
        assert pending_count(library.conn) == 0


# --- compute, then write ----------------------------------------------------------------


def _after_first_scan(
    monkeypatch: pytest.MonkeyPatch, meanwhile: Callable[[], object]
) -> list[int]:
    """Run `meanwhile` once, after the first chunk is scanned and before it is written; the
    size of every chunk scanned (filled as they are)."""
    from library import passages

    real = passages._Scanner.scan_all
    calls: list[int] = []

    def scan_all(self: passages._Scanner, pks: list[int]) -> None:
        real(self, pks)
        calls.append(len(pks))
        if len(calls) == 1:
            meanwhile()

    monkeypatch.setattr(passages._Scanner, "scan_all", scan_all)
    return calls


def test_a_text_changed_while_its_chunk_was_scanned_is_scanned_again(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scan reads outside any transaction; an import changing a text before the scan
    writes makes it scan again under the lock, so no link rests on a text that is gone."""

    sources = [
        Source(name="a.txt", path=None, data=_article("One", *PARAGRAPHS).encode()),
        Source(name="b.txt", path=None, data=_article("Two", *PARAGRAPHS).encode()),
    ]
    _stored(library, sources)
    other = connect(library.database_path)

    def change() -> None:  # another writer changes text 2 between the scan and the write
        with transaction(other):
            other.execute(
                "UPDATE articles SET text = ?, text_sha256 = 'changed' WHERE pk = 2",
                (_article("Two", "Nothing like the first story is left in here."),),
            )

    calls = _after_first_scan(monkeypatch, change)
    try:
        found = catch_up(library.conn)
    finally:
        other.close()
    assert calls[:2] == [2, 2]  # scanned, then scanned again holding the lock
    assert found == [] and links_of(library.conn, 1) == [] and links_of(library.conn, 2) == []
    assert pending_count(library.conn) == 0


def test_another_scans_writing_meanwhile_makes_a_chunk_scan_again(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two scans of one library (the import's process and a notebook's catch-up): the one
    that writes second sees that the first wrote and scans again, so neither's links are
    written twice."""

    _stored(library, _sources(6))
    other = connect(library.database_path)
    # (The other scan writes the first three texts' results.)
    _after_first_scan(monkeypatch, lambda: catch_up(other, size=3))
    try:
        catch_up(library.conn, size=6)
    finally:
        other.close()
    links = _links(library.conn)
    assert len(links) == len(set(links))  # no link written twice
    assert pending_count(library.conn) == 0
    with Library(library.root.parent / "reference") as reference:
        _stored(reference, _sources(6))
        catch_up(reference.conn)
        assert links == _links(reference.conn)


def test_a_big_scan_gets_a_bigger_page_cache_and_gives_it_back(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from library import passages

    _stored(library, _sources(6))
    monkeypatch.setattr(passages, "CHUNK", 2)
    seen: list[int] = []
    real = passages._Scanner.scan_all

    def scan_all(self: passages._Scanner, pks: list[int]) -> None:
        seen.append(library.conn.execute("PRAGMA cache_size").fetchone()[0])
        real(self, pks)

    monkeypatch.setattr(passages._Scanner, "scan_all", scan_all)
    before = library.conn.execute("PRAGMA cache_size").fetchone()[0]
    catch_up(library.conn)
    assert seen and set(seen) == {-passages.SCAN_CACHE_KIB}
    assert library.conn.execute("PRAGMA cache_size").fetchone()[0] == before
