"""Full-text search: query parsing with clear errors, ranked hits, snippets, suggestions."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from library.aliases import AliasLookup, alias_lookup
from library.articles import articles_by_ids
from library.errors import QueryError
from library.index import READ_ERRORS
from library.index_schema import DEFAULT_FIELDS, FIELD_ALIASES, NOTE_KIND, QUERY_FIELDS, fold
from library.query_rewrite import (
    Origin,
    highlight_origins,
    highlight_words,
    match_key,
    rewrite_query,
)
from library.snippets import Snippet, find_matches, make_snippets
from library.store import Library
from library.variants import suggest_spelling

if TYPE_CHECKING:
    # Whoosh ships no type information: to mypy these names are Any.
    from whoosh.fields import Schema
    from whoosh.qparser import QueryParser
    from whoosh.query import Query
    from whoosh.reading import IndexReader
    from whoosh.searching import Searcher

SORTS = ("score", "date")
_FIELD_NAME = re.compile(r"(?<![\w\"'])([A-Za-z_]+):")
_LONG_FUZZY_WORD = 5
_OPERATORS = re.compile(r"\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b")
# Spelling suggestions cost a Levenshtein automaton per unknown word, growing with its
# length: a pasted paragraph took minutes. Past these bounds a query gets no suggestion.
SUGGEST_MAX_CHARS = 200
SUGGEST_MAX_WORD = 30
SUGGEST_SECONDS = 0.5
_OPERATOR_AHEAD = r"(?!(?:AND|OR|NOT|ANDNOT|ANDMAYBE|TO)\b)"
# `al Zawahiri` (the Arabic article as a word of its own) is `Zawahiri`.
_ARTICLE_WORD = re.compile(rf"(?<![\w:\-])(?:al|el|ul)\s+{_OPERATOR_AHEAD}(?=[^\W\d_])", re.I)
# `ISIS K` (a word and a single capital) is the one form `ISIS-K`.
_CAPITAL_AFTER_WORD = re.compile(rf"(?<![\w:]){_OPERATOR_AHEAD}(\w{{2,}}) ([A-Z])(?![\w:*?~])")
# `Abdul Rahman`, `Abd al-Rahman`: one name (see variants.COMPOUND_NAME_RE).
_COMPOUND_NAME = re.compile(
    r"(?<![\w:-])(Ab(?:d(?:ul|el|al|ur|ar)?|ou|u)) (?:([ae]l|ul)[- ])?([A-Z]\w{2,})(?![\w:*?~])"
)
# Hyphenated words of a query, to highlight as written (the index has them joined too).
_COMPOUND = re.compile(r"[^\W\d_][\w.]*(?:(?:[-‐]|['’`ʼ](?=\w\w))\w[\w.]*)+")


@dataclass(frozen=True)
class Matched:
    """What a highlighted word of a hit is: the query's word it matched, and how."""

    query: str
    found: str
    how: str  # "exact", "form", "variant", "alias", "wildcard", "fuzzy" or "range"

    def to_json(self) -> dict[str, str]:
        """As plain JSON data."""
        return {"query": self.query, "found": self.found, "how": self.how}


