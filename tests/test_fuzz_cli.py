"""Fuzzing queries and quotes through the CLI: only documented outcomes escape (exit status
0, 1 or 2, one line on stderr starting with `folio:`, never a traceback or an internal
error), whatever a person or a script types."""

from __future__ import annotations

import json
import random
import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import write
from tests.fixtures import BEES, INTERVIEW, INTERVIEW_KEY, RIVER
from tui.cli import cli

# Pieces of query syntax (and of hostile input) that people and scripts combine.
TOKENS = [
    "honey", "floodgates", "river", "pilots", "tides", "sandbank", "taliban",
    "title:", "author:", "site:", "date:", "tag:", "note:", "type:", "colour:",
    "AND", "OR", "NOT", "ANDNOT", "TO", "to",
    '"', "'", "(", ")", "[", "]", "{", "}", "*", "?", "~", "~2", "^2", ":", "-", "+", ",",
    "2021", "[2021 TO 2023]", "<2022", ">=2020", "\\", "/", "\x1b[2J", "\u00ad", "\u200b",
    "’", "—", "…", "\t", "\n",
]  # fmt: skip
queries = st.one_of(
    st.lists(st.sampled_from(TOKENS), min_size=1, max_size=8).map(" ".join),
    st.lists(st.sampled_from(TOKENS), min_size=1, max_size=8).map("".join),
    st.text(min_size=1, max_size=40),
)
quotes = st.one_of(
    st.text(min_size=0, max_size=30),
    st.sampled_from(
        ["the tides", "a gamble with the tides", "“We are proud", "river foxes", "sandbank"]
    ).flatmap(lambda base: st.sampled_from([base, base.upper(), base + " ", "\u00ad" + base])),
)


@pytest.fixture(scope="module")
def library_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One library for every example (examples only read it, or add notes)."""
    root = tmp_path_factory.mktemp("fuzz")
    library_dir = root / "lib"
    runner = CliRunner()
    for name, text in (("bees.txt", BEES), ("river.txt", RIVER), ("pilots.txt", INTERVIEW)):
        path = write(root / "src" / name, text)
        result = runner.invoke(cli, ["--library", str(library_dir), "add", str(path)])
        assert result.exit_code == 0, result.output
    listed = runner.invoke(cli, ["--library", str(library_dir), "list", "--json"])
    assert INTERVIEW_KEY in {article["citekey"] for article in json.loads(listed.stdout)}
    return library_dir


def _run(library_dir: Path, *args: str):
    # Hypothesis seeds the global random module alike for every example, and Whoosh names
    # new segments with it: the same "random" name twice overwrites a live segment's files.
    # A real process is seeded from the OS, so the test does the same.
    random.seed()
    result = CliRunner().invoke(cli, ["--library", str(library_dir), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = "".join(traceback.format_exception(*result.exc_info))
        raise AssertionError(f"{args} escaped as an exception:\n{trace}")
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.stderr)
    assert "Traceback" not in result.output and "internal error" not in result.stderr
    return result


FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@FUZZ
@given(query=queries)
def test_any_query_ends_in_a_documented_way(library_dir: Path, query: str) -> None:
    # --json before the query: after a query of `--`, "--json" would be a word to search for.
    for args in (["search", query], ["search", "--json", query], ["search", "--notes", query]):
        result = _run(library_dir, *args)
        lines = result.stderr.splitlines()
        assert len(lines) <= 1, (query, result.stderr)
        if result.exit_code:
            assert lines and lines[0].startswith("folio: "), (query, result.stderr)
        if "--json" in args and result.exit_code == 0:
            json.loads(result.stdout)


@FUZZ
@given(quote=quotes)
def test_any_quote_ends_in_a_documented_way(library_dir: Path, quote: str) -> None:
    result = _run(library_dir, "note", INTERVIEW_KEY, "--quote", quote, "-m", "fuzzed")
    lines = result.stderr.splitlines()
    if result.exit_code == 0:
        assert lines == []
        return
    assert lines[0].startswith("folio: "), (quote, result.stderr)
    # Under the error line, only its explanation: the closest passages or the occurrences.
    assert all(line == "Closest passages:" or line.startswith("  ") for line in lines[1:])
