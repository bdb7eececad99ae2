""".bib files as BibTeX and biber read them: the file's encoding and line ends, `%` comments
inside entries, `@string` macros and `#` concatenation, any case of types and field names,
duplicated fields and keys. Shared by `import-bib` (which reads entries) and `--merge`
(which must find each entry's bytes to leave them alone)."""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from library.errors import FolioError

# BibTeX's predefined month macros; biber reads them as month numbers.
MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")  # fmt: skip
# JabRef (and others) name the file's encoding in a first-line comment.
_ENCODING_LINE = re.compile(rb"^\s*%\s*Encoding\s*:\s*([A-Za-z0-9_.:-]+)", re.MULTILINE)
_NEXT_MARK = re.compile(r"[@%]")
_ENTRY_OPENING = re.compile(r"@\s*[A-Za-z][\w-]*\s*([{(])")
_BARE = re.compile(r"[^\s#{}\"',=()%]+")


@dataclass
class BibText:
    """A .bib file decoded: its text, the codec that reads and writes it, its line end."""

    text: str
    encoding: str
    newline: str


def decode_bib(data: bytes, name: str = "<bib>") -> BibText:
    """The file's text in its own encoding: the one a `% Encoding:` line names, else UTF-8
    when it decodes, else Windows-1252 or Latin-1 (classic BibTeX files). Decoding with the
    same codec that will write the file back keeps every untouched byte as it was."""
    encoding = "utf-8"
    declared = _ENCODING_LINE.search(data[:2048])
    if declared:
        try:
            encoding = codecs.lookup(declared.group(1).decode("ascii")).name
        except LookupError:
            encoding = "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    for candidate in (encoding, "utf-8", "cp1252", "latin-1"):
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        newline = "\r\n" if "\r\n" in text else "\n"
        return BibText(text, candidate, newline)
    raise FolioError(f"{name}: cannot decode the file")  # latin-1 decodes anything


def entry_hash(text: str) -> str:
    """The fingerprint of an entry's text, whatever its line ends."""
    normal = text.replace("\r\n", "\n").replace("\r", "\n")
    return hashlib.sha256(normal.encode("utf-8", errors="surrogatepass")).hexdigest()


def blank_comments(text: str) -> str:
    """`text` with `%` comments between the fields of an entry replaced by spaces (same
    length, so offsets and line numbers hold). Between entries bibtexparser already skips
    them; inside a braced or quoted value a `%` is kept, as it is part of the value."""
    out = list(text)
    length = len(text)
    i = 0
    while i < length:
        at = _NEXT_MARK.search(text, i)
        if at is None:
            break
        if at.group() == "%":  # between entries: `%@article{…}` is commented out for biber
            end = text.find("\n", at.start())
            end = length if end < 0 else end
            out[at.start() : end] = " " * (end - at.start())
            i = end
            continue
        opening = _ENTRY_OPENING.match(text, at.start())
        if not opening:
            i = at.start() + 1
            continue
        closing = "}" if opening.group(1) == "{" else ")"
        i = opening.end()
        depth, quoted = 0, False
        while i < length:
            ch = text[i]
            if ch == "\\":
                i += 2
                continue
            if depth == 0 and not quoted:
                if ch == closing:
                    i += 1
                    break
                if ch == "%":
                    end = text.find("\n", i)
                    end = length if end < 0 else end
                    out[i:end] = " " * (end - i)
                    i = end
                    continue
                if ch == '"':
                    quoted = True
                elif ch == "{":
                    depth += 1
                elif ch == "@" and _at_line_start(text, i):
                    break  # an entry that never closed: let the parser report it
            elif ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == '"' and quoted and depth == 0:
                quoted = False
            i += 1
    return "".join(out)


def _at_line_start(text: str, i: int) -> bool:
    start = text.rfind("\n", 0, i) + 1
    return not text[start:i].strip()


@dataclass(frozen=True)
class FieldValue:
    """A field's value with macros expanded and LaTeX kept; `bare` for a number or a month
    macro written without braces (and written back so)."""

    value: str
    bare: bool = False


def _parts(raw: str) -> list[str] | None:
    """The `#`-separated parts of a raw value, each still enclosed; None if it is malformed."""
    parts: list[str] = []
    i, length = 0, len(raw)
    while True:
        while i < length and raw[i].isspace():
            i += 1
        if i >= length:
            return parts if parts else None
        ch = raw[i]
        if ch in '{"':
            end = _enclosed_end(raw, i)
            if end is None:
                return None
            parts.append(raw[i:end])
            i = end
        else:
            bare = _BARE.match(raw, i)
            if not bare:
                return None
            parts.append(bare.group())
            i = bare.end()
        while i < length and raw[i].isspace():
            i += 1
        if i >= length:
            return parts
        if raw[i] != "#":
            return None
        i += 1