@dataclass
class Hit:
    """One article that matched."""

    id: str
    citekey: str
    title: str | None
    authors: list[str]
    date: str | None
    site: str | None
    score: float
    snippets: list[Snippet] = field(default_factory=list)
    matched: list[Matched] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The hit as plain JSON data."""
        return {
            "id": self.id,
            "citekey": self.citekey,
            "title": self.title,
            "authors": self.authors,
            "date": self.date,
            "site": self.site,
            "score": round(self.score, 4),
            "snippets": [snippet.to_json() for snippet in self.snippets],
            "matched": [match.to_json() for match in self.matched],
        }


@dataclass
class SearchResult:
    """The hits of one query, and a corrected query when nothing matched."""

    hits: list[Hit]
    suggestion: str | None = None
    # The index words the query matched, to find them elsewhere (an article's notes).
    words: frozenset[str] = frozenset()
    # Why each highlighted word that is not a word of the query matched (by match_key).
    origins: dict[str, Origin] = field(default_factory=dict)


def _strip_quoted(query: str) -> str:
    return re.sub(r'"[^"]*"', lambda m: " " * len(m.group()), query)


def validate_query(query: str) -> None:
    """Refuse what Whoosh would silently misread: no terms, unbalanced quotes or
    brackets, unknown field names."""
    if not re.search(r"\w", _OPERATORS.sub(" ", query)):
        raise QueryError("invalid query: it has no words to search for")
    if query.count('"') % 2:
        raise QueryError('invalid query: a quote (") is not closed')
    bare = _strip_quoted(query)
    depth = 0
    for char in bare:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            raise QueryError("invalid query: ')' without a matching '('")
    if depth:
        raise QueryError("invalid query: '(' is not closed")
    if bare.count("[") != bare.count("]") or bare.count("{") != bare.count("}"):
        raise QueryError("invalid query: a range bracket is not closed")
    for match in _FIELD_NAME.finditer(bare):
        name = match.group(1).lower()
        if match.end() == len(query) or query[match.end()].isspace():
            raise QueryError(f"invalid query: '{match.group(1)}:' has no value after it")
        if FIELD_ALIASES.get(name, name) not in QUERY_FIELDS:
            known = ", ".join(sorted(QUERY_FIELDS | set(FIELD_ALIASES)))
            raise QueryError(f"invalid query: unknown field '{match.group(1)}:' (fields: {known})")


def build_parser(schema: Schema) -> QueryParser:
    """The query parser: AND by default, fuzzy `word~`, field aliases, `<`/`>` ranges."""
    from whoosh import qparser

    class FixedPrefixFuzzyPlugin(qparser.FuzzyTermPlugin):
        """`word~` keeps the first letter (two, for words of five or more) unless a prefix
        length is given: the same hits in practice, for a tenth of the vocabulary scan."""

        class FuzzyTermNode(qparser.FuzzyTermPlugin.FuzzyTermNode):
            def __init__(self, wordnode: Any, maxdist: int, prefixlength: int | None) -> None:
                if prefixlength is None:
                    prefixlength = 2 if len(wordnode.text) >= _LONG_FUZZY_WORD else 1
                super().__init__(wordnode, maxdist, prefixlength)

        def create(self, parser: Any, match: Any) -> Any:
            node = super().create(parser, match)
            if not match.group("prefix"):
                node.prefixlength = None
            return node

    parser = qparser.MultifieldParser(list(DEFAULT_FIELDS), schema)
    parser.add_plugin(FixedPrefixFuzzyPlugin())
    parser.add_plugin(qparser.GtLtPlugin())
    aliases: dict[str, list[str]] = {}
    for alias, name in FIELD_ALIASES.items():
        aliases.setdefault(name, []).append(alias)
    parser.add_plugin(qparser.FieldAliasPlugin(aliases))
    return parser


def parse_query(query: str, schema: Schema) -> Query:
    """Parse `query` in Whoosh syntax; QueryError with the reason when it is malformed."""
    validate_query(query)
    # Field names are case-insensitive for people ("Title:drones").
    query = _FIELD_NAME.sub(lambda m: f"{m.group(1).lower()}:", query)
    try:
        parsed = build_parser(schema).parse(query)
    except Exception as exc:  # Whoosh raises bare ValueErrors and worse on odd input
        raise QueryError(f"invalid query: {exc}") from None
    for node in _walk(parsed):
        error = getattr(node, "error", None)
        if error:
            raise QueryError(f"invalid query: {error}")
    return parsed


def _walk(query: Query) -> list[Query]:
    nodes = [query]
    for child in query.children() if hasattr(query, "children") else ():
        nodes.extend(_walk(child))
    return nodes


def prepare_query(query: str, exact: bool = False) -> str:
    """The query as the parser should read it: `ISIS K` as `ISIS-K`, and (unless `exact`)
    `al Zawahiri` as `Zawahiri`. Quoted phrases are left as typed."""
    parts = re.split(r'("[^"]*")', query)
    for index in range(0, len(parts), 2):
        text = _CAPITAL_AFTER_WORD.sub(r"\1-\2", parts[index])
        if not exact:
            # One word, looked up with its spellings (Abdurrahman, Abd al-Rahman).
            text = _COMPOUND_NAME.sub(lambda m: "".join(filter(None, m.groups())), text)
            text = _ARTICLE_WORD.sub("", text)
        parts[index] = text
    return "".join(parts)


@dataclass
class Matches:
    """Index documents that matched a query, best first, and how to highlight them."""

    documents: list[tuple[dict[str, Any], float]]
    words: frozenset[str]
    suggestion: str | None = None
    origins: dict[str, Origin] = field(default_factory=dict)


def match_documents(
    library: Library,
    query: str,
    *,
    limit: int | None,
    sort: str = "score",
    notes: bool = False,
    exact: bool = False,
) -> Matches:
    """Run `query` against the articles' documents, or (`notes`) the annotations' ones.
    Unless `exact`, words also match their spelling variants and the library's aliases."""
    from whoosh.query import QueryError as WhooshQueryError
    from whoosh.query import Term

    if sort not in SORTS:
        raise QueryError(f"invalid sort '{sort}' (choose from {', '.join(SORTS)})")
    library.ensure_index()
    searcher = library.index.searcher()
    runnable, parsed, aliases = _runnable(library, searcher, query, exact)
    notes_only = Term("kind", NOTE_KIND)
    options: dict[str, Any] = {"limit": limit}
    options["filter" if notes else "mask"] = notes_only
    if sort == "date":
        options.update(sortedby="date", reverse=True)
    try:
        found = [(dict(hit), hit.score or 0.0) for hit in searcher.search(runnable, **options)]
    except READ_ERRORS as exc:
        raise library.index.damaged(exc) from None
    except WhooshQueryError as exc:  # found only when run: a phrase on a field without positions
        raise QueryError(f"invalid query: {exc}") from None
    suggestion = None
    if not found:
        suggestion = _suggest(searcher, parsed, query, aliases or alias_lookup(library.conn))
    return Matches(found, _highlights(runnable, query), suggestion, highlight_origins(runnable))


