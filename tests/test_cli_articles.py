"""list / show / edit / rm / init and the global options."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import Folio, write
from tests.fixtures import BEES, BEES_KEY, RIVER


@pytest.fixture
def two(folio: Folio, tmp_path: Path) -> list[dict]:
    folio("add", str(write(tmp_path / "s" / "bees.txt", BEES)))
    folio("add", str(write(tmp_path / "s" / "river.txt", RIVER)))
    return folio.json("list")


def test_list_sorts(folio: Folio, two: list[dict]) -> None:
    by_title = [a["title"] for a in folio.json("list", "--sort", "title")]
    assert by_title == sorted(by_title)
    by_date = [a["date"] for a in folio.json("list", "--sort", "date")]
    assert by_date == ["2021-03-03", "2023-06-03"]
    plain = folio("list")
    assert plain.exit_code == 0 and BEES_KEY in plain.stdout


def test_show_by_id_or_citekey_with_json_fields(folio: Folio, two: list[dict]) -> None:
    by_key = folio.json("show", BEES_KEY.upper())
    by_id = folio.json("show", by_key["id"])
    assert by_key == by_id
    for name in ("title", "authors", "date", "site", "url", "type", "citekey", "id", "text"):
        assert name in by_key
    assert by_key["origins"]["title"] == "found"
    shown = folio("show", by_key["id"], "--text")
    assert "Rooftop hives" in shown.stdout and "citekey" in shown.stdout


def test_edit_with_options_marks_fields_as_user(folio: Folio, two: list[dict]) -> None:
    ref = two[0]["id"]
    result = folio(
        "edit",
        ref,
        "--title",
        "Bees",
        "--author",
        "A. One",
        "--author",
        "B. Two",
        "--date",
        "2020-02-29",
        "--url",
        "https://example.org/bees",
        "--type",
        "webpage",
    )
    assert result.exit_code == 0, result.output
    shown = folio.json("show", ref)
    assert shown["title"] == "Bees" and shown["authors"] == ["A. One", "B. Two"]
    assert shown["date"] == "2020-02-29" and shown["url"] == "https://example.org/bees"
    assert {shown["origins"][k] for k in ("title", "authors", "date", "url", "type")} == {"user"}
    assert shown["citekey"] == two[0]["citekey"], "citekeys are pinned once assigned"
    assert [h["id"] for h in folio.json("search", "title:bees")] == [ref]


@pytest.mark.parametrize(
    ("option", "value", "reason"),
    [
        ("--date", "2021-02-30", "not a real date"),
        ("--date", "March 2021", "YYYY"),
        ("--url", "not a url", "http"),
        ("--url", "https://example.org/a b", "http"),
        ("--type", "novel", "not one of"),
        ("--title", "   ", "empty"),
        ("--language", "english!", "language code"),
    ],
)
def test_edit_refuses_invalid_values_and_changes_nothing(
    folio: Folio, two: list[dict], option: str, value: str, reason: str
) -> None:
    ref = two[0]["id"]
    before = folio.json("show", ref)
    result = folio("edit", ref, option, value)
    assert result.exit_code == 2
    assert reason in result.stderr and result.stderr.count("\n") == 1
    assert folio.json("show", ref) == before


def test_edit_in_editor_applies_toml_changes(
    folio: Folio, two: list[dict], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = write(
        tmp_path / "fake-editor.py",
        "import sys, re\np = sys.argv[1]\ns = open(p).read()\n"
        "s = re.sub(r'^site = .*$', 'site = \"Harbour Gazette\"', s, flags=re.M)\n"
        "open(p, 'w').write(s)\n",
    )
    monkeypatch.setenv("EDITOR", f"{os.sys.executable} {script}")
    ref = two[0]["id"]
    result = folio("edit", ref)
    assert result.exit_code == 0, result.output
    shown = folio.json("show", ref)
    assert shown["site"] == "Harbour Gazette" and shown["origins"]["site"] == "user"
    assert shown["title"] == two[0]["title"]


def test_edit_in_editor_with_invalid_toml_changes_nothing(
    folio: Folio, two: list[dict], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = write(
        tmp_path / "bad-editor.py",
        "import sys\nopen(sys.argv[1], 'a').write('date = = broken\\n')\n",
    )
    monkeypatch.setenv("EDITOR", f"{os.sys.executable} {script}")
    ref = two[0]["id"]
    before = folio.json("show", ref)
    result = folio("edit", ref)
    assert result.exit_code == 2 and "not valid TOML" in result.stderr
    assert folio.json("show", ref) == before


def test_rm_asks_and_yes_skips_the_question(folio: Folio, two: list[dict]) -> None:
    ref = two[0]["id"]
    declined = folio("rm", ref, input="n\n")
    assert declined.exit_code != 0
    assert len(folio.json("list")) == 2
    done = folio("rm", ref, "--yes")
    assert done.exit_code == 0 and "Deleted 1" in done.stdout
    assert [a["id"] for a in folio.json("list")] == [two[1]["id"]]
    assert folio.json("search", "honey") == []


def test_unknown_ref_is_a_one_line_error(folio: Folio, two: list[dict]) -> None:
    for command in (
        ["show", "zzzzzz"],
        ["edit", "nokey", "--title", "x"],
        ["rm", "nokey", "--yes"],
    ):
        result = folio(*command)
        assert result.exit_code == 1
        assert result.stderr == "folio: no article with id or citekey " + f"'{command[1]}'\n"


def test_init_creates_the_library_layout(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tui.cli import cli

    target = tmp_path / "new-lib"
    result = CliRunner().invoke(cli, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / "folio.db").is_file() and (target / "files").is_dir()
    assert (target / "index").is_dir()


def test_folio_library_env_var_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from tui.cli import cli

    monkeypatch.setenv("FOLIO_LIBRARY", str(tmp_path / "env-lib"))
    source = write(tmp_path / "bees.txt", BEES)
    assert CliRunner().invoke(cli, ["add", str(source)]).exit_code == 0
    assert (tmp_path / "env-lib" / "folio.db").is_file()


def test_database_records_schema_version_and_wal(folio: Folio, two: list[dict]) -> None:
    import sqlite3

    from library.database import SCHEMA_VERSION

    conn = sqlite3.connect(folio.library_dir / "folio.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_is_refused(folio: Folio, two: list[dict]) -> None:
    import sqlite3

    conn = sqlite3.connect(folio.library_dir / "folio.db")
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    result = folio("list")
    assert result.exit_code == 1 and "newer Folio" in result.stderr


def test_json_outputs_are_valid_json(folio: Folio, two: list[dict]) -> None:
    for args in (["list", "--json"], ["show", two[0]["id"], "--json"], ["search", "x", "--json"]):
        json.loads(folio(*args).stdout)
