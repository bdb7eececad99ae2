#!/usr/bin/env python
"""What a phrase index would cost (issue 16): the index built over the same texts with and
without a field of word pairs (each word with the word after it, as the body's analyzer
gives them), in one process, twice each, alternating.

Run from the repository root:

    .venv/bin/python bench/probe_phrase_pairs.py [--articles 5000]

It answers "what would the 2-word phrase index add to an import", which bench/README.md
("Search speed at 100,000 articles") weighs against the phrase goal.

    .venv/bin/python bench/probe_phrase_pairs.py --common [--articles 3000]

counts instead what pairs of common words only ("common grams") would add: for the N words
in most of these texts, the postings of the pairs of two of them (each pair once per text)
against the postings of the words, and how many of the words in more than 5 % of the texts
a phrase could then find through a pair. (No index is built: postings are what the index's
size and build time follow.)
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CORPUS = REPO.parent / "shared" / "corpus" / "bench" / "prose-12k.jsonl.gz"


def _texts(count: int) -> list[dict[str, str]]:
    records = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        for line in lines:
            records.append(json.loads(line))
            if len(records) == count:
                break
    return records


def _pairs(analyzer: Any, text: str) -> str:
    """The text's adjacent index words as `first>second` terms, space-separated."""
    by_position: dict[int, list[str]] = {}
    for token in analyzer(text, positions=True):
        by_position.setdefault(token.pos, []).append(token.text)
    found = set()
    for pos, words in by_position.items():
        for second in by_position.get(pos + 1, ()):
            found.update(f"{first}>{second}" for first in words)
    return " ".join(found)


def _build(records: list[dict[str, str]], pairs: bool, folder: Path) -> tuple[float, int]:
    """Seconds to build the index (one process) and its size in bytes."""
    from whoosh import index
    from whoosh.fields import KEYWORD

    from library.index_schema import build_analyzer, build_schema

    schema = build_schema()
    if pairs:
        schema.add("pairs", KEYWORD())
    analyzer = build_analyzer()
    folder.mkdir()
    started = time.perf_counter()
    ix = index.create_in(str(folder), schema)
    writer = ix.writer(limitmb=256)
    for n, record in enumerate(records):
        doc = {
            "id": f"a{n}",
            "title": record["title"],
            "authors": record["author"],
            "site": record["source"],
            "body": record["body"],
        }
        if pairs:
            doc["pairs"] = _pairs(analyzer, record["body"])
        writer.add_document(**doc)
    writer.commit()
    seconds = time.perf_counter() - started
    size = sum(f.stat().st_size for f in folder.iterdir())
    return seconds, size


def _common_grams(records: list[dict[str, str]], sizes: tuple[int, ...]) -> None:
    """Print, for each size N of the common-word list, the pair postings it adds."""
    from collections import Counter

    from library.index_schema import build_analyzer

    analyzer = build_analyzer()
    texts: list[dict[int, list[str]]] = []  # each text's words by position
    frequency: Counter[str] = Counter()
    tokens = 0
    for record in records:
        by_position: dict[int, list[str]] = {}
        for token in analyzer(record["body"], positions=True):
            by_position.setdefault(token.pos, []).append(token.text)
            tokens += 1
        texts.append(by_position)
        frequency.update({word for words in by_position.values() for word in words})
    postings = sum(frequency.values())
    frequent = {word for word, count in frequency.items() if count > 0.05 * len(records)}
    print(
        f"{len(records)} texts, {tokens:,} words, {postings:,} word postings; "
        f"{len(frequent):,} words in more than 5 % of the texts"
    )
    ranked = [word for word, _ in frequency.most_common()]
    for size in sizes:
        common = set(ranked[:size])
        pairs = 0
        for by_position in texts:
            found = set()
            for pos, words in by_position.items():
                for second in by_position.get(pos + 1, ()):
                    if second in common:
                        found.update((first, second) for first in words if first in common)
            pairs += len(found)
        covered = len(frequent & common)
        print(
            f"  the {size:>5} most common words: +{pairs:,} pair postings "
            f"(+{100 * pairs / postings:.1f} %), covering {covered:,} of the {len(frequent):,} "
            f"({100 * covered / max(1, len(frequent)):.0f} %)"
        )


def main() -> None:
    """Build both indexes twice, alternating, and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument(
        "--common", action="store_true", help="count what common-word pairs alone would add"
    )
    args = parser.parse_args()
    records = _texts(args.articles)
    if args.common:
        _common_grams(records, (200, 400, 800, 1500, 3000))
        return
    work = Path(tempfile.mkdtemp(prefix="folio-pairs-"))
    runs: dict[bool, list[tuple[float, int]]] = {False: [], True: []}
    try:
        for round_ in range(2):
            for pairs in (False, True):
                runs[pairs].append(_build(records, pairs, work / f"{round_}-{pairs}"))
                print(f"round {round_} pairs={pairs}: {runs[pairs][-1][0]:.1f} s", flush=True)
    finally:
        shutil.rmtree(work)
    plain = min(s for s, _ in runs[False])
    with_pairs = min(s for s, _ in runs[True])
    size, pair_size = runs[False][0][1], runs[True][0][1]
    print(
        f"{len(records)} texts: index build {plain:.1f} s without pairs, {with_pairs:.1f} s with "
        f"(+{100 * (with_pairs / plain - 1):.0f} %); size {size / 2**20:.0f} MB → "
        f"{pair_size / 2**20:.0f} MB (+{100 * (pair_size / size - 1):.0f} %)"
    )


if __name__ == "__main__":
    main()
