"""Better BibTeX's key functions (`auth`, `shorttitle`, `year`…) and filters (`lower`,
`clean`…), with BBT's semantics: names and title words are transliterated to ASCII, title
words skip BBT's function words, `auth` keeps name particles ("van Beethoven") and drops
suffixes ("Jr."), an organisation is one name, kept whole.

Folio has authors only: the `creator` parameter accepts BBT's kinds, and editors,
translators and collaborators select nobody.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from library.keyformula import FILTERS, FUNCTIONS, SkipAlternative, _register
from library.names import is_organisation, person_name_parts

# BBT's default skipWords preference, verbatim.
SKIP_WORDS = frozenset(
    """a ab aboard about above across after against al along amid among an and anti around
    as at before behind below beneath beside besides between beyond but by d da das de del
    dell dello dei degli della dell delle dem den der des despite die do down du during ein
    eine einem einen einer eines el en et except for from gli i il in inside into is l la las
    le les like lo los near nor of off on onto or over past per plus round save since so some
    sur than the through to toward towards un una unas under underneath une unlike uno unos
    until up upon versus via von while with within without yet zu zum""".split()
)
# BBT's default citekeyUnsafeChars, and whitespace: removed from every finished key.
UNSAFE_CHARS = re.compile(r"""[\\"#%'(),={}~\s\ufffd]""")
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_MARKUP = re.compile(r"</?(?:i|b|sc|nc|code|span[^>]*)>|\"", re.IGNORECASE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_EDGE_PUNCTUATION = re.compile(r"^[^\w]+|[^\w]+$")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(frozen=True)
class KeySource:
    """What a key may be made of: only metadata that was found or confirmed, never guessed."""

    authors: tuple[str, ...] = ()
    title: str | None = None
    date: str | None = None
    language: str | None = None
    left_out: tuple[str, ...] = field(default=(), compare=False)  # guessed fields not used


def transliterate(text: str, language: str | None = None) -> str:
    """`text` in ASCII letters, whatever its script (Ø→O, Ł→L, Đ→D, Œ→OE, Москва→Moskva,
    Αθήνα→Athina, 北京→BeiJing). German text (language `de…`) writes ä as ae, as BBT does.
    Symbols with no letters (emoji) are dropped, not spelled out."""
    from anyascii import anyascii

    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    if language and language.lower().startswith("de"):
        text = text.translate(_GERMAN)
    text = "".join(
        ch for ch in text if ch.isascii() or not unicodedata.category(ch).startswith("S")
    )
    text = re.sub(r"Œ(?=[A-Z]|\b)", "OE", text)  # anyascii writes Oe even in capitals
    return anyascii(text)


def _nopunct(word: str) -> str:
    """BBT's nopunct(dash=''): dashes and punctuation removed."""
    return "".join(ch for ch in word if not unicodedata.category(ch).startswith("P"))


def title_words(source: KeySource) -> list[str]:
    """The title's significant words, transliterated: BBT's skip words, punctuation and
    one-letter words (except digits and CJK) left out."""
    if not source.title:
        return []
    title = _MARKUP.sub("", source.title)
    title = re.sub(r"[/:\u2013\u2014]", " ", title)
    words = []
    for raw in title.split():
        word = _EDGE_PUNCTUATION.sub("", raw)
        if not word or word.lower() in SKIP_WORDS:
            continue
        word = _nopunct(word)
        if not word or (len(word) == 1 and not word.isdigit() and not _CJK.match(word)):
            continue
        word = transliterate(word, source.language)
        if word and word.lower() not in SKIP_WORDS:
            words.append(word)
    return words


@dataclass(frozen=True)
class _Name:
    family: str  # with its particles ("van Beethoven"): BBT's %(f)s
    bare_family: str  # without them ("Beethoven"): BBT's %(F)s
    initials: str  # the capitals of the given names: BBT's %(I)s


def _names(source: KeySource, creator: str) -> list[_Name]:
    """The selected creators' names, transliterated (Folio records authors only)."""
    if creator not in ("*", "author"):
        return []
    names = []
    for author in source.authors:
        if is_organisation(author):
            whole = transliterate(author, source.language)
            names.append(_Name(whole, whole, ""))
            continue
        first, von, last, _suffix = person_name_parts(author)
        family = transliterate(" ".join(filter(None, [von, last])), source.language)
        given = transliterate(first, source.language)
        names.append(_Name(family, transliterate(last, source.language), _capitals(given)))
    return [name for name in names if name.family]


def _capitals(given: str) -> str:
    return "".join(ch for ch in given if ch.isupper())


def _family(name: _Name, initials: bool, bare: bool = False) -> str:
    return (name.bare_family if bare else name.family) + (name.initials if initials else "")


# --- functions ----------------------------------------------------------------------------


@_register(FUNCTIONS, "auth", "n=0, m=1, creator='*', initials=False")
def _auth(source: KeySource, n: int, m: int, creator: str, initials: bool) -> str:
    """The first `n` (0: all) characters of the `m`th author's family name."""
    names = _names(source, creator)
    if not 0 < m <= len(names):
        return ""
    family = names[m - 1].family
    return (family[:n] if n else family) + (names[m - 1].initials if initials else "")


@_register(FUNCTIONS, "authorsn", "n=0, creator='*', initials=False, sep=' '", "authors")
def _authors(source: KeySource, n: int, creator: str, initials: bool, sep: str) -> str:
    """The family names of the first `n` (0: all) authors, then EtAl if there are more."""
    names = [_family(name, initials) for name in _names(source, creator)]
    if n and n < len(names):
        names = [*names[:n], "EtAl"]
    return sep.join(names)


@_register(FUNCTIONS, "authorsAlpha", "creator='*', initials=False, sep=' '")
def _authors_alpha(source: KeySource, creator: str, initials: bool, sep: str) -> str:
    """As BibTeX's alpha style: 3 letters of one author, the initials of 2–4, 3 and +."""
    names = [_family(name, initials, bare=True) for name in _names(source, creator)]
    if not names:
        return ""
    if len(names) == 1:
        return names[0][:3]
    if len(names) <= 4:
        return sep.join(name[:1] for name in names)
    return sep.join(name[:1] for name in names[:3]) + "+"


@_register(FUNCTIONS, "authEtAl", "creator='*', initials=False, sep=' '")
def _auth_et_al(source: KeySource, creator: str, initials: bool, sep: str) -> str:
    """The first author, both of two, or the first and EtAl."""
    return _first_two(source, creator, initials, sep, "EtAl")


@_register(FUNCTIONS, "authEtal2", "creator='*', initials=False, sep='.'")
def _auth_etal2(source: KeySource, creator: str, initials: bool, sep: str) -> str:
    """The first author, both of two, or the first and etal."""
    return _first_two(source, creator, initials, sep, "etal")


def _first_two(source: KeySource, creator: str, initials: bool, sep: str, etal: str) -> str:
    names = [_family(name, initials) for name in _names(source, creator)]
    if len(names) == 2:
        return sep.join(names)
    return sep.join(names[:1] + ([etal] if len(names) > 1 else []))


@_register(FUNCTIONS, "authAuthEa", "creator='*', initials=False, sep='.'")
def _auth_auth_ea(source: KeySource, creator: str, initials: bool, sep: str) -> str:
    """The first two authors, and ea when there are more."""
    names = [_family(name, initials) for name in _names(source, creator)]
    return sep.join(names[:2] + (["ea"] if len(names) > 2 else []))


@_register(FUNCTIONS, "authshort", "creator='*', initials=False, sep='.'")
def _authshort(source: KeySource, creator: str, initials: bool, sep: str) -> str:
    """One author's name, or the initials of up to three (+ when there are more)."""
    names = [_family(name, initials) for name in _names(source, creator)]
    if len(names) <= 1:
        return "".join(names)
    return sep.join(name[:1] for name in names[:3]) + ("+" if len(names) > 3 else "")


@_register(FUNCTIONS, "authorLast", "creator='*', initials=False")
def _author_last(source: KeySource, creator: str, initials: bool) -> str:
    """The last author's family name."""
    names = _names(source, creator)
    return _family(names[-1], initials) if names else ""


@_register(FUNCTIONS, "shorttitle", "n=3, m=0")
def _shorttitle(source: KeySource, n: int, m: int) -> str:
    """The first `n` significant title words, the first `m` of them capitalised."""
    words = title_words(source)[:n]
    return " ".join(w[:1].upper() + w[1:] if i < m else w for i, w in enumerate(words))


@_register(FUNCTIONS, "veryshorttitle", "n=1, m=0")
def _veryshorttitle(source: KeySource, n: int, m: int) -> str:
    """shorttitle with one word by default."""
    return _shorttitle(source, n, m)


@_register(FUNCTIONS, "title")
def _title(source: KeySource) -> str:
    """Every significant word of the title (as BBT's code does; spaces go at the end)."""
    return " ".join(title_words(source))


@_register(FUNCTIONS, "year")
def _year(source: KeySource) -> str:
    """The year of publication."""
    year = (source.date or "")[:4]
    return str(int(year)).zfill(2) if year.isdigit() else ""


@_register(FUNCTIONS, "shortyear")
def _shortyear(source: KeySource) -> str:
    """The last two digits of the year."""
    year = (source.date or "")[:4]
    return year[-2:] if year.isdigit() else ""


@_register(FUNCTIONS, "month")
def _month(source: KeySource) -> str:
    """The month as BibTeX's three-letter macro name (jan…dec)."""
    month = (source.date or "")[5:7]
    return _MONTHS[int(month) - 1] if month.isdigit() and 1 <= int(month) <= 12 else ""


# --- filters ------------------------------------------------------------------------------


@_register(FILTERS, "lower")
def _lower(source: KeySource, value: str) -> str:
    return value.lower()


@_register(FILTERS, "upper")
def _upper(source: KeySource, value: str) -> str:
    return value.upper()


@_register(FILTERS, "ascii")
def _ascii(source: KeySource, value: str) -> str:
    """Non-ASCII characters removed (not transliterated: that is `clean`)."""
    return " ".join(re.sub(r"[^ -~]", "", value).split())


@_register(FILTERS, "transliterate", "mode=None", "fold")
def _transliterate(source: KeySource, value: str, mode: str | None) -> str:
    """Transliterated; `mode` german (or de) writes ä as ae, minimal ignores the language."""
    language = {"german": "de", "de": "de", "minimal": None}.get(mode or "", source.language)
    return transliterate(value, language)


@_register(FILTERS, "clean")
def _clean(source: KeySource, value: str) -> str:
    """Transliterated, with the characters unsafe in a key removed (spaces stay)."""
    return re.sub(r"""[\\"#%'(),={}~\ufffd]""", "", transliterate(value, source.language)).strip()


@_register(FILTERS, "condense", "sep=''")
def _condense(source: KeySource, value: str, sep: str) -> str:
    return re.sub(r"\s+", sep, value)


@_register(FILTERS, "abbr", "chars=1")
def _abbr(source: KeySource, value: str, chars: int) -> str:
    return "".join(word[:chars] for word in value.split())


@_register(FILTERS, "capitalize")
def _capitalize(source: KeySource, value: str) -> str:
    return re.sub(r"(?:(?<=^)|(?<=\s))[a-z]", lambda m: m.group().upper(), value)


@_register(FILTERS, "select", "start=1, n=None")
def _select(source: KeySource, value: str, start: int, n: int | None) -> str:
    words = value.split()
    begin = len(words) + start if start < 0 else max(start, 1) - 1
    return " ".join(words[begin : None if n is None else begin + max(n, 1)])


@_register(FILTERS, "substring", "start=1, n=None")
def _substring(source: KeySource, value: str, start: int, n: int | None) -> str:
    return value[start - 1 : None if n is None else start - 1 + n]


@_register(FILTERS, "prefix", "prefix=''")
def _prefix(source: KeySource, value: str, prefix: str) -> str:
    return prefix + value if value else value


@_register(FILTERS, "postfix", "postfix=''")
def _postfix(source: KeySource, value: str, postfix: str) -> str:
    return value + postfix if value else value


@_register(FILTERS, "skipwords")
def _skipwords(source: KeySource, value: str) -> str:
    return " ".join(w for w in value.split() if w.lower() not in SKIP_WORDS)


@_register(FILTERS, "nopunct")
def _nopunct_filter(source: KeySource, value: str) -> str:
    return re.sub(r"[^\w\s-]", "", value)


@_register(FILTERS, "nopunctordash")
def _nopunctordash(source: KeySource, value: str) -> str:
    return _nopunct(value)


@_register(FILTERS, "alphanum")
def _alphanum(source: KeySource, value: str) -> str:
    return " ".join(re.sub(r"[^\w\s]|_", "", value).split())


@_register(FILTERS, "len", "relation='>', length=0")
def _len(source: KeySource, value: str, relation: str, length: int) -> str:
    """Go on to the next alternative unless the value's length compares as asked."""
    size = len(re.sub(r"\s", "", value))
    tests = {
        "<": size < length,
        "<=": size <= length,
        "=": size == length,
        "!=": size != length,
        ">": size > length,
        ">=": size >= length,
    }
    if relation not in tests:
        from library.keyformula import FormulaError

        raise FormulaError(f"citekey format: len: unknown comparison '{relation}'")
    if not tests[relation]:
        raise SkipAlternative
    return value
