"""Updating a paper's .bib without losing anything: an entry is replaced only when it is
Folio's own (Folio wrote it there, or imported it from there, and its text is unchanged
since), and the replacement keeps every field Folio does not model. An entry that is not
Folio's but has the key of an exported article is a conflict: reported, left alone. Every
other byte (entries, comments, @string macros, formatting, encoding, line ends) stays."""

from __future__ import annotations

from dataclasses import dataclass, field

from library.bibentries import BibEntry, BibField
from library.bibkept import MODELLED_NAMES, VERBATIM, KeptEntry, link_crossrefs
from library.bibsync import SeenEntry
from library.bibtext import RawEntry, decode_bib, entry_hash, evaluate, parse_bib_text
from library.errors import FolioError
from library.latex import ascii_char


class BibParseError(FolioError):
    """A .bib file that does not parse, with the problems by line."""

    def __init__(self, path: str, problems: list[str]) -> None:
        shown = "; ".join(problems[:3]) + (
            f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
        )
        super().__init__(f"{path}: does not parse, nothing changed ({shown})")
        self.problems = problems


class EncodingRefused(FolioError):
    """Characters Folio would have to write into a file whose encoding cannot hold them."""


@dataclass
class Conflict:
    """An entry of the file that Folio would replace but may not: it is not Folio's own."""

    key: str
    line: int
    reason: str

    def message(self, path: str) -> str:
        """One line for the user, naming the file, the line and the way out."""
        return (
            f"{path}:line {self.line}: {self.key}: {self.reason}; not written "
            f"(--force-replace {self.key} replaces it, keeping the fields Folio does not model)"
        )


@dataclass
class MergedBib:
    """The new file's bytes, what happened to each entry, and what Folio now owns there."""

    data: bytes
    replaced: list[str] = field(default_factory=list)
    appended: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    owned: list[tuple[str, str, int]] = field(default_factory=list)  # (key, sha256, pk)


@dataclass
class Ownership:
    """What Folio knows of the file: entries it wrote or read there (by lowercased key),
    the article behind each exported key, and the other keys of each article."""

    seen: dict[str, SeenEntry] = field(default_factory=dict)
    pks: dict[str, int] = field(default_factory=dict)
    aliases: dict[int, list[str]] = field(default_factory=dict)
    force: frozenset[str] = frozenset()


def _normal(value: str) -> str:
    return " ".join(value.split())


def _same_content(target: RawEntry, entry: BibEntry) -> bool:
    """Whether the file's entry says exactly what Folio would write (type and fields)."""
    if target.entry_type != entry.entry_type.lower():
        return False
    theirs = {name: _normal(value.value) for name, value in target.first().items()}
    ours = {item.name.lower(): _normal(item.value) for item in entry.fields}
    return theirs == ours


class _Writer:
    """Renders entries for one file: its encoding (characters it cannot hold spelled as
    LaTeX, or refused) and its line end."""

    def __init__(self, encoding: str, newline: str) -> None:
        self.encoding = encoding
        self.newline = newline
        self.unwritable: list[str] = []

    def value(self, key: str, name: str, value: str) -> str:
        try:
            value.encode(self.encoding)
            return value
        except UnicodeEncodeError:
            pass
        out = []
        for char in value:
            try:
                char.encode(self.encoding)
                out.append(char)
                continue
            except UnicodeEncodeError:
                spelled = None if name in VERBATIM else ascii_char(char)
            if spelled is None:
                self.unwritable.append(f"{char} (U+{ord(char):04X}) in {key} {name}")
                spelled = char
            out.append(spelled)
        return "".join(out)

    def render(self, entry: BibEntry, raw: dict[str, str] | None = None) -> str:
        """The entry's text; a field whose value is what the file had keeps its spelling
        there (`raw`: a macro, `#`, quotes)."""
        raw = raw or {}
        lines = [f"@{entry.entry_type}{{{entry.key},"]
        for item in entry.fields:
            if item.name in raw:
                written = raw[item.name]
            else:
                value = self.value(entry.key, item.name, item.value)
                written = value if item.bare else f"{{{value}}}"
            lines.append(f"  {item.name} = {written},")
        lines.append("}")
        return self.newline.join(lines)


def _kept_spellings(target: RawEntry, entry: BibEntry, macros: dict[str, str]) -> dict[str, str]:
    """The file's own spelling of each field whose value does not change."""
    kept = {}
    for item in entry.fields:
        raw = target.raw_values.get(item.name.lower())
        if raw is not None and _normal(evaluate(raw, macros).value) == _normal(item.value):
            kept[item.name] = raw
    return kept


