"""Tests for library.decoding.decode_text: encodings detected, non-text refused."""

from __future__ import annotations

import codecs
import random
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from library.decoding import decode_text
from library.errors import ImportRefused

FRENCH = "“Café – naïve” résumé, façade; don’t worry — it’s déjà vu.\n"
RUSSIAN = "Привет, мир! Это тестовый текст на русском языке. Пётр пошёл домой.\n"
GERMAN = "Größe und Maß: schön, übermäßig und völlig ausreichend.\n"


def refusal(data: bytes, name: str = "notes.txt") -> str:
    """The message decode_text refuses `data` with (fails the test if it decodes)."""
    with pytest.raises(ImportRefused) as caught:
        decode_text(data, name)
    return str(caught.value)


# --- Unicode ---------------------------------------------------------------------------


def test_utf8() -> None:
    assert decode_text(FRENCH.encode(), "a.txt") == FRENCH


def test_ascii() -> None:
    assert decode_text(b"plain text\n", "a.txt") == "plain text\n"


def test_utf8_bom_is_stripped() -> None:
    assert decode_text(codecs.BOM_UTF8 + FRENCH.encode(), "a.txt") == FRENCH


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_with_bom(encoding: str) -> None:
    data = ("\ufeff" + RUSSIAN).encode(encoding)
    assert decode_text(data, "a.txt") == RUSSIAN


def test_utf16_without_bom_is_recognised() -> None:
    text = "Plain English notes, saved by an old Windows editor.\n"
    assert decode_text(text.encode("utf-16-le"), "a.txt") == text
    assert decode_text(text.encode("utf-16-be"), "a.txt") == text


def test_invalid_utf16_after_bom_names_the_offset() -> None:
    data = codecs.BOM_UTF16_LE + "ok".encode("utf-16-le") + b"\x00\xd8"  # lone high surrogate
    assert "invalid UTF-16 at byte" in refusal(data)


def test_ansi_colours_are_text() -> None:
    log = "\x1b[31merror\x1b[0m: disk full\n" * 20
    assert decode_text(log.encode(), "run.log") == log


@given(
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1).filter(
        lambda s: s.strip() and not s.startswith("\ufeff")
    )
)
def test_any_utf8_text_round_trips(text: str) -> None:
    assert decode_text(text.encode(), "a.txt") == text


# --- Legacy encodings ------------------------------------------------------------------


def test_cp1252_with_smart_quotes() -> None:
    assert decode_text(FRENCH.encode("cp1252"), "a.txt") == FRENCH


def test_cp1251_russian() -> None:
    assert decode_text(RUSSIAN.encode("cp1251"), "a.txt") == RUSSIAN


def test_latin1_german() -> None:
    assert decode_text(GERMAN.encode("latin-1"), "a.txt") == GERMAN


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Příliš žluťoučký kůň úpěl ďábelské ódy. Čeština je krásná.\n", "cp1250"),
        ("Καλημέρα κόσμε! Αυτό είναι ένα ελληνικό κείμενο για δοκιμή.\n", "cp1253"),
        ("Ąžuolas auga šalia ežero, o vaikai žaidžia kieme. Ėjome į mišką.\n", "cp1257"),
        (RUSSIAN, "koi8_r"),
    ],
)
def test_other_legacy_code_pages(text: str, encoding: str) -> None:
    assert decode_text(text.encode(encoding), "a.txt") == text


def test_legacy_text_with_an_accidental_utf8_pair_is_not_broken_utf8() -> None:
    # In cp1251 "Пё" is CF B8, which is also a well-formed UTF-8 pair (U+03F8).
    data = RUSSIAN.encode("cp1251")
    assert b"\xcf\xb8" in data
    assert decode_text(data, "a.txt") == RUSSIAN


def test_big_legacy_file() -> None:
    text = FRENCH * 20_000
    start = time.perf_counter()
    assert decode_text(text.encode("cp1252"), "a.txt") == text
    assert time.perf_counter() - start < 1.0


# --- Refusals --------------------------------------------------------------------------


def test_empty() -> None:
    assert refusal(b"", "empty.txt") == "empty.txt: the file is empty"


@pytest.mark.parametrize("data", [b" ", b"\n\n", b" \t\r\n  \n", "\u00a0\u2003\n".encode()])
def test_whitespace_only(data: bytes) -> None:
    assert refusal(data, "blank.txt") == "blank.txt: the file contains only whitespace"


def test_png_renamed_txt() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(1).randbytes(2000)
    assert refusal(png, "photo.txt") == "photo.txt: looks like a binary file, not text"


def test_zip_renamed_txt() -> None:
    zipped = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + random.Random(2).randbytes(500)
    assert refusal(zipped, "a.txt") == "a.txt: looks like a binary file, not text"


def test_nul_filled() -> None:
    assert refusal(b"\x00" * 4096) == "notes.txt: looks like a binary file, not text"


def test_single_nul_in_text() -> None:
    assert "binary" in refusal(b"mostly text\x00 but not quite\n")


def test_many_control_bytes_without_nul() -> None:
    data = bytes(range(1, 32)) * 10 + b"some letters"
    assert "binary" in refusal(data)


def test_broken_utf8_names_first_bad_byte() -> None:
    data = "héllo wörld".encode() + b"\xff and more"
    assert refusal(data, "x.txt") == "x.txt: invalid UTF-8 at byte 13"


def test_broken_utf8_late_in_file() -> None:
    data = ("naïve " * 1000).encode() + b"\xc3("
    assert refusal(data) == f"notes.txt: invalid UTF-8 at byte {len(('naïve ' * 1000).encode())}"


def test_truncated_utf8_character_at_end() -> None:
    data = "déjà".encode()[:-1]  # the file ends in the middle of the two-byte "à"
    assert refusal(data) == f"notes.txt: invalid UTF-8 at byte {len(data) - 1}"


@pytest.mark.parametrize(
    "data",
    [b"", b"   ", b"\x00\x01\x02", "é".encode() + b"\xff", b"\x89PNG\r\n\x1a\n\x00"],
)
def test_message_names_file_first(data: bytes) -> None:
    message = refusal(data, "dir/my file.txt")
    assert message.startswith("dir/my file.txt: ")
    assert "\n" not in message


# --- Speed -----------------------------------------------------------------------------


def test_one_megabyte_of_utf8_is_fast() -> None:
    data = ("Lorem ipsum — café, naïve. " * 40_000).encode()
    assert len(data) > 1_000_000
    decode_text(data, "warm.txt")
    start = time.perf_counter()
    decode_text(data, "big.txt")
    assert time.perf_counter() - start < 0.05


# --- normalize_text: the fast path gives exactly what the plain mapping gives -------------------

_REFERENCE_NEWLINES = re.compile(r"\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _reference_normalize(text: str) -> str:
    """The straightforward definition: newlines to \\n, then every control to its symbol."""
    from library.textnorm import _CONTROL_TABLE

    return _REFERENCE_NEWLINES.sub("\n", text).translate(_CONTROL_TABLE)


@given(st.text(alphabet=st.sampled_from("ab é\n\r\t\x00\x1b\x7f\x85\x9f\u2028\u2029\x0b\x0c")))
@settings(max_examples=500, deadline=None)
def test_normalize_text_matches_the_plain_mapping(text: str) -> None:
    from library.textnorm import normalize_text

    assert normalize_text(text) == _reference_normalize(text)
    assert normalize_text(normalize_text(text)) == normalize_text(text)
