"""The notebook shows what the actions report, as the CLI prints it: replaced characters in
a BibTeX export, notes re-anchored by an import."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from library.store import Library
from tests.conftest import write
from tests.tui_support import RIVER, article_of, import_texts, note_at, run_app, wait_for
from tui.actions.importing import import_paths
from tui.app import FolioApp
from tui.dialogs.export import ExportScreen
from tui.dialogs.import_files import ImportScreen
from tui.screens.library import LibraryScreen

RUSSIAN = "Россия и Talibán\n\nBy Ana Lopez\n2021-05-04\n\nSome text about the border.\n"


def _rendered(screen: object, selector: str) -> str:
    return str(screen.query_one(selector).render())  # type: ignore[attr-defined]


def test_bibtex_export_in_the_notebook_warns_about_replaced_characters(
    library_dir: Path, tmp_path: Path
) -> None:
    with Library(library_dir) as library:
        import_texts(library, {"ru.txt": RUSSIAN})
    out = tmp_path / "refs.bib"

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await wait_for(lambda: isinstance(app.screen, LibraryScreen) and app.screen.table.rows)
        app.open_export()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        screen.query_one("#fmt-bibtex").value = True
        screen.query_one("#export-path", Input).value = str(out)
        await pilot.press("ctrl+s")
        await wait_for(lambda: "Wrote" in _rendered(screen, "#export-outcome"))
        shown = _rendered(screen, "#export-outcome")
        assert "warning:" in shown and "written as '?'" in shown and "Р" in shown
        assert "?" in out.read_text(encoding="utf-8")

    run_app(library_dir, scenario)


def test_import_in_the_notebook_says_which_notes_were_reanchored(
    library_dir: Path, tmp_path: Path
) -> None:
    path = write(tmp_path / "river.txt", RIVER)
    with Library(library_dir) as library:
        (result,) = import_paths(library, [str(path)]).value.results
        assert result.article is not None
        text = article_of(library, result.article.id).text
        at = text.index("Floods spread silt")
        note_at(library, result.article.id, at, at + len("Floods spread silt"), "floods")
    write(path, RIVER.replace("Floods spread", "A new paragraph here.\n\nFloods spread"))

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        await wait_for(lambda: isinstance(app.screen, LibraryScreen) and app.screen.table.rows)
        await pilot.press("i")
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        screen.query_one("#import-path", Input).value = str(path)
        await pilot.press("enter")
        await wait_for(lambda: not screen.running and screen.changed)
        summary = _rendered(screen, "#import-summary")
        assert "1 updated" in summary and "note: 1 note(s) re-anchored" in summary

    run_app(library_dir, scenario)
