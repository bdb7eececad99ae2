"""The benchmark script keeps working (a tiny run; the real one is bench/README.md's)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import needs_bench_corpus, run_bench


@needs_bench_corpus
def test_benchmark_runs_end_to_end_on_a_small_library(tmp_path: Path) -> None:
    report, _ = run_bench(
        "bench_library.py", tmp_path, "--articles", "120", "--queries", "21", "--skip-fresh"
    )
    assert report["import"]["per_s"] > 0
    assert report["search"]["classes"]["overall"]["n"] == 21


def test_bib_import_benchmark_runs_and_its_round_trip_is_idempotent(tmp_path: Path) -> None:
    report, _ = run_bench("bench_bibimport.py", tmp_path, "--entries", "60")
    assert report["entries_in_file"] == 60 and report["import_summary"] == "60 added"
    assert report["merge_again_unchanged"] is True


@needs_bench_corpus
def test_passage_benchmark_runs_and_finds_what_it_injected(tmp_path: Path) -> None:
    report, out = run_bench("bench_passages.py", tmp_path, "--articles", "400", "--cli-runs", "1")
    assert report["import"]["statuses"] == {"added": 400}
    quality = report["quality"]
    assert quality["injected_passages"] > 0 and quality["recall"] > 0.5
    assert report["related"]["fresh_process"]["n"] == 1
    assert "recall" in out
