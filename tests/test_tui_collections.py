"""The notebook's collections screen, adding an article to a collection, and the import
dialog taking URLs and identifiers."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Input, OptionList, Static

from library.store import Library
from tests.capture_support import DATA, WebServer, answer, recorded, web
from tests.tui_support import HOSTILE_TITLE, SIZE, make_library, wait_for
from tui.actions.collections import list_collections, save_search
from tui.app import FolioApp
from tui.dialogs.collection_add import AddToCollectionDialog
from tui.dialogs.import_files import ImportScreen
from tui.screens.collections import CollectionsScreen
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen
from tui.screens.search import SearchScreen

__all__ = ["web"]


async def _library(app: FolioApp) -> LibraryScreen:
    await wait_for(lambda: isinstance(app.screen, LibraryScreen) and app.screen.table.rows)
    assert isinstance(app.screen, LibraryScreen)
    return app.screen


def _members(library_dir: Path) -> dict[str, int]:
    with Library(library_dir) as library:
        return {found.name: found.count for found in list_collections(library).value}


def test_add_the_article_under_the_cursor_to_a_collection_and_browse_it(
    library_dir: Path,
) -> None:
    make_library(library_dir)
    with Library(library_dir) as library:
        save_search(library, "Honey [b]trade[/b]", "honey")

    async def scenario() -> None:
        app = FolioApp(library_dir)
        async with app.run_test(size=SIZE) as pilot:
            screen = await _library(app)
            table = screen.table
            table.cursor = next(
                n for n, i in enumerate(table.order) if table.rows[i].title == HOSTILE_TITLE
            )
            await pilot.press("plus")
            await wait_for(lambda: isinstance(app.screen, AddToCollectionDialog))
            dialog = app.screen
            await pilot.press("enter")  # an empty name: explained, nothing saved
            error = dialog.query_one("#collection-error", Static)
            await wait_for(lambda: "needs a name" in str(error.render()))
            dialog.query_one("#collection-name", Input).value = "[red]Chapter[/] 1"
            await pilot.press("enter")
            await wait_for(lambda: isinstance(app.screen, LibraryScreen))
            assert _members(library_dir) == {"[red]Chapter[/] 1": 1}
            await pilot.press("c")
            await wait_for(lambda: isinstance(app.screen, CollectionsScreen))
            collections = app.screen
            listing = collections.query_one("#collection-list", OptionList)
            await wait_for(lambda: listing.option_count >= 4)
            listing.highlighted = 1  # the collection (markup in its name shown as text)
            await pilot.press("enter")
            items = collections.query_one("#collection-items", OptionList)
            await wait_for(lambda: items.option_count == 2)
            items.focus()
            items.highlighted = 1
            await pilot.press("enter")
            await wait_for(lambda: isinstance(app.screen, ReaderScreen))
            await pilot.press("escape")
            await wait_for(lambda: app.screen is collections)
            items.focus()
            items.highlighted = 1
            await pilot.press("d")  # out of the collection, still in the library
            await wait_for(lambda: _members(library_dir) == {"[red]Chapter[/] 1": 0})
            listing.focus()
            saved = next(
                n for n in range(listing.option_count)
                if listing.get_option_at_index(n).id == "search-0"
            )  # fmt: skip
            listing.highlighted = saved
            await pilot.press("enter")
            await wait_for(lambda: isinstance(app.screen, SearchScreen))
            assert app.screen.query_one("#search-query", Input).value == "honey"

    asyncio.run(scenario())


def test_the_import_dialog_takes_a_url_and_a_doi(
    library_dir: Path, web: WebServer, monkeypatch
) -> None:
    make_library(library_dir, hostile=False)
    web.routes["/story"] = answer(200, (DATA / "article.html").read_bytes())
    web.routes["/works/10.5555/jua.2022.0417"] = recorded(
        "crossref-10.5555-hive.json", "application/json"
    )
    monkeypatch.setenv("FOLIO_CROSSREF_URL", web.base)

    async def scenario() -> None:
        app = FolioApp(library_dir)
        async with app.run_test(size=SIZE) as pilot:
            await _library(app)
            for given, expected in ((web.url("/story"), "1 added"),
                                    ("doi:10.5555/jua.2022.0417", "1 added"),
                                    (web.url("/gone"), "1 failed")):  # fmt: skip
                await pilot.press("i")
                await wait_for(lambda: isinstance(app.screen, ImportScreen))
                dialog = app.screen
                dialog.query_one("#import-path", Input).value = given
                await pilot.press("enter")
                summary = dialog.query_one("#import-summary", Static)
                await wait_for(
                    lambda shown=summary, wanted=expected: wanted in str(shown.render()).lower(),
                    timeout=15,
                )
                if "failed" in expected:
                    assert "not found (HTTP 404)" in str(summary.render())
                await pilot.press("escape")
                await wait_for(lambda: isinstance(app.screen, LibraryScreen))
            titles = {row.title for row in app.screen.table.rows}
            assert "Lower Town Market Reopens After the Flood" in titles

    asyncio.run(scenario())
