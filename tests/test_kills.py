"""Kill `folio add`, `folio reindex` and `folio export --merge` at random points: each time
the library repairs clean, nothing committed is lost or doubled, and the paper's .bib and
its backup are whole. A handful of kills here; bench/soak.py runs many more by hand.
(FOLIO_KILL_SEED picks other points.)"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from tests.killing import SCENARIOS

KILLS = 3


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_a_killed_command_leaves_a_library_that_repairs_clean(tmp_path: Path, name: str) -> None:
    scenario = SCENARIOS[name]
    rng = random.Random(int(os.environ.get("FOLIO_KILL_SEED", "12")))
    # A first run left alone: how long the command takes, and that it is clean itself.
    first = scenario(tmp_path / "run-0", rng, 600.0)
    assert not first.killed and not first.problems, first
    span = first.seconds
    outcomes = []
    for number in range(1, KILLS + 1):
        work = tmp_path / (f"run-{number}" if name == "add" else "run-0")
        outcomes.append(scenario(work, rng, span))
    for outcome in outcomes:
        assert outcome.clean_after_repair, outcome
        assert (outcome.lost, outcome.doubled, outcome.torn) == (0, 0, 0), outcome
        assert not outcome.problems, outcome
