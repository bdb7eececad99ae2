"""Tests for library.importers.pdf.extract_pdf, on PDFs written by hand in the tests."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from pypdf.errors import DependencyError

from library.errors import ImportRefused
from library.extracted import ARTICLE_TYPES, METADATA_FIELDS
from library.importers.pdf import extract_pdf
from library.textnorm import normalize_text


def pdf_string(text: str) -> bytes:
    """A PDF literal string in WinAnsi (cp1252) bytes, with its delimiters escaped."""
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def pdf_text_string(text: str) -> bytes:
    """A PDF text string (document information, /Lang) as UTF-16BE hex with a BOM."""
    return b"<" + ("\ufeff" + text).encode("utf-16-be").hex().encode() + b">"


def make_pdf(
    pages: list[list[str]],
    info: dict[str, str] | None = None,
    lang: str | None = None,
    page_labels: bytes = b"",
) -> bytes:
    """A minimal valid PDF: one Helvetica text line per string, an empty list for a blank page.

    Objects are written in order and the cross-reference table gives their exact offsets.
    """
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")
    page_tree = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for lines in pages:
        ops = [b"BT /F1 12 Tf 72 720 Td 14 TL", *(pdf_string(x) + b" Tj T*" for x in lines), b"ET"]
        stream = b"\n".join(ops) if lines else b""
        content = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] "
                b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                % (page_tree, font, content)
            )
        )
    language = b" /Lang " + pdf_text_string(lang) if lang else b""
    labels = b" /PageLabels " + page_labels if page_labels else b""
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R%s%s >>" % (
        page_tree,
        language,
        labels,
    )
    refs = b" ".join(b"%d 0 R" % kid for kid in kids)
    objects[page_tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids))
    info_entry = b""
    if info:
        entries = b" ".join(b"/%s %s" % (k.encode(), pdf_text_string(v)) for k, v in info.items())
        info_entry = b" /Info %d 0 R" % add(b"<< " + entries + b" >>")

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R%s >>\n" % (len(objects) + 1, catalog, info_entry)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def encrypted(pdf: bytes, user_password: str) -> bytes:
    """`pdf` encrypted with RC4 (which pypdf handles without extra packages)."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def refusal(data: bytes, name: str = "paper.pdf") -> str:
    """The message extract_pdf refuses `data` with (fails the test if it imports)."""
    with pytest.raises(ImportRefused) as caught:
        extract_pdf(data, name)
    return str(caught.value)


THREE_PAGES = [
    ["On the Flow of Northern Rivers", "A. Lovelace"],
    ["Page two: café – naïve, \u201cquoted\u201d (with parentheses)."],
    ["Page three, the last one."],
]


# --- The test PDFs themselves ----------------------------------------------------------


def test_generated_pdf_is_strictly_valid() -> None:
    reader = pypdf.PdfReader(io.BytesIO(make_pdf(THREE_PAGES)), strict=True)
    assert len(reader.pages) == 3


# --- Text and page offsets -------------------------------------------------------------


def test_pages_are_joined_by_a_blank_line() -> None:
    extracted = extract_pdf(make_pdf(THREE_PAGES), "rivers.pdf")
    assert extracted.text == (
        "On the Flow of Northern Rivers\nA. Lovelace\n\n"
        "Page two: café – naïve, \u201cquoted\u201d (with parentheses).\n\n"
        "Page three, the last one."
    )


def test_page_offsets() -> None:
    extracted = extract_pdf(make_pdf(THREE_PAGES), "rivers.pdf")
    assert extracted.pages is not None
    assert len(extracted.pages) == 3
    assert extracted.pages[0] == 0
    for offset, lines in zip(extracted.pages, THREE_PAGES, strict=True):
        assert extracted.text.startswith(lines[0], offset)
    for offset in extracted.pages[1:]:
        assert extracted.text[offset - 2 : offset] == "\n\n"


def test_empty_pages_start_where_the_next_text_does() -> None:
    pages = [[], ["first words"], [], [], ["second words"], []]
    extracted = extract_pdf(make_pdf(pages), "gaps.pdf")
    assert extracted.text == "first words\n\nsecond words"
    start = len("first words\n\n")
    end = len(extracted.text)
    assert extracted.pages == [0, 0, start, start, start, end]


def test_text_is_normalised() -> None:
    extracted = extract_pdf(make_pdf([["bell \x07 and escape \x1b[31m here"]]), "c.pdf")
    assert extracted.text == "bell \u2407 and escape \u241b[31m here"
    assert normalize_text(extracted.text) == extracted.text


