"""Merging into a paper's .bib: Folio's entries replaced, every other byte kept; atomic
writes with a backup; refusals that leave the file alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from library.bibentries import BibEntry, BibField
from library.bibmerge import BibParseError, merge_bib
from tests.conftest import Folio, write

# Odd formatting on purpose: tabs, parentheses, a macro, comments, CRLF-free but ragged.
UNRELATED_HEAD = (
    "% My thesis bibliography — hand-edited, keep as is\n"
    '@string{ fp = "Foreign Policy" }\n'
    "@comment{ jabref-meta: databaseType:biblatex; }\n"
    "\n"
    "@Book( knuth1984,\n\tauthor={Donald E. Knuth},  title = {The {\\TeX}book},\n"
    "\tyear = 1984 , publisher = fp )\n"
    "\n"
)
OWNED = "@online{Mine2024,\n  title = {Old title},\n}"
UNRELATED_TAIL = '\n\n  @misc{other,   note = "quoted {braces} value" }\n% trailing comment'


def _entry(key: str, title: str) -> BibEntry:
    return BibEntry("online", key, [BibField("title", title), BibField("url", "https://e.org/")])


def test_merge_replaces_owned_entries_and_keeps_every_other_byte() -> None:
    existing = (UNRELATED_HEAD + OWNED + UNRELATED_TAIL).encode("utf-8")
    merged = merge_bib(existing, [_entry("mine2024", "New"), _entry("fresh2025", "Added")])
    assert merged.replaced == ["mine2024"] and merged.appended == ["fresh2025"]
    out = merged.data.decode("utf-8")
    replacement = _entry("mine2024", "New").render()
    assert out.startswith(UNRELATED_HEAD + replacement + UNRELATED_TAIL)
    assert out.endswith(_entry("fresh2025", "Added").render() + "\n")
    assert "Old title" not in out


def test_merge_keeps_bytes_that_are_not_utf8_and_crlf_line_ends() -> None:
    existing = b"@misc{latin, title = {Caf\xe9}}\r\n@misc{mine, title = {x}}\r\n"
    out = merge_bib(existing, [_entry("mine", "y")]).data
    assert out.startswith(b"@misc{latin, title = {Caf\xe9}}\r\n@online{mine,\r\n")


@pytest.mark.parametrize(
    "broken",
    [
        "@misc{a, title = {unclosed}\n",
        "@misc{a, title = {x}}\n@misc{a, title = {y}}\n",
        "@misc{a, title = {x}, title = {y}}\n",
    ],
)
def test_merge_refuses_a_file_that_does_not_parse(broken: str) -> None:
    with pytest.raises(BibParseError, match="line"):
        merge_bib(broken.encode(), [_entry("mine", "y")])


@pytest.fixture
def one_article(folio: Folio, tmp_path: Path) -> dict:
    page = write(
        tmp_path / "in" / "a.md",
        "---\ntitle: Drones & Taliban\nauthor: Jane Roe\n"
        "date: 2021-08-30\nurl: https://example.org/drones\n---\n\nBody text here.\n",
    )
    result = folio("add", str(page), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_cli_merge_updates_the_paper_bib_and_keeps_a_backup(
    folio: Folio, one_article: dict, tmp_path: Path
) -> None:
    key = one_article["citekey"]
    paper = tmp_path / "paper.bib"
    before = UNRELATED_HEAD + OWNED.replace("Mine2024", key) + UNRELATED_TAIL
    paper.write_text(before, encoding="utf-8")
    result = folio("export", key, "-o", str(paper), "--merge")
    assert result.exit_code == 0, result.output
    assert "1 replaced, 0 added" in result.stdout
    after = paper.read_text(encoding="utf-8")
    assert after.startswith(UNRELATED_HEAD) and after.endswith(UNRELATED_TAIL)
    assert "{Drones} \\& {Taliban}" in after and "Old title" not in after
    assert (tmp_path / "paper.bib.bak").read_text(encoding="utf-8") == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_cli_merge_into_unparsable_bib_changes_nothing(
    folio: Folio, one_article: dict, tmp_path: Path
) -> None:
    paper = write(tmp_path / "paper.bib", "@misc{a, title = {x}\n@misc{b, title={y}}\n")
    before = paper.read_bytes()
    result = folio("export", "--all", "-o", str(paper), "--merge")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "does not parse, nothing changed" in result.stderr
    assert paper.read_bytes() == before and not (tmp_path / "paper.bib.bak").exists()


def test_export_refuses_to_overwrite_without_force(
    folio: Folio, one_article: dict, tmp_path: Path
) -> None:
    target = write(tmp_path / "refs.bib", "precious")
    refused = folio("export", "--all", "-o", str(target))
    assert refused.exit_code == 1 and "--force" in refused.stderr
    assert target.read_text() == "precious"
    forced = folio("export", "--all", "-o", str(target), "--force")
    assert forced.exit_code == 0 and target.read_text().startswith("@online{")
    assert (tmp_path / "refs.bib.bak").read_text() == "precious"


def test_export_to_an_unwritable_path_is_one_line_and_writes_nothing(
    folio: Folio, one_article: dict, tmp_path: Path
) -> None:
    blocker = write(tmp_path / "not-a-folder", "x")
    result = folio("export", "--all", "-o", str(blocker / "refs.bib"))
    assert result.exit_code != 0 and result.stderr.startswith("folio: ")
    assert result.stderr.count("\n") == 1
    missing = folio("export", "--all", "-o", str(tmp_path / "no" / "such" / "refs.bib"))
    assert missing.exit_code != 0 and missing.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "lib", "not-a-folder"]


def test_csl_json_export(folio: Folio, one_article: dict, tmp_path: Path) -> None:
    result = folio("export", "--all", "--format", "csl-json")
    assert result.exit_code == 0, result.output
    [item] = json.loads(result.stdout)
    assert item["id"] == one_article["citekey"]
    assert item["author"] == [{"family": "Roe", "given": "Jane"}]
    assert item["issued"] == {"date-parts": [[2021, 8, 30]]}
    assert item["URL"] == "https://example.org/drones" and "accessed" in item
    assert item["title"] == 'Drones & <span class="nocase">Taliban</span>'
