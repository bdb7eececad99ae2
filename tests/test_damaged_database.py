"""A damaged folio.db is reported in one line naming `folio check` and the way out, never
read as empty, never written to; `folio check --recover` copies what is still readable
into a new database and keeps the damaged one."""

from __future__ import annotations

import json
import random
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest

from library.store import Library
from tests.conftest import Folio, folio_process, write
from tests.fixtures import BEES, BEES_KEY, INTERVIEW, RIVER

PAGE = 4096


@pytest.fixture
def noted(folio: Folio, tmp_path: Path) -> Folio:
    """A library with three articles, a note on each and tags; the database checkpointed."""
    for name, text in (("bees.txt", BEES), ("river.txt", RIVER), ("pilots.txt", INTERVIEW)):
        assert folio("add", str(write(tmp_path / "src" / name, text))).exit_code == 0
    for article in folio.json("list"):
        assert folio("note", article["id"], "-m", f"note on {article['id']}", "-t", "kept")
        folio("tag", "add", article["id"], "reading")
    with Library(folio.library_dir) as library:
        library.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return folio


def _root_page(library_dir: Path, table: str) -> int:
    conn = sqlite3.connect(library_dir / "folio.db")
    try:
        row = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,))
        return row.fetchone()[0]
    finally:
        conn.close()


def _overwrite_page(library_dir: Path, table: str, data: bytes) -> None:
    page = _root_page(library_dir, table)
    with (library_dir / "folio.db").open("r+b") as handle:
        handle.seek((page - 1) * PAGE)
        handle.write(data.ljust(PAGE, b"\0"))


def _garbage(seed: int = 1) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(PAGE))


# A valid but empty table page: the table reads as empty, its indexes still list the rows.
EMPTY_LEAF = b"\x0d\x00\x00\x00\x00\x10\x00\x00"