def _runnable(
    library: Library, searcher: Searcher, query: str, exact: bool
) -> tuple[Query, Query, AliasLookup | None]:
    """The query parsed and rewritten to run; the parsed query; the aliases it used."""
    validate_query(query)
    parsed = parse_query(prepare_query(query, exact), searcher.schema)
    aliases = None if exact else alias_lookup(library.conn)
    runnable = rewrite_query(parsed, searcher.reader(), exact=exact, aliases=aliases)
    return runnable, parsed, aliases


def _highlights(runnable: Query, query: str) -> frozenset[str]:
    """The words to highlight: the rewritten query's, and its hyphenated words as typed
    (`ISIS-K` runs as `isisk`, which the text writes with its hyphen)."""
    words = highlight_words(runnable)
    typed = {fold(m.group()) for m in _COMPOUND.finditer(query)}
    return frozenset(words | {c for c in typed if match_key(c) in words})


def search(
    library: Library,
    query: str,
    *,
    limit: int = 10,
    sort: str = "score",
    snippets: int = 2,
    exact: bool = False,
) -> SearchResult:
    """Run `query` and return ranked hits with snippets cut from the stored text; unless
    `exact`, spelling variants and aliases of its words match too (ranked below the words
    as typed) and each hit says which matched."""
    matches = match_documents(library, query, limit=limit, sort=sort, exact=exact)
    found = [(fields["id"], score) for fields, score in matches.documents]
    stored = articles_by_ids(library.conn, [article_id for article_id, _ in found])
    hits = []
    for article_id, score in found:
        article = stored.get(article_id)
        if article is None:  # deleted since the index was read; the outbox will catch up
            continue
        cut = make_snippets(article.text, matches.words, snippets) if snippets else []
        hits.append(
            Hit(
                id=article.id,
                citekey=article.citekey,
                title=article.title,
                authors=article.authors,
                date=article.date,
                site=article.site,
                score=score,
                snippets=cut,
                matched=matched_words(article.text, cut, matches.origins),
            )
        )
    return SearchResult(hits, matches.suggestion, matches.words, matches.origins)


