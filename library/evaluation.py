"""Running a (rewritten) query over whole posting lists instead of Whoosh's matcher tree.

Whoosh answers a query by walking a tree of matchers one document at a time, in Python: a
word searched in six fields is a union of six matchers at every document, a phrase checks
positions through several layers of span objects. Here the same query is evaluated a node
at a time over blocks of postings (library/postings.py), with the same scores:

- a term: every posting's BM25F score, a block at a time;
- OR: the children's scores summed per document (as Whoosh's unions sum them);
- AND: the child with the fewest documents first, then each other child read only in the
  blocks that can hold one of the documents still in the running;
- a phrase: its words rarest first, each read only where every rarer word is, and positions
  decoded only for the documents that have every word;
- NOT / ANDNOT: the excluded documents looked up only among the ones that matched.

Queries of other shapes (ANDMAYBE, `*`, a bare NOT, slop…) return None and run through
Whoosh as before. The top hits are chosen as Whoosh's collector chooses them: highest score
first, the lower document number first among equal scores.
"""

from __future__ import annotations

import gc
import heapq
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import repeat
from operator import add
from typing import TYPE_CHECKING, Any

from whoosh.query import And, AndNot, Not, NullQuery, Or, Phrase, Term
from whoosh.query.compound import PreloadedOr
from whoosh.query.wrappers import ConstantScoreQuery

from library.postings import (
    Scores,
    Segment,
    TermPostings,
    TermScorer,
    add_scores,
    score_term,
    segments,
    term_postings,
)

if TYPE_CHECKING:
    # Whoosh ships no type information: to mypy these names are Any.
    from whoosh.query import Query
    from whoosh.searching import Searcher

# (Whoosh's query classes are imported at the top: this module is imported only to run a
# query, which needs them anyway.)


class Unsupported(Exception):
    """A query node this evaluation does not handle (Whoosh runs the query instead)."""


def top_documents(
    searcher: Searcher,
    query: Query,
    *,
    limit: int | None,
    mask: Query | None = None,
    only: Query | None = None,
) -> list[tuple[int, float]] | None:
    """The best `limit` (None: all) documents for `query` as (document number, score), the
    way `searcher.search(query, limit=…, mask=mask, filter=only)` ranks them; None when the
    query has a shape this evaluation leaves to Whoosh."""
    try:
        _check(query)
        with _collector_paused():
            return _top_documents(searcher, query, limit, mask, only)
    except Unsupported:  # (a phrase on a field without positions: Whoosh says what is wrong)
        return None


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while a query runs. The evaluation makes no cycles
    (lists, dicts and tuples of numbers, freed as soon as they are dropped), but it makes
    tens of thousands of them, and every few thousand the collector walked them all again:
    8 % of a two-word phrase's time, 19 % of a three-word one's (measured at 100k)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _top_documents(
    searcher: Searcher, query: Query, limit: int | None, mask: Query | None, only: Query | None
) -> list[tuple[int, float]]:
    lazy = _has_phrase(query)
    terms = _disjunction(query) if limit is not None and not lazy else None
    ranked: list[tuple[float, int, _Run, int]] = []
    for segment in segments(searcher):
        run = _Run(segment)
        if terms is not None and limit is not None:
            excluded = set(segment.deleted)
            if mask is not None:
                excluded.update(run.scores(mask, None))
            allowed = set(run.scores(only, None)) if only is not None else None
            ranked.extend(
                (-score, doc + segment.offset, run, doc)
                for score, doc in run.top_of_sum(terms, limit, excluded, allowed)
            )
            continue
        found = run.scores(query, None)
        if not found:
            continue
        excluded = set(segment.deleted)
        if mask is not None:
            excluded.update(run.scores(mask, sorted(found)))
        allowed = set(run.scores(only, sorted(found))) if only is not None else None
        if lazy:
            # A phrase's candidates all go on to be checked, best first (_verified).
            kept = found.keys() - excluded
            if allowed is not None:
                kept &= allowed
            docs = list(kept)
            ranked.extend(
                zip(
                    [-found[doc] for doc in docs],
                    [doc + segment.offset for doc in docs],
                    repeat(run),
                    docs,
                    strict=False,
                )
            )
            continue
        # Best first, the lower number first among equal scores (sorts in C: a stable sort
        # by score of the numbers in order).
        docs = sorted(found)
        docs.sort(key=found.__getitem__, reverse=True)
        wanted = limit
        offset = segment.offset
        for doc in docs:
            if doc in excluded or (allowed is not None and doc not in allowed):
                continue
            ranked.append((-found[doc], doc + offset, run, doc))
            if wanted is not None:
                wanted -= 1
                if not wanted:
                    break
    if not lazy:
        ranked.sort(key=lambda item: (item[0], item[1]))
        best = ranked[:limit] if limit is not None else ranked
        return [(doc, -negated) for negated, doc, _, _ in best]
    return _verified(query, ranked, limit)


