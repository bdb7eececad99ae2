#!/usr/bin/env python
"""Folio library benchmark: import throughput, index/database size, search latency
(in-process and fresh `folio` processes) and a like-for-like SQLite FTS5 comparison.

Run from the repository root:

    .venv/bin/python bench/bench_library.py [--articles N] [--workdir DIR] [--queries N]
                                            [--json OUT] [--profile] [--profile-import]

See bench/README.md for what each number means.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import cProfile
import gzip
import io
import json
import os
import platform
import pstats
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

CORPUS = REPO.parent / "shared" / "corpus" / "bench" / "prose-12k.jsonl.gz"
VENV_PYTHON = Path(sys.executable)
FOLIO_BIN = VENV_PYTHON.with_name("folio")
if not FOLIO_BIN.exists():
    FOLIO_BIN = REPO / ".venv" / "bin" / "folio"
MARKER = ".folio-bench"
IMPORT_RESULTS = "import-results.json"  # kept so a --reuse run can report the import too
SEED = 42
MIN_BODY, MAX_BODY = 2000, 20000
CLASSES = ("term", "and", "phrase", "field", "fuzzy", "wildcard", "date")

# Targets (they apply at 100,000 articles).
TARGETS = {
    "search_p50_ms": 50.0,
    "search_p95_ms": 100.0,  # (issue 16: for every class)
    "search_vs_fts5": 2.0,  # (issue 16: every class's p50)
    "search_p95_vs_fts5": 3.0,  # (issue 16: overall p95)
    "fresh_search_s": 0.25,  # (issue 16: for every class)
    "import_per_s": 200.0,
    "variants_vs_exact": 1.5,
}


LOADS: list[tuple[str, float]] = []  # 1-minute load average when each phase starts


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def phase(name: str) -> None:
    """Log a phase and note the machine's load: other work on a 2-core box skews timings."""
    load = os.getloadavg()[0]
    LOADS.append((name, round(load, 2)))
    log(f"{name} (load {load:.2f})")


def code_fingerprint() -> str:
    """A short hash of Folio's code (library/, tui/): the code changes under a long run."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted([*REPO.glob("library/**/*.py"), *REPO.glob("tui/**/*.py")]):
        digest.update(str(path.relative_to(REPO)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def percentile(values: list[float], fraction: float) -> float:
    """Linear-interpolated percentile (fraction in 0..1)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * fraction
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summary_ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 0.5), 2),
        "p95_ms": round(percentile(ms, 0.95), 2),
        "mean_ms": round(statistics.fmean(ms), 2) if ms else float("nan"),
        "max_ms": round(max(ms), 2) if ms else float("nan"),
    }


