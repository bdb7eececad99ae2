"""The README's examples work: every query in its search table parses and runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import Folio, write
from tests.fixtures import BEES, RIVER

README = Path(__file__).resolve().parents[1] / "README.md"


def _search_table_queries() -> list[str]:
    text = README.read_text(encoding="utf-8")
    table = text.split("| query | finds |", 1)[1].split("\n\n", 1)[0]
    queries = []
    for row in table.splitlines()[2:]:
        first_cell = row.split(" | ")[0]
        queries += re.findall(r"`([^`]+)`", first_cell)
    return queries


def test_readme_has_search_examples() -> None:
    assert len(_search_table_queries()) >= 10


@pytest.mark.parametrize("query", _search_table_queries())
def test_readme_search_example_runs(folio: Folio, tmp_path: Path, query: str) -> None:
    folio("add", str(write(tmp_path / "bees.txt", BEES)), str(write(tmp_path / "r.txt", RIVER)))
    result = folio("search", query, "--json")
    assert result.exit_code == 0, result.stderr


def test_readme_set_up_commands_are_the_ones_ci_runs() -> None:
    text = README.read_text(encoding="utf-8")
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "uv run folio" in text and "uv run pytest" in text
    assert "uv run --locked pytest" in ci
