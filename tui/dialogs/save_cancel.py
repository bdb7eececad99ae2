"""What the dialogs that save something share: ctrl+s / esc, and their two buttons."""

from __future__ import annotations

from typing import TypeVar

from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button

T = TypeVar("T")


def save_cancel_buttons(prefix: str) -> Horizontal:
    """The dialog's button row: Save (`{prefix}-save`) and Cancel (`{prefix}-cancel`)."""
    return Horizontal(
        Button("Save  ctrl+s", id=f"{prefix}-save", variant="primary", compact=True),
        Button("Cancel  esc", id=f"{prefix}-cancel", compact=True),
        classes="dialog-buttons",
    )


class SaveCancelDialog(ModalScreen[T]):
    """A dialog with Save and Cancel: ctrl+s and its Save button run `action_save`, esc and
    its Cancel button `action_cancel` (each dialog says what they do)."""

    # Not priority bindings: a priority key jumps ahead of keys still queued in the focused
    # box, so a fast typist's last characters would be missing from what is saved.
    BINDINGS = [  # noqa: RUF012
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def action_save(self) -> None:
        """Check what was typed and return it."""
        raise NotImplementedError

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Save or cancel."""
        if (event.button.id or "").endswith("-save"):
            self.action_save()
        else:
            self.action_cancel()
