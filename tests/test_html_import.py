"""Tests for library.importers.html.extract_html: main text, metadata, encodings, bad pages."""

from __future__ import annotations

import contextlib
import json
import logging
import subprocess
import sys

import pytest

from library.errors import ImportRefused
from library.extracted import ARTICLE_TYPES, METADATA_FIELDS, Extracted, FieldValue
from library.importers.html import extract_html
from library.textnorm import normalize_text

PARAGRAPHS = (
    "Rivers in the northern valleys run cold all year, fed by glaciers that are older "
    "than any settlement along their banks.",
    "The second paragraph follows the water downstream, past mills and bridges, to the "
    "wide estuary where the town was founded.",
    "A last paragraph closes the walk at the harbour, where the river finally meets the sea.",
)

FULL_PAGE = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Rivers of the North | The Example Times</title>
<meta property="og:title" content="Rivers of the North">
<meta property="og:type" content="article">
<meta property="og:site_name" content="The Example Times">
<meta property="og:url" content="https://news.example.org/2021/03/rivers">
<meta name="author" content="Ada Lovelace; Charles Babbage">
<meta property="article:published_time" content="2021-03-04T10:00:00Z">
<style>body {{ color: red; }}</style>
<script>var tracking = "do not import me";</script>
</head>
<body>
<nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article>
<h1>Rivers of the North</h1>
<p>{PARAGRAPHS[0]}</p>
<p>{PARAGRAPHS[1]}</p>
<p>{PARAGRAPHS[2]}</p>
</article>
<footer>Copyright The Example Times. All rights reserved.</footer>
</body>
</html>
"""


def page(body: str, head: str = "", charset: str = "utf-8") -> str:
    """A minimal HTML document around `body`."""
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}">{head}</head>'
        f"<body>{body}</body></html>"
    )


def values(extracted: Extracted) -> dict[str, object]:
    """The metadata as plain values."""
    return {key: field.value for key, field in extracted.fields.items()}


def origins(extracted: Extracted) -> dict[str, str]:
    """The metadata's origins."""
    return {key: field.origin for key, field in extracted.fields.items()}


def refusal(data: bytes, name: str = "page.html") -> str:
    """The message extract_html refuses `data` with (fails the test if it imports)."""
    with pytest.raises(ImportRefused) as caught:
        extract_html(data, name)
    return str(caught.value)


# --- Main text -------------------------------------------------------------------------


def test_main_text_with_paragraph_breaks() -> None:
    extracted = extract_html(FULL_PAGE.encode(), "rivers.html")
    assert extracted.text == "\n\n".join(("Rivers of the North", *PARAGRAPHS))
    assert extracted.pages is None


def test_boilerplate_script_and_style_are_left_out() -> None:
    text = extract_html(FULL_PAGE.encode(), "rivers.html").text
    for noise in ("Copyright", "Home", "tracking", "color: red"):
        assert noise not in text


def test_list_items_stay_in_one_block_on_their_own_lines() -> None:
    items = "<ul><li>first item</li><li>second item</li></ul>"
    body = f"<article><p>{PARAGRAPHS[0]}</p>{items}</article>"
    text = extract_html(page(body).encode(), "list.html").text
    assert text.startswith(PARAGRAPHS[0] + "\n\n")
    assert "first item\n" in text
    assert "second item" in text


def test_markup_lookalikes_and_control_characters_are_normalised() -> None:
    body = (
        "<article><p>Rich markup such as [bold]loud[/] stays literal, and an escape \x1b[31m "
        "or &#27; or &#x1B; never reaches the terminal.\r\nA carriage return too.</p></article>"
    )
    text = extract_html(page(body).encode(), "tricky.html").text
    assert "[bold]loud[/]" in text
    assert "\x1b" not in text
    assert text.count("\u241b") == 3
    assert "\u241b[31m" in text
    assert "\r" not in text
    assert normalize_text(text) == text


