"""Two Folio processes on one library: a second writer waits for the first, never fails."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from library.store import Library
from tests.conftest import Folio, write
from tests.fixtures import BEES, BEES_KEY, RIVER, RIVER_KEY


def _hold(release_after: float, acquire, release) -> threading.Thread:
    ready = threading.Event()

    def run() -> None:
        acquire()
        ready.set()
        time.sleep(release_after)
        release()

    thread = threading.Thread(target=run)
    thread.start()
    ready.wait()
    return thread


def _hold_index_writer(library: Library, seconds: float) -> threading.Thread:
    """Another process's Whoosh writer, held for `seconds` in a thread."""
    writer_box: list = []
    return _hold(
        seconds,
        lambda: writer_box.append(library.index.writer()),
        lambda: writer_box[0].cancel(),
    )


def test_import_waits_for_another_database_writer(folio: Folio, tmp_path: Path) -> None:
    folio("add", str(write(tmp_path / "bees.txt", BEES)))
    other = sqlite3.connect(
        folio.library_dir / "folio.db", isolation_level=None, check_same_thread=False
    )
    holder = _hold(0.8, lambda: other.execute("BEGIN IMMEDIATE"), lambda: other.execute("COMMIT"))
    started = time.monotonic()
    result = folio("add", str(write(tmp_path / "river.txt", RIVER)))
    holder.join()
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started >= 0.5
    assert len(folio.json("list")) == 2


def test_import_waits_for_another_index_writer(folio: Folio, tmp_path: Path) -> None:
    folio("add", str(write(tmp_path / "bees.txt", BEES)))
    library = Library(folio.library_dir)
    holder = _hold_index_writer(library, 0.8)
    result = folio("add", str(write(tmp_path / "river.txt", RIVER)))
    holder.join()
    library.close()
    assert result.exit_code == 0, result.output
    assert [h["citekey"] for h in folio.json("search", "floodgates")] == [RIVER_KEY]


def test_long_lived_searcher_sees_other_handles_changes(folio: Folio, tmp_path: Path) -> None:
    from library import articles
    from library.search import search

    folio("add", str(write(tmp_path / "bees.txt", BEES)))
    folio("add", str(write(tmp_path / "river.txt", RIVER)))
    with Library(folio.library_dir) as reader, Library(folio.library_dir) as other:
        assert len(search(reader, "honey OR floodgates").hits) == 2
        with other.write() as conn:
            articles.delete_article(conn, articles.get_article(conn, BEES_KEY))
        assert [h.citekey for h in search(reader, "honey OR floodgates").hits] == [RIVER_KEY]
        with other.write() as conn:
            river = articles.get_article(conn, RIVER_KEY)
            articles.update_metadata(conn, river, {"title": "Renamed Gates"})
        assert [h.title for h in search(reader, "title:renamed").hits] == ["Renamed Gates"]


def test_reindex_waits_for_another_index_writer(folio: Folio, tmp_path: Path) -> None:
    folio("add", str(write(tmp_path / "bees.txt", BEES)))
    library = Library(folio.library_dir)
    holder = _hold_index_writer(library, 0.8)
    started = time.monotonic()
    result = folio("reindex")
    holder.join()
    library.close()
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started >= 0.5
    assert [h["citekey"] for h in folio.json("search", "honey")] == [BEES_KEY]
    leftovers = [p.name for p in folio.library_dir.iterdir() if p.name.startswith("index.")]
    assert leftovers == []
