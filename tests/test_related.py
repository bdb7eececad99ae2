"""Where a quote comes from, from the command line: `folio related`, what `folio add` and
`folio show` say, notes that follow their passage (`also_in`, `quote --sources`), claims in
date order, and `folio check` with texts waiting to be scanned."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import Folio, write

DATA = Path(__file__).parent / "data" / "passages"
SERENKO = "000_72a79ad4c05c2628.txt"
INTERVIEW = "001_fe9de034ec7cae08.txt"
FP_REPUBLISHED = "002_33c3872484650952.txt"
BUSINESSMEN = (
    "They are wonderful ‘jihadi businessmen’ and love to tell tales about their omnipotence"
)


def _add(folio: Folio, *paths: Path) -> dict[str, str]:
    """Add files; their article ids by file name."""
    result = folio("add", "--json", *map(str, paths))
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    return {Path(row["path"]).name: row["id"] for row in rows}


@pytest.fixture
def seeded(folio: Folio, seeds: Path) -> dict[str, str]:
    """The interview report (000) and the interview (001) in one library."""
    return _add(folio, seeds / SERENKO, seeds / INTERVIEW)


def test_related_lists_the_interview_as_the_same_source_with_the_quotes_aligned(
    folio: Folio, seeded: dict[str, str], seeds: Path
) -> None:
    related = folio.json("related", seeded[SERENKO])
    assert isinstance(related, list) and len(related) == 1
    (interview,) = related
    assert interview["id"] == seeded[INTERVIEW] and interview["kind"] == "same source"
    assert set(interview) >= {"id", "citekey", "title", "date", "share", "kind", "passages"}
    assert 0.2 < interview["share"] < 0.7
    report = (seeds / SERENKO).read_text()
    full = (seeds / INTERVIEW).read_text()
    shown = folio("show", seeded[SERENKO], "--json")
    text = json.loads(shown.stdout)["text"]
    other = json.loads(folio("show", seeded[INTERVIEW], "--json").stdout)["text"]
    pairs = [
        (text[p["start"] : p["end"]], other[p["other_start"] : p["other_end"]])
        for p in interview["passages"]
    ]
    for passage in interview["passages"]:
        assert set(passage) >= {"start", "end", "other_start", "other_end", "similarity"}
        assert 0.75 <= passage["similarity"] <= 1
    # The translations differ, the quotes are aligned all the same.
    assert any(
        "jihadists are in full swing" in mine and "Jahidists" in theirs for mine, theirs in pairs
    )
    assert any("under way" in mine and "underway" in theirs for mine, theirs in pairs)
    assert any("Massoud" in mine and "Masood" in theirs for mine, theirs in pairs)
    assert any(
        "jihadi businessmen" in mine and "jihadi businessmen" in theirs for mine, theirs in pairs
    )
    # A passage starts where the quote does, not at the reporter's lead-in.
    assert not any(mine.startswith("Serenko told the publication") for mine, _ in pairs)
    assert report and full  # read from the corpus, never copied


def test_add_says_what_an_import_shares_and_show_lists_it(folio: Folio, seeds: Path) -> None:
    first = folio("add", str(seeds / SERENKO))
    assert "shares" not in first.stderr
    second = folio("add", str(seeds / INTERVIEW))
    assert second.exit_code == 0
    (line,) = [line for line in second.stderr.splitlines() if "shares" in line]
    assert line.startswith(f"folio: note: {seeds / INTERVIEW}: shares ")
    assert "passages with " in line and line.endswith("(same source)")
    quiet = folio("add", "-q", str(seeds / "003_e51fe68ada72c05c.txt"))
    assert "note:" not in quiet.stderr
    listed = folio("list", "--json")
    ids = {row["id"] for row in json.loads(listed.stdout)}
    interview_id = line.split("with ")[1].split()[0]
    assert interview_id in ids
    shown = folio("show", interview_id)
    assert "related" in shown.stdout and "same source" in shown.stdout


def test_a_republication_is_recognised_against_the_original(folio: Folio, tmp_path: Path) -> None:
    ids = _add(folio, DATA / "original.txt", DATA / "republished.txt")
    (found,) = folio.json("related", ids["republished.txt"])
    assert found["id"] == ids["original.txt"] and found["kind"] == "republication"
    assert found["share"] > 0.9
    assert found["passages"][0]["locator"] == "para. 1"
    text = folio("related", ids["original.txt"])
    assert text.exit_code == 0 and "republication" in text.stdout


def test_the_republished_foreign_policy_article_is_recognised(
    folio: Folio, seeds: Path, tmp_path: Path
) -> None:
    """002 is Foreign Policy's article as RAWA republished it; its original is made here
    from it (RAWA's lines off, a standfirst on), never stored in the repository."""
    lines = (seeds / FP_REPUBLISHED).read_text().splitlines()
    start = lines.index("Afghanistan Regains Its Crown as Terror Central")
    end = next(i for i, line in enumerate(lines) if line.startswith("Category:"))
    body = "\n".join(lines[start:end]).replace("Afghan officials said.", "officials said.")
    original = write(tmp_path / "fp-original.txt", body + "\n")
    ids = _add(folio, original, seeds / FP_REPUBLISHED)
    (found,) = folio.json("related", ids[FP_REPUBLISHED])
    assert found["id"] == ids["fp-original.txt"] and found["kind"] == "republication"


def test_a_note_follows_its_passage_into_the_other_translation(
    folio: Folio, seeded: dict[str, str]
) -> None:
    added = folio.json("note", seeded[SERENKO], "--quote", BUSINESSMEN, "-m", "strength")
    assert isinstance(added, dict)
    notes = folio.json("notes")
    assert isinstance(notes, dict)
    (note,) = notes["annotations"]
    (there,) = note["also_in"]
    assert there["article"] == seeded[INTERVIEW]
    assert set(there) == {"article", "citekey", "start", "end", "locator", "similarity"}
    other = json.loads(folio("show", seeded[INTERVIEW], "--json").stdout)["text"]
    assert other[there["start"] : there["end"]].startswith(
        "They are wonderful “jihadi businessmen”"
    )
    assert there["locator"].startswith("para. ")
    listing = folio("notes")
    assert f"also in: {seeded[INTERVIEW]}" in listing.stdout
    # The notes file still reads back.
    exported = folio("notes", "--json").stdout
    restored = write(Path(folio.library_dir).parent / "notes.json", exported)
    assert folio("import-notes", str(restored)).exit_code == 0


def test_quote_sources_lists_the_earliest_first_and_undated_last(
    folio: Folio, seeded: dict[str, str]
) -> None:
    note = folio.json("note", seeded[SERENKO], "--quote", BUSINESSMEN)
    assert isinstance(note, dict)
    undated = folio("quote", note["id"], "--sources")
    assert undated.exit_code == 0
    assert undated.stdout.splitlines()[0].startswith("undated")
    assert folio("edit", seeded[INTERVIEW], "--date", "2024-09-10").exit_code == 0
    assert folio("edit", seeded[SERENKO], "--date", "2024-09-12").exit_code == 0
    sources = folio.json("quote", note["id"], "--sources")
    assert isinstance(sources, list)
    assert [s["id"] for s in sources] == [seeded[INTERVIEW], seeded[SERENKO]]
    assert [s["noted"] for s in sources] == [False, True]
    lines = folio("quote", note["id"], "--sources").stdout.splitlines()
    assert lines[0].startswith("2024-09-10") and "(your note)" in lines[1]
    whole = folio.json("note", seeded[SERENKO], "-m", "on the whole article")
    assert isinstance(whole, dict)
    refused = folio("quote", whole["id"], "--sources")
    assert refused.exit_code != 0 and "whole article" in refused.stderr
    assert "Traceback" not in refused.output


def _claims(folio: Folio, seeded: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """Three notes: one on a dated article, one on an older one, one on an undated one."""
    third = _add(folio, DATA / "original.txt")["original.txt"]
    folio("edit", seeded[SERENKO], "--date", "2024-09-12")
    folio("edit", seeded[INTERVIEW], "--date", "2024-09-10")
    ids = {}
    for name, ref, quote, tag in (
        ("late", seeded[SERENKO], BUSINESSMEN, "isis-k"),
        ("early", seeded[INTERVIEW], "25 thousand", "isis-k"),
        ("undated", third, "the water simply never came", "water"),
    ):
        made = folio.json("note", ref, "--quote", quote, "-m", f"={name}", "-t", tag)
        assert isinstance(made, dict)
        ids[name] = made["id"]
    return ids


def test_notes_in_date_order_as_a_claims_table(
    folio: Folio, seeded: dict[str, str], tmp_path: Path
) -> None:
    _claims(folio, seeded, tmp_path)
    result = folio("notes", "--sort", "date", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["date", "article", "citekey", "site", "locator", "quote", "note", "tags"]
    assert [row[0] for row in rows[1:]] == ["2024-09-10", "2024-09-12", ""]
    assert rows[1][5] == "25 thousand" and rows[1][4].startswith("para. ")
    assert rows[1][6] == "'=early"  # a formula in a spreadsheet: kept as text
    assert rows[3][7] == "water"
    assert "1 note(s) on articles without a date are listed last" in result.stderr
    assert "(give an article its date with `folio edit REF --date`)" in result.stderr
    tsv = folio("notes", "--sort", "date", "--format", "tsv").stdout.splitlines()
    assert len(tsv) == 4 and all(line.count("\t") == 7 for line in tsv)
    by_article = folio("notes", "--sort", "article", "--format", "csv").stdout
    assert by_article.index("=undated") < by_article.index("=late")  # "Canal…" key sorts first


def test_notes_as_markdown_grouped_by_date_and_by_tag(
    folio: Folio, seeded: dict[str, str], tmp_path: Path
) -> None:
    _claims(folio, seeded, tmp_path)
    by_date = folio("notes", "--sort", "date", "--format", "markdown", "--group-by", "date").stdout
    headings = [line for line in by_date.splitlines() if line.startswith("## ")]
    assert headings == ["## 2024-09-10", "## 2024-09-12", "## Undated"]
    by_tag = folio("notes", "--format", "markdown", "--group-by", "tag").stdout
    assert [line for line in by_tag.splitlines() if line.startswith("## ")] == [
        "## \\#isis-k",
        "## \\#water",
    ]
    refused = folio("notes", "--group-by", "tag")
    assert refused.exit_code != 0
    assert (
        refused.stderr.strip()
        == "folio: --group-by: grouping is for Markdown: add --format markdown"
    )


def test_search_notes_sorts_by_date(folio: Folio, seeded: dict[str, str], tmp_path: Path) -> None:
    ids = _claims(folio, seeded, tmp_path)
    hits = folio.json(
        "search", "--notes", "--sort", "date", "--limit", "2", "late OR early OR undated"
    )
    assert isinstance(hits, list)
    assert [hit["id"] for hit in hits] == [ids["late"], ids["early"]]
    assert [hit["date"] for hit in hits] == ["2024-09-12", "2024-09-10"]
    ranked = folio.json("search", "--notes", "late OR early OR undated")
    assert isinstance(ranked, list) and len(ranked) == 3


def test_check_reports_texts_waiting_and_repair_scans_them(folio: Folio, seeds: Path) -> None:
    from library.importing import collect_sources, import_sources
    from library.store import Library

    folio("init")
    with Library(folio.library_dir) as library:  # stored without the actions: not scanned
        sources, _, _ = collect_sources([str(seeds / SERENKO), str(seeds / INTERVIEW)])
        list(import_sources(library, sources))
    found = folio("check")
    assert "2 article(s) waiting to be scanned for shared passages" in found.stdout
    assert found.exit_code == 0  # behind, not damaged
    repaired = folio("check", "--repair")
    assert "After repair: clean." in repaired.stdout
    assert "waiting" not in folio("check").stdout


def test_related_scans_what_waits_and_refuses_bad_input(folio: Folio, seeds: Path) -> None:
    from library.importing import collect_sources, import_sources
    from library.store import Library

    folio("init")
    with Library(folio.library_dir) as library:
        sources, _, _ = collect_sources([str(seeds / SERENKO), str(seeds / INTERVIEW)])
        first = next(import_sources(library, sources)).article
        assert first is not None
    result = folio("related", first.id)
    assert result.exit_code == 0
    assert "2 article(s) scanned for shared passages first" in result.stderr
    assert "same source" in result.stdout
    missing = folio("related", "nosuch")
    assert missing.exit_code != 0 and missing.stderr.startswith("folio: no article")
    assert folio("related").exit_code == 2
    rebuilt = folio("related", "--rebuild")
    assert rebuilt.exit_code == 0 and "Scanned 2 article(s)" in rebuilt.stderr


def test_related_output_shows_hostile_titles_as_text(folio: Folio, tmp_path: Path) -> None:
    ids = _add(folio, DATA / "original.txt", DATA / "republished.txt")
    assert folio("edit", ids["original.txt"], "--title", "[bold]x[/] \x1b[31mred").exit_code == 0
    shown = folio("related", ids["republished.txt"]).stdout
    assert "[bold]x[/]" in shown and "\x1b[31m" not in shown


def test_removing_an_article_takes_its_passages_away_at_once(
    folio: Folio, seeded: dict[str, str]
) -> None:
    assert folio("rm", "--yes", seeded[INTERVIEW]).exit_code == 0
    assert folio.json("related", seeded[SERENKO]) == []
    assert "waiting" not in folio("check").stdout


def test_a_passage_that_is_a_quotation_is_shown_in_one_pair_of_marks() -> None:
    from library.textnorm import quoted
    from tui.plain import one_line

    assert quoted("“They are ‘jihadi businessmen’,” he said.") == (
        "“They are ‘jihadi businessmen’,” he said.”"
    )
    assert quoted(" “Both sides are determined” ") == "“Both sides are determined”"
    assert quoted("a " * 50, 20) == "“" + "a " * 9 + "a…”"
    assert one_line("a\x1b[2J\nb", 4) == "a␛[…"
