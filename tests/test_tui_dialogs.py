"""Metadata form, import, export, tags, help and the command palette."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, RadioSet, Select

from library.store import Library
from tests.conftest import write
from tests.tui_support import (
    HOSTILE_TITLE,
    RIVER,
    SIZE,
    annotate,
    article_of,
    make_library,
    note_at,
    run_app,
    wait_for,
    wait_for_screen,
)
from tui.actions.articles import edit_metadata, show_article
from tui.app import FolioApp
from tui.app.commands import highlight_plain
from tui.dialogs.export import ExportScreen
from tui.dialogs.import_files import ImportScreen
from tui.dialogs.metadata import MetadataForm
from tui.screens.help import HelpScreen
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen
from tui.screens.tags import TagsScreen


async def _library(app: FolioApp) -> LibraryScreen:
    await wait_for(lambda: isinstance(app.screen, LibraryScreen) and app.screen.table.rows)
    assert isinstance(app.screen, LibraryScreen)
    return app.screen


async def _select_title(app: FolioApp, pilot: object, title: str) -> None:
    screen = await _library(app)
    table = screen.table
    position = next(n for n, i in enumerate(table.order) if table.rows[i].title == title)
    table.cursor = position
    await pilot.pause()  # type: ignore[attr-defined]


def test_metadata_form_shows_invalid_date_inline_and_saves_valid(library_dir: Path) -> None:
    make_library(library_dir)

    async def scenario() -> None:
        app = FolioApp(library_dir)
        async with app.run_test(size=SIZE) as pilot:
            await _select_title(app, pilot, "The River Meanders")
            await pilot.press("e")
            form = await wait_for_screen(app, MetadataForm)
            date = form.query_one("#field-date", Input)
            date.value = "2021-02-30"
            await pilot.press("ctrl+s")
            error = form.query_one("#error-date")
            assert "not a real date" in str(error.render())
            assert error.has_class("shown") and app.screen is form
            date.value = "2021-02-28"
            form.query_one("#field-authors", Input).value = "Ana Lopez; [b]Bo[/b]"
            form.query_one("#field-type", Select).value = "report"
            await pilot.press("ctrl+s")
            await wait_for(lambda: isinstance(app.screen, LibraryScreen))
            await wait_for(lambda: any(row.date == "2021-02-28" for row in app.screen.table.rows))
            article_id = app.screen.table.current_row.id
        with Library(library_dir) as library:
            article = article_of(library, article_id)
            assert article.authors == ["Ana Lopez", "[b]Bo[/b]"] and article.type == "report"
            assert article.origins["date"] == "user"

    asyncio.run(scenario())


def test_metadata_form_refuses_empty_title_and_bad_url(library_dir: Path) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await _select_title(app, pilot, HOSTILE_TITLE)
        await pilot.press("e")
        form = await wait_for_screen(app, MetadataForm)
        assert form.query_one("#field-title", Input).value == HOSTILE_TITLE
        form.query_one("#field-title", Input).value = " "
        form.query_one("#field-url", Input).value = "ftp://x"
        await pilot.press("ctrl+s")
        assert "title cannot be empty" in str(form.query_one("#error-title").render())
        assert "http(s) URL" in str(form.query_one("#error-url").render())
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)

    run_app(library_dir, scenario)


def test_import_folder_with_progress_and_failures(library_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write(folder / "river.txt", RIVER)
    write(folder / "empty.txt", "")
    write(folder / "sub" / "notes.md", "# Markdown notes\n\nSome words about [/] things here.\n")

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await wait_for(lambda: type(app.screen).__name__ == "WelcomeScreen")
        await pilot.press("i")
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        screen.query_one("#import-path", Input).value = str(folder)
        await pilot.press("enter")
        await wait_for(lambda: not screen.running and screen.changed)
        summary = str(screen.query_one("#import-summary").render())
        assert "2 added" in summary and "1 failed" in summary and "empty" in summary
        await pilot.press("escape")
        await _library(app)  # the welcome screen gave way to the library
        assert len(app.screen.table.rows) == 2

    run_app(library_dir, scenario)


def test_import_path_suggester_completes(tmp_path: Path) -> None:
    from tui.dialogs.import_files import PathSuggester

    write(tmp_path / "articles" / "a.txt", "x")
    suggestion = asyncio.run(PathSuggester().get_suggestion(str(tmp_path / "art")))
    assert suggestion == str(tmp_path / "articles")


def test_export_current_article_to_file_and_merge(library_dir: Path, tmp_path: Path) -> None:
    make_library(library_dir)
    out = tmp_path / "refs.bib"

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await _select_title(app, pilot, "The River Meanders")
        await pilot.press("x")
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        screen.query_one("#export-path", Input).value = str(out)
        await pilot.press("ctrl+s")
        await wait_for(lambda: "Wrote" in str(screen.query_one("#export-outcome").render()))
        assert "@online{lopez2021river" in out.read_text() or "lopez" in out.read_text()
        out.write_text("@book{other, title={Kept}}\n" + out.read_text())
        screen.query_one("#export-merge").value = True
        await pilot.press("ctrl+s")
        # Folio wrote its entry there and nothing changed since: the merge has nothing to do.
        await wait_for(lambda: "up to date" in str(screen.query_one("#export-outcome").render()))
        assert "Kept" in out.read_text()
        # Replacing an existing file without merging takes a second press (a .bak is kept).
        screen.query_one("#export-merge").value = False
        await pilot.press("ctrl+s")
        await wait_for(lambda: "exists" in str(screen.query_one("#export-outcome").render()))
        assert "Kept" in out.read_text()
        await pilot.press("ctrl+s")
        await wait_for(lambda: "Wrote" in str(screen.query_one("#export-outcome").render()))
        assert "Kept" not in out.read_text() and "Kept" in out.with_suffix(".bib.bak").read_text()

    run_app(library_dir, scenario)


def test_export_all_as_csl_json_to_clipboard(library_dir: Path) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await _library(app)
        app.open_export()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        screen.query_one("#fmt-csl-json").value = True
        await pilot.press("ctrl+y")
        await wait_for(lambda: "Copied" in str(screen.query_one("#export-outcome").render()))
        items = json.loads(app.clipboard)
        assert len(items) == 3
        assert any("[@click=app.quit]quit[/]" in item["title"] for item in items)

    run_app(library_dir, scenario)


def test_tags_tree_lists_hostile_tags_and_opens_passages(library_dir: Path) -> None:
    make_library(library_dir)
    _, at = annotate(library_dir, "The River", "silt", "n", ["geo/[b]rivers", "[x]"])

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await _library(app)
        await pilot.press("t")
        screen = app.screen
        assert isinstance(screen, TagsScreen)
        tree = screen.query_one("#tag-tree")
        await wait_for(lambda: tree.root.children)
        labels = [str(node.label) for node in tree.root.children]
        assert any(label.startswith("[x]") for label in labels)
        geo = next(node for node in tree.root.children if str(node.label).startswith("geo"))
        assert str(geo.children[0].label).startswith("[b]rivers")
        screen.show_tag("geo/[b]rivers")
        await wait_for(lambda: screen.entries)
        items = screen.query_one("#tag-items")
        assert items.option_count >= 3
        _article_id, passage = screen.entries[-1]
        assert passage == at
        screen.query_one("#tag-items").focus()
        items.highlighted = items.option_count - 1
        await pilot.press("enter")
        await wait_for(lambda: isinstance(app.screen, ReaderScreen) and app.screen.article)
        assert app.screen.text_area.selected_range[0] == at

    run_app(library_dir, scenario)


def test_help_lists_keys_of_the_current_screen(library_dir: Path) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await _library(app)
        await pilot.press("f1")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        keys = dict((description, key) for key, description in help_screen.keys)
        assert keys["Search"] == "s" and keys["Sort by title"] == "1"
        assert keys["Open"] in ("enter", "⏎")  # the focused table's own keys too
        await pilot.press("escape")
        await pilot.press("s", "f1")
        assert isinstance(app.screen, HelpScreen)
        assert "Query" in [description for _, description in app.screen.keys]

    run_app(library_dir, scenario)


def test_palette_runs_actions_and_finds_hostile_titles(library_dir: Path) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await _library(app)
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"[/] of")
        await pilot.pause(0.5)
        await pilot.press("down", "enter")
        await wait_for(lambda: isinstance(app.screen, ReaderScreen) and app.screen.article)
        assert app.screen.article.title == HOSTILE_TITLE
        await pilot.press("ctrl+p", *"search the")
        await pilot.pause(0.5)
        await pilot.press("down", "enter")
        await wait_for(lambda: type(app.screen).__name__ == "SearchScreen")

    run_app(library_dir, scenario)


def test_highlight_plain_is_markup_free_and_ranks_phrases_first() -> None:
    found = highlight_plain("A [b]crown[/b] [/]", "crown [/]")
    assert found is not None and found[0].plain == "A [b]crown[/b] [/]"
    assert highlight_plain("title", "absent") is None
    phrase = highlight_plain("A long article for you", "long article")
    starts = highlight_plain("Article about long days", "long article")
    inside = highlight_plain("It belongs in articles", "long article")
    assert phrase and starts and inside
    assert phrase[1] > starts[1] > inside[1]


def test_notifications_with_markup_do_not_crash(library_dir: Path) -> None:
    make_library(library_dir)

    async def scenario() -> None:
        app = FolioApp(library_dir)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await _library(app)
            app.open_reader("[/][@click=app.quit]gone")  # NotFound quotes the ref back
            await wait_for(lambda: app._notifications)
            await pilot.pause()
            (notice,) = list(app._notifications)
            assert "[/][@click=app.quit]gone" in notice.message and not notice.markup
            await pilot.click(offset=(SIZE[0] - 10, SIZE[1] - 4))  # where the toast is
            assert app.is_running

    asyncio.run(scenario())


def test_metadata_form_renames_citekey_and_shows_a_taken_key_inline(library_dir: Path) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await _select_title(app, pilot, "The River Meanders")
        other = next(r.citekey for r in app.screen.table.rows if r.title.startswith("Bees"))
        await pilot.press("e")
        form = await wait_for_screen(app, MetadataForm)
        box = form.query_one("#field-citekey", Input)
        box.value = "9bad key"
        await pilot.press("ctrl+s")
        assert "not a valid key" in str(form.query_one("#error-citekey").render())
        box.value = other
        await pilot.press("ctrl+s")
        await wait_for(lambda: "already the key" in str(form.query_one("#error-citekey").render()))
        assert app.screen is form
        box.value = "lopez2021meanders"
        await pilot.press("ctrl+s")
        await wait_for(lambda: isinstance(app.screen, LibraryScreen))
        await wait_for(lambda: any(r.citekey == "lopez2021meanders" for r in app.screen.table.rows))

    run_app(library_dir, scenario)


def test_metadata_form_suggests_the_formula_key_and_keeps_the_old_one_as_alias(
    library_dir: Path,
) -> None:
    make_library(library_dir)
    with Library(library_dir) as library:
        river = library.conn.execute("SELECT id FROM articles WHERE title LIKE 'The River%'")
        river_id = river.fetchone()[0]
        edit_metadata(library, river_id, {"title": "Floods of the Lower Delta"})
        old_key = show_article(library, river_id).value.article.citekey

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await _select_title(app, pilot, "Floods of the Lower Delta")
        await pilot.press("e")
        form = await wait_for_screen(app, MetadataForm)
        box = form.query_one("#field-citekey", Input)
        assert box.value == old_key
        await pilot.press("ctrl+g")
        await wait_for(lambda: box.value != old_key)
        assert "Floods" in box.value and "Lower" in box.value
        await pilot.press("ctrl+s")
        await wait_for(lambda: isinstance(app.screen, LibraryScreen))

    run_app(library_dir, scenario)
    with Library(library_dir) as library:
        details = show_article(library, old_key).value  # the old key still finds it
        assert details.article.citekey != old_key and details.aliases == [old_key]


def test_export_a_hostile_tag_from_the_tags_screen(library_dir: Path, tmp_path: Path) -> None:
    make_library(library_dir)
    with Library(library_dir) as library:
        row = library.conn.execute("SELECT id FROM articles WHERE title LIKE 'Bees%'").fetchone()
        note_at(library, row[0], 0, 4, "", ["[bold]x[/bold]"])
    out = tmp_path / "notes.md"

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await _library(app)
        await pilot.press("t")
        screen = app.screen
        assert isinstance(screen, TagsScreen)
        screen.show_tag("[bold]x[/bold]")
        await wait_for(lambda: screen.entries)
        await pilot.press("x")
        export = app.screen
        assert isinstance(export, ExportScreen)
        assert "Tag #[bold]x[/bold]" in str(export.query_one("#sel-tag").label)
        assert export.query_one("#sel-tag").value
        export.query_one("#fmt-markdown").value = True
        export.query_one("#export-path", Input).value = str(out)
        await pilot.press("ctrl+s")
        await wait_for(lambda: out.exists())
        assert "Bees" in out.read_text()

    run_app(library_dir, scenario)


def test_closing_the_import_dialog_midway_keeps_the_import(
    library_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    for n in range(12):
        write(folder / f"a{n}.txt", RIVER.replace("River Meanders", f"River Number {n}"))
    make_library(library_dir, hostile=False)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await _library(app)
        await pilot.press("i")
        app.screen.query_one("#import-path", Input).value = str(folder)
        await pilot.press("enter", "escape")  # start, then close at once
        assert app.screen is screen
        await wait_for(lambda: len(screen.table.rows) == 14, timeout=20)
        assert app.is_running

    run_app(library_dir, scenario)


def test_tag_tree_nests_deep_tags_under_tags_that_are_also_tags(library_dir: Path) -> None:
    make_library(library_dir)
    with Library(library_dir) as library:
        row = library.conn.execute("SELECT id FROM articles WHERE title LIKE 'Bees%'").fetchone()
        note_at(library, row[0], 0, 4, "", ["a", "a/b/c/d", "z"])

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await _library(app)
        await pilot.press("t")
        tree = app.screen.query_one("#tag-tree")
        await wait_for(lambda: tree.root.children)
        a, z = tree.root.children
        assert a.allow_expand and not z.allow_expand
        d = a.children[0].children[0].children[0]
        assert str(d.label).startswith("d") and not d.allow_expand

    run_app(library_dir, scenario)


def test_export_every_match_of_the_search_shown(library_dir: Path) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await _library(app)
        await pilot.press("s", *"silt OR honey")
        await wait_for(lambda: app.screen.shown_query == "silt OR honey")
        app.action_open_export()  # as the palette's "Export" does
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert screen.query_one("#sel-results").value
        assert "silt OR honey" in str(screen.query_one("#sel-results").label)
        screen.query_one("#fmt-csl-json").value = True
        await pilot.press("ctrl+y")
        await wait_for(lambda: "Copied" in str(screen.query_one("#export-outcome").render()))
        titles = {item["title"] for item in json.loads(app.clipboard)}
        assert len(titles) == 2 and not any("Crown" in title for title in titles)

    run_app(library_dir, scenario)


def test_export_choices_by_keyboard_and_unavailable_ones_say_why(library_dir: Path) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await _select_title(app, pilot, "The River Meanders")
        await pilot.press("x")
        screen = await wait_for_screen(app, ExportScreen)
        results, tag = screen.query_one("#sel-results"), screen.query_one("#sel-tag")
        assert results.disabled and "no search on screen" in str(results.label)
        assert tag.disabled and "none chosen" in str(tag.label)
        merge = screen.query_one("#export-merge", Checkbox)
        assert not merge.disabled
        await pilot.press("shift+tab")  # from the path to the formats
        formats = screen.query_one("#export-format", RadioSet)
        assert app.focused is formats
        await pilot.press("down", "space")
        assert formats.pressed_button.id == "fmt-bibtex"
        await pilot.press("down", "enter")
        assert formats.pressed_button.id == "fmt-csl-json"
        assert merge.disabled and "BibLaTeX and BibTeX only" in str(merge.label)
        await pilot.press("shift+tab")
        selection = screen.query_one("#export-selection", RadioSet)
        assert app.focused is selection
        await pilot.press("down", "space")  # the unavailable choices are skipped
        assert selection.pressed_button.id == "sel-all"
        await pilot.press("tab", "up", "up", "enter")  # back to BibLaTeX: merge offered
        assert formats.pressed_button.id == "fmt-biblatex" and not merge.disabled
        await pilot.press("tab", "tab", "space")
        assert app.focused is merge and merge.value

    run_app(library_dir, scenario)


def test_selection_choices_say_what_they_export() -> None:
    from tui.dialogs.export import ExportContext, selection_choices

    choices = {c.key: c for c in selection_choices(ExportContext(query="silt", tag="geo"))}
    assert choices["results"].chosen and choices["results"].label == "Search results: silt"
    assert choices["tag"].available and not choices["tag"].chosen
    assert not choices["article"].available and "none open" in choices["article"].label
    assert [c.key for c in selection_choices(ExportContext()) if c.chosen] == ["all"]


def test_enter_on_the_tags_screen_opens_the_first_tag(library_dir: Path) -> None:
    make_library(library_dir)
    annotate(library_dir, "Bees%", "Honey", "", ["apiculture"])

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await _library(app)
        await pilot.press("t")
        screen = app.screen
        assert isinstance(screen, TagsScreen)
        await wait_for(lambda: screen.query_one("#tag-tree").root.children)
        await pilot.press("enter")
        await wait_for(lambda: screen.chosen_tag == "apiculture" and screen.entries)

    run_app(library_dir, scenario)
