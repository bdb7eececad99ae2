"""Bad input: one line on stderr naming the thing and the reason, non-zero exit, nothing changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import Folio, write
from tests.fixtures import BEES


@pytest.fixture
def seeded(folio: Folio, tmp_path: Path) -> Folio:
    assert folio("add", str(write(tmp_path / "keep" / "bees.txt", BEES))).exit_code == 0
    return folio


def _snapshot(folio: Folio) -> object:
    return [folio.json("show", a["id"]) for a in folio.json("list")]


def _assert_one_line_failure(result, *needles: str) -> None:
    assert result.exit_code != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("folio: ")
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert "Traceback" not in result.output


def _bad_case(tmp_path: Path, name: str) -> tuple[Path, tuple[str, ...]]:
    bad = tmp_path / "bad"
    cases: dict[str, tuple[bytes | None, str, tuple[str, ...]]] = {
        "missing": (None, "missing.txt", ("missing.txt", "no such file")),
        "empty": (b"", "empty.txt", ("empty.txt", "empty")),
        "whitespace": (b" \n\t\n", "blank.txt", ("blank.txt",)),
        "binary": (
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4,
            "zip.txt",
            ("zip.txt", "binary"),
        ),
        "broken-utf8": (
            "Caf\u00e9 na\u00efve r\u00e9sum\u00e9 ".encode() + b"\xff broken",
            "broken.txt",
            ("broken.txt", "UTF-8"),
        ),
        "unsupported": (b"some words", "notes.docx", ("notes.docx", "unsupported")),
        "html-no-text": (
            b"<html><head><title></title></head><body><script>x()</script></body>",
            "empty.html",
            ("empty.html",),
        ),
        "fake-pdf": (b"%PDF-1.4\n garbage that is not a pdf", "fake.pdf", ("fake.pdf",)),
    }
    data, filename, needles = cases[name]
    path = bad / filename
    if data is not None:
        write(path, data)
    return path, needles


@pytest.mark.parametrize(
    "case",
    [
        "missing",
        "empty",
        "whitespace",
        "binary",
        "broken-utf8",
        "unsupported",
        "html-no-text",
        "fake-pdf",
    ],
)
def test_bad_file_is_refused_and_library_unchanged(
    seeded: Folio, tmp_path: Path, case: str
) -> None:
    before = _snapshot(seeded)
    path, needles = _bad_case(tmp_path, case)
    result = seeded("add", str(path))
    _assert_one_line_failure(result, *needles)
    assert _snapshot(seeded) == before
    assert seeded("check").exit_code == 0


def test_folder_without_supported_files(seeded: Folio, tmp_path: Path) -> None:
    write(tmp_path / "pics" / "a.png", b"\x89PNG")
    result = seeded("add", str(tmp_path / "pics"))
    _assert_one_line_failure(result, "pics", "no supported files")


def test_file_over_the_size_limit_is_refused_without_reading_it(
    seeded: Folio, tmp_path: Path
) -> None:
    big = tmp_path / "huge.txt"
    with big.open("wb") as handle:  # sparse: 200 MB on paper, nothing on disk
        handle.truncate(200 * 1024 * 1024)
    result = seeded("add", str(big))
    _assert_one_line_failure(result, "huge.txt", "200 MB", "limit")


def test_size_limit_is_configurable(seeded: Folio, tmp_path: Path, monkeypatch) -> None:
    path = write(tmp_path / "medium.txt", "A Medium Article\n\n" + "words and more words. " * 300)
    result = seeded("add", str(path), "--max-size", "0.001")
    _assert_one_line_failure(result, "medium.txt", "limit")
    monkeypatch.setenv("FOLIO_MAX_FILE_MB", "0.001")
    _assert_one_line_failure(seeded("add", str(path)), "medium.txt", "limit")
    monkeypatch.setenv("FOLIO_MAX_FILE_MB", "1")
    assert seeded("add", str(path)).exit_code == 0


def test_malformed_html_still_imports_its_text(seeded: Folio, tmp_path: Path) -> None:
    html = (
        b"<html><head><title>Broken Page</title><body><div><p>The first paragraph of a "
        b"broken page about canal locks and their keepers<p>Second paragraph <b>unclosed "
        b"about the lock keepers' cottages</div></span></html"
    )
    result = seeded("add", str(write(tmp_path / "broken.html", html)), "--json")
    assert result.exit_code == 0, result.output
    hits = seeded.json("search", "keepers")
    assert len(hits) == 1


def test_read_only_library_folder(seeded: Folio, tmp_path: Path, monkeypatch) -> None:
    library_dir = seeded.library_dir
    real_access = os.access

    def read_only(path, mode, *args, **kwargs):  # root ignores chmod, so simulate the check
        if Path(path) == library_dir and mode & os.W_OK:
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", read_only)
    result = seeded(
        "add", str(write(tmp_path / "more.txt", "Another Article\n\nMore text here.\n"))
    )
    _assert_one_line_failure(result, str(library_dir), "read-only")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only folders")
def test_read_only_library_folder_for_real(seeded: Folio, tmp_path: Path) -> None:
    library_dir = seeded.library_dir
    os.chmod(library_dir, 0o555)
    try:
        result = seeded("add", str(write(tmp_path / "more.txt", "Another\n\nText.\n")))
        _assert_one_line_failure(result, "read-only")
    finally:
        os.chmod(library_dir, 0o755)


def test_library_path_that_is_a_file(tmp_path: Path) -> None:
    target = write(tmp_path / "not-a-folder", "x")
    result = Folio(target)("list")
    _assert_one_line_failure(result, "not-a-folder", "not a folder")


def test_unknown_option_values_are_click_errors(seeded: Folio) -> None:
    result = seeded("list", "--sort", "colour")
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_pdf_without_text_layer_is_refused(seeded: Folio, tmp_path: Path) -> None:
    from tests.test_pdf_import import make_pdf

    before = _snapshot(seeded)
    path = write(tmp_path / "scan.pdf", make_pdf([[], []]))
    _assert_one_line_failure(seeded("add", str(path)), "scan.pdf", "no text layer")
    assert _snapshot(seeded) == before


def test_pdf_imports_with_page_boundaries(seeded: Folio, tmp_path: Path) -> None:
    from tests.test_pdf_import import make_pdf

    pdf = make_pdf(
        [["Canal Locks Survey", "The first page about lock gates."], ["The second page."]],
        info={"Title": "Canal Locks Survey", "Author": "Ines Moreau"},
    )
    result = seeded("add", str(write(tmp_path / "survey.pdf", pdf)), "--json")
    assert result.exit_code == 0, result.output
    article = seeded.json("show", seeded.json("search", "title:locks")[0]["id"])
    assert article["authors"] == ["Ines Moreau"]
    first, second = article["pages"]
    assert first == 0 and article["text"][second:].startswith("The second page.")


# --- The bad-input table: every row is something a user can type; each must end in one line
# on stderr starting with `folio:`, a documented exit status, and no traceback. -------------


def _deep_notes_json(tmp_path: Path) -> str:
    depth = 100_000
    text = '{"folio_notes": 1, "annotations": ' + "[" * depth + "]" * depth + "}"
    return str(write(tmp_path / "deep.json", text))


def _first_id(folio: Folio) -> str:
    return folio.json("list")[0]["id"]


# (row id, arguments (a function of the seeded CLI and a scratch folder), exit status, words
# the line must hold).
BAD_INPUTS = [
    ("phrase-on-a-field-without-positions", lambda f, t: ["search", '"title:, taliban"'], 2,
     ("invalid query",)),
    ("limit-zero", lambda f, t: ["search", "--limit", "0", "honey"], 2, ("--limit",)),
    ("export-to-a-folder", lambda f, t: ["export", "--all", "-o", str(t)], 2,
     ("directory",)),
    ("empty-library-option", lambda f, t: ["--library", "", "list"], 2, ("--library",)),
    ("quote-of-invisible-characters",
     lambda f, t: ["note", _first_id(f), "--quote", "\u00ad\u200b\u00ad", "-m", "x"], 2,
     ("quote",)),
    ("notes-json-nested-too-deep", lambda f, t: ["import-notes", _deep_notes_json(t)], 2,
     ("deep.json",)),
    ("unknown-command", lambda f, t: ["frobnicate"], 2, ("frobnicate",)),
    ("missing-argument", lambda f, t: ["show"], 2, ("REF",)),
    ("unknown-option", lambda f, t: ["list", "--colour"], 2, ("--colour",)),
    ("bad-choice", lambda f, t: ["list", "--sort", "colour"], 2, ("colour",)),
    ("unknown-field", lambda f, t: ["search", "colour:red"], 2, ("unknown field",)),
    ("unclosed-quote", lambda f, t: ["search", '"honey'], 2, ("not closed",)),
    ("no-such-article", lambda f, t: ["show", "nosuch"], 1, ("nosuch",)),
    ("no-such-note", lambda f, t: ["note-edit", "n222222", "-m", "x"], 1, ("n222222",)),
    ("bad-date", lambda f, t: ["edit", _first_id(f), "--date", "2021-13"], 2, ("--date",)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "code", "needles"),
    [pytest.param(args, code, needles, id=name) for name, args, code, needles in BAD_INPUTS],
)
def test_bad_input_table(seeded: Folio, tmp_path: Path, args, code: int, needles) -> None:
    before = _snapshot(seeded)
    result = seeded(*args(seeded, tmp_path))
    assert result.exit_code == code, result.output
    _assert_one_line_failure(result, *needles)
    assert "internal error" not in result.stderr
    assert _snapshot(seeded) == before
