"""`folio add doi:… arxiv:… isbn:…`: metadata-only articles from recorded Crossref, arXiv
and Open Library answers served locally, matched against the library like import-bib."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from library.errors import InvalidValue
from library.identifiers import check_isbn, classify
from tests.capture_support import WebServer, answer, recorded, web
from tests.conftest import Folio

__all__ = ["web"]

DOI = "10.5555/jua.2022.0417"
ARXIV = "2403.01234"
ISBN = "9780306406157"


@pytest.fixture
def services(web: WebServer, monkeypatch: pytest.MonkeyPatch) -> WebServer:
    """The three services, answering from tests/data/capture."""
    for name in ("FOLIO_CROSSREF_URL", "FOLIO_ARXIV_URL", "FOLIO_OPENLIBRARY_URL"):
        monkeypatch.setenv(name, web.base)
    web.routes[f"/works/{DOI}"] = recorded("crossref-10.5555-hive.json", "application/json")
    web.routes[f"/query?id_list={ARXIV}&max_results=1"] = recorded(
        "arxiv-2403.01234.xml", "application/atom+xml; charset=utf-8"
    )
    web.routes["/query?id_list=2403.99999&max_results=1"] = recorded(
        "arxiv-unknown.xml", "application/atom+xml; charset=utf-8"
    )
    web.routes[f"/api/books?bibkeys=ISBN:{ISBN}&format=json&jscmd=data"] = recorded(
        "openlibrary-9780306406157.json", "application/json"
    )
    return web


def _results(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_a_doi_becomes_a_metadata_only_article(folio: Folio, services: WebServer) -> None:
    result = folio("add", f"doi:{DOI}", "--json")
    assert result.exit_code == 0, result.output
    [record] = _results(result)
    assert record["status"] == "added" and record["path"] == f"doi:{DOI}"
    shown = folio.json("show", record["id"])
    assert shown["title"] == "Nectar flow on city rooftops: a three-season survey of urban hives"
    assert shown["authors"] == ["Maria Okafor", "Jan van der Berg", "Urban Pollinator Survey Group"]
    assert shown["date"] == "2022-04-01" and shown["site"] == "Journal of Urban Apiculture"
    assert shown["type"] == "article-journal" and shown["format"] == "bib"
    assert shown["text"] == ""
    assert set(shown["origins"].values()) == {"found"}  # what the service states: found
    assert record["citekey"] == "okaforNectarFlowCity2022"
    bib = shown["bib"]
    assert bib["type"] == "article" and bib["doi"] == DOI
    assert bib["fields"]["volume"] == "14" and bib["fields"]["pages"] == "117--139"
    assert bib["fields"]["langid"] == "english" and bib["fields"]["issn"] == "2049-3630"
    exported = folio("export", record["id"]).stdout
    assert f"doi = {{{DOI}}}" in exported and "number = {2}" in exported
    assert "urldate" not in exported  # nobody accessed a page


def test_the_same_doi_in_any_form_is_the_same_work(folio: Folio, services: WebServer) -> None:
    first = _results(folio("add", f"doi:{DOI}", "--json"))[0]
    for form in (f"https://doi.org/{DOI.upper()}", DOI, f"DOI: {DOI}"):
        again = _results(folio("add", form, "--json"))[0]
        assert (again["status"], again["id"]) == ("present", first["id"]), form
    assert len(folio.json("list")) == 1


def test_a_doi_fills_in_an_article_already_here_without_overwriting(
    folio: Folio, services: WebServer, tmp_path: Path
) -> None:
    page = tmp_path / "hives.md"
    page.write_text(
        "---\ntitle: Nectar flow on city rooftops\nauthor: Maria Okafor\ndate: 2022-04-01\n---\n\n"
        "Rooftop colonies in dense districts were weighed weekly for three seasons.\n"
    )
    mine = _results(folio("add", str(page), "--json"))[0]
    folio("edit", mine["id"], "--site", "My own note of the journal")
    result = folio("add", f"doi:{DOI}")
    assert result.exit_code == 0, result.output
    assert "Updated" in result.stdout and mine["id"] in result.stdout
    assert "kept the library's" in result.stderr and "site" in result.stderr
    shown = folio.json("show", mine["id"])
    assert shown["site"] == "My own note of the journal"  # a differing value is kept
    assert shown["text"].startswith("Rooftop colonies")  # the text stays
    assert shown["bib"]["doi"] == DOI and shown["bib"]["fields"]["volume"] == "14"
    assert len(folio.json("list")) == 1


def test_an_arxiv_id_and_its_url(folio: Folio, services: WebServer) -> None:
    record = _results(folio("add", f"arXiv:{ARXIV}v2", "--json"))[0]
    assert record["status"] == "added", record
    shown = folio.json("show", record["id"])
    assert shown["title"] == "Flood Barriers as Coupled Oscillators: Gate Timing on Tidal Rivers"
    assert shown["authors"] == ["Ana Ferreira", "Tomas Lindqvist", "Sofia De la Cruz"]
    assert shown["date"] == "2024-03-02" and shown["url"] == f"https://arxiv.org/abs/{ARXIV}"
    fields = shown["bib"]["fields"]
    assert fields["eprint"] == ARXIV and fields["eprinttype"] == "arxiv"
    assert (
        fields["eprintclass"] == "physics.flu-dyn"
        and shown["bib"]["doi"] == "10.5555/hyd.2024.0031"
    )
    again = _results(folio("add", f"https://arxiv.org/abs/{ARXIV}", "--json"))[0]
    assert (again["status"], again["id"]) == ("present", record["id"])


def test_an_isbn(folio: Folio, services: WebServer) -> None:
    record = _results(folio("add", "isbn:978-0-306-40615-7", "--json"))[0]
    assert record["status"] == "added", record
    shown = folio.json("show", record["id"])
    assert shown["title"] == "Tidal rivers and their gates"
    assert shown["subtitle"] == "engineering the lower town"
    assert shown["authors"] == ["Tomas Lindqvist"] and shown["date"] == "1994-06"
    assert shown["site"] == "Plenum Press" and shown["type"] == "book"
    assert shown["bib"]["fields"]["isbn"] == ISBN
    assert shown["bib"]["fields"]["location"] == "New York"


def test_unknown_and_malformed_identifiers_fail_alone(folio: Folio, services: WebServer) -> None:
    result = folio(
        "add",
        f"doi:{DOI}",
        "doi:10.5555/nothing.here",
        "arxiv:2403.99999",
        "isbn:978-0-306-40615-8",
        "isbn:9780262033848",
        "arxiv:not-an-id",
    )
    assert result.exit_code == 1
    assert "1 added, 5 failed" in result.stdout
    text = result.stderr
    assert "doi:10.5555/nothing.here: Crossref does not know it" in text
    assert "arxiv:2403.99999: arXiv does not know it" in text
    assert "isbn:978-0-306-40615-8: not a valid ISBN (the check digit is wrong)" in text
    assert "isbn:9780262033848: Open Library does not know it" in text
    assert "arxiv:not-an-id: not an arXiv id" in text
    assert len(text.strip().splitlines()) == 5


def test_a_service_that_cannot_be_reached(
    folio: Folio, services: WebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.routes[f"/works/{DOI}"] = answer(503, b"busy", "text/plain")
    result = folio("add", f"doi:{DOI}")
    assert result.exit_code == 1
    assert f"doi:{DOI}: Crossref: " in result.stderr and "HTTP 503" in result.stderr
    monkeypatch.setenv("FOLIO_CROSSREF_URL", "http://127.0.0.1:1")
    assert "connection refused" in folio("add", f"doi:{DOI}").stderr


def test_base_urls_are_library_settings(folio: Folio, services: WebServer, monkeypatch) -> None:
    monkeypatch.delenv("FOLIO_CROSSREF_URL")
    result = folio("config", "crossref-url", services.base)
    assert result.exit_code == 0, result.output
    assert folio("config", "crossref-url").stdout.strip() == services.base
    assert _results(folio("add", f"doi:{DOI}", "--json"))[0]["status"] == "added"
    assert folio("config", "crossref-url", "ftp://x").exit_code == 2
    folio("config", "crossref-url", "--reset")
    assert folio("config", "crossref-url").stdout.strip() == "https://api.crossref.org"


def test_identifiers_are_read_in_the_forms_people_paste() -> None:
    assert classify("https://dx.doi.org/10.1038/NPHYS1170").value == "10.1038/nphys1170"
    assert classify("arxiv:hep-th/9901001v3").value == "hep-th/9901001"
    assert classify("https://arxiv.org/pdf/2403.01234v2.pdf").value == ARXIV
    assert classify("https://example.org/story").kind == "url"
    assert classify("10.1000/xyz").kind == "doi"
    assert check_isbn("0-306-40615-2") == "0306406152"
    with pytest.raises(InvalidValue):
        check_isbn("12345")
    with pytest.raises(InvalidValue):
        classify("doi:11.2/x")
