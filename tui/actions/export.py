"""Exporting citations (BibLaTeX, BibTeX, CSL-JSON) or notes (Markdown), and citing.

One `export` does the whole job for both front doors: select the articles, render them,
then write the file (replacing it with a backup, or merging Folio's entries into an
existing .bib). What the user must know comes back as notices: characters the BibTeX
flavour could not spell, fields biblatex will miss.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from library.errors import FolioError, InvalidValue
from library.store import Library
from tui.actions.results import Notice, Outcome

if TYPE_CHECKING:
    from library.articles import Article
    from library.bibentries import BibEntry
    from library.bibwrite import BibWritten

ExportFormat = Literal["biblatex", "bibtex", "csl-json", "markdown"]
CiteStyle = Literal["latex", "pandoc", "markdown"]
# What each format is called where a person chooses one.
FORMAT_LABELS: dict[ExportFormat, str] = {
    "biblatex": "BibLaTeX",
    "bibtex": "BibTeX",
    "csl-json": "CSL-JSON",
    "markdown": "Markdown notes",
}
BIB_FORMATS: tuple[ExportFormat, ...] = ("biblatex", "bibtex")


class OutputExists(FolioError):
    """The file to write exists, and neither merging nor replacing it was asked for."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path}: already exists")
        self.path = path


@dataclass(frozen=True)
class Selection:
    """Which articles: these ids or citekeys, every match of a query, a tag, a collection,
    a saved search, or everything (exactly one of them)."""

    refs: tuple[str, ...] = ()
    query: str | None = None
    tag: str | None = None
    everything: bool = False
    collection: str | None = None
    saved: str | None = None

    def to_json(self) -> dict[str, object]:
        """The selection as {"kind": …, "value": …} (refs as given: resolve them first)."""
        for kind in ("query", "tag", "collection", "saved"):
            if getattr(self, kind) is not None:
                return {"kind": kind, "value": getattr(self, kind)}
        if self.refs:
            return {"kind": "refs", "value": list(self.refs)}
        return {"kind": "all", "value": None}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Selection:
        """The selection `to_json` wrote."""
        kind, value = data.get("kind"), data.get("value")
        if kind == "refs" and isinstance(value, list):
            return cls(refs=tuple(str(ref) for ref in value))
        if not isinstance(value, str):
            return cls(everything=True)
        if kind == "query":
            return cls(query=value)
        if kind == "tag":
            return cls(tag=value)
        if kind == "collection":
            return cls(collection=value)
        return cls(saved=value) if kind == "saved" else cls(everything=True)

    def describe(self) -> str:
        """ "tag thesis", "3 articles", "all articles"… for a listing."""
        data = self.to_json()
        if data["kind"] == "refs":
            return f"{len(self.refs)} article(s): {' '.join(self.refs)}"
        if data["kind"] == "all":
            return "all articles"
        label = {"saved": "saved search"}.get(str(data["kind"]), str(data["kind"]))
        return f"{label} {data['value']}"


@dataclass
class Export:
    """A finished export: its text, and where it went when it was written to a file."""

    text: str
    fmt: ExportFormat
    count: int  # entries, or notes for Markdown
    entries: list[BibEntry] = field(default_factory=list)  # BibLaTeX and BibTeX only
    pks: dict[str, int] = field(default_factory=dict)  # each entry's article, by key lowercased
    path: Path | None = None
    backup: Path | None = None
    bib: BibWritten | None = None  # what writing a .bib did (replaced, added, conflicts…)

    @property
    def what(self) -> str:
        """ "3 entries" or "2 note(s)"."""
        return f"{self.count} note(s)" if self.fmt == "markdown" else f"{self.count} entries"

    def summary(self) -> str:
        """One line saying what was written where (and the backup kept)."""
        if self.bib is not None:
            return self.bib.summary()
        saved = f" (backup: {self.backup})" if self.backup else ""
        return f"Wrote {self.what} to {self.path}{saved}"


def export(
    library: Library,
    selection: Selection,
    fmt: ExportFormat = "biblatex",
    *,
    output: Path | None = None,
    merge: bool = False,
    overwrite: bool = False,
    strict: bool = False,
    ascii_only: bool = False,
    force_replace: tuple[str, ...] = (),
    backups: int | None = None,
    keep_updated: bool = False,
) -> Outcome[Export]:
    """Render the selected articles in `fmt` (Markdown: their notes) and, given `output`,
    write them there: merged into an existing .bib (`merge`: only Folio's own entries are
    replaced, a foreign entry with one of their keys is an error notice unless its key is in
    `force_replace`), or replacing the file (`overwrite`). `backups` old versions are kept
    (FILE.bak, FILE.bak.1…; default library.bibwrite.backups_wanted).

    With `keep_updated`, the file is registered and rewritten after every change to the
    articles it holds (tui/actions/exports.py).

    Raises OutputExists for an existing file without `merge` or `overwrite`, and with
    `strict`, FolioError when a character has no ASCII spelling (BibTeX flavour, or BibLaTeX
    with `ascii_only`; nothing written).
    """
    if keep_updated and output is None:
        raise InvalidValue("keeping an export current needs a file (-o FILE)", field="keep-updated")
    if merge and fmt not in BIB_FORMATS:
        raise InvalidValue(
            f"merging works on .bib files (BibLaTeX, BibTeX), not {FORMAT_LABELS[fmt]}",
            field="merge",
        )
    if output is not None and output.exists() and not (merge or overwrite):
        raise OutputExists(output)
    articles = selected_articles(library, selection)
    if fmt == "markdown":
        rendered = _notes_markdown(library, articles)
    else:
        rendered = _citations(library, articles, fmt, strict, ascii_only)
    if output is not None:
        from library.leftovers import remember_output

        remember_output(library, output)
        rendered.warnings.extend(
            _write(library, output, rendered.value, merge, force_replace, backups)
        )
        if keep_updated:
            from tui.actions.exports import register_export

            options: dict[str, object] = {"ascii": ascii_only, "strict": strict, "backups": backups}
            rendered.warnings.append(register_export(library, output, selection, fmt, options))
    return rendered


