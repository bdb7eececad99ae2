"""In-text citations to paste into a manuscript: `\\autocite{key}` or `[@key]`."""

from __future__ import annotations

import re
from collections.abc import Sequence

from library.errors import InvalidValue

CITE_STYLES = ("latex", "pandoc", "markdown")
# What `folio export --format` writes (here, not in library.export: the CLI needs the names
# at start-up, not the exporters).
EXPORT_FORMATS = ("biblatex", "bibtex", "csl-json")


def _latex_locator(locator: str) -> str:
    """A locator for LaTeX: a non-breaking space after an abbreviation ("para.~7")."""
    spaced = re.sub(r"\.\s+(?=\S)", ".~", " ".join(locator.split()))
    # A `]` would end the optional argument early; a brace group keeps it inside.
    return f"{{{spaced}}}" if "]" in spaced else spaced


def format_citation(keys: Sequence[str], style: str, locator: str | None = None) -> str:
    """A citation of `keys` in `style`: `\\autocite[para.~7]{k}` (latex) or `[@k, para. 7]`
    (pandoc and markdown). A locator goes with the last key, as both syntaxes expect."""
    if not keys:
        raise InvalidValue("nothing to cite: give at least one key")
    if style not in CITE_STYLES:
        raise InvalidValue(
            f"unknown citation style '{style}' (choose from {', '.join(CITE_STYLES)})"
        )
    locator = " ".join(locator.split()) if locator else None
    if style == "latex":
        options = f"[{_latex_locator(locator)}]" if locator else ""
        return f"\\autocite{options}{{{','.join(keys)}}}"
    cites = [f"@{key}" for key in keys]
    if locator:
        cites[-1] = f"{cites[-1]}, {locator}"
    return "[" + "; ".join(cites) + "]"
