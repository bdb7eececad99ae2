"""Bibliographic records without loss: real-world .bib files go through import → export →
merge with every field kept, what Folio models is read right, matching never overwrites
another work, and the toolchains (biber, bibtex) accept what comes out."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.bib_roundtrip import entries_of, round_trip
from tests.conftest import Folio, write
from tests.test_bibtex_export import _biber_warnings, require_tool

DATA = Path(__file__).parent / "data" / "bib"
FILES = sorted(DATA.glob("*.bib"))
FEATURES = DATA / "folio-features.bib"


@pytest.mark.parametrize("source", FILES, ids=[p.name for p in FILES])
def test_real_world_files_round_trip_without_losing_a_field(
    folio: Folio, source: Path, tmp_path: Path
) -> None:
    result = round_trip(folio, source, tmp_path / "work")
    assert result.imported > 0 and not result.refused
    assert result.differences == []
    assert result.idempotent, result.merge_output


def _corpus() -> list[Path]:
    folder = os.environ.get("FOLIO_BIB_CORPUS")
    if not folder:
        return []
    return sorted(p for p in Path(folder).rglob("*") if p.is_file() and p.stat().st_size)


@pytest.mark.skipif(not _corpus(), reason="FOLIO_BIB_CORPUS is not set")
@pytest.mark.parametrize("source", _corpus(), ids=[p.name for p in _corpus()])
def test_corpus_round_trip(folio: Folio, source: Path, tmp_path: Path) -> None:
    result = round_trip(folio, source, tmp_path / "work")
    # A file that does not parse is refused whole by the merge (and left as it was); its
    # readable entries were still imported, the others reported.
    assert result.refused == (result.import_code == 1 and result.refused)
    assert result.differences == [] and result.idempotent


def _import(folio: Folio, path: Path, *args: str) -> tuple[int, dict[str, dict], str]:
    result = folio("import-bib", str(path), "--json", *args)
    outcomes = json.loads(result.stdout) if result.stdout.strip() else []
    return result.exit_code, {o["key"]: o for o in outcomes}, result.stderr


@pytest.fixture
def features(folio: Folio) -> dict[str, dict]:
    code, outcomes, _ = _import(folio, FEATURES)
    assert code == 0
    return outcomes


def test_modelled_fields_are_read_from_any_spelling(folio: Folio, features: dict) -> None:
    capital = folio.json("show", "Capital2001")
    assert capital["authors"] == ["Jörg Müller", "World Health Organization"]
    assert capital["title"] == "Capitalised Field Names"
    assert capital["site"] == "Journal of Fluid Mechanics"  # @string # @string
    assert (capital["date"], capital["type"]) == ("2001-03", "article-journal")
    assert capital["url"] == "https://example.org/capital"  # DOI apart from the URL
    bib = capital["bib"]
    assert bib["doi"] == "10.1234/capital.2001" and bib["type"] == "article"
    assert bib["fields"]["doi"] == "10.1234/Capital.2001"
    assert bib["fields"]["isbn"] == "978-3-16-148410-0"
    assert "% note" not in bib["fields"] and "note" not in bib["fields"]  # commented out
    web = folio.json("show", "web2020")
    assert web["title"] == "Drones over Kabul"  # \href decoded, its first title kept
    assert web["bib"]["fields"]["urldate"] == "2021-01-02"
    edited = folio.json("show", "edited2015")
    assert edited["authors"] == [] and edited["bib"]["fields"]["editor"] == "Doe, John"
    assert folio.json("show", "thesis2010")["type"] == "thesis"
    assert folio.json("show", "tool2023")["bib"]["type"] == "software"


def test_crossref_children_inherit_and_keep_the_link(folio: Folio, features: dict) -> None:
    child = folio.json("show", "child2019")
    assert child["type"] == "paper-conference"
    assert child["date"] == "2019" and child["site"] == "Proceedings of the Example Conference"
    assert "booktitle" in child["bib"]["inherited"] and "crossref" in child["bib"]["fields"]
    both = entries_of(_export_file(folio, "child2019", "conf2019"))
    assert both["child2019"][1]["crossref"] == "conf2019" and "year" not in both["child2019"][1]
    alone = entries_of(_export_file(folio, "child2019"))["child2019"][1]
    assert "crossref" not in alone
    assert alone["booktitle"] == "Proceedings of the Example Conference"
    assert alone["year"] == "2019" and alone["publisher"] == "Example Press"
    assert "editor" in alone


def _export_file(folio: Folio, *args: str, name: str = "out.bib") -> Path:
    out = folio.library_dir.parent / name
    result = folio("export", *args, "-o", str(out), "--force")
    assert result.exit_code == 0, result.output
    return out


def test_same_doi_twice_in_a_file_is_reported_and_kept_as_an_alias(
    folio: Folio, tmp_path: Path
) -> None:
    code, outcomes, stderr = _import(folio, FEATURES)
    assert code == 0
    assert outcomes["sameDoiAgain"]["status"] == "alias"
    assert outcomes["sameDoiAgain"]["citekey"] == "chapter2017"
    assert "sameDoiAgain" in stderr and "chapter2017" in stderr and "10.5555/same.doi" in stderr
    from library.bibrecords import aliases_of, key_owner
    from library.store import Library

    with Library(folio.library_dir) as library:
        owner = key_owner(library.conn, "samedoiagain")
        assert owner is not None and aliases_of(library.conn, owner) == ["sameDoiAgain"]
    # Imported again: nothing changes, and the alias is still reported as kept.
    code, outcomes, stderr = _import(folio, FEATURES)
    statuses = {o["status"] for k, o in outcomes.items() if k != "sameDoiAgain"}
    assert code == 0 and statuses == {"unchanged"}
    assert "kept as an alias of chapter2017" in stderr


def test_export_writes_back_what_came_in_and_what_was_edited(folio: Folio, features: dict) -> None:
    before = entries_of(FEATURES)
    out = entries_of(_export_file(folio, "--all"))
    for key in ("Capital2001", "thesis2010", "report2018", "blthesis2011", "tool2023"):
        kind, fields = out[key]
        assert kind == before[key][0]
        assert {k: v for k, v in fields.items() if k in before[key][1]} == before[key][1]
    assert "urldate" not in out["thesis2010"][1] and "urldate" not in out["tool2023"][1]
    assert out["web2020"][1]["urldate"] == "2021-01-02"
    assert out["web2020"][1]["title"] == "Drones over \\href{https://example.org/kabul}{Kabul}"
    assert out["Capital2001"][1]["journal"] == "Journal of Fluid Mechanics"
    # Edits made in Folio win, in the record's own spelling; the rest stays as it came.
    edit = folio("edit", "Capital2001", "--date", "2002-11", "--title", "New & Better")
    assert edit.exit_code == 0
    kind, fields = entries_of(_export_file(folio, "Capital2001"))["Capital2001"]
    assert (fields["year"], fields["month"], "date" in fields) == ("2002", "nov", False)
    assert fields["title"] == "{New} \\& {Better}" and fields["volume"] == "12"
    assert fields["doi"] == "10.1234/Capital.2001" and kind == "article"


def test_entries_are_matched_by_doi_url_and_title_never_by_key_alone(
    folio: Folio, features: dict, tmp_path: Path
) -> None:
    other = write(
        tmp_path / "other.bib",
        "@article{elsewhere, title = {Capitalised Field Names}, doi = {10.1234/CAPITAL.2001},"
        " volume = {12}, note = {Seen elsewhere}}\n"
        "@misc{byurl, title = {Another Title},"
        " url = {http://www.example.org/drones_2020?x=1&y=2}}\n"
        "@book{fuzzy, author = {Doe, John}, title = {The Edited Book}, year = 2015,"
        " editor = {Doe, John}}\n"
        "@thesis{byauthor, author = {Lopez, Ana}, title = {On rivers}, year = 2010}\n"
        "@misc{thesis2010, title = {Something Else Entirely}, year = 2010}\n",
    )
    code, outcomes, stderr = _import(folio, other, "--yes")
    assert code == 0, stderr
    assert outcomes["elsewhere"]["citekey"] == "Capital2001"
    assert outcomes["elsewhere"]["status"] == "updated"  # the note filled in
    assert outcomes["byurl"]["citekey"] == "web2020"
    assert outcomes["byauthor"]["citekey"] == "thesis2010"
    assert outcomes["fuzzy"]["status"] == "added"  # no author on one side: not the same
    assert outcomes["thesis2010"]["status"] == "added"
    assert outcomes["thesis2010"]["citekey"] != "thesis2010"
    assert "thesis2010: the key belongs to an article with another title" in stderr
    assert folio.json("show", "thesis2010")["title"] == "On rivers"  # --yes: overwritten
    # The other file's keys now name the same articles (aliases).
    assert folio.json("show", "Capital2001")["bib"]["fields"]["note"] == "Seen elsewhere"


def test_latin1_and_crlf_files_round_trip_in_their_own_bytes(folio: Folio, tmp_path: Path) -> None:
    text = (
        "@string{pub = {Presses de l'Universit\xe9}}\r\n"
        "@book{latin, author = {Fran\xe7ois L\xe9ger}, title = {\xc9t\xe9},"
        " publisher = pub, year = 1999}\r\n"
    )
    bib = write(tmp_path / "latin.bib", text.encode("latin-1"))
    code, _, _ = _import(folio, bib)
    assert code == 0 and folio.json("show", "latin")["title"] == "Été"
    assert folio("edit", "latin", "--title", "Été à Łódź").exit_code == 0
    result = folio("export", "--all", "--merge", "-o", str(bib))
    assert result.exit_code == 0, result.output
    data = bib.read_bytes()
    assert data.startswith(text.split("\r\n")[0].encode("latin-1") + b"\r\n")
    assert b"title = {{\xc9t\xe9} \xe0 {{\\L}\xf3d{\\'{z}}}}," in data
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert b"publisher = pub," in data  # the macro is kept where the value did not change


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("@misc{ok, title = {Fine}}\n@misc{OK, title = {Again}}\n", "duplicate key 'OK'"),
        ("@misc{ok, title = {Fine}}\n@misc{cut, title = {Trunc\n", "line 2:"),
    ],
)
def test_bad_entries_are_reported_by_line_and_the_good_ones_imported(
    folio: Folio, tmp_path: Path, text: str, reason: str
) -> None:
    code, outcomes, stderr = _import(folio, write(tmp_path / "bad.bib", text))
    assert code == 1 and list(outcomes) == ["ok"]
    assert reason in stderr and "Traceback" not in stderr


def _biber_problems(bib: Path) -> list[str]:
    """biber's warnings on the file, without the file's name (to compare two files)."""
    return sorted(re.sub(r"^.*?- |\s*\([^()]*\.bib\)", "", w) for w in _biber_warnings(bib))


def _bibtex_errors(folder: Path, bib: str, style: str) -> tuple[int, str]:
    bibtex = require_tool("bibtex")
    if (
        shutil.which("kpsewhich")
        and not subprocess.run(
            ["kpsewhich", f"{style}.bst"], capture_output=True, text=True
        ).stdout.strip()
    ):
        pytest.skip(f"{style}.bst is not installed")
    (folder / "doc.aux").write_text(f"\\citation{{*}}\n\\bibdata{{{bib}}}\n\\bibstyle{{{style}}}\n")
    run = subprocess.run([bibtex, "doc"], capture_output=True, text=True, cwd=folder)
    errors = re.search(r"\(There (?:was|were) (\d+) error", run.stdout)
    return (int(errors.group(1)) if errors else 0), run.stdout


def test_biber_finds_nothing_new_in_the_export(folio: Folio, features: dict) -> None:
    original = folio.library_dir.parent / "orig"
    original.mkdir()
    shutil.copy(FEATURES, original / "in.bib")
    out = _export_file(folio, "--all")
    ignored = ("Duplicate field", "duplicate field")  # the original repeats a field on purpose
    before = [p for p in _biber_problems(original / "in.bib") if not p.startswith(ignored)]
    after = _biber_problems(out)
    assert after == sorted(set(before) & set(after)), set(after) - set(before)


@pytest.mark.parametrize("style", ["plain", "plainnat", "apalike"])
def test_classic_bibtex_styles_read_the_bibtex_flavour(
    folio: Folio, features: dict, style: str
) -> None:
    folder = folio.library_dir.parent / f"bibtex-{style}"
    folder.mkdir()
    result = folio("export", "--all", "--format", "bibtex", "-o", str(folder / "refs.bib"))
    assert result.exit_code == 0, result.output
    assert (folder / "refs.bib").read_bytes().isascii()
    errors, log = _bibtex_errors(folder, "refs", style)
    assert errors == 0, log
    items = (folder / "doc.bbl").read_text().count("\\bibitem")
    assert items == len(entries_of(folder / "refs.bib"))


def test_csl_json_gives_the_records_doi_as_well_as_the_url(folio: Folio, features: dict) -> None:
    result = folio("export", "Capital2001", "--format", "csl-json")
    assert result.exit_code == 0, result.output
    [item] = json.loads(result.stdout)
    assert item["DOI"] == "10.1234/Capital.2001" and item["URL"] == "https://example.org/capital"


def test_a_differing_kept_field_is_asked_about_like_a_modelled_one(
    folio: Folio, features: dict, tmp_path: Path
) -> None:
    other = write(
        tmp_path / "other.bib",
        "@article{Capital2001, title = {Capitalised Field Names}, volume = {13},"
        " doi = {10.1234/capital.2001}}\n",
    )
    refused = folio("import-bib", str(other))
    assert refused.exit_code == 1 and "Capital2001: volume" in refused.stderr
    from library.bibimport import plan_imports, read_bib_file
    from library.store import Library

    with Library(folio.library_dir) as library:
        [plan] = plan_imports(library.conn, read_bib_file(other).records)
    assert plan.conflicts == ["volume"] and plan.conflict("volume") == ("12", "13")
    assert folio.json("show", "Capital2001")["bib"]["fields"]["volume"] == "12"
    assert folio("import-bib", str(other), "--yes").exit_code == 0
    assert folio.json("show", "Capital2001")["bib"]["fields"]["volume"] == "13"