def matched_words(text: str, snippets: list[Snippet], origins: dict[str, Origin]) -> list[Matched]:
    """What each highlighted word of the snippets is, once per spelling found."""
    seen: dict[tuple[str, str], Matched] = {}
    for snippet in snippets:
        for start, end in snippet.highlights:
            written = text[start:end]
            key = match_key(written)
            origin = origins.get(key) or Origin(key, "exact")
            seen.setdefault((origin.query, key), Matched(origin.query, written, origin.how))
    return list(seen.values())


def matched_spans(
    library: Library, query: str, text: str, exact: bool = False
) -> list[tuple[int, int]]:
    """Where `query`'s words are in `text`, as snippets highlight them (for showing a whole
    article with the matches marked)."""
    library.ensure_index()
    searcher = library.index.searcher()
    runnable, _, _ = _runnable(library, searcher, query, exact)
    words = _highlights(runnable, query)
    return [(start, end) for start, end, _ in find_matches(text, words)]


def _suggest(
    searcher: Searcher, parsed: Query, query: str, aliases: AliasLookup | None
) -> str | None:
    """A corrected query when nothing matched: a spelling of a word that the library uses
    (or an alias) first, then the closest words of the index's vocabulary; none for a query
    too long to correct in reasonable time (see SUGGEST_MAX_CHARS)."""
    if len(query) > SUGGEST_MAX_CHARS:
        return None
    deadline = time.monotonic() + SUGGEST_SECONDS
    reader = searcher.reader()
    spelled = _suggest_spelling(reader, parsed, query, aliases, deadline)
    if spelled is not None:
        return spelled
    correctors = {
        name: _BoundedCorrector(reader.corrector(name), deadline)
        for name in searcher.schema.names()
    }
    try:
        corrected = searcher.correct_query(parsed, query, correctors, prefix=1, maxdist=2)
    except Exception:
        return None
    text = corrected.string
    return text if text and text != query else None


def _suggest_spelling(
    reader: IndexReader, parsed: Query, query: str, aliases: AliasLookup | None, deadline: float
) -> str | None:
    """`query` with its first unknown word replaced by a spelling of the same name that the
    library uses (or an alias), within the same bounds as the edit-distance suggestions."""
    from whoosh.query import Term

    lowered = query.lower()
    for node in _walk(parsed):
        if time.monotonic() > deadline:
            return None
        if not (type(node) is Term and node.fieldname == "body"):
            continue
        word = node.text
        if len(word) > SUGGEST_MAX_WORD or reader.doc_frequency("body", word):
            continue
        if word not in lowered:
            continue
        better = suggest_spelling(reader, word, aliases)
        if better:
            return _replace_word(query, word, f'"{better}"' if " " in better else better)
    return None


def _replace_word(query: str, word: str, replacement: str) -> str:
    """`query` with its first `word` (as a whole word, any case) replaced."""
    pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.I)
    return pattern.sub(lambda _match: replacement, query, count=1)


class _BoundedCorrector:
    """A field's Whoosh corrector that suggests nothing for a word over SUGGEST_MAX_WORD
    letters or once the deadline has passed (Whoosh only calls `suggest`)."""

    def __init__(self, inner: Any, deadline: float) -> None:
        self.inner = inner
        self.deadline = deadline

    def suggest(self, text: str, limit: int = 5, maxdist: int = 2, prefix: int = 0) -> list[str]:
        """The inner corrector's suggestions, within the bounds."""
        if len(text) > SUGGEST_MAX_WORD or time.monotonic() > self.deadline:
            return []
        return list(self.inner.suggest(text, limit=limit, maxdist=maxdist, prefix=prefix))
