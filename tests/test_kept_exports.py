"""Exports kept current: registered, rewritten after every change to their articles with the
merge guarantees of a manual export, never clobbering a hand edit, never failing an edit."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from library.store import Library
from tests.conftest import Folio, write
from tests.fixtures import BEES, BEES_KEY, RIVER, RIVER_KEY
from tui.actions.articles import edit_metadata
from tui.actions.export import Selection, export
from tui.actions.exports import list_kept_exports, refresh_kept_exports


def _two(folio: Folio, tmp_path: Path) -> None:
    result = folio(
        "add", str(write(tmp_path / "b.txt", BEES)), str(write(tmp_path / "r.txt", RIVER))
    )
    assert result.exit_code == 0, result.output


def _entry(text: str, key: str) -> str:
    start = text.index("{" + key + ",")
    return text[start : text.index("\n}", start)]


def test_edit_rewrites_the_bib_and_a_hand_edited_entry_survives(
    folio: Folio, tmp_path: Path
) -> None:
    _two(folio, tmp_path)
    bib = tmp_path / "paper" / "refs.bib"
    write(bib, "% my paper's references\n@book{knuth1984,\n  title = {The TeXbook},\n}\n")
    result = folio("export", "--all", "-o", str(bib), "--merge", "--keep-updated")
    assert result.exit_code == 0, result.output
    assert "will be kept current" in result.stderr
    # The user edits Folio's river entry by hand: from now on it is theirs.
    text = bib.read_text()
    opening = "{" + RIVER_KEY + ",\n"
    bib.write_text(text.replace(opening, opening + "  note = {my own note},\n"))
    edited = folio("edit", BEES_KEY, "--title", "Urban Beekeepers Count a Record Year")
    assert edited.exit_code == 0, edited.output
    assert "kept current: Updated" in edited.stderr
    after = bib.read_text()
    assert "{Record} {Year}" in _entry(after, BEES_KEY)
    assert "my own note" in _entry(after, RIVER_KEY)  # the hand edit survived
    assert after.startswith("% my paper's references\n@book{knuth1984,")
    # Editing the river article now is told, not forced into the file, and the edit stands.
    river_edit = folio("edit", RIVER_KEY, "--site", "Marrow Courier")
    assert river_edit.exit_code == 0
    assert f"warning: {bib}:line" in river_edit.stderr and "not written" in river_edit.stderr
    assert "Courier" not in _entry(bib.read_text(), RIVER_KEY)
    assert folio.json("show", RIVER_KEY)["site"] == "Marrow Courier"


@pytest.mark.parametrize(
    "change",
    [
        ("tag", "add", BEES_KEY, "apiculture"),
        ("rekey", BEES_KEY, "--format", "auth.lower + year"),
        ("edit", BEES_KEY, "--date", "2024-01-02"),
    ],
)
def test_every_kind_of_change_reaches_the_file(
    folio: Folio, tmp_path: Path, change: tuple[str, ...]
) -> None:
    _two(folio, tmp_path)
    bib = tmp_path / "refs.bib"
    assert folio("export", BEES_KEY, "-o", str(bib), "--keep-updated").exit_code == 0
    before = bib.read_text()
    result = folio(*change)
    assert result.exit_code == 0, result.output
    after = bib.read_text()
    assert after != before
    assert (tmp_path / "refs.bib.bak").read_text() == before  # backups as for any export


def test_import_and_import_bib_and_collection_changes_reach_the_file(
    folio: Folio, tmp_path: Path
) -> None:
    _two(folio, tmp_path)
    folio("collection", "add", "ch1", BEES_KEY)
    bib = tmp_path / "refs.bib"
    assert folio("export", "--collection", "ch1", "-o", str(bib), "--keep-updated").exit_code == 0
    assert RIVER_KEY not in bib.read_text()
    folio("collection", "add", "ch1", RIVER_KEY)
    assert RIVER_KEY in bib.read_text()
    # import-bib filling in a field of an exported article
    entry = (
        "@online{KEY,\n  title = {Floodgates on the Marrow River Tested Before Winter},\n"
        "  author = {Lindqvist, Tomas and Ferreira, Ana},\n  date = {2021-03-03},\n"
        "  volume = {7},\n}\n"
    )
    other = write(tmp_path / "other.bib", entry.replace("KEY", RIVER_KEY))
    assert folio("import-bib", str(other), "--yes").exit_code == 0
    assert "volume = {7}" in bib.read_text()
    # a re-import of a changed file (same path) of an exported article
    write(tmp_path / "b.txt", BEES.replace("Urban Beekeepers Count", "City Beekeepers Count"))
    assert folio("add", str(tmp_path / "b.txt")).exit_code == 0
    assert "{City} {Beekeepers}" in bib.read_text()


def test_untouched_exports_are_not_rewritten(folio: Folio, tmp_path: Path) -> None:
    _two(folio, tmp_path)
    bib = tmp_path / "bees.bib"
    folio("export", BEES_KEY, "-o", str(bib), "--keep-updated")
    stamp = bib.stat().st_mtime_ns
    result = folio("edit", RIVER_KEY, "--site", "Elsewhere")
    assert result.exit_code == 0 and "kept current" not in result.stderr
    assert bib.stat().st_mtime_ns == stamp


def test_csl_json_is_replaced_only_while_it_is_folios(folio: Folio, tmp_path: Path) -> None:
    _two(folio, tmp_path)
    out = tmp_path / "refs.json"
    assert (
        folio("export", "--all", "--format", "csl-json", "-o", str(out), "--keep-updated").exit_code
        == 0
    )
    folio("edit", BEES_KEY, "--title", "Bees Again")
    assert "Again" in out.read_text()
    out.write_text(out.read_text().replace("Again", "said I"))
    result = folio("edit", BEES_KEY, "--title", "Bees Thrice")
    assert result.exit_code == 0
    assert "changed since Folio wrote it; not overwritten" in result.stderr
    assert "said I" in out.read_text() and "Thrice" not in out.read_text()


def test_a_file_that_cannot_be_written_is_a_warning_not_a_failure(
    folio: Folio, tmp_path: Path
) -> None:
    _two(folio, tmp_path)
    folder = tmp_path / "ro"
    bib = folder / "refs.bib"
    folder.mkdir()
    folio("export", "--all", "-o", str(bib), "--keep-updated")
    bib.unlink()
    gone = folio("edit", BEES_KEY, "--title", "Bees Gone")
    assert gone.exit_code == 0 and "the file is gone" in gone.stderr
    folio("export", "--all", "-o", str(bib), "--keep-updated")
    if os.geteuid() != 0:  # root writes into read-only folders
        folder.chmod(0o555)
        try:
            result = folio("edit", BEES_KEY, "--title", "Bees Locked")
            assert result.exit_code == 0 and "warning" in result.stderr
            assert folio.json("show", BEES_KEY)["title"] == "Bees Locked"
        finally:
            folder.chmod(0o755)
    listed = folio.json("exports")
    assert listed[0]["path"] == str(bib.resolve())


def test_exports_list_rm_and_refresh(folio: Folio, tmp_path: Path) -> None:
    _two(folio, tmp_path)
    bib = tmp_path / "refs.bib"
    folio("export", "--tag", "x", "-o", str(bib), "--keep-updated")  # selects nothing: fails
    assert folio.json("exports") == []
    folio("tag", "add", BEES_KEY, "thesis")
    assert folio("export", "--tag", "thesis", "-o", str(bib), "--keep-updated").exit_code == 0
    listed = folio.json("exports")
    assert [(e["format"], e["selection"]) for e in listed] == [
        ("biblatex", {"kind": "tag", "value": "thesis"})
    ]
    text = folio("exports").stdout
    assert "tag thesis" in text and str(bib.resolve()) in text
    folio("tag", "add", RIVER_KEY, "thesis")
    assert RIVER_KEY in bib.read_text()
    assert folio("exports", "refresh").exit_code == 0
    stopped = folio("exports", "rm", str(bib))
    assert stopped.exit_code == 0
    assert folio.json("exports") == []
    folio("edit", BEES_KEY, "--title", "Not Any More")
    assert "{Not} {Any} {More}" not in bib.read_text()
    assert folio("exports", "rm", str(bib)).exit_code == 1


def test_keep_updated_needs_a_file_and_refuses_force_replace(folio: Folio, tmp_path: Path) -> None:
    _two(folio, tmp_path)
    assert folio("export", "--all", "--keep-updated").exit_code == 2
    result = folio(
        "export",
        "--all",
        "-o",
        str(tmp_path / "r.bib"),
        "--merge",
        "--keep-updated",
        "--force-replace",
        BEES_KEY,
    )
    assert result.exit_code == 2


def test_a_change_made_while_the_outbox_was_not_read_is_caught_up(
    library: Library, tmp_path: Path
) -> None:
    """A crash between the commit and the rewrite: the outbox remembers the change."""
    from library.metadata import save_metadata
    from tui.actions.importing import import_paths

    import_paths(library, [str(write(tmp_path / "b.txt", BEES))])
    bib = tmp_path / "refs.bib"
    export(library, Selection(everything=True), output=bib, keep_updated=True)
    save_metadata(library, BEES_KEY, {"title": "Written Behind Its Back"})  # no action: no refresh
    assert "{Written} {Behind}" not in bib.read_text()
    outcome = edit_metadata(library, BEES_KEY, {"site": "Hive News"})
    assert "{Written} {Behind}" in bib.read_text() and "Hive News" in bib.read_text()
    assert [n.kind for n in outcome.warnings] == ["export-kept-current"]
    assert refresh_kept_exports(library).value == []  # the outbox is empty again
    assert list_kept_exports(library).value[0].last_error is None


def test_json_listing_shape(folio: Folio, tmp_path: Path) -> None:
    _two(folio, tmp_path)
    folio("export", BEES_KEY, "-o", str(tmp_path / "r.bib"), "--keep-updated", "--backups", "0")
    [item] = folio.json("exports")
    assert set(item) == {
        "path",
        "selection",
        "format",
        "options",
        "created_at",
        "refreshed_at",
        "last_error",
    }
    assert item["selection"]["kind"] == "refs" and item["options"]["backups"] == 0
    assert json.dumps(item)