# --- Metadata --------------------------------------------------------------------------


def test_metadata_from_document_info() -> None:
    info = {
        "Title": "On the Flow of Northern Rivers",
        "Author": "Ada Lovelace; Charles Babbage and Mary Somerville",
        "CreationDate": "D:20200115103000+01'00'",
    }
    extracted = extract_pdf(make_pdf(THREE_PAGES, info=info, lang="en-GB"), "rivers.pdf")
    assert {key: field.value for key, field in extracted.fields.items()} == {
        "title": "On the Flow of Northern Rivers",
        "authors": ["Ada Lovelace", "Charles Babbage", "Mary Somerville"],
        "date": "2020-01-15",
        "language": "en-GB",
        "type": "document",
    }
    # CreationDate is the day the file was made: only a guess at the publication date.
    assert {key: field.origin for key, field in extracted.fields.items()} == {
        "title": "found",
        "authors": "found",
        "date": "guessed",
        "language": "found",
        "type": "guessed",
    }
    assert set(extracted.fields) <= set(METADATA_FIELDS)
    assert extracted.fields["type"].value in ARTICLE_TYPES


def test_title_guessed_from_first_line_without_info() -> None:
    extracted = extract_pdf(make_pdf(THREE_PAGES), "rivers.pdf")
    assert extracted.fields["title"].value == "On the Flow of Northern Rivers"
    assert extracted.fields["title"].origin == "guessed"
    # The name printed under the title on page 1 is a found author.
    assert extracted.fields["authors"].value == ["A. Lovelace"]
    assert extracted.fields["authors"].origin == "found"
    assert set(extracted.fields) == {"title", "authors", "type"}


@pytest.mark.parametrize("title", ["Microsoft Word - draft3.docx", "untitled", "paper.tex", " "])
def test_placeholder_title_is_replaced_by_a_guess(title: str) -> None:
    extracted = extract_pdf(make_pdf(THREE_PAGES, info={"Title": title}), "rivers.pdf")
    assert extracted.fields["title"].value == "On the Flow of Northern Rivers"
    assert extracted.fields["title"].origin == "guessed"


def test_long_first_line_makes_a_shortened_title() -> None:
    line = "word " * 80
    title = extract_pdf(make_pdf([[line]]), "long.pdf").fields["title"].value
    assert isinstance(title, str)
    assert len(title) <= 201
    assert title.endswith("…")


def test_title_with_control_characters_is_one_clean_line() -> None:
    info = {"Title": "Line one\nline\ttwo \x1b end"}
    extracted = extract_pdf(make_pdf(THREE_PAGES, info=info), "t.pdf")
    assert extracted.fields["title"].value == "Line one line two \u241b end"


def test_non_latin_metadata() -> None:
    info = {"Title": "Течение северных рек", "Author": "Пётр Иванов; 李明"}
    extracted = extract_pdf(make_pdf(THREE_PAGES, info=info, lang="ru"), "ru.pdf")
    assert extracted.fields["title"].value == "Течение северных рек"
    assert extracted.fields["authors"].value == ["Пётр Иванов", "李明"]
    assert extracted.fields["language"].value == "ru"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("D:20200115103000+01'00'", "2020-01-15"),
        ("D:20200115", "2020-01-15"),
        ("20200115103000Z", "2020-01-15"),
        ("D:202003", "2020-03"),
        ("D:2020", "2020"),
        ("D:20201340", "2020"),
        ("D:20200231", "2020-02"),
        ("yesterday", None),
        ("", None),
    ],
)
def test_creation_date(raw: str, expected: str | None) -> None:
    extracted = extract_pdf(make_pdf(THREE_PAGES, info={"CreationDate": raw}), "d.pdf")
    date = extracted.fields.get("date")
    assert (date.value if date else None) == expected


# --- Refusals --------------------------------------------------------------------------


def test_no_text_layer() -> None:
    message = refusal(make_pdf([[], []]), "scan.pdf")
    assert message == "scan.pdf: no text layer (scanned PDF?); run OCR first"


def test_no_pages() -> None:
    assert refusal(make_pdf([]), "none.pdf") == "none.pdf: the PDF has no pages"


def test_empty_file() -> None:
    assert refusal(b"", "e.pdf") == "e.pdf: the file is empty"


def test_garbage_named_pdf() -> None:
    garbage = bytes(range(256)) * 16
    assert refusal(garbage, "g.pdf") == "g.pdf: not a PDF file (no %PDF header)"


