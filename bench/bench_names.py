#!/usr/bin/env python
"""Spelling variants of names: precision and recall on the evaluation set
(tests/names_eval.py), through Folio's search, and the ablation of each rule.

Run from the repository root:

    .venv/bin/python bench/bench_names.py [--json OUT]

See bench/README.md for what the numbers mean.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def main() -> int:
    from library.variants import COST_FEATURES, GUARDS, RULES
    from tests.names_eval import QUERIES, TEXTS, build_library, evaluate, evaluate_rules

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", dest="json_out", type=Path, help="also write the numbers here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="folio-names-") as scratch:
        library, labels = build_library(Path(scratch) / "library")
        try:
            search = evaluate(library, labels)
            exact = evaluate(library, labels, exact=True)
        finally:
            library.close()  # type: ignore[attr-defined]
    base = evaluate_rules()
    report: dict[str, object] = {
        "texts": len(TEXTS),
        "decoys": sum(label.startswith("D") for label in TEXTS),
        "queries": len(QUERIES),
        "search": _row(search),
        "exact": _row(exact),
        "rules_alone": _row(base),
        "missed": search.missed_pairs,
        "wrong": search.wrong_pairs,
        "ablation": {},
    }
    print(f"{len(TEXTS)} texts ({report['decoys']} decoys), {len(QUERIES)} queries")
    print(f"{'':34} precision  recall  found  wrong  missed")
    for title, scores in (("search (variants)", search), ("search --exact", exact)):
        print(_line(title, scores))
    print("missed:", ", ".join(f"{q}→{label}" for q, label in search.missed_pairs) or "none")
    print("wrong:", ", ".join(f"{q}→{label}" for q, label in search.wrong_pairs) or "none")
    print("\nAblation (rules alone, one-word queries; each line switches one thing off):")
    print(_line("all rules", base))
    names = [name for name, _, _ in RULES] + list(COST_FEATURES) + list(GUARDS)
    ablation: dict[str, object] = {}
    for name in names:
        scores = evaluate_rules(frozenset({name}))
        ablation[name] = {**_row(scores), "wrong_pairs": scores.wrong_pairs[:6]}
        print(_line(f"without {name}", scores))
    report["ablation"] = ablation
    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return 0


def _row(scores: object) -> dict[str, object]:
    return {
        "precision": round(scores.precision, 3),  # type: ignore[attr-defined]
        "recall": round(scores.recall, 3),  # type: ignore[attr-defined]
        "found": scores.found,  # type: ignore[attr-defined]
        "wrong": scores.wrong,  # type: ignore[attr-defined]
        "missed": scores.missed,  # type: ignore[attr-defined]
    }


def _line(title: str, scores: object) -> str:
    row = _row(scores)
    return (
        f"{title:34} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['found']:>6}"
        f" {row['wrong']:>6} {row['missed']:>7}"
    )


if __name__ == "__main__":
    sys.exit(main())
