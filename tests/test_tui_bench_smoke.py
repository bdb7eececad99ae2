"""The TUI benchmark keeps working (a tiny run; the real one is at 100,000 articles)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "bench" / "prose-12k.jsonl.gz"


@pytest.mark.skipif(not CORPUS.is_file(), reason="shared bench corpus not present")
def test_tui_benchmark_runs_on_a_small_library(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "bench_tui.py"),
            "--articles",
            "40",
            "--rounds",
            "6",
            "--workdir",
            str(tmp_path / "work"),
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(out.read_text())
    assert report["rows"] == 41
    assert report["big_article_chars"] >= 90_000
    assert report["keystroke_after_debounce"]["n"] == 6
    assert "| first paint of the library |" in result.stdout