def dir_size(path: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.path.getsize(os.path.join(dirpath, name))
    return total


def mb(nbytes: int) -> float:
    return round(nbytes / 1048576, 1)


# ---------------------------------------------------------------------------------------------
# Corpus


def load_corpus(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def words_of(text: str) -> list[str]:
    """Index-compatible plain words: the index's tokenizer, kept when purely ASCII letters
    (so Whoosh and FTS5 `unicode61` split them the same way)."""
    from library.index_schema import WORD_RE

    return [w for w in WORD_RE.findall(text.lower()) if w.isascii() and w.isalpha()]


def build_articles(records: list[dict[str, str]], n: int, seed: int = SEED) -> list[dict[str, str]]:
    """N articles: the corpus records in order, then synthetic ones made of drawn paragraphs."""
    articles = [
        {"title": r["title"], "author": r["author"], "date": r["date"], "body": r["body"]}
        for r in records[:n]
    ]
    extra = n - len(articles)
    if extra <= 0:
        return articles
    rng = random.Random(seed)
    paragraphs = [
        p.strip()
        for r in records
        for p in re.split(r"\n\s*\n", r["body"])
        if p.strip() and len(p.encode("utf-8")) <= MAX_BODY
    ]
    lengths = [len(r["body"].encode("utf-8")) for r in records]
    title_df: collections.Counter[str] = collections.Counter()
    for r in records:
        title_df.update(set(words_of(r["title"] + " " + r["body"][:2000])))
    title_vocab = sorted(w for w, c in title_df.items() if c >= 3 and len(w) >= 3)
    for _ in range(extra):
        target = min(max(rng.choice(lengths), MIN_BODY), MAX_BODY)
        parts: list[str] = []
        size = 0
        while size < target:
            paragraph = rng.choice(paragraphs)
            grow = len(paragraph.encode("utf-8")) + 2
            if size + grow > MAX_BODY:
                if size >= MIN_BODY:
                    break
                continue
            parts.append(paragraph)
            size += grow
        title_words = [rng.choice(title_vocab) for _ in range(rng.randint(3, 9))]
        title = " ".join(title_words)
        donor = rng.choice(records)
        articles.append(
            {
                "title": title[0].upper() + title[1:],
                "author": donor["author"],
                "date": donor["date"],
                "body": "\n\n".join(parts),
            }
        )
    return articles


def render_plaintext(article: dict[str, str]) -> bytes:
    """Title line, blank line, "By AUTHOR", date line, blank line, body."""
    head = f"{article['title']}\n\n"
    if article["author"]:
        head += f"By {article['author']}\n"
    if article["date"]:
        head += f"{article['date']}\n"
    return (head + "\n" + article["body"].strip() + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Query mix


def build_queries(
    records: list[dict[str, str]], articles: list[dict[str, str]], count: int, seed: int = SEED
) -> list[tuple[str, str]]:
    """(class, Whoosh query) pairs; words come from the corpus vocabulary, mid-frequency."""
    from whoosh.analysis import STOP_WORDS as WHOOSH_STOP_WORDS

    try:
        from library.index_schema import STOP_WORDS as FOLIO_STOP_WORDS
    except ImportError:
        FOLIO_STOP_WORDS = frozenset()
    STOP_WORDS = WHOOSH_STOP_WORDS | FOLIO_STOP_WORDS
    rng = random.Random(seed + 1)
    in_library = records[: min(len(records), len(articles))]
    df: collections.Counter[str] = collections.Counter()
    for r in in_library:
        df.update(set(words_of(r["body"])))
    ndocs = len(in_library)
    mid = sorted(
        w
        for w, c in df.items()
        if 0.005 * ndocs <= c <= 0.05 * ndocs and len(w) >= 4 and w not in STOP_WORDS
    )
    mid_set = set(mid)
    years = sorted({int(r["date"][:4]) for r in records if r["date"][:4].isdigit()})
    per_class = max(1, count // len(CLASSES))
    counts = {name: per_class for name in CLASSES}
    counts["term"] += max(0, count - per_class * len(CLASSES))
    queries: list[tuple[str, str]] = []

    def doc_words(article: dict[str, str]) -> list[str]:
        return words_of(article["body"])

    for name in CLASSES:
        made = 0
        guard = 0
        while made < counts[name] and guard < 10000:
            guard += 1
            if name == "term":
                q = rng.choice(mid)
            elif name == "and":
                present = sorted(set(doc_words(rng.choice(articles))) & mid_set)
                if len(present) < 2:
                    continue
                a, b = rng.sample(present, 2)
                q = f"{a} {b}"
            elif name == "phrase":
                body = rng.choice(articles)["body"]
                size = 2 if made % 2 == 0 else 3
                pattern = r"\b([a-z]{3,})" + r"[ \t]+([a-z]{3,})" * (size - 1) + r"\b"
                found = [
                    m
                    for m in re.finditer(pattern, body.lower())
                    if not any(g in STOP_WORDS for g in m.groups())
                ]
                if not found:
                    continue
                q = '"' + " ".join(rng.choice(found).groups()) + '"'
            elif name == "field":
                if made % 2 == 0:
                    title_words = [
                        w
                        for w in words_of(rng.choice(articles)["title"])
                        if len(w) >= 4 and w not in STOP_WORDS
                    ]
                    if not title_words:
                        continue
                    q = f"title:{rng.choice(title_words)}"
                else:
                    surname = rng.choice(records)["author"].split()[-1].lower()
                    if not (surname.isascii() and surname.isalpha()):
                        continue
                    q = f"author:{surname}"
            elif name == "fuzzy":
                word = rng.choice(mid)
                if len(word) < 5:
                    continue
                q = f"{word}~1"
            elif name == "wildcard":
                word = rng.choice(mid)
                if len(word) < 6:
                    continue
                q = f"{word[:5]}*"
            else:  # date
                start = rng.choice(years)
                end = min(start + rng.randint(0, 3), years[-1])
                q = f"{rng.choice(mid)} date:[{start} TO {end}]"
            queries.append((name, q))
            made += 1
    return queries


_FTS_DATE = re.compile(r"^(\S+) date:\[(\d{4}) TO (\d{4})\]$")


def to_fts5(kind: str, query: str) -> tuple[str, tuple[str, str] | None] | None:
    """The FTS5 MATCH expression (and a date range) for a Whoosh query; None if FTS5 lacks it."""
    if kind == "term":
        return f'"{query}"', None
    if kind == "and":
        a, b = query.split()
        return f'"{a}" AND "{b}"', None
    if kind == "phrase":
        return query, None
    if kind == "field":
        field, word = query.split(":", 1)
        column = {"title": "title", "author": "authors"}[field]
        return f'{column} : "{word}"', None
    if kind == "fuzzy":
        return None
    if kind == "wildcard":
        return f'"{query.rstrip("*")}" *', None
    if kind == "date":
        match = _FTS_DATE.match(query)
        assert match, query
        word, start, end = match.groups()
        return f'"{word}"', (start, str(int(end) + 1))
    raise ValueError(kind)


# ---------------------------------------------------------------------------------------------
# Phases


@contextmanager
def timed_attr(obj: Any, name: str, sink: list[tuple[str, float, Any]]):
    """Replace obj.name with a wrapper that records (name, seconds, result) into sink."""
    original = getattr(obj, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        result = original(*args, **kwargs)
        sink.append((name, time.perf_counter() - start, result))
        return result

    own = name in vars(obj)  # a module global or an instance attribute already set
    setattr(obj, name, wrapper)
    try:
        yield
    finally:
        if own:
            setattr(obj, name, original)
        else:
            delattr(obj, name)  # back to the class's method


def index_segments(library: Any) -> int:
    try:
        return len(library.index.open()._segments())
    except Exception:
        return -1


def phase_import(
    library: Any, articles: list[dict[str, str]], profile: bool
) -> tuple[dict[str, Any], pstats.Stats | None]:
    from library.importing import Source, import_sources

    sources = [
        Source(name=f"bench-{i:06d}.txt", path=None, data=render_plaintext(article))
        for i, article in enumerate(articles)
    ]
    total_bytes = sum(len(s.data or b"") for s in sources)
    started = time.perf_counter()
    step = max(1000, len(sources) // 20)

    def progress(done: int, total: int) -> None:
        if done % step == 0:
            elapsed = time.perf_counter() - started
            log(f"  imported {done:,}/{total:,} ({done / elapsed:.0f}/s)")

    index_calls: list[tuple[str, float, Any]] = []
    profiler = cProfile.Profile() if profile else None
    statuses: collections.Counter[str] = collections.Counter()
    errors: list[str] = []
    with (
        timed_attr(library.index, "sync", index_calls),
        timed_attr(library.index, "rebuild", index_calls),
    ):
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        for result in import_sources(library, sources, progress):
            statuses[result.status] += 1
            if result.status == "failed" and len(errors) < 5:
                errors.append(str(result.error))
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - started
    # sync() may call rebuild() (first sync of a new library): count the outer calls only.
    sync_seconds = sum(t for name, t, _ in index_calls if name == "sync")
    rebuild_inside = sum(t for name, t, _ in index_calls if name == "rebuild")
    result = {
        "articles": len(sources),
        "bytes": total_bytes,
        "statuses": dict(statuses),
        "errors_sample": errors,
        "total_s": round(elapsed, 2),
        "per_s": round(len(sources) / elapsed, 1),
        "mb_per_s": round(total_bytes / 1048576 / elapsed, 2),
        "index_sync_s": round(sync_seconds, 2),
        "index_sync_calls": sum(1 for name, _, _ in index_calls if name == "sync"),
        "index_rebuild_inside_sync_s": round(rebuild_inside, 2),
        "database_part_s": round(elapsed - sync_seconds, 2),
        "database_part_per_s": round(len(sources) / max(elapsed - sync_seconds, 1e-9), 1),
        "segments_after_import": index_segments(library),
    }
    stats = pstats.Stats(profiler) if profiler else None
    return result, stats


def extraction_check(library: Any) -> dict[str, Any]:
    row = library.conn.execute(
        "SELECT count(*), sum(title IS NOT NULL AND title != ''), sum(authors != '[]'),"
        " sum(date IS NOT NULL) FROM articles"
    ).fetchone()
    sample = library.conn.execute(
        "SELECT title, authors, date, substr(text, 1, 60) FROM articles ORDER BY pk LIMIT 1"
    ).fetchone()
    return {
        "articles": row[0],
        "with_title": row[1] or 0,
        "with_authors": row[2] or 0,
        "with_date": row[3] or 0,
        "sample": list(sample) if sample else None,
    }


def sizes(root: Path, library_dir: Path) -> dict[str, float]:
    db = library_dir / "folio.db"
    db_bytes = sum(p.stat().st_size for p in (db, db.with_name("folio.db-wal")) if p.exists())
    return {
        "index_mb": mb(dir_size(library_dir / "index")),
        "index_files": len(list((library_dir / "index").iterdir())),
        "database_mb": mb(db_bytes),
        "files_mb": mb(dir_size(library_dir / "files")),
    }


def phase_rebuild(library: Any) -> dict[str, Any]:
    started = time.perf_counter()
    count = library.index.rebuild(library.conn)
    elapsed = time.perf_counter() - started
    return {
        "articles": count,
        "total_s": round(elapsed, 2),
        "per_s": round(count / elapsed, 1),
        "segments_after": index_segments(library),
    }


def run_folio_queries(
    library: Any, queries: list[tuple[str, str]]
) -> tuple[dict[str, list[float]], dict[str, int], dict[str, float]]:
    from library.search import search

    times: dict[str, list[float]] = collections.defaultdict(list)
    zero: collections.Counter[str] = collections.Counter()
    hits: collections.Counter[str] = collections.Counter()
    for kind, q in queries:
        start = time.perf_counter()
        result = search(library, q, limit=10)
        times[kind].append(time.perf_counter() - start)
        if not result.hits:
            zero[kind] += 1
        hits[kind] += len(result.hits)
    mean_hits = {kind: hits[kind] / len(times[kind]) for kind in times}
    return times, dict(zero), mean_hits


def name_words(library: Any, count: int = 28) -> list[str]:
    """`count` name-like words of the library, spread over its `names` dictionary (the
    words whose spelling variants a query looks up)."""
    from library.variants import split_term

    reader = library.index.searcher().reader()
    if "names" not in reader.schema:
        return []
    words = [split_term(t.decode("utf-8"))[1] for t in reader.lexicon("names")]
    plain = [w for w in words if w.isascii() and w.isalpha() and len(w) >= 5]
    step = max(1, len(plain) // count)
    return plain[::step][:count]


def phase_variants(library: Any, queries: list[tuple[str, str]], rounds: int = 3) -> dict:
    """Term queries with spelling variants and aliases (the default) against the same
    queries with `exact=True`, alternating the two so that load hits both alike; p50 of
    each query's median. Also for words of the `names` dictionary (names that do have
    variants to look up)."""
    from library.search import search

    if "exact" not in search.__code__.co_varnames:  # code from before variants
        return {}
    sets = {"term": [q for kind, q in queries if kind == "term"], "name": name_words(library)}
    out: dict[str, Any] = {"names_sampled": sets["name"][:8]}
    for label, words in sets.items():
        per_mode: dict[bool, list[float]] = {True: [], False: []}
        for word in words:
            runs: dict[bool, list[float]] = {True: [], False: []}
            for round_ in range(rounds + 1):
                for exact in (True, False) if round_ % 2 else (False, True):
                    start = time.perf_counter()
                    search(library, word, limit=10, exact=exact)
                    if round_:  # the first round warms up
                        runs[exact].append(time.perf_counter() - start)
            for exact in (True, False):
                per_mode[exact].append(statistics.median(runs[exact]))
        variants = percentile([t * 1000 for t in per_mode[False]], 0.5)
        exact_p50 = percentile([t * 1000 for t in per_mode[True]], 0.5)
        out[label] = {
            "queries": len(words),
            "variants_p50_ms": round(variants, 2),
            "exact_p50_ms": round(exact_p50, 2),
            "ratio": round(variants / exact_p50, 2) if exact_p50 else None,
        }
    return out


def class_table(times: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    table = {kind: summary_ms(times[kind]) for kind in CLASSES if kind in times}
    table["overall"] = summary_ms([t for kind in times for t in times[kind]])
    return table


# Helpers of library.search.search timed separately where the current module has them.
SEARCH_HELPERS = (
    "parse_query",
    "expand_word_forms",
    "rewrite_query",
    "highlight_words",
    "articles_by_ids",
    "make_snippets",
    "_suggest",
)


def phase_breakdown(library: Any, queries: list[tuple[str, str]]) -> dict[str, float]:
    """Mean ms per query spent in each part of library.search.search (patched timers on
    whatever of these helpers the current search module uses)."""
    from contextlib import ExitStack

    import library.search as search_module

    sink: list[tuple[str, float, Any]] = []
    candidates = [
        (library, "ensure_index"),
        (library.index, "searcher"),
    ] + [(search_module, name) for name in SEARCH_HELPERS]
    patches = [(obj, name) for obj, name in candidates if hasattr(obj, name)]
    total = 0.0
    with ExitStack() as stack:
        for obj, name in patches:
            stack.enter_context(timed_attr(obj, name, sink))
        for _kind, q in queries:
            start = time.perf_counter()
            search_module.search(library, q, limit=10)
            total += time.perf_counter() - start
    parts: dict[str, float] = collections.defaultdict(float)
    for name, seconds, _ in sink:
        parts[name] += seconds
    n = len(queries)
    out = {f"{name}_ms": round(parts[name] * 1000 / n, 2) for _, name in patches}
    if "searcher_ms" in out:
        out["get_searcher_ms"] = out.pop("searcher_ms")
    accounted = sum(parts.values())
    out["whoosh_search_and_rest_ms"] = round((total - accounted) * 1000 / n, 2)
    out["total_ms"] = round(total * 1000 / n, 2)
    return out


def searcher_open_cost(library: Any, rounds: int = 10) -> dict[str, float]:
    """What opening a new Whoosh searcher costs (a fresh process, or any process after the
    index changed), next to a cached `library.index.searcher()` call, parsing and
    `ensure_index`."""
    from library.search import parse_query

    def p50(fn: Callable[[], Any]) -> float:
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return round(percentile([t * 1000 for t in times], 0.5), 2)

    index = library.index.open()
    schema = index.schema
    return {
        "new_searcher_open_close_p50_ms": p50(lambda: index.searcher().close()),
        "library_index_searcher_p50_ms": p50(library.index.searcher),
        "parse_query_p50_ms": p50(lambda: parse_query("alpha beta", schema)),
        "ensure_index_p50_ms": p50(library.ensure_index),
    }


def profile_searches(library: Any, queries: list[tuple[str, str]]) -> pstats.Stats:
    from library.search import search

    profiler = cProfile.Profile()
    profiler.enable()
    for _kind, q in queries:
        search(library, q, limit=10)
    profiler.disable()
    return pstats.Stats(profiler)


def format_stats(stats: pstats.Stats, sort: str, limit: int, restrict: str | None = None) -> str:
    stream = io.StringIO()
    stats.stream = stream  # type: ignore[attr-defined]
    if restrict:
        stats.sort_stats(sort).print_stats(restrict, limit)
    else:
        stats.sort_stats(sort).print_stats(limit)
    text = stream.getvalue()
    # Keep the table only, with shortened paths.
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    out = "\n".join(lines[start:])
    return out.replace(str(REPO) + "/", "").replace(str(VENV_PYTHON.parent.parent) + "/", "")


# ---------------------------------------------------------------------------------------------
# FTS5


def phase_fts5(library_dir: Path, workdir: Path) -> dict[str, Any]:
    path = workdir / "fts5.db"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, authors, body,"
        " date UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')"
    )
    conn.execute("ATTACH DATABASE ? AS src", (f"file:{library_dir / 'folio.db'}?mode=ro",))
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO docs(id, title, authors, body, date) SELECT id, title,"
        " (SELECT group_concat(value, char(10)) FROM json_each(src.articles.authors)),"
        " text, date FROM src.articles ORDER BY pk"
    )
    conn.execute("COMMIT")
    insert_s = time.perf_counter() - start
    conn.execute("INSERT INTO docs(docs) VALUES('optimize')")
    build_s = time.perf_counter() - start
    conn.execute("DETACH DATABASE src")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return {
        "path": str(path),
        "build_s": round(build_s, 2),
        "insert_s": round(insert_s, 2),
        "size_mb": mb(path.stat().st_size),
    }


FTS_SQL = (
    "SELECT id, title, authors, date{snippet} FROM docs WHERE docs MATCH ?{dates}"
    " ORDER BY bm25(docs, 0.0, 3.0, 2.0, 1.0, 0.0) LIMIT 10"
)
FTS_SNIPPET = ", snippet(docs, 3, '[', ']', '…', 32)"


def fts_statement(match: str, dates: tuple[str, str] | None, with_snippet: bool):
    sql = FTS_SQL.format(
        snippet=FTS_SNIPPET if with_snippet else "",
        dates=" AND date >= ? AND date < ?" if dates else "",
    )
    return sql, (match, *dates) if dates else (match,)


def run_fts_queries(
    conn: sqlite3.Connection, queries: list[tuple[str, str]], with_snippet: bool
) -> tuple[dict[str, list[float]], dict[str, int]]:
    times: dict[str, list[float]] = collections.defaultdict(list)
    zero: collections.Counter[str] = collections.Counter()
    for kind, q in queries:
        translated = to_fts5(kind, q)
        if translated is None:
            continue
        sql, params = fts_statement(*translated, with_snippet)
        start = time.perf_counter()
        rows = conn.execute(sql, params).fetchall()
        times[kind].append(time.perf_counter() - start)
        if not rows:
            zero[kind] += 1
    return times, dict(zero)


# ---------------------------------------------------------------------------------------------
# tantivy (Rust, through its Python package: `uv sync --group bench`)

TANTIVY_FIELDS = ["title", "authors", "body"]
TANTIVY_BOOSTS = {"title": 3.0, "authors": 2.0}


def phase_tantivy(library_dir: Path, workdir: Path) -> dict[str, Any] | None:
    """A tantivy index of the same rows (title, authors, body, date as YYYYMMDD); None when the
    `tantivy` package is not installed."""
    try:
        import tantivy
    except ImportError:
        return None
    path = workdir / "tantivy"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title")
    builder.add_text_field("authors")
    builder.add_text_field("body", stored=True)  # (snippets are cut from the stored text)
    builder.add_integer_field("day", indexed=True, fast=True)
    schema = builder.build()
    index = tantivy.Index(schema, path=str(path))
    start = time.perf_counter()
    writer = index.writer(heap_size=256 * 1024 * 1024, num_threads=2)
    source = sqlite3.connect(f"file:{library_dir / 'folio.db'}?mode=ro", uri=True)
    for article_id, title, authors, text, date in source.execute(
        "SELECT id, coalesce(title, ''), authors, text, coalesce(date, '') FROM articles"
    ):
        day = int((date.replace("-", "") + "0101")[:8]) if date[:4].isdigit() else 0
        writer.add_document(
            tantivy.Document(
                id=article_id,
                title=title,
                authors="\n".join(json.loads(authors)),
                body=text,
                day=day,
            )
        )
    source.close()
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return {
        "index": index,
        "schema": schema,
        "build_s": round(time.perf_counter() - start, 2),
        "size_mb": mb(dir_size(path)),
    }


def to_tantivy(tantivy_index: Any, schema: Any, kind: str, query: str) -> Any:
    """The tantivy query for a Whoosh query of the mix (the same fields and boosts)."""
    import tantivy

    def each_field(make: Callable[[str], Any]) -> Any:
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, make(field)) for field in TANTIVY_FIELDS]
        )

    if kind == "fuzzy":  # `word~1`: Levenshtein 1 (as Whoosh: a transposition is two edits)
        word = query.removesuffix("~1")
        return each_field(
            lambda field: tantivy.Query.fuzzy_term_query(schema, field, word, 1, False, False)
        )
    if kind == "wildcard":  # every word with the prefix
        prefix = re.escape(query.rstrip("*"))
        return each_field(lambda field: tantivy.Query.regex_query(schema, field, prefix + ".*"))
    if kind == "date":
        match = _FTS_DATE.match(query)
        assert match, query
        word, start, end = match.groups()
        days = tantivy.Query.range_query(
            schema, "day", tantivy.FieldType.Integer, int(start + "0101"), int(end + "1231")
        )
        words = tantivy_index.parse_query(word, TANTIVY_FIELDS, TANTIVY_BOOSTS)
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, words), (tantivy.Occur.Must, days)]
        )
    if kind == "field":
        field, word = query.split(":", 1)
        return tantivy_index.parse_query(word, [{"title": "title", "author": "authors"}[field]])
    text = query.replace(" ", " AND ") if kind == "and" else query
    return tantivy_index.parse_query(text, TANTIVY_FIELDS, TANTIVY_BOOSTS)


