"""Locators: body paragraph numbers, printed page labels, and the migration that recomputes
the locators of notes made under the old rules."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from library.database import MIGRATIONS, _statements
from library.locators import LOCATOR_VERSION
from library.pages import page_boundaries, page_label_at
from library.paragraphs import numbered_paragraphs
from tests.conftest import Folio, write
from tests.fixtures import INTERVIEW

FOXES = "We are proud 'river foxes' and we know every sandbank"


def numbers(text: str, **kwargs: object) -> list[tuple[int | None, str]]:
    """(number, first words) of each paragraph."""
    return [
        (p.number, " ".join(text[p.start : p.end].split()[:3]))
        for p in numbered_paragraphs(text, **kwargs)  # type: ignore[arg-type]
    ]


# --- body paragraphs ---------------------------------------------------------------------


def test_headline_byline_and_dateline_are_not_counted() -> None:
    assert numbers(INTERVIEW, title="Harbour Pilots Warn of a Busy Winter")[:5] == [
        (None, "Harbour Pilots Warn"),
        (None, "By Leena Virtanen"),
        (None, "October 12, 2024"),
        (1, "The harbour pilots’"),
        (2, "“We are proud"),
    ]


def test_standfirst_is_not_counted_and_body_headings_are() -> None:
    text = (
        "Mills of the North\n\nWhy the mills stop in winter.\n\n"
        "The mills stop when the river freezes.\n\nThey start again in April.\n"
    )
    assert numbers(text, title="Mills of the North", subtitle="Why the mills stop in winter.") == [
        (None, "Mills of the"),
        (None, "Why the mills"),
        (1, "The mills stop"),
        (2, "They start again"),
    ]


def test_markdown_headings_are_not_counted_anywhere() -> None:
    text = (
        "# Mills of the North\n\nThe mills stop in winter.\n\n## Spring\n\n"
        "They start again in April.\n\nSpring\n------\n\nThe ice breaks.\n"
    )
    assert [n for n, _ in numbers(text, markdown=True, title="Mills of the North")] == [
        None, 1, None, 2, None, 3,
    ]  # fmt: skip


def test_a_one_sentence_lead_with_a_guessed_title_is_paragraph_one() -> None:
    # A title guessed from the first sentence is not passed: the lead stays paragraph 1.
    text = "A single sentence about rivers.\n\nAnother sentence about mills.\n"
    assert numbers(text) == [(1, "A single sentence"), (2, "Another sentence about")]


def test_a_short_first_line_without_a_full_stop_is_a_headline() -> None:
    text = "Rivers in Winter\nThe mills stop when the river freezes.\nThey start in April.\n"
    assert [n for n, _ in numbers(text)] == [None, 1, 2]


def test_one_paragraph_per_line_captures() -> None:
    text = "Rivers in Winter\nBy Jane Doe\n3 March 2021\nThe mills stop.\nThey start again.\n"
    assert [n for n, _ in numbers(text, title="Rivers in Winter")] == [None, None, None, 1, 2]


# --- pages ---------------------------------------------------------------------------------


def test_page_labels_are_the_printed_numbers() -> None:
    pages, labels = [0, 100, 250, 400], ["i", "ii", "1", "2"]
    assert page_label_at(pages, labels, 120) == "ii"
    assert page_label_at(pages, labels, 400) == "2"
    assert page_label_at(pages, None, 260) == "3"
    boundaries = page_boundaries(pages, labels)
    assert [(b.offset, b.number, b.label) for b in boundaries] == [
        (0, 1, "i"), (100, 2, "ii"), (250, 3, "1"), (400, 4, "2"),
    ]  # fmt: skip
    assert page_boundaries(None, None) == []


# --- notes and the migration ------------------------------------------------------------------


@pytest.fixture
def noted(folio: Folio, tmp_path: Path) -> dict:
    """The interview with one note on the foxes quote."""
    path = write(tmp_path / "src" / "interview.txt", INTERVIEW)
    assert folio("add", str(path)).exit_code == 0
    article = folio.json("list")[0]  # type: ignore[index]
    return folio.json("note", article["id"], "-q", FOXES, "-m", "Pride")  # type: ignore[return-value]


def test_a_new_note_gets_the_body_paragraph(noted: dict) -> None:
    assert noted["locator"] == "para. 2"


def test_locators_made_under_old_rules_are_recomputed_without_moving_the_note(
    folio: Folio, noted: dict, library_dir: Path
) -> None:
    # As a note made before the body-paragraph rules: headline, byline and date counted.
    with sqlite3.connect(library_dir / "folio.db") as conn:
        conn.execute(
            "UPDATE annotations SET locator = 'para. 5', state = 'moved', locator_version = 0"
        )
    listed = folio.json("notes")["annotations"]  # type: ignore[index]
    assert [(n["locator"], n["state"]) for n in listed] == [("para. 2", "moved")]
    assert listed[0]["target"] == noted["target"]
    with sqlite3.connect(library_dir / "folio.db") as conn:
        (version,) = conn.execute("SELECT locator_version FROM annotations").fetchone()
    assert version == LOCATOR_VERSION


def _migration_index() -> int:
    """Where this feature's migration sits among the others (their order is the lead's)."""
    return next(i for i, script in enumerate(MIGRATIONS) if "locator_version" in script)


def test_the_migration_marks_every_note_for_relocation_and_pdf_dates_as_guesses(
    tmp_path: Path,
) -> None:
    ours = _migration_index()
    conn = sqlite3.connect(tmp_path / "old.db")
    for script in MIGRATIONS[:ours]:
        for statement in _statements(script):
            conn.execute(statement)
    common = "text, text_sha256, format, added_at, modified_at"
    conn.execute(
        f"INSERT INTO articles (id, citekey, origins, {common}) VALUES"
        ' (\'p1\', \'k2020report\', \'{"title": "found", "date": "found"}\','
        " 'x', 'h', 'pdf', 'now', 'now'),"
        " ('t1', 'k2021web', '{\"date\": \"found\"}', 'y', 'h', 'txt', 'now', 'now')"
    )
    conn.execute(
        "INSERT INTO annotations (id, article_pk, exact, pos_start, pos_end, anchored_on,"
        " state, locator, created_at, modified_at)"
        " VALUES ('n222222', 2, 'y', 0, 1, 'h', 'anchored', 'para. 3', 'now', 'now')"
    )
    for statement in _statements(MIGRATIONS[ours]):
        conn.execute(statement)
    origins = dict(conn.execute("SELECT id, origins FROM articles").fetchall())
    assert json.loads(origins["p1"]) == {"title": "found", "date": "guessed"}
    assert json.loads(origins["t1"]) == {"date": "found"}
    assert conn.execute("SELECT locator, locator_version FROM annotations").fetchall() == [
        ("para. 3", 0)
    ]
    assert conn.execute("SELECT page_labels FROM articles").fetchall() == [(None,), (None,)]
    conn.close()
