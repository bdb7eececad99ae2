"""`folio search --notes`: the annotations themselves, ranked, each with its article."""

from __future__ import annotations

from dataclasses import dataclass

from library.errors import NotFound
from library.search import match_documents
from library.snippets import find_matches
from library.store import Library
from notes.annotations import Annotation, get_annotation
from notes.claims import article_facts
from notes.reading import anchored_connection, read_annotations_of_articles


@dataclass
class NoteHit:
    """An annotation that matched, with where the query's words are in its quote and note."""

    annotation: Annotation
    score: float
    quote_highlights: list[tuple[int, int]]
    note_highlights: list[tuple[int, int]]
    date: str | None = None  # the article's publication date

    def to_json(self) -> dict[str, object]:
        """The hit as plain JSON data."""
        return {
            **self.annotation.to_json(),
            "date": self.date,
            "score": round(self.score, 4),
            "quote_highlights": [list(span) for span in self.quote_highlights],
            "note_highlights": [list(span) for span in self.note_highlights],
        }


def search_notes(
    library: Library, query: str, *, limit: int = 10, sort: str = "score", exact: bool = False
) -> list[NoteHit]:
    """Annotations matching `query` (same syntax as article search, spelling variants and
    aliases included unless `exact`), best first, or, with `sort="date"`, newest article
    first (as for articles)."""
    conn = anchored_connection(library)
    # By date, every match is read: the index would put notes on undated articles first.
    matches = match_documents(
        library,
        query,
        limit=None if sort == "date" else limit,
        notes=True,
        sort=sort,
        exact=exact,
    )
    hits = []
    for fields, score in matches.documents:
        try:
            annotation = get_annotation(conn, fields["nid"])
        except NotFound:  # deleted since the index was read; the outbox will catch up
            continue
        hits.append(
            NoteHit(
                annotation,
                score,
                _spans(annotation.exact or "", matches.words),
                _spans(annotation.note, matches.words),
            )
        )
    facts = article_facts(conn, [hit.annotation for hit in hits])
    for hit in hits:
        fact = facts.get(hit.annotation.article_id)
        hit.date = fact.date if fact else None
    if sort == "date":  # newest first, as for articles; undated last
        hits.sort(key=lambda hit: hit.date or "", reverse=True)
        hits = hits[:limit]
    return hits


def notes_matching(
    library: Library, article_ids: list[str], words: frozenset[str]
) -> dict[str, list[NoteHit]]:
    """The notes of these articles whose passage, note or tags hold the query's words (to
    show under each article a search found), by article id."""
    found: dict[str, list[NoteHit]] = {}
    for note in read_annotations_of_articles(library, article_ids):
        quote = _spans(note.exact or "", words)
        text = _spans(note.note, words)
        tagged = bool(_spans(" ".join(note.tags), words))
        if quote or text or tagged:
            found.setdefault(note.article_id, []).append(NoteHit(note, 0.0, quote, text))
    return found


def _spans(text: str, words: frozenset[str]) -> list[tuple[int, int]]:
    return [(start, end) for start, end, _ in find_matches(text, words)]