def run_tantivy_queries(
    built: dict[str, Any], queries: list[tuple[str, str]], with_snippet: bool
) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Top 10 of each query, with their ids (and a snippet of the body, as FTS5's)."""
    import tantivy

    index, schema = built["index"], built["schema"]
    searcher = index.searcher()
    times: dict[str, list[float]] = collections.defaultdict(list)
    zero: collections.Counter[str] = collections.Counter()
    for kind, q in queries:
        start = time.perf_counter()
        query = to_tantivy(index, schema, kind, q)
        hits = searcher.search(query, 10).hits
        generator = (
            tantivy.SnippetGenerator.create(searcher, query, schema, "body")
            if with_snippet and hits
            else None
        )
        for _, address in hits:
            doc = searcher.doc(address)
            doc["id"]
            if generator is not None:
                generator.snippet_from_doc(doc).to_html()
        times[kind].append(time.perf_counter() - start)
        if not hits:
            zero[kind] += 1
    return times, dict(zero)


# ---------------------------------------------------------------------------------------------
# Fresh processes


def wall(cmd: list[str], runs: int, env: dict[str, str] | None = None) -> dict[str, Any]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            return {"error": done.stderr.decode(errors="replace")[-500:], "rc": done.returncode}
    return {
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        "max_s": round(max(times), 3),
        "runs": runs,
    }


def check_folio_output(cmd: list[str]) -> str | None:
    done = subprocess.run(cmd, capture_output=True)
    if done.returncode != 0:
        return f"exit {done.returncode}: {done.stderr.decode(errors='replace')[-300:]}"
    try:
        json.loads(done.stdout)
    except ValueError as exc:
        return f"output is not JSON: {exc}"
    return None


SPLIT_SCRIPT = r"""
import json, sys, time
t0 = time.perf_counter()
marks = {}
def mark(name):
    marks[name] = time.perf_counter()
import click
mark("import_click")
import tui.cli
mark("import_tui_cli")
from library.store import Library
import library.search as search_module
mark("import_library")
import whoosh.index, whoosh.qparser, whoosh.fields, whoosh.searching, whoosh.query
mark("import_whoosh")
from pathlib import Path
library = Library(Path(sys.argv[1]))
mark("open_database")
library.ensure_index()
mark("ensure_index")
index = library.index.open()
mark("open_index")
library.index.searcher()
mark("open_searcher")
inner = {}
def timed(obj, name):
    original = getattr(obj, name)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            inner[name] = inner.get(name, 0.0) + time.perf_counter() - start
    setattr(obj, name, wrapper)
for name in sys.argv[3].split(","):
    if hasattr(search_module, name):
        timed(search_module, name)
result = search_module.search(library, sys.argv[2], limit=10)
mark("search_call")
text = json.dumps([hit.to_json() for hit in result.hits], ensure_ascii=False, indent=2)
mark("json_output")
library.close()
mark("close")
out = {}
last = t0
for name, value in marks.items():
    out[name] = value - last
    last = value
search_total = out.pop("search_call")
for name, value in inner.items():
    out["search." + name] = value
out["search.whoosh_query_and_rest"] = search_total - sum(inner.values())
out["total_in_process"] = last - t0
print(json.dumps(out))
"""


def fresh_split(library_dir: Path, query: str, runs: int = 5) -> dict[str, float]:
    collected: dict[str, list[float]] = collections.defaultdict(list)
    for _ in range(runs):
        done = subprocess.run(
            [
                str(VENV_PYTHON),
                "-c",
                SPLIT_SCRIPT,
                str(library_dir),
                query,
                ",".join(SEARCH_HELPERS),
            ],
            capture_output=True,
            cwd=str(REPO),
        )
        if done.returncode != 0:
            return {"error": done.stderr.decode(errors="replace")[-500:]}  # type: ignore[dict-item]
        for name, value in json.loads(done.stdout.decode().strip().splitlines()[-1]).items():
            collected[name].append(value)
    return {name: round(statistics.median(v) * 1000, 1) for name, v in collected.items()}


def importtime(cmd: list[str]) -> tuple[list[tuple[int, int, str]], set[str]]:
    done = subprocess.run(
        [str(VENV_PYTHON), "-X", "importtime", *cmd], capture_output=True, cwd=str(REPO)
    )
    rows = []
    modules = set()
    for line in done.stderr.decode(errors="replace").splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        parts = line[len("import time:") :].split("|")
        if len(parts) != 3:
            continue
        self_us, cumulative_us, raw = parts
        name = raw.strip()
        depth = max(0, (len(raw) - len(raw.lstrip()) - 1) // 2)
        rows.append((int(self_us), int(cumulative_us), "  " * depth + name.strip()))
        modules.add(name.strip())
    return rows, modules


def compile_bytecode() -> str:
    """Compile Folio's and the environment's modules ahead, as a user's second run finds them:
    with PYTHONDONTWRITEBYTECODE set (some shells and containers set it) every fresh process
    would otherwise compile ~130 modules again, ~200 ms that no user with a normal set-up pays."""
    import sysconfig

    folders = [str(REPO / name) for name in ("library", "notes", "tui")]
    folders.append(sysconfig.get_path("purelib"))
    done = subprocess.run(
        [str(VENV_PYTHON), "-m", "compileall", "-q", "-j", "0", *folders], capture_output=True
    )
    setting = os.environ.get("PYTHONDONTWRITEBYTECODE")
    return f"compiled ahead (exit {done.returncode}; PYTHONDONTWRITEBYTECODE={setting!r})"


def phase_fresh(
    library_dir: Path, workdir: Path, queries: list[tuple[str, str]], runs: int
) -> dict[str, Any]:
    chosen = []
    for kind in CLASSES:  # one query of each class
        for k, q in queries:
            if k == kind:
                chosen.append((kind, q))
                break
    base = [str(FOLIO_BIN), "--library", str(library_dir)]
    out: dict[str, Any] = {"search": {}, "baseline": {}}
    out["bytecode"] = compile_bytecode()
    for kind, q in chosen:
        log(f"  fresh process: folio search {q!r} x{runs}")
        problem = check_folio_output([*base, "search", q, "--json"])
        entry = wall([*base, "search", q, "--json"], runs)
        if problem:
            entry["error"] = problem
        out["search"][f"{kind}: {q}"] = entry
    medians = [e["median_s"] for e in out["search"].values() if "median_s" in e]
    out["search_median_s"] = round(statistics.median(medians), 3) if medians else None
    log(f"  fresh process: folio list --json x{runs}")
    problem = check_folio_output([*base, "list", "--json"])
    out["list"] = wall([*base, "list", "--json"], runs)
    if problem:
        out["list"]["error"] = problem
    py = str(VENV_PYTHON)
    out["baseline"]["python -c pass"] = wall([py, "-c", "pass"], runs)
    out["baseline"]["python -c 'import tui.cli'"] = wall([py, "-c", "import tui.cli"], runs)
    out["baseline"]["python -c 'import whoosh (index, qparser, searching)'"] = wall(
        [py, "-c", "import whoosh.index, whoosh.qparser, whoosh.searching"], runs
    )
    out["baseline"]["folio --help"] = wall([str(FOLIO_BIN), "--help"], runs)
    fts_path = workdir / "fts5.db"
    if fts_path.exists() and chosen:
        translated = to_fts5(*chosen[0])
        assert translated is not None
        sql, params = fts_statement(*translated, True)
        script = (
            "import json, sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
            f" print(json.dumps(c.execute({sql!r}, {params!r}).fetchall()))"
        )
        out["baseline"]["python + sqlite3 FTS5 query with snippet"] = wall(
            [py, "-c", script, str(fts_path)], runs
        )
    if chosen:
        log("  fresh process: phase split")
        out["split_ms"] = fresh_split(library_dir, chosen[0][1])
    return out


def phase_imports(library_dir: Path, workdir: Path, queries: list[tuple[str, str]]) -> dict:
    """-X importtime for `folio search`, and which CLI commands import textual."""
    base = [str(FOLIO_BIN), "--library", str(library_dir)]
    q = next(q for k, q in queries if k == "term")
    rows, _ = importtime([*base, "search", q, "--json"])
    by_self = sorted(rows, key=lambda r: r[0], reverse=True)[:10]
    top_level = sorted(
        (r for r in rows if not r[2].startswith(" ")), key=lambda r: r[1], reverse=True
    )[:10]
    total_us = sum(r[1] for r in rows if not r[2].startswith(" "))

    scratch = workdir / "scratch-library"
    shutil.rmtree(scratch, ignore_errors=True)
    sample_txt = workdir / "scratch-article.txt"
    sample_txt.write_text(
        "A Scratch Article About Canals\n\nBy Ada Example\n2021-05-04\n\n"
        "Locks and canals were the subject of this short test article.\n",
        encoding="utf-8",
    )
    first_id = None
    try:
        conn = sqlite3.connect(f"file:{library_dir / 'folio.db'}?mode=ro", uri=True)
        first_id = conn.execute("SELECT id FROM articles ORDER BY pk LIMIT 1").fetchone()[0]
        conn.close()
    except sqlite3.Error:
        pass
    sb = [str(FOLIO_BIN), "--library", str(scratch)]
    commands: list[tuple[str, list[str]]] = [
        ("--help", [str(FOLIO_BIN), "--help"]),
        ("search", [*base, "search", q, "--json"]),
        ("list", [*base, "list", "--json"]),
        ("show", [*base, "show", first_id or "x", "--json"]),
        ("init (scratch)", [*sb, "init"]),
        ("add (scratch)", [*sb, "add", str(sample_txt), "--json"]),
        ("list (scratch)", [*sb, "list"]),
        ("search (scratch)", [*sb, "search", "canals"]),
        ("edit (scratch)", [*sb, "edit", "--title", "Renamed", "PLACEHOLDER"]),
        ("check (scratch)", [*sb, "check", "--json"]),
        ("reindex (scratch)", [*sb, "reindex"]),
        ("rm (scratch)", [*sb, "rm", "--yes", "PLACEHOLDER"]),
    ]
    try:
        import tui.cli

        known = set(tui.cli.cli.list_commands(None))  # type: ignore[arg-type]
        for name in sorted(known):
            commands.append((f"{name} --help", [str(FOLIO_BIN), name, "--help"]))
    except Exception:
        known = set()
    textual_by_command: dict[str, list[str]] = {}
    scratch_id = None
    for label, cmd in commands:
        if "PLACEHOLDER" in cmd:
            if scratch_id is None:
                continue
            cmd = [scratch_id if part == "PLACEHOLDER" else part for part in cmd]
        _rows, modules = importtime(cmd)
        if label == "add (scratch)":
            listing = subprocess.run([*sb, "list", "--json"], capture_output=True)
            try:
                scratch_id = json.loads(listing.stdout)[0]["id"]
            except (ValueError, IndexError, KeyError):
                scratch_id = None
        textual_by_command[label] = sorted(m for m in modules if m.split(".")[0] in ("textual",))
    probe = subprocess.run(
        [
            str(VENV_PYTHON),
            "-c",
            "import sys, tui.cli; print(sorted(m for m in sys.modules"
            " if m.split('.')[0] in ('textual', 'rich', 'whoosh', 'trafilatura', 'pypdf')))",
        ],
        capture_output=True,
        cwd=str(REPO),
    )
    shutil.rmtree(scratch, ignore_errors=True)
    sample_txt.unlink(missing_ok=True)
    return {
        "search_top_self": [
            {"self_ms": r[0] / 1000, "cumulative_ms": r[1] / 1000, "module": r[2].strip()}
            for r in by_self
        ],
        "search_top_level": [
            {"cumulative_ms": r[1] / 1000, "module": r[2].strip()} for r in top_level
        ],
        "search_total_import_ms": total_us / 1000,
        "textual_imported_by": {k: v for k, v in textual_by_command.items() if v},
        "commands_checked": list(textual_by_command),
        "import_tui_cli_heavy_modules": probe.stdout.decode().strip() or probe.stderr.decode(),
    }


# ---------------------------------------------------------------------------------------------
# Report


def verdict(value: float | None, target: float, higher_is_better: bool = False) -> str:
    if value is None or value != value:
        return "n/a"
    ok = value >= target if higher_is_better else value <= target
    return "PASS" if ok else "FAIL"


def print_report(report: dict[str, Any]) -> None:
    p = print
    n = report["articles"]
    p()
    p("=" * 96)
    p(
        f"Folio library benchmark — {n:,} articles — {report['date']} — "
        f"{report['machine']['cpus']} CPUs, Python {report['machine']['python']}"
    )
    p("=" * 96)
    p(f"code {report['code']} (hash of library/ and tui/)")
    if report.get("code_at_end") not in (None, report["code"]):
        p(
            f"WARNING: Folio's code changed during the run (now {report['code_at_end']}); "
            "phases that imported a module after the change measured the new code"
        )
    if n != 100000:
        p("(targets are defined at 100,000 articles; PASS/FAIL below is indicative only)")
    if report.get("import_measured_at"):
        p(
            f"(--reuse: import and reindex figures are from the run of "
            f"{report['import_measured_at']}; search figures are from this run)"
        )
    imp = report.get("import")
    if imp:
        p("\n1. Import (library.importing.import_sources, plain text)")
        p(
            f"   articles            {imp['articles']:>10,}   ({mb(imp['bytes'])} MB of text; "
            f"statuses {imp['statuses']})"
        )
        target = TARGETS["import_per_s"]
        p(
            f"   total               {imp['total_s']:>10.1f} s   {imp['per_s']:>8.1f} articles/s   "
            f"target ≥ {target:.0f}/s  {verdict(imp['per_s'], target, True)}"
        )
        p(
            f"   database part       {imp['database_part_s']:>10.1f} s   "
            f"{imp['database_part_per_s']:>8.1f} articles/s"
        )
        p(
            f"   index syncs         {imp['index_sync_s']:>10.1f} s   "
            f"({imp['index_sync_calls']} calls;"
            f" {imp['index_rebuild_inside_sync_s']:.1f} s of it a first-time rebuild; "
            f"{imp['segments_after_import']} segments after)"
        )
        if imp.get("errors_sample"):
            p(f"   errors (sample)     {imp['errors_sample']}")
        ext = report.get("extraction", {})
        if ext:
            p(
                f"   extracted           title {ext['with_title']:,}  "
                f"authors {ext['with_authors']:,}  date {ext['with_date']:,}  "
                f"of {ext['articles']:,}"
            )
    rb = report.get("rebuild")
    if rb:
        p(
            f"   reindex (rebuild)   {rb['total_s']:>10.1f} s   {rb['per_s']:>8.1f} articles/s   "
            f"({rb['segments_after']} segment after)"
        )
    sz = report.get("sizes")
    if sz:
        p("\n2. Size on disk")
        for label, key in (("after import", "after_import"), ("after reindex", "after_rebuild")):
            if key in sz:
                s = sz[key]
                p(
                    f"   {label:<14} index {s['index_mb']:>8.1f} MB ({s['index_files']} files)   "
                    f"database {s['database_mb']:>8.1f} MB   "
                    f"original files {s['files_mb']:>8.1f} MB"
                )
        if "fts5" in report:
            p(f"   FTS5 (same text, content stored)  {report['fts5']['build']['size_mb']:.1f} MB")
    srch = report.get("search")
    if srch:
        fts = report.get("fts5", {}).get("with_snippet", {})
        fts_plain = report.get("fts5", {}).get("without_snippet", {})
        p(
            f"\n3+5. Search latency, in-process, limit 10 with snippets "
            f"({srch['queries']} queries, after a warm-up round)"
        )
        p(
            f"   {'class':<9} {'n':>4} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9} {'0-hit':>6} │"
            f" {'FTS5 p50':>9} {'FTS5 p95':>9} {'no-snip p50':>11} │ {'×p50':>6} {'×p95':>6}"
        )
        for kind in (*CLASSES, "overall"):
            row = srch["classes"].get(kind)
            if not row:
                continue
            f = fts.get(kind)
            fp = fts_plain.get(kind)
            zero = (
                srch["zero_hits"].get(kind, 0)
                if kind != "overall"
                else sum(srch["zero_hits"].values())
            )
            if f:
                ratio50 = row["p50_ms"] / f["p50_ms"] if f["p50_ms"] else float("inf")
                ratio95 = row["p95_ms"] / f["p95_ms"] if f["p95_ms"] else float("inf")
                plain50 = fp["p50_ms"] if fp else 0.0
                fcols = (
                    f" {f['p50_ms']:>9.2f} {f['p95_ms']:>9.2f} {plain50:>11.2f} │"
                    f" {ratio50:>6.1f} {ratio95:>6.1f}"
                )
            else:
                fcols = f" {'—':>9} {'—':>9} {'—':>11} │ {'—':>6} {'—':>6}"
                if kind == "fuzzy":
                    fcols += "  (FTS5 has no fuzzy)"
            p(
                f"   {kind:<9} {row['n']:>4} {row['p50_ms']:>9.2f} {row['p95_ms']:>9.2f} "
                f"{row['max_ms']:>9.1f} {zero:>6} │{fcols}"
            )
        tv = report.get("tantivy")
        if tv:
            p(
                f"   tantivy: built in {tv['build']['build_s']:.1f} s "
                f"({tv['build']['size_mb']} MB); p50 / p95 ms with snippets (without), "
                "and Folio ÷ tantivy at p50:"
            )
            for kind in (*CLASSES, "overall"):
                t, tp = tv["with_snippet"].get(kind), tv["without_snippet"].get(kind)
                row = srch["classes"].get(kind)
                if t and row:
                    p(
                        f"   {kind:<9} {t['p50_ms']:>7.2f} / {t['p95_ms']:>7.2f}"
                        f"  ({tp['p50_ms']:.2f})   × {row['p50_ms'] / t['p50_ms']:.1f}"
                    )
        overall = srch["classes"]["overall"]
        p50_target, p95_target = TARGETS["search_p50_ms"], TARGETS["search_p95_ms"]
        line = (
            f"   targets: p50 ≤ {p50_target:.0f} ms {verdict(overall['p50_ms'], p50_target)}; "
            f"p95 ≤ {p95_target:.0f} ms {verdict(overall['p95_ms'], p95_target)}; "
        )
        if "fts5" in report:
            ratio = report["fts5"]["comparable_ratio_p50"]
            line += (
                f"p50 ≤ 2× FTS5 (same classes, {ratio:.1f}×) "
                f"{verdict(ratio, TARGETS['search_vs_fts5'])}"
            )
        p(line)
        if "fts5" in report:
            goals = []
            for kind in CLASSES:
                row, f = srch["classes"].get(kind), fts.get(kind)
                if not row:
                    continue
                ok95 = row["p95_ms"] <= TARGETS["search_p95_ms"]
                ok50 = f is None or row["p50_ms"] <= TARGETS["search_vs_fts5"] * f["p50_ms"]
                goals.append(f"{kind} {'✅' if ok50 and ok95 else '❌'}")
            ratio95 = overall["p95_ms"] / fts["overall"]["p95_ms"]
            p(
                "   issue 16 (p50 ≤ 2× FTS5 and p95 ≤ 100 ms per class): "
                + ", ".join(goals)
                + f"; overall p95 {ratio95:.1f}× FTS5 "
                f"{verdict(ratio95, TARGETS['search_p95_vs_fts5'])} (≤ 3×)"
            )
            p(
                f"   FTS5: built in {report['fts5']['build']['build_s']:.1f} s; 0-hit "
                f"{report['fts5']['zero_hits']}; snippet() costs "
                f"{report['fts5']['snippet_cost_p50_ms']:.2f} ms at p50; "
                "fuzzy skipped (FTS5 has none)"
            )
        if srch.get("after_import"):
            a = srch["after_import"]
            p(
                f"   before reindex ({report['import']['segments_after_import']} segments): "
                f"overall p50 {a['p50_ms']:.1f} ms, p95 {a['p95_ms']:.1f} ms"
            )
        bd = srch.get("breakdown")
        if bd:
            p(
                "   where a query's time goes (mean ms/query): "
                + ", ".join(f"{k.removesuffix('_ms')} {v:.2f}" for k, v in bd.items())
            )
        oc = srch.get("fixed_costs")
        if oc:
            p(
                "   fixed costs (p50): "
                + ", ".join(f"{k.removesuffix('_p50_ms')} {v:.2f} ms" for k, v in oc.items())
            )
    fr = report.get("fresh")
    if fr:
        p(f"\n4. Fresh processes (median of {report['cli_runs']} runs; {fr.get('bytecode')})")
        for label, entry in fr["search"].items():
            p(f"   folio search {label:<40} {_wall(entry)}")
        target = TARGETS["fresh_search_s"]
        p(
            f"   folio search (median of the above)                   {fr['search_median_s']} s   "
            f"target ≤ {target} s {verdict(fr['search_median_s'], target)}"
        )
        p(f"   folio list --json                                    {_wall(fr['list'])}")
        for label, entry in fr["baseline"].items():
            p(f"   {label:<52} {_wall(entry)}")
        if "split_ms" in fr:
            p(
                "   split of one `folio search` (ms): "
                + ", ".join(f"{k} {v}" for k, v in fr["split_ms"].items())
            )
    imps = report.get("imports")
    if imps:
        p(
            f"\n   -X importtime, folio search: {imps['search_total_import_ms']:.0f} ms "
            "of imports; "
            "10 slowest modules (self time):"
        )
        for r in imps["search_top_self"]:
            p(
                f"     {r['self_ms']:>8.1f} ms self  {r['cumulative_ms']:>8.1f} ms cum  "
                f"{r['module']}"
            )
        p(
            "   top-level imports by cumulative time: "
            + ", ".join(
                f"{r['module']} {r['cumulative_ms']:.0f} ms" for r in imps["search_top_level"][:8]
            )
        )
        bad = imps["textual_imported_by"]
        checked = "NO (checked: " + ", ".join(imps["commands_checked"]) + ")"
        p(f"   textual imported by a CLI command: {bad if bad else checked}")
        p(f"   `import tui.cli` loads: {imps['import_tui_cli_heavy_modules']}")
    if report.get("load_average"):
        p(
            "\n   1-minute load average at each phase "
            "(2 cores; above ~1.2 means other work competed):"
        )
        p("   " + ", ".join(f"{k}: {v}" for k, v in report["load_average"].items()))
    variants = report.get("variants")
    if variants:
        p("\n   Spelling variants and aliases (default) vs --exact, p50 of per-query medians:")
        target = TARGETS["variants_vs_exact"]
        for label, title in (("term", "term queries of the mix"), ("name", "words of `names`")):
            row = variants.get(label)
            if row:
                p(
                    f"   {title:<24} {row['variants_p50_ms']:>7.2f} ms vs "
                    f"{row['exact_p50_ms']:>7.2f} ms exact   × {row['ratio']}   target ≤ {target}"
                    f"  {verdict(row['ratio'], target)}"
                )
        p(f"   names sampled: {', '.join(variants.get('names_sampled', []))}")
    profiles = (("cProfile: import", "profile_import"), ("cProfile: searches", "profile_search"))
    for title, key in profiles:
        if report.get(key):
            p(f"\n{title}\n{report[key]}")
    p()


def _wall(entry: dict[str, Any]) -> str:
    if "median_s" not in entry:
        return f"ERROR {entry.get('error', '')[:200]}"
    text = f"{entry['median_s']:.3f} s  (min {entry['min_s']:.3f}, max {entry['max_s']:.3f})"
    if entry.get("error"):
        text += f"  WARNING {entry['error'][:120]}"
    return text


# ---------------------------------------------------------------------------------------------


def prepare_workdir(workdir: Path, reuse: bool) -> None:
    if workdir.exists() and any(workdir.iterdir()):
        if not (workdir / MARKER).exists():
            sys.exit(
                f"bench: {workdir} is not empty and was not made by this benchmark; "
                "choose another --workdir"
            )
        if not reuse:
            shutil.rmtree(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / MARKER).touch()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--articles", type=int, default=100_000, help="library size (default 100000)"
    )
    parser.add_argument(
        "--workdir", type=Path, help="scratch folder (default /tmp/folio-bench-N); wiped first"
    )
    parser.add_argument(
        "--queries", type=int, default=200, help="size of the query mix (default 200)"
    )
    parser.add_argument(
        "--json", dest="json_out", type=Path, help="also write every number to this JSON file"
    )
    parser.add_argument(
        "--cli-runs", type=int, default=10, help="runs per fresh-process timing (median)"
    )
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep an existing library in --workdir (skip import and reindex)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile one round of searches")
    parser.add_argument(
        "--profile-import",
        action="store_true",
        help="cProfile the import (slows it: do not compare its throughput)",
    )
    parser.add_argument("--skip-fresh", action="store_true", help="skip the subprocess phase")
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="import (which builds the index) and stop: no reindex, no search; measure later"
        " with --reuse",
    )
    args = parser.parse_args()

    if not args.corpus.exists():
        print(f"bench: corpus not found at {args.corpus}; skipping the benchmark.")
        return 0
    workdir = (args.workdir or Path(f"/tmp/folio-bench-{args.articles}")).resolve()
    library_dir = workdir / "library"
    reuse = args.reuse and (library_dir / "folio.db").exists()
    prepare_workdir(workdir, reuse)

    # Load every module the in-process phases use now, so they all measure one version of
    # the code even if it is edited during a long run (subprocesses load it when they run).
    import importlib

    for module in ("library.importing", "library.search", "library.importers.plaintext"):
        with contextlib.suppress(ImportError):
            importlib.import_module(module)
    from library.store import Library

    report: dict[str, Any] = {
        "code": code_fingerprint(),
        "articles": args.articles,
        "date": time.strftime("%Y-%m-%d"),
        "workdir": str(workdir),
        "cli_runs": args.cli_runs,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "sqlite": sqlite3.sqlite_version,
        },
    }

    log(f"loading corpus {args.corpus}")
    records = load_corpus(args.corpus)
    start = time.perf_counter()
    articles = build_articles(records, args.articles)
    report["generate_s"] = round(time.perf_counter() - start, 1)
    log(f"{len(articles):,} articles ready in {report['generate_s']} s")
    queries = build_queries(records, articles, args.queries)
    report["query_mix"] = dict(collections.Counter(kind for kind, _ in queries))
    report["query_examples"] = {kind: [q for k, q in queries if k == kind][:3] for kind in CLASSES}

    library = Library(library_dir)
    if reuse:
        have = library.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        log(f"reusing the library in {library_dir} ({have:,} articles)")
        if have != args.articles:
            log(f"warning: the library holds {have:,} articles, not {args.articles:,}")
        saved = workdir / IMPORT_RESULTS
        if saved.exists():
            earlier = json.loads(saved.read_text())
            for key in ("import", "extraction", "rebuild", "profile_import"):
                if key in earlier:
                    report[key] = earlier[key]
            report["import_measured_at"] = earlier.get("measured_at")
    else:
        phase("import")
        imp, import_stats = phase_import(library, articles, args.profile_import)
        report["import"] = imp
        report["extraction"] = extraction_check(library)
        if import_stats:
            report["profile_import"] = (
                format_stats(import_stats, "cumulative", 30)
                + "\n"
                + format_stats(import_stats, "tottime", 20)
                + "\nFolio code only (library/), by cumulative time:\n"
                + format_stats(import_stats, "cumulative", 25, restrict=r"/library/")
            )
        log(f"import: {imp['total_s']} s ({imp['per_s']}/s), index syncs {imp['index_sync_s']} s")
        report["sizes"] = {"after_import": sizes(workdir, library_dir)}
    del articles

    if args.build_only and not reuse:
        (workdir / IMPORT_RESULTS).write_text(
            json.dumps(
                {
                    "measured_at": time.strftime("%Y-%m-%d %H:%M"),
                    "code": report["code"],
                    **{k: report[k] for k in ("import", "extraction") if k in report},
                    "sizes_after_import": report["sizes"]["after_import"],
                },
                indent=2,
            )
        )
        library.close()
        log(f"built; measure with --reuse --workdir {workdir}")
        return 0

    # Search on the index exactly as the import left it, then reindex and measure again.
    if not reuse:
        phase("search round on the index as the import left it")
        run_folio_queries(library, queries[:20])
        times, _zero, _hits = run_folio_queries(library, queries)
        after_import = summary_ms([t for ts in times.values() for t in ts])
        phase("reindex (library.index.rebuild)")
        report["rebuild"] = phase_rebuild(library)
        report["sizes"]["after_rebuild"] = sizes(workdir, library_dir)
        log(f"rebuild: {report['rebuild']['total_s']} s")
        (workdir / IMPORT_RESULTS).write_text(
            json.dumps(
                {
                    "measured_at": time.strftime("%Y-%m-%d %H:%M"),
                    **{
                        key: report[key]
                        for key in ("import", "extraction", "rebuild", "profile_import")
                        if key in report
                    },
                    "sizes_after_import": report["sizes"]["after_import"],
                    "search_after_import": after_import,
                },
                indent=2,
            )
        )
    else:
        after_import = None
        report["sizes"] = {"after_rebuild": sizes(workdir, library_dir)}
        saved = workdir / IMPORT_RESULTS
        if saved.exists():
            earlier = json.loads(saved.read_text())
            report["sizes"]["after_import"] = earlier["sizes_after_import"]
            after_import = earlier.get("search_after_import")
            report["built_by_code"] = earlier.get("code")

    phase(f"search: warm-up + measured round of {len(queries)} queries")
    run_folio_queries(library, queries)
    times, zero, mean_hits = run_folio_queries(library, queries)
    report["search"] = {
        "queries": len(queries),
        "classes": class_table(times),
        "zero_hits": zero,
        "mean_hits": {k: round(v, 1) for k, v in mean_hits.items()},
        "after_import": after_import,
    }
    log(f"search overall: {report['search']['classes']['overall']}")
    phase("search: per-part breakdown round")
    report["search"]["breakdown"] = phase_breakdown(library, queries)
    phase("search: term queries with spelling variants vs --exact")
    report["variants"] = phase_variants(library, queries)
    log(f"variants: {report['variants']}")
    report["search"]["fixed_costs"] = searcher_open_cost(library)
    if args.profile:
        log("search: cProfile round")
        stats = profile_searches(library, queries)
        report["profile_search"] = (
            format_stats(stats, "cumulative", 30)
            + "\n"
            + format_stats(stats, "tottime", 20)
            + "\nFolio code only (library/), by cumulative time:\n"
            + format_stats(stats, "cumulative", 15, restrict=r"/library/")
        )
    library.close()

    phase("FTS5: build")
    build = phase_fts5(library_dir, workdir)
    conn = sqlite3.connect(build["path"])
    run_fts_queries(conn, queries, True)
    with_snip, fts_zero = run_fts_queries(conn, queries, True)
    without_snip, _ = run_fts_queries(conn, queries, False)
    conn.close()
    fts_table = class_table(with_snip)
    comparable = [t for kind, ts in times.items() if kind in with_snip for t in ts]
    comparable_p50 = percentile([t * 1000 for t in comparable], 0.5)
    report["fts5"] = {
        "build": build,
        "with_snippet": fts_table,
        "without_snippet": class_table(without_snip),
        "zero_hits": fts_zero,
        "snippet_cost_p50_ms": round(
            fts_table["overall"]["p50_ms"] - class_table(without_snip)["overall"]["p50_ms"], 2
        ),
        "comparable_ratio_p50": round(comparable_p50 / fts_table["overall"]["p50_ms"], 1),
        "skipped": "fuzzy (FTS5 has no fuzzy matching)",
    }
    log(f"FTS5 overall: {fts_table['overall']}")

    phase("tantivy: build")
    built = phase_tantivy(library_dir, workdir)
    if built is None:
        log("tantivy: the package is not installed (uv sync --group bench); skipped")
    else:
        run_tantivy_queries(built, queries, True)
        tv_snip, tv_zero = run_tantivy_queries(built, queries, True)
        tv_plain, _ = run_tantivy_queries(built, queries, False)
        tv_table = class_table(tv_snip)
        report["tantivy"] = {
            "build": {k: built[k] for k in ("build_s", "size_mb")},
            "with_snippet": tv_table,
            "without_snippet": class_table(tv_plain),
            "zero_hits": tv_zero,
            "ratio_p50": round(
                report["search"]["classes"]["overall"]["p50_ms"] / tv_table["overall"]["p50_ms"], 1
            ),
        }
        log(f"tantivy overall: {tv_table['overall']}")
        del built

    if not args.skip_fresh:
        phase("fresh processes")
        report["fresh"] = phase_fresh(library_dir, workdir, queries, args.cli_runs)
        phase("import times and textual check")
        report["imports"] = phase_imports(library_dir, workdir, queries)

    phase("done")
    report["load_average"] = dict(LOADS)
    report["code_at_end"] = code_fingerprint()
    print_report(report)
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        log(f"wrote {args.json_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
