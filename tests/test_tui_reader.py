"""The reader: text and highlights, selection keys, annotating, the notes panel, quitting."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.pilot import Pilot

from library.errors import FolioError
from library.store import Library
from tests.tui_support import (
    SIZE,
    article_of,
    id_of_article,
    make_library,
    note_at,
    run_app,
    set_hostile_metadata,
    wait_for,
)
from tui.actions import notes as note_actions
from tui.actions.notes import list_notes
from tui.app import FolioApp
from tui.dialogs.annotate import AnnotateDialog
from tui.dialogs.confirm import ConfirmDialog
from tui.screens.reader import ReaderScreen
from tui.widgets.annotated_text import sentence_boundary
from tui.widgets.tag_box import TagSuggester, split_tags


async def _open(app: FolioApp, article_id: str) -> ReaderScreen:
    await wait_for(lambda: type(app.screen).__name__ == "LibraryScreen")
    app.open_reader(article_id)
    await wait_for(lambda: isinstance(app.screen, ReaderScreen) and app.screen.article)
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


def test_reader_shows_metadata_and_text_literally(library_dir: Path) -> None:
    make_library(library_dir)
    article_id = id_of_article(library_dir, "Crown%")

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        reader = await _open(app, article_id)
        await pilot.pause()
        meta = reader.query_one("#reader-meta").render()
        assert "Crown [/] of [bold]terror[/bold]" in str(meta)
        assert "[red]Mallory[/red]" in str(meta)
        assert "[@click=app.quit]a link[/]" in reader.text_area.text
        assert "␛[2J" in reader.text_area.text and "\x1b" not in reader.text_area.text
        await pilot.click("#reader-meta")
        assert app.is_running

    run_app(library_dir, scenario)


def test_select_annotate_and_highlight_at_once(library_dir: Path) -> None:
    make_library(library_dir)
    article_id = id_of_article(library_dir, "River%")

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        reader = await _open(app, article_id)
        text = reader.article.text
        start = text.index("Floods")
        reader.text_area.select_range(start, start)
        await pilot.press("w", "w")  # two words
        assert text[slice(*reader.text_area.selected_range)].strip() == "Floods spread"
        await pilot.press("right_parenthesis")  # to the end of the sentence
        chosen = text[slice(*reader.text_area.selected_range)]
        assert chosen == "Floods spread silt across the plain."
        await pilot.press("a")
        assert isinstance(app.screen, AnnotateDialog)
        await pilot.press(*"silt [matters]", "tab", *"geo/rivers, x")
        await pilot.press("ctrl+s")
        await wait_for(lambda: len(reader.annotations) == 1)
        note = reader.annotations[0]
        assert (note.start, note.end) == (start, start + len(chosen))
        assert note.note == "silt [matters]" and note.tags == ["geo/rivers", "x"]
        row = reader.text_area.location(start)[0]
        line = reader.text_area.get_line(row)
        assert any(s.start == start - reader.text_area.offset_at((row, 0)) for s in line.spans)
        panel = reader.query_one("#notes-list")
        assert panel.option_count == 1

    run_app(library_dir, scenario)


def test_annotate_without_selection_warns(library_dir: Path) -> None:
    make_library(library_dir)
    article_id = id_of_article(library_dir, "River%")

    async def scenario() -> None:
        app = FolioApp(library_dir)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            reader = await _open(app, article_id)
            await pilot.press("a")
            assert app.screen is reader
            assert any("Select a passage" in n.message for n in app._notifications)

    asyncio.run(scenario())


def _add_notes(library_dir: Path, article_id: str, words: list[str]) -> None:
    with Library(library_dir) as library:
        text = article_of(library, article_id).text
        for word in words:
            at = text.index(word)
            note_at(library, article_id, at, at + len(word), f"on {word} [/]", ["[b]t"])


def test_jump_between_notes_and_panel(library_dir: Path) -> None:
    make_library(library_dir)
    article_id = id_of_article(library_dir, "River%")
    _add_notes(library_dir, article_id, ["meander", "Rivers", "silt"])

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        reader = await _open(app, article_id)
        text = reader.article.text
        assert [n.exact for n in reader.annotations] == ["Rivers", "silt", "meander"]
        await pilot.press("right_square_bracket")
        assert text[slice(*reader.text_area.selected_range)] == "Rivers"
        await pilot.press("right_square_bracket")
        assert text[slice(*reader.text_area.selected_range)] == "silt"
        await pilot.press("left_square_bracket")
        assert text[slice(*reader.text_area.selected_range)] == "Rivers"
        await pilot.press("n")  # focus the panel (first note), choose the last note
        await pilot.press("down", "down", "enter")
        assert text[slice(*reader.text_area.selected_range)] == "meander"
        await pilot.press("N")  # hide the panel: the text takes the width
        assert not reader.query_one("#notes-panel").display
        assert reader.text_area.has_focus
        await pilot.press("n")  # shows it again, focused
        assert reader.query_one("#notes-panel").display
        assert reader.query_one("#notes-list").has_focus

    run_app(library_dir, scenario)


def test_edit_and_delete_from_the_panel(library_dir: Path) -> None:
    make_library(library_dir)
    article_id = id_of_article(library_dir, "River%")
    _add_notes(library_dir, article_id, ["silt"])

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        reader = await _open(app, article_id)
        await pilot.press("n")
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, AnnotateDialog)
        assert dialog.draft.note == "on silt [/]"
        await pilot.press("end", *" more")
        await pilot.press("ctrl+s")
        await wait_for(lambda: reader.annotations and reader.annotations[0].note.endswith("more"))
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # keep it
        assert len(reader.annotations) == 1
        await pilot.press("d")
        await pilot.click("#choice-delete")
        await wait_for(lambda: not reader.annotations)

    run_app(library_dir, scenario)


def test_quit_with_a_note_being_typed_asks(library_dir: Path) -> None:
    make_library(library_dir)
    article_id = id_of_article(library_dir, "River%")

    async def scenario() -> None:
        app = FolioApp(library_dir)
        async with app.run_test(size=SIZE) as pilot:
            reader = await _open(app, article_id)
            reader.text_area.select_range(0, 6)
            await pilot.press("a", *"unsaved thought")
            await pilot.press("ctrl+q")
            assert isinstance(app.screen, ConfirmDialog)
            await pilot.click("#choice-keep")
            assert isinstance(app.screen, AnnotateDialog)
            await pilot.press("ctrl+q")
            await pilot.click("#choice-save")
            await wait_for(lambda: not app.is_running)
        with Library(library_dir) as library:
            (note,) = list_notes(library, article_id).value
            assert note.note == "unsaved thought"

    asyncio.run(scenario())


def test_escape_in_dialog_with_text_asks_before_discarding(library_dir: Path) -> None:
    make_library(library_dir)
    article_id = id_of_article(library_dir, "River%")

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        reader = await _open(app, article_id)
        reader.text_area.select_range(0, 6)
        await pilot.press("a", *"draft")
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.click("#choice-discard")
        assert app.screen is reader and not reader.annotations

    run_app(library_dir, scenario)


def test_sentence_boundaries() -> None:
    text = "First one. Second “quoted.” Third!\nNew line here."
    assert text[: sentence_boundary(text, 0, 1)] == "First one."
    after_first = sentence_boundary(text, 0, 1)
    assert text[after_first : sentence_boundary(text, after_first, 1)] == " Second “quoted.”"
    assert sentence_boundary(text, text.index("Third") + 3, -1) == text.index("Third")
    assert sentence_boundary(text, text.index("Third"), -1) == text.index("Second")
    assert sentence_boundary(text, len(text), 1) == len(text)


def test_tag_helpers() -> None:
    assert split_tags("a, #b,  central   asia,a, c/d,") == ["a", "b", "central asia", "c/d"]
    suggester = TagSuggester(["geo/rivers", "history"])
    assert asyncio.run(suggester.get_suggestion("x, ge")) == "x, geo/rivers"
    assert asyncio.run(suggester.get_suggestion("x, ")) is None


def test_a_refused_tag_is_explained_in_the_dialog(library_dir: Path) -> None:
    make_library(library_dir)
    article_id = id_of_article(library_dir, "River%")

    async def scenario() -> None:
        app = FolioApp(library_dir)
        async with app.run_test(size=SIZE) as pilot:
            reader = await _open(app, article_id)
            reader.text_area.select_range(0, 5)
            await pilot.press("a", *"keep me", "tab", *"ok, [/]")
            await pilot.press("ctrl+s")
            dialog = app.screen
            assert isinstance(dialog, AnnotateDialog)
            assert "at least one letter" in str(dialog.query_one("#annotate-error").render())
            dialog.query_one("#annotate-tags").value = "ok, fine tag"
            await pilot.press("ctrl+s")
            await wait_for(lambda: reader.annotations)
            assert reader.annotations[0].tags == ["fine tag", "ok"]
            assert reader.annotations[0].note == "keep me"


def test_notes_panel_shows_hostile_notes_literally(library_dir: Path) -> None:
    make_library(library_dir)
    with Library(library_dir) as library:
        article_id = set_hostile_metadata(library)
    _add_notes(library_dir, article_id, ["markup"])

    async def scenario() -> None:
        app = FolioApp(library_dir)
        async with app.run_test(size=SIZE) as pilot:
            reader = await _open(app, article_id)
            await pilot.press("n")
            await pilot.pause()
            panel = reader.query_one("#notes-list")
            label = panel.get_option_at_index(0).prompt
            assert "on markup [/]" in str(label) and "#[b]t" in str(label)

    asyncio.run(scenario())


def test_the_reused_reader_shows_the_next_article_cleanly(library_dir: Path) -> None:
    make_library(library_dir)
    river = id_of_article(library_dir, "River%")
    bees = id_of_article(library_dir, "Bees%")
    _add_notes(library_dir, river, ["silt"])

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        reader = await _open(app, river)
        await pilot.press("right_square_bracket")
        assert reader.current_note is not None
        await pilot.press("escape")
        app.open_reader(bees)
        await wait_for(lambda: app.screen is reader and reader.article.id == bees)
        assert reader.annotations == [] and reader.current_note is None
        assert reader.text_area.text == reader.article.text
        assert reader.text_area.selected_range == (0, 0)
        assert "Bees" in str(reader.query_one("#reader-meta").render())
        app.open_reader(river)  # from the reader itself (the palette does this)
        await wait_for(lambda: reader.article.id == river)
        assert app.screen is reader and len(app.screen_stack) == 3
        assert [n.exact for n in reader.annotations] == ["silt"]

    run_app(library_dir, scenario)


def test_new_note_updates_the_library_table_and_tag_filter(library_dir: Path) -> None:
    make_library(library_dir)
    article_id = id_of_article(library_dir, "River%")

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        reader = await _open(app, article_id)
        reader.text_area.select_range(0, 5)
        await pilot.press("a", *"n", "tab", *"geo")
        await pilot.press("ctrl+s")
        await wait_for(lambda: reader.annotations)
        await pilot.press("escape")
        library = app.screen
        table = library.table
        await wait_for(lambda: table.summaries.get(article_id))
        assert table.summaries[article_id].count == 1
        assert table.summaries[article_id].tags == ["geo"]
        await pilot.press("slash", *"#geo")
        await wait_for(lambda: len(table.order) == 1)
        assert table.rows[table.order[0]].id == article_id

    run_app(library_dir, scenario)


def test_refresh_in_the_reader_shows_notes_added_from_the_cli(library_dir: Path) -> None:
    make_library(library_dir)
    article_id = id_of_article(library_dir, "River%")

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        reader = await _open(app, article_id)
        assert not reader.annotations
        _add_notes(library_dir, article_id, ["valleys"])  # another process
        await pilot.press("ctrl+r")
        await wait_for(lambda: reader.annotations)
        assert reader.annotations[0].exact == "valleys"

    run_app(library_dir, scenario)


def test_orphaned_and_whole_article_notes_are_listed_apart(
    library_dir: Path, tmp_path: Path
) -> None:
    from library.importing import collect_sources, import_sources
    from notes.annotations import Passage
    from notes.annotations import add_annotation as core_add
    from tests.conftest import write
    from tests.tui_support import RIVER

    source = write(tmp_path / "river.txt", RIVER)
    with Library(library_dir) as library:
        list(import_sources(library, collect_sources([str(source)])[0]))
        article_id = id_of_article(library_dir, "River%")
        article = article_of(library, article_id)
        at = article.text.index("Farmers have always")
        note_at(library, article_id, at, at + 40, "lost soon", [])
        with library.write() as conn:
            core_add(conn, article, Passage(None), "about the whole thing", ())
        write(
            source,
            RIVER.replace("Farmers have always welcomed the silt, and feared the floods.", ""),
        )
        list(import_sources(library, collect_sources([str(source)])[0]))

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        reader = await _open(app, article_id)
        await pilot.pause()
        states = [note.state for note in reader.annotations]
        assert states == ["article", "orphan"]
        panel = reader.query_one("#notes-list")
        headings = [
            str(panel.get_option_at_index(i).prompt)
            for i in range(panel.option_count)
            if panel.get_option_at_index(i).disabled
        ]
        assert headings == ["On the whole article", "Passage no longer found in the text"]
        await pilot.press("right_square_bracket")  # nothing placed: a message, no crash
        assert app.is_running

    run_app(library_dir, scenario)


def test_a_failed_save_gives_the_draft_back_instead_of_quitting(
    library_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_library(library_dir)
    article_id = id_of_article(library_dir, "River%")

    def refuse(*args: object, **options: object) -> None:
        raise FolioError("the library database refused the change: disk full")

    monkeypatch.setattr(note_actions, "annotate", refuse)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        reader = await _open(app, article_id)
        reader.text_area.select_range(0, 6)
        await pilot.press("a", *"precious")
        await pilot.press("ctrl+q")
        await pilot.click("#choice-save")
        await wait_for(lambda: isinstance(app.screen, AnnotateDialog))
        await pilot.pause(0.2)
        assert app.is_running
        assert app.screen.draft.note == "precious"

    run_app(library_dir, scenario)


@pytest.mark.parametrize(("size", "least"), [((80, 24), 48), ((120, 36), 72)])
def test_the_text_keeps_most_of_the_width(
    library_dir: Path, size: tuple[int, int], least: int
) -> None:
    """At 80 columns the notes panel once left the text 36."""
    make_library(library_dir)
    article_id = id_of_article(library_dir, "River%")

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        reader = await _open(app, article_id)
        await pilot.pause()
        assert reader.text_area.size.width >= least
        assert reader.query_one("#notes-panel").size.width >= 24

    run_app(library_dir, scenario, size=size)


def test_under_60_columns_the_notes_panel_waits_for_n(library_dir: Path) -> None:
    make_library(library_dir)
    article_id = id_of_article(library_dir, "River%")

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        reader = await _open(app, article_id)
        await pilot.pause()
        panel = reader.query_one("#notes-panel")
        assert not panel.display and reader.text_area.size.width >= 50
        await pilot.press("n")
        assert panel.display and app.focused is reader.query_one("#notes-list")

    run_app(library_dir, scenario, size=(56, 20))
