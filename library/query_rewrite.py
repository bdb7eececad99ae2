"""Rewriting parsed queries before they run: other word forms, bounded multi-term queries,
and the words a hit's snippets should highlight."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, NamedTuple

from library.aliases import AliasLookup
from library.index_schema import fold
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
        words = [_text(word) for word in query._btexts(reader)]
        if len(words) > MAX_EXPANSIONS:
            words.sort(key=lambda word: reader.doc_frequency(query.fieldname, word), reverse=True)
            words = words[:MAX_EXPANSIONS]
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
    return ConstantScoreQuery(PreloadedOr([Term(query.fieldname, w) for w in words]), query.boost)


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
