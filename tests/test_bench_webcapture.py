"""The web-capture benchmark keeps working (a few pages; the real run is bench/README.md's)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "webcapture"


@pytest.mark.skipif(not (CORPUS / "score.py").is_file(), reason="webcapture corpus not present")
def test_the_benchmark_scores_a_few_pages(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_webcapture.py"), "--limit", "6",
         "--json", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(out.read_text())
    assert report["raw"]["overall"]["f1"] > 0.6
    cleaned = [page for page in report["txt"]["pages"].values() if page["f1"] > 0]
    assert len(cleaned) == 6
    assert "Folio .txt import" in result.stdout


def test_without_the_corpus_it_says_so_and_exits_0(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_webcapture.py"), "--corpus", str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0 and "not found" in result.stdout
