"""Whoosh's indexing worker processes, tied to the life of the Folio process that starts them.

A big index write analyses documents in worker processes (whoosh.multiproc). Whoosh's
workers wait on a queue that never closes: when Folio is killed they lingered (up to 15 s
and more), and a cancelled writer left them waiting for good. Here each worker asks Linux to
kill it when its parent dies (prctl PR_SET_PDEATHSIG) and, on any system, watches its parent
and exits once it is gone; cancelling the writer ends them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import signal
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from whoosh.index import Index
    from whoosh.writing import IndexWriter

PR_SET_PDEATHSIG = 1
# How often a worker looks whether its parent is still there (where prctl is not used).
WATCH_SECONDS = 0.2


def open_writer(index: Index, **options: Any) -> IndexWriter:
    """`index.writer(**options)` writing Folio's posting layout (library.index_codec); with
    `procs` > 1, its worker processes die with Folio."""
    from library.index_codec import FolioCodec

    options.setdefault("codec", FolioCodec())
    if options.get("procs", 1) <= 1:
        return index.writer(**options)
    return _writer_class()(index, **options)


def tie_to_parent(parent_pid: int, use_prctl: bool) -> None:
    """In a worker process: die with the parent `parent_pid`. prctl is asked only when the
    parent forked from its main thread (Linux signals the death of the forking thread, and a
    worker thread may end before the process does); a watchdog thread covers the rest."""
    if use_prctl and sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before the worker got here
        os._exit(1)
    threading.Thread(target=_watch, args=(parent_pid,), daemon=True).start()


def _watch(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(WATCH_SECONDS)
    os._exit(1)


@functools.cache
def _writer_class() -> type[Any]:
    """Whoosh's multi-process writer with parent-bound workers (imported only when used)."""
    from whoosh.multiproc import MpWriter, SubWriterTask

    class BoundTask(SubWriterTask):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.parent_pid = os.getpid()
            self.use_prctl = threading.current_thread() is threading.main_thread()

        def run(self) -> None:
            tie_to_parent(self.parent_pid, self.use_prctl)
            super().run()

    class BoundWriter(MpWriter):  # type: ignore[misc]
        def _new_task(self) -> Any:
            task = BoundTask(
                self.storage,
                self.indexname,
                self.jobqueue,
                self.resultqueue,
                self.subargs,
                self.multisegment,
            )
            self.tasks.append(task)
            task.start()
            return task

        def cancel(self) -> None:
            # Whoosh only flags its (copied) task objects: end the processes.
            try:
                super().cancel()
            finally:
                for task in self.tasks:
                    if task.is_alive():
                        task.terminate()
                    task.join(5)

    return BoundWriter
