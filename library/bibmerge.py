"""Updating a paper's .bib: Folio's entries are replaced or appended, and every other byte
(entries, comments, @string macros, formatting) stays as it was."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from library.bibentries import BibEntry
from library.errors import FolioError, LibraryError

if TYPE_CHECKING:
    from bibtexparser import Library as ParsedBib
    from bibtexparser.middlewares import BlockMiddleware, LibraryMiddleware
    from bibtexparser.model import Block


class BibParseError(FolioError):
    """A .bib file that does not parse, with the problems by line."""

    def __init__(self, path: str, problems: list[str]) -> None:
        shown = "; ".join(problems[:3]) + (
            f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
        )
        super().__init__(f"{path}: does not parse, nothing changed ({shown})")
        self.problems = problems


@dataclass
class MergedBib:
    """The new file's bytes and which keys were replaced or appended."""

    data: bytes
    replaced: list[str] = field(default_factory=list)
    appended: list[str] = field(default_factory=list)


def failed_block_messages(library: ParsedBib) -> list[str]:
    """One "line N: reason" message per block bibtexparser could not read."""
    messages = []
    for block in library.failed_blocks:
        error = block.error
        reason = getattr(error, "abort_reason", None) or str(error) or type(error).__name__
        reason = " ".join(str(reason).split())
        messages.append(f"line {block_line(block)}: {reason}")
    return messages


def block_line(block: Block) -> int:
    """The line a parsed block starts on, counted from 1 (bibtexparser counts from 0)."""
    return (block.start_line or 0) + 1


def parse_bib(
    text: str,
    parse_stack: Iterable[BlockMiddleware | LibraryMiddleware] | None = None,
    append_middleware: Iterable[BlockMiddleware | LibraryMiddleware] | None = None,
) -> ParsedBib:
    """bibtexparser's parse, without its log lines on stderr: Folio reports failed blocks
    itself, one line each, with the file name."""
    import bibtexparser

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    return bibtexparser.parse_string(
        text, parse_stack=parse_stack, append_middleware=append_middleware
    )


def entry_spans(text: str, path: str = "<bib>") -> dict[str, tuple[int, int]]:
    """Character spans of the file's entries, by lowercased key. BibParseError when
    bibtexparser fails on any block: splicing into a file we cannot read is unsafe."""
    from bibtexparser.model import Entry

    parsed = parse_bib(text, parse_stack=[])
    problems = failed_block_messages(parsed)
    if problems:
        raise BibParseError(path, problems)
    spans: dict[str, tuple[int, int]] = {}
    cursor = 0
    for block in parsed.blocks:
        raw = block.raw
        start = text.find(raw, cursor) if raw is not None else -1
        if raw is None or start < 0:
            raise LibraryError(f"{path}: cannot locate the block on line {block_line(block)}")
        cursor = start + len(raw)
        if isinstance(block, Entry):
            spans[block.key.lower()] = (start, cursor)
    return spans


def merge_bib(existing: bytes, entries: list[BibEntry], path: str = "<bib>") -> MergedBib:
    """`existing` with the entries whose keys it holds replaced and the others appended."""
    # surrogateescape keeps bytes that are not UTF-8 (a Latin-1 .bib) exactly as they were.
    text = existing.decode("utf-8", errors="surrogateescape")
    spans = entry_spans(text, path)
    newline = "\r\n" if "\r\n" in text else "\n"
    merged = MergedBib(b"")
    replacements: list[tuple[int, int, str]] = []
    appended: list[str] = []
    for entry in entries:
        rendered = entry.render().replace("\n", newline)
        span = spans.get(entry.key.lower())
        if span is None:
            appended.append(rendered)
            merged.appended.append(entry.key)
        else:
            replacements.append((*span, rendered))
            merged.replaced.append(entry.key)
    for start, end, rendered in sorted(replacements, reverse=True):
        text = text[:start] + rendered + text[end:]
    if appended:
        if text and not text.endswith(("\n", "\r")):
            text += newline
        if text.strip():
            text += newline
        text += (newline * 2).join(appended) + newline
    merged.data = text.encode("utf-8", errors="surrogateescape")
    return merged
