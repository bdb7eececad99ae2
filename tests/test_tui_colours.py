"""Colours in the reader, measured on the lines it renders: notes, the current note, search
hits and the selection are told apart, and their text stays readable (WCAG contrast of at
least 4.5:1) in the default dark theme and in the light theme."""

from __future__ import annotations

import colorsys
from pathlib import Path

import pytest
from rich.color import Color
from rich.style import Style
from textual.pilot import Pilot

from tests.tui_support import annotate, make_library, reader_on, run_app, wait_for
from tui.app import FolioApp
from tui.screens.reader import ReaderScreen

THEMES = ("textual-dark", "textual-light")
WORDS = {  # what each highlight covers in the river article
    "note": "Floods spread silt",
    "current": "the outer bank erodes",
    "match": "meander",
    "selection": "Farmers have always",
}


def luminance(color: Color) -> float:
    """WCAG relative luminance of a colour."""
    triplet = color.get_truecolor()

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in (triplet.red, triplet.green, triplet.blue))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(style: Style) -> float:
    """WCAG contrast ratio of a style's text against its background."""
    assert style.color is not None and style.bgcolor is not None, style
    light, dark = sorted((luminance(style.color), luminance(style.bgcolor)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def hue(color: Color) -> float:
    """Hue in degrees."""
    triplet = color.get_truecolor()
    h, _, _ = colorsys.rgb_to_hls(triplet.red / 255, triplet.green / 255, triplet.blue / 255)
    return h * 360


def rendered_styles(reader: ReaderScreen) -> dict[str, Style]:
    """The style each highlight is drawn with, read from the text area's rendered lines."""
    area = reader.text_area
    segments = [
        (segment.text, segment.style)
        for y in range(area.size.height)
        for segment in area.render_line(y)
        if segment.style is not None
    ]
    found: dict[str, Style] = {}
    for kind, words in WORDS.items():
        pieces = [style for text, style in segments if len(text.strip()) >= 4 and text in words]
        assert pieces, f"no rendered segment for the {kind} highlight"
        found[kind] = pieces[0]
    return found


@pytest.mark.parametrize("theme", THEMES)
def test_highlights_are_distinct_and_readable(library_dir: Path, theme: str) -> None:
    make_library(library_dir, hostile=False)
    article_id, _ = annotate(library_dir, "River%", WORDS["note"], "a note", [])
    annotate(library_dir, "River%", WORDS["current"], "the current note", [])

    async def scenario(app: FolioApp, pilot: Pilot) -> None:
        app.theme = theme
        reader = await reader_on(app, article_id, query="meander")
        await wait_for(lambda: reader.annotations)
        reader.current_note = next(a for a in reader.annotations if a.note == "the current note")
        reader._restyle()
        at = reader.article.text.index(WORDS["selection"])
        reader.text_area.select_range(at, at + len(WORDS["selection"]))
        reader.text_area.scroll_home(animate=False)
        await pilot.pause()
        styles = rendered_styles(reader)
        for kind, style in styles.items():
            assert contrast(style) >= 4.5, (theme, kind, str(style), contrast(style))
        backgrounds = {kind: style.bgcolor for kind, style in styles.items()}
        assert len({str(color) for color in backgrounds.values()}) == 4, backgrounds
        # Notes, hits and the selection are different colours, not shades of one.
        for first, second in (("note", "match"), ("note", "selection"), ("match", "selection")):
            a, b = hue(backgrounds[first]), hue(backgrounds[second])  # type: ignore[arg-type]
            assert min(abs(a - b), 360 - abs(a - b)) >= 40, (theme, first, second, a, b)

    run_app(library_dir, scenario)
