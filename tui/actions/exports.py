"""Exports that keep themselves current (`folio export … --keep-updated`): list them, stop
one, and bring the registered files up to date after a change.

Every change to an article writes the outbox (`export_queue`, by database triggers, in the
change's own transaction). The write actions are wrapped in `keeps_exports_current`, which,
once the action has committed, rewrites the registered files its changes touch through the
same `export` action a manual export uses: a .bib is merged (an entry edited by hand is
never replaced), any other file is replaced only while it is what Folio last wrote there.
A file that cannot be written is a warning: the user's edit stands. An action that fails
leaves the outbox as it is, and the next write catches up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from library.errors import FolioError
from library.store import Library
from tui.actions.results import Notice, Outcome

if TYPE_CHECKING:
    from library.kept_exports import KeptExport
    from tui.actions.export import Export, ExportFormat, Selection

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class Refreshed:
    """What bringing one registered file up to date did."""

    path: Path
    summary: str  # "Updated refs.bib: 1 replaced, …", or why it was not written
    written: bool


def keeps_exports_current(
    action: Callable[Concatenate[Library, P], Outcome[T]],
) -> Callable[Concatenate[Library, P], Outcome[T]]:
    """Wrap a write action: once it has returned, the exports kept current that its changes
    touch are rewritten, and what that did is added to its notices (never an error)."""

    @wraps(action)
    def run(library: Library, /, *args: P.args, **kwargs: P.kwargs) -> Outcome[T]:
        outcome = action(library, *args, **kwargs)
        outcome.warnings.extend(refresh_kept_exports(library).warnings)
        return outcome

    return run


def register_export(
    library: Library,
    output: Path,
    selection: Selection,
    fmt: ExportFormat,
    options: dict[str, object],
) -> Notice:
    """Keep `output` current from now on (called by `export` once the file is written);
    the note to show."""
    from library.articles import get_article
    from library.kept_exports import register

    if selection.refs:  # by id: a citation key can change
        from tui.actions.export import Selection as Chosen

        ids = tuple(dict.fromkeys(get_article(library.conn, ref).id for ref in selection.refs))
        selection = Chosen(refs=ids)
    with library.write() as conn:
        replaced = register(conn, output, selection.to_json(), fmt, options)
    verb = "is now kept current with the new selection" if replaced else "will be kept current"
    return Notice(
        "export-kept",
        f"{output} {verb} (`folio exports rm {output}` stops it)",
        subject=str(output),
        level="note",
    )


def list_kept_exports(library: Library) -> Outcome[list[KeptExport]]:
    """Every export kept current, with when it was last written and its last problem (none
    only when the table is readable and empty)."""
    from library.damage import verified_listing
    from library.kept_exports import kept_exports

    found = kept_exports(library.conn)
    return Outcome(verified_listing(library.conn, library.root, "kept_exports", found))


def stop_kept_export(library: Library, path: Path) -> Outcome[KeptExport]:
    """Stop keeping `path` current (the file stays as it is)."""
    from library.kept_exports import forget

    with library.write() as conn:
        return Outcome(forget(conn, path))


def refresh_kept_exports(library: Library, *, everything: bool = False) -> Outcome[list[Refreshed]]:
    """Rewrite the registered files that the changes in the outbox touch (`everything`: all
    of them), then empty the outbox. Each file is a note when written, a warning when not."""
    from library.kept_exports import clear_pending, kept_exports, pending, refresh_lock

    conn = library.conn
    if not everything and pending(conn)[0] is None:
        return Outcome([])  # the usual case: one query
    done: list[Refreshed] = []
    notices: list[Notice] = []
    with refresh_lock(library.root):
        high, changed = pending(conn)
        for kept in kept_exports(conn):
            if everything or _touched(library, kept, changed):
                refreshed, warnings = _rewrite(library, kept)
                done.append(refreshed)
                notices.extend(warnings)
        if high is not None:
            with library.write() as writing:
                clear_pending(writing, high)
    return Outcome(done, notices)


def _selection(kept: KeptExport) -> Selection:
    from tui.actions.export import Selection

    return Selection.from_json(kept.selection)


def _touched(library: Library, kept: KeptExport, changed: set[str]) -> bool:
    """Whether an article that changed is in the export now or was in it when last written
    (a .bib's entries are known; for other formats, any change counts)."""
    from library.errors import NotFound
    from library.kept_exports import exported_article_ids
    from tui.actions.export import BIB_FORMATS, selected_articles

    if kept.fmt not in BIB_FORMATS or kept.selection.get("kind") == "all":
        return True
    try:
        now = {article.id for article in selected_articles(library, _selection(kept))}
    except NotFound:
        now = set()
    return bool(changed & (now | exported_article_ids(library.conn, kept.path)))


def _rewrite(library: Library, kept: KeptExport) -> tuple[Refreshed, list[Notice]]:
    """Export the registration again into its file; (what happened, notices)."""
    from library.kept_exports import file_sha256, record_refresh
    from tui.actions.export import BIB_FORMATS

    path = kept.path
    is_bib = kept.fmt in BIB_FORMATS
    problem: str | None = None
    if not path.exists():
        problem = "the file is gone; not written (`folio exports rm` stops keeping it)"
    elif not is_bib and file_sha256(path) != kept.written_sha256:
        problem = "changed since Folio wrote it; not overwritten (export it again with --force)"
    notices: list[Notice] = []
    summary = problem or ""
    if problem is None:
        try:
            outcome = _export_again(library, kept)
        except (FolioError, OSError) as exc:
            problem = summary = _reason(exc)
        else:
            summary = outcome.value.summary()
            # Conflicts (entries not Folio's), characters replaced: told, never failing.
            notices = [
                Notice("export-kept-current", f"kept current: {summary}", str(path), level="note"),
                *(_as_warning(notice, path) for notice in outcome.warnings
                  if notice.kind in ("bib-conflict", "replaced-characters")),
            ]  # fmt: skip
    with library.write() as conn:
        record_refresh(conn, kept, problem is None, problem)
    if problem is not None:
        notices.append(Notice("export-not-kept", f"{path}: {problem}", str(path)))
    return Refreshed(path, summary, problem is None), notices


def _export_again(library: Library, kept: KeptExport) -> Outcome[Export]:
    """The same export as registered, merged into a .bib (replacing any other file)."""
    from tui.actions.export import BIB_FORMATS, export

    is_bib = kept.fmt in BIB_FORMATS
    options = kept.options
    return export(
        library,
        _selection(kept),
        _format(kept.fmt),
        output=kept.path,
        merge=is_bib,
        overwrite=not is_bib,
        strict=bool(options.get("strict")),
        ascii_only=bool(options.get("ascii")),
        backups=_backups(options.get("backups")),
    )


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return f"not written ({(exc.strerror or str(exc)).lower()})"
    message = str(exc)
    if message.startswith("nothing to export"):
        return "its selection has no articles now; left as it is"
    return f"not written ({message})"


def _as_warning(notice: Notice, path: Path) -> Notice:
    level = "warning" if notice.level == "error" else notice.level
    return Notice(notice.kind, notice.message, notice.subject or str(path), notice.field, level)


def _format(name: str) -> ExportFormat:
    from tui.actions.export import FORMAT_LABELS

    for fmt in FORMAT_LABELS:
        if fmt == name:
            return fmt
    raise FolioError(f"unknown export format '{name}'")


def _backups(value: object) -> int | None:
    return value if isinstance(value, int) else None
