"""The fast paths of search give the slow paths' results: queries evaluated over whole posting
lists (library/evaluation.py) rank exactly as Whoosh's matchers scoring every document, and
wildcard and fuzzy terms expanded from the vocabulary files (library/vocabulary.py) stand
for the words Whoosh's own expansion finds. On a small library of generated articles with
enough documents per word for several blocks of postings, and with annotations, a deleted
article, names with spelling variants, an alias set and compound words."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from library.aliases import add_aliases
from library.evaluation import top_documents
from library.importing import Source, import_sources
from library.index_schema import NOTE_KIND
from library.query_rewrite import MAX_EXPANSIONS, _expand, _text
from library.search import _runnable, parse_query, prepare_query, search
from library.store import Library

WORDS = (
    "river bank flood gate canal lock water stone bridge mill engine pump steam valve "
    "harbour barge towpath keeper level sluice weir channel basin dredge silt tide "
    "memory kernel module process thread signal buffer cache driver device"
).split()
NAMES = ["Massoud", "Masood", "Masud", "Gaddafi", "Qaddafi", "Kadhafi"]
COMPOUNDS = ["importlib.machinery.BuiltinLoader", "PerlIOBase_close", "userfunc.c", "U.S.",
             "e.g.", "example.com", "@nytimes", "#canals", "joe@example.org"]  # fmt: skip


def _article(rng: random.Random, number: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(40, 160))]
    for _ in range(rng.randint(0, 3)):
        words.insert(rng.randrange(len(words)), rng.choice(NAMES + COMPOUNDS))
    if number % 7 == 0:
        words[10:10] = ["flood", "gate", "keeper"]  # a phrase in some articles
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6))).capitalize()
    year = 2000 + number % 25
    return f"{title}\n\nBy Ana Keeper{number % 5}\n{year}-0{1 + number % 9}-1{number % 9}\n\n" + (
        " ".join(words) + ".\n"
    )


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    rng = random.Random(16)
    library = Library(Path(tmp_path_factory.mktemp("speed")) / "lib")
    sources = [
        Source(name=f"a{n}.txt", path=None, data=_article(rng, n).encode()) for n in range(320)
    ]
    articles = [result.article for result in import_sources(library, sources) if result.article]
    from library.articles import delete_article
    from notes.annotations import Passage, add_annotation

    with library.write() as conn:
        for article in articles[:5]:
            add_annotation(conn, article, Passage(None), note="a note about the flood gate keeper")
        add_aliases(conn, "lock", ["sluice gate", "weir"])
        delete_article(conn, articles[-1])
    yield library
    library.close()


QUERIES = [
    "flood", "memory kernel", '"flood gate"', '"flood gate keeper"', '"gate flood"',
    "flood NOT gate", "flood AND NOT \"flood gate\"", "(river OR canal) AND NOT lock",
    "riv*", "ca*", "*ock", "fl?od", "lok~", "engne~2", "canal~", "title:river", "author:keeper1",
    "flood date:[2005 TO 2010]", "date:2003", "water date:>2020", "masood", "gadafi", "lock",
    "builtinloader", "importlib.machinery.BuiltinLoader", "perliobase", "userfunc.c",
    "U.S.", "@nytimes", "#canals", "example.com", "tag:x*", "keeper ANDMAYBE flood",
]  # fmt: skip


def _whoosh_ranking(searcher, query, limit, **options):  # type: ignore[no-untyped-def]
    """Whoosh scoring every document (its top-k collector can drop documents from unions:
    the exhaustive ranking is the reference)."""
    hits = [(hit.docnum, hit.score) for hit in searcher.search(query, limit=None, **options)]
    hits.sort(key=lambda hit: (-hit[1], hit[0]))
    return hits if limit is None else hits[:limit]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("exact", [False, True])
def test_evaluation_ranks_as_whoosh_scoring_every_document(
    filled: Library, query: str, exact: bool
) -> None:
    from whoosh.query import Term

    searcher = filled.index.searcher()
    runnable, _, _ = _runnable(filled, searcher, query, exact)
    for limit in (1, 3, 10, None):
        for options in ({"mask": Term("kind", NOTE_KIND)}, {"filter": Term("kind", NOTE_KIND)}):
            fast_options = {"mask" if "mask" in options else "only": Term("kind", NOTE_KIND)}
            fast = top_documents(searcher, runnable, limit=limit, **fast_options)
            if fast is None:  # a shape left to Whoosh
                assert query.startswith("keeper ANDMAYBE")
                continue
            slow = _whoosh_ranking(searcher, runnable, limit, **options)
            assert [doc for doc, _ in fast] == [doc for doc, _ in slow], (query, limit)
            for (_, mine), (_, theirs) in zip(fast, slow, strict=True):
                assert mine == pytest.approx(theirs, rel=1e-9)


@pytest.mark.parametrize("query", [q for q in QUERIES if any(c in q for c in "*?~")])
def test_expansions_are_the_words_whoosh_expands_to(filled: Library, query: str) -> None:
    from whoosh.query import MultiTerm

    searcher = filled.index.searcher()
    reader = searcher.reader()
    parsed = parse_query(prepare_query(query, True), searcher.schema)
    leaves = [parsed] if parsed.is_leaf() else list(parsed.leaves())
    checked = 0
    for leaf in leaves:
        if not isinstance(leaf, MultiTerm):
            continue
        whoosh = [_text(word) for word in leaf._btexts(reader)]
        if len(whoosh) > MAX_EXPANSIONS:
            whoosh.sort(key=lambda w: reader.doc_frequency(leaf.fieldname, w), reverse=True)
            whoosh = whoosh[:MAX_EXPANSIONS]
        assert list(_expand(leaf, reader)) == whoosh, leaf
        checked += 1
    assert checked


def test_a_word_in_many_blocks_is_read_only_where_needed(filled: Library) -> None:
    """`memory kernel`: both words are in most articles (several blocks of postings each);
    the AND reads the second only in blocks holding a document with the first."""
    from library.postings import segments, term_postings

    searcher = filled.index.searcher()
    segment = max(segments(searcher), key=lambda segment: segment.reader.doc_count_all())
    postings = term_postings(segment, "body", "kernel")
    assert postings is not None and len(postings.blocks) >= 2
    few = postings.ids()[-3:]  # in the last block
    again = term_postings(segment, "body", "kernel")
    assert again is not None and again.ids(few) == few
    read = [block.head is not None or block.positions is not None for block in again.blocks]
    assert read[-1:] == [True]
    assert sum(read) == 1  # that block alone
    # Its ids and weights alone: the positions are decoded where a phrase asks for them.
    assert again.blocks[-1].positions is None
    assert again.positions_of(few) and again.blocks[-1].positions is not None


def test_fast_postings_are_whoosh_matchers_postings(filled: Library) -> None:
    """Every block of every word of every text field, read a block at a time from Folio's
    layout (ids and weights, positions apart), holds what Whoosh's matcher reads: the same
    documents, weights and positions."""
    from library.postings import segments, term_postings

    searcher = filled.index.searcher()
    checked = 0
    for segment in segments(searcher):
        reader = segment.reader
        for fieldname in ("title", "authors", "body", "notes"):
            for word in reader.lexicon(fieldname):
                postings = term_postings(segment, fieldname, word)
                first = term_postings(segment, fieldname, word)
                assert postings is not None and first is not None
                ids = postings.ids()  # from the blocks' heads
                weights = [w for block in postings.blocks for w in postings._head(block)[1]]
                positions = first.positions_of(ids)  # positions first
                matcher = reader.postings(fieldname, word)
                theirs = []
                while matcher.is_active():
                    found = set(matcher.value_as("positions"))
                    theirs.append((matcher.id(), matcher.weight(), found))
                    matcher.next()
                mine = zip(ids, weights, [positions[doc] for doc in ids], strict=True)
                # (Whoosh's matcher leaves the deleted article out; its postings stay until a
                # merge)
                assert [post for post in mine if post[0] not in segment.deleted] == theirs
                if ids:
                    assert first.positions(ids[-1]) == positions[ids[-1]]
                checked += len(postings.blocks) > 1
    assert checked  # words with several blocks among them


def test_postings_of_another_codec_are_read_through_whoosh(
    filled: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A segment not written in Folio's layout (another codec; inlined postings) is read
    through Whoosh's matcher, with the same postings."""
    from library import postings as module

    searcher = filled.index.searcher()
    segment = max(module.segments(searcher), key=lambda segment: segment.reader.doc_count_all())
    fast = module.term_postings(segment, "body", "kernel")
    monkeypatch.setattr(module, "FolioCodec", type("Other", (), {}))
    decoded = module.term_postings(segment, "body", "kernel")
    assert fast is not None and decoded is not None and decoded._stored is None
    ids = fast.ids()
    assert ids == decoded.ids() and len(decoded.blocks) == len(fast.blocks)
    assert fast.positions_of(ids) == decoded.positions_of(ids)
    assert fast.weights_of(ids) == decoded.weights_of(ids)
    assert decoded.positions(ids[0]) == fast.positions(ids[0])


