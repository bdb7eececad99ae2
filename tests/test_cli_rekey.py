"""Keys stay pinned; `folio rekey` regenerates them and the old key keeps resolving
everywhere; `folio config citekey-format` sets the library's formula."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from library.database import MIGRATIONS, SCHEMA_VERSION, migrate
from tests.conftest import Folio, write


def add(folio: Folio, tmp_path: Path, name: str, front: str) -> dict:
    page = write(tmp_path / "in" / f"{name}.md", f"---\n{front}\n---\n\nSome text {name}.\n")
    result = folio("add", str(page), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def rashid(folio: Folio, tmp_path: Path) -> dict:
    return add(folio, tmp_path, "r", "title: The Rise of the Taliban\nauthor: Ahmed Rashid")


def test_new_keys_follow_better_bibtex_and_stay_pinned(folio: Folio, rashid: dict) -> None:
    assert rashid["citekey"] == "rashidRiseTaliban"
    assert folio("edit", rashid["id"], "--date", "2000").exit_code == 0
    assert folio.json("show", rashid["id"])["citekey"] == "rashidRiseTaliban"


def test_rekey_dry_run_changes_nothing_then_rekey_keeps_the_old_key_as_alias(
    folio: Folio, rashid: dict, tmp_path: Path
) -> None:
    folio("edit", rashid["id"], "--date", "2000")
    dry = folio("rekey", rashid["id"], "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert f"{rashid['id']}  rashidRiseTaliban → rashidRiseTaliban2000" in dry.stdout
    assert "1 would change" in dry.stderr
    assert folio.json("show", rashid["id"])["citekey"] == "rashidRiseTaliban"

    done = folio("rekey", "rashidRiseTaliban")
    assert done.exit_code == 0 and "old keys still resolve" in done.stderr
    shown = folio.json("show", "rashidRiseTaliban")  # the old key still finds it
    assert shown["citekey"] == "rashidRiseTaliban2000"
    assert shown["aliases"] == ["rashidRiseTaliban"]
    assert "old keys  rashidRiseTaliban" in folio("show", rashid["id"]).stdout
    assert folio("cite", "rashidRiseTaliban").stdout == "\\autocite{rashidRiseTaliban2000}\n"
    exported = folio("export", "RASHIDRISETALIBAN").stdout  # keys compare case-insensitively
    assert "@misc{rashidRiseTaliban2000," in exported
    assert "ids = {rashidRiseTaliban}," in exported
    note = folio("note", "rashidRiseTaliban", "--note", "on the old key")
    assert note.exit_code == 0, note.output
    again = folio("rekey", rashid["id"])
    assert again.stdout == "" and "0 changed, 1 unchanged" in again.stderr


def test_an_old_key_belongs_to_its_article(folio: Folio, rashid: dict, tmp_path: Path) -> None:
    other = add(folio, tmp_path, "o", "title: Other\nauthor: Ann Smith\ndate: 2001")
    folio("edit", rashid["id"], "--date", "2000")
    folio("rekey", rashid["id"])
    taken = folio("edit", other["id"], "--citekey", "rashidRiseTaliban")
    assert taken.exit_code == 2 and "old key of" in taken.stderr
    assert taken.stderr.count("\n") == 1
    # Giving the article its old key back takes it out of the aliases.
    back = folio("edit", rashid["id"], "--citekey", "rashidRiseTaliban")
    assert back.exit_code == 0
    shown = folio.json("show", rashid["id"])
    assert shown["citekey"] == "rashidRiseTaliban"
    assert shown["aliases"] == ["rashidRiseTaliban2000"]


def test_rekey_keeps_an_articles_own_suffix_and_never_reuses_anothers_key(
    folio: Folio, tmp_path: Path
) -> None:
    first = add(folio, tmp_path, "a", "title: Same Words Here\nauthor: Ann Smith\ndate: 2020")
    second = add(folio, tmp_path, "b", "title: Same Words Here\nauthor: Ann Smith\ndate: 2020")
    assert (first["citekey"], second["citekey"]) == (
        "smithSameWordsHere2020",
        "smithSameWordsHere2020a",
    )
    result = folio("rekey", "--all", "--json")
    assert [r["changed"] for r in json.loads(result.stdout)] == [False, False]
    folio("rekey", "--all", "--format", "auth.lower + year")
    keys = {a["id"]: a["citekey"] for a in folio.json("list")}  # type: ignore[union-attr]
    assert keys == {first["id"]: "smith2020", second["id"]: "smith2020a"}


def test_config_sets_the_formula_for_new_articles_only(
    folio: Folio, rashid: dict, tmp_path: Path
) -> None:
    shown = folio("config")
    assert "citekey-format = auth.lower + shorttitle(3,3) + year  (default)" in shown.stdout
    changed = folio("config", "citekey-format", "auth.lower + '_' + year")
    assert changed.exit_code == 0 and "rekey --all --dry-run" in changed.stderr
    assert folio("config", "citekey-format").stdout == "auth.lower + '_' + year\n"
    later = add(folio, tmp_path, "l", "title: Later\nauthor: Bo Jones\ndate: 2003")
    assert later["citekey"] == "jones_2003"
    assert folio.json("show", rashid["id"])["citekey"] == "rashidRiseTaliban"  # pinned
    assert folio("config", "citekey-format", "--reset").exit_code == 0
    assert "(default)" in folio("config").stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("config", "citekey-format", "auth.lower +"), "at the end"),
        (("config", "citekey-format", "authr"), "unknown function 'authr'"),
        (("config", "colour", "red"), "unknown setting 'colour'"),
        (("config", "--reset"), "needs the setting's name"),
        (("rekey",), "REF... or --all"),
        (("rekey", "x", "--all"), "REF... or --all"),
        (("rekey", "--all", "--format", "year +"), "at the end"),
    ],
)
def test_bad_settings_and_selections_are_one_line_errors(
    folio: Folio, rashid: dict, args: tuple[str, ...], words: str
) -> None:
    result = folio(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and words in result.stderr
    assert "(default)" in folio("config").stdout


def test_guessed_titles_stay_out_of_keys_until_confirmed(folio: Folio, tmp_path: Path) -> None:
    page = write(
        tmp_path / "g.html",
        "<html><body><p>Notes from the border crossing</p>"
        "<p>Second paragraph of text.</p></body></html>",
    )
    added = json.loads(folio("add", str(page), "--json").stdout)
    shown = folio.json("show", added["id"])
    assert shown["origins"]["title"] == "guessed"
    assert "Border" not in added["citekey"] and added["citekey"].startswith("anon")
    dry = folio("rekey", added["id"], "--dry-run")
    assert "guessed title" in dry.stderr and f"folio edit {added['id']} --title" in dry.stderr
    folio("edit", added["id"], "--title", shown["title"])  # the user confirms it
    folio("rekey", added["id"])
    assert folio.json("show", added["id"])["citekey"] == "NotesBorderCrossing"


def test_the_migration_keeps_every_existing_key(tmp_path: Path) -> None:
    mine = next(i for i, script in enumerate(MIGRATIONS) if "citekey_aliases" in script)
    conn = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    for script in MIGRATIONS[:mine]:
        conn.executescript(script)
    conn.execute(f"PRAGMA user_version={mine}")
    conn.execute(
        "INSERT INTO articles (id, citekey, text, text_sha256, format, added_at, modified_at)"
        " VALUES ('abc234', 'dorsey2021afghanistan', '', '', 'md', 'x', 'x')"
    )
    migrate(conn)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT citekey FROM articles").fetchall() == [("dorsey2021afghanistan",)]
    assert conn.execute("SELECT count(*) FROM citekey_aliases").fetchone() == (0,)


def test_the_actions_the_metadata_form_calls(folio: Folio, rashid: dict) -> None:
    from library.store import Library
    from tui.actions.citekeys import rekey, suggest_citekey

    with Library(folio.library_dir) as library:
        assert suggest_citekey(library, rashid["id"]).value == "rashidRiseTaliban"
        folio("edit", rashid["id"], "--date", "2000")
        offered = suggest_citekey(library, rashid["id"])
        assert offered.value == "rashidRiseTaliban2000" and offered.warnings == []
        assert folio.json("show", rashid["id"])["citekey"] == "rashidRiseTaliban"  # offered only
        done = rekey(library, [rashid["id"]])
        assert [(r.old, r.new) for r in done.value] == [("rashidRiseTaliban", offered.value)]
    assert folio.json("show", "rashidRiseTaliban")["citekey"] == "rashidRiseTaliban2000"
