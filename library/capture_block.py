"""Where the article is in a web capture: the densest block of prose, then its edges.

A page copied from a browser is a column of lines: menus, teasers, the article, share
buttons, comments, more teasers, a footer. Each line gets a score — its weight in words
when it reads as prose, a penalty when it is a label, a menu item or furniture — and the
article is the run of lines with the highest total (the maximum-sum subarray, found in
one pass). Penalties grow along a run of labels, so a long menu separates blocks while a
caption or a "Read more" between two paragraphs does not.

Two things beat density and are handled apart:

* Comment threads are prose too, and often longer than the article. A thread is
  recognised by its rhythm (signature lines with a date or a "Reply" button every few
  lines, with prose between) and by its heading ("12 Comments", "Leave a Reply"); its
  prose counts for little, and the article ends where the thread begins.
* Teasers under "Related posts" or "More from …" read like short prose; such a heading
  near the end of the block, with only short paragraphs after it, ends the article.

The constants below were set on the whole development set (200 real captures, see
bench/bench_webcapture.py), never for one page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Block", "LineSignal", "find_block"]

# A label costs this much, the next one in a row one more, up to the cap.
_LABEL_PENALTY = 3.0
_LABEL_STEP = 1.0
_LABEL_CAP = 12.0
# Known furniture (share bars, "Subscribe", "Advertisement") sits inside articles as often
# as around them; a long menu of unknown labels is what separates an article from the rest.
_FURNITURE_PENALTY = 1.0
# A sentence too short to be evidence of an article ("Why?", "So it goes.") is still more
# likely the article's than not: it counts this fraction of its words.
_SHORT_SENTENCE_FACTOR = 0.5
# Numbers, symbols and table cells inside an article (charts, code, data) cost little.
_DATA_PENALTY = 0.5
# Comment-thread rhythm: signature lines at most this many lines apart, at least this
# many of them, with prose between; prose inside a thread counts this fraction.
_THREAD_GAP = 12
_THREAD_CUES = 3
_THREAD_PROSE_FACTOR = 0.05
_COMMENT_PARAGRAPHS = 3
# A long comment between two stretches of thread is at most this many lines.
_LONG_COMMENT_LINES = 20
# An article has at least this much prose before its comments start.
_MIN_ARTICLE_WORDS = 40.0
# What may follow a "Related posts"-style heading at the end and still count as teasers.
_TEASER_MAX_PARAGRAPHS = 2
_TEASER_MAX_WORDS = 60
# A teaser list has at least this many title + summary pairs in a row.
_TEASER_RUN = 3
_TEASER_GAP = 3
# Below this much prose the page has no article in prose: list-shaped lines count.
_LIST_PAGE_WORDS = 50.0


@dataclass(frozen=True, slots=True)
class LineSignal:
    """What one non-blank line of a capture looks like, as far as finding the article goes."""

    weight: float  # words (CJK characters count half)
    prose: bool  # reads as a sentence or paragraph
    furniture: bool = False  # a known button, banner or prompt
    data: bool = False  # numbers and symbols rather than words
    content: bool = False  # a list item, heading or code line that is the article's own shape
    cue: bool = False  # a comment's signature line (a short dated line, "Reply", "X said:")
    title_like: bool = False  # a short line shaped like a headline (a teaser's title)
    sentence: bool = False  # ends like a sentence, even if too short or odd to count as prose
    comment_heading: bool = False  # "12 Comments", "Leave a Reply"
    end_heading: bool = False  # "Related posts", "More from …"


@dataclass(frozen=True, slots=True)
class Block:
    """The article's lines: indices `start` to `end` (inclusive) into the signals."""

    start: int
    end: int
    prose_words: float


def find_block(signals: Sequence[LineSignal]) -> Block | None:
    """The run of lines that holds the article, or None when no line reads as prose."""
    scores = _scores(signals)
    best = _best_run(scores, 0, len(scores))
    if best is None:
        return None
    start, end = best
    start, end = _before_comments(signals, scores, start, end)
    end = _before_teasers(signals, start, end)
    prose = sum(max(0.0, scores[k]) for k in range(start, end + 1))
    return Block(start, end, prose)


def _scores(signals: Sequence[LineSignal]) -> list[float]:
    """Each line's score: positive for prose, negative for what surrounds an article.

    Prose inside a comment thread or a teaser list counts for little.
    """
    list_page = sum(signal.weight for signal in signals if signal.prose) < _LIST_PAGE_WORDS
    weights = [_prose_weight(signal, list_page) for signal in signals]
    elsewhere = {*_thread_lines(signals, weights), *_teaser_lines(signals)}
    scores: list[float] = []
    run = 0  # labels in a row
    for k, (signal, weight) in enumerate(zip(signals, weights, strict=True)):
        if weight > 0:
            run = 0
            scores.append(weight * _THREAD_PROSE_FACTOR if k in elsewhere else weight)
        elif signal.data and not signal.furniture:
            scores.append(-_DATA_PENALTY)
        elif signal.furniture:
            scores.append(-_FURNITURE_PENALTY)
        else:
            run += 1
            scores.append(-min(_LABEL_CAP, _LABEL_PENALTY + _LABEL_STEP * (run - 1)))
    return scores


def _prose_weight(signal: LineSignal, list_page: bool) -> float:
    """What a line adds as article text (0 for anything that is not text)."""
    if signal.furniture:
        return 0.0
    if signal.prose:
        return signal.weight
    if signal.sentence:
        return signal.weight * _SHORT_SENTENCE_FACTOR
    if list_page and signal.content:
        return signal.weight / 2
    return 0.0


