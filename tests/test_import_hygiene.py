"""CLI commands must not pay for Textual (or for importers they do not use)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    return set(out.split())


def test_cli_and_core_do_not_import_textual() -> None:
    modules = _modules_after(
        "import tui.cli, library.store, library.search, library.importing, library.check"
    )
    assert "textual" not in modules and "rich" not in modules


def test_cli_startup_does_not_import_whoosh_or_extractors() -> None:
    modules = _modules_after("import tui.cli")
    heavy = {"whoosh", "trafilatura", "pypdf", "bibtexparser", "rapidfuzz", "library.export"}
    assert not heavy & modules


def test_list_command_does_not_import_textual_when_run(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from tui.cli import cli\n"
        f"try:\n    cli(['--library', {str(tmp_path / 'lib')!r}, 'list'])\n"
        "except SystemExit:\n    pass\n"
        "assert 'textual' not in sys.modules, 'textual imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)


def test_folio_without_a_terminal_refuses_the_tui_without_importing_textual(
    tmp_path: Path,
) -> None:
    code = (
        "import sys\n"
        "from tui.cli import cli\n"
        f"try:\n    cli(['--library', {str(tmp_path / 'lib')!r}])\n"
        "except SystemExit as exc:\n    assert exc.code == 2, exc.code\n"
        "assert 'textual' not in sys.modules, 'textual imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    assert "needs a terminal" in result.stderr


def test_tui_operations_stay_free_of_textual() -> None:
    modules = _modules_after("import tui.actions, tui.plain")
    assert "textual" not in modules and "rich" not in modules
