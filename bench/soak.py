"""Soak: kill `folio add`, `folio reindex` and `folio export --merge` many times at random
points and count what went wrong. Run by hand; figures go in bench/README.md.

    uv run python bench/soak.py --kills 60            # 60 kills per command (~10 minutes)
    uv run python bench/soak.py --kills 10 --big      # reindex through two processes

The scenarios and their checks are tests/killing.py's, the same the CI test runs a handful
of times: after each kill `folio check --repair` must leave the library clean, a re-run of
the add must bring every file in exactly once, the index must hold every article, and the
paper's .bib and its backup must be the old or the new version, whole.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.killing import (
    Outcome,
    add_scenario,
    merge_scenario,
    reindex_scenario,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=60, help="kills per command")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--big", action="store_true", help="1,100 articles, so reindex uses two processes"
    )
    parser.add_argument("--json", type=Path, help="write every outcome here")
    args = parser.parse_args()
    size = 1100 if args.big else 40
    scenarios = {
        "add": partial(add_scenario, size=min(size, 200)),
        "reindex": partial(reindex_scenario, size=size),
        "export --merge": partial(merge_scenario, size=min(size, 200)),
    }
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="folio-soak-"))
    report: dict[str, list[Outcome]] = {}
    started = time.monotonic()
    try:
        for name, scenario in scenarios.items():
            first = scenario(work / name / "run-0", rng, 600.0)
            outcomes = report.setdefault(name, [])
            for number in range(1, args.kills + 1):
                where = work / name / (f"run-{number}" if name == "add" else "run-0")
                outcomes.append(scenario(where, rng, first.seconds))
                if name == "add":
                    shutil.rmtree(where, ignore_errors=True)
                print(f"{name}: {number}/{args.kills}", file=sys.stderr, end="\r")
            print(file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _print(report, time.monotonic() - started)
    if args.json:
        args.json.write_text(
            json.dumps({name: [o.__dict__ for o in runs] for name, runs in report.items()})
        )
    if any(o.problems or not o.clean_after_repair for runs in report.values() for o in runs):
        sys.exit(1)


def _print(report: dict[str, list[Outcome]], seconds: float) -> None:
    print(f"{'command':<16}{'runs':>6}{'killed':>8}{'clean after repair':>20}"
          f"{'lost':>6}{'doubled':>9}{'torn':>6}")  # fmt: skip
    for name, runs in report.items():
        print(
            f"{name:<16}{len(runs):>6}{sum(o.killed for o in runs):>8}"
            f"{sum(o.clean_after_repair for o in runs):>20}{sum(o.lost for o in runs):>6}"
            f"{sum(o.doubled for o in runs):>9}{sum(o.torn for o in runs):>6}"
        )
    for runs in report.values():
        for outcome in runs:
            for problem in outcome.problems:
                print(f"  {outcome.scenario}: {problem}")
    print(f"({seconds:.0f} s)")


if __name__ == "__main__":
    main()
