"""The issue's acceptance case on the real captures: Serenko's quote in 000 and 001."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import Folio

TYPED = "They are wonderful 'jihadi businessmen'"
INSERTED = "An editor's note added to this copy of the page, well before the quote.\n\n"


def _copy(seeds: Path, prefix: str, folder: Path) -> Path:
    source = next(seeds.glob(f"{prefix}_*.txt"))
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(source, folder / source.name))


@pytest.fixture
def both(folio: Folio, seeds: Path, tmp_path: Path) -> tuple[Path, dict, dict]:
    """000 and 001 imported from copies (so 000's copy can be edited and re-imported)."""
    first = _copy(seeds, "000", tmp_path / "src")
    second = _copy(seeds, "001", tmp_path / "src")
    assert folio("add", str(first), str(second)).exit_code == 0
    by_path = {Path(a["source_path"]).name: a for a in folio.json("list")}  # type: ignore[union-attr]
    return first, by_path[first.name], by_path[second.name]


def _paragraph_with(text: str, words: str) -> str:
    return next(p for p in text.split("\n") if words in p)


def test_straight_quotes_anchor_to_the_curly_text_in_000(folio: Folio, both: tuple) -> None:
    _, article, _ = both
    made = folio.json("note", article["id"], "-q", TYPED, "-m", "Serenko's view")
    exact = made["target"]["exact"]  # type: ignore[index]
    assert exact.startswith("They are wonderful ") and "jihadi businessmen" in exact
    assert "‘" in exact and "'" not in exact  # the stored, curly text
    assert made["locator"].startswith("para. ")  # type: ignore[index]


def test_the_same_words_in_001_are_a_separate_passage(folio: Folio, both: tuple) -> None:
    _, first, second = both
    one = folio.json("note", first["id"], "-q", TYPED, "-m", "in 000")
    two = folio.json("note", second["id"], "-q", TYPED, "-m", "in 001")
    assert one["article"]["id"] != two["article"]["id"]  # type: ignore[index]
    assert one["id"] != two["id"]  # type: ignore[index]
    assert len(folio.json("notes", first["id"])["annotations"]) == 1  # type: ignore[index]
    assert len(folio.json("notes", second["id"])["annotations"]) == 1  # type: ignore[index]


def test_editing_000_keeps_the_note_on_the_right_words(folio: Folio, both: tuple) -> None:
    path, article, _ = both
    made = folio.json("note", article["id"], "-q", TYPED, "-m", "Serenko's view")
    text = path.read_text(encoding="utf-8")
    paragraph = _paragraph_with(text, "jihadi businessmen")
    fixed = paragraph.replace("wonderful", "wonderfull", 1)  # a one-letter change inside it
    path.write_text(text.replace(paragraph, INSERTED + fixed), encoding="utf-8")
    assert "Updated" in folio("add", str(path)).stdout
    note = folio.json("notes", article["id"])["annotations"][0]  # type: ignore[index]
    assert note["state"] == "fuzzy" and note["id"] == made["id"]  # type: ignore[index]
    assert note["target"]["exact"].startswith("They are wonderfull ")
    assert note["target"]["start"] > made["target"]["start"]  # type: ignore[index]


def test_deleting_the_paragraph_makes_an_orphan(folio: Folio, both: tuple) -> None:
    path, article, _ = both
    folio.json("note", article["id"], "-q", TYPED, "-m", "Serenko's view")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(_paragraph_with(text, "jihadi businessmen"), ""), encoding="utf-8")
    folio("add", str(path))
    note = folio.json("notes", article["id"])["annotations"][0]  # type: ignore[index]
    assert note["state"] == "orphan" and note["note"] == "Serenko's view"