def _verified(
    query: Query, ranked: list[tuple[float, int, _Run, int]], limit: int | None
) -> list[tuple[int, float]]:
    """The best documents of a query with phrases, whose scores so far count every phrase
    candidate (a document with all of a phrase's words) as a match: candidates are checked,
    best first, until no unchecked one can beat the `limit`th checked one. A phrase's score
    does not depend on where its words are, so that bound holds."""
    # Candidates come off a heap, best first (the lower number first among equal scores:
    # numbers are unique, so the tuples never compare their runs): a phrase of frequent words
    # has thousands, of which a few hundred are checked.
    heapq.heapify(ranked)
    best: list[tuple[float, int]] = []  # heap of (score, -document): the worst on top
    start = 0
    while ranked:
        if limit is not None and len(best) >= limit and -ranked[0][0] < best[0][0]:
            break
        size = min(max(64, 2 * start), len(ranked))
        batch = [heapq.heappop(ranked) for _ in range(size)]
        start += size
        exact = _exact_batch(query, batch)
        for negated, doc, _, _ in batch:
            if limit is not None and len(best) >= limit and -negated < best[0][0]:
                break
            score = exact.get(doc)
            if score is None:
                continue
            item = (score, -doc)
            if limit is None or len(best) < limit:
                heapq.heappush(best, item)
            elif item > best[0]:
                heapq.heapreplace(best, item)
    best.sort(reverse=True)
    return [(-negative, score) for score, negative in best]


# A term in at most this many documents is read whole without checking whether it must be.
_CHEAP_TERM = 1000


def _disjunction(query: Query, boost: float = 1.0) -> list[tuple[Query, float]] | None:
    """A query that only adds up terms' scores (terms under ORs) as its terms, each with
    the factor its score is multiplied by; None for any other shape."""
    if query is NullQuery:
        return []
    if type(query) is Term:
        return [(query, boost * query.boost)]
    if isinstance(query, Or) and not (query.minmatch or query.scale):
        terms: list[tuple[Query, float]] = []
        for child in query.subqueries:
            found = _disjunction(child, boost * query.boost)
            if found is None:
                return None
            terms.extend(found)
        return terms
    return None


def _exact_batch(query: Query, batch: list[tuple[float, int, _Run, int]]) -> dict[int, float]:
    """The checked scores of a batch of candidates (by document number in the index): the
    phrases checked for all of them at once, a block of postings walked once."""
    by_run: dict[int, tuple[_Run, int, list[int]]] = {}
    for _, doc, run, local in batch:
        by_run.setdefault(id(run), (run, doc - local, []))[2].append(local)
    exact: dict[int, float] = {}
    for run, offset, docs in by_run.values():
        docs.sort()
        for phrase in _phrases(query):
            run.check_phrase(phrase, docs)
        exact.update((doc + offset, score) for doc, score in run.exact_many(query, docs).items())
    return exact


