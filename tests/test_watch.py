"""`folio watch`: files written into a watched folder are imported once they stop
changing; hidden, temporary and foreign files are not; Ctrl-C stops cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from library.errors import InvalidValue
from library.store import Library
from tests.conftest import write
from tests.fixtures import BEES, RIVER
from tui.actions.importing import ImportReport
from tui.actions.results import Outcome
from tui.actions.watch import watch_folders

ROOT = Path(__file__).resolve().parents[1]


class Watcher:
    """watch_folders in a thread, with what it imported."""

    def __init__(self, library: Library, folder: Path) -> None:
        self.stop = threading.Event()
        self.started = threading.Event()
        self.outcomes: list[Outcome[ImportReport]] = []
        self.thread = threading.Thread(
            target=watch_folders,
            args=(library, [folder]),
            kwargs={"stop": self.stop, "on_import": self.outcomes.append,
                    "on_ready": lambda _folders: self.started.set(), "settle": 0.4},
            daemon=True,
        )  # fmt: skip

    def __enter__(self) -> Watcher:
        self.thread.start()
        assert self.started.wait(10)
        time.sleep(0.3)  # the watcher is listening
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        self.thread.join(10)
        assert not self.thread.is_alive()

    def statuses(self) -> list[tuple[str, str]]:
        return [(Path(r.path).name, r.status) for o in self.outcomes for r in o.value.results]

    def wait_for(self, count: int, timeout: float = 15) -> list[tuple[str, str]]:
        deadline = time.monotonic() + timeout
        while len(self.statuses()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.statuses()


def test_new_and_changed_files_are_imported_as_they_appear(
    tmp_path: Path, library_dir: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    # A second connection, as a separate process would have: the watcher writes through its own.
    with Library(library_dir) as library, Watcher(Library(library_dir), inbox) as watcher:
        write(inbox / "bees.txt", BEES)
        assert watcher.wait_for(1) == [("bees.txt", "added")]
        write(inbox / "sub" / "river.md", "# " + RIVER)
        assert watcher.wait_for(2)[1] == ("river.md", "added")
        write(inbox / "bees.txt", BEES.replace("Record Summer", "Record Year"))
        assert watcher.wait_for(3)[2] == ("bees.txt", "updated")
        titles = sorted(a.title or "" for a in library_titles(library))
        assert "Urban Beekeepers Count a Record Year" in titles


def library_titles(library: Library) -> list:
    from tui.actions.articles import list_articles

    return list(list_articles(library).value)


def test_a_file_still_being_written_is_read_once_it_is_complete(
    tmp_path: Path, library_dir: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with Watcher(Library(library_dir), inbox) as watcher:
        path = inbox / "river.txt"
        half = len(RIVER) // 2
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(RIVER[:half])
            handle.flush()
            for _ in range(4):  # keeps changing for longer than the settle time
                time.sleep(0.2)
                handle.write(" ")
                handle.flush()
            handle.write(RIVER[half:])
        assert watcher.wait_for(1) == [("river.txt", "added")]
        time.sleep(1)
        assert len(watcher.statuses()) == 1  # imported once, whole
        text = watcher.outcomes[0].value.results[0].article
        assert (
            text is not None and text.title == "Floodgates on the Marrow River Tested Before Winter"
        )


def test_hidden_temporary_and_foreign_files_are_ignored(tmp_path: Path, library_dir: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with Watcher(Library(library_dir), inbox) as watcher:
        write(inbox / ".hidden.txt", BEES)
        write(inbox / ".cache" / "page.html", "<html><body><p>x</p></body></html>")
        write(inbox / "story.html.crdownload", "<html>")
        write(inbox / "draft.txt~", BEES)
        write(inbox / "photo.jpg", b"\xff\xd8\xff")
        write(inbox / "bees.txt", BEES)  # the one that counts
        assert watcher.wait_for(1) == [("bees.txt", "added")]
        time.sleep(1.2)
        assert watcher.statuses() == [("bees.txt", "added")]
        (inbox / "bees.txt").unlink()  # deleting a file deletes nothing
        time.sleep(1)
    with Library(library_dir) as library:
        assert len(library_titles(library)) == 1


def test_the_library_folder_is_refused(tmp_path: Path, library_dir: Path) -> None:
    with Library(library_dir) as library:
        with pytest.raises(InvalidValue, match="library folder"):
            watch_folders(library, [library_dir / "files"], stop=threading.Event(),
                          on_import=lambda _o: None)  # fmt: skip
        with pytest.raises(InvalidValue, match="not a folder"):
            watch_folders(library, [tmp_path / "nope"], stop=threading.Event(),
                          on_import=lambda _o: None)  # fmt: skip


def test_folio_watch_prints_a_line_per_import_and_stops_on_ctrl_c(
    tmp_path: Path, library_dir: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-c", "from tui.cli import main; main()",
         "--library", str(library_dir), "watch", str(inbox)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stderr is not None and process.stdout is not None
        assert process.stderr.readline().startswith("Watching ")
        time.sleep(0.5)
        write(inbox / "bees.txt", BEES)
        line = process.stdout.readline()
        assert line.startswith("Added ") and "Urban Beekeepers" in line and "bees.txt" in line
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert err.strip().splitlines()[-1] == "folio: stopped watching; 1 added or updated"
    assert "Traceback" not in err


def test_folio_watch_refuses_a_missing_folder(tmp_path: Path, library_dir: Path) -> None:
    from tests.conftest import Folio

    result = Folio(library_dir)("watch", str(tmp_path / "nope"))
    assert result.exit_code == 2 and "not a folder" in result.stderr
    assert os.path.exists(library_dir)
