"""Shared fixtures: every test gets its own temporary library, never the user's."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from library.store import Library

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seeds"


@pytest.fixture(autouse=True)
def _isolated_library_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point FOLIO_LIBRARY at a temporary folder so nothing can reach a real library; the
    notebook's error log goes to a temporary folder too, and must stay empty: the notebook
    turns unexpected errors into notices, which would otherwise hide a bug from a test
    (tests that inject failures point FOLIO_LOG_DIR elsewhere)."""
    monkeypatch.setenv("FOLIO_LIBRARY", str(tmp_path / "default-library"))
    monkeypatch.delenv("FOLIO_MAX_FILE_MB", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    unexpected = tmp_path / "unexpected-errors"
    monkeypatch.setenv("FOLIO_LOG_DIR", str(unexpected))
    yield
    logged = sorted(unexpected.glob("*"))
    assert not logged, f"the notebook logged an unexpected error:\n{logged[0].read_text()}"


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    """A library folder that does not exist yet."""
    return tmp_path / "lib"


@pytest.fixture
def library(library_dir: Path) -> Iterator[Library]:
    """An open, empty library."""
    with Library(library_dir) as opened:
        yield opened


@pytest.fixture
def seeds() -> Path:
    """The real web captures; tests using them skip when the corpus is absent."""
    if not SEEDS.is_dir():
        pytest.skip("shared corpus seeds not present")
    return SEEDS


class Folio:
    """Runs the CLI against one library folder, like a user in a shell."""

    def __init__(self, library_dir: Path) -> None:
        self.library_dir = library_dir
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | bytes | None = None) -> Result:
        from tui.cli import cli

        return self.runner.invoke(
            cli, ["--library", str(self.library_dir), *args], input=input, catch_exceptions=False
        )

    def json(self, *args: str) -> object:
        result = self(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)


@pytest.fixture
def folio(library_dir: Path) -> Folio:
    """The `folio` CLI bound to a temporary library."""
    return Folio(library_dir)


def folio_process(
    library_dir: Path, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run `folio ARGS` in its own process, through the console entry point (so an internal
    error would show as one), with its output captured. For what must not share the test's
    process: a FIFO that could block it, damaged files whose handles Whoosh leaks."""
    command = [sys.executable, "-c", "from tui.cli import main; main()"]
    return subprocess.run(
        [*command, "--library", str(library_dir), *args],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1], timeout=timeout,
    )  # fmt: skip


def write(path: Path, text: str | bytes) -> Path:
    """Write a fixture file, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


BENCH_CORPUS = SEEDS.parents[1] / "corpus" / "bench" / "prose-12k.jsonl.gz"
needs_bench_corpus = pytest.mark.skipif(
    not BENCH_CORPUS.is_file(), reason="shared bench corpus not present"
)


def run_bench(script: str, tmp_path: Path, *args: str) -> tuple[dict, str]:
    """Run `bench/<script>` on a tiny library in `tmp_path`; its JSON report and stdout."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, str(root / "bench" / script), *args,
         "--workdir", str(tmp_path / "work"), "--json", str(out)],
        capture_output=True, text=True, cwd=root, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(out.read_text()), result.stdout