def _phrases(query: Query) -> list[Query]:
    """The phrase nodes of a query."""
    if isinstance(query, Phrase):
        return [query]
    return [phrase for child in query.children() for phrase in _phrases(child)]


def _has_phrase(query: Query) -> bool:
    """Whether the query has a phrase (whose candidates must be checked)."""
    if isinstance(query, Phrase):
        return True
    return any(_has_phrase(child) for child in query.children())


def _check(query: Query) -> None:
    """Raise Unsupported unless every node of `query` is one `_Run.scores` handles."""
    if query is NullQuery or type(query) is Term:
        return
    if isinstance(query, Phrase):
        if query.slop != 1 or not query.words:
            raise Unsupported("phrase with slop")
        return
    if type(query) is And:
        if all(isinstance(child, Not) for child in query.subqueries):
            raise Unsupported("only negative clauses")
        for child in query.subqueries:
            _check(child.query if isinstance(child, Not) else child)
        return
    if isinstance(query, Or) and type(query).__name__ in ("Or", "DefaultOr", "PreloadedOr"):
        if query.minmatch or query.scale:
            raise Unsupported("or with minmatch or scale")
        for child in query.subqueries:
            _check(child)
        return
    if type(query) is AndNot:
        _check(query.a)
        _check(query.b)
        return
    if type(query) is ConstantScoreQuery:
        _check(query.child)
        return
    raise Unsupported(type(query).__name__)


