"""Found versus guessed: guessed dates stay out of citation keys, and exports name guesses."""

from __future__ import annotations

from pathlib import Path

from library.articles import get_article
from library.provenance import guessed_fields, guesses_note
from library.store import Library
from tests.conftest import Folio, write
from tests.test_pdf_import import make_pdf

PAGES = [["A Survey of River Mills", "The mills along the northern rivers stop in winter."]]


def test_a_pdf_file_date_is_a_guess_kept_out_of_the_citekey(
    folio: Folio, tmp_path: Path, library_dir: Path
) -> None:
    info = {"Title": "A Survey of River Mills", "Author": "Ada Lovelace", "CreationDate": "D:2019"}
    path = write(tmp_path / "survey.pdf", make_pdf(PAGES, info=info))
    assert folio("add", str(path)).exit_code == 0
    (article,) = folio.json("list")  # type: ignore[misc]
    shown = folio.json("show", article["id"])
    assert shown["date"] == "2019" and shown["origins"]["date"] == "guessed"  # type: ignore[index]
    assert article["citekey"] == "lovelaceSurveyRiverMills"  # no year from the file's own date
    with Library(library_dir) as library:
        stored = get_article(library.conn, article["id"])
        assert guessed_fields(stored) == ["date", "type"]
        assert guesses_note([stored]) == (
            "guessed values, check them before citing: lovelaceSurveyRiverMills (date)"
            " (confirm with folio edit)"
        )
    # Confirming the date makes it the user's; the pinned key does not change.
    assert folio("edit", article["id"], "--date", "2019").exit_code == 0
    shown = folio.json("show", article["id"])
    assert shown["origins"]["date"] == "user"  # type: ignore[index]
    assert shown["citekey"] == "lovelaceSurveyRiverMills"  # type: ignore[index]
    with Library(library_dir) as library:
        assert guesses_note([get_article(library.conn, article["id"])]) is None


def test_a_date_printed_on_page_one_goes_into_the_citekey(folio: Folio, tmp_path: Path) -> None:
    pages = [[*PAGES[0][:1], "Ada Lovelace", "March 3, 2021", *PAGES[0][1:]]]
    path = write(tmp_path / "dated.pdf", make_pdf(pages, info={"CreationDate": "D:2024"}))
    assert folio("add", str(path)).exit_code == 0
    (article,) = folio.json("list")  # type: ignore[misc]
    # The title is the first line's, a guess (no /Title): it stays out of the key too.
    assert article["citekey"] == "lovelace2021"