def test_garbage_after_a_pdf_header() -> None:
    message = refusal(b"%PDF-1.7\n" + bytes(range(256)) * 16, "g.pdf")
    assert message.startswith("g.pdf: damaged or truncated PDF (")


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.9])
def test_truncated_pdf(fraction: float) -> None:
    pdf = make_pdf(THREE_PAGES, info={"Title": "T"})
    message = refusal(pdf[: int(len(pdf) * fraction)], "cut.pdf")
    assert message.startswith("cut.pdf: damaged or truncated PDF (")
    assert "\n" not in message


def test_password_protected() -> None:
    data = encrypted(make_pdf(THREE_PAGES), user_password="secret")
    assert refusal(data, "locked.pdf") == (
        "locked.pdf: the PDF is password-protected; remove the password first"
    )


def test_encrypted_without_user_password_opens() -> None:
    data = encrypted(make_pdf(THREE_PAGES, info={"Title": "Open Anyway"}), user_password="")
    extracted = extract_pdf(data, "restricted.pdf")
    assert extracted.text.startswith("On the Flow of Northern Rivers")
    assert extracted.fields["title"].value == "Open Anyway"


def test_aes_without_cryptography_package(monkeypatch: pytest.MonkeyPatch) -> None:
    def needs_cryptography(*_args: object, **_kwargs: object) -> None:
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(pypdf, "PdfReader", needs_cryptography)
    assert "AES-encrypted" in refusal(make_pdf(THREE_PAGES), "aes.pdf")


