"""Shared passages found at import: fingerprints, alignment, the stored links and their
upkeep when texts change, go, or were imported before Folio looked for them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from library.alignment import align, segments_match
from library.database import SCHEMA_VERSION, transaction
from library.fingerprints import Segmented, comparable, segments, skeleton, text_prints
from library.importing import Source, import_sources
from library.passage_links import covered_length, kind_of, links_of, pending_count
from library.passages import COMMON, catch_up
from library.related import related_articles
from library.store import Library
from tests.conftest import write

DATA = Path(__file__).parent / "data" / "passages"

PARAGRAPHS = [
    "The harbour authority said on Monday that the northern pier would close for repairs "
    "until the end of the year, after divers found deep cracks in its concrete piles.",
    "Fishing crews who land their catch at the pier were told to use the southern quay, "
    "which is smaller and already crowded with ferries during the summer months.",
    "A spokesman for the crews said the decision had been taken without consulting them "
    "and that several boats would have to sail to the next town to sell their fish.",
]


def _import(library: Library, *texts: tuple[str, str]) -> list[int]:
    """Import texts as plain-text files (name, text); their article pks."""
    sources = [Source(name=name, path=None, data=text.encode()) for name, text in texts]
    return [result.article.pk for result in import_sources(library, sources) if result.article]


_WORDS = (
    "orchard lantern quarry violet harbour meadow copper tunnel saddle glacier pepper "
    "ribbon falcon marble cellar thistle compass blanket walnut canyon ferry shovel "
    "trumpet kettle beacon garnet lizard parcel velvet anchor cobalt pumpkin"
).split()


def _article(title: str, *paragraphs: str) -> str:
    """A plain-text article: a headline, a sentence of its own (words drawn by the title),
    then `paragraphs`."""
    import random

    drawn = random.Random(title).sample(_WORDS, 12)
    own = f"The {' '.join(drawn[:6])} and the {' '.join(drawn[6:])} were seen here."
    return f"{title}\n\n{own}\n\n" + "\n\n".join(paragraphs) + "\n"


# --- fingerprints ---------------------------------------------------------------------


def test_segments_are_sentences_and_the_quote_after_a_colon_with_their_offsets() -> None:
    text = "He told the paper: “We will stay. The pier is ours.” Then he left.\nNew line here"
    found = segments(text)
    assert [text[s.start : s.end] for s in found] == [
        "He told the paper:",
        "“We will stay.",
        "The pier is ours.”",
        "Then he left.",
        "New line here",
    ]
    assert found[1].words == "we will stay"


def test_skeletons_make_spellings_and_transliterations_agree() -> None:
    assert skeleton(comparable("Ahmad Massoud")) == skeleton(comparable("Ahmad Masood"))
    assert skeleton(comparable("the jihadists")) == skeleton(comparable("the Jahidists"))
    assert skeleton(comparable("to realise")) == skeleton(comparable("to realize"))
    assert comparable("Масуд") == "masud"  # another script, transliterated


def test_copies_of_a_sentence_share_a_print_and_unrelated_ones_do_not() -> None:
    one = "Preparations are under way, that's for sure, and they are planning something big."
    two = "But preparations are underway, that's for sure, and they are planning something big."
    other = "The harbour authority closed the northern pier after divers found deep cracks."
    prints = [{value for value, _ in text_prints(segments(t)).prints} for t in (one, two, other)]
    assert prints[0] & prints[1]
    assert not prints[0] & prints[2]
    assert segments_match(comparable(one), comparable(two))
    assert not segments_match(comparable(one), comparable(other))


def test_alignment_follows_changed_words_and_leaves_out_a_lead_in() -> None:
    mine = Segmented.of(
        "Unrelated opening sentence about the weather in the hills today.\n"
        "Explaining his view, the mayor said that in the harbour “there will inevitably be a "
        "clash between the fishermen, the ferry companies and the authority, that is, "
        "unfortunately, a long dispute”."
    )
    theirs = Segmented.of(
        "In the harbour, there will inevitably be a clash between the fishermen, the ferry "
        "companies and the port authority, that is, unfortunately, a long dispute."
    )
    (passage,) = align(mine, theirs, [(1, 0)])
    quoted = mine.text[passage.start : passage.end]
    assert quoted.startswith("in the harbour “there will")
    assert passage.other_start == 0 and passage.similarity > 0.85


def test_kinds_by_what_is_shared() -> None:
    assert kind_of(9, 900, 1000, 950, 1100) == "republication"
    assert kind_of(4, 900, 2000, 900, 9000) == "same source"
    assert kind_of(1, 1500, 2000, 1500, 9000) == "quotes"  # one passage, however long
    assert kind_of(2, 300, 2000, 300, 9000) == "quotes"
    assert covered_length([(0, 10), (5, 20), (30, 40)]) == 30


# --- links in the library -------------------------------------------------------------


def test_a_republished_copy_of_an_article_is_found_as_a_republication(library: Library) -> None:
    original, copy = _import(
        library,
        ("original.txt", (DATA / "original.txt").read_text()),
        ("republished.txt", (DATA / "republished.txt").read_text()),
    )
    found = catch_up(library.conn)
    assert [(d.article_pk, d.kinds) for d in found] == [(copy, {original: "republication"})]
    from library.articles import article_by_pk

    (related,) = related_articles(library.conn, article_by_pk(library.conn, copy))
    assert related.article.pk == original and related.kind == "republication"
    assert related.share > 0.8 and related.other_share > 0.8
    assert all(p.locator and p.other_locator for p in related.passages)


def test_passages_with_changed_words_are_found_and_unrelated_text_is_not(library: Library) -> None:
    changed = [
        p.replace("authority", "port authority").replace("crowded", "packed")
        for p in PARAGRAPHS[:2]
    ]
    pks = _import(
        library,
        ("a.txt", _article("Pier closes", *PARAGRAPHS)),
        (
            "b.txt",
            _article("A ferry story", "Something else entirely happened here today.", *changed),
        ),
        ("c.txt", _article("Unrelated", "Markets rose sharply in early trading on Tuesday.")),
    )
    catch_up(library.conn)
    (link,) = {(link.other_pk) for link in links_of(library.conn, pks[1])}
    assert link == pks[0]
    assert links_of(library.conn, pks[2]) == []


def test_links_go_with_a_deleted_article_and_a_changed_text_is_scanned_again(
    library: Library, tmp_path: Path
) -> None:
    from library.articles import article_by_pk, delete_article
    from library.importing import collect_sources

    changing = write(tmp_path / "b.txt", _article("Two", *PARAGRAPHS[:2]))
    (first,) = _import(library, ("a.txt", _article("One", *PARAGRAPHS)))
    (added,) = import_sources(library, collect_sources([str(changing)])[0])
    assert added.article is not None
    second = added.article.pk
    catch_up(library.conn)
    assert [link.other_pk for link in links_of(library.conn, second)] == [first]
    # The second text changes (the same file again): its old passages go.
    write(changing, _article("Two", "Nothing in common with the other story any more."))
    (updated,) = import_sources(library, collect_sources([str(changing)])[0])
    assert updated.status == "updated" and pending_count(library.conn) == 1
    catch_up(library.conn)
    assert links_of(library.conn, first) == [] and links_of(library.conn, second) == []
    # A deleted article's links go at once, its fingerprints with the next scan.
    write(changing, _article("Two", *PARAGRAPHS[1:]))
    list(import_sources(library, collect_sources([str(changing)])[0]))
    catch_up(library.conn)
    assert links_of(library.conn, first)
    with transaction(library.conn) as conn:
        delete_article(conn, article_by_pk(conn, second))
    assert links_of(library.conn, first) == []
    catch_up(library.conn)
    for table in ("passage_prints", "passage_scans"):
        left = library.conn.execute(
            f"SELECT count(*) FROM {table} WHERE article_pk = ?", (second,)
        ).fetchone()[0]
        assert left == 0, table


def test_sentences_that_only_share_a_common_phrase_are_not_linked(library: Library) -> None:
    phrase = "the United Nations Assistance Mission in Afghanistan"
    pks = _import(
        library,
        (
            "a.txt",
            _article(
                "Report",
                f"Officials from {phrase} visited three clinics in the north on Monday and "
                "counted the patients waiting outside each of them.",
            ),
        ),
        (
            "b.txt",
            _article(
                "Budget",
                f"A spokesman for {phrase} declined to comment on the budget cuts announced "
                "by donors in Geneva last week.",
            ),
        ),
    )
    catch_up(library.conn)
    assert links_of(library.conn, pks[1]) == []


def test_a_fingerprint_many_texts_carry_stops_being_followed(library: Library) -> None:
    boiler = (
        "This article was first published by the Harbour Gazette and is republished here "
        "with the kind permission of its editors and the journalists who wrote it."
    )
    texts = [
        (f"{n}.txt", _article(f"Story {n}", f"Story number {n} is about boat {n * 7919}.", boiler))
        for n in range(COMMON + 5)
    ]
    pks = _import(library, *texts)
    catch_up(library.conn)
    last = links_of(library.conn, pks[-1])
    assert last == []  # the boilerplate sentence was common by then
    assert links_of(library.conn, pks[1])  # the first ones did link


def test_a_library_imported_before_is_scanned_once_on_first_use(tmp_path: Path) -> None:
    """The migration queues every existing article; the next scan finds their passages."""
    root = tmp_path / "old"
    with Library(root) as library:
        _import(
            library,
            ("a.txt", _article("One", *PARAGRAPHS)),
            ("b.txt", _article("Two", *PARAGRAPHS)),
        )
    # Roll the database back to before this feature: no passage tables, no queue.
    conn = sqlite3.connect(root / "folio.db", isolation_level=None)
    for name in ("passage_queue_new", "passage_queue_text", "passage_queue_gone"):
        conn.execute(f"DROP TRIGGER {name}")
    for name in ("passage_queue", "passage_prints", "passage_scans", "passage_links"):
        conn.execute(f"DROP TABLE {name}")
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION - 1}")
    conn.close()
    with Library(root) as library:
        assert pending_count(library.conn) == 2
        found = catch_up(library.conn)
        assert len(found) == 1 and pending_count(library.conn) == 0


def test_an_older_scan_is_redone_when_the_rules_change(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from library import passages

    _import(
        library, ("a.txt", _article("One", *PARAGRAPHS)), ("b.txt", _article("Two", *PARAGRAPHS))
    )
    assert len(catch_up(library.conn)) == 1
    assert catch_up(library.conn) == []  # nothing waits
    monkeypatch.setattr(passages, "PASSAGES_VERSION", passages.PASSAGES_VERSION + 1)
    assert len(catch_up(library.conn)) == 1  # scanned again from scratch


def test_an_interrupted_scan_keeps_what_it_committed(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from library import passages

    _import(library, *[(f"{n}.txt", _article(f"T{n}", *PARAGRAPHS)) for n in range(4)])
    monkeypatch.setattr(passages, "CHUNK", 2)
    calls: list[int] = []

    def stop(done: int, total: int) -> None:
        calls.append(done)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        catch_up(library.conn, stop)
    assert pending_count(library.conn) == 2  # the first chunk was committed
    catch_up(library.conn)
    assert pending_count(library.conn) == 0
    assert {link.other_pk for link in links_of(library.conn, 4)} == {1, 2, 3}
    assert calls == [2]


WEBCAPTURE = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "webcapture"


@pytest.mark.skipif(not WEBCAPTURE.is_dir(), reason="shared web-capture corpus not present")
def test_real_pages_are_found_in_their_own_html(library: Library) -> None:
    """Real pages, captured as text and saved as HTML: the two imports of one page share
    its article (extracted by two different importers), and pages of different sites do
    not share it."""
    from library.importing import collect_sources

    names = [f"{n:03d}" for n in range(1, 9)]
    paths = [str(WEBCAPTURE / "pages" / f"{n}.txt") for n in names]
    paths += [str(WEBCAPTURE / "html" / f"{n}.html") for n in names]
    results = list(import_sources(library, collect_sources(paths)[0]))
    pk = {Path(r.path).name: r.article.pk for r in results if r.article is not None}
    catch_up(library.conn)
    found = 0
    for name in names:
        linked = {link.other_pk for link in links_of(library.conn, pk[f"{name}.txt"])}
        found += pk[f"{name}.html"] in linked
        assert linked <= {pk[f"{name}.html"]}, name  # nothing from another page
    assert found >= 7
