"""The search screen: live results, stale results dropped, inline errors, open at passage."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from library.search import Hit
from library.snippets import Snippet
from library.store import Library
from tests.tui_support import annotate, make_library, run_app, wait_for
from tui.actions import search as search_actions
from tui.app import FolioApp
from tui.screens.reader import ReaderScreen
from tui.screens.search import SearchScreen, hit_label, snippet_text


async def _open_search(app: FolioApp, pilot: object) -> SearchScreen:
    await wait_for(lambda: type(app.screen).__name__ == "LibraryScreen")
    await pilot.press("s")  # type: ignore[attr-defined]
    assert isinstance(app.screen, SearchScreen)
    return app.screen


def test_results_appear_as_you_type(library_dir: Path) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await _open_search(app, pilot)
        await pilot.press(*"silt")
        await wait_for(lambda: screen.shown_query == "silt")
        assert [hit.title for _kind, hit in screen.hits] == ["The River Meanders"]
        assert screen.query_one("#search-results").option_count == 1

    run_app(library_dir, scenario)


def test_query_error_is_shown_inline(library_dir: Path) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await _open_search(app, pilot)
        await pilot.press("quotation_mark", *"silt")
        await wait_for(lambda: screen.shown_query == '"silt')
        status = str(screen.query_one("#search-status").render())
        assert "quote" in status and "not closed" in status
        assert screen.query_one("#search-query").has_class("error")
        assert app.is_running

    run_app(library_dir, scenario)


def test_stale_results_are_never_shown(library_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_library(library_dir)
    real_search = search_actions.search_articles

    def slow_first(library: Library, query: str, **options: Any) -> object:
        if query == "silt":
            time.sleep(0.6)  # the old query finishes after the new one
        return real_search(library, query, **options)

    monkeypatch.setattr(search_actions, "search_articles", slow_first)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await _open_search(app, pilot)
        screen.query_one("#search-query").value = "silt"
        await pilot.pause(0.3)  # past the debounce: the slow search is running
        screen.query_one("#search-query").value = "honey"
        await wait_for(lambda: screen.shown_query == "honey")
        await pilot.pause(0.8)  # the slow one has returned by now
        assert screen.shown_query == "honey"
        assert [hit.title for _kind, hit in screen.hits] == ["Bees and the Taliban Economy"]

    run_app(library_dir, scenario)


def test_hits_past_the_first_screenful_are_listed_once_it_is_drawn(
    library_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first hits are laid out at once, the rest after they are drawn; a list shown in
    between (a newer query) drops the older rest."""
    from textual.widgets import OptionList

    import tui.screens.search as search_screen

    make_library(library_dir)
    monkeypatch.setattr(search_screen, "FIRST_HITS", 1)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await _open_search(app, pilot)
        results = screen.query_one("#search-results", OptionList)
        screen.query_one("#search-query").value = "silt OR honey"
        await wait_for(lambda: screen.shown_query == "silt OR honey")
        await wait_for(lambda: results.option_count == 2)
        assert len(screen.hits) == 2
        assert [results.get_option_at_index(i).id for i in range(2)] == ["hit-0", "hit-1"]
        both = [hit for _kind, hit in screen.hits]
        await pilot.pause(0.3)
        # Two lists in a row, before a refresh: the first one's rest never lands.
        screen._show("silt OR honey", both, search_screen.Text(""))
        screen._show("silt", both[:1], search_screen.Text(""))
        await pilot.pause(0.2)
        assert results.option_count == 1
        assert [hit for _kind, hit in screen.hits] == both[:1]

    run_app(library_dir, scenario)


def test_enter_on_hit_opens_reader_at_the_match(library_dir: Path) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await _open_search(app, pilot)
        await pilot.press(*"floods")
        await wait_for(lambda: screen.shown_query == "floods")
        await pilot.press("enter", "enter")  # to the results, then open
        await wait_for(lambda: isinstance(app.screen, ReaderScreen))
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        await pilot.pause()
        start, end = reader.text_area.selected_range
        assert reader.article.text[start:end].lower() == "floods"
        assert reader.match_spans  # every match is highlighted
        styled = reader.text_area.get_line(reader.text_area.location(start)[0])
        assert any(span.style for span in styled.spans)

    run_app(library_dir, scenario)


def test_snippet_and_hit_labels_are_plain_text_with_spans() -> None:
    snippet = Snippet(10, 40, "the [/] [bold]crown[/bold] x", ((24, 29),))
    text = snippet_text(snippet)
    assert text.plain == "…the [/] [bold]crown[/bold] x…"
    (span,) = [s for s in text.spans if "reverse" in str(s.style)]
    assert text.plain[span.start : span.end] == "crown"

    hit = Hit("id", "key[/]", "[@click=app.quit]Q[/]", ["[red]A[/red]"], None, None, 1.0)
    hit.snippets = [snippet]
    label = hit_label(hit)
    assert label.plain.startswith("[@click=app.quit]Q[/]\nkey[/]  [red]A[/red]")


def test_hostile_titles_in_results_do_not_crash(library_dir: Path) -> None:
    make_library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await _open_search(app, pilot)
        await pilot.press(*"markup")
        await wait_for(lambda: screen.shown_query == "markup")
        assert len(screen.hits) == 1
        await pilot.press("down")
        await pilot.pause()
        assert app.is_running

    run_app(library_dir, scenario)


def test_notes_mode_finds_notes_and_opens_their_passage(library_dir: Path) -> None:
    make_library(library_dir)
    _, at = annotate(
        library_dir, "The River", "Floods spread", "Silt [/] is a gift\x1b[2J", ["geology"]
    )

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await _open_search(app, pilot)
        await pilot.press("ctrl+n", *"gift")
        await wait_for(lambda: screen.shown_query == "gift" and screen.hits)
        assert len(screen.hits) == 1
        label = screen.query_one("#search-results").get_option_at_index(0).prompt
        assert "Silt [/] is a gift␛[2J" in str(label) and "\x1b" not in str(label)
        assert "The River Meanders" in str(label)
        await pilot.press("enter", "enter")
        await wait_for(lambda: isinstance(app.screen, ReaderScreen) and app.screen.article)
        assert app.screen.text_area.selected_range[0] == at
        await pilot.press("escape", "ctrl+n")  # back to articles
        await wait_for(lambda: screen.shown_query == "gift" and not screen.notes_mode)
        # Article results include the article's matching notes, under its hit.
        await wait_for(lambda: [kind for kind, _ in screen.hits] == ["article", "note"])
        results = screen.query_one("#search-results")
        note_line = str(results.get_option_at_index(1).prompt)
        assert note_line.startswith("  ✎ ") and "Silt [/] is a gift" in note_line
        results.focus()
        results.highlighted = 1
        await pilot.press("enter")
        await wait_for(lambda: isinstance(app.screen, ReaderScreen) and app.screen.article)
        assert app.screen.text_area.selected_range[0] == at

    run_app(library_dir, scenario)


def test_a_slow_search_says_it_is_still_searching(
    library_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_library(library_dir)
    real_search = search_actions.search_articles

    def slow(library: Library, query: str, **options: Any) -> object:
        time.sleep(0.8)
        return real_search(library, query, **options)

    monkeypatch.setattr(search_actions, "search_articles", slow)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await _open_search(app, pilot)
        await pilot.press(*"silt")
        status = screen.query_one("#search-status")
        await wait_for(lambda: "Searching…" in str(status.render()))
        await wait_for(lambda: screen.shown_query == "silt")
        assert "1 article(s)" in str(status.render())

    run_app(library_dir, scenario)
