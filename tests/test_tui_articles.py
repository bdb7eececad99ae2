"""What the library and the reader do to a whole article: open its original (o), tag it
(#), delete it (D), rename its citation key (the metadata form), and page marks for PDFs."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from library.store import Library
from tests.conftest import Folio, write
from tests.test_pdf_import import make_pdf
from tests.tui_support import (
    annotate,
    article_of,
    id_of_article,
    library_ready,
    make_library,
    reader_on,
    run_app,
    wait_for,
    wait_for_screen,
)
from tui.actions import originals
from tui.actions.articles import show_article
from tui.app import FolioApp
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.metadata import MetadataForm
from tui.dialogs.tag_article import TagArticleDialog
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen
from tui.widgets.page_marks import PageMarks


async def _on_row(app: FolioApp, pilot: Pilot, title_start: str) -> LibraryScreen:
    screen = await library_ready(app)
    table = screen.table
    table.cursor = next(
        n for n, i in enumerate(table.order) if table.rows[i].title.startswith(title_start)
    )
    await pilot.pause()
    return screen


def _notices(app: FolioApp) -> list[str]:
    return [notice.message for notice in app._notifications]


def test_o_opens_the_kept_original(library_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_library(library_dir)
    opened: list[originals.Original] = []
    monkeypatch.setattr(originals, "launch_viewer", opened.append)

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await _on_row(app, pilot, "The River")
        await pilot.press("o")
        await wait_for(lambda: opened and _notices(app))
        (original,) = opened
        assert original.kind == "file" and "/files/" in original.target
        assert _notices(app) == [f"Opened {original.label}: {original.target}"]

    run_app(library_dir, scenario, notifications=True)


def test_without_a_desktop_o_puts_the_path_on_the_clipboard(
    library_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_library(library_dir)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    article_id = id_of_article(library_dir, "River%")

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await reader_on(app, article_id)
        await pilot.press("o")
        await wait_for(lambda: _notices(app))
        (message,) = _notices(app)
        assert "Cannot open the original TXT" in message and "$DISPLAY" in message
        assert app.clipboard.endswith(".txt") and app.clipboard in message
        assert isinstance(app.screen, ReaderScreen)

    run_app(library_dir, scenario, notifications=True)


def test_tag_an_article_with_completion(library_dir: Path) -> None:
    make_library(library_dir)
    annotate(library_dir, "Bees%", "Honey", "", ["geography/rivers"])

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await _on_row(app, pilot, "The River")
        await wait_for(lambda: app.cached_tags)
        await pilot.press("number_sign")
        dialog = await wait_for_screen(app, TagArticleDialog)
        await pilot.press(*"geo", "right", *", !!!", "enter")
        error = dialog.query_one("#tag-article-error")
        await wait_for(lambda: "letter or digit" in str(error.render()))
        assert app.screen is dialog  # refused: nothing saved, the dialog stays
        await pilot.press(*["backspace"] * 5, *", floods", "enter")
        await wait_for(lambda: app.screen is screen)
        await wait_for(lambda: screen.table.summary(screen.table.current_row).tags)
        article_id = screen.table.current_row.id
        with Library(library_dir) as library:
            tags = show_article(library, article_id).value.tags
        assert tags == ["floods", "geography/rivers"]
        assert any("Tags of “The River Meanders”" in message for message in _notices(app))
        await pilot.press("slash", *"#floods")  # the filter finds it by its tag
        await wait_for(lambda: len(screen.table.order) == 1)

    run_app(library_dir, scenario, notifications=True)


def test_delete_asks_with_the_note_count_then_deletes(library_dir: Path, folio: Folio) -> None:
    make_library(library_dir)
    article_id, _ = annotate(library_dir, "River%", "silt", "a", [])
    annotate(library_dir, "River%", "meander", "b", [])

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await _on_row(app, pilot, "The River")
        await pilot.press("D")
        question = await wait_for_screen(app, ConfirmDialog)
        assert "The River Meanders" in question.message and "its 2 note(s)" in question.message
        await pilot.press("enter")  # the safe button has focus: Keep
        await wait_for(lambda: app.screen is screen)
        assert len(screen.table.rows) == 3
        await pilot.press("delete")
        await wait_for_screen(app, ConfirmDialog)
        await pilot.click("#choice-delete")
        await wait_for(lambda: len(screen.table.rows) == 2)

    run_app(library_dir, scenario, notifications=True)
    assert article_id not in folio("list").output


def test_deleting_from_the_reader_goes_back_to_the_library(library_dir: Path) -> None:
    make_library(library_dir)
    article_id = id_of_article(library_dir, "Bees%")

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        screen = await library_ready(app)
        await reader_on(app, article_id)
        await pilot.press("D")
        await wait_for_screen(app, ConfirmDialog)
        await pilot.click("#choice-delete")
        await wait_for(lambda: app.screen is screen and len(screen.table.rows) == 2)

    run_app(library_dir, scenario)


def test_renaming_the_citekey_in_the_form_is_what_the_cli_sees(
    library_dir: Path, folio: Folio
) -> None:
    make_library(library_dir)
    article_id = id_of_article(library_dir, "River%")

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        reader = await reader_on(app, article_id)
        await pilot.press("e")
        form = await wait_for_screen(app, MetadataForm)
        box = form.query_one("#field-citekey", Input)
        box.value = "Lopez:2021.rivers"
        await pilot.press("ctrl+s")
        await wait_for(lambda: app.screen is reader)
        await wait_for(lambda: reader.article.citekey == "Lopez:2021.rivers")
        assert "Lopez:2021.rivers" in str(reader.query_one("#reader-meta").render())

    run_app(library_dir, scenario)
    shown = folio("show", "Lopez:2021.rivers")
    assert shown.exit_code == 0 and article_id in shown.output
    assert "{Lopez:2021.rivers," in folio("export", article_id).output


def test_pdf_page_marks_follow_the_text(library_dir: Path, tmp_path: Path) -> None:
    pages = [[f"Page {n} line {k} of the report on rivers." for k in range(60)] for n in (1, 2, 3)]
    pdf = write(tmp_path / "report.pdf", make_pdf(pages))
    Folio(library_dir)("add", str(pdf))
    article_id = id_of_article(library_dir, "%")
    with Library(library_dir) as library:
        article = article_of(library, article_id)
    assert article.pages is not None and len(article.pages) == 3

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        reader = await reader_on(app, article_id)
        marks = reader.query_one(PageMarks)
        area = reader.text_area
        await pilot.pause()
        assert marks.display and area.text == article.text  # offsets untouched
        assert marks.render_line(0).text.strip() == "p.1"
        area.select_range(article.pages[1], article.pages[1])  # to page 2, centred
        await pilot.pause()
        lines = [marks.render_line(y).text.strip() for y in range(marks.size.height)]
        assert "p.2" in lines
        page_two_row = lines.index("p.2")
        row_text = area.render_line(page_two_row).text
        # (the lines every page repeats, digits aside, are running heads: not in the text)
        assert article.text[article.pages[1] :].split("\n")[0][:20] in row_text
        third = area.wrapped_document.location_to_offset(area.location(article.pages[2])).y
        area.scroll_to(y=third + 1, animate=False)  # page 3 began just above the top line
        await pilot.pause()
        assert marks.current_page == "3" and marks.render_line(0).text.strip() == "p.3"

    run_app(library_dir, scenario)


def test_page_marks_hide_for_articles_without_pages(library_dir: Path) -> None:
    make_library(library_dir)
    article_id = id_of_article(library_dir, "River%")

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await reader_on(app, article_id)
        assert not app.screen.query_one(PageMarks).display

    run_app(library_dir, scenario)
