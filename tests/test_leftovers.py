"""What killed Folio processes leave behind is found by `folio check` and removed by
`--repair`: half-built index folders, temporary files beside exported .bib files, originals
never recorded. A live process's temporary files are never touched; backups are never torn."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from library import atomic
from library.atomic import write_atomically
from tests.conftest import Folio, write
from tests.fixtures import BEES, RIVER

DEAD_PID = 999_999_999  # no such process


@pytest.fixture
def seeded(folio: Folio, tmp_path: Path) -> Folio:
    write(tmp_path / "s" / "bees.txt", BEES)
    write(tmp_path / "s" / "river.txt", RIVER)
    assert folio("add", str(tmp_path / "s")).exit_code == 0
    return folio


def _check(folio: Folio) -> dict:
    result = folio("check", "--json")
    return {"code": result.exit_code, **json.loads(result.stdout)}


def test_index_folders_of_a_killed_reindex(seeded: Folio) -> None:
    root = seeded.library_dir
    dead = root / f"index.new-{DEAD_PID}-abcd1234"
    old_style = root / "index.new-k2j3h4g5"
    torn_swap = root / f"index.old-{DEAD_PID}-zz"
    live = root / f"index.new-{os.getpid()}-live0000"  # a rebuild running right now
    for folder in (dead, old_style, torn_swap, live):
        write(folder / "MAIN_x.seg", b"x" * 100)
    report = _check(seeded)
    assert report["code"] == 1
    assert sorted(report["leftovers"]) == sorted(str(p) for p in (dead, old_style, torn_swap))
    text = seeded("check").stdout
    assert "left by interrupted Folio processes" in text
    assert seeded("check", "--repair").exit_code == 0
    assert not dead.exists() and not old_style.exists() and not torn_swap.exists()
    assert live.exists()
    shutil.rmtree(live)
    assert _check(seeded)["code"] == 0


def test_temporary_files_beside_an_exported_bib(seeded: Folio, tmp_path: Path) -> None:
    paper = tmp_path / "paper"
    paper.mkdir()
    bib = paper / "refs.bib"
    assert seeded("export", "--all", "-o", str(bib)).exit_code == 0
    killed_merge = paper / f".refs.bib.{DEAD_PID}.a1b2c3d4.tmp"
    killed_backup = paper / f".refs.bib.bak.{DEAD_PID}.e5f6g7h8.tmp"
    old_style = paper / ".refs.bib.q9w8e7r6.tmp"
    live = paper / f".refs.bib.{os.getpid()}.livelive.tmp"
    someone_elses = paper / f".other.bib.{DEAD_PID}.x.tmp"  # Folio never wrote other.bib
    for path in (killed_merge, killed_backup, old_style, live, someone_elses):
        path.write_text("half")
    report = _check(seeded)
    assert report["code"] == 1
    assert sorted(report["leftovers"]) == sorted(
        str(p) for p in (killed_merge, killed_backup, old_style)
    )
    assert seeded("check", "--repair").exit_code == 0
    assert sorted(p.name for p in paper.iterdir()) == sorted(
        ["refs.bib", live.name, someone_elses.name]
    )


def test_notes_written_to_a_file_are_remembered_too(seeded: Folio, tmp_path: Path) -> None:
    out = tmp_path / "notes.md"
    assert seeded("notes", "--format", "markdown", "-o", str(out)).exit_code == 0
    (tmp_path / f".notes.md.{DEAD_PID}.abc.tmp").write_text("half")
    assert len(_check(seeded)["leftovers"]) == 1


def test_originals_of_failed_imports(seeded: Folio) -> None:
    files = seeded.library_dir / "files"
    kept = sorted(p for p in files.rglob("*") if p.is_file())
    unrecorded = write(files / "ab" / f"ab{'0' * 62}.txt", b"never recorded")
    staged_dead = write(files / "ab" / f".tmp-{DEAD_PID}-x1y2z3", b"staged")
    staged_old = write(files / "ab" / ".tmp-x1y2z3w4", b"staged by an older Folio")
    staged_live = write(files / "ab" / f".tmp-{os.getpid()}-q1", b"being imported")
    report = _check(seeded)
    assert sorted(report["leftovers"]) == sorted(
        str(p) for p in (unrecorded, staged_dead, staged_old)
    )
    assert seeded("check", "--repair").exit_code == 0
    remaining = sorted(p for p in files.rglob("*") if p.is_file())
    assert remaining == sorted([*kept, staged_live])


def test_the_backup_is_written_atomically(tmp_path: Path, monkeypatch) -> None:
    path = write(tmp_path / "refs.bib", "current")
    write(tmp_path / "refs.bib.bak", "previous backup")

    def torn_copy(source, target, *args, **kwargs):
        target.write(source.read(3))  # half the bytes, then the process dies
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.shutil, "copyfileobj", torn_copy)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(path, b"new", backup=True)
    assert (tmp_path / "refs.bib.bak").read_text() == "previous backup"
    assert path.read_text() == "current"
    monkeypatch.undo()
    assert write_atomically(path, b"new", backup=True) == tmp_path / "refs.bib.bak"
    assert (tmp_path / "refs.bib.bak").read_text() == "current" and path.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.bib", "refs.bib.bak"]


def test_rotating_backups_are_never_torn(tmp_path: Path, monkeypatch) -> None:
    """With backups kept in generations (.bak, .bak.1…), older ones move by rename and the
    newest is copied atomically: a copy killed half-way tears none of them."""
    path = write(tmp_path / "refs.bib", "v3")
    write(tmp_path / "refs.bib.bak", "v2")
    write(tmp_path / "refs.bib.bak.1", "v1")

    def torn_copy(source, target, *args, **kwargs):
        target.write(source.read(1))
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.shutil, "copyfileobj", torn_copy)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(path, b"v4", backup=True, keep=3)
    monkeypatch.undo()
    kept = {p.name: p.read_text() for p in tmp_path.iterdir()}
    assert kept == {"refs.bib": "v3", "refs.bib.bak.1": "v2", "refs.bib.bak.2": "v1"}
    write_atomically(path, b"v4", backup=True, keep=3)
    kept = {p.name: p.read_text() for p in tmp_path.iterdir()}
    assert kept == {"refs.bib": "v4", "refs.bib.bak": "v3", "refs.bib.bak.1": "v2",
                    "refs.bib.bak.2": "v1"}  # fmt: skip


def test_temporary_names_carry_the_writers_pid(tmp_path: Path, monkeypatch) -> None:
    seen: list[str] = []
    real = os.replace

    def spy(source, target):
        seen.append(Path(source).name)
        return real(source, target)

    monkeypatch.setattr(atomic.os, "replace", spy)
    path = write(tmp_path / "refs.bib", "current")
    write_atomically(path, b"new", backup=True)
    assert len(seen) == 2
    assert all(name.split(".")[-3] == str(os.getpid()) and name.endswith(".tmp") for name in seen)
