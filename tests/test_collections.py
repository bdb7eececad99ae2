"""Collections and saved searches: stored in the database, usable wherever a selection is."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Folio, write
from tests.fixtures import BEES, BEES_KEY, RIVER, RIVER_KEY


def _two(folio: Folio, tmp_path: Path) -> None:
    result = folio(
        "add", str(write(tmp_path / "b.txt", BEES)), str(write(tmp_path / "r.txt", RIVER))
    )
    assert result.exit_code == 0, result.output


def test_collection_add_list_show_rm(folio: Folio, tmp_path: Path) -> None:
    _two(folio, tmp_path)
    result = folio("collection", "add", "Chapter 1", BEES_KEY, RIVER_KEY)
    assert result.exit_code == 0, result.output
    assert "2 added, 2 article(s)" in result.stdout
    again = folio("collection", "add", "chapter 1", BEES_KEY)  # names ignore case
    assert "0 added" in again.stdout and "already in 'Chapter 1'" in again.stderr
    listed = folio.json("collections")
    assert [(c["name"], c["count"]) for c in listed] == [("Chapter 1", 2)]
    shown = json.loads(folio("collection", "show", "Chapter 1", "--json").stdout)
    assert {a["citekey"] for a in shown} == {BEES_KEY, RIVER_KEY}
    out = folio("collection", "rm", "Chapter 1", RIVER_KEY)
    assert "1 removed, 1 article(s)" in out.stdout
    bees_id = next(a["id"] for a in shown if a["citekey"] == BEES_KEY)
    assert folio.json("collections")[0]["articles"] == [bees_id]


def test_deleting_a_collection_asks_and_keeps_the_articles(folio: Folio, tmp_path: Path) -> None:
    _two(folio, tmp_path)
    folio("collection", "add", "reading", BEES_KEY)
    refused = folio("collection", "rm", "reading")  # no terminal to ask on
    assert refused.exit_code == 1 and "--yes" in refused.stderr
    assert folio.json("collections")[0]["count"] == 1
    done = folio("collection", "rm", "reading", "--yes")
    assert done.exit_code == 0 and "1 article(s) were in it" in done.stdout
    assert folio.json("collections") == []
    assert len(folio.json("list")) == 2


def test_unknown_names_and_refs_are_one_line_errors(folio: Folio, tmp_path: Path) -> None:
    _two(folio, tmp_path)
    bad_ref = folio("collection", "add", "x", "nosuchkey")
    assert bad_ref.exit_code != 0 and bad_ref.stderr.count("\n") == 1
    assert folio.json("collections") == []  # nothing created
    missing = folio("collection", "show", "nope")
    assert missing.exit_code == 1 and "no collection named 'nope'" in missing.stderr
    empty_name = folio("collection", "add", "  ", BEES_KEY)
    assert empty_name.exit_code == 2 and "needs a name" in empty_name.stderr


def test_export_and_notes_by_collection(folio: Folio, tmp_path: Path) -> None:
    _two(folio, tmp_path)
    folio("collection", "add", "bees", BEES_KEY)
    exported = folio("export", "--collection", "bees")
    assert exported.exit_code == 0, exported.output
    assert BEES_KEY in exported.stdout and RIVER_KEY not in exported.stdout
    folio("note", BEES_KEY, "--quote", "Rooftop hives", "--note", "honey")
    folio("note", RIVER_KEY, "--quote", "three floodgates", "--note", "gates")
    notes = json.loads(folio("notes", "--collection", "bees", "--json").stdout)
    assert [a["note"] for a in notes["annotations"]] == ["honey"]
    folio("collection", "rm", "bees", BEES_KEY)
    empty = folio("export", "--collection", "bees")
    assert empty.exit_code == 1 and "collection 'bees' selects no articles" in empty.stderr


def test_removing_an_article_takes_it_out_of_its_collections(folio: Folio, tmp_path: Path) -> None:
    _two(folio, tmp_path)
    folio("collection", "add", "c", BEES_KEY, RIVER_KEY)
    assert folio("rm", RIVER_KEY, "--yes").exit_code == 0
    assert folio.json("collections")[0]["count"] == 1


def test_saved_search_save_run_export_and_forget(folio: Folio, tmp_path: Path) -> None:
    _two(folio, tmp_path)
    saved = folio("search", "honey", "--save", "morning", "--json")
    assert saved.exit_code == 0, saved.output
    assert "Saved search 'morning'" in saved.stderr
    assert [hit["citekey"] for hit in json.loads(saved.stdout)] == [BEES_KEY]
    rerun = json.loads(folio("search", "--saved", "Morning", "--json").stdout)
    assert [hit["citekey"] for hit in rerun] == [BEES_KEY]
    assert folio.json("searches") == [{"name": "morning", "query": "honey"}]
    # A new article that matches is found by the saved search (it stores the query).
    write(tmp_path / "c.md", "# Honey prices\n\nHoney prices rose in the harbour markets.\n")
    folio("add", str(tmp_path / "c.md"))
    exported = folio("export", "--saved", "morning")
    assert (
        exported.exit_code == 0
        and exported.stdout.count("@online") + exported.stdout.count("@misc") == 2
    )
    replaced = folio("search", "floodgates", "--save", "morning")
    assert "now runs: floodgates" in replaced.stderr
    assert folio("searches", "rm", "morning", "--yes").exit_code == 0
    assert folio.json("searches") == []


def test_saved_search_errors(folio: Folio, tmp_path: Path) -> None:
    _two(folio, tmp_path)
    bad = folio("search", '"open', "--save", "broken")
    assert bad.exit_code == 2 and "not closed" in bad.stderr
    assert folio.json("searches") == []
    missing = folio("search", "--saved", "nope")
    assert missing.exit_code == 1 and "no saved search named 'nope'" in missing.stderr
    both = folio("search", "honey", "--saved", "x")
    assert both.exit_code == 2
    neither = folio("search")
    assert neither.exit_code == 2 and "QUERY" in neither.stderr
