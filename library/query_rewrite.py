"""Rewriting parsed queries before they run: other word forms, bounded multi-term queries,
and the words a hit's snippets should highlight."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Whoosh ships no type information: to mypy these names are Any.
    from whoosh.query import Query
    from whoosh.reading import IndexReader

# Fields whose words also match their other forms ("drone" finds "drones").
STEMMED_FIELDS = frozenset({"title", "body", "notes"})
# Fields whose words are highlighted in snippets.
TEXT_FIELDS = frozenset({"title", "authors", "site", "notes", "body", "tags"})

_MIN_STEM_PREFIX = 3
_MAX_FORMS_SCANNED = 500
_OTHER_FORM_WEIGHT = 0.8
# Word forms are added only for words (and forms) in at most this share of articles: a
# union of terms stops Whoosh from skipping low-scoring blocks, which costs 5–10× on
# frequent words, and a frequent word has plenty of hits as typed.
_FORMS_MAX_DOC_SHARE = 0.02
_FORMS_ALWAYS_BELOW = 500
# A wildcard or fuzzy term matches at most this many words, the most frequent first
# (as Lucene's top-terms rewrite): `con*` can name thousands, and Whoosh's cost grows
# with every one of them.
MAX_EXPANSIONS = 64


def word_forms(reader: IndexReader, fieldname: str, word: str) -> list[str]:
    """Indexed words of the same stem as `word` ("drone" → drone, drones, droning)."""
    root = _stem(word)
    shared = next(
        (i for i, (a, b) in enumerate(zip(word, root, strict=False)) if a != b),
        min(len(word), len(root)),
    )
    if shared < _MIN_STEM_PREFIX:
        return [word]
    forms = {word}
    for count, candidate in enumerate(reader.expand_prefix(fieldname, word[:shared])):
        if count >= _MAX_FORMS_SCANNED:
            break
        text = _text(candidate)
        if text != word and _stem(text) == root:
            forms.add(text)
    return sorted(forms)


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    from whoosh.lang.porter2 import stem

    root: str = stem(word)
    return root


def _text(term: bytes | str) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


def rewrite_query(query: Query, reader: IndexReader) -> Query:
    """The query as it should run: plain words widened to their other forms (where that
    is cheap), wildcard and fuzzy terms replaced by their most frequent matches."""
    from whoosh.query import MultiTerm, NullQuery, NumericRange, Or, Term
    from whoosh.query.compound import PreloadedOr

    if type(query) is Term and query.fieldname in STEMMED_FIELDS:
        limit = max(_FORMS_ALWAYS_BELOW, reader.doc_count() * _FORMS_MAX_DOC_SHARE)
        # Judged by the body, where words are most frequent, so a word is widened alike in
        # every field. Frequent forms are left out as well as frequent typed words.
        if reader.doc_frequency("body", query.text) > limit:
            return query
        forms = [
            form
            for form in word_forms(reader, query.fieldname, query.text)
            if form == query.text or reader.doc_frequency("body", form) <= limit
        ]
        if len(forms) == 1:
            return query
        return Or(
            [
                Term(
                    query.fieldname,
                    form,
                    boost=query.boost * (1.0 if form == query.text else _OTHER_FORM_WEIGHT),
                )
                for form in forms
            ]
        )
    if isinstance(query, NumericRange):
        return _preloaded_range(query, reader)
    if isinstance(query, MultiTerm):
        words = [_text(word) for word in query._btexts(reader)]
        if len(words) > MAX_EXPANSIONS:
            words.sort(key=lambda word: reader.doc_frequency(query.fieldname, word), reverse=True)
            words = words[:MAX_EXPANSIONS]
        if not words:
            return NullQuery
        terms = [Term(query.fieldname, word, boost=query.boost) for word in words]
        if len(terms) == 1:
            return terms[0]
        # Preloading the matches of many terms is linear; Whoosh's default tree of unions
        # is quadratic in the number of terms (minutes for a few hundred).
        return PreloadedOr(terms)
    if query.is_leaf():
        return query
    return query.apply(lambda child: rewrite_query(child, reader))


def _preloaded_range(query: Query, reader: IndexReader) -> Query:
    """A date (numeric) range as one preloaded union of the index terms it covers.

    Whoosh compiles a range into a tree of unions of term ranges, which it then walks
    document by document (hundreds of ms at 100k articles); the same terms preloaded into
    one array cost a tenth of that.
    """
    from whoosh.query import MultiTerm, NullQuery, Term
    from whoosh.query.compound import PreloadedOr
    from whoosh.query.wrappers import ConstantScoreQuery

    compiled = query._compile_query(reader)
    words: list[bytes | str] = []
    for leaf in [compiled] if compiled.is_leaf() else compiled.leaves():
        if isinstance(leaf, Term):
            words.append(leaf.text)
        elif isinstance(leaf, MultiTerm):
            words.extend(leaf._btexts(reader))
    if not words:
        return NullQuery
    return ConstantScoreQuery(PreloadedOr([Term(query.fieldname, w) for w in words]), query.boost)


def highlight_words(query: Query) -> set[str]:
    """Words of a (rewritten) query that a hit can contain: not those under NOT."""
    from whoosh.query import AndNot, Not, Phrase, Term

    if isinstance(query, Not):
        return set()
    if isinstance(query, AndNot):
        return highlight_words(query.a)
    if isinstance(query, Term):
        return {_text(query.text)} if query.fieldname in TEXT_FIELDS else set()
    if isinstance(query, Phrase):
        return {_text(word) for word in query.words} if query.fieldname in TEXT_FIELDS else set()
    words: set[str] = set()
    for child in query.children():
        words |= highlight_words(child)
    return words
