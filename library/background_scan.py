"""Finding shared passages while a big import is still storing texts, in a process of its own.

An import stores texts on one core (reading, extracting, writing the database) before the
index takes both; scanning them for shared passages afterwards added half again to a big
import. Here a second process scans the texts as their batches commit, on the core the
import leaves idle: it waits until a chunk's worth of texts is queued (chunks as big as a
scan of the whole import would take, so the fingerprints are written in as few passes),
scans them outside any transaction and writes what it found in a short one
(passages.catch_up), so the import's own writes wait only for that.

The queue in the database stays the record of what is left: when the process fails or is
stopped, whatever it did not commit is still queued, and the caller's own scan finishes it.
The process dies with its parent (as the index workers do).
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from library.passages import Discovery

# Imports of fewer texts are scanned after they are stored: the process would wait for a
# chunk's worth (passages.CHUNK) until the end anyway.
MIN_TEXTS = 2000
# How long the scanning process waits between looks at the queue.
POLL_SECONDS = 0.5
# How long a stopped process may take to roll back before it is killed.
STOP_SECONDS = 5.0
_FINISH = b"finish\n"


class BackgroundScan:
    """A scanning process working alongside an import; `finish` once the texts are stored."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process

    @classmethod
    def start(cls, database: Path, size: int) -> BackgroundScan | None:
        """Start scanning the texts queued in `database` as they come, `size` texts a
        chunk (passages.chunk_size of the texts expected); None when no process could be
        started (the caller scans afterwards)."""
        root = str(Path(__file__).resolve().parents[1])  # where the `library` package is
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
        # Linux kills the child when the thread that started it ends: only the main
        # thread lives as long as the process (the notebook imports from a worker thread).
        tied = threading.current_thread() is threading.main_thread()
        arguments = [str(database), str(os.getpid()), str(int(tied)), str(size)]
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "library.background_scan", *arguments],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                # (Nothing it could say belongs on the user's screen: a failure leaves the
                # scan to the caller.)
                stderr=subprocess.DEVNULL,
                env=env,
            )
        except OSError:
            return None
        return cls(process)

    def finish(self) -> list[Discovery] | None:
        """Let the process scan what is still queued and end; what it found for the texts
        sharing passages, or None when it failed (what it did not commit is still queued)."""
        try:
            output, _ = self.process.communicate(_FINISH)
        except BaseException:
            self.stop()
            raise
        if self.process.returncode != 0:
            return None
        try:
            found: list[Discovery] = pickle.loads(output)  # (written by our own child)
        except (pickle.UnpicklingError, EOFError, ValueError, AttributeError, ImportError):
            return None
        return found

    def stop(self) -> None:
        """Stop the process: it rolls back the chunk it was writing (SIGTERM), or is killed
        after STOP_SECONDS."""
        process = self.process
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                pipe.close()


def _scan_until_finished(database: Path, size: int, finished: threading.Event) -> bytes:
    """In the scanning process: scan whenever a chunk's worth waits, and everything once
    the parent says the texts are stored; what was found, pickled."""
    from library.database import connect
    from library.passage_links import pending_count
    from library.passages import SCAN_CACHE_KIB, catch_up

    conn = connect(database)
    # (Kept between chunks: each call of catch_up would otherwise start from a cold cache.)
    conn.execute(f"PRAGMA cache_size=-{SCAN_CACHE_KIB}")
    found: list[Discovery] = []
    try:
        while True:
            last = finished.is_set()  # (read before the count: nothing is stored after)
            if last or pending_count(conn) >= size:
                found.extend(catch_up(conn, size=size))
                if last:
                    break
            else:
                finished.wait(POLL_SECONDS)
    finally:
        conn.close()
    return pickle.dumps(found)


def _listen(finished: threading.Event) -> None:
    """Set `finished` when the parent says so; end the process when the parent closes the
    pipe without saying it (it was interrupted or died)."""
    line = sys.stdin.buffer.readline()
    if line == _FINISH:
        finished.set()
    else:
        os.kill(os.getpid(), signal.SIGTERM)


def main(argv: list[str]) -> int:
    """The scanning process: DATABASE PARENT_PID TIED CHUNK_SIZE."""
    from library.index_workers import tie_to_parent

    database, parent, tied, size = argv
    # SIGTERM unwinds like an exception: a transaction under way is rolled back.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    tie_to_parent(int(parent), use_prctl=tied == "1")
    finished = threading.Event()
    threading.Thread(target=_listen, args=(finished,), daemon=True).start()
    output = _scan_until_finished(Path(database), int(size), finished)
    sys.stdout.buffer.write(output)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
