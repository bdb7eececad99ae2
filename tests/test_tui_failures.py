"""Nothing crashes the notebook: a failure injected into each action the notebook runs
becomes a one-line notice pointing at a log that holds the traceback; the app keeps
running, the screen stays usable and nothing typed is lost."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from library.store import Library
from tests.conftest import write
from tests.tui_support import (
    RIVER,
    annotate,
    id_of_article,
    library_ready,
    make_library,
    reader_on,
    run_app,
    wait_for,
    wait_for_screen,
)
from tui.actions import capture as capture_actions
from tui.actions.articles import count_articles
from tui.app import FolioApp
from tui.dialogs.annotate import AnnotateDialog
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.export import ExportScreen
from tui.dialogs.import_files import ImportScreen
from tui.dialogs.metadata import MetadataForm
from tui.dialogs.tag_article import TagArticleDialog
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen
from tui.screens.search import SearchScreen
from tui.screens.tags import TagsScreen
from tui.widgets.tag_box import TagBox

LOCKED = sqlite3.OperationalError("database is locked")


class FailingCalls:
    """Makes the app's library calls raise `error` in their thread (where a locked database
    or a bug would raise it) while armed; every call the screens make goes through it."""

    def __init__(self, app: FolioApp, error: Exception) -> None:
        self.error = error
        self.armed = False
        self.original = app.call
        app.call = self.call  # type: ignore[method-assign]

    async def call(self, function: Callable[..., Any], *args: Any) -> Any:
        if not self.armed:
            return await self.original(function, *args)

        def fail() -> None:
            raise self.error

        return await asyncio.to_thread(fail)


@pytest.fixture
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where these tests expect the notebook's log (the default one must stay empty)."""
    folder = tmp_path / "log"
    monkeypatch.setenv("FOLIO_LOG_DIR", str(folder))
    return folder


async def reported(app: FolioApp, log_dir: Path, error: Exception) -> str:
    """Wait for the notice of `error`; check it is one plain line naming the log, and that
    the log holds the traceback. Returns the notice."""
    wanted = str(error)
    await wait_for(lambda: any(wanted in n.message for n in app._notifications))
    notice = next(n for n in app._notifications if wanted in n.message)
    assert "\n" not in notice.message and not notice.markup
    assert notice.severity == "error"
    assert "notebook.log" in notice.message
    log = (log_dir / "notebook.log").read_text()
    assert "Traceback (most recent call last)" in log and wanted in log
    assert app.is_running
    return notice.message


def test_reloading_the_library_fails_and_the_table_stays(library_dir: Path, log_dir: Path) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await library_ready(app)
        failing = FailingCalls(app, LOCKED)
        failing.armed = True
        await pilot.press("ctrl+r")
        await reported(app, log_dir, LOCKED)
        assert app.screen is screen and len(screen.table.rows) == 3
        failing.armed = False
        await pilot.press("down", "enter")  # still usable
        await wait_for(lambda: isinstance(app.screen, ReaderScreen))

    run_app(library_dir, scenario, notifications=True)


def test_a_failed_search_keeps_the_query_and_says_so(library_dir: Path, log_dir: Path) -> None:
    make_library(library_dir)
    error = RuntimeError("index exploded")

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await library_ready(app)
        FailingCalls(app, error).armed = True
        await pilot.press("s", *"silt")
        await reported(app, log_dir, error)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert screen.query_one("#search-query", Input).value == "silt"
        status = screen.query_one("#search-status")
        await wait_for(lambda: "did not run" in str(status.render()))

    run_app(library_dir, scenario, notifications=True)


def test_opening_an_article_fails_and_the_library_stays(library_dir: Path, log_dir: Path) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await library_ready(app)
        FailingCalls(app, LOCKED).armed = True
        await pilot.press("enter")
        await reported(app, log_dir, LOCKED)
        assert app.screen is screen

    run_app(library_dir, scenario, notifications=True)


