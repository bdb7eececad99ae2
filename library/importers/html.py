"""HTML importer: the page's main text (trafilatura) and its metadata."""

from __future__ import annotations

import codecs
import logging
import re
import warnings
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from library.decoding import decode_text
from library.errors import ImportRefused
from library.extracted import Extracted
from library.importers.html_meta import json_ld_items, page_fields
from library.textnorm import normalize_text

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# A charset declaration is ASCII in every encoding a page can declare, so it can be
# found in the raw bytes: <meta charset=x>, <meta http-equiv content="…; charset=x">,
# or an XML declaration for XHTML.
_CHARSET_DECLARATION = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)"""
    rb"""|<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)
_DECLARATION_WINDOW = 4096
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

# lxml turns `&#27;` into a raw ESC, which trafilatura then cannot store in its XML
# tree; such references become the same visible symbols normalize_text uses.
_CONTROL_REFERENCE = re.compile(r"&#(?:[xX]0*([0-9a-fA-F]{1,2})|0*([0-9]{1,3}));")
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*>")

_HIDDEN_TAGS = ("script", "style", "noscript", "template", "head", "title", "svg", "iframe")
_BLOCK_TAGS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt"),
        *("fieldset", "figcaption", "figure", "footer", "form", "header", "hr", "li", "main"),
        *("nav", "ol", "p", "pre", "section", "summary", "ul"),
        *("h1", "h2", "h3", "h4", "h5", "h6"),
        *("table", "tbody", "thead", "tfoot", "tr", "td", "th"),
    }
)
# Elements of trafilatura's output tree: formatting inside a line, and whole blocks
# (anything else is a container whose children are looked at one by one).
_OUTPUT_INLINE_TAGS = frozenset({"hi", "ref", "del"})
_OUTPUT_BLOCK_TAGS = frozenset({"p", "head", "list", "table", "quote", "code", "graphic"})
_HTML_SPACE = re.compile(r"[ \t\n\f\r]+")
# Stand-ins for paragraph and line breaks while walking the tree; the source's own
# control characters were already turned into visible symbols, so these cannot clash.
_PARAGRAPH, _LINE = "\x00", "\x01"

# Elements a browser hides, by attribute or inline style (spaces in the style ignored).
_HIDDEN_XPATH = (
    ".//*[@hidden or contains(translate(@style, ' ABCDEFGHIJKLMNOPQRSTUVWXYZ',"
    " 'abcdefghijklmnopqrstuvwxyz'), 'display:none') or contains(translate(@style,"
    " ' ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), 'visibility:hidden')]"
)
# A block with more children than this has its inline elements unwrapped (see
# _flatten_crowded).
_MAX_INLINE_CHILDREN = 1000
_INLINE_TAGS = (
    *("a", "abbr", "b", "big", "cite", "code", "em", "font", "i", "kbd", "mark", "q", "s"),
    *("samp", "small", "span", "strike", "strong", "sub", "sup", "tt", "u", "var"),
)
# A retry favouring recall when the text found is below this share of the declared body.
_RECALL_SHARE = 0.6
_NOISY_LOGGERS = ("trafilatura", "htmldate", "courlan", "justext")


def extract_html(data: bytes, name: str) -> Extracted:
    """Extract an HTML page's main text and metadata.

    Paragraphs are separated by blank lines. Raise ImportRefused when the bytes are
    not text or the page has no text at all.
    """
    source = _prepare_source(_decode_html(data, name))
    tree = _parse(source)
    if tree is None:
        raise ImportRefused(f"{name}: no article text found")
    _drop_hidden(tree)
    _flatten_crowded(tree)
    trafilatura = _trafilatura()
    document = _run_quietly(
        lambda: trafilatura.bare_extraction(
            tree,
            with_metadata=True,
            include_comments=False,
            date_extraction_params=_date_params(),
        )
    )
    text = _document_text(document)
    declared, article_body = _declared_body(tree)
    if len(text) < _RECALL_SHARE * declared:
        # The page says its article is much longer than what was found (a body split over
        # several containers, unusual markup): try again favouring recall, keep the longer
        # text, and fall back on the page's own articleBody if it is still far longer.
        retry = _run_quietly(
            lambda: trafilatura.bare_extraction(
                tree,
                with_metadata=True,
                include_comments=False,
                favor_recall=True,
                date_extraction_params=_date_params(),
            )
        )
        if len(retry_text := _document_text(retry)) > len(text):
            document, text = retry, retry_text
        if len(text) < _RECALL_SHARE * len(article_body):
            text = _join_blocks(article_body.split("\n"))
    text = text or _visible_text(tree)
    if not text:
        raise ImportRefused(f"{name}: no article text found")
    if document is None:
        # The main-text extraction gave up, but the page's metadata is still worth having.
        document = _run_quietly(
            lambda: trafilatura.extract_metadata(tree, date_config=_date_params())
        )
    return Extracted(text=text, fields=page_fields(document, tree, text))


