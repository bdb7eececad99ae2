"""`folio cite`, `folio edit --citekey`, and how `folio export` selects articles (and
refuses selections that make no sense)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from library.citing import CITE_STYLES, format_citation
from tests.conftest import Folio, write


@pytest.fixture
def two(folio: Folio, tmp_path: Path) -> list[dict]:
    added = []
    for name, title in (("a", "Drones over Kabul"), ("b", "Kyrgyz courts and the Taliban")):
        page = write(tmp_path / "in" / f"{name}.md", f"---\ntitle: {title}\n---\n\nText {name}.\n")
        result = folio("add", str(page), "--json")
        added.append(json.loads(result.stdout))
    return added


def test_format_citation_styles_and_locators() -> None:
    assert CITE_STYLES == ("latex", "pandoc", "markdown")
    assert format_citation(["k1", "k2"], "latex") == "\\autocite{k1,k2}"
    assert format_citation(["k1"], "latex", "para. 7") == "\\autocite[para.~7]{k1}"
    assert format_citation(["k1", "k2"], "pandoc") == "[@k1; @k2]"
    assert format_citation(["k1"], "markdown", "para. 7") == "[@k1, para. 7]"


def test_cite_prints_keys_for_pasting(folio: Folio, two: list[dict]) -> None:
    keys = [a["citekey"] for a in two]
    assert folio("cite", two[0]["id"], keys[1]).stdout == f"\\autocite{{{keys[0]},{keys[1]}}}\n"
    pandoc = folio("cite", *keys, "--style", "pandoc").stdout
    assert pandoc == f"[@{keys[0]}; @{keys[1]}]\n"
    unknown = folio("cite", "nosuch")
    assert unknown.exit_code == 1 and "nosuch" in unknown.stderr


def test_edit_citekey_renames_and_refuses_taken_or_invalid(folio: Folio, two: list[dict]) -> None:
    first, second = two
    renamed = folio("edit", first["id"], "--citekey", "roe2021drones")
    assert renamed.exit_code == 0 and "citekey" in renamed.stdout
    assert folio.json("show", "roe2021drones")["id"] == first["id"]
    taken = folio("edit", second["id"], "--citekey", "ROE2021drones")
    assert taken.exit_code == 2 and taken.stderr.count("\n") == 1 and "already" in taken.stderr
    for bad in ("9lives", "has space", "", "a{b}"):
        result = folio("edit", second["id"], "--citekey", bad)
        assert result.exit_code == 2 and result.stderr.startswith("folio: "), bad
    assert folio.json("show", second["id"])["citekey"] == second["citekey"]
    both = folio("edit", second["id"], "--citekey", "taken-too", "--title", "New")
    assert both.exit_code == 0
    assert folio.json("show", "taken-too")["title"] == "New"


def test_export_selection_by_ref_query_and_all(folio: Folio, two: list[dict]) -> None:
    keys = sorted(a["citekey"] for a in two)
    by_ref = folio("export", two[1]["id"]).stdout
    assert by_ref.count("@") == 1 and two[1]["citekey"] in by_ref
    assert folio("export", "--query", "kabul").stdout.count("@misc{") == 1
    everything = folio("export", "--all").stdout
    assert [
        line.split("{")[1].rstrip(",") for line in everything.splitlines() if line.startswith("@")
    ] == keys


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("nosuchref",), 1, "nosuchref"),
        (("--query", "zzzznothing"), 1, "selects no articles"),
        ((), 2, "choose what to export"),
        (("--all", "--query", "x"), 2, "one of"),
        (("--all", "--merge"), 2, "-o FILE"),
        (("--all", "--format", "csl-json", "-o", "x.json", "--merge"), 2, "CSL-JSON"),
        (("--query", '"open'), 2, "quote"),
    ],
)
def test_export_bad_selections_are_one_line_errors(
    folio: Folio, two: list[dict], args: tuple[str, ...], code: int, words: str
) -> None:
    result = folio("export", *args)
    assert result.exit_code == code, result.output
    assert result.stderr.count("\n") == 1 and words in result.stderr


def test_export_of_an_empty_library_is_an_error(folio: Folio) -> None:
    result = folio("export", "--all")
    assert result.exit_code == 1 and "selects no articles" in result.stderr


def test_export_by_tag(folio: Folio, two: list[dict]) -> None:
    tags = pytest.importorskip("notes.tags")
    if not hasattr(tags, "article_ids_with_tag"):
        pytest.skip("notes.tags.article_ids_with_tag is not written yet")
    from library.store import Library

    with Library(folio.library_dir) as library, library.write() as conn:
        row = conn.execute("SELECT pk FROM articles WHERE id = ?", (two[0]["id"],)).fetchone()
        tags.link_tags(conn, "article", row["pk"], ["thesis"])
    tagged = folio("export", "--tag", "thesis")
    assert tagged.exit_code == 0, tagged.output
    assert two[0]["citekey"] in tagged.stdout and two[1]["citekey"] not in tagged.stdout
    assert folio("export", "--tag", "nothing-here").exit_code == 1


def test_an_output_folder_that_does_not_exist_is_named_in_one_line(
    folio: Folio, two: list[dict], tmp_path: Path
) -> None:
    target = tmp_path / "missing" / "refs.bib"
    result = folio("export", "--all", "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"folio: {target}: no such file or directory"
    assert not target.parent.exists()


def test_a_truncated_bib_is_reported_once_per_block_without_parser_noise(
    folio: Folio, tmp_path: Path
) -> None:
    broken = write(tmp_path / "broken.bib", "@misc{ok, title={Fine}}\n\n@article{x, title={a}\n")
    result = folio("import-bib", str(broken), "--yes")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("folio:")]
    assert errors == [f"folio: {broken}:line 3: Unexpectedly reached end of file."]
    assert "Parsing of" not in result.stderr
    assert [a["citekey"] for a in folio.json("list")] == ["ok"]  # type: ignore[union-attr]
