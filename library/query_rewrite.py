"""Rewriting parsed queries before they run: other word forms, bounded multi-term queries,
and the words a hit's snippets should highlight."""

from __future__ import annotations

import functools
import re
from collections import OrderedDict
from typing import TYPE_CHECKING, NamedTuple

from library.aliases import AliasLookup
from library.index_schema import PART_RE, STOP_WORDS, fold
from library.variants import index_words, variants_of

if TYPE_CHECKING:
    # Whoosh ships no type information: to mypy these names are Any.
    from whoosh.query import Query
    from whoosh.reading import IndexReader

# Fields whose words also match their other forms ("drone" finds "drones").
STEMMED_FIELDS = frozenset({"title", "body", "notes"})
# Fields whose words also match their spelling variants and aliases.
VARIANT_FIELDS = frozenset({"title", "authors", "site", "notes", "body"})
# A variant counts for less than the word as typed, so exact matches rank first.
VARIANT_WEIGHT = 0.3
_NOT_LETTERS = re.compile(r"[\W_]+")
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
    from library.vocabulary import FIELD_CODES, vocabulary

    forms = {word}
    if fieldname in FIELD_CODES:
        candidates = sorted(vocabulary(reader).words(fieldname, word[:shared]))
    else:
        candidates = [_text(term) for term in reader.expand_prefix(fieldname, word[:shared])]
    for text in candidates[:_MAX_FORMS_SCANNED]:
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


class Origin(NamedTuple):
    """Why a word is highlighted: the query's word and how it matched ("exact", "form" for
    another form of the word, "variant" for another spelling, "alias", "wildcard", "fuzzy",
    "range")."""

    query: str
    how: str


def _tag(query: Query, origin: Origin, highlight: str | None = None) -> Query:
    """Mark a query Folio added with where it came from (read back by highlight_origins)."""
    query.folio_origin = origin
    if highlight is not None:
        query.folio_highlight = highlight
    return query


def rewrite_query(
    query: Query, reader: IndexReader, *, exact: bool = True, aliases: AliasLookup | None = None
) -> Query:
    """The query as it should run: plain words widened to their other forms (where that
    is cheap), wildcard and fuzzy terms replaced by their most frequent matches, and, unless
    `exact`, each word widened to its spelling variants in the library and its aliases."""
    if exact:
        return _rewrite(query, reader, None)
    return _rewrite(query, reader, _Names(reader, aliases))


class _Names:
    """Spelling variants and aliases of a query's words, worked out once per word."""

    def __init__(self, reader: IndexReader, aliases: AliasLookup | None) -> None:
        self.reader = reader
        self.aliases = aliases
        self._variants: dict[str, list[str]] = {}

    def variants(self, word: str) -> list[str]:
        """The `names` words that are spelling variants of `word`."""
        if word not in self._variants:
            self._variants[word] = variants_of(self.reader, word)
        return self._variants[word]

    def widen_term(self, term: Query, widened: Query) -> Query:
        """`widened` (the term, maybe with its forms) or-ed with the term's variants and
        aliases in the same field."""
        from whoosh.query import Or, Phrase, Term

        word = term.text
        extra: list[Query] = []
        if term.fieldname in VARIANT_FIELDS:
            for variant in self.variants(word):
                boost = term.boost * VARIANT_WEIGHT
                words = index_words(variant)
                query = (
                    Term(term.fieldname, words[0], boost=boost)
                    if len(words) == 1
                    else Phrase(term.fieldname, words, boost=boost)
                )
                extra.append(_tag(query, Origin(word, "variant"), variant.replace("+", " ")))
            for member in self.aliases.others_by_words((word,)) if self.aliases else ():
                if len(member.words) == 1:
                    query = Term(term.fieldname, member.words[0], boost=term.boost)
                else:
                    query = Phrase(term.fieldname, list(member.words), boost=term.boost)
                extra.append(_tag(query, Origin(word, "alias"), fold(member.text)))
        elif term.fieldname == "tags" and self.aliases:
            for tag in self.aliases.other_tags(word):
                extra.append(_tag(Term("tags", tag, boost=term.boost), Origin(word, "alias")))
        if not extra:
            return widened
        return Or([widened, *extra])

    def widen_phrase(self, phrase: Query) -> Query:
        """A phrase or-ed with the other members of an alias set it is a member of."""
        from whoosh.query import Or, Phrase, Term

        words = tuple(phrase.words)
        others = self.aliases.others_by_words(words) if self.aliases else []
        if not others or phrase.fieldname not in VARIANT_FIELDS:
            return phrase
        said = " ".join(words)
        extra = [
            _tag(
                Term(phrase.fieldname, m.words[0], boost=phrase.boost)
                if len(m.words) == 1
                else Phrase(phrase.fieldname, list(m.words), boost=phrase.boost),
                Origin(said, "alias"),
                fold(m.text),
            )
            for m in others
        ]
        return Or([phrase, *extra])


