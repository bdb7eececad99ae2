"""Keys typed faster than the app reads them still apply in order, to the box they were
meant for (keys a few milliseconds apart: a fast typist, a loaded machine, a macro)."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from library.store import Library
from tests.tui_support import (
    article_of,
    id_of_article,
    library_ready,
    make_library,
    reader_on,
    run_app,
    wait_for,
    wait_for_screen,
)
from tui.app import FolioApp
from tui.dialogs.annotate import AnnotateDialog
from tui.dialogs.metadata import MetadataForm
from tui.screens.library import LibraryScreen


def burst(app: FolioApp, keys: list[str]) -> None:
    """Queue `keys` for the app at once, without waiting between them (Pilot.press waits
    for the app to be idle after each key, which hides ordering bugs)."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


def test_keys_after_tab_and_ctrl_u_land_in_the_next_box_in_order(library_dir: Path) -> None:
    """Seen as: an empty Site saved while the notice said "Updated site"."""
    make_library(library_dir)
    article_id = id_of_article(library_dir, "River%")

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await library_ready(app)
        app.edit_metadata(article_id)
        form = await wait_for_screen(app, MetadataForm)
        form.query_one("#field-date", Input).focus()
        form.query_one("#field-site", Input).value = "Old site"
        await pilot.pause()
        burst(app, ["tab", "ctrl+u", *"New site", "tab", *"http://rivers.org", "ctrl+s"])
        await wait_for(lambda: isinstance(app.screen, LibraryScreen))
        with Library(library_dir) as library:
            article = article_of(library, article_id)
        assert (article.date, article.site, article.url) == (
            "2021-05-04",
            "New site",
            "http://rivers.org",
        )

    run_app(library_dir, scenario)


def test_backspace_typed_between_letters_deletes_the_letter_before_it(library_dir: Path) -> None:
    make_library(library_dir)
    article_id = id_of_article(library_dir, "River%")

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        reader = await reader_on(app, article_id)
        reader.text_area.select_range(0, 5)
        await pilot.press("a")
        dialog = await wait_for_screen(app, AnnotateDialog)
        burst(app, [*"bax", "backspace", "c", "left", "left", "ctrl+w", *"ok "])
        await pilot.pause(0.3)
        assert dialog.query_one("#annotate-note", TextArea).text == "ok ac"

    run_app(library_dir, scenario)