def _enclosed_end(raw: str, start: int) -> int | None:
    """The index after the `{…}` or `"…"` group starting at `start`."""
    depth = 0
    quote = raw[start] == '"'
    i = start + 1 if quote else start
    while i < len(raw):
        ch = raw[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0 and not quote:
                return i + 1
            if depth < 0:
                return None
        elif ch == '"' and quote and depth == 0:
            return i + 1
        i += 1
    return None


def evaluate(raw: str, macros: dict[str, str], undefined: list[str] | None = None) -> FieldValue:
    """A raw value as written (`{…}`, `"…"`, `123`, `jan`, `macro # {…}`) with @string
    macros and `#` expanded. An undefined macro stays as its name (listed in `undefined`)."""
    raw = raw.strip()
    parts = _parts(raw)
    if parts is None:  # not BibTeX syntax we know: keep it as the parser delimited it
        return FieldValue(raw[1:-1] if raw[:1] == "{" and raw[-1:] == "}" else raw)
    pieces: list[str] = []
    for part in parts:
        if part[0] in '{"':
            pieces.append(part[1:-1])
            continue
        name = part.lower()
        if name in macros:
            pieces.append(macros[name])
        elif len(parts) > 1 and name in MONTH_MACROS:
            pieces.append(MONTH_NAMES[MONTH_MACROS.index(name)])  # as the standard styles
        elif len(parts) == 1 and (part.isdigit() or name in MONTH_MACROS):
            return FieldValue(name if name in MONTH_MACROS else part, bare=True)
        else:
            if undefined is not None and not part.isdigit():
                undefined.append(part)
            if len(parts) == 1:
                return FieldValue(part, bare=True)
            pieces.append(part)
    return FieldValue("".join(pieces))


@dataclass
class RawEntry:
    """One entry of a file: its place, its type and key, and its fields in order."""

    key: str
    entry_type: str  # lowercased
    line: int  # 1-based
    start: int
    end: int
    fields: list[tuple[str, FieldValue]]  # names lowercased, duplicates kept in order
    raw_values: dict[str, str] = field(default_factory=dict)  # first occurrence, as written
    warnings: list[str] = field(default_factory=list)

    def first(self) -> dict[str, FieldValue]:
        """Each field's first value (BibTeX ignores a repeated field)."""
        values: dict[str, FieldValue] = {}
        for name, value in self.fields:
            values.setdefault(name, value)
        return values


@dataclass
class ParsedBib:
    """Every entry of a file, the blocks that failed, and the file's @string macros."""

    source: BibText
    entries: list[RawEntry]
    problems: list[str]
    macros: dict[str, str]


def _reason(error: Any) -> str:
    reason = getattr(error, "abort_reason", None) or str(error) or type(error).__name__
    return " ".join(str(reason).split())


def parse_bib_text(source: BibText) -> ParsedBib:
    """Every entry of the file with its span in `source.text`. A block the parser cannot
    read becomes a "line N: reason" problem; duplicated keys keep their first entry and
    duplicated fields their first value, as BibTeX does, each with a warning."""
    import logging

    import bibtexparser

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    cleaned = blank_comments(source.text)
    parsed = bibtexparser.parse_string(cleaned, parse_stack=[])
    macros: dict[str, str] = {}
    problems: list[str] = []
    entries: list[RawEntry] = []
    seen: dict[str, int] = {}
    cursor = 0
    # bibtexparser's block classes are told apart by name here; their attributes vary.
    blocks: list[Any] = list(parsed.blocks)
    for block in blocks:
        name = type(block).__name__
        start = cleaned.find(block.raw, cursor) if block.raw else -1
        if start >= 0:
            cursor = start + len(block.raw)
        line = (block.start_line or 0) + 1
        if name == "String":
            macros[block.key.lower()] = evaluate(block.value, macros).value
            continue
        entry_block = block
        if name == "DuplicateFieldKeyBlock":
            entry_block = block.ignore_error_block
        elif name == "DuplicateBlockKeyBlock":
            first = seen.get(block.key.lower(), 0)
            problems.append(
                f"line {line}: duplicate key '{block.key}' (first on line {first}); "
                "this entry is skipped, as BibTeX does"
            )
            continue
        elif name == "Entry" and block.key.strip().lower() in seen:
            first = seen[block.key.strip().lower()]
            problems.append(
                f"line {line}: duplicate key '{block.key.strip()}' (keys ignore case; first on "
                f"line {first}); this entry is skipped, as BibTeX does"
            )
            continue
        elif name != "Entry":
            if isinstance(block, bibtexparser.model.ParsingFailedBlock):
                problems.append(f"line {line}: {_reason(block.error)}")
            continue
        if start < 0:
            problems.append(f"line {line}: cannot locate the entry in the file")
            continue
        entry = _raw_entry(entry_block, line, start, start + len(block.raw), macros)
        seen[entry.key.lower()] = line
        entries.append(entry)
    return ParsedBib(source, entries, problems, macros)


def _raw_entry(block: Any, line: int, start: int, end: int, macros: dict[str, str]) -> RawEntry:
    entry = RawEntry(block.key.strip(), block.entry_type.lower(), line, start, end, [])
    names: set[str] = set()
    for item in block.fields:
        name = item.key.strip().lower()
        undefined: list[str] = []
        value = evaluate(item.value, macros, undefined)
        for macro in undefined:
            entry.warnings.append(f"{name}: undefined @string '{macro}' (kept as written)")
        if name in names:
            entry.warnings.append(
                f"duplicate field '{name}' (the first one is used, as BibTeX does)"
            )
        else:
            entry.raw_values[name] = item.value.strip()
        names.add(name)
        entry.fields.append((name, value))
    return entry
