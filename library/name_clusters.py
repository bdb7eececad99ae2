"""`folio names`: the names a library spells in more than one way, found in the index's
`names` field (a dictionary of name-like words as `KEY|word` terms); how many articles use
each spelling, and which, comes from the body's own index words."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from library.index_schema import NOTE_KIND
from library.store import Library
from library.variants import (
    KEY_SEPARATOR,
    WEAK_MARK,
    index_words,
    is_variant,
    rare_spelling,
    spelling,
    split_term,
)

# A key with more spellings than this is compared by exact spelling only (pairwise
# comparison is quadratic, and such keys are short and mostly unrelated words).
_MAX_GROUP = 200
_ARTICLES_LISTED = 20


@dataclass
class NameSpelling:
    """One spelling of a name: as written in the library, and the articles that use it."""

    word: str  # as the index has it: folded, lower case
    written: str  # as an article writes it
    count: int  # articles
    articles: list[tuple[str, str]] = field(default_factory=list)  # (id, citekey), the first 20

    def to_json(self) -> dict[str, object]:
        """As plain JSON data."""
        return {
            "spelling": self.written,
            "count": self.count,
            "articles": [{"id": i, "citekey": k} for i, k in self.articles],
        }


@dataclass
class NameCluster:
    """Spellings of one name, most used first."""

    spellings: list[NameSpelling]

    @property
    def total(self) -> int:
        """Articles that use any of the spellings (an article using two counts twice)."""
        return sum(s.count for s in self.spellings)

    @property
    def usefulness(self) -> tuple[int, int]:
        """How much an alias set would help: articles a search for the most used spelling
        misses, then the articles in all."""
        return (self.total - self.spellings[0].count, self.total)

    def to_json(self) -> dict[str, object]:
        """As plain JSON data."""
        return {"total": self.total, "spellings": [s.to_json() for s in self.spellings]}


def name_clusters(library: Library, min_count: int = 1) -> list[NameCluster]:
    """The clusters of spelling variants in the library, most useful first. Spellings in
    fewer than `min_count` articles are left out, and clusters left with one spelling."""
    library.ensure_index()
    searcher = library.index.searcher()
    reader = searcher.reader()
    groups: dict[str, dict[str, bool]] = defaultdict(dict)  # key → word → strong
    for term in reader.lexicon("names") if "names" in reader.schema else ():
        text = term.decode("utf-8") if isinstance(term, bytes) else term
        key, word = split_term(text)
        strong = not text.partition(KEY_SEPARATOR)[2].startswith(WEAK_MARK)
        groups[key][word] = groups[key].get(word, False) or strong
    clusters = []
    for entries in groups.values():
        words = [w for w, strong in entries.items() if strong or rare_spelling(reader, w)]
        if len(words) < 2:
            continue
        for members in _variant_groups(words):
            # al-Qaeda and Qaeda are one index word (the article is not indexed): one spelling.
            by_words = {tuple(index_words(word)): word for word in sorted(members, reverse=True)}
            spellings = [_spelling(searcher, word) for word in by_words.values()]
            kept = [s for s in spellings if s.count >= min_count]
            if len(kept) >= 2:
                kept.sort(key=lambda s: (-s.count, s.word))
                clusters.append(NameCluster(kept))
    clusters.sort(key=lambda c: (-c.usefulness[0], -c.usefulness[1], c.spellings[0].word))
    _fill_written(library, clusters)
    return clusters


def _variant_groups(words: list[str]) -> list[list[str]]:
    """`words` (one key's) split into groups of variants of each other (linked pairs)."""
    if len(words) > _MAX_GROUP:
        by_spelling: dict[str, list[str]] = defaultdict(list)
        for word in words:
            by_spelling[spelling(word).text].append(word)
        return [group for group in by_spelling.values() if len(group) > 1]
    parent = list(range(len(words)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    spelled = [spelling(word) for word in words]
    for i in range(len(words)):
        for j in range(i + 1, len(words)):
            if root(i) != root(j) and is_variant(spelled[i], spelled[j]):
                parent[root(j)] = root(i)
    groups: dict[int, list[str]] = defaultdict(list)
    for i, word in enumerate(words):
        groups[root(i)].append(word)
    return [group for group in groups.values() if len(group) > 1]


def _spelling(searcher: Any, word: str) -> NameSpelling:
    """A spelling with the articles whose text uses it (deleted ones and notes left out)."""
    from whoosh.query import Phrase, Term

    words = index_words(word)
    if not words:
        return NameSpelling(word, word, 0)
    reader = searcher.reader()
    articles: list[tuple[str, str]] = []
    count = 0
    if len(words) == 1:
        if ("body", words[0]) not in reader:
            return NameSpelling(word, word, 0)
        for docnum in reader.postings("body", words[0]).all_ids():
            if reader.is_deleted(docnum):
                continue
            fields = reader.stored_fields(docnum)
            if "id" not in fields:  # an annotation's document
                continue
            count += 1
            if len(articles) < _ARTICLES_LISTED:
                articles.append((fields["id"], fields.get("citekey", "")))
        return NameSpelling(word, word, count, articles)
    hits = searcher.search(Phrase("body", words), limit=None, mask=Term("kind", NOTE_KIND))
    for hit in hits:
        count += 1
        if len(articles) < _ARTICLES_LISTED:
            articles.append((hit["id"], hit.get("citekey", "")))
    return NameSpelling(word, word, count, articles)


def _fill_written(library: Library, clusters: list[NameCluster]) -> None:
    """Each spelling as its first article writes it (`Massoud`, not `massoud`)."""
    from library.snippets import find_matches

    for cluster in clusters:
        for item in cluster.spellings:
            if not item.articles:
                continue
            row = library.conn.execute(
                "SELECT text, coalesce(title, '') FROM articles WHERE id = ?",
                (item.articles[0][0],),
            ).fetchone()
            if row is None:
                continue
            for text in (row[1], row[0]):
                found = [text[a:b] for a, b, _ in find_matches(text, {item.word})]
                if found:  # as a name writes it, if it is ever written with a capital
                    item.written = next((w for w in found if not w[0].islower()), found[0])
                    break