def selected_articles(library: Library, selection: Selection) -> list[Article]:
    """The articles `selection` picks, in citekey order (NotFound for none)."""
    from library.export import select_articles
    from notes.tags import article_ids_with_tag

    return select_articles(
        library,
        refs=selection.refs,
        query=selection.query,
        tag=selection.tag,
        everything=selection.everything,
        tagged=article_ids_with_tag,
        collection=selection.collection,
        saved=selection.saved,
    )


def _notes_markdown(library: Library, articles: list[Article]) -> Outcome[Export]:
    from notes.export import notes_markdown
    from notes.reading import read_annotations_of_articles

    found = read_annotations_of_articles(library, [article.id for article in articles])
    return Outcome(Export(notes_markdown(found), "markdown", len(found)))


def _citations(
    library: Library, articles: list[Article], fmt: ExportFormat, strict: bool, ascii_only: bool
) -> Outcome[Export]:
    from library.export import export_articles
    from library.provenance import guesses_note

    exported = export_articles(articles, fmt, library.conn, ascii_only)
    problems = exported.problems
    if strict and problems:
        more = len(problems) - 1
        raise FolioError(
            problems[0].message() + (f" (and {more} more)" if more else "") + "; nothing written"
        )
    notices = [
        Notice("replaced-characters", problem.message(), subject=problem.key, field=problem.field)
        for problem in problems
    ]
    if fmt == "biblatex":
        notices.extend(_missing_fields(exported.entries))
    guesses = guesses_note(articles)
    if guesses:
        notices.append(Notice("guessed-values", guesses, level="note"))
    done = Export(exported.text, fmt, exported.count, exported.entries, exported.pks)
    return Outcome(done, notices)


def _missing_fields(entries: Sequence[BibEntry]) -> list[Notice]:
    """One note per field biblatex's data model expects that some entries lack (biber would
    warn about each), naming the entries."""
    from library.bibentries import missing_for_biblatex

    keys_by_field: dict[str, list[str]] = {}
    for entry in entries:
        for name in missing_for_biblatex(entry):
            keys_by_field.setdefault(name, []).append(entry.key)
    notices = []
    for name, keys in keys_by_field.items():
        shown = ", ".join(keys[:5]) + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")
        notices.append(Notice("missing-field", f"no {name} for {shown}", field=name, level="note"))
    return notices


def _write(
    library: Library,
    path: Path,
    result: Export,
    merge: bool,
    force_replace: tuple[str, ...],
    backups: int | None,
) -> list[Notice]:
    """Write the export to `path` (a .bib through library.bibwrite, which merges safely and
    remembers Folio's entries there); the conflicts of a merge, as error notices."""
    from library.atomic import file_kind, write_atomically
    from library.bibwrite import backups_wanted, write_bib_file

    if path.is_dir():
        raise InvalidValue(f"{path}: is a folder", field="output")
    if path.exists() and not path.is_file():  # a merge or a backup would read it: a FIFO hangs
        raise InvalidValue(f"{path}: not a regular file ({file_kind(path)})", field="output")
    keep = backups_wanted(backups)
    result.path = path
    if result.fmt in BIB_FORMATS:
        written = write_bib_file(
            library,
            path,
            result.entries,
            result.text,
            result.pks,
            merge=merge,
            force_replace=force_replace,
            backups=keep,
        )
        result.bib, result.backup = written, written.backup
        return [
            Notice("bib-conflict", conflict.message(str(path)), subject=conflict.key, level="error")
            for conflict in written.conflicts
        ]
    exists = path.exists()
    data = result.text.encode("utf-8")
    result.backup = write_atomically(path, data, backup=exists and keep > 0, keep=keep)
    return []


def cite(
    library: Library, refs: Sequence[str], style: CiteStyle = "latex", locator: str | None = None
) -> Outcome[str]:
    """A citation to paste: `\\autocite[locator]{key,…}` (latex) or `[@key, locator]`."""
    from library.articles import get_article
    from library.citing import format_citation

    keys = [get_article(library.conn, ref).citekey for ref in refs]
    return Outcome(format_citation(list(dict.fromkeys(keys)), style, locator))
