"""Importing never hangs on odd files, never reads or extracts while it holds the database
write lock, says who holds the lock when it waited too long, and restores lost originals."""

from __future__ import annotations

import os
import socket
import sys
import threading
from pathlib import Path

import pytest

from library import database, importing
from library.errors import ImportRefused, LibraryError
from library.importing import Source, collect_sources, import_sources
from library.store import Library
from tests.conftest import Folio, folio_process, write
from tests.fixtures import BEES, RIVER


def _without_hanging(call, fifo: Path, seconds: float = 20):
    """Run `call()` in a thread; if it is still blocked after `seconds` (on opening `fifo`),
    unblock it by opening the FIFO's other end, and fail."""
    box: list = []
    thread = threading.Thread(target=lambda: box.append(call()), daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        thread.join(5)
        pytest.fail(f"blocked on the FIFO {fifo.name}")
    return box[0]


def test_fifo_and_socket_in_a_folder_are_skipped_with_a_reason(
    library_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "d"
    write(folder / "a.txt", "T\n\nA short article about canal locks.\n")
    os.mkfifo(folder / "b.txt")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "c.md"))
    try:
        result = folio_process(library_dir, "add", str(folder))  # hung forever before
    finally:
        server.close()
    assert result.returncode == 0, result.stderr
    assert "1 added" in result.stdout
    lines = result.stderr.splitlines()
    assert any(
        "b.txt" in line and "not a regular file" in line and "FIFO" in line for line in lines
    )
    assert any("c.md" in line and "socket" in line for line in lines)
    assert all(line.startswith("folio: ") for line in lines)


def test_a_fifo_named_on_the_command_line_fails_without_hanging(
    folio: Folio, tmp_path: Path
) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    result = _without_hanging(
        lambda: folio("add", str(tmp_path / "pipe.txt")), tmp_path / "pipe.txt"
    )
    assert result.exit_code == 1 and "not a regular file" in result.stderr


def test_a_file_turned_into_a_fifo_after_the_walk_is_refused(
    library: Library, tmp_path: Path
) -> None:
    path = write(tmp_path / "x.txt", BEES)
    (source,), _, _ = collect_sources([str(path)])
    path.unlink()
    os.mkfifo(path)
    (result,) = _without_hanging(lambda: list(import_sources(library, [source])), path)
    assert result.status == "failed" and "not a regular file" in (result.error or "")


def test_an_export_onto_a_fifo_is_refused_without_hanging(folio: Folio, tmp_path: Path) -> None:
    """A merge (and a backup) would read the file first: a FIFO there would block forever,
    and a kept export rewritten after every write would block every command."""
    assert folio("add", str(write(tmp_path / "bees.txt", BEES))).exit_code == 0
    pipe = tmp_path / "refs.bib"
    os.mkfifo(pipe)
    for extra in (["--merge"], ["--force"], ["--merge", "--keep-updated"]):
        args = ["export", "--all", "-o", str(pipe), *extra]
        result = _without_hanging(lambda args=args: folio(*args), pipe)
        assert result.exit_code == 2, (extra, result.stderr)
        assert "not a regular file (a FIFO)" in result.stderr and result.stderr.count("\n") == 1


def test_no_read_or_extraction_while_the_write_lock_is_held(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, bool]] = []
    real_extract, real_read = importing.extract, importing._read

    def extract(*args, **kwargs):
        seen.append(("extract", library.conn.in_transaction))
        return real_extract(*args, **kwargs)

    def read(*args, **kwargs):
        seen.append(("read", library.conn.in_transaction))
        return real_read(*args, **kwargs)

    monkeypatch.setattr(importing, "extract", extract)
    monkeypatch.setattr(importing, "_read", read)
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)
    folder = tmp_path / "many"
    for n in range(5):
        write(folder / f"{n}.txt", f"Article {n}\n\nBody {n} about canals and locks.\n")
    sources, _, _ = collect_sources([str(folder)])
    results = list(import_sources(library, sources))
    assert [r.status for r in results] == ["added"] * 5
    assert len(seen) == 10 and not any(locked for _, locked in seen), seen
    # The same for a file attached to an existing article.
    seen.clear()
    (attached,), _, _ = collect_sources([str(write(tmp_path / "new.txt", RIVER))])
    importing.attach_source(library, attached, results[0].article.id)
    assert seen and not any(locked for _, locked in seen), seen