@pytest.mark.parametrize("error", [LOCKED, RuntimeError("bug in the notes code")])
def test_a_failed_note_save_brings_the_dialog_back_with_the_draft(
    library_dir: Path, log_dir: Path, error: Exception
) -> None:
    make_library(library_dir)
    article_id = id_of_article(library_dir, "River%")

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        reader = await reader_on(app, article_id)
        failing = FailingCalls(app, error)
        reader.text_area.select_range(0, 9)
        await pilot.press("a", *"precious words", "tab", *"geo, rivers")
        failing.armed = True
        await pilot.press("ctrl+s")
        await reported(app, log_dir, error)
        await wait_for(lambda: isinstance(app.screen, AnnotateDialog))
        dialog = app.screen
        assert isinstance(dialog, AnnotateDialog)
        assert dialog.draft.note == "precious words" and dialog.draft.tags == ["geo", "rivers"]
        assert dialog.changed  # Esc would ask before dropping it
        failing.armed = False
        await pilot.press("ctrl+s")  # the second try stores it
        await wait_for(lambda: app.screen is reader and reader.annotations)
        assert reader.annotations[0].note == "precious words"

    run_app(library_dir, scenario, notifications=True)


def test_a_failed_note_edit_brings_the_edit_back(library_dir: Path, log_dir: Path) -> None:
    make_library(library_dir)
    article_id, _ = annotate(library_dir, "River%", "silt", "old note", ["geo"])

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        reader = await reader_on(app, article_id)
        await pilot.press("n", "e")
        await wait_for(lambda: isinstance(app.screen, AnnotateDialog))
        note_box = app.screen.query_one("#annotate-note", TextArea)
        note_box.text = "new words"
        FailingCalls(app, LOCKED).armed = True
        await pilot.press("ctrl+s")
        await reported(app, log_dir, LOCKED)
        await wait_for(lambda: isinstance(app.screen, AnnotateDialog))
        assert app.screen.draft.note == "new words"
        assert reader.annotations[0].note == "old note"

    run_app(library_dir, scenario, notifications=True)


def test_a_failed_note_delete_keeps_the_note_listed(library_dir: Path, log_dir: Path) -> None:
    make_library(library_dir)
    article_id, _ = annotate(library_dir, "River%", "silt", "kept", [])

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        reader = await reader_on(app, article_id)
        await pilot.press("n", "d")
        FailingCalls(app, RuntimeError("no delete today")).armed = True
        await pilot.click("#choice-delete")
        await reported(app, log_dir, RuntimeError("no delete today"))
        assert app.screen is reader and [a.note for a in reader.annotations] == ["kept"]

    run_app(library_dir, scenario, notifications=True)


def test_a_failed_metadata_save_keeps_the_form_and_what_was_typed(
    library_dir: Path, log_dir: Path
) -> None:
    make_library(library_dir)
    article_id = id_of_article(library_dir, "River%")

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await library_ready(app)
        app.edit_metadata(article_id)
        await wait_for(lambda: isinstance(app.screen, MetadataForm) and app.screen.is_mounted)
        form = app.screen
        form.query_one("#field-site", Input).value = "Rivers Weekly"
        FailingCalls(app, LOCKED).armed = True
        await pilot.press("ctrl+s")
        await reported(app, log_dir, LOCKED)
        assert app.screen is form
        assert form.query_one("#field-site", Input).value == "Rivers Weekly"
        assert "Not saved" in str(form.query_one("#error-form").render())

    run_app(library_dir, scenario, notifications=True)


def test_opening_the_metadata_form_fails_cleanly(library_dir: Path, log_dir: Path) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await library_ready(app)
        FailingCalls(app, LOCKED).armed = True
        await pilot.press("e")
        await reported(app, log_dir, LOCKED)
        assert app.screen is screen

    run_app(library_dir, scenario, notifications=True)


def test_a_failed_export_says_so_and_keeps_the_path(
    library_dir: Path, log_dir: Path, tmp_path: Path
) -> None:
    make_library(library_dir)
    out = tmp_path / "refs.bib"

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await library_ready(app)
        await pilot.press("x")
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        await pilot.press(*str(out))
        FailingCalls(app, RuntimeError("renderer broke")).armed = True
        await pilot.press("ctrl+s")
        await reported(app, log_dir, RuntimeError("renderer broke"))
        assert app.screen is screen and not out.exists()
        assert screen.query_one("#export-path", Input).value == str(out)
        assert "Nothing was exported" in str(screen.query_one("#export-outcome").render())

    run_app(library_dir, scenario, notifications=True)