def test_page_that_fails_to_extract(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> str:
        raise KeyError("/Font")

    monkeypatch.setattr(pypdf.PageObject, "extract_text", broken)
    assert refusal(make_pdf(THREE_PAGES), "p.pdf") == "p.pdf: cannot read page 1 ('/Font')"


# --- Quietness and import cost ---------------------------------------------------------


def test_nothing_is_printed_in_a_fresh_interpreter() -> None:
    # A truncated file makes pypdf log "EOF marker not found", which would reach stderr.
    truncated = make_pdf(THREE_PAGES)[:-40]
    script = (
        "import sys\n"
        "from library.importers.pdf import extract_pdf\n"
        "from library.errors import ImportRefused\n"
        "try:\n"
        "    extract_pdf(sys.stdin.buffer.read(), 'cut.pdf')\n"
        "except ImportRefused:\n"
        "    pass\n"
    )
    result = subprocess.run(
        [sys.executable, "-W", "default", "-c", script], input=truncated, capture_output=True
    )
    assert result.returncode == 0
    assert result.stderr == b""


def test_importing_the_module_does_not_import_pypdf() -> None:
    script = "import sys, library.importers.pdf\nprint('pypdf' in sys.modules)\n"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# --- Pages as a reader sees them: labels, running heads, paragraphs -------------------------

# A paragraph's lines fill the measure; its last line ends a sentence well short of it.
RIVER_PARAGRAPHS = [
    "The northern rivers freeze early in the year, and the mills along them",
    "stop turning until the ice breaks again in the spring, one after the",
    "other from the coast inland.",
    "Nobody fishes on the rivers in winter, because the ice is thick enough",
    "to carry a loaded truck from one bank to the other for many weeks.",
]


def paged(count: int, head: str = "Journal of River Studies") -> list[list[str]]:
    """`count` pages with a running head, a body of their own, and a page number at the foot."""
    names = ["Alder", "Birch", "Cedar", "Elm", "Fir", "Hazel"]
    return [
        [f"{head}, vol. 7", *(f"{names[n - 1]}: {line}" for line in RIVER_PARAGRAPHS), str(n)]
        for n in range(1, count + 1)
    ]


def test_running_heads_and_page_numbers_are_removed() -> None:
    extracted = extract_pdf(make_pdf(paged(4)), "journal.pdf")
    assert "Journal of River Studies" not in extracted.text
    assert extracted.text.count("The northern rivers freeze early") == 4
    names = ["Alder", "Birch", "Cedar", "Elm"]
    for page_start, name in zip(extracted.pages or [], names, strict=True):
        assert extracted.text.startswith(f"{name}: The northern rivers", page_start)
    assert not any(line.strip().isdigit() for line in extracted.text.splitlines())


def test_a_line_on_two_pages_only_is_kept() -> None:
    pages = [["Shared line", *RIVER_PARAGRAPHS], ["Shared line", "Other text."], ["Third."]]
    pages += [["Fourth page."], ["Fifth page."]]
    extracted = extract_pdf(make_pdf(pages), "few.pdf")
    assert extracted.text.count("Shared line") == 2


def test_paragraphs_inside_a_page_are_separated() -> None:
    extracted = extract_pdf(make_pdf([RIVER_PARAGRAPHS]), "one.pdf")
    first, second = extracted.text.split("\n\n")
    assert first.endswith("from the coast inland.")
    assert second.startswith("Nobody fishes")


def test_page_labels_are_kept_and_cited() -> None:
    labels = b"<< /Nums [0 << /S /r >> 2 << /S /D /St 215 >>] >>"
    pages = [["Preface text."], ["More preface."], ["Chapter text."], ["More text."]]
    extracted = extract_pdf(make_pdf(pages, page_labels=labels), "book.pdf")
    assert extracted.page_labels == ["i", "ii", "215", "216"]
    assert extract_pdf(make_pdf(pages), "plain.pdf").page_labels is None


def test_a_note_on_a_labelled_page_cites_the_printed_number(folio, tmp_path) -> None:
    from tests.conftest import write

    labels = b"<< /Nums [0 << /S /r >> 2 << /S /D /St 215 >>] >>"
    pages = [["Preface text."], ["More preface."], ["Chapter text."], ["Closing words here."]]
    path = write(tmp_path / "book.pdf", make_pdf(pages, page_labels=labels))
    assert folio("add", str(path)).exit_code == 0
    article = folio.json("list")[0]
    shown = folio.json("show", article["id"])
    assert shown["page_labels"] == ["i", "ii", "215", "216"]
    made = folio.json("note", article["id"], "-q", "More preface", "-m", "x")
    assert made["locator"] == "p. ii"
    made = folio.json("note", article["id"], "-q", "Closing words", "-m", "x")
    assert made["locator"] == "p. 216"


# --- Dates and authors: found on page 1, guessed from the file ------------------------------


def test_the_date_printed_on_page_one_is_found() -> None:
    pages = [["On the Flow of Northern Rivers", "Ada Lovelace", "Published 3 March 2021",
              *RIVER_PARAGRAPHS]]  # fmt: skip
    info = {"CreationDate": "D:20230101"}
    extracted = extract_pdf(make_pdf(pages, info=info), "dated.pdf")
    assert extracted.fields["date"].value == "2021-03-03"
    assert extracted.fields["date"].origin == "found"
    assert extracted.fields["authors"].value == ["Ada Lovelace"]


def test_received_and_accepted_dates_are_not_the_publication_date() -> None:
    pages = [["On the Flow of Northern Rivers", "Received 3 March 2021", *RIVER_PARAGRAPHS]]
    extracted = extract_pdf(make_pdf(pages, info={"ModDate": "D:20220505"}), "r.pdf")
    assert extracted.fields["date"].value == "2022-05-05"
    assert extracted.fields["date"].origin == "guessed"


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        ("Ilana Muhlstein, MS, RDN", ["Ilana Muhlstein"]),
        ("Microsoft Office User", None),
        ("ADA LOVELACE", ["Ada Lovelace"]),
        ("By Ada Lovelace and Charles Babbage", ["Ada Lovelace", "Charles Babbage"]),
    ],
)
def test_document_authors_go_through_the_byline_cleaner(
    author: str, expected: list[str] | None
) -> None:
    pages = [["A plain first line of text that is not a name, long enough."]]
    extracted = extract_pdf(make_pdf(pages, info={"Author": author}), "a.pdf")
    field = extracted.fields.get("authors")
    assert (field.value if field else None) == expected


# --- A real PDF (TeX Live's BibTeX manual, when the Debian texlive-doc package is installed) ---

BTXDOC = Path("/usr/share/doc/texlive-doc/bibtex/base/btxdoc.pdf")


@pytest.mark.skipif(not BTXDOC.is_file(), reason="texlive-doc is not installed")
def test_a_real_manual_gets_its_printed_date_and_author_and_real_paragraphs() -> None:
    extracted = extract_pdf(BTXDOC.read_bytes(), BTXDOC.name)
    fields = {name: (field.value, field.origin) for name, field in extracted.fields.items()}
    assert fields["date"] == ("1988-02-08", "found")  # printed under the title on page 1
    assert fields["authors"] == (["Oren Patashnik"], "found")
    assert fields["title"][1] == "guessed"  # no /Title: the first line, a guess
    pages = extracted.pages or []
    assert len(pages) == 16
    # Paragraphs inside pages, not one block per page.
    assert extracted.text.count("\n\n") > 3 * len(pages)
