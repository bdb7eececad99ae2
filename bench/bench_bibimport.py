"""Benchmark: `folio import-bib` of a large .bib file, then `folio export --all`, and the
round trip `export --all --merge -o FILE` (twice: the second run must find nothing to do).

Each step runs as a fresh `folio` process, as a user runs it. The file is made
deterministically (random.Random(10)): N entries of the kinds real libraries hold
(articles with @string journals, proceedings with crossref parents, books with editors,
theses, web pages with urldate, LaTeX accents, DOIs), or a real file with --bib.

    .venv/bin/python bench/bench_bibimport.py                 # 6,000 entries
    .venv/bin/python bench/bench_bibimport.py --bib refs.bib  # a file of your own
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS = """river memory state province drone court archive border water election network
language village treaty journal market famine winter migration record signal engine theory
method model system study analysis evidence history policy region""".split()
NAMES = ["M{\\\"u}ller, J{\\\"o}rg", "L{\\'o}pez, Ana", "Smith, John", "van der Berg, Anna",
         "Nakamura, Ken", "O'Brien, Siobhan", "{World Health Organization}",
         "Dvo{\\v r}{\\'a}k, Jan"]  # fmt: skip


def _title(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(3, 9))]
    words[0] = words[0].capitalize()
    place = f" in {{{rng.choice(['NATO', 'Kabul', 'EU'])}}}" if rng.random() < 0.3 else ""
    return " ".join(words) + place


def _authors(rng: random.Random) -> str:
    return " and ".join(rng.sample(NAMES, rng.randint(1, 3)))


def make_bib(count: int) -> str:
    """A .bib file of `count` entries (plus @string macros and crossref parents)."""
    rng = random.Random(10)
    parts = [
        "% Generated for Folio's import benchmark\n",
        '@string{jfm = "Journal of Fluid Mechanics"}\n@string{ieee = {IEEE Transactions}}\n',
    ]
    parents = max(1, count // 50)
    for n in range(parents):
        parts.append(
            f"@proceedings{{conf{n},\n  title = {{Proceedings of the {n}th Conference on "
            f"{rng.choice(WORDS).capitalize()}}},\n  year = {2000 + n % 24},\n"
            f"  editor = {{{_authors(rng)}}},\n  publisher = {{Example Press}},\n}}\n"
        )
    for n in range(count - parents):
        kind = rng.choice(["article", "article", "inproceedings", "book", "online", "phdthesis"])
        year = rng.randint(1950, 2024)
        fields = [f"  author = {{{_authors(rng)}}}", f"  title = {{{_title(rng)}}}"]
        if kind == "article":
            fields += [f"  journal = {rng.choice(['jfm', 'ieee # { on Signals}', '{Nature}'])}",
                       f"  year = {year}", f"  volume = {rng.randint(1, 90)}",
                       f"  pages = {{{rng.randint(1, 400)}--{rng.randint(401, 900)}}}",
                       f"  doi = {{10.{rng.randint(1000, 9999)}/b{n}}}"]  # fmt: skip
        elif kind == "inproceedings":
            fields += [f"  crossref = {{conf{rng.randrange(parents)}}}", "  pages = {1--10}"]
        elif kind == "book":
            fields += [f"  editor = {{{_authors(rng)}}}", "  publisher = {Oxford University Press}",
                       f"  year = {year}", "  isbn = {978-0-19-000000-0}"]  # fmt: skip
        elif kind == "online":
            fields += [f"  url = {{https://example.org/{n}/{rng.choice(WORDS)}}}",
                       f"  date = {{{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}}}",
                       "  urldate = {2024-01-02}", "  organization = {The Diplomat}"]  # fmt: skip
        else:
            fields += ["  school = {Universit{\\'e} de Paris}", f"  year = {year}"]
        if rng.random() < 0.3:
            fields.append("  abstract = {" + " ".join(rng.choice(WORDS) for _ in range(60)) + "}")
        parts.append(f"@{kind}{{key{n},\n" + ",\n".join(fields) + ",\n}\n")
    return "\n".join(parts)


def folio(library: Path, *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run `folio` in a fresh process; its wall time and result."""
    start = time.perf_counter()
    run = subprocess.run(
        [str(Path(sys.executable).parent / "folio"), "--library", str(library), *args],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    return time.perf_counter() - start, run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=6000)
    parser.add_argument("--bib", type=Path, help="import this file instead of a generated one")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/folio-bench-bib"))
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    work = args.workdir
    if work.exists():
        if not (work / ".folio-bench").exists():
            parser.error(f"{work} exists and was not made by this benchmark")
        shutil.rmtree(work)
    work.mkdir(parents=True)
    (work / ".folio-bench").touch()
    bib = work / "refs.bib"
    if args.bib:
        shutil.copyfile(args.bib, bib)
    else:
        bib.write_text(make_bib(args.entries), encoding="utf-8")
    text = bib.read_text(encoding="utf-8", errors="replace")
    entries = len(re.findall(r"^\s*@(?!string|comment|preamble)", text, re.I | re.M))
    library = work / "library"
    figures: dict[str, object] = {"entries_in_file": entries, "file_bytes": bib.stat().st_size}
    seconds, run = folio(library, "import-bib", str(bib), "--yes")
    figures["import_s"] = round(seconds, 2)
    figures["import_summary"] = run.stderr.strip().splitlines()[-1] if run.stderr else ""
    seconds, run = folio(library, "export", "--all", "-o", str(work / "export.bib"))
    figures["export_s"] = round(seconds, 2)
    seconds, run = folio(library, "export", "--all", "--merge", "-o", str(bib))
    figures["merge_s"] = round(seconds, 2)
    figures["merge_summary"] = run.stdout.strip()
    before = bib.read_bytes()
    seconds, run = folio(library, "export", "--all", "--merge", "-o", str(bib))
    figures["merge_again_s"] = round(seconds, 2)
    figures["merge_again_summary"] = run.stdout.strip()
    figures["merge_again_unchanged"] = bib.read_bytes() == before
    for name, value in figures.items():
        print(f"{name:24} {value}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
