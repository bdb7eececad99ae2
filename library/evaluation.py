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

import heapq
from typing import TYPE_CHECKING, Any

from library.postings import Scores, Segment, TermPostings, score_term, segments, term_postings

if TYPE_CHECKING:
    # Whoosh ships no type information: to mypy these names are Any.
    from whoosh.query import Query
    from whoosh.searching import Searcher


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
    except Unsupported:
        return None
    ranked: list[tuple[float, int]] = []
    for segment in segments(searcher):
        run = _Run(segment)
        found = run.scores(query, None)
        if not found:
            continue
        excluded = set(segment.deleted)
        if mask is not None:
            excluded.update(run.scores(mask, sorted(found)))
        allowed = set(run.scores(only, sorted(found))) if only is not None else None
        offset = segment.offset
        ranked.extend(
            (-score, doc + offset)
            for doc, score in found.items()
            if doc not in excluded and (allowed is None or doc in allowed)
        )
    best = heapq.nsmallest(limit, ranked) if limit is not None else sorted(ranked)
    return [(doc, -negated) for negated, doc in best]


def _check(query: Query) -> None:
    """Raise Unsupported unless every node of `query` is one `_Run.scores` handles."""
    from whoosh.query import And, AndNot, Not, NullQuery, Or, Phrase, Term
    from whoosh.query.wrappers import ConstantScoreQuery

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

    def postings(self, fieldname: str, text: Any) -> TermPostings | None:
        key = (fieldname, text)
        if key not in self._postings:
            self._postings[key] = term_postings(self.segment, fieldname, text)
        return self._postings[key]

    def size(self, query: Query) -> int:
        """An upper bound of the documents `query` matches in this segment (from the
        terms' document frequencies), to order an AND's children."""
        found = self._sizes.get(id(query))
        if found is None:
            reader = self.segment.reader
            try:
                found = int(query.estimate_size(reader))
            except Exception:
                found = reader.doc_count_all()
            self._sizes[id(query)] = found
        return found

    def scores(self, query: Query, within: list[int] | None) -> Scores:
        """The score of each document that matches `query` (of `within`, sorted document
        numbers, when given)."""
        from whoosh.query import And, AndNot, NullQuery, Or, Phrase, Term
        from whoosh.query.wrappers import ConstantScoreQuery

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
            found = self.scores(query.a, within)
            if found:
                for doc in self.scores(query.b, sorted(found)):
                    found.pop(doc, None)
            return found
        if type(query) is ConstantScoreQuery:
            return dict.fromkeys(self.scores(query.child, within), query.score)
        raise Unsupported(type(query).__name__)

    def _or(self, query: Query, within: list[int] | None) -> Scores:
        from whoosh.query.compound import PreloadedOr

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
                total = found
                continue
            if len(found) > len(total):
                total, found = found, total
            for doc, score in found.items():
                if doc in total:
                    total[doc] += score
                else:
                    total[doc] = score
        if query.boost != 1.0:
            return {doc: score * query.boost for doc, score in total.items()}
        return total

    def _and(self, query: Query, within: list[int] | None) -> Scores:
        from whoosh.query import Not

        positive = [q for q in query.subqueries if not isinstance(q, Not)]
        negative = [q.query for q in query.subqueries if isinstance(q, Not)]
        positive.sort(key=self.size)
        total: Scores | None = None
        for child in positive:
            found = self.scores(child, within)
            if total is None:
                total = found
            else:
                total = {doc: score + found[doc] for doc, score in total.items() if doc in found}
            if not total:
                return {}
            within = sorted(total)
        assert total is not None
        for child in negative:
            for doc in self.scores(child, sorted(total)):
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
        order = sorted(range(len(words)), key=lambda i: lists[i].count)
        per_word: dict[int, Scores] = {}
        candidates = within
        for i in order:
            found = score_term(lists[i], 1.0, candidates)
            if not found:
                return {}
            per_word[i] = found
            candidates = (
                sorted(found) if candidates is None else [doc for doc in candidates if doc in found]
            )
            if not candidates:
                return {}
        assert candidates is not None
        positions = [lists[i].positions(candidates) for i in range(len(words))]
        found_docs: Scores = {}
        for doc in candidates:
            starts = positions[0].get(doc)
            if not starts:
                continue
            for i in range(1, len(words)):
                after = positions[i].get(doc)
                if not after:
                    starts = set()
                    break
                starts = {p for p in starts if p + i in after}
                if not starts:
                    break
            if starts:
                score = _tree_sum([per_word[i][doc] for i in range(len(words))])
                found_docs[doc] = score * query.boost if query.boost != 1.0 else score
        return found_docs


def _tree_sum(values: list[float]) -> float:
    """The sum of a phrase's word scores, added up in the order Whoosh's binary tree of
    intersections adds them (so the same float)."""
    if len(values) == 1:
        return values[0]
    half = len(values) // 2
    return _tree_sum(values[:half]) + _tree_sum(values[half:])