def test_text_is_normalised_in_the_fallback_too() -> None:
    body = "<footer>Only a footer with [bold] and \x1b and \x07</footer>"
    text = extract_html(page(body).encode(), "footer.html").text
    assert text == "Only a footer with [bold] and \u241b and \u2407"


# --- Metadata --------------------------------------------------------------------------


def test_metadata_found_on_the_page() -> None:
    extracted = extract_html(FULL_PAGE.encode(), "rivers.html")
    assert values(extracted) == {
        "title": "Rivers of the North",
        "authors": ["Ada Lovelace", "Charles Babbage"],
        "date": "2021-03-04",
        "site": "The Example Times",
        "url": "https://news.example.org/2021/03/rivers",
        "language": "en-GB",
        "type": "webpage",
    }
    assert set(origins(extracted).values()) == {"found"} | {origins(extracted)["type"]}
    assert origins(extracted)["type"] == "guessed"  # og:type "article" is ambiguous


def test_fields_are_known_names_and_types() -> None:
    extracted = extract_html(FULL_PAGE.encode(), "rivers.html")
    assert set(extracted.fields) <= set(METADATA_FIELDS)
    assert extracted.fields["type"].value in ARTICLE_TYPES


def test_page_without_metadata() -> None:
    body = f"<div><p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p></div>"
    data = f"<html><body>{body}</body></html>".encode()
    extracted = extract_html(data, "bare.html")
    assert extracted.text == f"{PARAGRAPHS[0]}\n\n{PARAGRAPHS[1]}"
    assert values(extracted) == {"title": PARAGRAPHS[0], "type": "webpage"}
    assert origins(extracted) == {"title": "guessed", "type": "guessed"}


def test_title_element_is_a_found_title() -> None:
    data = page(f"<p>{PARAGRAPHS[0]}</p>", head="<title>Plain Title</title>").encode()
    extracted = extract_html(data, "t.html")
    assert extracted.fields["title"].value == "Plain Title"
    assert extracted.fields["title"].origin == "found"


@pytest.mark.parametrize(
    ("json_ld", "expected"),
    [
        ('{"@context": "https://schema.org", "@type": "NewsArticle"}', "article-newspaper"),
        ('{"@type": ["BlogPosting"]}', "post-weblog"),
        ('{"@graph": [{"@type": "WebSite"}, {"@type": "ScholarlyArticle"}]}', "article-journal"),
        ('[{"@type": "Report"}]', "report"),
    ],
)
def test_json_ld_type_maps_to_csl(json_ld: str, expected: str) -> None:
    head = f'<script type="application/ld+json">{json_ld}</script>'
    extracted = extract_html(page(f"<p>{PARAGRAPHS[0]}</p>", head=head).encode(), "t.html")
    assert extracted.fields["type"].value == expected
    assert extracted.fields["type"].origin == "found"


def test_og_type_book() -> None:
    head = '<meta property="og:type" content="book">'
    extracted = extract_html(page(f"<p>{PARAGRAPHS[0]}</p>", head=head).encode(), "t.html")
    assert extracted.fields["type"].value == "book"


def test_broken_json_ld_is_ignored() -> None:
    head = '<script type="application/ld+json">{"@type": "NewsArticle",</script>'
    extracted = extract_html(page(f"<p>{PARAGRAPHS[0]}</p>", head=head).encode(), "t.html")
    assert extracted.fields["type"].value in ARTICLE_TYPES


@pytest.mark.parametrize(
    ("head", "html_attributes", "expected"),
    [
        ('<meta http-equiv="Content-Language" content="de">', "", "de"),
        ('<meta property="og:locale" content="fr_FR">', "", "fr-FR"),
        ("", 'lang="pt-BR"', "pt-BR"),
        ("", 'lang="not a language"', None),
    ],
)
def test_language(head: str, html_attributes: str, expected: str | None) -> None:
    data = f"<html {html_attributes}><head>{head}</head><body><p>{PARAGRAPHS[0]}</p></body></html>"
    extracted = extract_html(data.encode(), "l.html")
    language = extracted.fields.get("language")
    assert (language.value if language else None) == expected