def _assert_damage_line(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 1, result
    assert result.stderr.count("\n") == 1, result.stderr
    line = result.stderr
    assert line.startswith("folio: ") and "damaged" in line
    assert "folio check" in line and "--recover" in line
    assert "internal error" not in line and "Traceback" not in line


def test_reading_a_damaged_table_is_one_line_naming_check(noted: Folio) -> None:
    _overwrite_page(noted.library_dir, "annotations", _garbage())
    _assert_damage_line(folio_process(noted.library_dir, "notes"))


def test_a_table_that_reads_as_empty_is_not_reported_empty(noted: Folio) -> None:
    _overwrite_page(noted.library_dir, "annotations", EMPTY_LEAF)
    result = folio_process(noted.library_dir, "notes")
    assert "No annotations" not in result.stderr
    _assert_damage_line(result)


def test_check_reports_the_damage(noted: Folio) -> None:
    _overwrite_page(noted.library_dir, "annotations", EMPTY_LEAF)
    result = folio_process(noted.library_dir, "check")
    assert result.returncode == 1
    assert "database: damaged" in result.stdout and "folio check --recover" in result.stdout
    report = json.loads(folio_process(noted.library_dir, "check", "--json").stdout)
    assert report["database"].startswith("damaged") and report["clean"] is False


def test_a_damaged_database_is_not_written_to(noted: Folio, tmp_path: Path) -> None:
    _overwrite_page(noted.library_dir, "annotations", _garbage())
    before = (noted.library_dir / "folio.db").read_bytes()
    assert folio_process(noted.library_dir, "check").returncode == 1
    new = write(tmp_path / "new.txt", "A New Article\n\nAbout something else entirely.\n")
    _assert_damage_line(folio_process(noted.library_dir, "add", str(new)))
    _assert_damage_line(folio_process(noted.library_dir, "tag", "add", BEES_KEY, "x"))
    assert (noted.library_dir / "folio.db").read_bytes() == before


def test_a_file_that_is_not_a_database(folio: Folio) -> None:
    folio.library_dir.mkdir(parents=True)
    (folio.library_dir / "folio.db").write_bytes(b"this is not a database at all " * 200)
    _assert_damage_line(folio_process(folio.library_dir, "list"))


@pytest.mark.parametrize("damage", ["garbage", "empty-leaf"])
def test_recover_copies_what_is_readable_and_keeps_the_damaged_file(
    noted: Folio, damage: str
) -> None:
    library_dir = noted.library_dir
    articles_before = sorted(a["id"] for a in noted.json("list"))
    _overwrite_page(library_dir, "annotations", _garbage() if damage == "garbage" else EMPTY_LEAF)
    damaged_bytes = (library_dir / "folio.db").read_bytes()
    result = folio_process(library_dir, "check", "--recover")
    assert result.returncode == 0, result.stderr
    assert "Recovered" in result.stdout and "kept as" in result.stdout
    kept = [p for p in library_dir.iterdir() if p.name.startswith("folio.damaged-")]
    assert len(kept) == 1 and kept[0].read_bytes() == damaged_bytes
    assert sorted(a["id"] for a in noted.json("list")) == articles_before
    assert noted.json("show", BEES_KEY)["tags"] == ["reading"]
    assert [h["citekey"] for h in noted.json("search", "honey")] == [BEES_KEY]
    # The report says how many notes came back, and that many are there. (This counted the
    # notes document's keys before, which were 3 by chance: an emptied root page loses the
    # notes stored in it, and the report says 0.)
    recovered = re.search(r"(\d+) notes", result.stdout)
    assert recovered is not None
    assert len(noted.json("notes")["annotations"]) == int(recovered.group(1))
    assert folio_process(library_dir, "check").returncode == 0
    more = write(library_dir.parent / "more.txt", "Another Article\n\nWith more words.\n")
    assert noted("add", str(more)).exit_code == 0  # writable again


def test_recover_refuses_when_nothing_is_readable(folio: Folio) -> None:
    folio.library_dir.mkdir(parents=True)
    garbage = b"this is not a database at all " * 200
    (folio.library_dir / "folio.db").write_bytes(garbage)
    result = folio_process(folio.library_dir, "check", "--recover")
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "nothing could be read" in result.stderr
    assert (folio.library_dir / "folio.db").read_bytes() == garbage


def test_recover_on_a_sound_database_changes_nothing(noted: Folio) -> None:
    result = noted("check", "--recover")
    assert result.exit_code == 0 and "not damaged" in result.stdout
    assert not [p for p in noted.library_dir.iterdir() if p.name.startswith("folio.damaged-")]


def test_an_empty_listing_is_verified_before_it_is_believed(folio: Folio, tmp_path: Path) -> None:
    """Notes without tags: once the notes table's page is lost, every query on it reads
    nothing without an error; only its index still lists the rows."""
    assert folio("add", str(write(tmp_path / "bees.txt", BEES))).exit_code == 0
    assert folio("note", BEES_KEY, "-m", "untagged note").exit_code == 0
    with Library(folio.library_dir) as library:
        library.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _overwrite_page(folio.library_dir, "annotations", EMPTY_LEAF)
    for args in (["notes"], ["notes", "--json"], ["notes", BEES_KEY]):
        result = folio_process(folio.library_dir, *args)
        assert "No annotations" not in result.stderr and result.stdout.strip() in ("", "[]")
        _assert_damage_line(result)
    _overwrite_page(folio.library_dir, "articles", EMPTY_LEAF)
    listed = folio_process(folio.library_dir, "list")
    assert "library is empty" not in listed.stderr
    _assert_damage_line(listed)


# An empty index page: a WITHOUT ROWID table (collection_articles) is stored as one.
EMPTY_INDEX_LEAF = b"\x0a\x00\x00\x00\x00\x10\x00\x00"


@pytest.mark.parametrize(
    ("table", "page", "args"),
    [
        ("collections", EMPTY_LEAF, ["collections"]),
        ("collection_articles", EMPTY_INDEX_LEAF, ["collection", "show", "reading"]),
        ("saved_searches", EMPTY_LEAF, ["searches"]),
        ("kept_exports", EMPTY_LEAF, ["exports"]),
    ],
)
def test_the_newer_listings_are_verified_too(
    folio: Folio, tmp_path: Path, table: str, page: bytes, args: list[str]
) -> None:
    """Collections, saved searches and kept exports: "none" only from a readable table."""
    assert folio("add", str(write(tmp_path / "bees.txt", BEES))).exit_code == 0
    assert folio("collection", "add", "reading", BEES_KEY).exit_code == 0
    assert folio("search", "honey", "--save", "honey").exit_code == 0
    kept = tmp_path / "refs.bib"
    assert folio("export", "--all", "-o", str(kept), "--keep-updated").exit_code == 0
    assert folio_process(folio.library_dir, *args).returncode == 0
    with Library(folio.library_dir) as library:
        library.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _overwrite_page(folio.library_dir, table, page)
    _assert_damage_line(folio_process(folio.library_dir, *args))
