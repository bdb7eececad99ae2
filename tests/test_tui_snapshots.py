"""Snapshots of every screen and dialog at 80×24 and 120×36 (pytest-textual-snapshot;
update with `uv run pytest tests/test_tui_snapshots.py --snapshot-update` after a
deliberate change, and look at the report before committing). Each dialog's buttons
must be on screen and reachable (no part of a dialog may hide them at 80×24)."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static, TextArea

from library.store import Library
from tests.conftest import Folio, write
from tests.test_pdf_import import make_pdf
from tests.tui_support import (
    article_of,
    assert_buttons_reachable,
    import_texts,
    make_library,
    note_at,
    wait_for,
    wait_for_screen,
)
from tui.actions.notes import edit_note
from tui.app import FolioApp
from tui.dialogs.annotate import AnnotateDialog
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.conflict import ConflictDialog
from tui.dialogs.export import ExportScreen
from tui.dialogs.import_files import ImportScreen
from tui.dialogs.metadata import MetadataForm
from tui.dialogs.tag_article import TagArticleDialog
from tui.screens.help import HelpScreen
from tui.screens.names import NamesScreen
from tui.screens.search import SearchScreen
from tui.screens.welcome import welcome_text

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}
Scenario = Callable[[Any], Awaitable[None]]


@pytest.fixture(params=list(SIZES))
def size(request: pytest.FixtureRequest) -> tuple[int, int]:
    """Each snapshot at the smallest size Folio supports and at a roomy one."""
    return SIZES[request.param]


@pytest.fixture
def stable_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Article ids are random; snapshots need the same ones every run."""
    counter = itertools.count(1)
    monkeypatch.setattr("library.articles.new_article_id", lambda conn: f"art{next(counter):03d}")


def _still(app: Any) -> None:
    """No blinking cursor: a snapshot taken mid-blink would differ."""
    for widget in app.screen.query(Input):
        widget.cursor_blink = False
    for area in app.screen.query(TextArea):
        area.cursor_blink = False


def snapshot(
    snap_compare: Any,
    library_dir: Path,
    size: tuple[int, int],
    scenario: Scenario,
    dialog: bool = False,
) -> None:
    """Play `scenario` at `size`, then compare the screen with its stored snapshot."""

    async def run_before(pilot: Any) -> None:
        await scenario(pilot)
        _still(pilot.app)
        await pilot.pause()
        if dialog:
            assert_buttons_reachable(pilot.app)

    assert snap_compare(FolioApp(library_dir), terminal_size=size, run_before=run_before)


async def _library(pilot: Any) -> None:
    await wait_for(lambda: getattr(pilot.app.screen, "loaded", False))
    await pilot.press("1")  # by title: a stable order


async def _reader(pilot: Any, article_id: str, query: str | None = None) -> None:
    await _library(pilot)
    pilot.app.open_reader(article_id, query=query)
    await wait_for(lambda: getattr(pilot.app.screen, "article", None))


def _notes_on_the_river(library_dir: Path) -> None:
    with Library(library_dir) as library:
        text = article_of(library, "art001").text
        for word in ("Floods spread silt", "meander"):
            at = text.index(word)
            note_at(library, "art001", at, at + len(word), f"[/] {word}", ["geo"])


def test_library_screen(
    snap_compare: Any, library_dir: Path, stable_ids: None, size: tuple[int, int]
) -> None:
    make_library(library_dir)
    snapshot(snap_compare, library_dir, size, _library)


def test_reader_with_notes_hits_and_a_selection(
    snap_compare: Any, library_dir: Path, stable_ids: None, size: tuple[int, int]
) -> None:
    make_library(library_dir)
    _notes_on_the_river(library_dir)

    async def scenario(pilot: Any) -> None:
        await _reader(pilot, "art001", query="farmers")
        await wait_for(lambda: pilot.app.screen.annotations)
        await pilot.press("right_square_bracket")  # the first note becomes the current one
        text = pilot.app.screen.article.text
        at = text.index("The water")
        pilot.app.screen.text_area.select_range(at, at + 15)

    snapshot(snap_compare, library_dir, size, scenario)


def test_reader_of_a_pdf_with_page_marks(
    snap_compare: Any, library_dir: Path, tmp_path: Path, stable_ids: None, size: tuple[int, int]
) -> None:
    pages = [[f"Page {n}, line {k}: rivers carry silt." for k in range(18)] for n in (1, 2, 3)]
    Folio(library_dir)("add", str(write(tmp_path / "report.pdf", make_pdf(pages))))

    async def scenario(pilot: Any) -> None:
        await _reader(pilot, "art001")
        await pilot.press("pagedown")

    snapshot(snap_compare, library_dir, size, scenario)


def test_welcome_screen(snap_compare: Any, library_dir: Path, size: tuple[int, int]) -> None:
    async def scenario(pilot: Any) -> None:
        await wait_for(lambda: type(pilot.app.screen).__name__ == "WelcomeScreen")
        # The temporary folder's name changes every run.
        pilot.app.screen.query_one("#welcome-text", Static).update(welcome_text("~/folio"))

    snapshot(snap_compare, library_dir, size, scenario)


