#!/usr/bin/env python
"""Anchoring benchmark: re-anchor many notes on a large edited article, and search typed quotes.

Run from the repository root:

    .venv/bin/python bench/bench_anchoring.py [--chars N] [--annotations N] [--runs N]

It builds a deterministic prose-like article (~1 MB by default), puts annotations at random
places (quotes of 20-200 characters), edits the article (paragraphs inserted, words changed
inside some quotes, annotated paragraphs deleted), then times `reanchor_all` (median of
--runs), `find_quote` and `closest_passages`, and prints a markdown table.
"""

from __future__ import annotations

import argparse
import bisect
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from notes import anchoring, normalised_text  # noqa: E402
from notes.anchoring import Selector, closest_passages, find_quote, reanchor_all  # noqa: E402

SEED = 42
INSERTED_PARAGRAPHS = 5
CHANGED_QUOTES = 20
DELETED_PARAGRAPHS = 2


def make_vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    """Pseudo-words built from syllables, most frequent first."""
    syllables = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ou", "ea")]
    words = {"the", "of", "and", "to", "in", "a", "is", "that", "for", "was", "on", "with"}
    ordered = sorted(words)
    while len(ordered) < size:
        word = "".join(rng.choice(syllables) for _ in range(rng.choice((1, 2, 2, 3, 3, 4))))
        if word not in words:
            words.add(word)
            ordered.append(word)
    return ordered


def make_article(chars: int, seed: int = SEED) -> str:
    """Deterministic prose: sentences of Zipf-distributed words, some typography, paragraphs
    separated by blank lines."""
    rng = random.Random(seed)
    vocabulary = make_vocabulary(rng)
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    paragraphs: list[str] = []
    size = 0
    while size < chars:
        sentences = []
        for _ in range(rng.randint(3, 8)):
            words = rng.choices(vocabulary, weights, k=rng.randint(8, 25))
            if rng.random() < 0.15:  # a quoted phrase with curly quotes
                i = rng.randrange(len(words) - 2)
                words[i], words[i + 2] = "\u201c" + words[i], words[i + 2] + "\u201d"
            if rng.random() < 0.1:
                words.insert(rng.randrange(1, len(words)), "\u2014")
            sentence = " ".join(words)
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def word_starts(text: str) -> list[int]:
    """Indexes where a word begins."""
    return [i for i in range(len(text)) if text[i] != " " and (i == 0 or text[i - 1] in " \n")]


