"""Helpers for the TUI tests: a small library with hostile titles, and waiting for screens."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from library.articles import Article
from library.importing import Source, import_sources
from library.store import Library

# Markup, an action link and an escape (already neutralised at import as ␛) in user text.
HOSTILE_TITLE = "Crown [/] of [bold]terror[/bold] [@click=app.quit]quit[/] ␛[31mred"
HOSTILE_AUTHOR = "[red]Mallory[/red]"
RIVER = """The River Meanders

By Ana Lopez
2021-05-04

Rivers carve valleys over long ages. The water finds the softest rock and follows it.

Floods spread silt across the plain. Farmers have always welcomed the silt, and feared the floods.

A meander forms when the outer bank erodes faster than the inner bank. In time the loop closes.
"""
BEES = """Bees and the Taliban Economy

By Karim Nasser
2022-04-20

Honey production in the valleys grew after the war. Traders carried the honey across the border.

The taliban taxed the traders at every checkpoint. Bees do not care about borders.
"""


def hostile_article() -> str:
    """An article whose title and body carry markup and an ESC sequence."""
    return (
        "A hostile article\n\nBy Mallory\n2020-01-01\n\n"
        "Body with [b]markup[/b] and [@click=app.quit]a link[/] and \x1b[2J escapes.\n\n"
        "A second paragraph about the crown and terror networks.\n"
    )


def import_texts(library: Library, texts: dict[str, str]) -> None:
    """Import plain-text articles by name, through the real pipeline."""
    sources = [Source(name=name, path=None, data=text.encode()) for name, text in texts.items()]
    results = list(import_sources(library, sources))
    assert all(result.status == "added" for result in results), results


def make_library(root: Path, hostile: bool = True) -> Path:
    """A library with the river, the bees and (by default) the hostile article."""
    texts = {"river.txt": RIVER, "bees.txt": BEES}
    if hostile:
        texts["hostile.txt"] = hostile_article()
    with Library(root) as library:
        import_texts(library, texts)
        if hostile:
            set_hostile_metadata(library)
    return root


def set_hostile_metadata(library: Library) -> str:
    """Give the hostile article a markup title and author (as `folio edit` would); its id."""
    from library.articles import get_article, update_metadata

    row = library.conn.execute("SELECT id FROM articles WHERE text LIKE '%[b]markup%'").fetchone()
    with library.write() as conn:
        update_metadata(
            conn,
            get_article(conn, row[0]),
            {"title": HOSTILE_TITLE, "authors": [HOSTILE_AUTHOR], "site": "[i]site[/i]"},
        )
    return str(row[0])


async def wait_for(predicate: Callable[[], object], timeout: float = 5.0) -> None:
    """Wait until `predicate()` is true (workers run in threads), failing after `timeout`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("timed out waiting for the app")
        await asyncio.sleep(0.01)


S = TypeVar("S")


async def wait_for_screen(app: Any, kind: type[S], timeout: float = 5.0) -> S:
    """Wait until the app shows a screen of `kind` whose widgets are mounted, and return it.

    `app.screen` changes as soon as a screen is pushed, before its widgets exist: a test
    that queried a box at that moment failed now and then ("No nodes match '#field-date'")."""
    await wait_for(lambda: isinstance(app.screen, kind) and app.screen.is_mounted, timeout)
    return app.screen  # type: ignore[no-any-return]


async def library_ready(app: Any) -> Any:
    """Wait until the library table shows every row; the library screen."""
    from tui.screens.library import LibraryScreen

    await wait_for(lambda: isinstance(app.screen, LibraryScreen) and app.screen.loaded)
    return app.screen


async def reader_on(app: Any, article_id: str, query: str | None = None) -> Any:
    """From the library, open the reader on an article and wait for it; the reader."""
    from tui.screens.reader import ReaderScreen

    await library_ready(app)
    app.open_reader(article_id, query=query)
    await wait_for(lambda: isinstance(app.screen, ReaderScreen) and app.screen.article)
    return app.screen


def assert_buttons_reachable(app: Any) -> None:
    """Every button of the screen is drawn whole on screen, under nothing else."""
    from textual.widgets import Button

    buttons = list(app.screen.query(Button))
    assert buttons, "a dialog without buttons?"
    for button in buttons:
        region = button.region
        assert region.area and app.screen.region.contains_region(region), button
        assert app.screen.get_widget_at(*region.center)[0] is button, button


# The terminal size every TUI test runs at (snapshots too).
SIZE = (120, 36)


def run_app(
    library_dir: Path,
    scenario: Callable[[Any, Any], Awaitable[None]],
    size: tuple[int, int] = SIZE,
    notifications: bool = False,
) -> None:
    """Run the notebook headless on `library_dir` and play `scenario(app, pilot)` in it
    (with `notifications`, the app's notices are kept, in `app._notifications`)."""
    from tui.app import FolioApp

    async def main() -> None:
        app = FolioApp(library_dir)
        async with app.run_test(size=size, notifications=notifications) as pilot:
            await scenario(app, pilot)

    asyncio.run(main())


def id_of_article(library_dir: Path, title_like: str) -> str:
    """The id of the article whose title contains `title_like` (SQL LIKE pattern)."""
    with Library(library_dir) as library:
        row = library.conn.execute(
            "SELECT id FROM articles WHERE title LIKE ?", (f"%{title_like}%",)
        ).fetchone()
    return str(row[0])


def annotate(
    library_dir: Path, title_like: str, words: str, note: str, tags: list[str]
) -> tuple[str, int]:
    """Annotate the first occurrence of `words` in an article, through the app's action;
    returns the article id and where the passage starts."""
    found = id_of_article(library_dir, title_like)
    with Library(library_dir) as library:
        at = article_of(library, found).text.index(words)
        note_at(library, found, at, at + len(words), note, tags)
    return found, at


def article_of(library: Library, ref: str) -> Article:
    """The article (with its text), as the notebook reads it."""
    from tui.actions.articles import show_article

    return show_article(library, ref).value.article


def note_at(
    library: Library,
    article_id: str,
    start: int,
    end: int,
    note: str = "",
    tags: Sequence[str] = (),
) -> None:
    """Annotate text[start:end] of an article through the action the notebook calls."""
    from tui.actions.notes import PassageSpec, annotate

    annotate(library, article_id, PassageSpec(start=start, end=end), note=note, tags=tags)
