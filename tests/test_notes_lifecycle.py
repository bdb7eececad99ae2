"""Notes through article changes (re-anchoring), Markdown export and JSON round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Folio, write
from tests.fixtures import INTERVIEW

FOXES = "We are proud 'river foxes' and we know every sandbank"
INSERTED = "A paragraph the editors added later, about tug boats and their crews.\n\n"


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return write(tmp_path / "src" / "interview.txt", INTERVIEW)


@pytest.fixture
def noted(folio: Folio, source: Path) -> dict:
    """The interview with one note on the foxes quote."""
    assert folio("add", str(source)).exit_code == 0
    article = folio.json("list")[0]  # type: ignore[index]
    return folio.json(  # type: ignore[return-value]
        "note", article["id"], "-q", FOXES, "-m", "Pride", "-t", "pilots"
    )


def _only(folio: Folio, *args: str) -> dict:
    found = folio.json("notes", *args)["annotations"]  # type: ignore[index]
    assert len(found) == 1
    return found[0]


def test_reimport_with_an_inserted_paragraph_moves_the_note(
    folio: Folio, source: Path, noted: dict
) -> None:
    source.write_text(
        INTERVIEW.replace("The harbour pilots’ union", INSERTED + "The harbour pilots’ union")
    )
    added = folio("add", str(source))
    assert added.exit_code == 0 and "Updated" in added.stdout
    assert added.stderr == "folio: note: 1 note(s) re-anchored\n"
    note = _only(folio)
    assert note["state"] == "moved" and note["locator"] == "para. 3"
    assert note["target"]["start"] == noted["target"]["start"] + len(INSERTED)
    assert note["target"]["exact"] == noted["target"]["exact"]


def test_a_typo_fixed_inside_the_quote_keeps_the_note_on_its_words(
    folio: Folio, source: Path, noted: dict
) -> None:
    edited = INTERVIEW.replace("The harbour pilots’ union", INSERTED + "The harbour pilots’ union")
    source.write_text(edited.replace("every sandbank,", "every sand bank,"))
    added = folio("add", str(source))
    assert "folio: warning: 1 note(s) moved and need checking (see `folio notes`)" in added.stderr
    note = _only(folio)
    assert note["state"] == "fuzzy"
    assert note["target"]["exact"] == "We are proud ‘river foxes’ and we know every sand bank"
    listed = folio("notes")
    assert "check" in listed.stdout
    accepted = folio.json("note-edit", note["id"], "--accept")
    assert accepted["state"] == "anchored"  # type: ignore[index]


def test_deleting_the_paragraph_makes_an_orphan_not_a_wrong_match(
    folio: Folio, source: Path, noted: dict
) -> None:
    paragraph = next(p for p in INTERVIEW.split("\n\n") if "proud ‘river foxes’" in p)
    source.write_text(INTERVIEW.replace(paragraph + "\n\n", ""))
    added = folio("add", str(source))
    assert added.exit_code == 0 and "1 note(s) orphaned" in added.stderr
    assert "folio notes --orphans" in added.stderr
    note = _only(folio)
    assert note["state"] == "orphan" and note["note"] == "Pride" and note["tags"] == ["pilots"]
    assert note["target"]["exact"] == noted["target"]["exact"]  # kept for re-attaching
    assert _only(folio, "--orphans")["id"] == note["id"]
    assert "ORPHAN" in folio("notes").stdout
    markdown = folio("notes", "--format", "markdown").stdout
    assert "Orphaned notes" in markdown
    # Re-attach by hand to the look-alike sentence, on purpose.
    fixed = folio.json("note-edit", note["id"], "-q", "We are clever river foxes")
    assert fixed["state"] == "anchored" and folio.json("notes", "--orphans")["annotations"] == []  # type: ignore[index]


def test_markdown_export_groups_by_article_with_pandoc_citations(
    folio: Folio, noted: dict, tmp_path: Path
) -> None:
    key = noted["article"]["citekey"]
    out = tmp_path / "draft" / "notes.md"
    out.parent.mkdir()
    result = folio("notes", "--format", "markdown", "-o", str(out))
    assert result.exit_code == 0
    text = out.read_text()
    assert text.startswith(f"## Harbour Pilots Warn of a Busy Winter [@{key}]")
    assert "> We are proud ‘river foxes’ and we know every sandbank" in text
    assert "\nPride\n" in text and f"Tags: `pilots` · [@{key}, para. 2]" in text


def test_notes_json_round_trips_into_another_library(
    folio: Folio, noted: dict, source: Path, tmp_path: Path
) -> None:
    whole = folio.json("note", noted["article"]["id"], "-m", "About the whole piece")
    folio("tag", "add", noted["article"]["id"], "ports")
    exported = tmp_path / "notes.json"
    assert folio("notes", "--json", "-o", str(exported)).exit_code == 0

    other = Folio(tmp_path / "other-library")
    assert other("add", str(source)).exit_code == 0
    report = other.json("import-notes", str(exported))
    assert report == {
        "added": 2,
        "updated": 0,
        "unchanged": 0,
        "tagged_articles": 1,
        "unmatched": [],
        "aliases_added": 0,
        "alias_conflicts": [],
    }
    again = other.json("import-notes", str(exported))
    assert again["added"] == 0 and again["unchanged"] == 2  # type: ignore[index]
    mine = folio.json("notes")["annotations"]  # type: ignore[index]
    theirs = other.json("notes")["annotations"]  # type: ignore[index]
    strip = lambda items: [{k: v for k, v in a.items() if k != "article"} for a in items]  # noqa: E731
    assert strip(theirs) == strip(mine)
    assert {c["tag"] for c in other.json("tags")} == {"pilots", "ports"}  # type: ignore[union-attr]
    assert any(a["id"] == whole["id"] for a in theirs)  # type: ignore[index]
    assert other.json("search", "note:pride")  # indexed at once


def test_imported_notes_reanchor_onto_a_changed_text(
    folio: Folio, noted: dict, source: Path, tmp_path: Path
) -> None:
    exported = tmp_path / "notes.json"
    folio("notes", "--json", "-o", str(exported))
    moved_down = INTERVIEW.replace(
        "The harbour pilots’ union", INSERTED + "The harbour pilots’ union"
    )
    changed = write(tmp_path / "other-src" / "interview.txt", moved_down)
    other = Folio(tmp_path / "other-library")
    other("add", str(changed))
    # Different text, so the match is by citekey, and the passage is re-anchored.
    assert other.json("import-notes", str(exported))["added"] == 1  # type: ignore[index]
    note = other.json("notes")["annotations"][0]  # type: ignore[index]
    assert note["state"] == "moved" and note["target"]["start"] == noted["target"]["start"] + len(
        INSERTED
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "malformed JSON at line 1"),
        ('{"folio_notes": 99, "annotations": []}', "newer Folio"),
        ('{"annotations": []}', "not a Folio notes file"),
        ('{"folio_notes": 1, "annotations": {}}', "must be a list"),
        (
            '{"folio_notes": 1, "annotations": [{"article": {}, "target": {"exact": "x"}}]}',
            "offset",
        ),
        (b"\xff\xfe\x00bin", "not UTF-8"),
    ],
)
def test_bad_notes_files_are_refused_whole(
    folio: Folio, noted: dict, tmp_path: Path, content: str | bytes, message: str
) -> None:
    bad = write(tmp_path / "bad.json", content)
    result = folio("import-notes", str(bad))
    assert result.exit_code == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert len(folio.json("notes")["annotations"]) == 1  # type: ignore[index]


def test_notes_for_articles_not_in_the_library_are_reported(
    folio: Folio, noted: dict, tmp_path: Path
) -> None:
    exported = tmp_path / "notes.json"
    folio("notes", "--json", "-o", str(exported))
    empty = Folio(tmp_path / "empty-library")
    result = empty("import-notes", str(exported))
    assert result.exit_code == 1 and "not in this library" in result.stderr
    assert json.loads(exported.read_text())["folio_notes"] == 1


def test_check_reports_notes_left_unanchored_by_a_crash_and_repair_fixes_them(
    folio: Folio, noted: dict, library_dir: Path
) -> None:
    import sqlite3

    # As if the process died between changing the text and re-anchoring its notes.
    conn = sqlite3.connect(library_dir / "folio.db")
    conn.execute("UPDATE annotations SET anchored_on = 'old-text'")
    conn.commit()
    conn.close()
    result = folio("check", "--json")
    report = json.loads(result.stdout)
    assert result.exit_code == 1 and report["unanchored"] == 1 and not report["clean"]
    assert "notes to re-anchor" in folio("check").stdout
    repaired = folio("check", "--repair")
    assert repaired.exit_code == 0 and "clean" in repaired.stdout
    assert _only(folio)["state"] == "anchored"
