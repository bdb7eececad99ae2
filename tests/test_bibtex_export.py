"""BibLaTeX and BibTeX export: valid for parsers and for the real toolchains (biber, bibtex),
escaping that survives any title, and what the seeds' entries hold."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from library.articles import Article
from library.bibentries import biblatex_entry, bibtex_entry, render_entries
from library.latex import ascii_char, collapse_whitespace, decode_latex
from tests.conftest import Folio

CHECK_BST = Path(__file__).parent / "data" / "check.bst"


def require_tool(name: str) -> str:
    """The tool's path; skip when it is absent locally, but fail under CI (CI=true)."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(f"{name} is not installed (.ci/run installs it)")
        pytest.skip(f"{name} is not installed")
    return path


def make_article(**fields: object) -> Article:
    """An article as the store returns it, without a database."""
    values: dict[str, object] = dict(
        pk=1,
        id="abc234",
        citekey="key2024",
        text="",
        format="txt",
        added_at="2024-05-06T07:08:09Z",
        modified_at="2024-05-06T07:08:09Z",
        rev=1,
        text_sha256="",
        title="A title",
    )
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


@pytest.fixture
def seed_ids(folio: Folio, seeds: Path) -> dict[str, dict]:
    """The seeds imported, by file prefix (000…004), as `folio show --json` gives them."""
    result = folio("add", str(seeds), "--json")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    return {Path(r["path"]).name[:3]: folio.json("show", r["id"]) for r in records}