def _decode_html(data: bytes, name: str) -> str:
    """Decode a page as a browser would: BOM, then declared charset, then detection.

    A declared charset is trusted and bad bytes become U+FFFD, as browsers do; pages
    without a declaration go through decode_text's detection (and refusals).
    """
    declared = None if data.startswith(_BOMS) else _declared_charset(data)
    if declared is None:
        return decode_text(data, name)
    return data.decode(declared, errors="replace")


def _declared_charset(data: bytes) -> str | None:
    """The Python codec for the charset the page declares near its start, if usable."""
    match = _CHARSET_DECLARATION.search(data, 0, _DECLARATION_WINDOW)
    if match is None:
        return None
    label = (match[1] or match[2]).decode("ascii").lower()
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        return None
    # WHATWG: these labels mean windows-1252, and a UTF-16/32 label found in
    # ASCII-readable bytes is wrong, so the page is treated as UTF-8.
    if codec in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    if codec.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return codec


def _prepare_source(source: str) -> str:
    """Make decoded HTML safe for lxml: visible control symbols, no XML declaration."""
    source = _CONTROL_REFERENCE.sub(_control_reference_symbol, normalize_text(source))
    return _XML_DECLARATION.sub("", source, count=1)


def _control_reference_symbol(match: re.Match[str]) -> str:
    """The visible symbol for a numeric reference to a C0 control, else the reference itself."""
    code = int(match[1], 16) if match[1] else int(match[2])
    if code < 0x20 and code not in (0x09, 0x0A, 0x0D):
        return normalize_text(chr(code))
    return match[0]


def _parse(source: str) -> HtmlElement | None:
    """Parse HTML leniently into a document tree; None when there is nothing to parse."""
    from lxml import etree, html

    # huge_tree: without it libxml2 silently drops everything nested deeper than 256
    # elements, which generated pages do reach.
    parser = html.HTMLParser(
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
        default_doctype=False,
        huge_tree=True,
    )
    try:
        return html.document_fromstring(source, parser=parser)
    except (etree.LxmlError, ValueError):
        return None


def _declared_body(tree: HtmlElement) -> tuple[int, str]:
    """How long the page says its article is, and the JSON-LD `articleBody` if it has one.

    The length is that of JSON-LD `articleBody` or of the visible text of the element
    marked itemprop="articleBody" (0 when the page says nothing).
    """
    bodies = [
        normalize_text(body)
        for item in json_ld_items(tree)
        if isinstance(body := item.get("articleBody"), str)
    ]
    lengths = [len(" ".join(body.split())) for body in bodies]
    for element in tree.xpath("//*[@itemprop='articleBody']"):
        words = element.xpath(".//text()[not(ancestor::script) and not(ancestor::style)]")
        lengths.append(len(" ".join(" ".join(words).split())))
    return max(lengths, default=0), max(bodies, key=len, default="")


def _flatten_crowded(tree: HtmlElement) -> None:
    """Unwrap the inline elements of a block with thousands of them (their text stays).

    Trafilatura's main pass takes time quadratic in the inline children of one block: a
    paragraph of 8,000 <b> or <a> elements took minutes. Real pages stay far below the
    limit; an odd or hostile file no longer stalls the import.
    """
    from lxml import etree

    crowded = [element for element in tree.iter() if len(element) > _MAX_INLINE_CHILDREN]
    for element in crowded:
        etree.strip_tags(element, *_INLINE_TAGS)
        # strip_tags leaves the text in many adjacent text nodes, which reading `.text`
        # joins again every time: set it once to make it one node.
        element.text = element.text
        for child in element:
            child.tail = child.tail


