"""The TUI benchmark keeps working (a tiny run; the real one is at 100,000 articles)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import needs_bench_corpus, run_bench


@needs_bench_corpus
def test_tui_benchmark_runs_on_a_small_library(tmp_path: Path) -> None:
    report, stdout = run_bench("bench_tui.py", tmp_path, "--articles", "40", "--rounds", "6")
    assert report["rows"] == 41
    assert report["big_article_chars"] >= 90_000
    assert report["keystroke_after_debounce"]["n"] == 6
    assert "| first paint of the library |" in stdout
