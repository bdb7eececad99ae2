""" "Did you mean": the closest words of the library for the words of a query it lacks.

A word the index does not have is compared with the words of the same fields that share
its first letter (its first two when those are too many), taken from the vocabulary files
(library/vocabulary.py), by rapidfuzz; the nearest within two edits wins, the most frequent
among equally near ones. The work is bounded by what is read, not by a clock: at most
MAX_WORDS_CORRECTED words of a query, each compared with at most MAX_CANDIDATES words.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from library.vocabulary import FIELD_CODES, Vocabulary, vocabulary

if TYPE_CHECKING:
    # Whoosh ships no type information: to mypy these names are Any.
    from whoosh.query import Query
    from whoosh.reading import IndexReader

MAX_EDITS = 2
MAX_CANDIDATES = 20_000
MAX_WORDS_CORRECTED = 8
MAX_WORD = 30
# Fields whose words are suggested (the text fields; not the `names` dictionary).
SUGGESTED_FIELDS = frozenset(FIELD_CODES) - {"names"}


def corrected_query(reader: IndexReader, parsed: Query, query: str) -> str | None:
    """`query` with each of its words that no field has replaced by the nearest word of the
    library; None when there is nothing to correct or nothing near."""
    words = vocabulary(reader)
    fields_of: dict[str, set[str]] = {}
    for term in _terms(parsed):
        if term.fieldname in SUGGESTED_FIELDS and isinstance(term.text, str):
            fields_of.setdefault(term.text, set()).add(term.fieldname)
    corrected = query
    for word, fields in list(fields_of.items())[:MAX_WORDS_CORRECTED]:
        if len(word) > MAX_WORD or any(reader.doc_frequency(f, word) for f in fields):
            continue
        better = nearest_word(words, sorted(fields), word)
        if better:
            corrected = replace_word(corrected, word, better)
    return corrected if corrected != query else None


def nearest_word(words: Vocabulary, fields: list[str], word: str) -> str | None:
    """The word of `fields` nearest to `word` (at most MAX_EDITS edits, same first letter),
    the most frequent of equally near ones; None if there is none."""
    from rapidfuzz.distance import Levenshtein
    from rapidfuzz.process import extract

    best: tuple[int, float, str] | None = None
    for fieldname in fields:
        # The first letter, or as many more as keep the candidates within the bound.
        length = 1
        while length < len(word) and words.count(fieldname, word[:length]) > MAX_CANDIDATES:
            length += 1
        if words.count(fieldname, word[:length]) > MAX_CANDIDATES:
            continue
        candidates = words.words(fieldname, word[:length])
        near = extract(
            word, candidates, scorer=Levenshtein.distance, score_cutoff=MAX_EDITS, limit=None
        )
        if not near:
            continue
        stats = words.stats(fieldname, [found for found, _, _ in near])
        for found, distance, _ in near:
            if found == word:
                continue
            rank = (int(distance), -stats.get(found, (0, 0.0))[1], found)
            if best is None or rank < best:
                best = rank
    return best[2] if best else None


def _terms(query: Query) -> list[Query]:
    """The term leaves of a parsed query, in order (not those under NOT)."""
    from whoosh.query import AndNot, Not, Term

    if isinstance(query, Not):
        return []
    if isinstance(query, AndNot):
        return _terms(query.a)
    if type(query) is Term:
        return [query]
    return [term for child in query.children() for term in _terms(child)]


def replace_word(query: str, word: str, replacement: str) -> str:
    """`query` with its first `word` (as a whole word, any case) replaced."""
    pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.I)
    return pattern.sub(lambda _match: replacement, query, count=1)