def _teaser_lines(signals: Sequence[LineSignal]) -> list[int]:
    """The summaries of teaser lists: title, one short paragraph, title, one paragraph…

    An article's subheadings are followed by several paragraphs or long ones; a list of
    other stories alternates a headline and a one-paragraph summary, again and again
    (a date or a section label may follow each summary).
    """
    summaries: list[int] = []
    run: list[int] = []
    k = 0
    while k + 1 < len(signals):
        if _is_teaser(signals, k):
            run.append(k + 1)
            k += 2
            # The next teaser may come after a date or a label line or two.
            k = next(
                (
                    j
                    for j in range(k, min(len(signals) - 1, k + _TEASER_GAP))
                    if _is_teaser(signals, j)
                ),
                k,
            )
            continue
        if len(run) >= _TEASER_RUN:
            summaries.extend(run)
        run = []
        k += 1
    if len(run) >= _TEASER_RUN:
        summaries.extend(run)
    return summaries


def _is_teaser(signals: Sequence[LineSignal], k: int) -> bool:
    """Whether line k is a teaser's title with its one-paragraph summary under it."""
    title, summary = signals[k], signals[k + 1]
    return title.title_like and summary.prose and summary.weight <= _TEASER_MAX_WORDS


def _thread_lines(signals: Sequence[LineSignal], scores: list[float]) -> list[int]:
    """Lines inside comment threads: chains of signature lines with short prose between.

    A comment is a paragraph or three between two signature lines; a stretch with more
    prose than that (an article between two dated lines, a post on a blog's front page)
    breaks the chain — unless threads go on at both ends of it: then it is one long
    comment among the others.
    """
    cues = [k for k, signal in enumerate(signals) if signal.cue]
    threads: list[tuple[int, int]] = []  # (first cue, last cue) of each thread
    first = 0
    while first < len(cues):
        last, talk = first, 0
        while last + 1 < len(cues) and cues[last + 1] - cues[last] <= _THREAD_GAP:
            between = _prose_lines(scores, cues[last], cues[last + 1])
            if between > _COMMENT_PARAGRAPHS:
                break
            talk += between > 0
            last += 1
        if last - first + 1 >= _THREAD_CUES and talk >= _THREAD_CUES - 1:
            if threads and cues[first] - threads[-1][1] <= _LONG_COMMENT_LINES:
                threads[-1] = (threads[-1][0], cues[last])
            else:
                threads.append((cues[first], cues[last]))
        first = last + 1
    return [k for start, last in threads for k in range(start, _end_of_comment(scores, last))]


def _end_of_comment(scores: list[float], cue: int) -> int:
    """Where the comment after a thread's last signature line ends (exclusive)."""
    paragraphs = 0
    for k in range(cue + 1, min(len(scores), cue + 1 + _THREAD_GAP)):
        if scores[k] > 0:
            paragraphs += 1
            if paragraphs > _COMMENT_PARAGRAPHS:
                return k
    return min(len(scores), cue + 1 + _THREAD_GAP)


def _prose_lines(scores: list[float], after: int, before: int) -> int:
    """How many prose lines lie strictly between two lines."""
    return sum(1 for score in scores[after + 1 : before] if score > 0)


def _best_run(scores: list[float], lo: int, hi: int) -> tuple[int, int] | None:
    """The maximum-sum run of scores[lo:hi] (Kadane), or None when no score is positive."""
    best_sum, best = 0.0, None
    current, start = 0.0, lo
    for k in range(lo, hi):
        if current <= 0:
            current, start = scores[k], k
        else:
            current += scores[k]
        if current > best_sum:
            best_sum, best = current, (start, k)
    return best


def _before_comments(
    signals: Sequence[LineSignal], scores: list[float], start: int, end: int
) -> tuple[int, int]:
    """The block cut where a comment section starts; an article comes before its comments.

    A comment heading inside the block, after enough of the article, ends it. When the
    block lies after a comment heading (a thread longer than the article), the best
    block before the first heading is the article if it has enough prose.
    """
    headings = [k for k, signal in enumerate(signals) if signal.comment_heading]
    prose = 0.0
    for k in range(start, end + 1):
        if signals[k].comment_heading and prose >= _MIN_ARTICLE_WORDS:
            cut = _best_run(scores, start, k)
            return cut if cut is not None else (start, end)
        prose += max(0.0, scores[k])
    earlier = [k for k in headings if k < start]
    if earlier:
        before = _best_run(scores, 0, earlier[0])
        if before is not None and _total(scores, *before) >= _MIN_ARTICLE_WORDS:
            return before
    return start, end


def _before_teasers(signals: Sequence[LineSignal], start: int, end: int) -> int:
    """The block's end moved above a "Related posts" heading followed only by teasers."""
    paragraphs = 0
    for k in range(end, start, -1):
        signal = signals[k]
        if signal.end_heading:
            previous = k - 1
            while previous > start and not signals[previous].prose:
                previous -= 1
            return previous
        if signal.prose:
            paragraphs += 1
            if paragraphs > _TEASER_MAX_PARAGRAPHS or signal.weight > _TEASER_MAX_WORDS:
                return end
    return end


def _total(scores: list[float], start: int, end: int) -> float:
    return sum(scores[start : end + 1])
