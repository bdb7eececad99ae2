"""Paragraph numbering, the locator of web text."""

from __future__ import annotations

from library.paragraphs import paragraph_spans


def test_blocks_between_blank_lines() -> None:
    text = "First para\nstill first.\n\nSecond.\n\n\n  Third.\n"
    spans = paragraph_spans(text)
    assert [text[s:e] for s, e in spans] == ["First para\nstill first.", "Second.", "Third."]


def test_one_paragraph_per_line_when_no_blank_lines() -> None:
    text = "Line one.\nLine two.\nLine three."
    assert [text[s:e] for s, e in paragraph_spans(text)] == text.split("\n")


def test_empty_text_has_no_paragraphs() -> None:
    assert paragraph_spans("") == [] and paragraph_spans("\n\n") == []
