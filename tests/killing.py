"""Killing `folio` at random points and checking what it left: shared by the CI test
(tests/test_kills.py, a handful of kills) and the soak run by hand (bench/soak.py, many).

Each scenario prepares a library, runs one command in its own process, SIGKILLs it after
a random delay (only the command: its index workers must die on their own), then checks
the invariants: `folio check --repair` leaves the library clean, nothing committed is lost
or doubled, and the files Folio writes outside the library are whole (the old version or
the new one, never torn).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Small import batches, so a kill can land between two commits.
_MAIN = "import library.importing as i; i.BATCH_SIZE = 4; from tui.cli import main; main()"


def folio_command(library_dir: Path, *args: str) -> list[str]:
    """The command line that runs `folio ARGS` on `library_dir` in a fresh interpreter."""
    return [sys.executable, "-c", _MAIN, "--library", str(library_dir), *args]


def run_folio(library_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `folio ARGS` to completion."""
    return subprocess.run(
        folio_command(library_dir, *args), capture_output=True, text=True, cwd=ROOT, timeout=300
    )


def run_and_kill(library_dir: Path, args: list[str], delay: float) -> tuple[bool, float]:
    """Start `folio ARGS`, SIGKILL it after `delay` seconds. Returns whether it was still
    running then, and how long it ran."""
    started = time.monotonic()
    process = subprocess.Popen(
        folio_command(library_dir, *args),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        process.wait(timeout=delay)
        return False, time.monotonic() - started
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        return True, time.monotonic() - started


@dataclass
class Outcome:
    """What one killed run left."""

    scenario: str
    killed: bool
    seconds: float  # how long the command ran (the whole run when it was not killed)
    clean_after_repair: bool = False
    lost: int = 0  # committed (or re-added) writes missing afterwards
    doubled: int = 0  # articles present twice
    torn: int = 0  # files outside the library neither the old nor the new version
    problems: list[str] = field(default_factory=list)


def _articles(library_dir: Path) -> list[tuple[str, str]]:
    from library.store import Library

    with Library(library_dir) as library:
        rows = library.conn.execute("SELECT id, text_sha256 FROM articles").fetchall()
    return [(row[0], row[1]) for row in rows]


def _repair_and_check(library_dir: Path, outcome: Outcome) -> None:
    """`folio check --repair`, then `folio check` must be clean."""
    from library.check import check_library, repair_library
    from library.store import Library
    from tui.actions.notes import reanchor_notes

    with Library(library_dir) as library:
        reanchor_notes(library)
        report = repair_library(library, check_library(library))
        outcome.clean_after_repair = report.clean
        if not report.clean:
            outcome.problems.append(f"not clean after repair: {report.to_json()}")


def write_corpus(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """`count` small distinct plain-text articles."""
    rng = random.Random(seed)
    words = "lock keeper canal barge river sluice towpath weir basin quay mooring".split()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        body = " ".join(rng.choice(words) for _ in range(300))
        path = folder / f"article-{number:03}.txt"
        path.write_text(f"Article {number}\n\nBy Writer {number}\n\n{body} {number}.\n")
        paths.append(path)
    return paths


# --- the scenarios ------------------------------------------------------------------------


def add_scenario(work: Path, rng: random.Random, span: float, size: int = 40) -> Outcome:
    """Kill `folio add FOLDER` (a new library each time); re-running it must then add
    exactly the files that are missing."""
    library_dir, corpus = work / "lib", work / "corpus"
    paths = write_corpus(corpus, size)
    outcome = Outcome(
        "add", *run_and_kill(library_dir, ["add", "-q", str(corpus)], rng.uniform(0.05, span))
    )
    if library_dir.exists():
        _repair_and_check(library_dir, outcome)
    else:
        outcome.clean_after_repair = True  # killed before it made the library
    again = run_folio(library_dir, "add", "-q", str(corpus))
    if again.returncode != 0:
        outcome.problems.append(f"re-running add failed: {again.stderr.strip()}")
    shas = [sha for _, sha in _articles(library_dir)]
    outcome.lost = len(paths) - len(set(shas))
    outcome.doubled = len(shas) - len(set(shas))
    return outcome


def reindex_scenario(work: Path, rng: random.Random, span: float, size: int = 40) -> Outcome:
    """Kill `folio reindex` (the library is made once per `work`); the index must come back
    whole after the repair. From 1,000 articles the index is written by two processes."""
    library_dir = work / "lib"
    if not library_dir.exists():
        write_corpus(work / "corpus", size)
        assert run_folio(library_dir, "add", "-q", str(work / "corpus")).returncode == 0
    outcome = Outcome("reindex", *run_and_kill(library_dir, ["reindex"], rng.uniform(0.05, span)))
    _repair_and_check(library_dir, outcome)
    from library.store import Library

    with Library(library_dir) as library:
        indexed = library.index.stored_revisions()
    outcome.lost = len(_articles(library_dir)) - len(indexed)
    return outcome


FOREIGN = "% Written by hand; Folio must keep every byte of this.\n@book{hand1999, title={Kept}}\n"


def merge_scenario(work: Path, rng: random.Random, span: float, size: int = 30) -> Outcome:
    """Kill `folio export --merge` (the library is made once per `work`): the paper's .bib
    and its backup are the old or the new version, whole, and the hand-written bytes stay."""
    library_dir, paper = work / "lib", work / "paper" / "refs.bib"
    if not library_dir.exists():
        write_corpus(work / "corpus", size)
        assert run_folio(library_dir, "add", "-q", str(work / "corpus")).returncode == 0
        paper.parent.mkdir(parents=True)
        paper.write_text(FOREIGN)
        assert (
            run_folio(library_dir, "export", "--all", "-o", str(paper), "--merge").returncode == 0
        )
    old, old_backup = paper.read_bytes(), _read(paper.with_name("refs.bib.bak"))
    # A change, so the merge writes new bytes: retitle one article.
    first = _articles(library_dir)[0][0]
    title = f"retitled {rng.randrange(10**6)}"  # lowercase: written as is (no case braces)
    assert run_folio(library_dir, "edit", first, "--title", title).returncode == 0
    merge = ["export", "--all", "-o", str(paper), "--merge"]
    outcome = Outcome("export --merge", *run_and_kill(library_dir, merge, rng.uniform(0.05, span)))
    now, backup = paper.read_bytes(), _read(paper.with_name("refs.bib.bak"))
    if now != old and title.encode() not in now:
        outcome.torn += 1
        outcome.problems.append("refs.bib is neither the old nor the new version")
    if FOREIGN.encode() not in now:
        outcome.torn += 1
        outcome.problems.append("the hand-written bytes of refs.bib were lost")
    if backup not in (old_backup, old):
        outcome.torn += 1
        outcome.problems.append("refs.bib.bak is torn")
    _repair_and_check(library_dir, outcome)
    left = sorted(p.name for p in paper.parent.iterdir() if p.name.endswith(".tmp"))
    if left:
        outcome.problems.append(f"temporary files left after repair: {left}")
    return outcome


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


Scenario = Callable[..., Outcome]
SCENARIOS: dict[str, Scenario] = {
    "add": add_scenario,
    "reindex": reindex_scenario,
    "export --merge": merge_scenario,
}