def test_metadata_values_are_single_clean_lines() -> None:
    head = '<meta property="og:title" content="A\ttitle &#27; with\n breaks">'
    extracted = extract_html(page(f"<p>{PARAGRAPHS[0]}</p>", head=head).encode(), "t.html")
    title = extracted.fields["title"].value
    assert isinstance(title, str)
    assert "\n" not in title
    assert "\x1b" not in title


# --- Encodings -------------------------------------------------------------------------

CP1252_TEXT = "“Café – naïve” résumé, façade; don’t worry — it’s déjà vu."


def test_cp1252_page_with_meta_charset() -> None:
    data = page(f"<p>{CP1252_TEXT}</p>", head="<title>Café</title>", charset="windows-1252")
    extracted = extract_html(data.encode("cp1252"), "cafe.html")
    assert extracted.text == CP1252_TEXT
    assert extracted.fields["title"].value == "Café"


def test_cp1252_page_with_http_equiv() -> None:
    data = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
        f"</head><body><p>{CP1252_TEXT}</p></body></html>"
    )
    assert extract_html(data.encode("cp1252"), "cafe.html").text == CP1252_TEXT


def test_latin1_label_means_windows_1252() -> None:
    # Browsers read "iso-8859-1" as windows-1252, so 0x93/0x94 are curly quotes.
    data = page(f"<p>{CP1252_TEXT}</p>", charset="iso-8859-1").encode("cp1252")
    assert extract_html(data, "cafe.html").text == CP1252_TEXT


def test_undeclared_cp1252_page_is_detected() -> None:
    data = f"<html><body><p>{CP1252_TEXT}</p></body></html>".encode("cp1252")
    assert extract_html(data, "cafe.html").text == CP1252_TEXT


def test_cp1251_page() -> None:
    text = "Привет, мир! Это тестовый текст на русском языке."
    data = page(f"<p>{text}</p>", charset="windows-1251").encode("cp1251")
    assert extract_html(data, "ru.html").text == text


def test_utf16_page_with_bom() -> None:
    data = ("\ufeff" + page(f"<p>{CP1252_TEXT}</p>", charset="utf-16")).encode("utf-16-le")
    assert extract_html(data, "u16.html").text == CP1252_TEXT


def test_xhtml_with_xml_declaration() -> None:
    data = (
        '<?xml version="1.0" encoding="iso-8859-15"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>X</title></head>'
        "<body><p>Prix : 5 € net.</p></body></html>"
    ).encode("iso-8859-15")
    assert extract_html(data, "x.xhtml").text == "Prix : 5 € net."


def test_declared_charset_with_a_bad_byte_becomes_replacement_character() -> None:
    data = page("<p>caf</p>").encode().replace(b"caf", b"caf\xff")
    assert extract_html(data, "bad.html").text == "caf\ufffd"


# --- Damaged and empty pages -----------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected_words"),
    [
        (b"<p>Hello <b>world", ["Hello", "world"]),
        (b"<html><body><div>garbage <<<>>> &&& </span></p>text</div>", ["garbage", "text"]),
        (b"<div><table><tr><td>cell one<td>cell two</table>", ["cell one", "cell two"]),
        (b"</html></body>stray closing tags first<p>then text", ["stray", "then text"]),
        (b"<html><body><p>unterminated <a href='x>link text", ["unterminated"]),
    ],
)
def test_malformed_html_keeps_what_is_there(data: bytes, expected_words: list[str]) -> None:
    text = extract_html(data, "broken.html").text
    for word in expected_words:
        assert word in text


def test_deeply_nested_text_is_not_dropped() -> None:
    # libxml2 discards content below 256 levels unless told otherwise.
    data = "<html><body>" + "<div>" * 300 + "<p>deep text here</p>" + "</div>" * 300
    assert extract_html(data.encode(), "deep.html").text == "deep text here"


