"""The five real web captures import with the metadata a careful reader finds in them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Folio


@pytest.fixture
def imported(folio: Folio, seeds: Path) -> dict[str, dict]:
    result = folio("add", str(seeds), "--json")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["status"] for r in records] == ["added"] * 5
    return {Path(r["path"]).name[:3]: folio.json("show", r["id"]) for r in records}


def test_seed_titles(imported: dict[str, dict]) -> None:
    assert imported["000"]["title"].startswith("Jihadists in Afghanistan")
    assert imported["000"]["origins"]["title"] == "found"
    assert imported["001"]["title"] and imported["001"]["origins"]["title"] == "guessed"
    assert imported["002"]["title"] == "Afghanistan Regains Its Crown as Terror Central"
    assert imported["002"]["subtitle"].startswith("The Taliban’s jihadi friends are back")
    assert imported["003"]["title"] == (
        "Might Russia be facing Islamic terrorism coming out of Afghanistan?"
    )
    assert imported["004"]["title"] == (
        "Afghanistan under Taliban, good news for Islamist terrorist groups"
    )


def test_seed_authors_dates_and_sites(imported: dict[str, dict]) -> None:
    assert imported["004"]["authors"] == ["James M. Dorsey"]
    for seed in ("000", "001", "002", "003"):
        assert imported[seed]["authors"] == [], seed
    assert imported["002"]["date"] == "2022-04-20"
    assert imported["002"]["site"] == "Foreign Policy"
    assert "RAWA" in imported["002"]["republished_by"]
    for seed in ("000", "001", "003", "004"):
        assert imported[seed]["date"] is None, seed


def test_seed_citekeys_are_readable_and_unique(imported: dict[str, dict]) -> None:
    keys = {seed: article["citekey"] for seed, article in imported.items()}
    assert len(set(keys.values())) == 5
    assert keys["004"] == "dorseyAfghanistanTalibanGood"  # no date: no year
    assert keys["002"] == "AfghanistanRegainsIts2022"  # no author: title words, not the site
    assert all(key.isascii() and key.isalnum() for key in keys.values())


def test_seed_furniture_is_gone_but_the_article_stays(imported: dict[str, dict]) -> None:
    for seed, article in imported.items():
        text = article["text"]
        for furniture in (
            "Click to comment",
            "Leave a Comment",
            "Subscribe via Email",
            "Follow RAWA on Twitter",
            "bloggers like this",
        ):
            assert furniture not in text, (seed, furniture)


def test_seeds_are_searchable(folio: Folio, imported: dict[str, dict]) -> None:
    hits = folio.json("search", '"jihadi businessmen"')
    assert {h["id"] for h in hits} >= {imported["000"]["id"]}
    assert folio.json("search", "author:dorsey")[0]["id"] == imported["004"]["id"]
    assert folio.json("search", "site:rawa")[0]["id"] == imported["002"]["id"]
    assert folio.json("search", "date:2022-04")[0]["id"] == imported["002"]["id"]


def test_seeds_re_added_are_all_present(folio: Folio, seeds: Path, imported: dict) -> None:
    result = folio("add", str(seeds), "--json")
    statuses = [json.loads(line)["status"] for line in result.stdout.splitlines()]
    assert statuses == ["present"] * 5


# Body paragraphs as a reader counts them (headline, standfirst, byline not counted), for
# a passage at the start of the paragraph that begins with these words. The quotes are
# read from the seeds at run time.
SEED_PARAGRAPHS = {
    "000": ("Serenko told", 3),
    "001": ("Kyrgyzstan, Kazakhstan", 3),
    "002": ("Violence", 1),
    "003": ("According to reports", 3),
    "004": ("Khorasani was an easy symbol", 4),
}


@pytest.mark.parametrize("seed", sorted(SEED_PARAGRAPHS))
def test_seed_locators_are_body_paragraph_numbers(
    folio: Folio, seeds: Path, imported: dict[str, dict], seed: str
) -> None:
    opening, number = SEED_PARAGRAPHS[seed]
    (path,) = seeds.glob(f"{seed}_*.txt")
    (line,) = [
        line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith(opening)
    ]
    quote = " ".join(line.split()[:8])
    made = folio.json("note", imported[seed]["id"], "--quote", quote, "-m", "x")
    assert made["locator"] == f"para. {number}"  # type: ignore[index]
