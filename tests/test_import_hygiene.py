"""CLI commands must not pay for Textual (or for importers they do not use); the front
doors go through the actions, never to the database or the index; actions stay Textual-free."""

from __future__ import annotations

import ast
import re
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


def test_the_command_map_names_every_command_and_its_module() -> None:
    import importlib

    from tui.cli import COMMAND_MODULES

    defined = {
        command.name: module
        for module in set(COMMAND_MODULES.values())
        for command in importlib.import_module(f"tui.cli.{module}").COMMANDS
    }
    assert defined == COMMAND_MODULES


def test_fresh_search_imports_only_what_searching_needs(tmp_path: Path) -> None:
    """`folio search` loads its own command module, not the others (nor what they import),
    and none of the modules Whoosh would load for features Folio does not use."""
    source = tmp_path / "bees.txt"
    source.write_text("Bees\n\nHoney bees and their hives.\n")
    library = str(tmp_path / "lib")
    made = f"from tui.cli import cli\ncli(['--library', {library!r}, 'add', {str(source)!r}])"
    subprocess.run([sys.executable, "-c", made], cwd=ROOT, capture_output=True)
    code = (
        "import sys\n"
        "from tui.cli import cli\n"
        f"try:\n    cli(['--library', {str(tmp_path / 'lib')!r}, 'search', 'honey', '--json'])\n"
        "except SystemExit:\n    pass\n"
        "print('\\n'.join(sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    modules = set(out.split())
    assert "whoosh.index" in modules and "tui.cli.search" in modules  # it did search
    others = {f"tui.cli.{name}" for name in ("cite", "citekeys", "notes", "importing", "names")}
    unused = {"urllib.request", "asyncio", "cached_property", "whoosh.lang.morph_en",
              "whoosh.lang.dmetaphone", "ctypes", "library.citekeys", "textual"}  # fmt: skip
    assert not (others | unused) & modules


def test_whoosh_features_behind_stand_ins_still_work() -> None:
    """The stand-ins are only seen while Whoosh imports: the real modules load on use."""
    code = (
        "import library, sys\n"
        "import whoosh.query, whoosh.analysis, whoosh.compat\n"
        "from whoosh.query.terms import variations\n"
        "assert 'rendered' in variations('render')\n"
        "from whoosh.analysis.morph import double_metaphone\n"
        "assert double_metaphone('Smith')[0] == 'SM0'\n"
        "from whoosh import highlight\n"
        "assert highlight.HtmlFormatter().tagname == 'strong'\n"
        "from whoosh.automata import lev\n"
        "assert lev.levenshtein_automaton('abc', 1).to_dfa().accept('abd')\n"
        "import urllib.request, cached_property\n"
        "assert hasattr(urllib.request, 'urlopen')\n"
        "assert hasattr(cached_property, 'threaded_cached_property')\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)


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


ACTION_MODULES = sorted(
    f"tui.actions.{path.stem}" for path in (ROOT / "tui" / "actions").glob("*.py")
)
# The front doors render what actions return: no database, no index of their own.
FRONT_DOORS = ("tui/cli", "tui/app", "tui/screens", "tui/dialogs", "tui/widgets")
FORBIDDEN_MODULES = ("sqlite3", "whoosh", "library.index", "library.database")
_SQL = re.compile(
    r"^\s*(SELECT\s.*\sFROM\s|INSERT\s+INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s|PRAGMA\s)"
)


def _imported_modules(tree: ast.AST) -> list[str]:
    """Every module an AST imports, at the top or inside functions."""
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.extend([node.module, *(f"{node.module}.{a.name}" for a in node.names)])
    return names


def _is_under(name: str, modules: tuple[str, ...]) -> bool:
    return any(name == module or name.startswith(module + ".") for module in modules)


def _front_door_violations(path: Path) -> list[str]:
    """What in one front-door module reaches past the actions into storage."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = [f"imports {name}" for name in _imported_modules(tree)
             if _is_under(name, FORBIDDEN_MODULES)]  # fmt: skip
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "conn":
            found.append(f"line {node.lineno}: .conn")
        if isinstance(node, ast.Attribute) and node.attr == "index":
            owner = ast.unparse(node.value)
            if owner == "library" or owner.endswith(".library"):
                found.append(f"line {node.lineno}: {owner}.index")
        text = node.value if isinstance(node, ast.Constant) else None
        if isinstance(text, str) and _SQL.match(text):
            found.append(f"line {node.lineno}: SQL {text[:30]!r}")
    return found


def test_front_doors_never_touch_the_database_or_the_index() -> None:
    problems = {
        str(path.relative_to(ROOT)): found
        for folder in FRONT_DOORS
        for path in sorted((ROOT / folder).rglob("*.py"))
        if (found := _front_door_violations(path))
    }
    assert problems == {}


def test_the_scan_catches_what_it_looks_for(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import sqlite3\n"
        "def f(app):\n"
        "    from whoosh.query import Term\n"
        "    app.session.library.conn.execute('SELECT id FROM articles')\n"
        "    return app.session.library.index\n"
    )
    found = " ".join(_front_door_violations(bad))
    for needle in ("sqlite3", "whoosh", ".conn", "library.index", "SQL"):
        assert needle in found


def test_actions_import_neither_textual_nor_rich() -> None:
    for path in (ROOT / "tui" / "actions").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert not [n for n in _imported_modules(tree) if _is_under(n, ("textual", "rich"))], path
    modules = _modules_after("import " + ", ".join([*ACTION_MODULES, "tui.plain"]))
    assert "textual" not in modules and "rich" not in modules
