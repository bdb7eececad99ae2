"""Snapshots of the main screens at 120×36 (pytest-textual-snapshot; update with
`uv run pytest tests/test_tui_snapshots.py --snapshot-update` after a deliberate change)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from library.store import Library
from tests.tui_support import make_library, wait_for
from tui import actions as operations
from tui.app import FolioApp
from tui.screens.welcome import welcome_text

SIZE = (120, 36)


@pytest.fixture
def stable_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Article ids are random; snapshots need the same ones every run."""
    counter = itertools.count(1)
    monkeypatch.setattr("library.articles.new_article_id", lambda conn: f"art{next(counter):03d}")


def _still(app: Any) -> None:
    for widget in app.screen.query(Input):
        widget.cursor_blink = False


def test_library_screen(snap_compare: Any, library_dir: Path, stable_ids: None) -> None:
    make_library(library_dir)

    async def run_before(pilot: Any) -> None:
        await wait_for(lambda: type(pilot.app.screen).__name__ == "LibraryScreen")
        await wait_for(lambda: pilot.app.screen.table.rows)
        await pilot.press("1")  # by title: a stable order
        _still(pilot.app)
        await pilot.pause()

    assert snap_compare(FolioApp(library_dir), terminal_size=SIZE, run_before=run_before)


def test_reader_with_notes(snap_compare: Any, library_dir: Path, stable_ids: None) -> None:
    make_library(library_dir)
    with Library(library_dir) as library:
        text = operations.get_article(library, "art001").text
        for word in ("Floods spread silt", "meander"):
            at = text.index(word)
            operations.add_annotation(library, "art001", at, at + len(word), f"[/] {word}", ["geo"])

    async def run_before(pilot: Any) -> None:
        await wait_for(lambda: type(pilot.app.screen).__name__ == "LibraryScreen")
        pilot.app.open_reader("art001")
        await wait_for(lambda: getattr(pilot.app.screen, "annotations", None))
        await pilot.press("right_square_bracket")
        await pilot.pause()

    assert snap_compare(FolioApp(library_dir), terminal_size=SIZE, run_before=run_before)


def test_search_screen(snap_compare: Any, library_dir: Path, stable_ids: None) -> None:
    make_library(library_dir)

    async def run_before(pilot: Any) -> None:
        await wait_for(lambda: type(pilot.app.screen).__name__ == "LibraryScreen")
        await pilot.press("s", *"floods")
        await wait_for(lambda: pilot.app.screen.shown_query == "floods")
        _still(pilot.app)
        await pilot.pause()

    assert snap_compare(FolioApp(library_dir), terminal_size=SIZE, run_before=run_before)


def test_welcome_screen(snap_compare: Any, library_dir: Path) -> None:
    async def run_before(pilot: Any) -> None:
        await wait_for(lambda: type(pilot.app.screen).__name__ == "WelcomeScreen")
        # The temporary folder's name changes every run.
        pilot.app.screen.query_one("#welcome-text", Static).update(welcome_text("~/folio"))
        await pilot.pause()

    assert snap_compare(FolioApp(library_dir), terminal_size=SIZE, run_before=run_before)


def test_annotate_dialog(snap_compare: Any, library_dir: Path, stable_ids: None) -> None:
    make_library(library_dir)

    async def run_before(pilot: Any) -> None:
        await wait_for(lambda: type(pilot.app.screen).__name__ == "LibraryScreen")
        pilot.app.open_reader("art001")
        await wait_for(lambda: getattr(pilot.app.screen, "article", None))
        pilot.app.screen.text_area.select_range(0, 40)
        await pilot.press("a", *"A [b]note[/b]")
        _still(pilot.app)
        await pilot.pause()

    assert snap_compare(FolioApp(library_dir), terminal_size=SIZE, run_before=run_before)


def test_tags_screen(snap_compare: Any, library_dir: Path, stable_ids: None) -> None:
    make_library(library_dir)
    with Library(library_dir) as library:
        text = operations.get_article(library, "art001").text
        at = text.index("silt")
        operations.add_annotation(library, "art001", at, at + 4, "n", ["geo/rivers", "[b]x"])
        operations.add_annotation(library, "art002", 0, 5, "", ["geo/bees"])

    async def run_before(pilot: Any) -> None:
        await wait_for(lambda: type(pilot.app.screen).__name__ == "LibraryScreen")
        await pilot.press("t")
        await wait_for(lambda: pilot.app.screen.query_one("#tag-tree").root.children)
        pilot.app.screen.show_tag("geo")
        await wait_for(lambda: pilot.app.screen.entries)
        await pilot.pause()

    assert snap_compare(FolioApp(library_dir), terminal_size=SIZE, run_before=run_before)


def test_metadata_form_with_an_error(
    snap_compare: Any, library_dir: Path, stable_ids: None
) -> None:
    make_library(library_dir)

    async def run_before(pilot: Any) -> None:
        await wait_for(lambda: getattr(pilot.app.screen, "loaded", False))
        pilot.app.edit_metadata("art001")
        await wait_for(lambda: type(pilot.app.screen).__name__ == "MetadataForm")
        await wait_for(lambda: pilot.app.screen.query("#field-date"))  # composed (slow machine)
        pilot.app.screen.query_one("#field-date", Input).value = "2021-02-30"
        await pilot.press("ctrl+s")
        _still(pilot.app)
        await pilot.pause()

    assert snap_compare(FolioApp(library_dir), terminal_size=SIZE, run_before=run_before)