def test_a_shape_found_unsupported_midway_is_left_to_whoosh(filled: Library) -> None:
    """A phrase on a field without positions (tags) passes the shape check and is found
    unsupported only while evaluating: the evaluation steps aside (None), so Whoosh runs
    the query and says what is wrong, rather than an exception escaping from here."""
    from whoosh.query import And, Phrase, Term

    searcher = filled.index.searcher()
    phrase = Phrase("tags", ["flood", "gate"])
    assert top_documents(searcher, phrase, limit=10) is None
    assert top_documents(searcher, And([Term("body", "flood"), phrase]), limit=None) is None


def test_search_results_are_the_same_through_either_path(
    filled: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole search (snippets, matched words) gives the same hits with the evaluation
    switched off (every query through Whoosh, scoring every document)."""
    import library.evaluation as evaluation

    evaluated = [q for q in QUERIES if "ANDMAYBE" not in q]  # (Whoosh runs that one anyway)
    fast = {q: [(h.id, round(h.score, 6)) for h in search(filled, q, limit=50).hits]
            for q in evaluated}  # fmt: skip
    monkeypatch.setattr(evaluation, "top_documents", lambda *args, **kwargs: None)
    monkeypatch.setattr(evaluation, "_check", lambda query: None)
    import whoosh.searching

    real = whoosh.searching.Searcher.search

    def exhaustive(self, query, limit=10, **options):  # type: ignore[no-untyped-def]
        return real(self, query, limit=None, **options)

    monkeypatch.setattr(whoosh.searching.Searcher, "search", exhaustive)
    for query in evaluated:
        slow = [(h.id, round(h.score, 6)) for h in search(filled, query, limit=None).hits]
        slow.sort(key=lambda hit: -hit[1])
        assert {i for i, _ in fast[query]} <= {i for i, _ in slow}, query
        assert sorted(s for _, s in fast[query]) == sorted(s for _, s in slow[:50]), query


# --------------------------------------------------------------------------------------------
# Compound words


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("builtinloader", True),
        ("BuiltinLoader", True),
        ("importlib.machinery.BuiltinLoader", True),
        ("machinery.BuiltinLoader", True),  # a part of the compound: its words in a row
        ("importlib", True),
        ("perliobase", True),
        ("PerlIOBase_close", True),
        ("userfunc", True),
        ("userfunc.c", True),
        ("U.S.", True),
        ("e.g.", True),
        ("example.com", True),
        ("@nytimes", True),
        ("nytimes", True),
        ("#canals", True),
        ("joe@example.org", True),
        ("machinery.importlib", False),
    ],
)
def test_compound_words_are_found_by_their_parts_and_whole(
    filled: Library, query: str, found: bool
) -> None:
    hits = search(filled, query, limit=400, exact=True).hits
    assert bool(hits) == found, query
    if found:
        assert all(h.snippets and h.snippets[0].highlights for h in hits[:5]), query


def test_a_compound_word_is_highlighted_whole_and_its_parts_alone(filled: Library) -> None:
    hit = search(filled, "builtinloader", exact=True).hits[0]
    marked = {hit.snippets[0].text[a - hit.snippets[0].start : b - hit.snippets[0].start]
              for a, b in hit.snippets[0].highlights}  # fmt: skip
    assert marked == {"BuiltinLoader"}
    hit = search(filled, "PerlIOBase_close", exact=True).hits[0]
    snippet = hit.snippets[0]
    marked = {snippet.text[a - snippet.start : b - snippet.start] for a, b in snippet.highlights}
    assert marked == {"PerlIOBase_close"}


def test_the_cycle_collector_waits_while_a_query_runs_and_is_left_as_it_was(
    filled: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The evaluation holds Python's cycle collector off (its lists and dicts of numbers
    make no cycles, and the collector's passes over them cost a phrase up to a fifth of its
    time) and gives it back as it found it, also when the query fails."""
    import gc

    from library import evaluation

    seen: list[bool] = []
    original = evaluation._top_documents

    def watched(*args: object) -> list[tuple[int, float]]:
        seen.append(gc.isenabled())
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(evaluation, "_top_documents", watched)
    assert gc.isenabled()
    assert search(filled, '"memory kernel" OR lock').hits
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        search(filled, "memory")
        assert not gc.isenabled()  # (whoever turned it off keeps it off)
    finally:
        gc.enable()

    def failing(*args: object) -> list[tuple[int, float]]:
        raise evaluation.Unsupported("midway")

    monkeypatch.setattr(evaluation, "_top_documents", failing)
    assert search(filled, "memory").hits  # (through Whoosh)
    assert gc.isenabled()