def _drop_hidden(tree: HtmlElement) -> None:
    """Remove what a browser does not show: `hidden` elements and inline display:none or
    visibility:hidden. Pages that keep a second copy of the article hidden (for another
    layout or a paywall) otherwise come out with the article twice or three times."""
    body = _body(tree)
    hidden = body.xpath(_HIDDEN_XPATH)
    for element in hidden:
        if element.getparent() is not None:
            element.drop_tree()


def _trafilatura() -> ModuleType:
    """Import trafilatura on first use (it takes a quarter of a second) with its logs muted."""
    for logger_name in _NOISY_LOGGERS:
        logging.getLogger(logger_name).setLevel(logging.CRITICAL + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import trafilatura
    return trafilatura


def _run_quietly(call: Callable[[], Any]) -> Any:
    """Run a trafilatura call with warnings muted; None if it fails on the page.

    Trafilatura runs many heuristics over arbitrary markup and can raise almost anything
    on a pathological page; a failed extraction falls back to the page's visible text.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return call()
        except Exception:
            return None


def _date_params() -> dict[str, Any]:
    """htmldate settings: the publication date, from markup only (no guessing from prose)."""
    return {"extensive_search": False, "original_date": True}


def _document_text(document: Any) -> str:
    """Trafilatura's main text with a blank line between blocks (paragraphs, headings, lists)."""
    body = getattr(document, "body", None)
    if body is None:
        return ""
    blocks: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _collect_blocks(body, blocks)
    return _join_blocks(blocks)


def _collect_blocks(element: Any, blocks: list[str]) -> None:
    """Append the text blocks of a trafilatura output element to `blocks`.

    Trafilatura's own plain-text output separates blocks by a single newline, like the
    lines of a list; this keeps a block per paragraph, heading, list, table or quote, and
    groups loose text and inline elements between them into blocks of their own.
    """
    from trafilatura.xml import xmltotxt

    run = [element.text or ""]
    for child in element:
        # Tails are loose text after the child, not part of its block.
        tail, child.tail = child.tail, None
        if child.tag == "lb":
            run.append("\n")
        elif child.tag in _OUTPUT_INLINE_TAGS:
            run.append("".join(child.itertext()))
        else:
            blocks.append("".join(run))
            run = []
            if child.tag in _OUTPUT_BLOCK_TAGS or not len(child):
                blocks.append(xmltotxt(child, False))
            else:
                _collect_blocks(child, blocks)
        run.append(tail or "")
    blocks.append("".join(run))


def _join_blocks(blocks: list[str]) -> str:
    """Normalise blocks, drop blank ones and separate the rest by a blank line."""
    cleaned = (_strip_lines(normalize_text(block)) for block in blocks)
    return "\n\n".join(block for block in cleaned if block)


def _strip_lines(block: str) -> str:
    """A block without trailing spaces on its lines or blank lines inside it."""
    return "\n".join(line.rstrip() for line in block.strip().splitlines() if line.strip())


def _visible_text(tree: HtmlElement) -> str:
    """The visible text of <body>, paragraph by paragraph, for pages trafilatura gives up on."""
    from copy import deepcopy

    from lxml import etree

    body = deepcopy(_body(tree))
    for hidden in list(body.iter(*_HIDDEN_TAGS)):
        hidden.drop_tree()
    parts: list[str] = []
    for event, element in etree.iterwalk(body, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _BLOCK_TAGS:
                parts.append(_PARAGRAPH)
            elif tag == "br":
                parts.append(_LINE)
            parts.append(element.text or "")
        else:
            if tag in _BLOCK_TAGS:
                parts.append(_PARAGRAPH)
            if element is not body:
                parts.append(element.tail or "")
    paragraphs = (
        "\n".join(_HTML_SPACE.sub(" ", line).strip() for line in chunk.split(_LINE))
        for chunk in "".join(parts).split(_PARAGRAPH)
    )
    return _join_blocks(list(paragraphs))


def _body(tree: HtmlElement) -> HtmlElement:
    """The <body> element, or the whole document when the parser made none (head-only pages)."""
    body = tree.find("body")
    return tree if body is None else body