def test_a_failed_import_does_not_stay_running(
    library_dir: Path, log_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_library(library_dir)
    folder = tmp_path / "in"
    write(folder / "a.txt", RIVER.replace("River Meanders", "River Again"))

    def locked(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    # The import runs in its own thread with its own connection, not through app.call.
    monkeypatch.setattr(capture_actions, "add_inputs", locked)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await library_ready(app)
        await pilot.press("i")
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        await pilot.press(*str(folder), "enter")
        await reported(app, log_dir, LOCKED)
        await wait_for(lambda: not screen.running)
        assert "stopped" in str(screen.query_one("#import-summary").render())
        assert screen.query_one("#import-path", Input).value == str(folder)
        assert not screen.query_one("#import-start").disabled  # can try again

    run_app(library_dir, scenario, notifications=True)


def test_opening_the_tags_screen_fails_cleanly(library_dir: Path, log_dir: Path) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await library_ready(app)
        FailingCalls(app, LOCKED).armed = True
        await pilot.press("t")
        await reported(app, log_dir, LOCKED)
        assert isinstance(app.screen, TagsScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)

    run_app(library_dir, scenario, notifications=True)


def test_a_screen_command_from_the_palette_runs_on_its_screen(library_dir: Path) -> None:
    """Choosing "Filter" in the palette once closed the app (AttributeError)."""
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await library_ready(app)
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Filter")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(lambda: app.screen is screen)
        await pilot.pause()
        assert app.is_running
        assert app.focused is screen.query_one("#library-filter")

    run_app(library_dir, scenario)


def test_a_focused_widgets_command_from_the_palette_runs_on_it(library_dir: Path) -> None:
    """The notes panel's "Edit note" (its binding says `screen.edit_note`)."""
    make_library(library_dir)
    article_id, _ = annotate(library_dir, "River%", "silt", "a note", [])

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await reader_on(app, article_id)
        await pilot.press("n", "ctrl+p", *"Edit note")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(lambda: isinstance(app.screen, AnnotateDialog))
        assert app.screen.draft.note == "a note"

    run_app(library_dir, scenario)


def test_every_worker_goes_through_the_error_handler() -> None:
    """`textual.work` (or run_worker) used directly would close the app on an error.
    (tui/actions and tui/cli never import Textual: test_import_hygiene checks that.)"""
    root = Path(__file__).resolve().parents[1] / "tui"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "failures.py"
        and path.relative_to(root).parts[0] not in ("actions", "cli")
        and any(
            needle in path.read_text()
            for needle in ("@work", "import work", ", work", "run_worker(")
        )
    ]
    assert offenders == []


def test_a_failed_article_tagging_brings_the_dialog_back_with_the_tags(
    library_dir: Path, log_dir: Path
) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await library_ready(app)
        failing = FailingCalls(app, LOCKED)
        await pilot.press("number_sign")
        await wait_for_screen(app, TagArticleDialog)
        await pilot.press(*"rivers, floods")
        failing.armed = True
        await pilot.press("enter")
        await reported(app, log_dir, LOCKED)
        dialog = await wait_for_screen(app, TagArticleDialog)
        assert dialog.query_one(TagBox).tags == ["rivers", "floods"]

    run_app(library_dir, scenario, notifications=True)


def test_a_failed_article_delete_keeps_the_article(library_dir: Path, log_dir: Path) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await library_ready(app)
        failing = FailingCalls(app, RuntimeError("cannot delete"))
        await pilot.press("D")
        await wait_for_screen(app, ConfirmDialog)
        failing.armed = True
        await pilot.click("#choice-delete")
        await reported(app, log_dir, RuntimeError("cannot delete"))
        assert app.screen is screen and len(screen.table.rows) == 3
        with Library(library_dir) as library:
            assert count_articles(library).value == 3

    run_app(library_dir, scenario, notifications=True)


def test_opening_the_original_fails_cleanly(library_dir: Path, log_dir: Path) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await library_ready(app)
        FailingCalls(app, LOCKED).armed = True
        await pilot.press("o")
        await reported(app, log_dir, LOCKED)
        assert app.screen is screen

    run_app(library_dir, scenario, notifications=True)


def test_a_failed_tag_filter_keeps_the_table_and_the_filter(
    library_dir: Path, log_dir: Path
) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await library_ready(app)
        FailingCalls(app, LOCKED).armed = True
        await pilot.press("slash", *"#geo")
        await reported(app, log_dir, LOCKED)
        assert app.screen is screen and len(screen.table.rows) == 3
        assert screen.query_one("#library-filter", Input).value == "#geo"

    run_app(library_dir, scenario, notifications=True)
