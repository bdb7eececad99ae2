"""The notebook's names: the Names screen makes alias sets; search shows why a hit matched
and ctrl+t turns spelling variants off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from library.aliases import list_alias_sets
from library.store import Library
from tests.tui_support import import_texts, run_app, wait_for, wait_for_screen
from tui.app import FolioApp
from tui.screens.names import NamesScreen
from tui.screens.reader import ReaderScreen
from tui.screens.search import SearchScreen

TEXTS = {
    "a.txt": "Commander Report\n\nAhmad Masood spoke to the [bold]council[/].\n",
    "b.txt": "Valley Notes\n\nAhmad Massoud spoke. Later Massoud left the valley.\n",
}


def _library(root: Path) -> Path:
    with Library(root) as library:
        import_texts(library, TEXTS)
    return root


async def _screen_from_library(app: FolioApp, pilot: Pilot, key: str, kind: type) -> Any:
    """Press `key` on the library screen; the screen it opens (of type `kind`)."""
    await wait_for(lambda: type(app.screen).__name__ == "LibraryScreen")
    await pilot.press(key)
    assert isinstance(app.screen, kind)
    return app.screen


def test_names_screen_lists_spellings_and_makes_an_alias_set(library_dir: Path) -> None:
    _library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await _screen_from_library(app, pilot, "n", NamesScreen)
        await wait_for(lambda: screen.clusters)
        spellings = [s.written for s in screen.clusters[0].spellings]
        assert sorted(spellings) == ["Masood", "Massoud"]
        await pilot.press("a")
        status = screen.query_one("#names-status")
        await wait_for(lambda: "Alias set" in str(status.render()))
        await pilot.press("enter")
        assert isinstance(app.screen, SearchScreen)

    run_app(library_dir, scenario)
    with Library(library_dir) as library:
        assert [sorted(s.members) for s in list_alias_sets(library.conn)] == [["Masood", "Massoud"]]


def test_search_shows_why_a_hit_matched_and_ctrl_t_makes_it_exact(library_dir: Path) -> None:
    _library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await _screen_from_library(app, pilot, "s", SearchScreen)
        await pilot.press(*"masood")
        await wait_for(lambda: screen.shown_query == "masood" and len(screen.hits) == 2)
        results = screen.query_one("#search-results")
        labels = [str(results.get_option_at_index(i).prompt) for i in (0, 1)]
        assert "≈ Massoud (spelling of masood)" in labels[1]
        screen.shown_query = None
        await pilot.press("ctrl+t")
        await wait_for(lambda: screen.shown_query == "masood")
        assert screen.exact and len(screen.hits) == 1

    run_app(library_dir, scenario)


def test_the_reader_highlights_what_the_search_matched_exact_or_not(library_dir: Path) -> None:
    _library(library_dir)
    with Library(library_dir) as library:
        ids = dict(library.conn.execute("SELECT title, id FROM articles").fetchall())

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        app.open_reader(ids["Valley Notes"], query="massoud masood")
        reader = await wait_for_screen(app, ReaderScreen)
        await wait_for(lambda: len(reader.match_spans) == 2)  # Massoud, twice: variants on
        app.open_reader(ids["Valley Notes"], query="masood OR massoud", exact=True)
        await wait_for(lambda: reader.exact)
        await wait_for(lambda: len(reader.match_spans) == 2)
        app.open_reader(ids["Valley Notes"], query="masood", exact=True)
        await wait_for(lambda: not reader.match_spans)  # "Massoud" is not "masood" as typed

    run_app(library_dir, scenario)
