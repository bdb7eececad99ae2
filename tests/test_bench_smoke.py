"""The benchmark script keeps working (a tiny run; the real one is bench/README.md's)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "bench" / "prose-12k.jsonl.gz"


@pytest.mark.skipif(not CORPUS.is_file(), reason="shared bench corpus not present")
def test_benchmark_runs_end_to_end_on_a_small_library(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "bench_library.py"),
            "--articles",
            "120",
            "--queries",
            "21",
            "--skip-fresh",
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
    assert report["import"]["per_s"] > 0
    assert report["search"]["classes"]["overall"]["n"] == 21
