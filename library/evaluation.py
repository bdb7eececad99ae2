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
    except Unsupported:
        return None
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
        # Best first, the lower number first among equal scores (sorts in C: a stable sort
        # by score of the numbers in order); a phrase's candidates all go on to be checked.
        docs = sorted(found)
        docs.sort(key=found.__getitem__, reverse=True)
        wanted = None if lazy or limit is None else limit
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
    ranked.sort(key=lambda item: (item[0], item[1]))
    best: list[tuple[float, int]] = []  # heap of (score, -document): the worst on top
    checked = 0  # candidates whose phrases were checked, in batches that grow
    for index, (negated, doc, run, local) in enumerate(ranked):
        if limit is not None and len(best) >= limit and -negated < best[0][0]:
            break
        if index >= checked:
            checked = index + max(64, 2 * index)
            _check_phrases(query, ranked[index:checked])
        score = run.exact(query, local)
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


def _check_phrases(query: Query, batch: list[tuple[float, int, _Run, int]]) -> None:
    """Check the phrases of `query` for a batch of candidates at once (a block of postings
    is walked once for all of them, rather than once per document)."""
    by_run: dict[int, tuple[_Run, list[int]]] = {}
    for _, _, run, local in batch:
        by_run.setdefault(id(run), (run, []))[1].append(local)
    for run, docs in by_run.values():
        docs.sort()
        for phrase in _phrases(query):
            run.check_phrase(phrase, docs)


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
        numbers, when given), counting every candidate of a phrase as a match (see
        `exact`)."""
        found = self._scores(query, within)
        self._results[id(query)] = found
        return found

    def exact(self, query: Query, doc: int) -> float | None:
        """The score of one document that `scores` found, its phrases checked: None when it
        does not match after all."""
        if query is NullQuery:
            return None
        found = self._results.get(id(query), {})
        if type(query) is Term:
            return found.get(doc)
        if isinstance(query, Phrase):
            return found.get(doc) if doc in found and self._phrase_at(query, doc) else None
        if isinstance(query, Or):
            parts = [
                self.exact(child, doc) if doc in self._results.get(id(child), ()) else None
                for child in query.subqueries
            ]
            if all(part is None for part in parts):
                return None
            if isinstance(query, PreloadedOr):
                total = 0.0
                for part in parts:
                    if part is not None:
                        total += part * query.boost
                return total
            total = sum(part for part in parts if part is not None)
            return total * query.boost if query.boost != 1.0 else total
        if type(query) is And:
            total = 0.0
            for child in query.subqueries:
                if isinstance(child, Not):
                    if self.exact(child.query, doc) is not None:
                        return None
                    total += 1.0
                    continue
                part = self.exact(child, doc)
                if part is None:
                    return None
                total += part
            return total * query.boost if query.boost != 1.0 else total
        if type(query) is AndNot:
            if self.exact(query.b, doc) is not None:
                return None
            return self.exact(query.a, doc)
        if type(query) is ConstantScoreQuery:
            return None if self.exact(query.child, doc) is None else query.score
        raise Unsupported(type(query).__name__)

    def _matching(self, query: Query, within: list[int]) -> list[int]:
        """The documents of `within` that match `query` for certain (phrases checked): what
        a NOT removes."""
        found = self.scores(query, within)
        if not _has_phrase(query):
            return list(found)
        return [doc for doc in found if self.exact(query, doc) is not None]

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
                total = {doc: score + found[doc] for doc, score in total.items() if doc in found}
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
        self._phrase_lists[id(query)] = lists
        found_docs: Scores = {}
        for doc in candidates:
            score = _tree_sum([per_word[i][doc] for i in range(len(words))])
            found_docs[doc] = score * query.boost if query.boost != 1.0 else score
        return found_docs

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
        starts = lists[0].positions_of(todo)
        for i in range(1, len(lists)):
            alive = [doc for doc in todo if starts.get(doc)]
            if not alive:
                break
            after = lists[i].positions_of(alive)
            starts = {
                doc: {p for p in starts[doc] if p + i in after.get(doc, ())} for doc in alive
            }
        for doc in todo:
            self._checked[(key, doc)] = bool(starts.get(doc))

    def _phrase_at(self, query: Query, doc: int) -> bool:
        """Whether the phrase's words are one after the other in the document (a candidate:
        it has every word)."""
        key = (id(query), doc)
        known = self._checked.get(key)
        if known is None:
            lists = self._phrase_lists[id(query)]
            starts: set[int] = set()
            for i, postings in enumerate(lists):
                at = postings.positions(doc)
                starts = at if i == 0 else {p for p in starts if p + i in at}
                if not starts:
                    break
            known = self._checked[key] = bool(starts)
        return known


def _tree_sum(values: list[float]) -> float:
    """The sum of a phrase's word scores, added up in the order Whoosh's binary tree of
    intersections adds them (so the same float)."""
    if len(values) == 1:
        return values[0]
    half = len(values) // 2
    return _tree_sum(values[:half]) + _tree_sum(values[half:])
