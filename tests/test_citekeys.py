"""Citation-key formulas in Better BibTeX's syntax: the parser, each function and filter as
BBT documents it (retorque.re/zotero-better-bibtex/citing/), transliteration of every
script, names (particles, suffixes, organisations) and the rule that guesses stay out."""

from __future__ import annotations

import pytest

from library.citekeys import (
    DEFAULT_FORMULA,
    base_citekey,
    finalize,
    key_source,
    unique_citekey,
)
from library.keyformula import FormulaError, parse_formula
from library.keyfunctions import KeySource, transliterate

DORSEY = KeySource(
    authors=("James M. Dorsey",),
    title="Afghanistan under Taliban, good news for Islamist terrorist groups",
    date="2021-09-01",
)
FIVE = KeySource(
    authors=("Ann Smith", "Bo Jones", "Cy Brown", "Di Green", "Ed White"),
    title="A study",
    date="1999",
)


def key(source: KeySource, formula: str = DEFAULT_FORMULA) -> str:
    return base_citekey(source, formula)


@pytest.mark.parametrize(
    ("formula", "source", "expected"),
    [
        # BBT's default: "last name of first author without spaces, in lowercase", the first
        # three title words (function words skipped) capitalised, the year.
        (DEFAULT_FORMULA, DORSEY, "dorseyAfghanistanTalibanGood2021"),
        ("auth.lower + year", DORSEY, "dorsey2021"),
        ("auth:lower + year", DORSEY, "dorsey2021"),  # the older colon syntax for filters
        ("auth + year", DORSEY, "Dorsey2021"),
        ("auth(3) + year", DORSEY, "Dor2021"),
        ("auth(0, 2) + year", FIVE, "Jones1999"),
        ("auth(initials=true) + year", DORSEY, "DorseyJM2021"),
        ("auth.upper + shortyear", DORSEY, "DORSEY21"),
        ("authors + year", FIVE, "SmithJonesBrownGreenWhite1999"),
        ("authors(2) + year", FIVE, "SmithJonesEtAl1999"),
        ("authorsn(n=2, sep='_') + year", FIVE, "Smith_Jones_EtAl1999"),
        # alpha: 3 letters of one author, initials of 2-4, three initials and + for more
        # (Folio drops the +, which pandoc would not read as part of a key).
        ("authorsAlpha + shortyear", DORSEY, "Dor21"),
        ("authorsAlpha + shortyear", KeySource(authors=("Ann Smith", "Bo Jones")), "SJ"),
        ("authorsAlpha + shortyear", FIVE, "SJB99"),
        ("authEtAl + year", FIVE, "SmithEtAl1999"),
        ("authEtal2 + year", FIVE, "Smith.etal1999"),
        ("authAuthEa.lower", FIVE, "smith.jones.ea"),
        ("authorLast + year", FIVE, "White1999"),
        ("shorttitle + year", DORSEY, "AfghanistanTalibangood2021"),
        ("shorttitle(2) + year", DORSEY, "AfghanistanTaliban2021"),
        ("shorttitle(3,1).lower", DORSEY, "afghanistantalibangood"),
        ("veryshorttitle + year", DORSEY, "Afghanistan2021"),
        ("veryshorttitle(2, 2) + year", DORSEY, "AfghanistanTaliban2021"),
        ("title", DORSEY, "AfghanistanTalibangoodnewsIslamistterroristgroups"),
        ("auth.lower + '_' + veryshorttitle.lower + '_' + year", DORSEY, "dorsey_afghanistan_2021"),
        ('auth.lower + "-" + year', DORSEY, "dorsey-2021"),
        ("auth.lower + month + year", DORSEY, "dorseysep2021"),
        ("title.abbr.lower + year", DORSEY, "atgnitg2021"),
        ("shorttitle(3).condense('_').lower", DORSEY, "afghanistan_taliban_good"),
        ("title.select(2, 2)", DORSEY, "Talibangood"),
        ("title.substring(1, 5).upper", DORSEY, "AFGHA"),
        ("auth.prefix('by_') + year", DORSEY, "by_Dorsey2021"),
        ("auth.postfix('_') + year", KeySource(date="2021"), "key2021"),  # empty: no postfix
        ("veryshorttitle.capitalize", KeySource(title="quiet streets"), "Quiet"),
        # Alternatives: the first that yields a key wins; len skips to the next.
        ("auth.lower | veryshorttitle + year", KeySource(title="Kabul", date="2021"), "Kabul2021"),
        ("auth.lower + year | veryshorttitle", KeySource(title="Kabul", date="2021"), "key2021"),
        ("auth.len('>', 6) + year ; auth.lower + year", DORSEY, "dorsey2021"),
        ("auth.len('>=', 6) + year ; auth.lower + year", DORSEY, "Dorsey2021"),
    ],
)
def test_formulas_follow_better_bibtex(formula: str, source: KeySource, expected: str) -> None:
    assert key(source, formula) == expected


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        ("Ludwig van Beethoven", "vanbeethoven"),  # BBT's auth keeps the particle
        ("van Beethoven, Ludwig", "vanbeethoven"),
        ("Walter de la Mare", "delamare"),
        ("Martin Luther King Jr.", "king"),  # suffixes are never the family name
        ("King, Jr., Martin Luther", "king"),
        ("Martin Luther King, Jr.", "king"),
        ("Henry Ford III", "ford"),
        ("Dorsey, James M.", "dorsey"),
        ("NATO", "nato"),  # organisations are one name, kept whole
        (
            "Revolutionary Association of the Women of Afghanistan (RAWA)",
            "revolutionaryassociationofthewomenofafghanistanrawa",
        ),
        ("Reuters News Agency", "reutersnewsagency"),
        ("Jean-Paul Sartre", "sartre"),
        ("Sinéad O'Connor", "oconnor"),
    ],
)
def test_names_particles_suffixes_and_organisations(author: str, expected: str) -> None:
    assert key(KeySource(authors=(author,)), "auth.lower") == expected


