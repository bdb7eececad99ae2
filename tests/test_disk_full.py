"""A full disk: what was saved is said plainly, and search works from the last good index.

ENOSPC is simulated by making Whoosh's file writes (or Folio's own) fail, as a full disk
makes them fail."""

from __future__ import annotations

import errno
import gc
import os
from pathlib import Path

import pytest

from tests.conftest import Folio, write
from tests.fixtures import BEES, BEES_KEY, RIVER, RIVER_KEY


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


# Whoosh leaves the file it failed to write open (its handle is closed at collection).
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.fixture(autouse=True)
def _collect_whooshs_open_files():
    """Close those files here, not in whichever test the collector next runs in."""
    yield
    gc.collect()


def _fill_the_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every write Whoosh makes fails from now on, as on a full disk (until undone)."""
    from whoosh.filedb import structfile

    monkeypatch.setattr(structfile.StructFile, "write", _no_space)


def test_add_on_a_full_disk_says_what_was_kept(folio: Folio, tmp_path: Path, monkeypatch) -> None:
    assert folio("add", str(write(tmp_path / "bees.txt", BEES))).exit_code == 0
    _fill_the_disk(monkeypatch)
    result = folio("add", str(write(tmp_path / "river.txt", RIVER)))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "folio: warning: imported; the search index will catch up when there is space "
        "(no space left on device)"
    ]
    assert len(folio.json("list")) == 2  # the article is in the library
    # Search works from the last good index (bees), saying it is behind.
    searched = folio("search", "honey", "--json")
    assert searched.exit_code == 0
    assert [hit["citekey"] for hit in __import__("json").loads(searched.stdout)] == [BEES_KEY]
    assert "catch up" in searched.stderr and searched.stderr.count("\n") == 1
    monkeypatch.undo()  # space again: the index catches up on its own
    assert [h["citekey"] for h in folio.json("search", "floodgates")] == [RIVER_KEY]
    assert folio("check").exit_code == 0


def test_reindex_on_a_full_disk_keeps_the_old_index(
    folio: Folio, tmp_path: Path, monkeypatch
) -> None:
    assert folio("add", str(write(tmp_path / "bees.txt", BEES))).exit_code == 0
    _fill_the_disk(monkeypatch)
    result = folio("reindex")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "no space left" in result.stderr
    assert "old index is kept" in result.stderr
    monkeypatch.undo()
    assert [h["citekey"] for h in folio.json("search", "honey")] == [BEES_KEY]
    assert not [p for p in folio.library_dir.iterdir() if p.name.startswith("index.")]
    assert folio("check").exit_code == 0


def test_originals_that_do_not_fit_fail_their_file_only(
    folio: Folio, tmp_path: Path, monkeypatch
) -> None:
    from library import importing

    monkeypatch.setattr(importing, "stage_blob", _no_space)
    result = folio("add", str(write(tmp_path / "bees.txt", BEES)))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"folio: {tmp_path / 'bees.txt'}: no space left on device"
    assert folio.json("list") == []


def test_a_full_database_disk_is_one_line(folio: Folio, tmp_path: Path, monkeypatch) -> None:
    import sqlite3

    from library import database

    assert folio("add", str(write(tmp_path / "bees.txt", BEES))).exit_code == 0
    real = database._remove_note

    def full(note):
        real(note)
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(database, "_remove_note", full)  # fails just before COMMIT
    result = folio("tag", "add", BEES_KEY, "bees")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "disk is full" in result.stderr
    assert "not saved" in result.stderr
    monkeypatch.undo()
    assert folio.json("show", BEES_KEY)["tags"] == []
