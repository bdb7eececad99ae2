"""An action's notices (tui.actions.results.Notice) as text for a dialog's summary line."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from tui.actions.results import Notice
from tui.plain import one_line

LEVEL_STYLES = {"note": "dim", "warning": "yellow", "error": "red"}
MAX_SHOWN = 20  # a dialog shows the first notices, then how many more there are


def notices_text(notices: Sequence[Notice], limit: int = MAX_SHOWN) -> Text:
    """One line per notice ("warning: 3 character(s)…"), styled by its level, never markup;
    past `limit`, one line saying how many more."""
    text = Text()
    for notice in notices[:limit]:
        prefix = "" if notice.level == "error" else f"{notice.level}: "
        text.append(
            ("\n" if text else "") + prefix + one_line(notice.message),
            style=LEVEL_STYLES[notice.level],
        )
    if len(notices) > limit:
        text.append(f"\n… and {len(notices) - limit} more", style="dim")
    return text


def with_notices(summary: Text, notices: Sequence[Notice]) -> Text:
    """A dialog's summary line, then the notices under it."""
    if notices:
        summary.append("\n")
        summary.append_text(notices_text(notices))
    return summary
