"""`folio import-bib`: metadata-only articles, filling in known ones, per-block problem
reports, and `folio add FILE --to REF` to give a metadata-only article its text."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Folio, write

BIB = r"""% exported from somewhere
@article{roe2021drones,
  author = {Roe, Jane and {Committee to Protect Journalists}},
  title = {{Drones} over {Kabul} \& beyond},
  journaltitle = {The Diplomat},
  entrysubtype = {newspaper},
  date = {2021-08-30},
  url = {https://example.org/drones},
  langid = {english},
}

@misc{anon,
  title = {Caf{\'e} notes},
  howpublished = {\url{https://example.org/cafe}},
  year = 2020, month = apr,
  note = {Republished by RAWA. Accessed 2024-01-02},
}
"""


def _import(folio: Folio, path: Path, *args: str) -> tuple[int, list[dict], str]:
    result = folio("import-bib", str(path), "--json", *args)
    data = json.loads(result.stdout) if result.stdout.strip() else []
    return result.exit_code, data, result.stderr


def test_import_creates_metadata_only_articles(folio: Folio, tmp_path: Path) -> None:
    code, outcomes, _ = _import(folio, write(tmp_path / "refs.bib", BIB))
    assert code == 0 and [o["status"] for o in outcomes] == ["added", "added"]
    roe = folio.json("show", "roe2021drones")
    assert roe["title"] == "Drones over Kabul & beyond"
    assert roe["authors"] == ["Jane Roe", "Committee to Protect Journalists"]
    assert (roe["date"], roe["site"], roe["type"]) == (
        "2021-08-30",
        "The Diplomat",
        "article-newspaper",
    )
    assert roe["language"] == "en" and roe["text"] == "" and roe["format"] == "bib"
    assert set(roe["origins"].values()) == {"user"}
    anon = folio.json("show", "anon")
    assert anon["title"] == "Café notes" and anon["date"] == "2020-04"
    assert anon["url"] == "https://example.org/cafe" and anon["republished_by"] == "RAWA"


def test_metadata_only_articles_work_with_list_show_search_and_check(
    folio: Folio, tmp_path: Path
) -> None:
    _import(folio, write(tmp_path / "refs.bib", BIB))
    assert len(folio.json("list")) == 2
    assert folio("show", "anon").exit_code == 0
    assert folio("show", "anon", "--text").exit_code == 0
    assert [h["citekey"] for h in folio.json("search", "kabul")] == ["roe2021drones"]
    assert folio("check").exit_code == 0, folio("check").output
    assert folio("export", "--all").exit_code == 0


def test_reimport_is_unchanged_and_a_taken_key_gets_a_fresh_one(
    folio: Folio, tmp_path: Path
) -> None:
    path = write(tmp_path / "refs.bib", BIB)
    _import(folio, path)
    code, outcomes, _ = _import(folio, path)
    assert code == 0 and [o["status"] for o in outcomes] == ["unchanged", "unchanged"]
    other = write(tmp_path / "other.bib", "@misc{anon, title = {Something else}}\n")
    # The same key on a work with another title is not the same work: a conflict, reported;
    # the entry becomes an article of its own and "anon" is left alone, even with --yes.
    code, outcomes, stderr = _import(folio, other, "--yes")
    assert code == 0 and outcomes[0]["status"] == "added" and outcomes[0]["citekey"] != "anon"
    assert "anon: the key belongs to an article with another title" in stderr
    assert folio.json("show", "anon")["title"] == "Café notes"
    bad_key = write(tmp_path / "bad.bib", "@misc{9lives, title = {Nine}}\n")
    code, outcomes, stderr = _import(folio, bad_key)
    assert outcomes[0]["status"] == "added" and outcomes[0]["citekey"] != "9lives"
    assert "9lives" in stderr and "not a valid" in stderr


def test_existing_article_filled_in_by_url_asks_before_overwriting(
    folio: Folio, tmp_path: Path
) -> None:
    page = write(
        tmp_path / "a.md",
        "---\ntitle: Drones\nurl: https://example.org/drones\n---\n\nBody of the article.\n",
    )
    added = json.loads(folio("add", str(page), "--json").stdout)
    code, outcomes, stderr = _import(folio, write(tmp_path / "refs.bib", BIB))
    assert code == 1 and "title" in stderr and "--yes" in stderr
    assert folio.json("show", added["id"])["authors"] == []  # nothing changed at all
    code, outcomes, _ = _import(folio, tmp_path / "refs.bib", "--yes")
    assert code == 0 and outcomes[0] == {**outcomes[0], "status": "updated", "id": added["id"]}
    shown = folio.json("show", added["id"])
    assert shown["title"] == "Drones over Kabul & beyond" and shown["origins"]["title"] == "user"
    assert shown["citekey"] == added["citekey"]  # pinned, not the .bib's key
    assert "Body of the article." in shown["text"]


def test_problems_are_reported_per_block_and_good_entries_still_import(
    folio: Folio, tmp_path: Path
) -> None:
    text = (
        "@misc{good, title = {Good one}}\n"
        "@misc{good, title = {Duplicate}}\n"
        "@misc{notitle, year = 2020}\n"
        "@misc{cut, title = {Truncated\n"
    )
    code, outcomes, stderr = _import(folio, write(tmp_path / "mixed.bib", text))
    assert code == 1
    # An entry without a title is still a reference (BibTeX needs none): kept, with a warning.
    assert [o["citekey"] for o in outcomes] == ["good", "notitle"]
    lines = stderr.strip().splitlines()
    assert any("mixed.bib:line 2:" in line and "good" in line for line in lines)
    assert any("warning: notitle: the entry has no title" in line for line in lines)
    assert any("line 4:" in line for line in lines)


def test_empty_and_entryless_files_are_one_line_errors(folio: Folio, tmp_path: Path) -> None:
    for name, text in (("empty.bib", ""), ("blank.bib", "\n  \n"), ("prose.bib", "just words\n")):
        result = folio("import-bib", str(write(tmp_path / name, text)))
        assert result.exit_code == 1 and result.stderr.count("\n") == 1, name
        assert name in result.stderr
    missing = folio("import-bib", str(tmp_path / "nope.bib"))
    assert missing.exit_code == 1 and missing.stderr.count("\n") == 1


def test_add_to_gives_a_metadata_only_article_its_text(
    folio: Folio, tmp_path: Path, seeds: Path
) -> None:
    _import(folio, write(tmp_path / "refs.bib", BIB))
    before = folio.json("show", "anon")
    seed = sorted(seeds.glob("004_*.txt"))[0]
    result = folio("add", str(seed), "--to", "anon")
    assert result.exit_code == 0, result.output
    after = folio.json("show", "anon")
    assert (after["id"], after["citekey"], after["title"]) == (
        before["id"],
        before["citekey"],
        before["title"],
    )
    assert after["authors"] == ["James M. Dorsey"]  # found in the file, not typed by the user
    assert len(after["text"]) > 1000 and after["format"] == "txt"
    assert folio("check").exit_code == 0
    again = folio("add", str(seed), "--to", "roe2021drones")
    assert again.exit_code == 1 and "already in the library" in again.stderr


def test_add_to_refuses_folders_and_several_paths(
    folio: Folio, tmp_path: Path, seeds: Path
) -> None:
    _import(folio, write(tmp_path / "refs.bib", BIB))
    folder = folio("add", str(seeds), "--to", "anon")
    assert folder.exit_code == 2 and "one file" in folder.stderr
    files = sorted(str(p) for p in seeds.glob("*.txt"))[:2]
    several = folio("add", *files, "--to", "anon")
    assert several.exit_code == 2
    unknown = folio("add", files[0], "--to", "nosuchkey")
    assert unknown.exit_code == 1 and "nosuchkey" in unknown.stderr


def test_export_then_import_round_trips_the_seeds(
    folio: Folio, tmp_path: Path, seeds: Path
) -> None:
    from tests.conftest import Folio as FolioRunner

    assert folio("add", str(seeds)).exit_code == 0
    bib = tmp_path / "seeds.bib"
    assert folio("export", "--all", "-o", str(bib)).exit_code == 0
    fresh = FolioRunner(tmp_path / "other-lib")
    assert fresh("import-bib", str(bib)).exit_code == 0
    fields = ("citekey", "title", "authors", "date", "site", "republished_by")
    original = {a["citekey"]: {f: a[f] for f in fields} for a in folio.json("list")}
    copied = {a["citekey"]: {f: a[f] for f in fields} for a in fresh.json("list")}
    for key, article in original.items():
        # The biblatex flavour keeps the subtitle separate; titles match exactly.
        assert copied[key] == article, key
    # Imported back into the library it came from, nothing differs.
    again = folio("import-bib", str(bib), "--json")
    assert again.exit_code == 0, again.output
    assert {o["status"] for o in json.loads(again.stdout)} == {"unchanged"}


def test_huge_fields_are_not_decoded(monkeypatch) -> None:
    """LaTeX decoding is bounded: a field Folio does not use is never decoded, and one over
    the limit is kept in the record unread, with a warning, instead of taking minutes."""
    from library import bibimport, latex

    decoded: list[int] = []
    real = latex.decode_latex

    def spy(value: str) -> str:
        decoded.append(len(value))
        return real(value)

    monkeypatch.setattr(bibimport, "decode_latex", spy)
    huge = "x\\'e" * 250_000
    text = (
        f"@online{{big, title = {{A {{Small}} Title}}, abstract = {{{huge}}},\n"
        f"  note = {{{huge}}}, url = {{https://example.org/big}} }}\n"
    )
    read = bibimport.read_bib_bytes(text.encode())
    (record,) = read.records
    assert record.fields["title"] == "A Small Title"
    assert max(decoded, default=0) < 1_000_000
    assert any("note kept in the record only" in w and "too long" in w for w in record.warnings)
    assert not any("abstract" in w for w in record.warnings)  # never read, so never decoded
    assert record.record.first()["abstract"].value == huge  # the record keeps it whole
    long_title = f"@online{{t, title = {{{huge}}}, url = {{https://example.org/t}} }}\n"
    (record,) = bibimport.read_bib_bytes(long_title.encode()).records
    assert "title" not in record.fields
    assert any("title kept in the record only" in w and "too long" in w for w in record.warnings)


def test_a_ten_megabyte_field_imports_in_seconds(folio: Folio, tmp_path: Path) -> None:
    """A hostile .bib (one 10 MB field of LaTeX) imports quickly: the field is kept, unread."""
    import time

    huge = "{\\'e}" * 2_000_000
    bib = write(tmp_path / "huge.bib", f"@misc{{huge, title = {{Huge}}, note = {{{huge}}}}}\n")
    started = time.monotonic()
    code, outcomes, stderr = _import(folio, bib)
    assert time.monotonic() - started < 30
    assert code == 0 and [o["status"] for o in outcomes] == ["added"], stderr
    assert "note kept in the record only" in stderr
