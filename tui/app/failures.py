"""One way for the notebook to fail: a one-line notice, the traceback in a log file.

Every piece of background work (loading, searching, saving, importing…) runs through
`guarded_work`, a `textual.work` that hands any exception to `FolioApp.report_error`
instead of letting Textual exit the app. A `FolioError` is a message written for the user
and is shown as it is; anything else is a bug or an environment problem (a locked
database, a full disk): its traceback goes to `notebook.log` in the user's log folder
(`platformdirs.user_log_dir("folio")`, or `$FOLIO_LOG_DIR`) and the notice points there.
The screen that started the work stays as it was, so nothing typed is lost.
"""

from __future__ import annotations

import functools
import inspect
import os
import traceback
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, Protocol, TypeVar, cast, overload

from textual import work
from textual.dom import DOMNode

if TYPE_CHECKING:
    from textual.worker import Worker

LOG_DIR_ENV = "FOLIO_LOG_DIR"
LOG_NAME = "notebook.log"
MAX_LOG_BYTES = 1_000_000  # then the log is moved to notebook.log.1 and starts again
MAX_LINE = 160  # characters of the error message shown in a notice

P = ParamSpec("P")
R = TypeVar("R")


def log_dir() -> Path:
    """Where the notebook writes its log: `$FOLIO_LOG_DIR`, else the user's log folder."""
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_log_dir

    return Path(user_log_dir("folio", appauthor=False))


def log_path() -> Path:
    """The notebook's log file."""
    return log_dir() / LOG_NAME


def write_failure(error: BaseException, doing: str) -> Path:
    """Append the error's traceback to the log (rotated past MAX_LOG_BYTES); the log's path.

    Raises OSError when the log cannot be written."""
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.stat().st_size > MAX_LOG_BYTES:
        path.replace(path.with_name(LOG_NAME + ".1"))
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat()
    details = "".join(traceback.format_exception(error))
    with path.open("a", encoding="utf-8") as log:
        log.write(f"--- {stamp} while {doing}\n{details}\n")
    return path


def error_line(error: BaseException) -> str:
    """`Type: message` on one line, cut to MAX_LINE characters."""
    message = " ".join(str(error).split())
    text = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return text if len(text) <= MAX_LINE else text[: MAX_LINE - 1] + "…"


def failure_notice(error: BaseException, doing: str) -> str:
    """The one line the user sees for an unexpected error (after logging it)."""
    try:
        where = f"details in {_tilde(write_failure(error, doing))}"
    except OSError as log_error:
        where = f"and the log could not be written ({error_line(log_error)})"
    return f"Something went wrong while {doing} ({error_line(error)}); {where}."


def _tilde(path: Path) -> str:
    home = Path.home()
    try:
        return "~/" + str(path.relative_to(home))
    except ValueError:
        return str(path)


class Reporter(Protocol):
    """What guarded work needs from the app."""

    def report_error(self, error: BaseException, doing: str) -> None:
        """Tell the user about an error raised by background work."""


def _reporter(node: DOMNode) -> Reporter:
    return node.app  # type: ignore[return-value]  # FolioApp has report_error


class WorkDecorator(Protocol):
    """What `guarded_work(...)` returns: it turns a method (async, or run in a thread) into
    one that starts a worker; the worker's result is None when the method failed."""

    @overload
    def __call__(  # a coroutine function matches this one first
        self, method: Callable[P, Coroutine[Any, Any, R]]
    ) -> Callable[P, Worker[R | None]]: ...

    @overload
    def __call__(self, method: Callable[P, R]) -> Callable[P, Worker[R | None]]: ...


def guarded_work(
    doing: str, *, thread: bool = False, exclusive: bool = False, group: str = "default"
) -> WorkDecorator:
    """`textual.work`, but an exception is reported (notice + log) instead of closing the app.

    `doing` names the work for the notice ("saving the note"). Cancellation still passes
    through (asyncio.CancelledError is not an Exception)."""

    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        if inspect.iscoroutinefunction(method):

            @functools.wraps(method)
            async def run_async(node: DOMNode, *args: Any, **kwargs: Any) -> Any:
                try:
                    return await method(node, *args, **kwargs)
                except Exception as error:
                    _reporter(node).report_error(error, doing)
                    return None

            runner: Callable[..., Any] = run_async
        else:

            @functools.wraps(method)
            def run_in_thread(node: DOMNode, *args: Any, **kwargs: Any) -> Any:
                try:
                    return method(node, *args, **kwargs)
                except Exception as error:
                    app = node.app
                    if app.is_running:
                        app.call_from_thread(_reporter(node).report_error, error, doing)
                    return None

            runner = run_in_thread
        return work(runner, thread=thread, exclusive=exclusive, group=group, exit_on_error=False)

    return cast(WorkDecorator, decorate)