def test_alpha_labels_leave_particles_out_as_bbt_does() -> None:
    source = KeySource(authors=("Ann Smith", "Bo Jones", "Ludwig van Beethoven"))
    assert key(source, "authorsAlpha") == "SJB"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Øster", "Oster"),
        ("Łódź", "Lodz"),
        ("Đoković", "Dokovic"),
        ("Œ", "OE"),
        ("ŒUVRE", "OEUVRE"),
        ("Ærø", "Aero"),
        ("Straße", "Strasse"),
        ("Nguyễn", "Nguyen"),
        ("Толстой", "Tolstoy"),
        ("Αθήνα", "Athina"),
        ("北京", "BeiJing"),
        ("東京", "DongJing"),
        ("서울", "SeoUl"),
        ("İstanbul", "Istanbul"),
        ("smile 😀", "smile "),  # symbols are dropped, not spelled out
    ],
)
def test_transliteration_covers_every_script(text: str, expected: str) -> None:
    assert transliterate(text) == expected


def test_german_text_writes_umlauts_as_bbt_does() -> None:
    source = KeySource(authors=("Jürgen Müller",), title="Über Bäume", language="de")
    assert key(source, "auth.lower + shorttitle(1,1)") == "muellerUeber"
    assert key(KeySource(authors=("Jürgen Müller",)), "auth.lower") == "muller"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            KeySource(authors=("Лев Толстой",), title="Война и мир", date="1869"),
            "tolstoyVoynaMir1869",
        ),
        (KeySource(authors=("Øyvind Ødegård",), title="Łódź i Đakovo"), "odegardLodzDakovo"),
        (
            KeySource(authors=("Γιώργος Σεφέρης",), title="Μυθιστόρημα", date="1935"),
            "seferisMythistorima1935",
        ),
        (
            KeySource(authors=("محمد عبده",), title="رسالة التوحيد", date="1897"),
            "bdhRslhLtwhyd1897",
        ),
        (
            KeySource(authors=("王小波",), title="黄金时代", date="1994"),
            "wangxiaoboHuangJinShiDai1994",
        ),
    ],
)
def test_keys_in_other_scripts_are_ascii(source: KeySource, expected: str) -> None:
    made = key(source)
    assert made == expected
    assert made.isascii()


def test_no_author_means_title_words_and_nothing_at_all_means_anon() -> None:
    assert key(KeySource(title="The Taliban’s return: a reckoning", date="2022")) == (
        "TalibansReturnReckoning2022"
    )
    assert key(KeySource()) == "anon"
    assert key(KeySource(date="2022")) == "key2022"  # a key starts with a letter


def test_finished_keys_hold_only_what_latex_biber_and_pandoc_accept() -> None:
    assert finalize("O'Brien (ed.), #1 {x} ~ 100% = yes") == "OBriened.1x100yes"
    assert finalize("2021:") == "key2021"
    assert finalize("-_:.") == ""


def test_guessed_metadata_stays_out_of_keys_until_confirmed() -> None:
    values = {"title": "First line of pasted text", "authors": ["Ann Smith"], "date": "2020"}
    guessed = key_source(values, {"title": "guessed", "authors": "found", "date": "found"})
    assert guessed.title is None and guessed.left_out == ("title",)
    assert key(guessed) == "smith2020"
    confirmed = key_source(values, {"title": "user", "authors": "found", "date": "found"})
    assert key(confirmed) == "smithFirstLinePasted2020"


def test_unique_keys_take_letter_suffixes() -> None:
    taken = {"smith2020", "smith2020a"}
    assert unique_citekey("smith2020", taken.__contains__) == "smith2020b"
    assert unique_citekey("jones2020", taken.__contains__) == "jones2020"


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("", "empty"),
        ("auth +", "expected a function name or a 'quoted text' at the end"),
        ("auth.lowr", "unknown filter 'lowr' at position 6"),
        ("nosuch + year", "unknown function 'nosuch' at position 1"),
        ("shorttitle(three)", "wants n as int"),
        ("shorttitle(1, 2, 3)", "at most 2 argument"),
        ("auth(x=1)", "no parameter 'x'"),
        ("auth(n=1, 2)", "positional argument after a named one"),
        ("auth(creator='publisher')", "creator must be one of"),
        ("auth(1", "expected ')' at the end"),
        ("'open", "unexpected '''"),
        ("auth year", "unexpected 'year' at position 6"),
        ("[auth:lower][year]", "unexpected '['"),
    ],
)
def test_bad_formulas_are_one_line_errors_with_the_place(formula: str, message: str) -> None:
    with pytest.raises(FormulaError) as raised:
        parse_formula(formula)
    text = str(raised.value)
    assert message in text and "\n" not in text and text.startswith("citekey format: ")