def test_fallback_to_body_text_when_trafilatura_finds_nothing() -> None:
    body = (
        "<footer><p>Only a footer line here.</p><p>And a second one.</p>"
        "<script>hidden()</script><style>.x{}</style>tail text<br>after a break</footer>"
    )
    text = extract_html(page(body).encode(), "footer.html").text
    assert text == "Only a footer line here.\n\nAnd a second one.\n\ntail text\nafter a break"


@pytest.mark.parametrize(
    "data",
    [
        b"<html><head><title>only a title</title></head></html>",
        b"<html><body><script>var x = 1;</script><style>p {}</style></body></html>",
        b"<html><body>   <div> </div> </body></html>",
        b"<x>",
        b"<!-- just a comment -->",
    ],
)
def test_no_text_is_refused(data: bytes) -> None:
    assert refusal(data, "empty.html") == "empty.html: no article text found"


def test_empty_file() -> None:
    assert refusal(b"", "e.html") == "e.html: the file is empty"


def test_binary_renamed_html() -> None:
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    assert refusal(data, "p.html") == "p.html: looks like a binary file, not text"


# --- Quietness and import cost ---------------------------------------------------------


def test_nothing_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for data in (b"<p>tiny", b"<html><body></body></html>", FULL_PAGE.encode()):
        with contextlib.suppress(ImportRefused):
            extract_html(data, "q.html")
    noisy = ("trafilatura", "htmldate", "courlan", "justext")
    assert [r for r in caplog.records if r.name.split(".")[0] in noisy] == []


def test_nothing_is_printed_in_a_fresh_interpreter() -> None:
    script = (
        "from library.importers.html import extract_html\n"
        "from library.errors import ImportRefused\n"
        "for data in (b'<p>tiny', b'<html><body></body></html>', b'<x>', b'<p>a</p>' * 3):\n"
        "    try:\n"
        "        extract_html(data, 'q.html')\n"
        "    except ImportRefused:\n"
        "        pass\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stderr == ""
    assert result.stdout == ""


def test_importing_the_module_does_not_import_trafilatura() -> None:
    script = (
        "import sys, library.importers.html\n"
        "print(sorted(m for m in ('trafilatura', 'lxml') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_plain_pip_install_has_what_the_html_path_imports() -> None:
    """justext (through trafilatura) imports lxml.html.clean, which lives in the separate
    lxml_html_clean package since lxml 5.2; justext asks for it only through lxml's
    `html_clean` extra, which some resolvers skip. Folio declares it itself."""
    import re
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    declared = {
        re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        for requirement in project["project"]["dependencies"]
    }
    assert {"lxml", "lxml-html-clean", "trafilatura"} <= declared
    import justext  # noqa: F401  (fails with ImportError when lxml_html_clean is missing)
    import lxml.html.clean  # noqa: F401


# --- Metadata as a person would state it: titles, bylines, dates, hidden copies --------------

ARTICLE_BODY = "".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS)


def metadata_page(head: str, body: str = "") -> bytes:
    """A page with an article and the given <head> contents."""
    return page(f"<article>{body}{ARTICLE_BODY}</article>", head=head).encode()


@pytest.mark.parametrize(
    ("head", "title"),
    [
        ("<title>Opinion | Mills Should Stay Open</title>", "Mills Should Stay Open"),
        (
            '<title>Rivers of the North – Riverwire</title><meta property="og:site_name"'
            ' content="Riverwire">',
            "Rivers of the North",
        ),
        ("<title>Riverwire News - Rivers of the North</title>"
         '<meta property="og:site_name" content="Riverwire News">', "Rivers of the North"),
        ('<title>Rivers of the North | riverwire.example</title>'
         '<meta property="og:url" content="https://www.riverwire.example/rivers">',
         "Rivers of the North"),
        ("<title>Why the Mills Stop: A Winter Story</title>", "Why the Mills Stop: A Winter Story"),
    ],
)  # fmt: skip
def test_titles_lose_the_site_name_and_section_label(head: str, title: str) -> None:
    extracted = extract_html(metadata_page(head), "page.html")
    assert extracted.fields["title"].value == title
    assert extracted.fields["title"].origin == "found"


def test_a_button_label_is_not_a_title() -> None:
    head = "<title>Share this</title>"
    extracted = extract_html(metadata_page(head, body="<h1>Rivers of the North</h1>"), "p.html")
    assert extracted.fields["title"].value == "Rivers of the North"


@pytest.mark.parametrize(
    ("author", "authors", "site"),
    [
        ("Admin", None, None),
        ("Carrie Arnold November", ["Carrie Arnold"], None),
        ("Malcolm Owen Monday", ["Malcolm Owen"], None),
        ("Cleveland com", None, "Cleveland.com"),
        ("ERIC TUCKER Associated Press", ["Eric Tucker"], "Associated Press"),
        ("Ilana Muhlstein, MS, RDN", ["Ilana Muhlstein"], None),
    ],
)
def test_page_authors_go_through_the_byline_cleaner(
    author: str, authors: list[str] | None, site: str | None
) -> None:
    head = f'<title>Rivers</title><meta name="author" content="{author}">'
    fields = values(extract_html(metadata_page(head), "page.html"))
    assert fields.get("authors") == authors
    assert fields.get("site") == site


def test_a_fact_check_is_dated_by_its_publication_not_the_claim() -> None:
    claim = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "datePublished": "2023-05-02",
        "itemReviewed": {"@type": "Claim", "datePublished": "2021-11-20"},
        "claimReviewed": "Rivers run uphill in winter",
    }
    head = (
        '<title>Do rivers run uphill?</title><meta property="article:published_time"'
        ' content="2021-11-20"><script type="application/ld+json">'
        f"{json.dumps(claim)}</script>"
    )
    extracted = extract_html(metadata_page(head), "check.html")
    assert extracted.fields["date"] == FieldValue("2023-05-02")


