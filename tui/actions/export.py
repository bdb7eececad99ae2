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
    """Which articles: these ids or citekeys, every match of a query, a tag, or everything
    (exactly one of them)."""

    refs: tuple[str, ...] = ()
    query: str | None = None
    tag: str | None = None
    everything: bool = False


@dataclass
class Export:
    """A finished export: its text, and where it went when it was written to a file."""

    text: str
    fmt: ExportFormat
    count: int  # entries, or notes for Markdown
    entries: list[BibEntry] = field(default_factory=list)  # BibLaTeX and BibTeX only
    path: Path | None = None
    backup: Path | None = None
    replaced: list[str] = field(default_factory=list)  # .bib keys, when merged
    appended: list[str] = field(default_factory=list)
    merged: bool = False

    @property
    def what(self) -> str:
        """ "3 entries" or "2 note(s)"."""
        return f"{self.count} note(s)" if self.fmt == "markdown" else f"{self.count} entries"

    def summary(self) -> str:
        """One line saying what was written where (and the backup kept)."""
        saved = f" (backup: {self.backup})" if self.backup else ""
        if self.merged:
            return (
                f"Updated {self.path}: {len(self.replaced)} replaced, "
                f"{len(self.appended)} added{saved}"
            )
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
) -> Outcome[Export]:
    """Render the selected articles in `fmt` (Markdown: their notes) and, given `output`,
    write them there: merged into an existing .bib (`merge`: only Folio's entries change,
    the file is kept as FILE.bak), or replacing it (`overwrite`, with a backup).

    Raises OutputExists for an existing file without `merge` or `overwrite`, and with
    `strict`, FolioError when the BibTeX flavour cannot spell a character (nothing written).
    """
    if merge and fmt not in BIB_FORMATS:
        raise InvalidValue(
            f"merging works on .bib files (BibLaTeX, BibTeX), not {FORMAT_LABELS[fmt]}",
            field="merge",
        )
    if output is not None and output.exists() and not (merge or overwrite):
        raise OutputExists(output)
    articles = _select(library, selection)
    if fmt == "markdown":
        rendered = _notes_markdown(library, articles)
    else:
        rendered = _citations(articles, fmt, strict)
    if output is not None:
        from library.leftovers import remember_output

        remember_output(library, output)
        _write(output, rendered.value, merge)
    return rendered


def _select(library: Library, selection: Selection) -> list[Article]:
    from library.export import select_articles
    from notes.tags import article_ids_with_tag

    return select_articles(
        library,
        refs=selection.refs,
        query=selection.query,
        tag=selection.tag,
        everything=selection.everything,
        tagged=article_ids_with_tag,
    )


def _notes_markdown(library: Library, articles: list[Article]) -> Outcome[Export]:
    from notes.export import notes_markdown
    from notes.reading import read_annotations_of_articles

    found = read_annotations_of_articles(library, [article.id for article in articles])
    return Outcome(Export(notes_markdown(found), "markdown", len(found)))


def _citations(articles: list[Article], fmt: ExportFormat, strict: bool) -> Outcome[Export]:
    from library.export import export_articles

    exported = export_articles(articles, fmt)
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
    return Outcome(Export(exported.text, fmt, exported.count, exported.entries), notices)


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


def _write(path: Path, result: Export, merge: bool) -> None:
    """Write the export to `path`: merged into it, or replacing it (the old one kept as .bak)."""
    from library.atomic import write_atomically

    if path.is_dir():
        raise InvalidValue(f"{path}: is a folder")
    exists = path.exists()
    result.path = path
    if merge and exists:
        from library.bibmerge import merge_bib

        merged = merge_bib(path.read_bytes(), result.entries, str(path))
        result.backup = write_atomically(path, merged.data, backup=True)
        result.replaced, result.appended, result.merged = merged.replaced, merged.appended, True
        return
    result.backup = write_atomically(path, result.text.encode("utf-8"), backup=exists)


def cite(
    library: Library, refs: Sequence[str], style: CiteStyle = "latex", locator: str | None = None
) -> Outcome[str]:
    """A citation to paste: `\\autocite[locator]{key,…}` (latex) or `[@key, locator]`."""
    from library.articles import get_article
    from library.citing import format_citation

    keys = [get_article(library.conn, ref).citekey for ref in refs]
    return Outcome(format_citation(list(dict.fromkeys(keys)), style, locator))