def export(folio: Folio, *args: str) -> str:
    result = folio("export", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def parse_bibtexparser(text: str) -> dict[str, dict[str, str]]:
    import bibtexparser

    parsed = bibtexparser.parse_string(text)
    assert not parsed.failed_blocks, [b.error for b in parsed.failed_blocks]
    return {e.key: {f.key: f.value for f in e.fields} for e in parsed.entries}


def parse_pybtex(text: str) -> dict[str, dict[str, str]]:
    import pybtex.errors
    from pybtex.database import parse_string

    pybtex.errors.set_strict_mode(True)
    data = parse_string(text, "bibtex")
    entries = {}
    for key, entry in data.entries.items():
        fields = {name.lower(): value for name, value in entry.fields.items()}
        for role, people in entry.persons.items():
            fields[role.lower()] = " and ".join(str(person) for person in people)
        entries[key] = fields
    return entries


def test_seed_exports_reparse_to_the_same_fields(folio: Folio, seed_ids: dict) -> None:
    month_names = {"apr": "April"}  # pybtex expands month macros
    for flavour in ("biblatex", "bibtex"):
        text = export(folio, "--all", "--format", flavour)
        by_parser = parse_bibtexparser(text)
        by_pybtex = parse_pybtex(text)
        assert set(by_parser) == set(by_pybtex) == {a["citekey"] for a in seed_ids.values()}
        for key, fields in by_parser.items():
            for name, value in fields.items():
                if name == "author":
                    continue  # pybtex rewrites names; compared below
                expected = month_names.get(value, value) if name == "month" else value
                assert by_pybtex[key][name] == expected, (flavour, key, name)
    dorsey = seed_ids["004"]["citekey"]
    assert parse_pybtex(export(folio, dorsey))[dorsey]["author"] == "Dorsey, James M."


def test_seed_entries_in_both_flavours(folio: Folio, seed_ids: dict) -> None:
    keys = {seed: article["citekey"] for seed, article in seed_ids.items()}
    biblatex = parse_bibtexparser(export(folio, "--all"))
    bibtex_text = export(folio, "--all", "--format", "bibtex")
    assert bibtex_text.isascii()
    bibtex = parse_bibtexparser(bibtex_text)
    fp = keys["002"]
    assert biblatex[fp]["date"] == "2022-04-20"
    assert biblatex[fp]["journaltitle"] == "Foreign Policy"
    assert "RAWA" in biblatex[fp]["addendum"]
    assert bibtex[fp]["year"] == "2022" and bibtex[fp]["month"] == "apr"
    assert "month = apr," in bibtex_text  # a bare macro, not {apr}
    # No author: the title takes the author position (APA, Chicago), the site stays where
    # it was published, and no `key` (plainnat prints it as the author and drops the year).
    assert decode_latex(bibtex[fp]["author"]).startswith(seed_ids["002"]["title"])
    assert bibtex[fp]["howpublished"] == "Foreign Policy"
    assert "RAWA" in bibtex[fp]["note"]
    assert biblatex[fp]["shorttitle"] and len(biblatex[fp]["shorttitle"]) < len(
        biblatex[fp]["title"]
    )
    assert biblatex[keys["004"]]["author"] == bibtex[keys["004"]]["author"] == "Dorsey, James M."
    for seed in ("000", "001", "003"):
        assert "author" not in biblatex[keys[seed]], seed
        assert bibtex[keys[seed]]["author"].startswith("{"), seed
        assert "key" not in bibtex[keys[seed]] and "title" not in bibtex[keys[seed]], seed
        assert biblatex[keys[seed]]["title"].startswith("{")


def _biber_warnings(bib: Path) -> list[str]:
    biber = require_tool("biber")
    run = subprocess.run(
        [biber, "--tool", "--validate-datamodel", "--output-file", bib.name + ".out", bib.name],
        capture_output=True,
        text=True,
        cwd=bib.parent,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    return [line for line in output.splitlines() if line.startswith(("WARN", "ERROR"))]


def test_biber_flags_only_what_folio_reports_missing(
    folio: Folio, seed_ids: dict, tmp_path: Path
) -> None:
    bib = tmp_path / "seeds.bib"
    result = folio("export", "--all", "-o", str(bib))
    assert result.exit_code == 0, result.output
    warnings = [w for w in _biber_warnings(bib) if "WARNINGS:" not in w]
    flagged = set()
    for warning in warnings:
        match = re.search(
            r"Entry '([^']+)'.*Missing mandatory field (?:- one of )?'([^']+)'", warning
        )
        assert match, warning  # nothing but missing fields
        flagged.add((match.group(1), match.group(2)))
    undated = [a["citekey"] for a in seed_ids.values() if not a["date"]]
    expected = {(key, "date, year") for key in undated} | {(seed_ids["002"]["citekey"], "author")}
    assert flagged == expected
    for key in undated:  # Folio said so itself, before biber did
        assert key in result.stderr
    assert "no author for " + seed_ids["002"]["citekey"] in result.stderr


def test_biber_validates_seeds_without_warnings_once_their_metadata_is_complete(
    folio: Folio, seed_ids: dict, tmp_path: Path
) -> None:
    for seed, article in seed_ids.items():
        extra = ["--date", "2021-09-01"] if not article["date"] else []
        if seed == "002":
            extra += ["--author", "Colin P. Clarke", "--url", "https://www.rawa.org/a_b%20c.htm"]
        if article["origins"].get("title") == "guessed":
            extra += ["--title", "Interview on the Taliban"]  # confirms a guessed title
        if extra:
            assert folio("edit", article["id"], *extra).exit_code == 0
    bib = tmp_path / "seeds.bib"
    result = folio("export", "--all", "-o", str(bib))
    assert result.exit_code == 0 and "note:" not in result.stderr, result.output
    assert _biber_warnings(bib) == []
    assert "urldate = {" in bib.read_text(encoding="utf-8")


def test_bibtex_with_a_checking_style_has_no_warnings(
    folio: Folio, seed_ids: dict, tmp_path: Path
) -> None:
    bibtex = require_tool("bibtex")
    (tmp_path / "refs.bib").write_text(export(folio, "--all", "--format", "bibtex"))
    shutil.copy(CHECK_BST, tmp_path / "check.bst")
    (tmp_path / "doc.aux").write_text("\\citation{*}\n\\bibdata{refs}\n\\bibstyle{check}\n")
    env = {**os.environ, "BIBINPUTS": str(tmp_path), "BSTINPUTS": str(tmp_path)}
    run = subprocess.run([bibtex, "doc"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stdout
    assert "Warning" not in run.stdout and "error" not in run.stdout.lower(), run.stdout
    assert (tmp_path / "doc.bbl").read_text().count("\\entry{") == len(seed_ids)


def test_the_checking_style_does_catch_bad_names(tmp_path: Path) -> None:
    bibtex = require_tool("bibtex")
    (tmp_path / "refs.bib").write_text("@misc{k, author = {A, B, C, D}, title = {T}}\n")
    shutil.copy(CHECK_BST, tmp_path / "check.bst")
    (tmp_path / "doc.aux").write_text("\\citation{*}\n\\bibdata{refs}\n\\bibstyle{check}\n")
    env = {**os.environ, "BIBINPUTS": str(tmp_path), "BSTINPUTS": str(tmp_path)}
    run = subprocess.run([bibtex, "doc"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert "Too many commas" in run.stdout


def test_organisations_stay_whole_and_people_are_split() -> None:
    article = make_article(
        authors=[
            "Revolutionary Association of the Women of Afghanistan (RAWA)",
            "NATO",
            "Ludwig van Beethoven",
            "Martin Luther King Jr.",
            "Dorsey, James M.",
            "Reuters News Agency",
        ]
    )
    authors = biblatex_entry(article).get("author")
    assert authors == (
        "{Revolutionary Association of the Women of Afghanistan (RAWA)} and {NATO} and "
        "van Beethoven, Ludwig and King, Jr., Martin Luther and Dorsey, James M. and "
        "{Reuters News Agency}"
    )
    parsed = parse_pybtex(render_entries([biblatex_entry(article)]))["key2024"]["author"]
    assert parsed.startswith("{Revolutionary Association of the Women of Afghanistan (RAWA)}")


def test_urls_are_never_escaped_and_malformed_ones_are_refused() -> None:
    from library.errors import InvalidValue

    url = "https://example.org/a_b%20c?x=1&y=#frag"
    assert biblatex_entry(make_article(url=url)).get("url") == url
    assert f"\\url{{{url}}}" in bibtex_entry(make_article(url=url)).get("howpublished")
    with pytest.raises(InvalidValue, match="key2024"):
        biblatex_entry(make_article(url="https://example.org/a b"))


def test_non_ascii_in_the_bibtex_flavour_is_reported_by_entry_and_field(
    folio: Folio, tmp_path: Path
) -> None:
    from tests.conftest import write

    page = write(tmp_path / "ru.md", "---\ntitle: Россия и Talibán\n---\n\nSome text here.\n")
    assert folio("add", str(page)).exit_code == 0
    result = folio("export", "--all", "--format", "bibtex")
    assert result.exit_code == 0
    assert "{\\'{a}}" in result.stdout and "?????? " in result.stdout
    assert "warning:" in result.stderr and ": title: " in result.stderr and "Р" in result.stderr
    strict = folio("export", "--all", "--format", "bibtex", "--strict", "-o", str(tmp_path / "o"))
    assert strict.exit_code == 1 and "nothing written" in strict.stderr
    assert not (tmp_path / "o").exists()
    assert "Россия" in folio("export", "--all").stdout  # biblatex keeps UTF-8


# Titles: any Unicode, with LaTeX's special characters made likely.
_SPECIALS = st.sampled_from([*"&%$#_{}~^\\", "--", "''", "``", "{}", "\\\\", " ", "\n"])
TITLES = st.lists(st.one_of(st.characters(blacklist_categories=("Cs",)), _SPECIALS), max_size=40)


def _expected_title(chars: list[str]) -> str:
    return collapse_whitespace("".join(chars))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TITLES)
def test_any_title_round_trips_through_biblatex(chars: list[str]) -> None:
    title = "".join(chars)
    text = render_entries([biblatex_entry(make_article(title=title or "x"))])
    fields = parse_bibtexparser(text)["key2024"]
    parse_pybtex(text)
    expected = _expected_title(chars) if title else "x"
    if expected:
        assert unicodedata.normalize("NFC", decode_latex(fields["title"])) == (
            unicodedata.normalize("NFC", expected)
        )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TITLES)
def test_any_title_survives_the_bibtex_flavour_and_losses_are_reported(chars: list[str]) -> None:
    title = "".join(chars) or "x"
    entry = bibtex_entry(make_article(title=title, authors=["Ann Smith"]))
    text = render_entries([entry])
    assert text.isascii()
    fields = parse_bibtexparser(text)["key2024"]
    parse_pybtex(text)
    expected = unicodedata.normalize("NFC", collapse_whitespace(title))
    unencodable = [ch for ch in expected if not ch.isascii() and ascii_char(ch) is None]
    reported = [
        ch for problem in entry.problems if problem.field == "title" for ch in problem.chars
    ]
    assert reported == unencodable
    if expected:
        # Single curly quotes are written as ` and ' (what LaTeX prints as them), and the
        # fi/fl ligatures as two letters: those come back as ASCII.
        readable = {"‘": "`", "’": "'", "ﬁ": "fi", "ﬂ": "fl"}
        shown = "".join("?" if ch in unencodable else readable.get(ch, ch) for ch in expected)
        assert unicodedata.normalize("NFC", decode_latex(fields["title"])) == shown


def test_export_names_the_entries_whose_values_are_guesses(folio: Folio, seed_ids: dict) -> None:
    result = folio("export", "--all")
    assert result.exit_code == 0
    key = seed_ids["001"]["citekey"]
    assert f"folio: note: guessed values, check them before citing: {key} (title)" in (
        result.stderr
    )
    assert folio("edit", seed_ids["001"]["id"], "--title", "An interview").exit_code == 0
    assert "guessed values" not in folio("export", "--all").stderr