@pytest.mark.parametrize(
    "hiding",
    ['<div style="display: none">', "<div hidden>", '<div style="Visibility:Hidden">'],
)
def test_a_hidden_copy_of_the_article_is_left_out(hiding: str) -> None:
    body = f"<article><h1>Rivers</h1>{ARTICLE_BODY}</article>{hiding}{ARTICLE_BODY}</div>"
    text = extract_html(page(body).encode(), "copies.html").text
    assert text.count(PARAGRAPHS[0]) == 1


def test_a_page_declaring_a_longer_body_gets_a_recall_retry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When the extraction is far shorter than the page's JSON-LD articleBody, Folio tries
    again favouring recall and, failing that, takes the articleBody itself."""
    import trafilatura

    calls: list[bool] = []
    real = trafilatura.bare_extraction

    def short_first(*args: object, **kwargs: object) -> object:
        calls.append(bool(kwargs.get("favor_recall")))
        document = real(*args, **kwargs)  # type: ignore[arg-type]
        if not kwargs.get("favor_recall") and document is not None:
            document.body = None  # as if the extractor had found only a fragment
        return document

    monkeypatch.setattr(trafilatura, "bare_extraction", short_first)
    body = {"@type": "NewsArticle", "articleBody": "\n".join(PARAGRAPHS)}
    head = f'<script type="application/ld+json">{json.dumps(body)}</script>'
    extracted = extract_html(metadata_page(head), "split.html")
    assert calls == [False, True]
    assert all(paragraph in extracted.text for paragraph in PARAGRAPHS)


@pytest.mark.parametrize("inline", ['<a href="/x">link</a>', "<b>bold</b>", "<span>s</span>"])
def test_a_block_of_twenty_thousand_inline_elements_imports_in_seconds(inline: str) -> None:
    """Trafilatura is quadratic in a block's inline children (8,000 took minutes)."""
    import time

    body = f"<article><p>{f'{inline} word ' * 20_000}</p></article>"
    started = time.perf_counter()
    text = extract_html(page(body).encode(), "crowded.html").text
    assert time.perf_counter() - started < 5.0
    assert text.count("word") == 20_000
