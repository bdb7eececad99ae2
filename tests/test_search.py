"""Search: query syntax, ranking, snippets with offsets, suggestions and query errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from library.errors import QueryError
from library.search import parse_query, search
from library.snippets import make_snippets
from library.store import Library
from tests.conftest import Folio, write
from tests.fixtures import BEES, BEES_KEY, MARKUP, RIVER, RIVER_KEY


@pytest.fixture
def filled(folio: Folio, tmp_path: Path) -> Folio:
    for name, text in (("bees.txt", BEES), ("river.txt", RIVER), ("markup.txt", MARKUP)):
        assert folio("add", str(write(tmp_path / "src" / name, text))).exit_code == 0
    return folio


def _keys(folio: Folio, *query: str) -> list[str]:
    return [hit["citekey"] for hit in folio.json("search", *query)]


def test_term_and_boolean_queries(filled: Folio) -> None:
    assert _keys(filled, "floodgates") == [RIVER_KEY]
    assert _keys(filled, "honey AND hives") == [BEES_KEY]
    assert _keys(filled, "honey", "OR", "floodgates").__len__() == 2
    assert _keys(filled, "honey NOT hives") == []
    assert _keys(filled, "engineers NOT honey") == [RIVER_KEY]


def test_phrase_field_wildcard_fuzzy_and_date_queries(filled: Folio) -> None:
    assert _keys(filled, '"linden trees"') == [BEES_KEY]
    assert _keys(filled, '"trees linden"') == []
    assert _keys(filled, "author:lindqvist") == [RIVER_KEY]
    assert _keys(filled, 'author:"ana ferreira"') == [RIVER_KEY]
    assert _keys(filled, "title:beekeepers") == [BEES_KEY]
    assert _keys(filled, "pollinat*") == [BEES_KEY]
    assert _keys(filled, "embankmnt~") == [RIVER_KEY]
    assert _keys(filled, "flodgates~") == [RIVER_KEY]
    assert _keys(filled, "eembankment~") == []  # fuzzy words keep their first two letters
    assert _keys(filled, "eembankment~2/1") == [RIVER_KEY]
    assert _keys(filled, "date:[2021 to 2022]") == [RIVER_KEY]
    assert _keys(filled, "date:2023") == [BEES_KEY]


def test_title_match_ranks_above_body_match(folio: Folio, tmp_path: Path) -> None:
    write(
        tmp_path / "a.txt",
        "A Report on Harbours\n\nThe canal is mentioned once here among many other words.\n",
    )
    write(
        tmp_path / "b.txt", "The Canal Years\n\nA history of the town told through its streets.\n"
    )
    folio("add", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"))
    hits = folio.json("search", "canal")
    assert hits[0]["title"] == "The Canal Years"
    assert hits[0]["score"] > hits[1]["score"]


def test_snippets_carry_offsets_into_the_article_text(filled: Folio) -> None:
    hit = filled.json("search", "linden")[0]
    text = filled.json("show", hit["id"])["text"]
    snippet = hit["snippets"][0]
    assert text[snippet["start"] : snippet["end"]].replace("\n", " ") == snippet["text"]
    (start, end), *_ = snippet["highlights"]
    assert text[start:end].lower() == "linden"


def test_terminal_output_highlights_and_json_is_plain(filled: Folio) -> None:
    plain = filled("search", "linden")
    assert plain.exit_code == 0
    assert "\x1b[" not in plain.stdout  # not a terminal: no styling
    assert "linden" in plain.stdout and BEES_KEY in plain.stdout


def test_zero_hits_suggests_a_correction(filled: Folio) -> None:
    # (Without --exact, "floodgtes" finds "Floodgates" in a title: a vowel left out is a
    # spelling variant of a capitalised word.)
    result = filled("search", "floodgtes", "--exact", "--json")
    assert result.exit_code == 0
    assert result.stdout.strip() == "[]"
    assert "Did you mean: floodgates" in result.stderr


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("honey AND (hives", "not closed"),
        ('"linden trees', "quote"),
        ("colour:blue", "unknown field"),
        ("date:[2021 to", "range bracket"),
        ("AND", "no words"),
        ("title: honey", "no value"),
        ("honey title:", "no value"),
        ("date:[yesterday to 2022]", "invalid query"),
    ],
)
def test_malformed_query_is_a_one_line_error_with_exit_2(
    filled: Folio, query: str, reason: str
) -> None:
    result = filled("search", query)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and reason in result.stderr
    assert "Traceback" not in result.output


def test_sort_by_date_and_limit(filled: Folio) -> None:
    hits = filled.json("search", "the", "OR", "engineers", "OR", "honey", "--sort", "date")
    dates = [h["date"] for h in hits if h["date"]]
    assert dates == sorted(dates, reverse=True)
    assert len(filled.json("search", "engineers OR honey", "--limit", "1")) == 1


def test_markup_in_text_is_returned_literally(filled: Folio) -> None:
    hit = filled.json("search", "terminal")[0]
    assert hit["title"] == "Notes on [bold]Markup[/] in Titles"


def test_parse_query_accepts_aliases_case_insensitively(library: Library) -> None:
    library.ensure_index()
    schema = library.index.open().schema
    assert "authors" in str(parse_query("Author:smith", schema))
    assert "tags" in str(parse_query("tag:groups", schema))
    with pytest.raises(QueryError):
        parse_query("nosuchfield:x", schema)


def test_search_on_empty_library_finds_nothing(library: Library) -> None:
    assert search(library, "anything").hits == []


def test_snippet_windows_prefer_passages_with_more_distinct_terms() -> None:
    text = ("alpha filler " * 40) + "beta gamma alpha together here. " + ("filler " * 60)
    snippets = make_snippets(text, {"alpha", "beta", "gamma"}, count=1)
    assert "beta gamma alpha" in snippets[0].text


def test_snippets_match_accented_words_through_folding() -> None:
    snippets = make_snippets("Le café était fermé.", {"cafe"})
    ((start, end),) = snippets[0].highlights
    assert "Le café était fermé."[start:end] == "café"


def test_plain_words_match_other_forms_of_the_word(filled: Folio) -> None:
    assert _keys(filled, "floodgate") == [RIVER_KEY]
    hit = filled.json("search", "hive")[0]
    words = {
        s["text"][a - s["start"] : b - s["start"]].lower()
        for s in hit["snippets"]
        for a, b in s["highlights"]
    }
    assert words == {"hives"}
    # Phrases stay exact.
    assert _keys(filled, '"rooftop hive"') == []


def test_suggestion_work_is_bounded_by_length(filled: Folio, monkeypatch) -> None:
    """A pasted paragraph (10,000 characters) gets no spelling suggestion: each unknown word
    costs a Levenshtein automaton, and that took minutes. Short queries still get one."""
    from whoosh.searching import Searcher

    calls: list[int] = []
    real = Searcher.correct_query

    def spy(self, q, qstring, *args, **kwargs):
        calls.append(len(qstring))
        return real(self, q, qstring, *args, **kwargs)

    monkeypatch.setattr(Searcher, "correct_query", spy)
    pasted = " ".join(f"floodgtes{n}" for n in range(1000))[:10_000]
    result = filled("search", pasted, "--json")
    assert result.exit_code == 0 and "Did you mean" not in result.stderr
    assert calls == []
    assert "Did you mean: floodgates" in filled("search", "floodgtes").stderr
    assert calls == [len("floodgtes")]


def test_suggestion_work_is_bounded_by_time(filled: Folio, monkeypatch) -> None:
    from library import search as search_module

    monkeypatch.setattr(search_module, "SUGGEST_SECONDS", 0.0)
    result = filled("search", "floodgtes")
    assert result.exit_code == 0 and "Did you mean" not in result.stderr
