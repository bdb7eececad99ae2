"""Names and their variants from the command line: variant matching, --exact, joined forms,
alias sets (stored, applied to tags, exported with notes), `folio names`, why a hit matched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from library.analysis import FoldingWordAnalyzer
from library.variants import is_variant, spelling, variant_key
from tests.conftest import Folio, write


def _same_name(a: str, b: str) -> bool:
    return variant_key(a) == variant_key(b) and is_variant(spelling(a), spelling(b))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("masood", "massoud"),
        ("masood", "masʿud"),
        ("masud", "Масуд"),
        ("masood", "مسعود"),
        ("khorasan", "khorsan"),
        ("gaddafi", "kadhafi"),
        ("qaddafi", "القذافي"),
        ("prigozhin", "prigoschin"),
        ("prigozhin", "Пригожин"),
        ("zawahiri", "al-zawahri"),
        ("hezbollah", "hizballah"),
        ("masood", "μασούντ"),
    ],
)
def test_spellings_of_one_name_match(one: str, other: str) -> None:
    assert _same_name(one, other) and _same_name(other, one)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("khorasan", "khorasani"),  # a vowel added at the end makes another name
        ("masood", "masonic"),
        ("masood", "mossad"),
        ("qaeda", "gaza"),  # short words may not swap sounds
        ("hussein", "hassan"),
        ("prigozhin", "prigogine"),
        ("asian", "yasin"),
        ("soleimani", "suleiman"),
    ],
)
def test_names_that_only_look_alike_do_not(one: str, other: str) -> None:
    assert not _same_name(one, other)


def _indexed(text: str) -> list[str]:
    return [t.text for t in FoldingWordAnalyzer()(text)]


def _queried(text: str) -> list[str]:
    return [t.text for t in FoldingWordAnalyzer()(text, mode="query")]


def test_hyphenated_and_joined_forms_are_one_word_as_well() -> None:
    assert _indexed("ISIS-K, ISIS K and IS-K") == ["isis", "isisk", "isis", "isisk", "isk"]
    assert _queried("ISIS-K") == ["isisk"] and _queried("IS-K") == ["isk"]
    assert _indexed("Khamene'i and Masood's men") == ["khamene", "khamenei", "masood", "men"]
    assert _queried("al-Zawahiri") == ["zawahiri"] and _queried("Аль-Каида") == ["каида"]
    # Parts that are words themselves stay words, which a query finds as a phrase.
    assert _indexed("the al-Qa'ida core") == ["al", "qa", "ida", "core"]
    assert _queried("al-Qa'ida") == ["qa", "ida"] and _queried("well-known") == ["well", "known"]


def test_joined_form_takes_its_last_part_position_so_phrases_still_match() -> None:
    tokens = [(t.text, t.pos) for t in FoldingWordAnalyzer()("ISIS-K bombers", positions=True)]
    assert tokens == [("isis", 0), ("isisk", 0), ("bombers", 1)]


ARTICLES = {
    "exact.txt": "Commander Report\n\nAhmad Masood spoke once to the council.\n",
    "variant.txt": (
        "Valley Notes\n\nAhmad Massoud spoke. Massoud listened. Later Massoud left the valley.\n"
    ),
    "decoy.txt": "Lodge History\n\nThe Masonic lodge met on Tuesdays, and Mossad was blamed.\n",
    "province.txt": "Province Report\n\nThe Khorsan branch recruits widely.\n",
    "surname.txt": "Arrest Report\n\nAli Khorasani was arrested in the spring.\n",
    "isisk.txt": "Airport Attack\n\nISIS-K claimed the airport bombing.\n",
    "iskp.txt": "Regional Branch\n\nThe ISKP branch grew after the withdrawal.\n",
    "isis.txt": "Syria Campaign\n\nISIS claimed attacks across Syria.\n",
    "long.txt": (
        "Province Study\n\nThe Islamic State Khorasan Province published a new magazine.\n"
    ),
    "zawahiri.txt": "Network Leader\n\nAyman al-Zawahiri recorded a message.\n",
    "cyrillic.txt": "Газета\n\nАхмад Масуд возглавил сопротивление.\n",
}


@pytest.fixture
def library(folio: Folio, tmp_path: Path) -> dict[str, str]:
    """The articles above; their citekeys by file name."""
    for name, text in ARTICLES.items():
        write(tmp_path / "src" / name, text)
    result = folio("add", str(tmp_path / "src"), "--json")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    return {Path(r["path"]).name: folio.json("show", r["id"])["citekey"] for r in records}


def _files(folio: Folio, keys: dict[str, str], *query: str) -> list[str]:
    by_key = {key: name for name, key in keys.items()}
    return [by_key[hit["citekey"]] for hit in folio.json("search", *query)]


def test_a_name_finds_its_variants_ranked_below_the_spelling_typed(
    folio: Folio, library: dict[str, str]
) -> None:
    found = _files(folio, library, "masood")
    # The spelling typed first; the variants' order is the index's (a title counts more).
    assert found[0] == "exact.txt" and sorted(found[1:]) == ["cyrillic.txt", "variant.txt"]
    assert _files(folio, library, "masood", "--exact") == ["exact.txt"]


def test_variants_are_no_looser_than_a_reader_would_accept(
    folio: Folio, library: dict[str, str]
) -> None:
    assert _files(folio, library, "khorasan") == ["long.txt", "province.txt"]  # not surname.txt
    assert "decoy.txt" not in _files(folio, library, "masood")


def test_other_scripts_find_latin_spellings_and_back(folio: Folio, library: dict[str, str]) -> None:
    assert set(_files(folio, library, "Масуд")) == {"exact.txt", "variant.txt", "cyrillic.txt"}
    assert "cyrillic.txt" in _files(folio, library, "massoud")


def test_hits_say_which_variant_matched(folio: Folio, library: dict[str, str]) -> None:
    hits = folio.json("search", "masood")
    variant = next(h for h in hits if h["citekey"] == library["variant.txt"])
    assert {"query": "masood", "found": "Massoud", "how": "variant"} in variant["matched"]
    exact = next(h for h in hits if h["citekey"] == library["exact.txt"])
    assert exact["matched"] == [{"query": "masood", "found": "Masood", "how": "exact"}]
    plain = folio("search", "masood")
    assert "≈ Massoud (spelling of masood)" in plain.stdout


def test_a_hyphenated_name_is_its_own_word(folio: Folio, library: dict[str, str]) -> None:
    assert _files(folio, library, "ISIS-K") == ["isisk.txt"]  # not every ISIS article
    assert _files(folio, library, "ISIS K") == ["isisk.txt"]
    assert _files(folio, library, "ISISK") == ["isisk.txt"]
    assert set(_files(folio, library, "isis")) == {"isis.txt", "isisk.txt"}
    for query in ("al-Zawahiri", "Zawahiri", "al Zawahiri"):
        assert _files(folio, library, query) == ["zawahiri.txt"], query


def test_alias_sets_join_names_no_rule_links(folio: Folio, library: dict[str, str]) -> None:
    assert _files(folio, library, "ISKP") == ["iskp.txt"]
    made = folio.json("alias", "add", "ISKP", "ISIS-K", "IS-K", "Islamic State Khorasan Province")
    assert made["set"] == {
        "name": "ISKP",
        "variants": ["ISIS-K", "IS-K", "Islamic State Khorasan Province"],
    }
    assert set(_files(folio, library, "ISIS-K")) == {"isisk.txt", "iskp.txt", "long.txt"}
    assert set(_files(folio, library, '"islamic state khorasan province"')) == {
        "isisk.txt",
        "iskp.txt",
        "long.txt",
    }
    hit = next(h for h in folio.json("search", "iskp") if h["citekey"] == library["isisk.txt"])
    assert {"query": "iskp", "found": "ISIS-K", "how": "alias"} in hit["matched"]
    assert _files(folio, library, "ISIS-K", "--exact") == ["isisk.txt"]


def test_alias_list_add_to_a_set_and_remove(folio: Folio, library: dict[str, str]) -> None:
    folio("alias", "add", "ISKP", "ISIS-K")
    grown = folio("alias", "add", "isis-k", "Daesh Khorasan")  # any member names the set
    assert grown.exit_code == 0 and grown.stdout.strip() == 'ISKP: ISIS-K, "Daesh Khorasan"'
    assert folio.json("alias", "list") == [
        {"name": "ISKP", "variants": ["ISIS-K", "Daesh Khorasan"]}
    ]
    folio("alias", "rm", "ISKP", "Daesh Khorasan")
    assert folio.json("alias", "list") == [{"name": "ISKP", "variants": ["ISIS-K"]}]
    refused = folio("alias", "rm", "ISKP")  # a whole set is asked for
    assert refused.exit_code == 1 and "--yes" in refused.stderr
    assert folio("alias", "rm", "ISKP", "--yes").exit_code == 0
    assert folio.json("alias", "list") == []
    assert _files(folio, library, "ISIS-K") == ["isisk.txt"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "Mossad", "MOSSAD"), "at least one other spelling"),
        (("add", "ISKP", "K"), "no word Folio indexes"),
        (("add", "Mossad", "ISIS-K"), "already an alias of 'ISKP'"),
        (("rm", "Nothing", "--yes"), "no alias set has 'Nothing'"),
        (("rm", "ISKP", "Mossad"), "not an alias of 'ISKP'"),
    ],
)
def test_alias_mistakes_are_one_line_errors(
    folio: Folio, library: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    folio("alias", "add", "ISKP", "ISIS-K")
    result = folio("alias", *args)
    assert result.exit_code != 0
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.output


def test_tags_resolve_through_aliases(folio: Folio, library: dict[str, str]) -> None:
    folio("tag", "add", library["iskp.txt"], "groups/ISKP")
    assert _files(folio, library, "tag:groups/isis-k") == []
    folio("alias", "add", "ISKP", "ISIS-K")
    assert _files(folio, library, "tag:groups/isis-k") == ["iskp.txt"]
    assert _files(folio, library, "tag:isis-k") == []  # a tag's top level is not an alias


def test_alias_sets_travel_with_the_notes_json(
    folio: Folio, library: dict[str, str], tmp_path: Path
) -> None:
    folio("alias", "add", "ISKP", "ISIS-K", "IS-K")
    out = tmp_path / "notes.json"
    assert folio("notes", "--json", "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text())["aliases"] == [
        {"name": "ISKP", "variants": ["ISIS-K", "IS-K"]}
    ]
    other = Folio(tmp_path / "other")
    other("alias", "add", "IS-K", "Khorasan Branch")  # a spelling the import cannot take
    report = other.json("import-notes", str(out))
    assert report["aliases_added"] == 0 and "already an alias" in report["alias_conflicts"][0]
    fresh = Folio(tmp_path / "fresh")
    assert fresh.json("import-notes", str(out))["aliases_added"] == 2
    assert fresh.json("alias", "list") == [{"name": "ISKP", "variants": ["ISIS-K", "IS-K"]}]


def test_names_lists_spellings_in_use_most_useful_first(
    folio: Folio, library: dict[str, str]
) -> None:
    clusters = folio.json("names")
    masood = next(c for c in clusters if "Massoud" in [s["spelling"] for s in c["spellings"]])
    assert [(s["spelling"], s["count"]) for s in masood["spellings"]] == [
        ("Masood", 1),
        ("Massoud", 1),
        ("Масуд", 1),
    ]
    assert masood["spellings"][1]["articles"] == [
        {"id": masood["spellings"][1]["articles"][0]["id"], "citekey": library["variant.txt"]}
    ]
    assert clusters[0] == masood  # the most spellings beyond the first
    text = folio("names").stdout
    assert "Masood 1 / Massoud 1 / Масуд 1" in text
    assert "folio alias add Masood Massoud Масуд" in text
    assert folio.json("names", "--min-count", "2") == []


def test_did_you_mean_offers_a_spelling_the_library_uses_first(
    folio: Folio, library: dict[str, str]
) -> None:
    result = folio("search", "massud", "--exact")
    assert "Did you mean: masood" in result.stderr or "Did you mean: massoud" in result.stderr
    folio("alias", "add", "ISKP", "Daesh Khorasan")
    assert "Did you mean: ISKP" in folio("search", "daesh", "--exact").stderr


def test_seeds_masood_finds_both_spellings_and_an_alias_finds_iskp(
    folio: Folio, seeds: Path
) -> None:
    result = folio("add", str(seeds), "--json")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    seed_of = {r["id"]: Path(r["path"]).name[:3] for r in records}
    found = {seed_of[hit["id"]] for hit in folio.json("search", "masood")}
    assert {"000", "001"} <= found
    assert "002" not in {seed_of[h["id"]] for h in folio.json("search", "ISIS-K")}
    folio("alias", "add", "ISKP", "ISIS-K", "IS-K")
    assert "002" in {seed_of[h["id"]] for h in folio.json("search", "ISIS-K")}


def test_a_capital_inside_a_sentence_makes_a_name_one_at_its_start_does_not() -> None:
    from library.variants import name_terms

    terms = set(name_terms(["Fails happen. Then Massoud left.\nFiles moved."]).split())
    assert terms == {"msd|massoud", "fls|^fails", "fls|^files", "sn|^then"}


def test_ordinary_words_do_not_match_other_words_that_sound_alike(
    folio: Folio, tmp_path: Path
) -> None:
    for number in range(3):
        write(
            tmp_path / "src" / f"false{number}.txt",
            f"Report {number}\n\nFalse alarms are common. Most alarms are false, and fails "
            "happen.\n",
        )
    write(tmp_path / "src" / "files.txt", "Storage\n\nFiles are kept. The files are safe.\n")
    assert folio("add", str(tmp_path / "src")).exit_code == 0
    hits = folio.json("search", "files")
    assert len(hits) == 1 and all(m["how"] == "exact" for m in hits[0]["matched"])
    assert "The files are safe" in hits[0]["snippets"][0]["text"]