class _Run:
    """One query evaluated on one segment; each term's postings are read once."""

    def __init__(self, segment: Segment) -> None:
        self.segment = segment
        self._postings: dict[tuple[str, Any], TermPostings | None] = {}
        self._sizes: dict[int, int] = {}
        self._has_phrases: dict[int, bool] = {}
        self._results: dict[int, Scores] = {}  # each node's scores, by id(node)
        self._checked: dict[tuple[int, int], bool] = {}  # (id(phrase), document) → matches
        self._phrase_lists: dict[int, list[TermPostings]] = {}

    def postings(self, fieldname: str, text: Any) -> TermPostings | None:
        key = (fieldname, text)
        if key not in self._postings:
            self._postings[key] = term_postings(self.segment, fieldname, text)
        return self._postings[key]

    def top_of_sum(
        self,
        terms: list[tuple[Query, float]],
        limit: int,
        excluded: set[int],
        allowed: set[int] | None,
    ) -> list[tuple[float, int]]:
        """The `limit` best (score, document) of a sum of terms' scores (the documents of
        `allowed`, not of `excluded`), reading frequent terms only where they matter.

        The terms are read whole from the highest-scoring down (rare words score high), until
        the `limit`th best score so far beats what every term left could add together: no
        document that none of the terms read has can make the top then, and the terms left
        (typically the frequent, low-scoring ones: `files` among the words of `fixes~`) are
        read only in the blocks of the documents that still can (MaxScore)."""
        entries = []
        for term, factor in terms:
            postings = self.postings(term.fieldname, term.text)
            if postings is None:
                continue
            scorer = TermScorer(self.segment, postings.fieldname, postings.btext)
            entries.append((scorer.highest(postings.terminfo) * factor, postings, factor))
        entries.sort(key=lambda entry: -entry[0])
        left = sum(entry[0] for entry in entries)
        total: Scores = {}

        def threshold() -> float:
            if excluded or allowed is not None:
                eligible = [
                    score
                    for doc, score in total.items()
                    if doc not in excluded and (allowed is None or doc in allowed)
                ]
            else:
                eligible = list(total.values())
            best = heapq.nlargest(limit, eligible)
            return best[-1] if len(best) >= limit else -1.0

        bound = -1.0
        for highest, postings, factor in entries:
            # The bound is worth working out only before a term costly to read whole.
            if left < bound or postings.count > _CHEAP_TERM:
                bound = threshold()
            if left < bound:
                within = sorted(doc for doc, score in total.items() if score + left >= bound)
                add_scores(total, postings, factor, within)
            else:
                add_scores(total, postings, factor)
            left -= highest
        docs = [
            doc
            for doc in sorted(total)
            if doc not in excluded and (allowed is None or doc in allowed)
        ]
        docs.sort(key=total.__getitem__, reverse=True)
        return [(total[doc], doc) for doc in docs[:limit]]

    def size(self, query: Query) -> int:
        """An upper bound of the documents `query` matches in this segment (from the
        terms' document counts), to order an AND's children."""
        found = self._sizes.get(id(query))
        if found is None:
            found = self._sizes[id(query)] = self._size(query)
        return found

    def _size(self, query: Query) -> int:
        if query is NullQuery:
            return 0
        if type(query) is Term:
            postings = self.postings(query.fieldname, query.text)
            return postings.count if postings is not None else 0
        if isinstance(query, Phrase):
            return min(self._size(Term(query.fieldname, word)) for word in query.words)
        if type(query) is And:
            return min(self.size(child) for child in query.subqueries if not isinstance(child, Not))
        if type(query) is AndNot:
            return self.size(query.a)
        if type(query) is ConstantScoreQuery:
            if getattr(query, "folio_range", None) is not None:
                count: int = self.segment.reader.doc_count_all()
                return count  # read last, from its column
            return self.size(query.child)
        return sum(self.size(child) for child in query.children())

    def _in_range(self, query: Query, within: list[int]) -> Scores | None:
        """The documents of `within` whose value is in the query's numeric range (see
        query_rewrite._preloaded_range), scored as the range; None without a column."""
        fieldname, start, end, startexcl, endexcl = query.folio_range
        values = self.segment.numbers(fieldname)
        if values is None:
            return None
        missing = self.segment.reader.schema[fieldname].default
        count = len(values)
        found: Scores = {}
        for doc in within:
            value = values[doc] if doc < count else missing
            if value == missing:
                continue
            if start is not None and (value <= start if startexcl else value < start):
                continue
            if end is not None and (value >= end if endexcl else value > end):
                continue
            found[doc] = query.score
        return found

    def scores(self, query: Query, within: list[int] | None) -> Scores:
        """The score of each document that matches `query` (of `within`, sorted document
        numbers, when given), counting every candidate of a phrase as a match (see
        `exact`)."""
        found = self._scores(query, within)
        self._results[id(query)] = found
        return found

    def exact_many(self, query: Query, docs: list[int]) -> Scores:
        """The scores of those of `docs` that match `query` for certain (the phrases must
        have been checked for them: check_phrase)."""
        if query is NullQuery:
            return {}
        found = self._results.get(id(query), {})
        if not self._lazy(query):  # what scores() found is certain
            return {doc: found[doc] for doc in docs if doc in found}
        if isinstance(query, Phrase):
            key = id(query)
            checked = self._checked
            return {doc: found[doc] for doc in docs if doc in found and checked.get((key, doc))}
        if isinstance(query, Or):
            parts = [self.exact_many(child, docs) for child in query.subqueries]
            total: Scores = {}
            preloaded = isinstance(query, PreloadedOr)
            for part in parts:
                for doc, score in part.items():
                    if preloaded:
                        score *= query.boost
                    total[doc] = total[doc] + score if doc in total else score
            if preloaded or query.boost == 1.0:
                return total
            return {doc: score * query.boost for doc, score in total.items()}
        if type(query) is And:
            kept: Scores | None = None
            nots = 0
            for child in query.subqueries:
                if isinstance(child, Not):
                    nots += 1
                    continue
                part = self.exact_many(child, docs if kept is None else list(kept))
                if kept is None:
                    kept = part
                else:
                    kept = {doc: score + part[doc] for doc, score in kept.items() if doc in part}
            assert kept is not None
            for child in query.subqueries:
                if isinstance(child, Not) and kept:
                    for doc in self.exact_many(child.query, list(kept)):
                        kept.pop(doc, None)
            if nots:
                kept = {doc: score + nots for doc, score in kept.items()}
            if query.boost != 1.0:
                kept = {doc: score * query.boost for doc, score in kept.items()}
            return kept
        if type(query) is AndNot:
            kept = self.exact_many(query.a, docs)
            if kept:
                for doc in self.exact_many(query.b, list(kept)):
                    kept.pop(doc, None)
            return kept
        if type(query) is ConstantScoreQuery:
            return dict.fromkeys(self.exact_many(query.child, docs), query.score)
        raise Unsupported(type(query).__name__)

    def _lazy(self, query: Query) -> bool:
        """Whether the node has a phrase (its scores count unchecked candidates)."""
        found = self._has_phrases.get(id(query))
        if found is None:
            found = self._has_phrases[id(query)] = _has_phrase(query)
        return found

    def _matching(self, query: Query, within: list[int]) -> list[int]:
        """The documents of `within` that match `query` for certain (phrases checked): what
        a NOT removes."""
        found = self.scores(query, within)
        if not _has_phrase(query):
            return list(found)
        docs = sorted(found)
        for phrase in _phrases(query):
            self.check_phrase(phrase, docs)
        return list(self.exact_many(query, docs))

    def _scores(self, query: Query, within: list[int] | None) -> Scores:
        if query is NullQuery:
            return {}
        if type(query) is Term:
            postings = self.postings(query.fieldname, query.text)
            if postings is None:
                return {}
            return score_term(postings, query.boost, within)
        if isinstance(query, Phrase):
            return self._phrase(query, within)
        if type(query) is And:
            return self._and(query, within)
        if isinstance(query, Or):
            return self._or(query, within)
        if type(query) is AndNot:
            found = dict(self.scores(query.a, within))
            if found:
                for doc in self._matching(query.b, sorted(found)):
                    found.pop(doc, None)
            return found
        if type(query) is ConstantScoreQuery:
            if within is not None and getattr(query, "folio_range", None) is not None:
                in_range = self._in_range(query, within)
                if in_range is not None:
                    return in_range
            return dict.fromkeys(self.scores(query.child, within), query.score)
        raise Unsupported(type(query).__name__)

    def _or(self, query: Query, within: list[int] | None) -> Scores:
        total: Scores = {}
        if isinstance(query, PreloadedOr):
            # Whoosh's preloaded union adds each child's score times the boost, in order.
            boost = query.boost
            for child in query.subqueries:
                for doc, score in self.scores(child, within).items():
                    total[doc] = total.get(doc, 0.0) + score * boost
            return total
        for child in query.subqueries:
            found = self.scores(child, within)
            if not total:
                total = dict(found)
                continue
            if len(found) > len(total):
                total, found = dict(found), total
            for doc, score in found.items():
                if doc in total:
                    total[doc] += score
                else:
                    total[doc] = score
        if query.boost != 1.0:
            return {doc: score * query.boost for doc, score in total.items()}
        return total

    def _and(self, query: Query, within: list[int] | None) -> Scores:
        positive = [q for q in query.subqueries if not isinstance(q, Not)]
        negative = [q.query for q in query.subqueries if isinstance(q, Not)]
        positive.sort(key=self.size)
        total: Scores | None = None
        for child in positive:
            found = self.scores(child, within)
            if total is None:
                total = found
            else:
                # (found is read within total's documents: the smaller of the two, walked)
                total = {doc: total[doc] + score for doc, score in found.items() if doc in total}
            if not total:
                return {}
            within = sorted(total)
        assert total is not None
        for child in negative:
            for doc in self._matching(child, sorted(total)):
                total.pop(doc, None)
            # Whoosh scores a NOT clause inside an AND as 1.0 for every document it keeps.
            total = {doc: score + 1.0 for doc, score in total.items()}
        if query.boost != 1.0:
            total = {doc: score * query.boost for doc, score in total.items()}
        return total

    def _phrase(self, query: Query, within: list[int] | None) -> Scores:
        """Documents with the phrase's words one after the other: the words' document sets
        intersected rarest first, positions read only for the documents left."""
        fieldname = query.fieldname
        field = self.segment.reader.schema[fieldname]
        if not field.format or not field.format.supports("positions"):
            raise Unsupported("phrase on a field without positions")
        words = list(query.words)
        lists: list[TermPostings] = []
        for word in words:
            postings = self.postings(fieldname, word)
            if postings is None:
                return {}
            lists.append(postings)
        # The documents with every word, rarest word first, each word read only in the blocks
        # that can hold a document still in the running.
        candidates = within
        # Three words or more: the rarest two in a row checked for every candidate (few pass:
        # a phrase of three words is rare), so that the words are scored and the whole
        # phrase checked only for those.
        paired: tuple[int, ...] = ()
        if len(words) > 2:
            pair = min(range(len(words) - 1), key=lambda i: lists[i].count + lists[i + 1].count)
            paired = (pair, pair + 1)
        for i in sorted(range(len(words)), key=lambda i: lists[i].count):
            candidates = lists[i].ids(candidates)
            if not candidates:
                return {}
        assert candidates is not None
        if paired:
            candidates = _adjacent(lists[paired[0]], lists[paired[1]], candidates)
            if not candidates:
                return {}
        self._phrase_lists[id(query)] = lists
        per_word = [_phrase_word_scores(postings, candidates) for postings in lists]
        found = dict(zip(candidates, _summed(per_word), strict=True))
        if query.boost != 1.0:
            return {doc: score * query.boost for doc, score in found.items()}
        return found

    def check_phrase(self, query: Query, docs: list[int]) -> None:
        """Check the phrase for those of `docs` (sorted) that are its candidates and not
        checked yet, a word at a time over all of them."""
        candidates = self._results.get(id(query))
        lists = self._phrase_lists.get(id(query))
        if not candidates or lists is None:
            return
        key = id(query)
        todo = [doc for doc in docs if doc in candidates and (key, doc) not in self._checked]
        if not todo:
            return
        starts = lists[0].positions_of(todo, None)
        for i in range(1, len(lists)):
            alive = [doc for doc in todo if starts.get(doc)]
            if not alive:
                break
            after = lists[i].positions_of(alive)
            starts = {doc: {p for p in starts[doc] if p + i in after.get(doc, ())} for doc in alive}
        for doc in todo:
            self._checked[(key, doc)] = bool(starts.get(doc))


