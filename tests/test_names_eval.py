"""Spelling variants of names, measured on the evaluation set (tests/names_eval.py): the
goal is precision and recall of at least 0.95, and every rule must earn its place."""

from __future__ import annotations

from pathlib import Path

import pytest

from library.variants import COST_FEATURES, GUARDS, RULES
from tests.names_eval import build_library, evaluate, evaluate_rules

GOAL = 0.95


@pytest.fixture(scope="module")
def eval_library(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    library, labels = build_library(Path(tmp_path_factory.mktemp("names")) / "lib")
    yield library, labels
    library.close()  # type: ignore[attr-defined]


def test_search_finds_the_variants_of_a_name_and_not_the_decoys(eval_library) -> None:  # type: ignore[no-untyped-def]
    scores = evaluate(*eval_library)
    assert scores.precision >= GOAL, scores.wrong_pairs
    assert scores.recall >= GOAL, scores.missed_pairs
    # The one known miss: Cyrillic "Хезболла" drops the final h (a rule for it would make
    # the city Sulaymaniyah a spelling of Soleimani).
    assert set(scores.missed_pairs) <= {("hezbollah", "H4"), ("hizballah", "H4")}


def test_exact_search_finds_only_the_spelling_typed(eval_library) -> None:  # type: ignore[no-untyped-def]
    scores = evaluate(*eval_library, exact=True)
    assert scores.recall < 0.4  # the set is about variants: as typed, most are missed


def test_the_rules_alone_give_the_same_figures() -> None:
    scores = evaluate_rules()
    assert scores.precision >= GOAL and scores.recall >= GOAL


@pytest.mark.parametrize("rule", [name for name, _, _ in RULES] + list(COST_FEATURES))
def test_every_rule_finds_variants_that_would_be_missed_without_it(rule: str) -> None:
    assert evaluate_rules(frozenset({rule})).recall < evaluate_rules().recall


@pytest.mark.parametrize("guard", GUARDS)
def test_every_guard_keeps_a_decoy_out(guard: str) -> None:
    assert evaluate_rules(frozenset({guard})).precision < evaluate_rules().precision
