"""Citation keys in Better BibTeX style: author-or-site + year + first title word."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# Words that never make a key (Better BibTeX drops function words the same way).
_FUNCTION_WORDS = frozenset(
    """a an the and or but nor of in on at to for from by with as is are was were be
    into onto over under about after before between through during without within
    this that these those it its his her their our your my not no""".split()
)
_WORD = re.compile(r"[A-Za-z0-9]+")
CITEKEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_:.\-]*$")


def check_citekey(typed: str) -> str:
    """The key a user typed, trimmed, when its shape is one Folio accepts (whether another
    article has it is the store's question); InvalidValue otherwise."""
    from library.errors import InvalidValue

    key = typed.strip()
    if not CITEKEY_PATTERN.match(key):
        raise InvalidValue(
            f"--citekey: '{typed}' is not a valid key (a letter, then letters, digits or _ : . -)"
        )
    return key


def ascii_fold(text: str) -> str:
    """Strip accents and drop what has no ASCII form (é → e, ß → ss)."""
    text = text.replace("ß", "ss").replace("æ", "ae").replace("ø", "o").replace("ł", "l")
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode("ascii")


def _family_name(author: str) -> str:
    """The family name of `author` ("Dorsey" from "James M. Dorsey" or "Dorsey, James")."""
    if "," in author:
        return author.split(",", 1)[0]
    parts = author.split()
    return parts[-1] if parts else ""


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(ascii_fold(text))]


def base_citekey(authors: list[str], site: str | None, title: str | None, date: str | None) -> str:
    """The key before de-duplication, e.g. `dorsey2021afghanistan`."""
    who = ""
    if authors:
        who = "".join(_words(_family_name(authors[0])))
    elif site:
        site_words = [w for w in _words(site) if w not in _FUNCTION_WORDS]
        who = "".join(site_words[:2])  # "foreignpolicy": one word of a site says little
    year = date[:4] if date and date[:4].isdigit() else ""
    title_words = [w for w in _words(title or "") if w not in _FUNCTION_WORDS]
    # With no author or site the key would be one bare word: take two from the title.
    what = "".join(title_words[: 1 if who else 2])
    key = f"{who}{year}{what}" or "anon"
    if not key[0].isalpha():
        key = f"key{key}"
    return key


def unique_citekey(base: str, taken: Callable[[str], bool]) -> str:
    """`base`, or `base` + a, b, …, z, aa, … — the first one `taken` says is free."""
    if not taken(base):
        return base
    n = 0
    while True:
        n += 1
        suffix, m = "", n
        while m:
            m, r = divmod(m - 1, 26)
            suffix = chr(ord("a") + r) + suffix
        if not taken(base + suffix):
            return base + suffix
