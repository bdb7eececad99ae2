"""Citation keys: made by a Better BibTeX formula from the metadata Folio found or the user
confirmed (never from guesses), unique in the library, pinned once assigned."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from library.errors import InvalidValue
from library.extracted import FieldValue, Origin
from library.keyformula import evaluate, parse_formula
from library.keyfunctions import UNSAFE_CHARS, KeySource, transliterate

# Better BibTeX's own default formula.
DEFAULT_FORMULA = "auth.lower + shorttitle(3,3) + year"
CITEKEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_:.\-]*$")
FALLBACK_KEY = "anon"
# The metadata a key can be made of.
KEY_FIELDS = ("authors", "title", "date", "language")
_NOT_KEY_CHARS = re.compile(r"[^A-Za-z0-9_:.\-]")


def check_citekey(typed: str) -> str:
    """A key a user typed, trimmed; InvalidValue (about "citekey") when it has not the shape
    of a key. Whether another article has it is checked when it is saved."""
    key = typed.strip()
    if not CITEKEY_PATTERN.match(key):
        raise InvalidValue(
            f"'{typed}' is not a valid key (a letter, then letters, digits or _ : . -)",
            field="citekey",
        )
    return key


def key_source(values: Mapping[str, object], origins: Mapping[str, Origin]) -> KeySource:
    """What a key may use of these metadata values: guessed ones are left out (and named in
    `left_out`) until the user confirms them."""
    usable: dict[str, object] = {}
    left_out = []
    for name in KEY_FIELDS:
        value = values.get(name)
        if not value:
            continue
        if origins.get(name) == "guessed":
            left_out.append(name)
            continue
        usable[name] = value
    authors = usable.get("authors")
    return KeySource(
        authors=tuple(str(a) for a in authors) if isinstance(authors, list | tuple) else (),
        title=_text(usable.get("title")),
        date=_text(usable.get("date")),
        language=_text(usable.get("language")),
        left_out=tuple(left_out),
    )


def key_source_of_fields(fields: Mapping[str, FieldValue]) -> KeySource:
    """The key source of an importer's fields (each with its origin)."""
    return key_source(
        {name: value.value for name, value in fields.items()},
        {name: value.origin for name, value in fields.items()},
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def finalize(key: str) -> str:
    """A formula's output as a key: transliterated and without BBT's unsafe characters (as
    BBT finishes every key), then kept to what LaTeX, biber and pandoc all accept: letters,
    digits and `_ : . -`, starting with a letter and not ending with punctuation."""
    key = UNSAFE_CHARS.sub("", transliterate(key))
    key = _NOT_KEY_CHARS.sub("", key).strip("_:.-")
    if key and not key[0].isalpha():
        key = f"key{key}"
    return key


def base_citekey(source: KeySource, formula: str = DEFAULT_FORMULA) -> str:
    """The key `formula` makes of `source`, before de-duplication, e.g.
    `dorseyAfghanistanTalibanGood2021`; `anon` when it makes nothing."""
    return evaluate(parse_formula(formula), source, finalize) or FALLBACK_KEY


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
