#!/usr/bin/env python
"""Shared-passage benchmark: import throughput with and without passage detection, recall
and precision of detection on injected republications and re-translations, and the
latency of `folio related`.

Run from the repository root:

    .venv/bin/python bench/bench_passages.py [--articles N] [--workdir DIR] [--json OUT]

See bench/README.md ("Shared passages") for what each number means.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import os
import random
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import bench_library as base  # noqa: E402  (the library benchmark's corpus and helpers)

REPO = base.REPO
SEED = 14
# Share of articles that copy from earlier ones, and of those, the republications.
COPY_RATE = 0.02
REPUBLICATION_RATE = 0.25
# Word-change rates of copied passages (each equally likely), and of republications.
RATES = (0.0, 0.05, 0.1, 0.15, 0.2)
REPUBLICATION_CHANGES = 0.02
IMPORT_RESULTS = "import-results.json"  # kept so that a --reuse run can report the import
TARGETS = {"import_ratio": 0.8, "related_ms": 300.0, "recall": 0.9, "precision": 0.9}


# ---------------------------------------------------------------------------------------------
# Corpus: text no two articles share, then known copies


class Babbler:
    """Order-1 Markov text from the real prose of the bench corpus: real words in real
    proportions, and sentences no two articles share by chance, so that every passage found
    is either injected or a false positive. Only prose paragraphs train it (a third or more
    function words: not file lists or code), and one word in JUMP is drawn from the whole
    corpus instead of the chain, so a run of rare words is not copied out of the corpus
    into every article that reaches it."""

    JUMP = 0.3

    def __init__(self, records: list[dict[str, str]], rng: random.Random) -> None:
        from library.stopwords import all_function_words

        self.rng = rng
        self.next: dict[str, list[str]] = collections.defaultdict(list)
        self.starts: list[str] = []
        self.tokens: list[str] = []
        small_words = all_function_words()
        for record in records:
            for paragraph in re.split(r"\n\s*\n", record["body"]):
                words = paragraph.split()
                if len(words) < 8:
                    continue
                small = sum(word.lower().strip(".,;:()") in small_words for word in words)
                if small * 3 < len(words):
                    continue
                self.starts.append(words[0])
                self.tokens.extend(words)
                for left, right in itertools.pairwise(words):
                    self.next[left].append(right)
                    if left.endswith((".", "?", "!")) and right[:1].isupper():
                        self.starts.append(right)
        self.vocabulary = [w for w in self.next if w.isalpha() and len(w) > 2]

    def sentence(self) -> str:
        rng = self.rng
        word = rng.choice(self.starts)
        words = [word]
        while len(words) < 40:
            followers = self.next.get(word)
            if not followers or rng.random() < self.JUMP:
                word = rng.choice(self.tokens)
            else:
                word = rng.choice(followers)
            words.append(word)
            if word.endswith((".", "?", "!")) and len(words) >= 6:
                break
        text = " ".join(words)
        return text if text.endswith((".", "?", "!")) else text.rstrip(",;:") + "."

    def paragraph(self) -> list[str]:
        return [self.sentence() for _ in range(self.rng.randint(2, 7))]


def mutate(sentences: list[str], rate: float, babbler: Babbler) -> list[str]:
    """Sentences as another translation or an editor would give them: each word, with
    probability `rate`, replaced, respelt (a vowel changed, a letter doubled), dropped,
    joined with the next ("under way" → "underway"), or followed by an extra word."""
    rng = babbler.rng
    changed = []
    for sentence in sentences:
        words = sentence.split()
        out: list[str] = []
        index = 0
        while index < len(words):
            word = words[index]
            roll = rng.random()
            if roll >= rate or index == len(words) - 1:  # the full stop stays
                out.append(word)
            else:
                how = rng.random()
                if how < 0.55:
                    out.append(rng.choice(babbler.vocabulary))
                elif how < 0.75:
                    out.append(_respell(word, rng))
                elif how < 0.85:
                    pass
                elif how < 0.95:
                    out.extend([word, rng.choice(babbler.vocabulary)])
                else:
                    out.append(word + words[index + 1])
                    index += 1
            index += 1
        changed.append(" ".join(out) if out else sentence)
    return changed


def _respell(word: str, rng: random.Random) -> str:
    vowels = [i for i, c in enumerate(word) if c in "aeiou"]
    if vowels and rng.random() < 0.6:
        i = rng.choice(vowels)
        return word[:i] + rng.choice([v for v in "aeiou" if v != word[i]]) + word[i + 1 :]
    i = rng.randrange(len(word))
    return word[: i + 1] + word[i:] if word[i].isalpha() else word


@dataclass
class Copied:
    """A passage article `copier` took from article `source`: the source's sentences
    (paragraph, first and last sentence index) and the text as the copier has it."""

    copier: int
    source: int
    paragraph: int
    first: int
    last: int
    text: str
    rate: float
    kind: str  # "passage" or "republication"


@dataclass
class Article:
    title: str
    author: str
    date: str
    paragraphs: list[list[str]]
    copied: list[Copied] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n\n".join(" ".join(p) for p in self.paragraphs)


def build_corpus(records: list[dict[str, str]], n: int, seed: int = SEED) -> list[Article]:
    """N articles of babble, COPY_RATE of them copying from earlier ones (not copies)."""
    rng = random.Random(seed)
    babbler = Babbler(records, rng)
    lengths = [min(max(len(r["body"]), base.MIN_BODY), base.MAX_BODY) for r in records]
    articles: list[Article] = []
    originals: list[int] = []
    for number in range(n):
        target = rng.choice(lengths)
        paragraphs: list[list[str]] = []
        size = 0
        while size < target:
            paragraphs.append(babbler.paragraph())
            size += sum(len(s) + 1 for s in paragraphs[-1]) + 1
        donor = rng.choice(records)
        title = " ".join(rng.choice(babbler.vocabulary) for _ in range(rng.randint(3, 8)))
        article = Article(title.capitalize(), donor["author"], donor["date"], paragraphs)
        if len(originals) > 20 and rng.random() < COPY_RATE:
            if rng.random() < REPUBLICATION_RATE:
                _republish(article, number, articles, rng.choice(originals), babbler)
            else:
                for _ in range(rng.randint(1, 3)):
                    _quote(article, number, articles, rng.choice(originals), babbler)
        else:
            originals.append(number)
        articles.append(article)
    return articles


def _republish(article: Article, number: int, articles: list[Article], source: int,
               babbler: Babbler) -> None:  # fmt: skip
    """The article becomes the source's text, lightly edited, between a note and a footer."""
    original = articles[source]
    article.paragraphs = [
        [f"This article was first published by {original.author or 'another site'}."]
    ]
    for index, paragraph in enumerate(original.paragraphs):
        changed = mutate(paragraph, REPUBLICATION_CHANGES, babbler)
        article.paragraphs.append(changed)
        article.copied.append(
            Copied(number, source, index, 0, len(paragraph) - 1, " ".join(changed),
                   REPUBLICATION_CHANGES, "republication")
        )  # fmt: skip
    article.paragraphs.append(["Republished with permission. All rights reserved."])


