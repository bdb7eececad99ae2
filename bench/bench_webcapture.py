#!/usr/bin/env python
"""Web-capture cleaning benchmark: Folio's .txt (and optionally .html) import on webcapture.

Run from the repository root:

    .venv/bin/python bench/bench_webcapture.py [--html] [--worst N] [--json OUT]

For every page of `../shared/corpus/webcapture/pages/` it runs the real import path for a
`.txt` file (`library.importers.extract`: decode, normalise, find the article), writes the
clean text as `NNN.txt` into a scratch folder and scores that folder with the corpus's own
`score.py` (4-word-shingle precision, recall and F1, macro-averaged over pages). The raw
captures are scored too, as the baseline. With `--html`, the original pages in
`webcapture/html/` go through Folio's HTML importer and are scored against the same truth.
Timings are wall-clock per page (median and slowest) and for the whole set.

The corpus pages are research data and stay outside the repository; when the corpus is
absent the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from library.errors import FolioError  # noqa: E402
from library.importers import extract  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "webcapture"


def load_scorer(corpus: Path) -> ModuleType:
    """The corpus's score.py as a module."""
    spec = importlib.util.spec_from_file_location("webcapture_score", corpus / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def clean_pages(
    sources: list[Path], fmt: str, out_dir: Path, limit: int | None
) -> tuple[list[float], list[str]]:
    """Import each source as `fmt`, write its text as NNN.txt; per-page seconds and failures."""
    seconds: list[float] = []
    failures: list[str] = []
    for path in sources[:limit]:
        data = path.read_bytes()
        started = time.perf_counter()
        try:
            text = extract(data, fmt, path.name).text
        except FolioError as err:
            failures.append(f"{path.name}: {err}")
            text = ""
        seconds.append(time.perf_counter() - started)
        (out_dir / f"{path.stem}.txt").write_text(text, encoding="utf-8")
    return seconds, failures


def score(scorer: ModuleType, corpus: Path, out_dir: Path | None) -> dict:
    """Overall and per-dataset scores of a folder of outputs (None: the raw captures)."""
    index = scorer.load_index(str(corpus))
    rows: dict[str, tuple[int, int, int]] = {}
    for pid in sorted(index):
        true = scorer.read(str(corpus / "truth" / f"{pid}.txt"))
        source = (corpus / "pages" if out_dir is None else out_dir) / f"{pid}.txt"
        pred = scorer.read(str(source)) if source.exists() else ""
        rows[pid] = scorer.tp_fp_fn(true, pred)
    by_dataset: dict[str, list[tuple[int, int, int]]] = {}
    for pid, row in rows.items():
        by_dataset.setdefault(index[pid].get("dataset", "?"), []).append(row)
    pages = {}
    for pid, (tp, fp, fn) in rows.items():
        p, r = scorer.page_precision(tp, fp, fn), scorer.page_recall(tp, fp, fn)
        pages[pid] = {
            "precision": p,
            "recall": r,
            "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "dataset": index[pid].get("dataset"),
            "language": index[pid].get("language"),
        }
    return {
        "overall": scorer.aggregate(list(rows.values())),
        "by_dataset": {name: scorer.aggregate(group) for name, group in sorted(by_dataset.items())},
        "pages": pages,
    }


def timing(seconds: list[float]) -> dict[str, float]:
    """Total, median and slowest page, in milliseconds."""
    return {
        "total_ms": sum(seconds) * 1000,
        "median_ms": statistics.median(seconds) * 1000 if seconds else 0.0,
        "max_ms": max(seconds, default=0.0) * 1000,
    }


def print_scores(label: str, result: dict) -> None:
    """One line overall, one per dataset."""
    overall = result["overall"]
    print(f"\n{label}: precision {overall['precision']:.4f}  recall {overall['recall']:.4f}"
          f"  F1 {overall['f1']:.4f}  ({overall['pages']} pages)")  # fmt: skip
    for name, agg in result["by_dataset"].items():
        print(f"  {name:<16} {agg['pages']:>4}  P {agg['precision']:.3f}  R {agg['recall']:.3f}"
              f"  F1 {agg['f1']:.3f}")  # fmt: skip


def print_worst(result: dict, count: int) -> None:
    """The `count` pages with the lowest F1."""
    worst = sorted(result["pages"].items(), key=lambda item: item[1]["f1"])[:count]
    print(f"\nworst {len(worst)} pages:")
    for pid, page in worst:
        print(f"  {pid} {page['dataset']:<16} {page['language']:<3} P {page['precision']:.3f}"
              f"  R {page['recall']:.3f}  F1 {page['f1']:.3f}")  # fmt: skip


def run_format(
    name: str, sources: list[Path], fmt: str, args: argparse.Namespace, work: Path
) -> tuple[dict, Callable[[], None]]:
    """Clean and score one format; the report and a printer for it."""
    out_dir = work / name
    out_dir.mkdir()
    started = time.perf_counter()
    seconds, failures = clean_pages(sources, fmt, out_dir, args.limit)
    wall = time.perf_counter() - started
    result = score(args.scorer, args.corpus, out_dir)
    result["timing"] = {**timing(seconds), "wall_s": wall}
    result["failures"] = failures

    def show() -> None:
        print_scores(f"Folio .{fmt} import", result)
        t = result["timing"]
        print(f"  time: {t['wall_s']:.2f} s for {len(seconds)} pages; per page median "
              f"{t['median_ms']:.1f} ms, slowest {t['max_ms']:.1f} ms")  # fmt: skip
        for failure in failures:
            print(f"  failed: {failure}")
        if args.worst:
            print_worst(result, args.worst)

    return result, show


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the webcapture folder")
    parser.add_argument("--html", action="store_true", help="also measure the HTML importer")
    parser.add_argument("--worst", type=int, default=0, metavar="N", help="list the N worst pages")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages (smoke)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write every figure as JSON")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="write the outputs here")
    args = parser.parse_args(argv)
    if not (args.corpus / "score.py").is_file():
        print(f"webcapture corpus not found at {args.corpus}; nothing to measure")
        return 0
    args.scorer = load_scorer(args.corpus)
    report: dict = {"corpus": str(args.corpus)}
    report["raw"] = score(args.scorer, args.corpus, None)
    print_scores("raw captures (baseline)", report["raw"])
    with tempfile.TemporaryDirectory(prefix="folio-webcapture-") as scratch:
        work = args.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        pages = sorted((args.corpus / "pages").glob("*.txt"))
        report["txt"], show = run_format("txt", pages, "txt", args, work)
        show()
        if args.html:
            html = sorted((args.corpus / "html").glob("*.html"))
            report["html"], show = run_format("html", html, "html", args, work)
            show()
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