def test_tags_screen(
    snap_compare: Any, library_dir: Path, stable_ids: None, size: tuple[int, int]
) -> None:
    make_library(library_dir)
    with Library(library_dir) as library:
        text = article_of(library, "art001").text
        at = text.index("silt")
        note_at(library, "art001", at, at + 4, "n", ["geo/rivers", "[b]x"])
        note_at(library, "art002", 0, 5, "", ["geo/bees"])

    async def scenario(pilot: Any) -> None:
        await _library(pilot)
        await pilot.press("t")
        await wait_for(lambda: pilot.app.screen.query_one("#tag-tree").root.children)
        pilot.app.screen.show_tag("geo")
        await wait_for(lambda: pilot.app.screen.entries)

    snapshot(snap_compare, library_dir, size, scenario)


def test_names_screen(
    snap_compare: Any, library_dir: Path, stable_ids: None, size: tuple[int, int]
) -> None:
    """Names spelled several ways, each with its articles; the first one highlighted."""
    make_library(library_dir)
    with Library(library_dir) as library:
        import_texts(library, NAMES_TEXTS)

    async def scenario(pilot: Any) -> None:
        await _library(pilot)
        await pilot.press("n")
        screen = await wait_for_screen(pilot.app, NamesScreen)
        await wait_for(lambda: screen.loaded)

    snapshot(snap_compare, library_dir, size, scenario)


NAMES_TEXTS = {
    "council.txt": "Council Report\n\nAhmad Masood spoke to the council in Kabul.\n",
    "valley.txt": "Valley Notes\n\nAhmad Massoud spoke. Later Massoud left for Khorsan.\n",
    "province.txt": "Province Study\n\nThe branch in Khorasan grew; Masud denied it.\n",
}


def test_annotate_dialog(
    snap_compare: Any, library_dir: Path, stable_ids: None, size: tuple[int, int]
) -> None:
    make_library(library_dir)

    async def scenario(pilot: Any) -> None:
        await _reader(pilot, "art001")
        pilot.app.screen.text_area.select_range(0, 40)
        await pilot.press("a", *"A [b]note[/b]", "tab", *"geo, x")
        await wait_for_screen(pilot.app, AnnotateDialog)

    snapshot(snap_compare, library_dir, size, scenario, dialog=True)


def test_metadata_form_with_an_error(
    snap_compare: Any, library_dir: Path, stable_ids: None, size: tuple[int, int]
) -> None:
    make_library(library_dir)

    async def scenario(pilot: Any) -> None:
        await _library(pilot)
        pilot.app.edit_metadata("art001")
        form = await wait_for_screen(pilot.app, MetadataForm)
        form.query_one("#field-date", Input).value = "2021-02-30"
        await pilot.press("ctrl+s")

    snapshot(snap_compare, library_dir, size, scenario, dialog=True)


def test_conflict_dialog(
    snap_compare: Any,
    library_dir: Path,
    stable_ids: None,
    size: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A note's save finds it changed meanwhile: both versions, and the three choices."""
    counter = itertools.count(2)  # the dialog names the note: its id must not be random
    new_id = lambda conn: f"n2222{next(counter)}2"  # noqa: E731
    monkeypatch.setattr("notes.annotations.new_annotation_id", new_id)
    make_library(library_dir)
    _notes_on_the_river(library_dir)

    async def scenario(pilot: Any) -> None:
        await _reader(pilot, "art001")
        await wait_for(lambda: pilot.app.screen.annotations)
        await pilot.press("n", "e")
        await wait_for_screen(pilot.app, AnnotateDialog)
        await pilot.press("end", *" (mine)")
        with Library(library_dir) as library:  # another window saves first
            note = pilot.app.screen_stack[-2].annotations[0]
            edit_note(library, note.id, note="[/] theirs, saved meanwhile")
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot.app, ConflictDialog)

    snapshot(snap_compare, library_dir, size, scenario, dialog=True)


@dataclass(frozen=True)
class FromTheLibrary:
    """A screen or dialog reached by keys from the library, and when it is ready to shoot."""

    keys: tuple[str, ...]
    screen: type
    dialog: bool = True
    ready: Callable[[Any], object] = lambda screen: True


FROM_THE_LIBRARY = {
    "search": FromTheLibrary(
        ("s", *"floods"), SearchScreen, False, lambda s: s.shown_query == "floods"
    ),
    "help": FromTheLibrary(("f1",), HelpScreen, False),
    "export": FromTheLibrary(("x", "shift+tab"), ExportScreen),  # the formats have focus
    "import_failure": FromTheLibrary(
        ("i", *"no/such/folder", "enter"), ImportScreen, ready=lambda s: not s.running
    ),
    "delete_question": FromTheLibrary(("D",), ConfirmDialog),
    "tag_article": FromTheLibrary(("number_sign", *"ge"), TagArticleDialog),  # completes: geo
}


@pytest.mark.parametrize("name", list(FROM_THE_LIBRARY))
def test_from_the_library(
    snap_compare: Any, library_dir: Path, stable_ids: None, size: tuple[int, int], name: str
) -> None:
    make_library(library_dir)
    _notes_on_the_river(library_dir)
    case = FROM_THE_LIBRARY[name]

    async def scenario(pilot: Any) -> None:
        await _library(pilot)
        await wait_for(lambda: pilot.app.cached_tags)  # for the tags' completion
        await pilot.press(*case.keys)
        screen = await wait_for_screen(pilot.app, case.screen)
        await wait_for(lambda: case.ready(screen))
        await pilot.pause(0.2)

    snapshot(snap_compare, library_dir, size, scenario, dialog=case.dialog)
