"""The library screen: the virtual table, sorting, filtering, opening, welcome, refresh."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from textual.geometry import Size
from textual.pilot import Pilot

from library.articles import ArticleRow as Row
from library.store import Library
from tests.tui_support import (
    BEES,
    HOSTILE_TITLE,
    SIZE,
    id_of_article,
    import_texts,
    make_library,
    run_app,
    wait_for,
)
from tui.app import FolioApp
from tui.dialogs.import_files import ImportScreen
from tui.screens.library import LibraryScreen, parse_filter
from tui.screens.reader import ReaderScreen
from tui.screens.welcome import WelcomeScreen
from tui.widgets.article_table import ArticleTable


async def _library_screen(app: FolioApp) -> LibraryScreen:
    await wait_for(lambda: isinstance(app.screen, LibraryScreen) and app.screen.table.rows)
    assert isinstance(app.screen, LibraryScreen)
    return app.screen


def test_table_lists_articles_with_hostile_title_literally(library_dir: Path) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await _library_screen(app)
        table = screen.table
        assert len(table.rows) == 3
        await pilot.pause()
        rendered = "".join(
            "".join(segment.text for segment in table.render_line(y)) for y in range(5)
        )
        assert "Crown [/] of [bold]terror[/bold] [@click=app" in rendered, rendered
        assert app.is_running  # the [@click=app.quit] did not become an action

    run_app(library_dir, scenario)


def test_sort_by_column_keys_and_header_click(library_dir: Path) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await _library_screen(app)
        table = screen.table
        await pilot.press("1")  # title
        titles = [table.rows[i].title for i in table.order]
        assert titles == sorted(titles, key=str.casefold)
        await pilot.press("1")  # again: reversed
        assert [table.rows[i].title for i in table.order] == titles[::-1]
        await pilot.press("3")  # date
        assert [table.rows[i].date for i in table.order] == sorted(
            table.rows[i].date for i in table.order
        )
        await pilot.click(ArticleTable, offset=(2, 0))  # header, Title column
        assert table.sort_key == "title" and not table.sort_reverse
        assert "Title ▲" in "".join(s.text for s in table.render_line(0))

    run_app(library_dir, scenario)


def test_filter_by_words_and_escape_clears(library_dir: Path) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await _library_screen(app)
        await pilot.press("slash", *"river")
        await pilot.pause()
        assert [screen.table.rows[i].title for i in screen.table.order] == ["The River Meanders"]
        await pilot.press("escape")
        assert len(screen.table.order) == 3
        assert screen.table.has_focus

    run_app(library_dir, scenario)


def test_parse_filter_separates_tags() -> None:
    assert parse_filter("crown #war/af x") == ("crown x", ["war/af"])


def test_enter_opens_the_reader_on_the_row(library_dir: Path) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await _library_screen(app)
        await pilot.press("down", "enter")
        await wait_for(lambda: isinstance(app.screen, ReaderScreen))
        assert app.screen.article_id == screen.table.rows[screen.table.order[1]].id
        await pilot.press("escape")
        assert app.screen is screen

    run_app(library_dir, scenario)


def test_welcome_on_empty_library_then_import_key(library_dir: Path) -> None:
    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await wait_for(lambda: isinstance(app.screen, WelcomeScreen))
        await pilot.press("i")
        assert isinstance(app.screen, ImportScreen)

    run_app(library_dir, scenario)


def test_refresh_picks_up_articles_added_by_the_cli(library_dir: Path) -> None:
    make_library(library_dir, hostile=False)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await _library_screen(app)
        assert len(screen.table.rows) == 2
        with Library(library_dir) as other:  # another process, as `folio add` would be
            import_texts(other, {"hostile.txt": HOSTILE_TITLE + "\n\nSome body text here.\n"})
        await pilot.press("ctrl+r")
        await wait_for(lambda: len(screen.table.rows) == 3)

    run_app(library_dir, scenario)


def test_welcome_turns_into_library_on_refresh(library_dir: Path) -> None:
    Library(library_dir).close()

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await wait_for(lambda: isinstance(app.screen, WelcomeScreen))
        with Library(library_dir) as other:
            import_texts(other, {"bees.txt": BEES})
        await pilot.press("f5")
        await _library_screen(app)

    run_app(library_dir, scenario)


def test_virtual_table_handles_100k_rows_quickly() -> None:
    rows = [
        Row(f"id{n:05d}", f"key{n}", f"Title [/] {n}", '["A. Author"]', "2020", "Site", "")
        for n in range(100_000)
    ]

    async def scenario() -> None:
        from textual.app import App, ComposeResult

        class Harness(App[None]):
            def compose(self) -> ComposeResult:
                yield ArticleTable()

        app = Harness()
        async with app.run_test(size=SIZE) as pilot:
            table = app.query_one(ArticleTable)
            started = time.perf_counter()
            table.set_rows(rows, {})
            await pilot.pause()
            assert time.perf_counter() - started < 1.0
            assert table.virtual_size == Size(table.size.width, 100_001)
            table.action_last()
            await pilot.pause()
            last = "".join(s.text for s in table.render_line(table.size.height - 1))
            assert "Title [/] 99999" in last
            started = time.perf_counter()
            table.sort_by("title", reverse=True)  # keys are built in a thread
            assert time.perf_counter() - started < 0.1
            assert table.sorting and table.sort_key == "title"
            await wait_for(lambda: not table.sorting)
            assert table.rows[table.order[0]].title == "Title [/] 99999"
            started = time.perf_counter()
            table.sort_by("title")  # cached keys: sorted at once
            assert not table.sorting and table.rows[table.order[0]].title == "Title [/] 0"
            assert time.perf_counter() - started < 1.0
            table.set_filter("99998")
            assert len(table.order) == 1

    asyncio.run(scenario())


def test_first_page_shows_placeholders_until_all_rows_arrive() -> None:
    rows = [Row(f"id{n}", f"k{n}", f"T{n}", "[]", "", "", "") for n in range(300)]

    async def scenario() -> None:
        from textual.app import App, ComposeResult

        class Harness(App[None]):
            def compose(self) -> ComposeResult:
                yield ArticleTable()

        app = Harness()
        async with app.run_test(size=SIZE) as pilot:
            table = app.query_one(ArticleTable)
            table.set_rows(rows[:20], {}, total=300)
            await pilot.pause()
            assert table.virtual_size.height == 301
            table.scroll_to(y=50, animate=False)
            await pilot.pause()
            assert "…" in "".join(s.text for s in table.render_line(3))
            table.set_rows(rows, {})
            await pilot.pause()
            assert "T52" in "".join(s.text for s in table.render_line(3))

    asyncio.run(scenario())


def test_keys_typed_in_the_filter_box_are_text_not_commands(library_dir: Path) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await _library_screen(app)
        await pilot.press("slash", "question_mark", "1", "s", "t")
        assert app.screen is screen
        assert screen.query_one("#library-filter").value == "?1st"
        assert screen.table.sort_key == "added"

    run_app(library_dir, scenario)


def test_ctrl_q_quits_when_nothing_is_being_written(library_dir: Path) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await _library_screen(app)
        await pilot.press("ctrl+q")
        await wait_for(lambda: not app.is_running)

    run_app(library_dir, scenario)


def test_sorting_keeps_empty_values_last_in_both_directions() -> None:
    rows = [
        Row("a", "a", "Beta", "[]", "2021", "", ""),
        Row("b", "b", "", "[]", "", "", ""),
        Row("c", "c", "alpha", "[]", "2020", "", ""),
    ]

    async def scenario() -> None:
        from textual.app import App, ComposeResult

        class Harness(App[None]):
            def compose(self) -> ComposeResult:
                yield ArticleTable()

        app = Harness()
        async with app.run_test(size=SIZE):
            table = app.query_one(ArticleTable)
            table.set_rows(rows, {})
            table.sort_by("title")
            assert [table.rows[i].id for i in table.order] == ["c", "a", "b"]
            table.sort_by("title")
            assert [table.rows[i].id for i in table.order] == ["a", "c", "b"]
            table.sort_by("date", reverse=True)
            assert [table.rows[i].id for i in table.order] == ["a", "c", "b"]

    asyncio.run(scenario())


def test_raw_escape_characters_typed_into_metadata_never_reach_the_terminal(
    library_dir: Path,
) -> None:
    from library.articles import get_article, update_metadata

    make_library(library_dir, hostile=False)
    river = id_of_article(library_dir, "The River")
    with Library(library_dir) as library, library.write() as conn:
        # As an older Folio's `folio edit --title $'…\x1b[2J'` could have stored it.
        update_metadata(
            conn, get_article(conn, river), {"title": "Bad\x1b[2J title", "site": "s\x07"}
        )

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await _library_screen(app)
        await pilot.pause()
        rendered = "".join(
            segment.text for y in range(4) for segment in screen.table.render_line(y)
        )
        assert "\x1b" not in rendered and "\x07" not in rendered
        assert "Bad␛[2J title" in rendered
        app.open_reader(river)
        await wait_for(lambda: isinstance(app.screen, ReaderScreen) and app.screen.article)
        meta = str(app.screen.query_one("#reader-meta").render())
        assert "Bad␛[2J title" in meta and "\x1b" not in meta

    run_app(library_dir, scenario)


def test_double_click_opens_and_down_leaves_the_filter(library_dir: Path) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await _library_screen(app)
        await pilot.press("slash", *"bees", "down")
        assert screen.table.has_focus and len(screen.table.order) == 1
        await pilot.click(ArticleTable, offset=(3, 1), times=2)
        await wait_for(lambda: isinstance(app.screen, ReaderScreen) and app.screen.article)
        assert app.screen.article.title == "Bees and the Taliban Economy"

    run_app(library_dir, scenario)
