"""Text for BibTeX fields: LaTeX escapes, case protection, ASCII encoding, and decoding back."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Characters LaTeX reads as commands. Braces are written as text macros, not `\{`: BibTeX
# counts `\{` as a brace and would see an unbalanced field.
_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
}
_SPECIAL_CHARS = re.compile(r"[\\{}~^&%$#_]")
# Pairs TeX fonts turn into one glyph (-- is a dash, '' a closing quote, << a guillemet):
# an empty group between them keeps the characters as typed.
_LIGATURE_PAIRS = re.compile(
    r"(?<=-)(?=-)|(?<=')(?=')|(?<=`)(?=`)|(?<=,)(?=,)|(?<=<)(?=<)|"
    r"(?<=>)(?=>)|(?<=[?!])(?=`)"
)

# Combining accents and the LaTeX accent command for each (the ASCII flavour).
_ACCENTS = {
    "\u0300": "`",
    "\u0301": "'",
    "\u0302": "^",
    "\u0303": "~",
    "\u0304": "=",
    "\u0306": "u",
    "\u0307": ".",
    "\u0308": '"',
    "\u030a": "r",
    "\u030b": "H",
    "\u030c": "v",
    "\u0323": "d",
    "\u0327": "c",
    "\u0328": "k",
    "\u0331": "b",
}
# Letters and symbols without a decomposition, written as LaTeX commands.
_ASCII_SYMBOLS = {
    "ß": r"{\ss}",
    "æ": r"{\ae}",
    "Æ": r"{\AE}",
    "œ": r"{\oe}",
    "Œ": r"{\OE}",
    "ø": r"{\o}",
    "Ø": r"{\O}",
    "ł": r"{\l}",
    "Ł": r"{\L}",
    "ı": r"{\i}",
    "‘": "`",
    "’": "'",
    "“": "``",
    "”": "''",
    "„": r"\quotedblbase{}",
    "–": "--",
    "—": "---",
    "…": r"\ldots{}",
    "«": r"\guillemotleft{}",
    "»": r"\guillemotright{}",
    "€": r"\texteuro{}",
    "£": r"\textsterling{}",
    "©": r"\textcopyright{}",
    "°": r"\textdegree{}",
    "×": r"\texttimes{}",
    "§": r"\textsection{}",
    "¶": r"\textparagraph{}",
    "¡": r"\textexclamdown{}",
    "¿": r"\textquestiondown{}",
    "•": r"\textbullet{}",
    "†": r"\textdagger{}",
    "‡": r"\textdaggerdbl{}",
    "ﬁ": "fi",
    "ﬂ": "fl",
}
UNENCODABLE = "?"


@dataclass
class Encoded:
    """A field value ready for a .bib file, and the characters it could not encode."""

    text: str
    lost: list[str] = field(default_factory=list)


def collapse_whitespace(text: str) -> str:
    """One space for every run of whitespace or control characters; none at the ends."""
    cleaned = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return " ".join(cleaned.split())


def escape_text(text: str) -> str:
    """`text` with LaTeX's special characters written as commands (no case protection)."""
    escaped = _SPECIAL_CHARS.sub(lambda m: _SPECIALS[m.group()], text)
    return _LIGATURE_PAIRS.sub("{}", escaped)


def ascii_char(char: str) -> str | None:
    """The LaTeX spelling of one non-ASCII character, or None when there is none."""
    if char in _ASCII_SYMBOLS:
        return _ASCII_SYMBOLS[char]
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if not base.isascii() or not marks or any(mark not in _ACCENTS for mark in marks):
        return None
    spelled = base
    for mark in marks:
        spelled = f"\\{_ACCENTS[mark]}{{{spelled}}}"
    return "{" + spelled + "}"


def encode_ascii(escaped: str) -> Encoded:
    """Escaped text with every non-ASCII character spelled in LaTeX, or `?` when it has no
    spelling (those characters are listed in `lost` so the caller can report them)."""
    out: list[str] = []
    lost: list[str] = []
    for char in unicodedata.normalize("NFC", escaped):
        spelled = char if char.isascii() else ascii_char(char)
        if spelled is None:
            lost.append(char)
            spelled = UNENCODABLE
        if out and _LIGATURE_PAIRS.match(out[-1][-1] + spelled[0], 1):
            out.append("{}")  # the spelling must not fuse with the character before it
        out.append(spelled)
    return Encoded("".join(out), lost)


