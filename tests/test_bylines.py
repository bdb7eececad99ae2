"""One byline cleaner for every importer: the shapes real pages put where a name goes."""

from __future__ import annotations

import pytest

from library.bylines import clean_byline, parse_authors

# (raw author field or byline, people, organisation, site)
SHAPES = [
    ("Admin", [], None, None),
    ("Staff", [], None, None),
    ("By Staff Writer", [], None, None),
    ("Carrie Arnold November", ["Carrie Arnold"], None, None),
    ("Malcolm Owen Monday", ["Malcolm Owen"], None, None),
    ("Cleveland com", [], None, "Cleveland.com"),
    ("cleveland.com", [], None, "cleveland.com"),
    ("ERIC TUCKER Associated Press", ["Eric Tucker"], "Associated Press", None),
    (
        "By ERIC TUCKER and MARK SHERMAN, Associated Press",
        ["Eric Tucker", "Mark Sherman"],
        "Associated Press",
        None,
    ),
    (["Ilana Muhlstein", "MS", "RDN"], ["Ilana Muhlstein"], None, None),
    ("Ilana Muhlstein, MS, RDN", ["Ilana Muhlstein"], None, None),
    ("Jane Doe PhD", ["Jane Doe"], None, None),
    ("By Jane Doe", ["Jane Doe"], None, None),
    ("Par Jeanne Dupont, 12 mars 2023", ["Jeanne Dupont"], None, None),
    ("Von Anna Müller | 3. März 2021", ["Anna Müller"], None, None),
    ("Por María García", ["María García"], None, None),
    ("Posted by Michael Keller at 8:18 AM", ["Michael Keller"], None, None),
    ("The Associated Press", [], "Associated Press", None),
    ("Reuters", [], "Reuters", None),
    ("Dr. Jane Doe, Senior Editor", ["Jane Doe"], None, None),
    ("Ian LYNAM October 8", ["Ian Lynam"], None, None),
    ("Blue Lily Photography", [], "Blue Lily Photography", None),
    ("View Profile", [], None, None),
    ("Theresa May", ["Theresa May"], None, None),  # a month that is a name stays
    ("Jack Ma", ["Jack Ma"], None, None),  # a surname that is a credential stays
    ("José Ortega y Gasset", ["José Ortega y Gasset"], None, None),
    ("李明", ["李明"], None, None),
]


@pytest.mark.parametrize(("raw", "people", "organisation", "site"), SHAPES, ids=str)
def test_byline_shapes(
    raw: str | list[str], people: list[str], organisation: str | None, site: str | None
) -> None:
    byline = clean_byline(raw)
    assert (byline.people, byline.organisation, byline.site) == (people, organisation, site)


def test_an_agency_is_the_author_only_when_no_person_is_named() -> None:
    assert clean_byline("Reuters").authors() == ["Reuters"]
    assert clean_byline("Jane Doe, Reuters").authors() == ["Jane Doe"]
    assert clean_byline("Cleveland com").authors() == []


def test_strict_parsing_takes_nothing_from_a_sentence() -> None:
    assert parse_authors("the way home") == []
    assert parse_authors("Jane Doe and the river") == []
    assert parse_authors("Jane Doe and John Smith") == ["Jane Doe", "John Smith"]


def test_leading_parsing_stops_at_the_first_part_that_is_not_a_name() -> None:
    byline = clean_byline("Andrew Hayden, Engineer on Maps and the river", leading=True)
    assert byline.people == ["Andrew Hayden"]
    assert clean_byline("the way home, Jane Doe", leading=True).people == []
