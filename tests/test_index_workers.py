"""Whoosh's indexing worker processes die with the Folio process that started them, and a
cancelled writer ends them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Starts a two-process writer, prints its workers' pids, then dies by SIGKILL.
PARENT = """
import os, signal, sys
from whoosh import fields, index
from library.index_workers import open_writer

schema = fields.Schema(id=fields.ID(stored=True), body=fields.TEXT)
ix = index.create_in(sys.argv[1], schema)
writer = open_writer(ix, procs=2, multisegment=True, batchsize=5)
for n in range(60):
    writer.add_document(id=str(n), body="lock keeper canal barge " * 50)
print(" ".join(str(task.pid) for task in writer.tasks), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def _gone(pid: int) -> bool:
    """Whether the process is gone (a zombie nobody reaped counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def test_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    parent = subprocess.run(
        [sys.executable, "-c", PARENT, str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    pids = [int(pid) for pid in parent.stdout.split()]
    assert len(pids) == 2, parent.stderr
    deadline = time.monotonic() + 3
    while not all(_gone(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = [pid for pid in pids if not _gone(pid)]
    for pid in alive:  # do not leave them behind if the test fails
        os.kill(pid, 9)
    assert alive == []


def test_cancelling_a_writer_ends_its_workers(tmp_path: Path) -> None:
    from whoosh import fields, index

    from library.index_workers import open_writer

    ix = index.create_in(str(tmp_path), fields.Schema(body=fields.TEXT))
    writer = open_writer(ix, procs=2, multisegment=True, batchsize=5)
    for _ in range(30):
        writer.add_document(body="lock keeper canal barge " * 20)
    tasks = list(writer.tasks)
    assert tasks
    writer.cancel()
    assert not any(task.is_alive() for task in tasks)