def _quote(article: Article, number: int, articles: list[Article], source: int,
           babbler: Babbler) -> None:  # fmt: skip
    """2–5 consecutive sentences of the source, changed at a drawn rate, become a
    paragraph of their own or end one of the article's, sometimes as a quote."""
    rng = babbler.rng
    original = articles[source]
    index = rng.randrange(len(original.paragraphs))
    paragraph = original.paragraphs[index]
    if len(paragraph) < 2:
        return
    count = rng.randint(2, min(5, len(paragraph)))
    first = rng.randint(0, len(paragraph) - count)
    rate = rng.choice(RATES)
    changed = mutate(paragraph[first : first + count], rate, babbler)
    text = " ".join(changed)
    if rng.random() < 0.3:
        lead = babbler.sentence().rstrip(".!?") + ":"
        block = [lead, "“" + text + "”"]
        text = "“" + text + "”"
    else:
        block = changed
    at = rng.randrange(len(article.paragraphs) + 1)
    if rng.random() < 0.5 or at == len(article.paragraphs):
        article.paragraphs.insert(at, block)
    else:
        article.paragraphs[at] = article.paragraphs[at] + block
    article.copied.append(
        Copied(number, source, index, first, first + count - 1, text, rate, "passage")
    )


def render(article: Article) -> bytes:
    return base.render_plaintext(
        {"title": article.title, "author": article.author, "date": article.date,
         "body": article.body}
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Phases


def _sources(articles: list[Article]) -> list[Any]:
    from library.importing import Source

    return [
        Source(name=f"bench-{i:06d}.txt", path=None, data=render(a)) for i, a in enumerate(articles)
    ]


def _progress(started: float, total: int) -> Any:
    step = max(1000, total // 20)

    def progress(done: int, total: int) -> None:
        if done % step == 0:
            log(f"  imported {done:,}/{total:,} ({done / (time.perf_counter() - started):.0f}/s)")

    return progress


def phase_import(library: Any, articles: list[Article]) -> tuple[dict[str, Any], list[int]]:
    """Import without looking for shared passages (import_sources: database, original
    files, index, as bench_library.py does); the report and the articles' pks."""
    from library.importing import import_sources

    sources = _sources(articles)
    started = time.perf_counter()
    pks: list[int] = []
    statuses: collections.Counter[str] = collections.Counter()
    for result in import_sources(library, sources, _progress(started, len(sources))):
        statuses[result.status] += 1
        pks.append(result.article.pk if result.article else -1)
    imported = time.perf_counter() - started
    return {"statuses": dict(statuses), "import_s": round(imported, 1)}, pks


def phase_import_with_detection(
    library: Any, articles: list[Article], imported: dict[str, Any]
) -> tuple[dict[str, Any], list[int]]:
    """Import as `folio add` does (tui.actions.importing.import_collected: for a big
    import, the passages are found alongside, in a process of its own; the rest after),
    into a fresh library; the figures with and without detection, and the pks."""
    from library.passage_links import pending_count
    from tui.actions.importing import ImportReport, import_collected

    sources = _sources(articles)
    progress = _progress(time.perf_counter(), len(sources))
    stages: list[tuple[str, float]] = []
    started = time.perf_counter()

    def staged(stage: str, done: int, total: int) -> None:
        if not stages or stages[-1][0] != stage:
            stages.append((stage, time.perf_counter() - started))
            log(f"  {stage} from {stages[-1][1]:.1f} s")
        if stage == "Importing":
            progress(done, total)

    outcome = import_collected(library, sources, ImportReport([]), staged)
    seconds = time.perf_counter() - started
    assert pending_count(library.conn) == 0, "texts left unscanned"
    pks = [r.article.pk if r.article else -1 for r in outcome.value.results]
    return {
        **imported,
        **_throughput(len(articles), imported["import_s"], seconds),
        "stages_s": {stage: round(at, 1) for stage, at in stages},
        "notices": len(outcome.warnings),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }, pks


def phase_scan(library: Any, imported: dict[str, Any], n: int, rescan: bool) -> dict[str, Any]:
    """Find the shared passages, as `folio add` does once its batches have committed
    (with `rescan`, in a library scanned before: everything again); the import's figures
    with and without the scan."""
    from library.database import transaction
    from library.passages import catch_up, requeue_all

    if rescan:
        with transaction(library.conn) as conn:
            requeue_all(conn)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    step = max(1000, n // 20)
    ticks: list[tuple[int, float]] = []
    started = time.perf_counter()

    def scanned(done: int, total: int) -> None:
        ticks.append((done, time.perf_counter() - started))
        if done % step < 1000 or done == total:
            log(f"  scanned {done:,}/{total:,}")

    found = catch_up(library.conn, scanned)
    detected = time.perf_counter() - started
    seconds = imported["import_s"]
    return {
        **imported,
        **_throughput(n, seconds, seconds + detected),
        "articles_sharing": len(found),
        "detect_ms_by_tenth": _by_tenth(ticks, n),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_before_scan_mb": round(rss_before / 1024, 1),
    }


def _throughput(n: int, without: float, with_: float) -> dict[str, Any]:
    """The import's figures: `n` articles in `without` seconds, and `with_` seconds with
    shared passages found."""
    return {
        "with_s": round(with_, 1),
        "detect_s": round(with_ - without, 1),
        "without_per_s": round(n / without, 1),
        "with_per_s": round(n / with_, 1),
        "ratio": round(without / with_, 3),
        "detect_ms_per_article": round((with_ - without) / n * 1000, 3),
    }


def _by_tenth(ticks: list[tuple[int, float]], n: int) -> list[float]:
    """Detection time per article in each tenth of the library (does a later article cost
    more than an early one?)."""
    out = []
    previous_done, previous_t = 0, 0.0
    for tenth in range(1, 11):
        edge = n * tenth // 10
        done, t = next(((d, s) for d, s in ticks if d >= edge), ticks[-1] if ticks else (0, 0.0))
        if done > previous_done:
            out.append(round((t - previous_t) / (done - previous_done) * 1000, 3))
        previous_done, previous_t = done, t
    return out


def _spans_of(text: str, needle: str) -> tuple[int, int] | None:
    at = text.find(needle)
    return (at, at + len(needle)) if at >= 0 else None


def phase_quality(library: Any, articles: list[Article], pks: list[int]) -> dict[str, Any]:
    """Recall of the injected passages and precision of the passages found."""
    from library.fingerprints import segments

    conn = library.conn
    text_of = {}

    def text(number: int) -> str:
        if number not in text_of:
            text_of[number] = conn.execute(
                "SELECT text FROM articles WHERE pk = ?", (pks[number],)
            ).fetchone()[0]
        return text_of[number]

    number_of = {pk: number for number, pk in enumerate(pks)}
    # Labels: which source sentences each span of an article holds.
    Label = tuple[int, int, int]  # source article, paragraph, sentence
    labels: dict[int, list[tuple[int, int, set[Label]]]] = collections.defaultdict(list)
    truth: list[tuple[Copied, tuple[int, int]]] = []
    lost = 0
    for article in articles:
        for copied in article.copied:
            span = _spans_of(text(copied.copier), copied.text)
            if span is None:
                lost += 1
                continue
            sentences = range(copied.first, copied.last + 1)
            ids = {(copied.source, copied.paragraph, k) for k in sentences}
            labels[copied.copier].append((*span, ids))
            truth.append((copied, span))
            for k in range(copied.first, copied.last + 1):
                sentence = articles[copied.source].paragraphs[copied.paragraph][k]
                own = _spans_of(text(copied.source), sentence)
                if own:
                    labels[copied.source].append((*own, {(copied.source, copied.paragraph, k)}))
    links = collections.defaultdict(list)
    for a, b, s, e, os_, oe, sim in conn.execute("SELECT * FROM passage_links"):
        links[(number_of.get(a, -1), number_of.get(b, -1))].append((s, e, os_, oe, sim))

    def labelled(number: int, start: int, end: int) -> set[Label]:
        found: set[Label] = set()
        for s, e, ids in labels.get(number, ()):
            if s < end and start < e:
                found |= ids
        return found

    # Recall: an injected passage is found when links between copier and source cover at
    # least half of it.
    by_rate: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for copied, (start, end) in truth:
        covered = sum(
            max(0, min(e, end) - max(s, start))
            for s, e, *_ in links.get((copied.copier, copied.source), ())
        )
        hit = covered >= 0.5 * (end - start)
        key = copied.kind if copied.kind == "republication" else f"passage {copied.rate:.2f}"
        by_rate[key][0] += hit
        by_rate[key][1] += 1
    # Precision: a passage found (from the later article's side) is right when the spans in
    # both articles hold one same source sentence.
    right = wrong = right_multi = wrong_multi = 0
    wrong_examples = []
    for (a, b), found in links.items():
        if a < b or a < 0 or b < 0:
            continue
        for s, e, os_, oe, sim in found:
            ok = bool(labelled(a, s, e) & labelled(b, os_, oe))
            multi = len(segments(text(a)[s:e])) >= 2
            right += ok
            wrong += not ok
            right_multi += ok and multi
            wrong_multi += (not ok) and multi
            if not ok and len(wrong_examples) < 5:
                wrong_examples.append(
                    {"a": text(a)[s:e][:160], "b": text(b)[os_:oe][:160], "similarity": sim}
                )
    passages = [copied for copied, _ in truth if copied.kind == "passage"]
    hits = sum(v[0] for k, v in by_rate.items() if k.startswith("passage"))
    return {
        "injected_passages": len(passages),
        "republished_paragraphs": len(truth) - len(passages),
        "lost_in_import": lost,
        "recall": round(hits / max(1, len(passages)), 4),
        "recall_by_kind": {k: round(v[0] / v[1], 4) for k, v in sorted(by_rate.items())},
        "counts_by_kind": {k: v[1] for k, v in sorted(by_rate.items())},
        "found": right + wrong,
        "precision": round(right / max(1, right + wrong), 4),
        "precision_multi_segment": round(right_multi / max(1, right_multi + wrong_multi), 4),
        "wrong_examples": wrong_examples,
        "kinds": _kinds(library, articles, pks),
    }


def _kinds(library: Any, articles: list[Article], pks: list[int]) -> dict[str, dict[str, int]]:
    """How each copier's relation to its source is labelled, by what was injected."""
    from library.articles import article_by_pk
    from library.related import related_articles

    table: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for number, article in enumerate(articles):
        if not article.copied:
            continue
        sources = collections.Counter(c.source for c in article.copied)
        related = {
            r.article.pk: r.kind
            for r in related_articles(library.conn, article_by_pk(library.conn, pks[number]))
        }
        for source, count in sources.items():
            injected = (
                "republication" if article.copied[0].kind == "republication"
                else f"{min(count, 3)} passage(s)"
            )  # fmt: skip
            table[injected][related.get(pks[source], "not found")] += 1
    return {k: dict(v) for k, v in sorted(table.items())}


def phase_related(library: Any, library_dir: Path, articles: list[Article], pks: list[int],
                  runs: int) -> dict[str, Any]:  # fmt: skip
    """`related` in process (200 articles, copiers and sources half each) and as a fresh
    `folio related REF --json` process."""
    from library.articles import article_by_pk
    from library.related import related_articles

    rng = random.Random(SEED + 1)
    copiers = [n for n, a in enumerate(articles) if a.copied]
    chosen = [rng.choice(copiers) for _ in range(100)] + [
        rng.choice(articles[rng.choice(copiers)].copied).source for _ in range(100)
    ]
    times = []
    for number in chosen:
        started = time.perf_counter()
        related_articles(library.conn, article_by_pk(library.conn, pks[number]))
        times.append(time.perf_counter() - started)
    ids = [
        library.conn.execute("SELECT id FROM articles WHERE pk = ?", (pks[n],)).fetchone()[0]
        for n in chosen[:runs]
    ]
    fresh = []
    for article_id in ids:
        started = time.perf_counter()
        out = subprocess.run(
            [str(base.FOLIO_BIN), "--library", str(library_dir), "related", article_id, "--json"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        fresh.append(time.perf_counter() - started)
        if out.returncode:
            log(f"folio related failed: {out.stderr.strip()[:300]}")
    return {"in_process": base.summary_ms(times), "fresh_process": base.summary_ms(fresh)}


def table_sizes(library: Any) -> dict[str, float]:
    """Megabytes each passage table (and its indexes) takes, when SQLite can say."""
    try:
        rows = library.conn.execute(
            "SELECT name, sum(pgsize) FROM dbstat WHERE name LIKE 'passage%' GROUP BY name"
        ).fetchall()
    except sqlite3.OperationalError:
        return {}
    return {name: base.mb(size) for name, size in rows}


def log(message: str) -> None:
    base.log(message)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--json", dest="json_out", type=Path)
    parser.add_argument("--cli-runs", type=int, default=10)
    parser.add_argument("--corpus", type=Path, default=base.CORPUS)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the library an earlier run imported in --workdir: scan it again (the "
        "import's time is read back from that run)",
    )
    args = parser.parse_args()
    if not args.corpus.exists():
        print(f"bench: corpus not found at {args.corpus}; skipping the benchmark.")
        return 0
    workdir = (args.workdir or Path(f"/tmp/folio-bench-passages-{args.articles}")).resolve()
    library_dir = workdir / "library"
    saved = workdir / IMPORT_RESULTS
    reuse = args.reuse and saved.exists() and (library_dir / "folio.db").exists()
    base.prepare_workdir(workdir, reuse=reuse)
    from library.store import Library

    report: dict[str, Any] = {
        "code": base.code_fingerprint(),
        "articles": args.articles,
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "cpus": os.cpu_count(),
    }
    base.phase("corpus")
    records = base.load_corpus(args.corpus)
    started = time.perf_counter()
    articles = build_corpus(records, args.articles)
    del records
    report["generate_s"] = round(time.perf_counter() - started, 1)
    report["copiers"] = sum(1 for a in articles if a.copied)
    log(f"{len(articles):,} articles ({report['copiers']} copy others) in {report['generate_s']} s")
    if reuse:
        library = Library(library_dir)
        imported = json.loads(saved.read_text())
        pks = imported.pop("pks")
        log(f"reusing the library in {library_dir} (imported {imported['measured_at']})")
        base.phase("finding shared passages (the whole library again, after the import)")
        report["import"] = phase_scan(library, imported, len(articles), rescan=True)
    else:
        base.phase("import without detection")
        plain_dir = workdir / "library-without-detection"
        with Library(plain_dir) as plain:
            imported, _ = phase_import(plain, articles)
        log(json.dumps(imported))
        shutil.rmtree(plain_dir)
        base.phase("import with detection, as folio add does")
        library = Library(library_dir)
        report["import"], pks = phase_import_with_detection(library, articles, imported)
        imported["measured_at"] = time.strftime("%Y-%m-%d %H:%M")
        saved.write_text(json.dumps({**imported, "pks": pks}))
    log(json.dumps(report["import"]))
    report["sizes_mb"] = {
        "database": base.mb(os.path.getsize(library_dir / "folio.db")),
        **table_sizes(library),
    }
    base.phase("quality")
    report["quality"] = phase_quality(library, articles, pks)
    log(json.dumps({k: v for k, v in report["quality"].items() if k != "wrong_examples"}))
    base.phase("related")
    report["related"] = phase_related(library, library_dir, articles, pks, args.cli_runs)
    report["loads"] = base.LOADS
    library.close()
    print_report(report)
    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=2))
    return 0


def print_report(report: dict[str, Any]) -> None:
    imp, quality, related = report["import"], report["quality"], report["related"]
    lines = [
        f"Shared passages — {report['articles']:,} articles ({report['copiers']} copiers), "
        f"code {report['code']}",
        f"import without detection  {imp['without_per_s']:>8} /s  ({imp['import_s']} s)",
        f"import with detection     {imp['with_per_s']:>8} /s  (+{imp['detect_s']} s, "
        f"{imp['detect_ms_per_article']} ms/article) ratio {imp['ratio']} "
        f"(target ≥ {TARGETS['import_ratio']})",
        f"detection ms/article by tenth of the library: {imp.get('detect_ms_by_tenth')}; "
        f"stages from {imp.get('stages_s')}",
        f"peak RSS {imp['peak_rss_mb']} MB; sizes {report['sizes_mb']}",
        f"recall {quality['recall']} of {quality['injected_passages']} passages "
        f"(by kind {quality['recall_by_kind']}); lost in import {quality['lost_in_import']}",
        f"precision {quality['precision']} of {quality['found']} found; "
        f"2+ segments {quality['precision_multi_segment']}",
        f"kinds {quality['kinds']}",
        f"related in process p50/p95 {related['in_process']['p50_ms']}/"
        f"{related['in_process']['p95_ms']} ms; fresh `folio related` p50 "
        f"{related['fresh_process']['p50_ms']} ms (target ≤ {TARGETS['related_ms']})",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
