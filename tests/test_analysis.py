"""Index analysis: which words are indexed, and an index of another version is rebuilt."""

from __future__ import annotations

from pathlib import Path

from library.analysis import FoldingWordAnalyzer
from library.index_schema import tag_terms
from tests.conftest import Folio, write
from tests.fixtures import BEES, BEES_KEY


def _words(text: str, **options: object) -> list[tuple[str, int]]:
    return [(t.text, t.pos) for t in FoldingWordAnalyzer()(text, positions=True, **options)]


def test_words_are_lowercased_folded_and_stop_words_dropped() -> None:
    assert _words("The Café in Zürich, and *very* U.S. news") == [
        ("cafe", 0),
        ("zurich", 1),
        ("very", 2),
        ("u.s", 3),
        ("news", 4),
    ]


def test_us_and_may_are_kept_as_words() -> None:
    assert [w for w, _ in _words("US troops left in May")] == ["us", "troops", "left", "may"]


def test_positions_start_at_zero_and_never_go_back() -> None:
    """Initials (`R. A. Bert`, found in a real .bib's author field), joins and compounds at
    the start of a value: no word before the first position, none out of order (the index
    stores positions as gaps)."""
    for text in ("R. A. Bert", "J. R. R. Tolkien", "A. B", "ISIS K", "U.S. K", "x R. A. y",
                 "al-Zawahiri", "os.path.join R. A.", "I A", "e.g. K"):  # fmt: skip
        positions = [pos for _, pos in _words(text)]
        assert positions and positions[0] == 0, text
        assert positions == sorted(positions), text
    assert _words("R. A. Bert") == [("ra", 0), ("bert", 1)]


def test_character_offsets_point_into_the_original_text() -> None:
    text = "Naïve [bold]markup[/] stays"
    spans = [(t.startchar, t.endchar) for t in FoldingWordAnalyzer()(text, chars=True)]
    assert [text[a:b] for a, b in spans] == ["Naïve", "bold", "markup", "stays"]


def test_untokenized_value_is_folded_whole() -> None:
    (token,) = FoldingWordAnalyzer()("Pollinat", tokenize=False)
    assert token.text == "pollinat"


def test_hierarchical_tags_index_their_ancestors() -> None:
    assert tag_terms(["Groups/ISIS-K", "regions/central-asia/"]) == [
        "groups",
        "groups/isis-k",
        "regions",
        "regions/central-asia",
    ]


def test_index_of_an_older_schema_is_rebuilt(folio: Folio, tmp_path: Path) -> None:
    folio("add", str(write(tmp_path / "bees.txt", BEES)))
    marker = folio.library_dir / "index" / "folio-index-version"
    marker.write_text("1\n")
    check = folio("check")
    assert check.exit_code == 1 and "outdated" in check.stdout
    assert [h["citekey"] for h in folio.json("search", "honey")] == [BEES_KEY]
    assert folio("check").exit_code == 0
