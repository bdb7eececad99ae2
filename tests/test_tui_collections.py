"""The notebook's collections screen, adding an article to a collection, and the import
dialog taking URLs and identifiers."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from textual.widgets import Checkbox, Input, OptionList, RadioButton, Static

from library.store import Library
from tests.capture_support import DATA, WebServer, answer, recorded, web
from tests.tui_support import (
    HOSTILE_TITLE,
    SIZE,
    assert_buttons_reachable,
    id_of_article,
    make_library,
    run_app,
    wait_for,
    wait_for_screen,
)
from tui.actions.collections import (
    add_to_collection,
    collection_articles,
    list_collections,
    save_search,
)
from tui.actions.exports import list_kept_exports
from tui.app import FolioApp
from tui.dialogs.collection_add import AddToCollectionDialog
from tui.dialogs.export import ExportContext, ExportScreen, selection_choices
from tui.dialogs.import_files import ImportScreen
from tui.dialogs.tag_article import TagArticleDialog
from tui.screens.collections import CollectionsScreen
from tui.screens.help import HelpScreen
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


def _entry_keys(bib: Path) -> set[str]:
    import bibtexparser

    return {entry.key for entry in bibtexparser.parse_string(bib.read_text()).entries}


async def _export_from_collections(app: FolioApp, pilot, option_id: str) -> ExportScreen:
    """From the library, `c`, highlight the option `option_id` on the left, then `x`."""
    await _library(app)
    await pilot.press("c")
    collections = await wait_for_screen(app, CollectionsScreen)
    await pilot.press("f1")  # the key is in the screen's help
    help_screen = await wait_for_screen(app, HelpScreen)
    assert ("x", "Export") in help_screen.keys
    await pilot.press("escape")
    await wait_for(lambda: app.screen is collections)
    listing = collections.query_one("#collection-list", OptionList)
    await wait_for(lambda: listing.option_count >= 4 and listing.highlighted is not None)
    assert not listing.get_option_at_index(listing.highlighted).disabled  # on the first entry
    listing.highlighted = next(
        n for n in range(listing.option_count) if listing.get_option_at_index(n).id == option_id
    )
    await pilot.press("x")
    return await wait_for_screen(app, ExportScreen)


def test_export_a_collection_from_its_screen_and_keep_the_file_updated(
    library_dir: Path, tmp_path: Path
) -> None:
    make_library(library_dir)
    river, bees = id_of_article(library_dir, "River%"), id_of_article(library_dir, "Bees%")
    with Library(library_dir) as library:
        add_to_collection(library, "[b]Chapter[/b] 2", [river, bees])
        expected = {article.citekey for article in
                    collection_articles(library, "[b]Chapter[/b] 2").value}  # fmt: skip
    out = tmp_path / "paper" / "refs.bib"
    out.parent.mkdir()

    async def scenario(app: FolioApp, pilot) -> None:
        dialog = await _export_from_collections(app, pilot, "collection-0")
        chosen = dialog.query_one("#sel-collection", RadioButton)
        assert chosen.value and not chosen.disabled
        assert str(chosen.label) == "Collection: [b]Chapter[/b] 2"  # markup shown as text
        keep = dialog.query_one("#export-keep", Checkbox)
        assert keep.disabled  # no file yet
        await pilot.press(*str(out))
        await wait_for(lambda: not keep.disabled)
        keep.value = True
        await pilot.press("ctrl+s")
        outcome = dialog.query_one("#export-outcome", Static)
        await wait_for(
            lambda: "Kept current: rewritten after every change" in str(outcome.render())
        )
        assert "Wrote 2 entries" in str(outcome.render())
        assert_buttons_reachable(app)  # at 80×24, with the outcome shown
        assert _entry_keys(out) == expected
        with Library(library_dir) as library:
            (kept,) = list_kept_exports(library).value
        assert kept.path == out.resolve() and kept.fmt == "biblatex"
        assert kept.selection == {"kind": "collection", "value": "[b]Chapter[/b] 2"}
        # A tag put on an exported article in the notebook rewrites the file.
        await pilot.press("escape", "escape")
        screen = await _library(app)
        screen.table.cursor = next(
            n for n, i in enumerate(screen.table.order) if screen.table.rows[i].id == river
        )
        await pilot.press("number_sign")
        await wait_for_screen(app, TagArticleDialog)
        await pilot.press(*"floodplain", "enter")
        await wait_for(lambda: "floodplain" in out.read_text(), timeout=10)
        assert _entry_keys(out) == expected

    run_app(library_dir, scenario, size=(80, 24))


def test_export_a_saved_search_and_keep_updated_is_for_files_only(
    library_dir: Path, tmp_path: Path
) -> None:
    make_library(library_dir)
    with Library(library_dir) as library:
        save_search(library, "morning", "honey OR silt")

    async def scenario(app: FolioApp, pilot) -> None:
        dialog = await _export_from_collections(app, pilot, "search-0")
        assert dialog.query_one("#sel-saved", RadioButton).value
        assert dialog.query_one("#sel-collection", RadioButton).disabled
        keep = dialog.query_one("#export-keep", Checkbox)
        assert keep.disabled and "not for the clipboard" in str(keep.label)
        path = dialog.query_one("#export-path", Input)
        path.value = str(tmp_path / "morning.json")
        await wait_for(lambda: not keep.disabled)
        keep.value = True
        dialog.query_one("#fmt-csl-json", RadioButton).value = True
        await pilot.press("ctrl+y")  # the clipboard, though the box is ticked
        outcome = dialog.query_one("#export-outcome", Static)
        await wait_for(lambda: "Copied 2 entries" in str(outcome.render()))
        assert "A copy is not kept updated" in str(outcome.render())
        titles = " ".join(item["title"] for item in json.loads(app.clipboard))
        assert "Meanders" in titles and "Economy" in titles and "Crown" not in titles
        with Library(library_dir) as library:
            assert list_kept_exports(library).value == []
        assert not (tmp_path / "morning.json").exists()
        path.value = ""  # no file: unticked, and says why
        await wait_for(lambda: keep.disabled and not keep.value)
        assert "not for the clipboard" in str(keep.label)

    run_app(library_dir, scenario)


def test_selection_choices_offer_the_collection_or_saved_search_chosen() -> None:
    context = ExportContext(article_id="abc", tag="geo", collection="Chapter [b]2[/b]")
    choices = {choice.key: choice for choice in selection_choices(context)}
    assert [key for key, choice in choices.items() if choice.chosen] == ["collection"]
    assert choices["collection"].available
    assert choices["collection"].label == "Collection: Chapter [b]2[/b]"
    assert choices["article"].available and choices["tag"].available
    assert not choices["saved"].available and choices["saved"].label.endswith("(none chosen)")
    saved = {c.key: c for c in selection_choices(ExportContext(saved="morning\nnews"))}
    assert saved["saved"].chosen and saved["saved"].label == "Saved search: morning news"
    assert not saved["collection"].available and "none chosen" in saved["collection"].label
    assert [c.key for c in selection_choices(ExportContext()) if c.chosen] == ["all"]
