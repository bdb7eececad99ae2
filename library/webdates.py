"""Dates as written on web pages and in front matter, read as ISO dates.

`parse_date` reads the first date in a string. The web-capture importer also finds the
date inside a byline or a dateline with `DATE` and turns the match into an ISO date with
`iso_from_match`, so that it knows what stands before and after the date on the line.
"""

from __future__ import annotations

import re
from datetime import date as _date

__all__ = [
    "DATE",
    "MONTH",
    "SEPARATORS",
    "iso_from_match",
    "parse_date",
]

# Month names, full and abbreviated, in English, French, German, Spanish, Portuguese,
# Italian and Dutch, by month number; bylines and datelines in those languages use them
# ("Par Jeanne Dupont, 12 mars 2023", "Von Anna Müller | 3. März 2021"). Short forms
# that are also words (Portuguese "out", Italian "ago") are left out.
_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "janvier", "janv", "januar", "enero", "janeiro", "gennaio",
        "januari"),
    2: ("february", "feb", "février", "fevrier", "févr", "februar", "febrero", "fevereiro",
        "febbraio", "februari"),
    3: ("march", "mar", "mars", "märz", "maerz", "marzo", "março", "maart"),
    4: ("april", "apr", "avril", "avr", "abril", "aprile"),
    5: ("may", "mai", "mayo", "maio", "maggio"),
    6: ("june", "jun", "juin", "juni", "junio", "junho", "giugno"),
    7: ("july", "jul", "juillet", "juil", "juli", "julio", "julho", "luglio"),
    8: ("august", "aug", "août", "aout", "agosto", "augustus"),
    9: ("september", "sept", "sep", "septembre", "septiembre", "setembro", "settembre"),
    10: ("october", "oct", "octobre", "oktober", "okt", "octubre", "outubro", "ottobre"),
    11: ("november", "nov", "novembre", "noviembre", "novembro"),
    12: ("december", "dec", "décembre", "decembre", "déc", "dezember", "dez", "diciembre",
         "dezembro", "dicembre"),
}  # fmt: skip
_MONTH_NUMBERS = {name: number for number, names in _MONTH_NAMES.items() for name in names}
# A month name, full or abbreviated, as a regular-expression fragment (no groups); longest
# names first so that "marzo" is not read as "mar".
MONTH = "(?:" + "|".join(sorted(map(re.escape, _MONTH_NUMBERS), key=len, reverse=True)) + ")"
DATE = re.compile(
    rf"(?<![\w-])(?:"
    rf"(?P<iy>\d{{4}})[-/.](?P<im>\d{{1,2}})(?:[-/.](?P<id>\d{{1,2}}))?(?![\d/.-]\d)"
    rf"|(?P<m1>{MONTH})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})(?!\d)"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th|er|\.)?\s+(?:of\s+|de\s+)?(?P<m2>{MONTH})\.?,?"
    rf"\s+(?:de\s+)?(?P<y2>\d{{4}})(?!\d)"
    rf"|(?P<m3>{MONTH})\.?,?\s+(?P<y3>\d{{4}})(?!\d)"
    rf")",
    re.IGNORECASE,
)
_YEAR_ONLY = re.compile(r"\s*(\d{4})\s*")
# What separates a date, or a name, from what stands beside it on a metadata line.
SEPARATORS = " \t,|•·–—-:;/"
_MIN_YEAR, _MAX_YEAR = 1800, 2100


def parse_date(text: str) -> str | None:
    """The first date in `text` as ISO `YYYY-MM-DD` (or `YYYY-MM`, `YYYY`), or None.

    Reads `2021-03-03`, `2021/03/03`, `March 3, 2021`, `Mar. 3 2021`, `3 March 2021`,
    `3rd of March 2021`, `March 2021`, and a string that is only a year; month names
    also in French, German, Spanish, Portuguese, Italian and Dutch (`12 mars 2023`,
    `3. März 2021`, `5 de mayo de 2020`). Numeric
    day/month orders (`03/04/2021`) are ambiguous and not read.
    """
    match = DATE.search(text)
    if match is None:
        year_only = _YEAR_ONLY.fullmatch(text)
        if year_only and _MIN_YEAR <= int(year_only.group(1)) <= _MAX_YEAR:
            return year_only.group(1)
        return None
    return iso_from_match(match)


def iso_from_match(match: re.Match[str]) -> str | None:
    """The ISO form of a DATE match, or None when it is not a real calendar date."""
    year, month, day = _date_parts(match.groupdict())
    y, m = int(year), int(month)
    if not (_MIN_YEAR <= y <= _MAX_YEAR and 1 <= m <= 12):
        return None
    if day is None:
        return f"{y:04d}-{m:02d}"
    try:
        return _date(y, m, int(day)).isoformat()
    except ValueError:
        return None


def _date_parts(groups: dict[str, str | None]) -> tuple[str, str, str | None]:
    """Year, month number and day (None when not given) from a DATE match's groups."""
    if groups["iy"]:
        return groups["iy"], str(groups["im"]), groups["id"]
    # Every other alternative of DATE has a month name and a year (y1, y2 or y3).
    n = next(n for n in "123" if groups[f"y{n}"])
    month = str(groups[f"m{n}"]).lower()  # a full or abbreviated name, in several languages
    return str(groups[f"y{n}"]), str(_MONTH_NUMBERS[month]), groups.get(f"d{n}")
