"""Merging into a paper's .bib: Folio's entries replaced, every other byte kept; atomic
writes with a backup; refusals that leave the file alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from library.bibentries import BibEntry, BibField
from library.bibmerge import BibParseError, Ownership, merge_bib
from library.bibsync import SeenEntry
from library.bibtext import entry_hash
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


def _owning(text: str, key: str, **pks: int) -> Ownership:
    """Ownership where Folio wrote `text` as the entry `key` of article 1."""
    return Ownership(seen={key.lower(): SeenEntry(key, entry_hash(text), 1)}, pks=pks)


def test_merge_replaces_owned_entries_and_keeps_every_other_byte() -> None:
    existing = (UNRELATED_HEAD + OWNED + UNRELATED_TAIL).encode("utf-8")
    entries = [_entry("mine2024", "New"), _entry("fresh2025", "Added")]
    merged = merge_bib(existing, entries, ownership=_owning(OWNED, "Mine2024", mine2024=1))
    assert merged.replaced == ["Mine2024"] and merged.appended == ["fresh2025"]
    out = merged.data.decode("utf-8")
    # Replaced under the file's own key: the paper cites it so.
    replacement = _entry("Mine2024", "New").render()
    assert out.startswith(UNRELATED_HEAD + replacement + UNRELATED_TAIL)
    assert out.endswith(_entry("fresh2025", "Added").render() + "\n")
    assert "Old title" not in out
    assert [key for key, _, _ in merged.owned] == ["Mine2024"]


def test_an_entry_that_is_not_folios_is_never_replaced() -> None:
    existing = (UNRELATED_HEAD + OWNED + UNRELATED_TAIL).encode("utf-8")
    merged = merge_bib(existing, [_entry("mine2024", "New")], ownership=Ownership(pks={}))
    assert merged.replaced == [] and merged.data == existing
    [conflict] = merged.conflicts
    assert (conflict.key, conflict.line, conflict.reason) == ("Mine2024", 9, "not Folio's entry")
    # Changed by hand since Folio wrote it: not Folio's own any more either.
    edited = _owning(OWNED.replace("Old", "Older"), "Mine2024", mine2024=1)
    merged = merge_bib(existing, [_entry("mine2024", "New")], ownership=edited)
    assert merged.conflicts[0].reason == "changed since Folio wrote or read it"
    forced = Ownership(pks={"mine2024": 1}, force=frozenset({"mine2024"}))
    merged = merge_bib(existing, [_entry("mine2024", "New")], ownership=forced)
    assert merged.replaced == ["Mine2024"] and not merged.conflicts


def test_merge_keeps_bytes_that_are_not_utf8_and_crlf_line_ends() -> None:
    existing = b"@misc{latin, title = {Caf\xe9}}\r\n@misc{mine, title = {x}}\r\n"
    owning = _owning("@misc{mine, title = {x}}", "mine", mine=1)
    title = "Caf\u00e9 \u0142\u00f3d\u017a"  # é fits Latin-1; ł and ź do not
    merged = merge_bib(existing, [_entry("mine", title)], ownership=owning)
    # A Latin-1 file stays Latin-1: what it cannot hold is written as LaTeX.
    assert merged.data.startswith(b"@misc{latin, title = {Caf\xe9}}\r\n@online{mine,\r\n")
    assert b"title = {Caf\xe9 {\\l}\xf3d{\\'{z}}}," in merged.data


def test_merge_refuses_characters_the_files_encoding_cannot_hold() -> None:
    from library.bibmerge import EncodingRefused

    existing = b"% Encoding: ISO8859_1\n@misc{mine, title = {x}}\n"
    owning = _owning("@misc{mine, title = {x}}", "mine", mine=1)
    with pytest.raises(EncodingRefused, match="U\\+0416"):
        merge_bib(existing, [_entry("mine", "\u0416urnal")], ownership=owning)


def test_merge_accepts_what_bibtex_and_biber_accept() -> None:
    existing = (
        "@misc{a, title = {x}, Title = {y}}\n"
        "@misc{a, title = {again}}\n"
        "@Misc{b,\n  % author = {Commented Out},\n  TITLE = {z}, % trailing\n}\n"
    )
    merged = merge_bib(existing.encode(), [_entry("new", "n")], ownership=Ownership())
    assert merged.data.decode().startswith(existing) and merged.appended == ["new"]


def test_merge_refuses_a_file_that_does_not_parse() -> None:
    with pytest.raises(BibParseError, match="line"):
        merge_bib(b"@misc{a, title = {unclosed}\n", [_entry("mine", "y")])


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
    # The file's entry under that key was not written by Folio: a conflict, nothing written.
    refused = folio("export", key, "-o", str(paper), "--merge")
    assert refused.exit_code == 1, refused.output
    assert f"paper.bib:line 9: {key}: not Folio's entry" in refused.stderr
    assert "--force-replace" in refused.stderr and paper.read_text(encoding="utf-8") == before
    result = folio("export", key, "-o", str(paper), "--merge", "--force-replace", key)
    assert result.exit_code == 0, result.output
    assert "1 replaced, 0 added" in result.stdout
    after = paper.read_text(encoding="utf-8")
    assert after.startswith(UNRELATED_HEAD) and after.endswith(UNRELATED_TAIL)
    assert "{Drones} \\& {Taliban}" in after and "Old title" not in after
    assert (tmp_path / "paper.bib.bak").read_text(encoding="utf-8") == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    # Folio's own now: edits in Folio replace it; a second run with nothing new writes nothing.
    assert folio("edit", key, "--title", "Drones again").exit_code == 0
    again = folio("export", key, "-o", str(paper), "--merge")
    assert again.exit_code == 0 and "1 replaced" in again.stdout, again.output
    assert "{Drones} again" in paper.read_text(encoding="utf-8")
    idle = folio("export", key, "-o", str(paper), "--merge")
    assert idle.exit_code == 0 and "up to date" in idle.stdout
    assert (tmp_path / "paper.bib.bak.1").read_text(encoding="utf-8") == before
    assert not (tmp_path / "paper.bib.bak.2").exists()


def test_backups_rotate_and_their_number_is_configurable(
    folio: Folio, one_article: dict, tmp_path: Path
) -> None:
    target = tmp_path / "refs.bib"
    versions = []
    for n in range(4):
        target.write_text(f"% version {n}\n", encoding="utf-8")
        versions.append(target.read_text())
        forced = folio("export", "--all", "-o", str(target), "--force", "--backups", "2")
        assert forced.exit_code == 0
    assert (tmp_path / "refs.bib.bak").read_text() == versions[3]
    assert (tmp_path / "refs.bib.bak.1").read_text() == versions[2]
    assert not (tmp_path / "refs.bib.bak.2").exists()
    for n in range(3):
        assert folio("edit", one_article["id"], "--title", f"T{n}").exit_code == 0
        merged = folio("export", "--all", "-o", str(target), "--merge", "--backups", "2")
        assert merged.exit_code == 0, merged.output
    assert "{T1}" in (tmp_path / "refs.bib.bak").read_text()
    assert "{T0}" in (tmp_path / "refs.bib.bak.1").read_text()
    assert not (tmp_path / "refs.bib.bak.2").exists()
    negative = folio("export", "--all", "-o", str(target), "--merge", "--backups", "-1")
    assert negative.exit_code == 2 and negative.stderr.count("\n") == 1


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