def make_selectors(text: str, count: int, rng: random.Random) -> list[Selector]:
    """Annotations at random word starts, 20-200 characters, ending at a word end."""
    starts = word_starts(text)
    selectors = []
    for _ in range(count):
        start = rng.choice(starts)
        end = min(len(text), start + rng.randint(20, 200))
        while end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
            end += 1
        selectors.append(anchoring.selector_at(text, start, end))
    return selectors


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] with new (in the original article's offsets)."""

    start: int
    end: int
    new: str


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of every paragraph, end including its trailing blank line."""
    bounds = []
    start = 0
    while start < len(text):
        end = text.find("\n\n", start)
        end = len(text) if end == -1 else end + 2
        bounds.append((start, end))
        start = end
    return bounds


def make_edits(text: str, selectors: Sequence[Selector], rng: random.Random) -> list[Edit]:
    """Inserted paragraphs, one word changed inside some quotes, annotated paragraphs deleted;
    no two edits touch the same paragraph."""
    paragraphs = paragraph_bounds(text)
    used: set[int] = set()
    starts = [start for start, _ in paragraphs]

    def paragraph_of(offset: int) -> int:
        return bisect.bisect_right(starts, offset) - 1

    edits = []
    annotated = list(selectors)
    rng.shuffle(annotated)
    for selector in annotated:
        if len([e for e in edits if not e.new]) == DELETED_PARAGRAPHS:
            break
        number = paragraph_of(selector.start)
        if number in used or paragraph_of(selector.end - 1) != number:
            continue
        used.update({number - 1, number, number + 1})
        edits.append(Edit(*paragraphs[number], ""))
    changed = 0
    for selector in annotated:
        if changed == CHANGED_QUOTES:
            break
        number = paragraph_of(selector.start)
        if number in used or paragraph_of(selector.end - 1) != number or len(selector.exact) < 40:
            continue
        middle = selector.start + len(selector.exact) // 2
        word_start = text.rfind(" ", selector.start, middle) + 1
        word_end = text.find(" ", middle, selector.end)
        word = text[word_start:word_end] if word_end != -1 else ""
        if word_start <= selector.start or len(word) < 3 or not word.isalpha():
            continue
        used.add(number)
        edits.append(Edit(word_start, word_end, word[1] + word[0] + word[2:] + "s"))
        changed += 1
    free = [number for number in range(1, len(paragraphs)) if number not in used]
    for number in rng.sample(free, min(INSERTED_PARAGRAPHS, len(free))):
        at = paragraphs[number][0]
        edits.append(Edit(at, at, "An inserted paragraph about nothing in particular.\n\n"))
    return sorted(edits, key=lambda edit: edit.start)


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """The article after all edits."""
    parts, position = [], 0
    for edit in edits:
        parts += [text[position : edit.start], edit.new]
        position = edit.end
    parts.append(text[position:])
    return "".join(parts)


def shifted(offset: int, edits: Sequence[Edit]) -> int:
    """Where an original offset outside every edit lands in the edited text."""
    return offset + sum(len(e.new) - (e.end - e.start) for e in edits if e.end <= offset)


def median_seconds(action: Callable[[], object], runs: int) -> tuple[float, object]:
    """The median wall time of runs calls, cold (no cached normalised view), and the result."""
    times, result = [], None
    for _ in range(runs):
        normalised_text.cached_view.cache_clear()
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def expected_state(selector: Selector, edits: Sequence[Edit]) -> set[str]:
    """The states a note may rightly end in after the edits."""
    for edit in edits:
        if edit.start < selector.end and selector.start < edit.end:
            if edit.new:
                return {"fuzzy"}  # a word changed inside the quote
            if edit.start <= selector.start and selector.end <= edit.end:
                return {"orphan"}  # its paragraph was deleted
            return {"fuzzy", "orphan"}  # part of it was deleted
    return {"anchored", "moved"}


def misplaced(
    edited: str, selectors: Sequence[Selector], anchors: Sequence[anchoring.Anchor], edits: list
) -> int:
    """Anchors that are not on their passage's new place (an orphan is never misplaced)."""
    wrong = 0
    for selector, anchor in zip(selectors, anchors, strict=True):
        if anchor.state == "orphan":
            continue
        expected = shifted(selector.start, edits)
        if not (anchor.start < shifted(selector.end, edits) and expected < anchor.end):
            wrong += 1
    return wrong


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=1_000_000, help="article size (1000000)")
    parser.add_argument("--annotations", type=int, default=1000, help="annotations (1000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measure (5)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    text = make_article(args.chars, args.seed)
    selectors = make_selectors(text, args.annotations, rng)
    edits = make_edits(text, selectors, rng)
    edited = apply_edits(text, edits)

    seconds, anchors = median_seconds(lambda: reanchor_all(edited, selectors), args.runs)
    states = Counter(anchor.state for anchor in anchors)
    unchanged_seconds, _ = median_seconds(lambda: reanchor_all(text, selectors), args.runs)

    typed = selectors[0].exact.replace("\u201c", '"').replace("\u201d", '"').lower()
    find_cold, spans = median_seconds(lambda: find_quote(edited, typed), args.runs)
    find_quote(edited, typed)
    started = time.perf_counter()
    find_quote(edited, typed)
    find_warm = time.perf_counter() - started
    words = typed.split()
    misremembered = " ".join([*words[:2], "zzz", *words[3:]]) if len(words) > 3 else typed + " x"
    closest_cold, suggestions = median_seconds(
        lambda: closest_passages(edited, misremembered), args.runs
    )

    print(
        f"\nAnchoring benchmark: {len(edited):,}-character article, {len(selectors):,} notes; "
        f"edits: {INSERTED_PARAGRAPHS} paragraphs inserted, one word changed in "
        f"{sum(1 for e in edits if e.new and e.start != e.end)} quotes, "
        f"{sum(1 for e in edits if not e.new)} annotated paragraphs deleted; "
        f"median of {args.runs} runs (cold: normalised view rebuilt each run)\n"
    )
    print("| measure | result |")
    print("|---|---|")
    print(f"| reanchor_all, edited article | {seconds * 1000:.0f} ms |")
    print(f"| reanchor_all, unchanged article | {unchanged_seconds * 1000:.0f} ms |")
    print(
        "| states (anchored / moved / fuzzy / orphan) | "
        f"{states['anchored']} / {states['moved']} / {states['fuzzy']} / {states['orphan']} |"
    )
    expected = [expected_state(selector, edits) for selector in selectors]
    wanted = Counter("/".join(sorted(states)) for states in expected)
    print(
        "| expected (anchored or moved / fuzzy / orphan / part deleted: fuzzy or orphan) | "
        f"{wanted['anchored/moved']} / {wanted['fuzzy']} / {wanted['orphan']} / "
        f"{wanted['fuzzy/orphan']} |"
    )
    unexpected = sum(
        anchor.state not in states for anchor, states in zip(anchors, expected, strict=True)
    )
    print(f"| notes in an unexpected state | {unexpected} |")
    print(f"| notes on the wrong passage | {misplaced(edited, selectors, anchors, edits)} |")
    print(
        f"| find_quote, typed quote (cold / warm) | {find_cold * 1000:.1f} ms / "
        f"{find_warm * 1000:.2f} ms, {len(spans)} hit(s) |"
    )
    best = f"best similarity {suggestions[0][2]:.2f}" if suggestions else "no suggestion"
    print(f"| closest_passages, one word wrong (cold) | {closest_cold * 1000:.1f} ms, {best} |")
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
