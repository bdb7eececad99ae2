"""Where a quote comes from, in the notebook: the reader's margin marks shared passages and
`s` lists where else they are (Enter opens it there), the notes panel says "also in", the
timeline lists notes in date order, and the import dialog says what an import shares."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from library.store import Library
from tests.tui_support import (
    HOSTILE_TITLE,
    import_texts,
    library_ready,
    note_at,
    reader_on,
    run_app,
    wait_for,
    wait_for_screen,
)
from tui.app import FolioApp
from tui.dialogs.import_files import ImportScreen
from tui.dialogs.shared_passages import SharedPassagesDialog
from tui.screens.reader import ReaderScreen
from tui.screens.timeline import TimelineScreen, filter_of
from tui.widgets.shared_marks import SharedMarks

DATA = Path(__file__).parent / "data" / "passages"


def _library(root: Path) -> dict[str, str]:
    """The original article and its republished copy (ids by name), dated one after the
    other, with a note on the copy; the copy's title is hostile."""
    from library.articles import get_article, update_metadata

    with Library(root) as library:
        import_texts(
            library,
            {
                "original.txt": (DATA / "original.txt").read_text(),
                "republished.txt": (DATA / "republished.txt").read_text(),
            },
        )
        rows = library.conn.execute("SELECT id, source_path, pk FROM articles ORDER BY pk")
        original, copy = (row[0] for row in rows)
        with library.write() as conn:
            update_metadata(conn, get_article(conn, original), {"date": "2023-03-12"})
            update_metadata(
                conn, get_article(conn, copy), {"date": "2023-04-02", "title": HOSTILE_TITLE}
            )
        text = get_article(library.conn, copy).text
        at = text.index("The river is being emptied")
        note_at(library, copy, at, at + len("The river is being emptied from both ends"), "both")
    return {"original": original, "copy": copy}


def test_the_margin_marks_shared_passages_and_s_opens_the_other_article_there(
    library_dir: Path,
) -> None:
    ids = _library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        reader = await reader_on(app, ids["copy"])
        await pilot.pause()
        marks = reader.query_one(SharedMarks)
        assert marks.display and marks.spans
        assert any(marks.marked(row) for row in range(10))
        text = reader.article.text
        at = text.index("Independent hydrologists")
        reader.text_area.select_range(at, at)
        await pilot.press("s")
        dialog = await wait_for_screen(app, SharedPassagesDialog)
        assert dialog.heading == "This passage is also in"
        (place,) = dialog.places
        assert place.article_id == ids["original"] and place.kind == "republication"
        await pilot.press("enter")
        await wait_for(
            lambda: (
                isinstance(app.screen, ReaderScreen) and app.screen.article_id == ids["original"]
            )
        )
        await pilot.pause()
        other = app.screen
        assert isinstance(other, ReaderScreen)
        chosen = other.article.text[slice(*other.text_area.selected_range)]
        assert chosen == other.article.text[place.start : place.end] and chosen

    run_app(library_dir, scenario)


def test_the_notes_panel_says_where_else_a_passage_is(library_dir: Path) -> None:
    ids = _library(library_dir)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        reader = await reader_on(app, ids["copy"])
        await pilot.pause()
        (note,) = reader.annotations
        (place,) = reader.places[note.id]
        assert place.article.id == ids["original"]
        notes = reader.query_one("#notes-list")
        labels = [str(notes.get_option_at_index(i).prompt) for i in range(notes.option_count)]
        assert any("also in " in label for label in labels)

    run_app(library_dir, scenario)


def test_an_article_without_shared_passages_has_no_margin_and_says_so(library_dir: Path) -> None:
    with Library(library_dir) as library:
        import_texts(library, {"original.txt": (DATA / "original.txt").read_text()})
        (article_id,) = (row[0] for row in library.conn.execute("SELECT id FROM articles"))

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        reader = await reader_on(app, article_id)
        await pilot.pause()
        assert not reader.query_one(SharedMarks).display
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)

    run_app(library_dir, scenario)


def test_the_timeline_lists_notes_oldest_first_and_filters(library_dir: Path) -> None:
    ids = _library(library_dir)
    with Library(library_dir) as library:
        from library.articles import get_article

        text = get_article(library.conn, ids["original"]).text
        at = text.index("Eighteen months later")
        note_at(library, ids["original"], at, at + 21, "[b]first[/b]", ["water"])

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await library_ready(app)
        await pilot.press("T")
        timeline = await wait_for_screen(app, TimelineScreen)
        await wait_for(lambda: len(timeline.entries) == 2)
        assert [e.annotation.article_id for e in timeline.entries] == [
            ids["original"],
            ids["copy"],
        ]
        assert [e.date for e in timeline.entries] == ["2023-03-12", "2023-04-02"]
        await pilot.press(*"#water")
        await wait_for(lambda: len(timeline.entries) == 1)
        await pilot.press("enter", "enter")
        await wait_for(lambda: isinstance(app.screen, ReaderScreen))
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.article_id == ids["original"]
        assert reader.article.text[slice(*reader.text_area.selected_range)] == text[at : at + 21]

    run_app(library_dir, scenario)


def test_timeline_filter_reads_a_tag_or_a_query() -> None:
    assert filter_of("#water") == ("water", None)
    assert filter_of("  ") == (None, None)
    assert filter_of("#water river") == (None, "#water river")
    assert filter_of("tag:water") == (None, "tag:water")


def test_the_import_dialog_says_what_an_import_shares(library_dir: Path) -> None:
    with Library(library_dir) as library:
        import_texts(library, {"original.txt": (DATA / "original.txt").read_text()})

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await library_ready(app)
        await pilot.press("i")
        dialog = await wait_for_screen(app, ImportScreen)
        dialog.query_one("#import-path").value = str(DATA / "republished.txt")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await wait_for(lambda: not dialog.running and dialog.changed == 1, timeout=15)
        await pilot.pause()
        summary = str(dialog.query_one("#import-summary").render())
        assert "shares 1 passage with" in summary and "(republication)" in summary

    run_app(library_dir, scenario)


def test_the_reader_says_once_when_many_texts_wait_to_be_scanned(
    library_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.actions import related

    monkeypatch.setattr(related, "SMALL_BACKLOG", 1)
    with Library(library_dir) as library:  # stored without the actions: not scanned yet
        import_texts(
            library,
            {
                "original.txt": (DATA / "original.txt").read_text(),
                "republished.txt": (DATA / "republished.txt").read_text(),
            },
        )
        first, second = (row[0] for row in library.conn.execute("SELECT id FROM articles"))

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        reader = await reader_on(app, first)
        await pilot.pause()
        assert not reader.query_one(SharedMarks).display  # not scanned: nothing to mark
        said = [n.message for n in app._notifications if "not scanned" in n.message]
        assert said == [
            "2 article(s) not scanned for shared passages yet: run `folio related "
            "--rebuild` (or any `folio related REF`) to scan them"
        ]
        app.open_reader(second)
        await wait_for(lambda: reader.article_id == second)
        await pilot.pause()
        assert len([n for n in app._notifications if "not scanned" in n.message]) == 1

    run_app(library_dir, scenario, notifications=True)