def test_a_lock_held_past_the_timeout_names_its_holder(
    library_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    holder = Library(library_dir)
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 300)
    monkeypatch.setattr(sys, "argv", ["/usr/bin/folio", "add", "big-folder"])
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with holder.transaction():
            taken.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    taken.wait(5)
    try:
        with Library(library_dir) as waiting, pytest.raises(LibraryError) as raised:
            list(import_sources(waiting, [Source("b", None, BEES.encode())]))
    finally:
        release.set()
        thread.join()
        holder.close()
    message = str(raised.value)
    assert f"pid {os.getpid()}" in message and "folio add big-folder" in message
    assert "locked" in message
    assert not (library_dir / database.WRITER_NOTE).exists()  # removed once released


def test_a_stale_writer_note_is_not_blamed(library_dir: Path, monkeypatch) -> None:
    import sqlite3

    with Library(library_dir):
        pass
    (library_dir / database.WRITER_NOTE).write_text('{"pid": 999999999, "command": "ghost"}')
    other = sqlite3.connect(library_dir / "folio.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
    try:
        with Library(library_dir) as waiting, pytest.raises(LibraryError) as raised:
            list(import_sources(waiting, [Source("b", None, BEES.encode())]))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "ghost" not in str(raised.value) and "another program" in str(raised.value)


def test_re_adding_a_file_restores_its_missing_original(folio: Folio, tmp_path: Path) -> None:
    path = write(tmp_path / "bees.txt", BEES)
    assert folio("add", str(path)).exit_code == 0
    (blob,) = [p for p in (folio.library_dir / "files").rglob("*.txt")]
    blob.unlink()
    assert folio("check").exit_code == 1
    result = folio("add", str(path))
    assert result.exit_code == 0 and "Already present" in result.stdout
    assert "restored" in result.stderr
    assert blob.read_bytes() == path.read_bytes()
    assert folio("check").exit_code == 0


def test_refused_files_leave_nothing_in_files(folio: Folio, tmp_path: Path) -> None:
    write(tmp_path / "d" / "empty.html", b"<html><body><script>x()</script></body></html>")
    write(tmp_path / "d" / "fake.pdf", b"%PDF-1.4\n garbage")
    assert folio("add", str(tmp_path / "d")).exit_code == 1
    assert [p for p in (folio.library_dir / "files").rglob("*") if p.is_file()] == []


def test_read_refuses_what_is_not_a_regular_file(library: Library, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "f.txt")

    def read() -> str:
        try:
            importing._read(library, Source("f.txt", tmp_path / "f.txt"))
        except ImportRefused as exc:
            return str(exc)
        return "read"

    assert "not a regular file" in _without_hanging(read, tmp_path / "f.txt", 10)


def _unrecorded_files(library: Library) -> list[Path]:
    recorded = {row[0] for row in library.conn.execute("SELECT sha256 FROM files")}
    return [
        path
        for path in library.files_dir.rglob("*")
        if path.is_file() and path.name.split(".")[0] not in recorded
    ]


def test_an_interrupted_batch_leaves_no_original_behind(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while a batch is being recorded: the transaction rolls back, and the originals
    it had renamed into files/ go with it (`folio check` finds no leftovers)."""
    from library import articles
    from library.check import check_library

    real = articles.insert_article
    calls: list[int] = []

    def insert_then_interrupt(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(articles, "insert_article", insert_then_interrupt)
    sources = [
        Source(name=f"{n}.txt", path=None, data=f"{BEES}\n\nCopy {n}.".encode()) for n in range(4)
    ]
    with pytest.raises(KeyboardInterrupt):
        list(import_sources(library, sources))
    assert library.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    assert _unrecorded_files(library) == []
    assert check_library(library).leftovers == []


def test_a_file_refused_inside_the_batch_leaves_no_original_behind(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from library import articles

    real = articles.insert_article

    def refuse_the_second(conn: object, extracted: object, version: object) -> object:
        if "Copy 1." in extracted.text:  # type: ignore[attr-defined]
            raise ImportRefused("1.txt: refused for the test")
        return real(conn, extracted, version)

    monkeypatch.setattr(articles, "insert_article", refuse_the_second)
    sources = [
        Source(name=f"{n}.txt", path=None, data=f"{BEES}\n\nCopy {n}.".encode()) for n in range(3)
    ]
    results = list(import_sources(library, sources))
    assert [r.status for r in results] == ["added", "failed", "added"]
    assert _unrecorded_files(library) == []
    assert len(list(p for p in library.files_dir.rglob("*") if p.is_file())) == 2
