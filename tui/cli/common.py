"""What every `folio` command shares: opening the library, one-line errors, output helpers."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import wraps
from typing import TYPE_CHECKING, Any, NoReturn, Protocol, TypeVar

import click

from library.errors import EditConflict, FolioError, InvalidValue, database_refusal
from library.textnorm import visible

if TYPE_CHECKING:
    from library.store import Library
    from tui.actions.results import Notice, Outcome

# The option of `folio edit` (and others) that sets a field, where it is not the field's name.
_FIELD_OPTIONS = {"authors": "author", "republished_by": "republished-by"}
# Where to look next, after a notice of this kind (the notebook has its own ways).
_NOTICE_HINTS = {
    "notes-to-check": "see `folio notes`",
    "notes-orphaned": "see `folio notes --orphans`",
    "missing-field": "set it with `folio edit REF {option}`",
    "notes-undated": "give an article its date with `folio edit REF --date`",
}


@dataclass(frozen=True)
class Styled:
    """Text printed with a style (click.style's options: bold, fg…), made visible first."""

    text: str
    style: Mapping[str, Any] = field(default_factory=dict)


def styled(text: str, **style: Any) -> Styled:
    """`text` to print in a style, e.g. `styled(title, bold=True)`."""
    return Styled(text, style)


def echo(*parts: str | Styled, err: bool = False, nl: bool = True, one_line: bool = False) -> None:
    """Print on stdout (or stderr): the one way `folio` writes to a terminal. Every part has
    its control characters made visible (`library.textnorm.visible`), whoever wrote it: a
    file name, a .bib key, a URL or an error quoting input can hold an escape sequence.
    Styles are added afterwards (click leaves them out when not printing to a terminal).
    `one_line` shows line breaks too, for a message that must stay on one line."""
    text = "".join(
        click.style(visible(part.text, one_line=one_line), **part.style)
        if isinstance(part, Styled)
        else visible(part, one_line=one_line)
        for part in parts
    )
    click.echo(text, err=err, nl=nl)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a one-line error on stderr and exit."""
    echo(f"folio: {message}", err=True, one_line=True)
    sys.exit(code)


def guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn Folio's errors (and other expected failures) into one line on stderr."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except FolioError as exc:
            fail(error_message(exc), exc.exit_code)
        except BrokenPipeError:
            # The reader went away (`folio list | head`): stop quietly, as Unix tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(141)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            fail(f"{where}{(exc.strerror or str(exc)).lower()}")
        except KeyboardInterrupt:
            fail("interrupted; everything committed before this point is kept", 130)
        except Exception as exc:
            refusal = database_refusal(exc)
            if refusal is None:
                raise
            fail(refusal)

    return run


def interactive() -> bool:
    """Whether a person is at the terminal (stdin and stdout): only then does Folio open
    $EDITOR or ask a question."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def overwrite_after_conflict(conflict: EditConflict, draft: str, suffix: str) -> None:
    """A record changed while the user edited it in $EDITOR: show both versions, then ask
    whether to save theirs over it. Returns when they say yes; otherwise (or with no one to
    ask) their text is kept in a file and the command fails saying where."""
    echo(f"folio: {conflict}", err=True, one_line=True)
    for name, now, mine in conflict.rows():
        echo(f"  {name}, saved meanwhile: {now}", err=True, one_line=True)
        echo(f"  {name}, yours:           {mine}", err=True, one_line=True)
    if interactive() and click.confirm(
        "Save yours over the version saved meanwhile?", default=False, err=True
    ):
        return
    handle, kept = tempfile.mkstemp(prefix="folio-yours-", suffix=suffix)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(draft)
    fail(f"kept the version saved meanwhile; your version is in {kept}")


def option_of(field: str) -> str:
    """The command-line option that gives a field's value (`--author` for "authors")."""
    return "--" + _FIELD_OPTIONS.get(field, field)


def error_message(exc: FolioError) -> str:
    """An error for the terminal: a refused value is named by its option (`--date: …`)."""
    if isinstance(exc, InvalidValue) and exc.field:
        return f"{option_of(exc.field)}: {exc.reason}"
    return str(exc)


def echo_notices(notices: list[Notice], *, quiet: bool = False) -> None:
    """Print an action's notices on stderr: `folio: warning: …`, `folio: note: …` (left out
    when `quiet`), and `folio: …` for a part of the job that failed."""
    for notice in notices:
        if quiet and notice.level == "note":
            continue
        prefix = "folio: " if notice.level == "error" else f"folio: {notice.level}: "
        hint = _NOTICE_HINTS.get(notice.kind)
        if hint:
            hint = " (" + hint.format(option=option_of(notice.field or "")) + ")"
        echo(f"{prefix}{notice.message}{hint or ''}", err=True, one_line=True)


def finish(outcome: Outcome[Any], *, quiet: bool = False) -> None:
    """Print the outcome's notices; exit with status 1 when part of the job failed."""
    echo_notices(outcome.warnings, quiet=quiet)
    if outcome.failed_in_part:
        sys.exit(1)


# JSON escapes C0 controls itself; DEL and C1 controls (a CSI is \x9b) it leaves raw.
_JSON_CONTROLS = {code: f"\\u{code:04x}" for code in [0x7F, *range(0x80, 0xA0)]}


def json_text(data: Any, indent: int | None = 2) -> str:
    """`data` as JSON text that is safe on a terminal and still the same data: the control
    characters JSON leaves raw are written as \\u escapes (they only occur inside strings)."""
    return json.dumps(data, ensure_ascii=False, indent=indent).translate(_JSON_CONTROLS)


def emit_json(data: Any) -> None:
    """Print `data` as indented JSON."""
    echo(json_text(data))


class _Listed(Protocol):
    def to_json(self) -> Any: ...


_Item = TypeVar("_Item", bound=_Listed)


def show_listing(
    items: list[_Item], as_json: bool, *, empty: str, line: Callable[[_Item], str]
) -> None:
    """What a listing command prints: a JSON list of the items, or a line for each (`empty`
    on stderr when there are none)."""
    if as_json:
        emit_json([item.to_json() for item in items])
        return
    if not items:
        echo(empty, err=True)
    for item in items:
        echo(line(item))


@contextmanager
def open_library(ctx: click.Context, directory: str | None = None) -> Iterator[Library]:
    """The library named by DIRECTORY, else --library / $FOLIO_LIBRARY / the default."""
    from library.damage import damage_reported
    from library.location import resolve_library_dir
    from library.store import Library

    library = Library(resolve_library_dir(directory or ctx.obj["library"]))
    try:
        with damage_reported(library.root):
            yield library
        lag = library.take_index_lag()
        if lag:
            echo(
                f"folio: warning: the search index will catch up when there is space ({lag}); "
                "until then search shows the library as it was last indexed",
                err=True,
                one_line=True,
            )
    finally:
        library.close()


class Progress:
    """Progress bars on stderr, one per stage; a new stage closes the bar of the last."""

    def __init__(self, show: bool) -> None:
        self.show = show
        self.label = ""
        self.bar: Any = None

    def reach(self, label: str, done: int, total: int) -> None:
        """Show that `done` of `total` are through stage `label`."""
        if not self.show or total <= 1:
            return  # no bar for a single item
        if label != self.label:
            self.close()
            self.label = label
            self.bar = click.progressbar(length=total, label=label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        """Finish the current bar."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def echo_lines(lines: Iterator[str], chunk: int = 2000) -> int:
    """Print lines in chunks (one write per line is most of a long listing's time)."""
    buffer: list[str] = []
    count = 0
    for line in lines:
        buffer.append(line)
        count += 1
        if len(buffer) >= chunk:
            echo("\n".join(buffer))
            buffer.clear()
    if buffer:
        echo("\n".join(buffer))
    return count


def stream_json_list(items: Iterator[Any]) -> int:
    """Print a JSON list one item per line, so a long one is never all in memory."""
    count = 0

    def lines() -> Iterator[str]:
        nonlocal count
        yield "["
        for item in items:
            text = json_text(item, indent=None)
            yield f",{text}" if count else text
            count += 1
        yield "]"

    echo_lines(lines())
    return count


def confirm_deletion(question: str, yes: bool) -> None:
    """Ask before deleting what a user wrote; without a terminal to ask on, insist on --yes."""
    if yes:
        return
    if not sys.stdin.isatty():
        fail("refusing to delete without confirmation: pass --yes")
    click.confirm(question, abort=True, err=True)


def read_text_option(text: str | None, path: str | None, what: str) -> str | None:
    """A text given inline or as a file (`-` = stdin); None when neither was given."""
    if text is not None and path is not None:
        fail(f"give the {what} inline or as a file, not both", 2)
    if path is None:
        return text
    if path == "-":
        return sys.stdin.read()
    with open(path, encoding="utf-8") as handle:
        try:
            return handle.read()
        except UnicodeDecodeError:
            fail(f"{path}: the {what} file is not UTF-8 text", 2)
