"""The notebook open while `folio` commands write to the same library from other processes:
every command succeeds (the writers take turns), the notebook's own writes succeed, a
reload shows the commands' changes, and the library checks clean afterwards."""

from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path

from tests.conftest import folio_process, write
from tests.killing import folio_command
from tests.tui_support import annotate, id_of_article, make_library, run_app, wait_for

ROOT = Path(__file__).resolve().parents[1]


def _cli_writes(library_dir: Path, folder: Path, bees: str, results: list) -> None:
    """What a script in another terminal does meanwhile, each command its own process."""
    commands = [
        ["add", str(folder)],
        ["tag", "add", bees, "from-cli"],
        ["note", bees, "--quote", "Honey production", "-m", "from the CLI", "-t", "cli"],
        ["edit", bees, "--site", "The Valley Post"],
        ["add", str(write(folder.parent / "late.txt", "A Late Article\n\nLate text.\n"))],
    ]
    for args in commands:
        done = subprocess.run(
            folio_command(library_dir, *args), capture_output=True, text=True, cwd=ROOT,
            timeout=120,
        )  # fmt: skip
        results.append((args[0], done.returncode, done.stderr))


def test_the_notebook_and_the_cli_write_at_once(library_dir: Path, tmp_path: Path) -> None:
    from tui.screens.library import LibraryScreen
    from tui.screens.reader import ReaderScreen

    make_library(library_dir)
    bees = id_of_article(library_dir, "Bees%")
    river, _ = annotate(library_dir, "River%", "silt", "a first note", ["soil"])
    folder = tmp_path / "more"
    for number in range(6):
        write(folder / f"{number}.txt", f"Extra Article {number}\n\nAbout weirs and sluices.\n")
    results: list = []
    writer = threading.Thread(target=_cli_writes, args=(library_dir, folder, bees, results))

    async def scenario(app, pilot) -> None:
        await wait_for(lambda: isinstance(app.screen, LibraryScreen))
        writer.start()
        # Meanwhile, in the notebook: read, annotate, search, reload.
        app.open_reader(river)
        await wait_for(lambda: isinstance(app.screen, ReaderScreen) and app.screen.article)
        reader = app.screen
        start = reader.article.text.index("Farmers")
        reader.text_area.select_range(start, start)
        await pilot.press("w")
        await pilot.press("a")
        await pilot.press(*"written in the notebook")
        await pilot.press("ctrl+s")
        await wait_for(lambda: len(reader.annotations) == 2, timeout=30)
        await pilot.press("escape")
        await wait_for(lambda: isinstance(app.screen, LibraryScreen))
        await wait_for(lambda: not writer.is_alive(), timeout=120)
        await pilot.press("ctrl+r")
        await wait_for(lambda: len(app.screen.table.rows) == 3 + 6 + 1, timeout=30)

    run_app(library_dir, scenario)
    writer.join()
    assert [(name, code) for name, code, _ in results] == [
        ("add", 0),
        ("tag", 0),
        ("note", 0),
        ("edit", 0),
        ("add", 0),
    ], results
    check = subprocess.run(
        folio_command(library_dir, "check"), capture_output=True, text=True, cwd=ROOT
    )
    assert check.returncode == 0, check.stdout + check.stderr
    notes = folio_process(library_dir, "notes", "--json")
    texts = sorted(note["note"] for note in json.loads(notes.stdout)["annotations"])
    assert texts == ["a first note", "from the CLI", "written in the notebook"]