def _rewrite(query: Query, reader: IndexReader, names: _Names | None) -> Query:
    from whoosh.query import MultiTerm, NullQuery, NumericRange, Or, Phrase, Term
    from whoosh.query.compound import PreloadedOr

    if type(query) is Term and names is not None:
        return names.widen_term(query, _rewrite(query, reader, None))
    if type(query) is Phrase and names is not None:
        return names.widen_phrase(query)
    if type(query) is Term and query.fieldname in VARIANT_FIELDS and not query.text.isalnum():
        return _compound(query)
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
                Term(query.fieldname, form, boost=query.boost)
                if form == query.text
                else _tag(
                    Term(query.fieldname, form, boost=query.boost * _OTHER_FORM_WEIGHT),
                    Origin(query.text, "form"),
                )
                for form in forms
            ]
        )
    if isinstance(query, NumericRange):
        return _preloaded_range(query, reader)
    if isinstance(query, MultiTerm):
        words = expansions(query, reader)
        if not words:
            return NullQuery
        origin = Origin(_said(query), _how(query))
        terms = [_tag(Term(query.fieldname, word, boost=query.boost), origin) for word in words]
        if len(terms) == 1:
            return terms[0]
        # Preloading the matches of many terms is linear; Whoosh's default tree of unions
        # is quadratic in the number of terms (minutes for a few hundred).
        return PreloadedOr(terms)
    if query.is_leaf():
        return query
    return query.apply(lambda child: _rewrite(child, reader, names))


def _compound(query: Query) -> Query:
    """A compound word (`os.path`, `PerlIOBase_close`) as its whole, or its parts as a phrase:
    the index has the whole of each compound it saw (`os.path.join`), and its parts one after
    the other, so `os.path` is found inside `os.path.join` and in "os path" too."""
    from whoosh.query import Or, Phrase

    parts = [
        text
        for part in PART_RE.findall(query.text)
        if len(text := part) >= 2 and text not in STOP_WORDS
    ]
    if len(parts) < 2:
        return query
    return Or([query, Phrase(query.fieldname, parts, boost=query.boost)])


def expansions(query: Query, reader: IndexReader) -> list[str]:
    """The index words a wildcard, fuzzy or range term stands for: at most MAX_EXPANSIONS,
    the most frequent first, else in the index's order. Remembered per index generation."""
    key = (generation_key(reader), repr(query))  # (Whoosh's repr has every parameter)
    found = _EXPANSIONS.get(key)
    if found is None:
        found = _expand(query, reader)
        _EXPANSIONS[key] = found
        while len(_EXPANSIONS) > _EXPANSIONS_KEPT:
            _EXPANSIONS.popitem(last=False)
    return list(found)


_EXPANSIONS: OrderedDict[tuple[tuple[str, ...], str], tuple[str, ...]] = OrderedDict()
_EXPANSIONS_KEPT = 512


def generation_key(reader: IndexReader) -> tuple[str, ...]:
    """What identifies the words of an index: its segments (never changed once written)."""
    return tuple(
        str(getattr(leaf, "_segment", leaf).segment_id()) if hasattr(leaf, "_segment") else ""
        for leaf, _ in reader.leaf_readers()
    )


def _expand(query: Query, reader: IndexReader) -> tuple[str, ...]:
    """expansions(), uncached: from the vocabulary files for the text fields (one binary
    search and a slice per segment; edit distances by rapidfuzz), else through Whoosh."""
    from whoosh.query import FuzzyTerm, Prefix, Wildcard

    from library.vocabulary import FIELD_CODES, vocabulary

    fieldname = query.fieldname
    counts: dict[str, int] | None = None
    if fieldname in FIELD_CODES and type(query) in (FuzzyTerm, Prefix, Wildcard):
        words = vocabulary(reader)
        text = _text(query.text)
        if type(query) is FuzzyTerm:
            found = fuzzy_matches(words.words(fieldname, text[: query.prefixlength]), text,
                                  query.maxdist)  # fmt: skip
        else:
            pattern = None if type(query) is Prefix else re.compile(query._get_pattern())
            prefix = text if pattern is None else query._find_prefix(text)
            stats = words.prefixed(fieldname, prefix)
            found = [w for w in stats if pattern is None or pattern.match(w)]
            counts = {word: stats[word][0] for word in found}
    else:
        found = [_text(word) for word in query._btexts(reader)]
    if len(found) > MAX_EXPANSIONS:
        if counts is None:
            counts = {word: reader.doc_frequency(fieldname, word) for word in found}
        found.sort(key=counts.__getitem__, reverse=True)
        found = found[:MAX_EXPANSIONS]
    return tuple(found)


