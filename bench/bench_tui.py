#!/usr/bin/env python
"""Folio TUI benchmark: first paint of the library table, keystroke → search results,
opening a 100 KB article, scrolling a page. Headless (`App.run_test`), at 120×36.

Run from the repository root:

    .venv/bin/python bench/bench_tui.py [--articles N] [--workdir DIR] [--reuse] [--json OUT]

The library is built with bench_library.py's corpus code (same articles, same import path)
plus one ~100 KB article with 50 notes; `--reuse` keeps a library built by an earlier run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_library import (  # noqa: E402
    CORPUS,
    MARKER,
    build_articles,
    load_corpus,
    log,
    percentile,
    prepare_workdir,
    render_plaintext,
)

BIG_NAME = "bench-big-article.txt"
BIG_BYTES = 100 * 1024
SIZE = (120, 36)
QUERIES = ("memory", "kernel module", '"shared memory"', "title:python", "replicat*", "lock~1")
TARGETS_MS = {"first_paint": 500.0, "keystroke": 100.0, "open_article": 200.0, "page": 30.0}


def build_library(library_dir: Path, n: int) -> str:
    """Import n corpus articles and one ~100 KB article (with 50 notes); its id."""
    from library.articles import get_article
    from library.importing import Source, import_sources
    from library.store import Library
    from tui.actions.notes import PassageSpec, annotate

    records = load_corpus(CORPUS)
    articles = build_articles(records, n)
    body = ""
    for record in records:
        if len(body.encode("utf-8")) >= BIG_BYTES:
            break
        body += record["body"].strip() + "\n\n"
    big = {"title": "A long article for the reader benchmark", "author": "Bench Mark",
           "date": "2024-01-01", "body": body}  # fmt: skip
    sources = [
        Source(name=f"bench-{i:06d}.txt", path=None, data=render_plaintext(article))
        for i, article in enumerate(articles)
    ]
    sources.append(Source(name=BIG_NAME, path=None, data=render_plaintext(big)))
    log(f"importing {len(sources):,} articles into {library_dir}")
    started = time.perf_counter()
    step = max(1000, len(sources) // 10)
    with Library(library_dir) as library:
        for number, _result in enumerate(import_sources(library, sources), start=1):
            if number % step == 0:
                log(f"  {number:,} ({number / (time.perf_counter() - started):.0f}/s)")
        big_id = library.conn.execute(
            "SELECT id FROM articles WHERE title = ?", (big["title"],)
        ).fetchone()[0]
        text = get_article(library.conn, big_id).text
        for k in range(50):
            start = (len(text) // 50) * k
            passage = PassageSpec(start=start, end=start + 40)
            annotate(library, big_id, passage, note=f"note {k}", tags=["bench"])
    log(f"library built in {time.perf_counter() - started:.0f} s")
    return str(big_id)


async def measure(library_dir: Path, big_id: str, rounds: int) -> dict[str, Any]:
    """Run the app headless and time the four interactions."""
    from tui.actions.search import search_articles
    from tui.app import FolioApp
    from tui.screens.reader import ReaderScreen
    from tui.screens.search import DEBOUNCE_S, RESULT_LIMIT, SearchScreen
    from tui.widgets.annotated_text import AnnotatedText
    from tui.widgets.article_table import ArticleTable

    results: dict[str, Any] = {}
    painted: list[float] = []
    last_line_drawn: list[float] = []  # when the table's bottom line was last drawn
    original_render_line = ArticleTable.render_line

    def render_line(table: ArticleTable, y: int) -> Any:
        # First paint = the first time a real article row is drawn.
        if not painted and y > 0 and table.rows:
            painted.append(time.perf_counter())
        strip = original_render_line(table, y)
        if y == table.size.height - 1:
            last_line_drawn.append(time.perf_counter())
        return strip

    ArticleTable.render_line = render_line  # type: ignore[method-assign]
    text_painted: list[float] = []
    original_text_line = AnnotatedText.render_line

    def text_line(area: AnnotatedText, y: int) -> Any:
        # An article is open when its text is first drawn.
        if not text_painted and len(area.text) >= BIG_BYTES * 0.9:
            text_painted.append(time.perf_counter())
        return original_text_line(area, y)

    AnnotatedText.render_line = text_line  # type: ignore[method-assign]
    app = FolioApp(library_dir)
    started = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        lags: list[float] = []
        sampler = asyncio.create_task(_sample_loop_lag(lags))
        await until(lambda: painted, app)
        results["first_paint_ms"] = (painted[0] - started) * 1000
        table = app.screen.table
        await until(lambda: getattr(app.screen, "loaded", False), app)
        results["all_rows_ms"] = (time.perf_counter() - started) * 1000
        sampler.cancel()
        results["loading_max_loop_stall_ms"] = round(max(lags, default=0.0) * 1000, 1)
        # The app then lets the index catch up in the background; measure after that.
        await until(
            lambda: not any(w.group == "warm-up" and w.is_running for w in app.workers), app
        )
        results["rows"] = len(table.rows)

        pages, page_renders = [], []
        for _ in range(rounds * 4):
            if table.cursor >= len(table.order) - table.page_rows:
                table.action_first()  # a small library: start again from the top
                await pilot.pause()
            await pilot.pause()
            last_line_drawn.clear()
            t0 = time.perf_counter()
            table.action_page_down()
            # Drawn on the (headless) screen: the app's next frame reached the bottom line.
            await until(lambda: last_line_drawn, app)
            pages.append(last_line_drawn[0] - t0)
        for _ in range(rounds * 4):
            if table.cursor >= len(table.order) - table.page_rows:
                table.action_first()
                await pilot.pause()
            top = table.scroll_offset.y
            table._cache.clear()  # rows not drawn before (as at 100k, where pages are new)
            t0 = time.perf_counter()
            table.action_page_down()
            assert table.scroll_offset.y != top, "the page did not move"
            for y in range(table.size.height):  # the widget's share: every visible line
                table.render_line(y)
            page_renders.append(time.perf_counter() - t0)
        results["page"] = _summary(pages)
        results["page_widget"] = _summary(page_renders)

        sorts, sort_lags = [], []
        sampler = asyncio.create_task(_sample_loop_lag(sort_lags))
        for key in ("title", "date", "authors"):
            t0 = time.perf_counter()
            table.sort_by(key)
            await until(lambda: not table.sorting, app)
            await pilot.pause()
            sorts.append(time.perf_counter() - t0)
        sampler.cancel()
        results["sort"] = _summary(sorts)
        results["sort_max_loop_stall_ms"] = round(max(sort_lags, default=0.0) * 1000, 1)

        app.action_open_search()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        with app.session.use() as library:  # warm Whoosh up: the first queries read the index
            for query in QUERIES:
                search_articles(library, query, limit=RESULT_LIMIT, with_notes=True)
        keystrokes, cores = [], []
        for query in QUERIES * max(rounds // len(QUERIES), 1):
            screen.query_one("#search-query").value = ""
            await pilot.pause(DEBOUNCE_S + 0.05)
            generation = screen.generation
            for char in query[:-1]:
                await pilot.press(char if char != " " else "space")
            t0 = time.perf_counter()
            await pilot.press(_key(query[-1]))
            await until(
                lambda g=generation, q=query: screen.generation > g and _shown(screen, q), app
            )
            keystrokes.append(time.perf_counter() - t0 - DEBOUNCE_S)
            with app.session.use() as library:  # the same search, warm, without the UI
                t0 = time.perf_counter()
                search_articles(library, query, limit=RESULT_LIMIT, with_notes=True)
                cores.append(time.perf_counter() - t0)
        results["keystroke_after_debounce"] = _summary(keystrokes)
        results["core_search"] = _summary(cores)
        results["ui_overhead"] = _summary([k - c for k, c in zip(keystrokes, cores, strict=True)])
        typed = QUERIES * max(rounds // len(QUERIES), 1)
        results["per_query_ms"] = {
            query: {
                "keystroke": _median_ms(keystrokes, typed, query),
                "core": _median_ms(cores, typed, query),
            }
            for query in QUERIES
        }
        app.pop_screen()
        await pilot.pause()

        opens, settled = [], []
        small_id = table.rows[0].id
        for _ in range(rounds):
            app.open_reader(small_id)  # another article first: the reader shows a new text
            await until(lambda: isinstance(app.screen, ReaderScreen), app)
            await pilot.pause()
            app.pop_screen()
            await pilot.pause()
            text_painted.clear()
            t0 = time.perf_counter()
            app.open_reader(big_id)
            await until(lambda: text_painted, app)
            opens.append(text_painted[0] - t0)
            await until(
                lambda: isinstance(app.screen, ReaderScreen) and app.screen.annotations, app
            )
            reader = app.screen
            await pilot.pause()
            settled.append(time.perf_counter() - t0)
            results["big_article_chars"] = len(reader.article.text)
            app.pop_screen()
            await pilot.pause()
        results["open_article"] = _summary(opens)
        results["open_article_settled"] = _summary(settled)
    return results


async def until(predicate: Any, app: Any, timeout: float = 120.0) -> None:
    """Wait for `predicate()`; fail (instead of hanging) if the app stopped or time ran out."""
    deadline = time.perf_counter() + timeout
    while not predicate():
        if not app.is_running or time.perf_counter() > deadline:
            raise RuntimeError(f"bench: gave up waiting (app running: {app.is_running})")
        await asyncio.sleep(0.002)


async def _sample_loop_lag(lags: list[float], every: float = 0.005) -> None:
    """Record how late the event loop wakes a 5 ms sleeper: a stalled loop is a frozen UI."""
    while True:
        before = time.perf_counter()
        await asyncio.sleep(every)
        lags.append(time.perf_counter() - before - every)


def _median_ms(seconds: list[float], queries: list[str], query: str) -> float:
    """The median, in ms, of the timings taken for `query`."""
    mine = [value for value, typed in zip(seconds, queries, strict=True) if typed == query]
    return round(statistics.median(mine) * 1000, 1)


def _key(char: str) -> str:
    names = {" ": "space", '"': "quotation_mark", "*": "asterisk", "~": "tilde", ":": "colon"}
    return names.get(char, char)


def _shown(screen: Any, query: str) -> bool:
    from textual.widgets import Input

    return screen.query_one("#search-query", Input).value == query == screen.shown_query


def _summary(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(percentile(ms, 0.95), 1),
        "max_ms": round(max(ms), 1),
    }


def main() -> int:
    """Build (or reuse) the library, measure, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--reuse", action="store_true", help="keep the library in --workdir")
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--json", type=Path, help="also write the numbers as JSON")
    args = parser.parse_args()
    if not CORPUS.is_file():
        print(f"bench: corpus not found at {CORPUS}; nothing to do", file=sys.stderr)
        return 0
    workdir = (args.workdir or Path(f"/tmp/folio-bench-tui-{args.articles}")).resolve()
    library_dir = workdir / "library"
    id_file = workdir / "big-article-id"
    reuse = args.reuse and id_file.exists()
    prepare_workdir(workdir, reuse)
    assert (workdir / MARKER).exists()
    if reuse:
        big_id = id_file.read_text().strip()
    else:
        big_id = build_library(library_dir, args.articles)
        id_file.write_text(big_id)
    os.environ.pop("FOLIO_LIBRARY", None)
    log("measuring")
    results = asyncio.run(measure(library_dir, big_id, args.rounds))
    results["articles"] = args.articles
    rows = [
        ("first paint of the library", results["first_paint_ms"], TARGETS_MS["first_paint"]),
        ("all rows loaded (sort and filter ready)", results["all_rows_ms"], None),
        ("longest event-loop stall while rows load", results["loading_max_loop_stall_ms"], None),
        ("keystroke → results (after debounce), p50",
         results["keystroke_after_debounce"]["p50_ms"], TARGETS_MS["keystroke"]),
        ("keystroke → results (after debounce), p95",
         results["keystroke_after_debounce"]["p95_ms"], TARGETS_MS["keystroke"]),
        ("… of which the core search (same queries, warm), p50",
         results["core_search"]["p50_ms"], None),
        ("… of which the TUI (keystroke − core search), p50",
         results["ui_overhead"]["p50_ms"], TARGETS_MS["keystroke"]),
        ("… of which the TUI, p95", results["ui_overhead"]["p95_ms"], TARGETS_MS["keystroke"]),
        ("open a 100 KB article with 50 notes (text drawn), p50",
         results["open_article"]["p50_ms"], TARGETS_MS["open_article"]),
        ("open a 100 KB article with 50 notes (text drawn), p95",
         results["open_article"]["p95_ms"], TARGETS_MS["open_article"]),
        ("… until the screen is idle (notes panel, highlights), p50",
         results["open_article_settled"]["p50_ms"], None),
        ("scroll one page (widget renders its lines), p50",
         results["page_widget"]["p50_ms"], TARGETS_MS["page"]),
        ("scroll one page (widget renders its lines), p95",
         results["page_widget"]["p95_ms"], TARGETS_MS["page"]),
        ("scroll one page (key → page drawn by the next frame), p50",
         results["page"]["p50_ms"], TARGETS_MS["page"]),
        ("scroll one page (key → page drawn by the next frame), p95",
         results["page"]["p95_ms"], TARGETS_MS["page"]),
        ("sort every row by a column (until drawn), p50", results["sort"]["p50_ms"], None),
        ("longest event-loop stall while sorting", results["sort_max_loop_stall_ms"], None),
    ]  # fmt: skip
    print(f"\nFolio TUI benchmark: {results['rows']:,} articles, terminal {SIZE[0]}×{SIZE[1]}\n")
    print("| measure | ms | target | verdict |\n|---|---:|---:|---|")
    for label, value, target in rows:
        verdict = "" if target is None else ("ok" if value <= target else "OVER")
        print(
            f"| {label} | {value:.1f} | {'' if target is None else f'≤ {target:.0f}'} | {verdict} |"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
