"""The index is derived: it follows the database, and `folio check` finds and fixes drift."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from library import articles
from library.check import check_library
from library.database import transaction
from library.errors import NotFound
from library.store import Library
from tests.conftest import Folio, folio_process, write
from tests.fixtures import BEES, BEES_KEY, RIVER


def _add_two(folio: Folio, tmp_path: Path) -> list[str]:
    write(tmp_path / "s" / "bees.txt", BEES)
    write(tmp_path / "s" / "river.txt", RIVER)
    folio("add", str(tmp_path / "s"))
    return [a["id"] for a in folio.json("list")]


def test_new_library_checks_clean(folio: Folio, tmp_path: Path) -> None:
    _add_two(folio, tmp_path)
    result = folio("check")
    assert result.exit_code == 0 and "clean" in result.stdout
    report = folio.json("check")
    assert report["clean"] is True


def test_deleted_index_is_detected_and_rebuilt_by_search(folio: Folio, tmp_path: Path) -> None:
    _add_two(folio, tmp_path)
    shutil.rmtree(folio.library_dir / "index")
    report = folio("check", "--json")
    assert report.exit_code == 1 and '"index": "missing"' in report.stdout
    assert [h["citekey"] for h in folio.json("search", "honey")] == [BEES_KEY]
    assert folio("check").exit_code == 0


def test_index_that_fell_behind_is_reported_and_repaired(folio: Folio, tmp_path: Path) -> None:
    ids = _add_two(folio, tmp_path)
    # Simulate a crash after the database committed but before the index did.
    with Library(folio.library_dir) as library, transaction(library.conn) as conn:
        article = articles.get_article(conn, ids[0])
        articles.update_metadata(conn, article, {"title": "Changed Behind The Index"})
        conn.execute("DELETE FROM index_queue")
        articles.delete_article(conn, articles.get_article(conn, ids[1]))
        conn.execute("DELETE FROM index_queue")
    result = folio("check", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["stale"] == [ids[0]] and report["orphans"] == [ids[1]]
    repaired = folio("check", "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert "After repair: clean." in repaired.stdout
    assert [h["title"] for h in folio.json("search", "title:behind")] == [
        "Changed Behind The Index"
    ]
    assert folio.json("search", "floodgates") == []


def test_writing_an_article_deleted_meanwhile_is_not_found(folio: Folio, tmp_path: Path) -> None:
    ids = _add_two(folio, tmp_path)
    with Library(folio.library_dir) as library:
        stale = articles.get_article(library.conn, ids[0])
        with transaction(library.conn) as conn:
            articles.delete_article(conn, stale)
        changes = (
            lambda conn: articles.update_metadata(conn, stale, {"title": "Too late"}),
            lambda conn: articles.rename_citekey(conn, stale, "late2024"),
        )
        for change in changes:
            with pytest.raises(NotFound, match=ids[0]), transaction(library.conn) as conn:
                change(conn)
        assert articles.find_article_id(library.conn, ids[0]) is None


def test_pending_outbox_is_applied_on_next_use(folio: Folio, tmp_path: Path) -> None:
    ids = _add_two(folio, tmp_path)
    with Library(folio.library_dir) as library, transaction(library.conn) as conn:
        articles.update_metadata(
            conn, articles.get_article(conn, ids[0]), {"title": "Pending Title"}
        )
    # The write above skipped the sync, as a crash between the two commits would.
    result = folio("check", "--json")
    assert result.exit_code == 1 and json.loads(result.stdout)["pending"] == 1
    assert [h["id"] for h in folio.json("search", "title:pending")] == [ids[0]]


def test_dead_writer_files_are_found_and_removed(folio: Folio, tmp_path: Path) -> None:
    _add_two(folio, tmp_path)
    dead = folio.library_dir / "index" / "MAIN_deadbeef12345678.seg"
    dead.write_bytes(b"left by a killed writer")
    result = folio("check")
    assert result.exit_code == 1 and "dead index writer files" in result.stdout
    assert folio("check", "--repair").exit_code == 0
    assert not dead.exists()


def test_reindex_rebuilds_everything(folio: Folio, tmp_path: Path) -> None:
    _add_two(folio, tmp_path)
    result = folio("reindex")
    assert result.exit_code == 0 and "Indexed 2 article(s)" in result.stdout
    assert len(folio.json("search", "honey OR floodgates")) == 2


def test_interrupted_import_keeps_committed_batches(
    folio: Folio, tmp_path: Path, monkeypatch
) -> None:
    from library import importing

    folder = tmp_path / "many"
    for n in range(5):
        write(folder / f"{n}.txt", f"Article number {n}\n\nBody text {n} about canals and locks.\n")
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)
    calls = {"n": 0}
    real = importing._prepare

    def crash_on_fifth(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(importing, "_prepare", crash_on_fifth)
    result = folio("add", str(folder))
    assert result.exit_code == 130
    assert len(folio.json("list")) == 4
    monkeypatch.setattr(importing, "_prepare", real)
    assert folio("check", "--repair").exit_code == 0
    assert len(folio.json("search", "canals")) == 4


def test_second_library_handle_sees_first_handles_writes(library_dir: Path, tmp_path: Path) -> None:
    from library.importing import Source, import_sources

    with Library(library_dir) as one, Library(library_dir) as two:
        list(import_sources(one, [Source("a", None, BEES.encode())]))
        list(import_sources(two, [Source("b", None, RIVER.encode())]))
        assert len(list(articles.iter_articles(one.conn))) == 2
        assert len(check_library(one).stale) == 0


def test_bulk_index_writes_in_two_processes_give_the_same_answers(
    folio: Folio, tmp_path: Path, monkeypatch
) -> None:
    from library import index

    monkeypatch.setattr(index, "_PARALLEL_FROM", 2)
    folder = tmp_path / "bulk"
    for n in range(12):
        write(folder / f"{n:02}.txt", f"Bulk article {n}\n\nLock keeper number {n} spoke.\n")
    assert folio("add", str(folder)).exit_code == 0
    assert len(folio.json("search", "keeper", "--limit", "50")) == 12
    assert folio("reindex").exit_code == 0
    assert len(folio.json("search", "keeper", "--limit", "50")) == 12
    for n in range(12):  # new versions: the sync deletes and re-adds through two processes
        write(folder / f"{n:02}.txt", f"Bulk article {n}\n\nLock warden number {n} spoke.\n")
    assert folio("add", str(folder)).exit_code == 0
    assert folio.json("search", "keeper") == []
    assert len(folio.json("search", "warden", "--limit", "50")) == 12
    assert folio("check").exit_code == 0


def test_damaged_index_is_reported_and_rebuilt_on_repair(folio: Folio, tmp_path: Path) -> None:
    _add_two(folio, tmp_path)
    for path in (folio.library_dir / "index").iterdir():
        if path.name.startswith("MAIN_") and path.suffix != ".toc":
            with path.open("r+b") as handle:
                handle.truncate(min(path.stat().st_size, 10))
    result = folio_process(folio.library_dir, "search", "honey")
    assert result.returncode == 1
    assert "search index is damaged" in result.stderr and "folio reindex" in result.stderr
    assert result.stderr.count("\n") == 1
    check = folio_process(folio.library_dir, "check", "--json")
    assert check.returncode == 1 and json.loads(check.stdout)["index"] == "damaged"
    assert folio_process(folio.library_dir, "check", "--repair").returncode == 0
    assert [h["citekey"] for h in folio.json("search", "honey")] == [BEES_KEY]


def test_articles_by_ids_takes_more_ids_than_sqlite_takes_parameters(library: Library) -> None:
    ids = [f"x{number}" for number in range(40_000)]  # SQLite allows 32,766 per statement
    assert articles.articles_by_ids(library.conn, ids) == {}