def fuzzy_matches(candidates: list[str], text: str, maxdist: int) -> list[str]:
    """The candidates within `maxdist` edits (Levenshtein, as Whoosh's fuzzy terms) of
    `text`, in the index's order. One edit (`word~`, the usual) is every word one edit away
    looked up among the candidates; more are compared by rapidfuzz (whose import alone costs
    a fresh `folio search` 30 ms)."""
    if maxdist == 1:
        words = set(candidates)
        letters = set("".join(words))
        return sorted(words.intersection(_one_edit(text, letters)))
    from rapidfuzz.distance import Levenshtein
    from rapidfuzz.process import extract

    near = extract(text, candidates, scorer=Levenshtein.distance, score_cutoff=maxdist, limit=None)
    return sorted(word for word, _, _ in near)


def _one_edit(text: str, letters: set[str]) -> set[str]:
    """`text` and every string one deletion, substitution or insertion (of `letters`) away."""
    splits = [(text[:i], text[i:]) for i in range(len(text) + 1)]
    found = {text}
    found.update(head + tail[1:] for head, tail in splits if tail)
    found.update(head + letter + tail[1:] for head, tail in splits if tail for letter in letters)
    found.update(head + letter + tail for head, tail in splits for letter in letters)
    return found


def _how(query: Query) -> str:
    """How a word a multi-term query stands for matched: "fuzzy", "range" or "wildcard"."""
    from whoosh.query import FuzzyTerm, TermRange

    if isinstance(query, FuzzyTerm):
        return "fuzzy"
    return "range" if isinstance(query, TermRange) else "wildcard"


def _said(query: Query) -> str:
    """A wildcard, fuzzy or range term as the user typed it."""
    from whoosh.query import FuzzyTerm, TermRange

    if isinstance(query, TermRange):  # `[2021 TO 2023]` on a text field
        return f"[{_text(query.start or '')} TO {_text(query.end or '')}]"
    text = _text(query.text)
    if isinstance(query, FuzzyTerm):
        return f"{text}~{query.maxdist}" if query.maxdist != 1 else f"{text}~"
    return text


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
    found = ConstantScoreQuery(PreloadedOr([Term(query.fieldname, w) for w in words]), query.boost)
    # The range itself, for library/evaluation.py: among a few candidates, a sortable field's
    # column answers faster than the terms' postings.
    found.folio_range = (query.fieldname, query.start, query.end, query.startexcl, query.endexcl)
    return found


def highlight_words(query: Query) -> set[str]:
    """Words of a (rewritten) query that a hit can contain: not those under NOT."""
    from whoosh.query import AndNot, Not, Phrase, Term

    if isinstance(query, Not):
        return set()
    if isinstance(query, AndNot):
        return highlight_words(query.a)
    if isinstance(query, Term | Phrase):
        if query.fieldname not in TEXT_FIELDS:
            return set()
        highlight = getattr(query, "folio_highlight", None)
        if highlight is not None:
            return {highlight}
        if isinstance(query, Term):
            return {_text(query.text)}
        return {_text(word) for word in query.words}
    words: set[str] = set()
    for child in query.children():
        words |= highlight_words(child)
    return words


def highlight_origins(query: Query) -> dict[str, Origin]:
    """For each highlighted word of a (rewritten) query that is not simply a word of the
    query, why it matches; keyed by `match_key` of the word. A word the query also has as
    typed is not listed (`afghanistan afgh*` matched "Afghanistan" as typed)."""
    origins: dict[str, Origin] = {}
    typed: set[str] = set()
    _collect_origins(query, origins, typed)
    return {key: origin for key, origin in origins.items() if key not in typed}


def _collect_origins(query: Query, origins: dict[str, Origin], typed: set[str]) -> None:
    """Fill `origins` with the tagged words of `query` (the first origin of a word wins)
    and `typed` with its words as typed; as highlight_words, nothing under NOT."""
    from whoosh.query import AndNot, Not, Phrase, Term

    if isinstance(query, Not):
        return
    if isinstance(query, AndNot):
        _collect_origins(query.a, origins, typed)
        return
    if isinstance(query, Term | Phrase):
        keys = {match_key(word) for word in highlight_words(query)}
        origin: Origin | None = getattr(query, "folio_origin", None)
        if origin is None:
            typed.update(keys)
            return
        for key in keys:
            origins.setdefault(key, origin)
        return
    for child in query.children():
        _collect_origins(child, origins, typed)


def match_key(text: str) -> str:
    """A matched or highlighted word compared without case, accents, hyphens or spaces
    (`ISIS K`, `ISIS-K` and `isisk` are one)."""
    return _NOT_LETTERS.sub("", fold(text))