def _with_file_fields(target: RawEntry, entry: BibEntry, key: str) -> BibEntry:
    """Folio's entry under the file's key, plus every field of the file's entry that Folio
    does not model (so replacing loses nothing)."""
    names = {item.name.lower() for item in entry.fields}
    fields = list(entry.fields)
    if key != entry.key:
        fields = [_rekeyed_ids(item, entry.key, key) for item in fields]
    for name, value in target.first().items():
        if name not in names and name not in MODELLED_NAMES:
            fields.append(BibField(name, value.value, value.bare))
    return BibEntry(entry.entry_type, key, fields)


def _rekeyed_ids(item: BibField, citekey: str, key: str) -> BibField:
    """`ids` for an entry written under one of its aliases: the citekey instead of it."""
    if item.name != "ids":
        return item
    ids = [k.strip() for k in item.value.split(",") if k.strip().lower() != key.lower()]
    return BibField("ids", ",".join([citekey, *ids]))


def merge_bib(
    existing: bytes,
    entries: list[BibEntry],
    path: str = "<bib>",
    ownership: Ownership | None = None,
) -> MergedBib:
    """`existing` with Folio's own entries for the exported articles replaced (when they
    differ), new ones appended, and conflicts left alone. BibParseError when a block does
    not parse (splicing into a file we cannot read is unsafe); EncodingRefused when the
    file's encoding cannot hold what must be written."""
    ownership = ownership or Ownership()
    source = decode_bib(existing, path)
    parsed = parse_bib_text(source)
    failed = [p for p in parsed.problems if "duplicate key" not in p]
    if failed:
        raise BibParseError(path, failed)
    text = source.text
    in_file: dict[str, RawEntry] = {}
    for raw_entry in parsed.entries:
        in_file.setdefault(raw_entry.key.lower(), raw_entry)
    present = set(in_file) | {entry.key.lower() for entry in entries}
    entries = link_crossrefs(entries, present)
    writer = _Writer(source.encoding, source.newline)
    merged = MergedBib(b"")
    claimed: set[str] = set()
    replacements: list[tuple[int, int, str]] = []
    appended: list[str] = []
    for entry in entries:
        pk = ownership.pks.get(entry.key.lower())
        target = _target(entry, pk, in_file, ownership, claimed)
        if target is None:
            if entry.key.lower() in in_file:
                line = in_file[entry.key.lower()].line
                merged.conflicts.append(Conflict(entry.key, line, "the key is another entry's"))
                continue
            rendered = writer.render(entry)
            appended.append(rendered)
            merged.appended.append(entry.key)
            if pk is not None:
                merged.owned.append((entry.key, entry_hash(rendered), pk))
            continue
        claimed.add(target.key.lower())
        current = text[target.start : target.end]
        seen = ownership.seen.get(target.key.lower())
        own = seen is not None and seen.article_pk == pk and seen.sha256 == entry_hash(current)
        forced = {target.key.lower(), entry.key.lower()} & ownership.force
        if _same_content(target, entry):
            merged.unchanged.append(entry.key)
            if pk is not None:
                merged.owned.append((target.key, entry_hash(current), pk))
            continue
        if not (own or forced):
            reason = (
                "changed since Folio wrote or read it"
                if seen is not None and seen.article_pk == pk
                else "not Folio's entry"
            )
            merged.conflicts.append(Conflict(target.key, target.line, reason))
            continue
        replacement = _with_file_fields(target, entry, target.key)
        rendered = writer.render(replacement, _kept_spellings(target, replacement, parsed.macros))
        replacements.append((target.start, target.end, rendered))
        merged.replaced.append(target.key)
        if pk is not None:
            merged.owned.append((target.key, entry_hash(rendered), pk))
    if writer.unwritable:
        shown = "; ".join(dict.fromkeys(writer.unwritable))
        raise EncodingRefused(
            f"{path}: is {source.encoding}, which cannot hold {shown}; nothing changed "
            "(convert the file to UTF-8 to write them)"
        )
    for start, end, rendered in sorted(replacements, reverse=True):
        text = text[:start] + rendered + text[end:]
    if appended:
        newline = source.newline
        if text and not text.endswith(("\n", "\r")):
            text += newline
        if text.strip():
            text += newline
        text += (newline * 2).join(appended) + newline
    merged.data = text.encode(source.encoding)
    return merged


def _target(
    entry: BibEntry,
    pk: int | None,
    in_file: dict[str, RawEntry],
    ownership: Ownership,
    claimed: set[str],
) -> RawEntry | None:
    """The file's entry for this article: under its key, else under a key Folio wrote or
    read for the same article, else under one of its aliases."""
    candidates = [entry.key.lower()]
    if pk is not None:
        candidates += [k for k, seen in ownership.seen.items() if seen.article_pk == pk]
        candidates += [alias.lower() for alias in ownership.aliases.get(pk, [])]
    for key in candidates:
        if key in in_file and key not in claimed:
            return in_file[key]
    return None


__all__ = ["BibParseError", "EncodingRefused", "KeptEntry", "MergedBib", "Ownership", "merge_bib"]