def _adjacent(first: TermPostings, second: TermPostings, docs: list[int]) -> list[int]:
    """Those of `docs` (sorted; each has both words) where the second word follows the first."""
    before = first.positions_of(docs, None)
    after = second.positions_of(docs)
    following = (1).__add__
    return [doc for doc in docs if not after[doc].isdisjoint(map(following, before[doc]))]


def _phrase_word_scores(postings: TermPostings, docs: list[int]) -> list[float]:
    """A phrase word's score in each of `docs` (sorted; every one has the word)."""
    scorer = TermScorer(postings.segment, postings.fieldname, postings.btext)
    return scorer.scores(docs, postings.weights_of(docs))


def _summed(per_word: list[list[float]]) -> list[float]:
    """Each document's sum of the words' scores (lists in the same order of documents),
    added in the order of _tree_sum."""
    if len(per_word) == 1:
        return per_word[0]
    if len(per_word) == 2:
        return list(map(add, *per_word))
    if len(per_word) == 3:
        first, second, third = per_word
        return list(map(add, first, map(add, second, third)))
    return [_tree_sum(list(values)) for values in zip(*per_word, strict=True)]


def _tree_sum(values: list[float]) -> float:
    """The sum of a phrase's word scores, added up in the order Whoosh's binary tree of
    intersections adds them (so the same float)."""
    if len(values) == 1:
        return values[0]
    half = len(values) // 2
    return _tree_sum(values[:half]) + _tree_sum(values[half:])