def _needs_protection(word: str) -> bool:
    return any(ch.isupper() for ch in word)


def _protect(encoded_word: str) -> str:
    # A group that starts with a backslash is a "special character" to BibTeX, whose case
    # change$ would still alter: a second brace level makes it plain protected text.
    if encoded_word.startswith("\\"):
        return "{{" + encoded_word + "}}"
    return "{" + encoded_word + "}"


def latex_field(text: str, *, ascii_only: bool, protect_case: bool = False) -> Encoded:
    """A field value for a .bib file: whitespace collapsed, specials escaped, optionally
    encoded as ASCII and with every word that holds a capital brace-protected."""
    words = collapse_whitespace(text).split(" ")
    out: list[str] = []
    lost: list[str] = []
    for word in words:
        encoded = Encoded(escape_text(word))
        if ascii_only:
            encoded = encode_ascii(encoded.text)
            lost.extend(encoded.lost)
        protected = protect_case and _needs_protection(word)
        out.append(_protect(encoded.text) if protected else encoded.text)
    return Encoded(" ".join(out), lost)


# The macros escape_text writes that pylatexenc does not decode faithfully, and the
# character each stands for. Private-use characters stand in for them (and for the empty
# groups that break ligatures) while pylatexenc decodes the rest.
_MACRO_CHARS = {
    "textbackslash": "\\",
    "textbraceleft": "{",
    "textbraceright": "}",
    "textasciitilde": "~",
    "textasciicircum": "^",
}
_MACROS = re.compile(r"\\(" + "|".join(_MACRO_CHARS) + r")(?![A-Za-z])(?:\{\}|\s*)")
_LIGATURE_BREAK = re.compile(r"(?<=[-'`,<>?!])\{\}(?=[-'`,<>])")


def _placeholders(value: str) -> list[str]:
    """Six private-use characters that do not occur in `value`."""
    base = 0xF0000
    while any(chr(base + i) in value for i in range(6)):
        base += 6
    return [chr(base + i) for i in range(6)]


# \url{x} and \href{x}{text}: pylatexenc mangles the first (`~` becomes a space) and
# fails on the second, so they are rewritten before it runs.
_URL_COMMAND = re.compile(r"\\(?:url|nolinkurl|doi)\s*\{([^{}]*)\}")
_HREF_COMMAND = re.compile(r"\\href\s*\{[^{}]*\}\s*")
# Font and box commands whose argument pylatexenc drops; their text is the value.
_KEEP_ARGUMENT = re.compile(
    r"\\(?:texttt|textsf|textrm|textup|textmd|textsl|textnormal|mbox|hbox)\s*(?=\{)"
)


def decode_latex(value: str) -> str:
    """Plain Unicode text from a BibTeX field value (escapes decoded, case braces removed).
    Markup it cannot read is dropped rather than raised: a display value must not fail."""
    try:
        return _decode_latex(value)
    except Exception:
        crude = re.sub(r"\\[A-Za-z]+\*?|[{}]", " ", value)
        return collapse_whitespace(crude)


def _literal_urls(value: str) -> str:
    """`\\href{url}{text}` as its text, `\\url{x}` as x escaped so that it decodes to
    itself, and a bare `%` (a comment to LaTeX, but meant as a percent sign) escaped."""
    value = _KEEP_ARGUMENT.sub("", _HREF_COMMAND.sub("", value))
    value = _URL_COMMAND.sub(lambda m: escape_text(m.group(1)), value)
    return re.sub(r"(?<!\\)%", r"\\%", value)


def _decode_latex(value: str) -> str:
    from pylatexenc.latex2text import LatexNodes2Text

    value = _literal_urls(value)
    marks = _placeholders(value)
    stand_ins = dict(zip(_MACRO_CHARS, marks, strict=False))
    text = _MACROS.sub(lambda m: stand_ins[m.group(1)], value)
    text = _LIGATURE_BREAK.sub(marks[5], text)  # so "-{}-" does not become a dash
    text = LatexNodes2Text(math_mode="verbatim").latex_to_text(text)
    text = text.replace(marks[5], "")
    for name, mark in stand_ins.items():
        text = text.replace(mark, _MACRO_CHARS[name])
    return collapse_whitespace(text)
