"""Notes and tags on passages, through the CLI: create, find, list, edit, delete."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Folio, write
from tests.fixtures import BEES, INTERVIEW

FOXES = "We are proud 'river foxes' and we know every sandbank"
PROUD = "proud 'river foxes'"


@pytest.fixture
def article(folio: Folio, tmp_path: Path) -> dict:
    """The interview, imported; its JSON listing entry."""
    result = folio("add", str(write(tmp_path / "src" / "interview.txt", INTERVIEW)))
    assert result.exit_code == 0, result.output
    return folio.json("list")[0]


def _note(folio: Folio, *args: str) -> dict:
    return folio.json("note", *args)  # type: ignore[return-value]


def _annotations(folio: Folio, *args: str) -> list[dict]:
    return folio.json("notes", *args)["annotations"]  # type: ignore[index]


def test_straight_quotes_anchor_to_the_curly_text(folio: Folio, article: dict) -> None:
    made = _note(folio, article["id"], "--quote", FOXES, "--note", "Pride of the trade")
    target = made["target"]
    assert target["exact"] == "We are proud ‘river foxes’ and we know every sandbank"
    text = folio.json("show", article["id"])["text"]  # type: ignore[index]
    assert text[target["start"] : target["end"]] == target["exact"]
    # Body paragraphs: the headline, byline and dateline above are not counted.
    assert made["state"] == "anchored" and made["locator"] == "para. 2"
    assert made["note"] == "Pride of the trade" and made["id"].startswith("n")


def test_dashes_and_spacing_in_a_typed_quote_are_forgiven(folio: Folio, article: dict) -> None:
    made = _note(folio, article["id"], "-q", "chair,  Piet A. Vos - who  has guided")
    assert made["target"]["exact"] == "chair, Piet A. Vos — who has guided"


def test_an_ambiguous_quote_lists_occurrences_and_changes_nothing(
    folio: Folio, article: dict
) -> None:
    result = folio("note", article["id"], "-q", "a gamble with the tides", "-m", "x")
    assert result.exit_code == 2
    assert "occurs 2 times" in result.stderr and "--occurrence" in result.stderr
    assert "1: …" in result.stderr and "2: …" in result.stderr
    assert _annotations(folio) == []
    second = _note(folio, article["id"], "-q", "a gamble with the tides", "--occurrence", "2")
    first = _note(folio, article["id"], "-q", "gamble with the tides", "--before", "was “a")
    assert second["target"]["start"] > first["target"]["start"]
    assert first["target"]["prefix"].endswith("was “a ")


def test_a_quote_not_in_the_article_shows_the_closest_passages(folio: Folio, article: dict) -> None:
    result = folio("note", article["id"], "-q", "We are proud river wolves and we know")
    assert result.exit_code == 1
    assert "not in" in result.stderr and "nothing was changed" in result.stderr
    assert "Closest passages" in result.stderr and "river foxes" in result.stderr
    assert _annotations(folio) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-q", "   "], "the quote is empty"),
        (["-q", "word " * 400], "longer than the text"),
        (["--start", "5", "--end", "3"], "reversed"),
        (["--start", "0", "--end", "99999"], "past the end"),
        (["--start", "4"], "need both"),
        (["-q", "sandbank", "--start", "1", "--end", "4"], "not both"),
        (["-q", "sandbank", "--occurrence", "3"], "--occurrence 3"),
        (["-q", "sandbank", "--tag", "  "], "cannot be empty"),
        (["-q", "sandbank", "--tag", "!!/??"], "at least one letter"),
        (["-q", "sandbank", "--tag", "a,b"], "comma"),
    ],
)
def test_bad_passages_and_tags_are_one_line_errors(
    folio: Folio, article: dict, args: list[str], message: str
) -> None:
    result = folio("note", article["id"], *args)
    assert result.exit_code != 0
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert _annotations(folio) == []


def test_unknown_refs_are_errors(folio: Folio, article: dict) -> None:
    for args in (["note", "nosuch", "-q", "x"], ["note-edit", "n2345678", "-m", "x"],
                 ["note-rm", "n2345678", "--yes"], ["quote", "nzzzzzz"],
                 ["tag", "add", "nzzzzzz", "t"]):  # fmt: skip
        result = folio(*args)
        assert result.exit_code == 1 and "no " in result.stderr, args


def test_offsets_and_whole_article_notes(folio: Folio, article: dict) -> None:
    by_offsets = _note(folio, article["id"], "--start", "0", "--end", "7", "-m", "headline")
    # The headline is not a body paragraph: a passage there has no locator.
    assert by_offsets["target"]["exact"] == "Harbour" and by_offsets["locator"] is None
    whole = _note(folio, article["id"], "-m", "Read again before the deadline")
    assert whole["target"] is None and whole["state"] == "article"
    listed = folio("notes", article["id"])
    assert "whole article" in listed.stdout and "header (no locator)" in listed.stdout


def test_tags_are_case_insensitive_hierarchical_and_listed(folio: Folio, article: dict) -> None:
    made = _note(folio, article["id"], "-q", PROUD, "-t", "People/Pilots", "-t", "#ports")
    assert made["tags"] == ["People/Pilots", "ports"]
    folio("tag", "add", article["id"], "PORTS", "places/harbour")
    counts = {c["tag"]: c for c in folio.json("tags")}  # type: ignore[union-attr]
    assert counts["ports"] == {"tag": "ports", "articles": 1, "annotations": 1}
    assert set(counts) == {"People/Pilots", "ports", "places/harbour"}
    assert [a["id"] for a in _annotations(folio, "--tag", "people")] == [made["id"]]
    assert [a["id"] for a in _annotations(folio, "--tag", "people/pilots")] == [made["id"]]
    assert _annotations(folio, "--tag", "peop") == []
    removed = folio("tag", "rm", made["id"], "people/pilots")
    assert removed.exit_code == 0 and "1 tag(s) removed" in removed.stdout
    assert "People/Pilots" not in {c["tag"] for c in folio.json("tags")}  # type: ignore[union-attr]


def test_tag_rename_merges_and_moves_children(folio: Folio, article: dict) -> None:
    one = _note(folio, article["id"], "-q", PROUD, "-t", "groups/pilots", "-t", "harbor")
    folio("tag", "add", article["id"], "harbour")
    assert folio("tag-rename", "harbor", "harbour").exit_code == 0
    assert folio("tag-rename", "groups", "actors").exit_code == 0
    names = {c["tag"]: c for c in folio.json("tags")}  # type: ignore[union-attr]
    assert set(names) == {"actors/pilots", "harbour"}
    assert names["harbour"]["articles"] == 1 and names["harbour"]["annotations"] == 1
    assert folio.json("note-edit", one["id"], "-m", "x")["tags"] == ["actors/pilots", "harbour"]  # type: ignore[index]
    missing = folio("tag-rename", "nosuchtag", "other")
    assert missing.exit_code == 2 and "no such tag" in missing.stderr


def test_notes_and_tags_are_searchable_at_once(folio: Folio, article: dict, tmp_path: Path) -> None:
    folio("add", str(write(tmp_path / "src" / "bees.txt", BEES)))
    keepers = "Compare with the lighthouse keepers"
    made = _note(folio, article["id"], "-q", PROUD, "-m", keepers, "-t", "central-asia/ports")
    hits = folio.json("search", "note:lighthouse")
    assert [hit["id"] for hit in hits] == [article["id"]]  # type: ignore[index]
    assert [hit["id"] for hit in folio.json("search", "tag:central-asia")] == [article["id"]]  # type: ignore[union-attr]
    assert [hit["id"] for hit in folio.json("search", "lighthouse")] == [article["id"]]  # type: ignore[union-attr]
    found = folio.json("search", "--notes", "lighthouse")
    assert [hit["id"] for hit in found] == [made["id"]]  # type: ignore[union-attr]
    assert found[0]["article"]["id"] == article["id"] and found[0]["note_highlights"]  # type: ignore[index]
    assert folio.json("search", "--notes", "tag:central-asia")[0]["id"] == made["id"]  # type: ignore[index]
    assert folio.json("search", "--notes", "honey") == []
    assert folio("note-rm", made["id"], "--yes").exit_code == 0
    assert folio.json("search", "note:lighthouse") == []
    assert folio.json("search", "--notes", "lighthouse") == []
    assert folio.json("check")["clean"]  # type: ignore[index]


def test_note_edit_accept_and_delete_asks(folio: Folio, article: dict) -> None:
    made = _note(folio, article["id"], "-q", PROUD, "-m", "first")
    edited = folio.json("note-edit", made["id"], "--note", "second thoughts")
    assert edited["note"] == "second thoughts" and edited["created"] == made["created"]  # type: ignore[index]
    moved = folio.json("note-edit", made["id"], "-q", "every sandbank")
    assert moved["target"]["exact"] == "every sandbank" and moved["note"] == "second thoughts"  # type: ignore[index]
    nothing = folio("note-edit", made["id"])
    assert nothing.exit_code == 2 and "nothing to change" in nothing.stderr
    refused = folio("note-rm", made["id"])
    assert refused.exit_code == 1 and "--yes" in refused.stderr
    assert len(_annotations(folio)) == 1
    asked = folio("note-rm", made["id"], input="n\n")
    assert len(_annotations(folio)) == 1 and asked.exit_code != 0


def test_removing_an_article_mentions_its_notes(folio: Folio, article: dict) -> None:
    _note(folio, article["id"], "-q", PROUD, "-m", "keep me")
    refused = folio("rm", article["id"])
    assert refused.exit_code == 1
    assert folio("rm", article["id"], "--yes").exit_code == 0
    assert _annotations(folio) == [] and folio.json("tags") == []


def test_note_text_from_a_file_or_stdin(folio: Folio, article: dict, tmp_path: Path) -> None:
    body = write(tmp_path / "note.md", "# Heading\n\n*Markdown* [bold] kept as typed\n")
    made = _note(folio, article["id"], "-q", PROUD, "--note-file", str(body))
    assert made["note"] == "# Heading\n\n*Markdown* [bold] kept as typed"
    piped = folio("note", article["id"], "-q", "sandbank", "--note-file", "-", "--json",
                  input="from stdin\n")  # fmt: skip
    assert piped.exit_code == 0 and '"note": "from stdin"' in piped.stdout
    both = folio("note", article["id"], "-q", "sandbank", "-m", "x", "--note-file", str(body))
    assert both.exit_code == 2


def test_quote_prints_the_passage_with_its_citation(folio: Folio, article: dict) -> None:
    made = _note(folio, article["id"], "-q", "a gamble with the tides", "--occurrence", "1")
    key = article["citekey"]
    markdown = folio("quote", made["id"])
    assert markdown.stdout.strip() == f"> a gamble with the tides [@{key}, para. 3]"
    latex = folio("quote", made["id"], "--style", "latex")
    assert latex.stdout.strip() == (
        f"\\enquote{{a gamble with the tides}}~\\autocite[para.~3]{{{key}}}"
    )
    whole = _note(folio, article["id"], "-m", "general")
    assert folio("quote", whole["id"]).exit_code == 2


def test_show_lists_an_articles_tags_and_note_count(folio: Folio, article: dict) -> None:
    _note(folio, article["id"], "-q", PROUD, "-m", "one")
    folio("tag", "add", article["id"], "ports", "pilots")
    shown = folio.json("show", article["id"])
    assert shown["tags"] == ["pilots", "ports"] and shown["notes"] == 1  # type: ignore[index]
    plain = folio("show", article["id"]).stdout
    assert "pilots, ports" in plain and "1 (folio notes" in plain


def test_control_characters_typed_into_notes_tags_and_metadata_are_made_visible(
    folio: Folio, article: dict
) -> None:
    made = _note(folio, article["id"], "-q", PROUD, "-m", "red \x1b[31malert\x1b[0m\r\nnext",
                 "-t", "esc\x1bape")  # fmt: skip
    assert made["note"] == "red ␛[31malert␛[0m\nnext" and made["tags"] == ["esc␛ape"]
    edited = folio("edit", article["id"], "--title", "Title \x1b]0;pwned\x07")
    assert edited.exit_code == 0
    assert folio.json("show", article["id"])["title"] == "Title ␛]0;pwned␇"  # type: ignore[index]
    assert "\x1b" not in folio("notes").stdout
