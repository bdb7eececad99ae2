"""Exports checked by the tools that read them: bibtex with plain, plainnat and apalike (the
URL printed for every web item and newspaper article, no key printed as an author),
biber's data model (ids, keywords, langid, shorttitle, --ascii), pandoc's citeproc on
CSL-JSON (case protection next to quote marks), and pandoc on Markdown notes and quotes
(quoted text never read as citations or markup)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from library.csljson import protect_case
from notes.markdown import code_span, escape_markdown
from tests.conftest import Folio, write
from tests.test_bibtex_export import _biber_warnings, require_tool

PASSAGE = "Ask @taliban_spox [1] about *this* and_that <b>now</b> for $5 ~ x^2 | {#id} & more"


def add(folio: Folio, tmp_path: Path, name: str, body: str, **edits: str) -> str:
    page = write(tmp_path / "in" / f"{name}.md", f"{body}\nText of {name}.\n")
    added = json.loads(folio("add", str(page), "--json").stdout)
    args = [arg for key, value in edits.items() for arg in (f"--{key}", value)]
    if args:
        assert folio("edit", added["id"], *args).exit_code == 0
    return str(added["id"])


@pytest.fixture
def library(folio: Folio, tmp_path: Path) -> dict[str, str]:
    """Four kinds of web item, each with a URL, and some non-ASCII metadata."""
    ids = {
        "web": add(
            folio,
            tmp_path,
            "web",
            "---\ntitle: Drones over Kabul\nauthor: Zoë Müller\n---\n\nx\n",
            url="https://example.org/drones",
            date="2021-09-01",
            site="Example Review",
            language="en-GB",
        ),
        "anon-news": add(
            folio,
            tmp_path,
            "anon",
            "---\ntitle: Kabul falls to the Taliban as the last "
            "foreign troops leave the city\n---\n\nx\n",
            url="https://news.example.com/kabul",
            date="2021-08-15",
            site="The Daily Example",
            type="article-newspaper",
        ),
        "news": add(
            folio,
            tmp_path,
            "news",
            "---\ntitle: Łódź and the Taliban\nauthor: Ann Smith\n---\n\nThe paper asked the "
            "spokesman about the new rules, and he answered at length. " + PASSAGE + ", he wrote "
            "later that week.\n",
            url="https://paper.example.com/lodz",
            date="2022-01-02",
            site="The Example Times",
            type="article-newspaper",
        ),
        "report": add(
            folio,
            tmp_path,
            "rep",
            "---\ntitle: Annual Report\nauthor: Human Rights Watch\n---\n\nx\n",
            url="https://hrw.example.org/report",
            date="2023",
            type="report",
            site="Human Rights Watch",
        ),
    }
    assert folio("tag", "add", ids["web"], "drones", "central-asia/kabul").exit_code == 0
    return ids


def _bbl(tmp_path: Path, bib: str, style: str) -> tuple[str, str]:
    bibtex = require_tool("bibtex")
    work = tmp_path / style
    work.mkdir()
    (work / "refs.bib").write_text(bib, encoding="ascii")
    (work / "doc.aux").write_text(f"\\citation{{*}}\n\\bibdata{{refs}}\n\\bibstyle{{{style}}}\n")
    run = subprocess.run(
        [bibtex, "doc"], capture_output=True, text=True, cwd=work, env={**os.environ}
    )
    if "I couldn't open style file" in run.stdout:
        missing = f"{style}.bst is not installed (Debian texlive-base, texlive-latex-base)"
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(missing + "; .ci/run installs them")
        pytest.skip(missing)
    assert run.returncode == 0, run.stdout
    return (work / "doc.bbl").read_text(), run.stdout


@pytest.mark.parametrize("style", ["plain", "plainnat", "apalike"])
def test_classic_styles_print_every_url_once_and_no_key_as_author(
    folio: Folio, library: dict, tmp_path: Path, style: str
) -> None:
    bib = folio("export", "--all", "--format", "bibtex").stdout
    assert "key =" not in bib
    bbl, log = _bbl(tmp_path, bib, style)
    assert "Warning" not in log, log
    items = re.split(r"\\bibitem", bbl)[1:]
    assert len(items) == 4
    for url in (
        "example.org/drones",
        "news.example.com/kabul",
        "paper.example.com/lodz",
        "hrw.example.org/report",
    ):
        holding = [item for item in items if url in item]
        assert len(holding) == 1 and holding[0].count(url) == 1, (style, url)
        assert "\\url{https://" + url in holding[0]
    anonymous = next(item for item in items if "kabul" in item)
    assert "Daily Example" in anonymous  # where it was published, not as its author
    if style == "plainnat":
        # The title is the label of an anonymous work, and the year stays in it.
        label = " ".join(anonymous.split("]")[0].split())
        assert (
            label == "[{Kabul falls to the Taliban as the last foreign troops leave the city}(2021)"
        )


def test_biblatex_fields_validate_with_biber(folio: Folio, library: dict, tmp_path: Path) -> None:
    folio("edit", library["web"], "--date", "2020")
    folio("rekey", library["web"])
    bib = tmp_path / "refs.bib"
    assert folio("export", "--all", "-o", str(bib)).exit_code == 0
    text = bib.read_text(encoding="utf-8")
    assert "keywords = {central-asia/kabul, drones}," in text
    assert "langid = {british}," in text
    assert "ids = {mullerDronesKabul}," in text  # the key it had before the rekey
    assert "shorttitle = {{Kabul} falls}," in text  # only the author-less one has it
    assert text.count("shorttitle =") == 1
    # Only what Folio itself notes: a newspaper article with no byline has no author.
    assert [w.split("): ")[-1] for w in _biber_warnings(bib)] == [
        "Missing mandatory field 'author'"
    ]


def test_biblatex_ascii_writes_latex_commands_and_reports_the_rest(
    folio: Folio, library: dict, tmp_path: Path
) -> None:
    bib = tmp_path / "ascii.bib"
    result = folio("export", "--all", "--ascii", "-o", str(bib))
    assert result.exit_code == 0 and "warning" not in result.stderr, result.output
    text = bib.read_text(encoding="utf-8")
    assert text.isascii()
    assert "{{\\L}{\\'{o}}d{\\'{z}}}" in text and 'M{\\"{u}}ller, Zo{\\"{e}}' in text
    assert len(_biber_warnings(bib)) == 1  # the missing author, as above
    add(
        folio,
        tmp_path,
        "ru",
        "---\ntitle: Россия и Talibán\nauthor: Ann Smith\n---\n\nx\n",
        date="2022",
    )
    lossy = folio("export", "--all", "--ascii")
    assert lossy.exit_code == 0 and ": title: " in lossy.stderr and "Р" in lossy.stderr
    strict = folio("export", "--all", "--ascii", "--strict", "-o", str(tmp_path / "no.bib"))
    assert strict.exit_code == 1 and not (tmp_path / "no.bib").exists()
    wrong = folio("export", "--all", "--ascii", "--format", "csl-json")
    assert wrong.exit_code == 2 and "--ascii" in wrong.stderr


def _citeproc(tmp_path: Path, items: str, keys: list[str]) -> str:
    pandoc = require_tool("pandoc")
    (tmp_path / "refs.json").write_text(items, encoding="utf-8")
    cites = "; ".join(f"@{key}" for key in keys)
    (tmp_path / "doc.md").write_text(f"---\nbibliography: refs.json\n---\n\n[{cites}]\n")
    run = subprocess.run(
        [pandoc, "--citeproc", "-t", "plain", "--wrap=none", "doc.md"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.returncode == 0 and not run.stderr, run.stderr
    return run.stdout


def test_csl_json_case_protection_survives_quote_marks_in_pandoc(
    folio: Folio, library: dict, tmp_path: Path
) -> None:
    title = '"We Are Not Leaving," says the ISIS-K spokesman in <b>Kabul</b>'
    folio("edit", library["news"], "--title", title)
    items = json.loads(folio("export", "--all", "--format", "csl-json").stdout)
    news = next(item for item in items if item["URL"].endswith("lodz"))
    assert news["title"].startswith('"We <span class="nocase">Are Not Leaving</span>,"')
    web = next(item for item in items if item["URL"].endswith("drones"))
    assert web["keyword"] == "central-asia/kabul, drones"
    anon = next(item for item in items if "author" not in item)
    assert anon["title-short"] == "Kabul falls"
    shown = _citeproc(tmp_path, json.dumps(items), [i["id"] for i in items])
    assert "nocase" not in shown.lower() and "span" not in shown.lower(), shown
    shown = shown.replace("\u2060", "")  # the invisible joiner that keeps <b> from being bold
    assert "Are Not Leaving" in shown and "ISIS-K" in shown and "<b>Kabul</b>" in shown


@pytest.mark.parametrize(
    "title",
    [
        '"We" said',
        "'Single' Quotes Here",
        "“Curly” and «Guillemets» in Paris",
        "A (Bracketed) Word, and NATO's iPhone",
        "\"Nested 'Quote' Marks\"",
    ],
)
def test_protected_titles_render_cleanly_in_pandoc(tmp_path: Path, title: str) -> None:
    item = {
        "id": "k",
        "type": "webpage",
        "title": protect_case(title),
        "issued": {"date-parts": [[2021]]},
    }
    shown = _citeproc(tmp_path, json.dumps([item]), ["k"])
    assert "span" not in shown.lower() and "nocase" not in shown.lower(), shown


def _pandoc_ast(markdown: str) -> dict:
    pandoc = require_tool("pandoc")
    run = subprocess.run(
        [pandoc, "-f", "markdown", "-t", "json"], input=markdown, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def _nodes(node: object) -> Iterator[dict]:
    """Every element of a pandoc AST (the dicts with a type `t`), depth first."""
    if isinstance(node, dict):
        if "t" in node:
            yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def _node_types(node: object) -> list[str]:
    return [element["t"] for element in _nodes(node)]


def _plain(markdown: str) -> str:
    pandoc = require_tool("pandoc")
    run = subprocess.run(
        [pandoc, "-f", "markdown-smart", "-t", "plain", "--wrap=none"],
        input=markdown,
        capture_output=True,
        text=True,
    )
    return run.stdout


MARKUP = {
    "Cite",
    "Emph",
    "Strong",
    "Link",
    "Image",
    "Code",
    "RawInline",
    "Math",
    "Note",
    "Superscript",
    "Subscript",
    "Strikeout",
    "Span",
    "BulletList",
    "OrderedList",
    "Header",
    "DefinitionList",
}


@pytest.mark.parametrize(
    "text",
    [
        PASSAGE,
        "- a dash first",
        "1. a number first",
        "# hash first",
        ": colon first",
        "> quote first",
        "see [@smith2020, p. 3] and @jones",
        "![img](x.png) <https://x.org>",
        "back\\slash and `code` and ^[note]",
        "+ plus",
        "= equals",
    ],
)
def test_escaped_text_is_text_to_pandoc(text: str) -> None:
    markdown = escape_markdown(text)
    assert not MARKUP & set(_node_types(_pandoc_ast(markdown))), markdown
    assert _plain(markdown).strip() == text


def test_tags_with_backticks_stay_code() -> None:
    assert _plain(code_span("a`b")).strip() == "a`b"
    assert _plain(code_span("`x")).strip() == "`x"


def test_notes_and_quotes_in_markdown_escape_the_passage(
    folio: Folio, library: dict, tmp_path: Path
) -> None:
    note = folio(
        "note",
        library["news"],
        "--quote",
        PASSAGE,
        "--note",
        "My *own* note",
        "--tag",
        "t",
        "--json",
    )
    assert note.exit_code == 0, note.output
    note_id = json.loads(note.stdout)["id"]
    exported = folio("notes", library["news"], "--format", "markdown").stdout
    quote = folio("quote", note_id, "--style", "markdown").stdout
    for markdown in (exported, quote):
        ast = _pandoc_ast(markdown)
        cites = [c["citationId"] for n in _nodes(ast) if n["t"] == "Cite" for c in n["c"][0]]
        assert cites == ["smithLodzTaliban"] * len(cites) and cites, cites
        assert PASSAGE in _plain(markdown)
    quoted = next(b for b in _pandoc_ast(exported)["blocks"] if b["t"] == "BlockQuote")
    assert not MARKUP & set(_node_types(quoted))
    assert "Emph" in _node_types(_pandoc_ast(exported))  # the user's own Markdown stays
