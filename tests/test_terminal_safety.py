"""Nothing Folio prints can drive a terminal: file names, .bib keys, URLs and error messages
quoting input have their control characters made visible, as article text already does."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from library.textnorm import visible
from tests.conftest import Folio, write
from tests.fixtures import BEES

# An OSC that sets the window title, a screen clear, a C1 CSI and a bell.
HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x9b31m"
CONTROLS = {chr(code) for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)]} - {"\n"}


def _assert_inert(text: str) -> None:
    found = sorted({hex(ord(char)) for char in text if char in CONTROLS})
    assert not found, f"control characters reached the terminal: {found}"


def test_visible_shows_every_control_character() -> None:
    assert visible(HOSTILE) == "␛]0;pwned␇␛[2J\ufffd31m"
    assert visible("a\tb\nc") == "a\tb\nc"
    assert visible("a\tb\nc\rd", one_line=True) == "a␉b␊c␍d"
    assert visible(visible(HOSTILE)) == visible(HOSTILE)


def test_show_source_line_with_escapes_in_the_file_name(folio: Folio, tmp_path: Path) -> None:
    path = write(tmp_path / f"bees{HOSTILE}.txt", BEES)
    assert folio("add", str(path)).exit_code == 0
    article = folio.json("list")[0]
    result = folio("show", article["id"])
    assert result.exit_code == 0
    _assert_inert(result.output)
    assert "pwned␇" in result.stdout
    shown = json.loads(folio("show", article["id"], "--json").stdout)
    assert shown["source_path"].endswith(f"bees{HOSTILE}.txt")  # the data itself is kept


def test_json_output_escapes_c1_controls(folio: Folio, tmp_path: Path) -> None:
    folio("add", str(write(tmp_path / f"bees{HOSTILE}.txt", BEES)))
    result = folio("list", "--json")
    _assert_inert(result.stdout)
    assert json.loads(result.stdout)[0]["source_path"].endswith(f"{HOSTILE}.txt")


def test_add_failure_lines_with_escapes_in_file_names(folio: Folio, tmp_path: Path) -> None:
    empty = write(tmp_path / f"empty{HOSTILE}.txt", b"")
    result = folio("add", str(empty), str(tmp_path / f"missing{HOSTILE}.txt"))
    assert result.exit_code == 1
    _assert_inert(result.output)
    assert result.stderr.count("\n") == 2 and "pwned" in result.stderr


def test_error_messages_quoting_input(folio: Folio) -> None:
    for args in (["show", HOSTILE], ["tag", "add", HOSTILE, "t"], ["export", HOSTILE]):
        result = folio(*args)
        assert result.exit_code != 0
        _assert_inert(result.output)
        assert result.stderr.count("\n") == 1, result.stderr
    searched = folio("search", f"honey {HOSTILE}")
    _assert_inert(searched.output)


def test_newline_in_an_error_stays_on_one_line(folio: Folio) -> None:
    result = folio("show", "no\nsuch")
    assert result.stderr.count("\n") == 1 and "no␊such" in result.stderr


def test_import_bib_key_notes(folio: Folio, tmp_path: Path) -> None:
    bib = write(
        tmp_path / "refs.bib",
        f"@online{{bad{HOSTILE}key,\n  title = {{A Title}},\n  url = {{https://example.org/a}}\n}}\n",
    )
    result = folio("import-bib", str(bib))
    assert result.exit_code == 0, result.output
    _assert_inert(result.output)
    assert "is not a valid Folio key" in result.stderr


def test_no_command_prints_around_the_one_function() -> None:
    """Every line the CLI prints goes through tui.cli.common.echo (which makes control
    characters visible): no other module calls click.echo, click.secho, click.style or
    print."""
    cli_dir = Path(__file__).resolve().parents[1] / "tui" / "cli"
    offenders = []
    for path in sorted(cli_dir.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = (
                f"{func.value.id}.{func.attr}"
                if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                else getattr(func, "id", "")
            )
            if name in ("click.echo", "click.secho", "click.style", "print"):
                offenders.append(f"{path.name}:{node.lineno}: {name}")
    allowed = {"common.py"}
    assert [o for o in offenders if o.split(":")[0] not in allowed] == []


@pytest.mark.parametrize("text", ["plain", "tab\there", "ünïcödé", "[bold]markup[/]"])
def test_visible_leaves_ordinary_text_alone(text: str) -> None:
    assert visible(text) == text
