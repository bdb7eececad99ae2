"""The conflict dialog: a save found the note or article changed since its dialog opened
(by a `folio` command or another window). It shows what is stored now and what the user
wrote, field by field, and asks which to keep; nothing is overwritten without that answer.
"""

from __future__ import annotations

from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static
from textual.widgets.button import ButtonVariant

from library.errors import EditConflict
from tui.plain import shown

# "mine": save the user's version over the stored one; "theirs": keep the stored one and
# drop the user's; "edit": back to the dialog, now based on the stored version.
Choice = Literal["mine", "theirs", "edit"]
CHOICES: list[tuple[Choice, str]] = [
    ("edit", "Back to editing"),
    ("theirs", "Keep theirs"),
    ("mine", "Save mine over theirs"),
]


class ConflictDialog(ModalScreen[Choice]):
    """Both versions side by side, and the choice; Esc goes back to editing."""

    BINDINGS = [Binding("escape", "back", "Back to editing")]  # noqa: RUF012

    def __init__(self, conflict: EditConflict) -> None:
        super().__init__()
        self.conflict = conflict

    def compose(self) -> ComposeResult:
        """The message, one block per field (saved meanwhile / yours), the buttons."""
        with Vertical(classes="dialog", id="conflict"):
            yield Label("Changed while you were editing", classes="dialog-title")
            yield Static(Content(str(self.conflict)), classes="dialog-message")
            with VerticalScroll(id="conflict-fields"):
                for name, now, mine in self.conflict.rows():
                    yield Label(Content(f"{name}, saved meanwhile:"), classes="field-label")
                    yield Static(Content(shown(now) or "(empty)"), classes="conflict-theirs")
                    yield Label(Content(f"{name}, yours:"), classes="field-label")
                    yield Static(Content(shown(mine) or "(empty)"), classes="conflict-mine")
            with Horizontal(classes="dialog-buttons"):
                for choice, label in CHOICES:
                    variant: ButtonVariant = "error" if choice == "mine" else "default"
                    yield Button(label, id=f"choice-{choice}", variant=variant, compact=True)

    def on_mount(self) -> None:
        """Focus "Back to editing": Enter alone never overwrites anything."""
        self.query_one("#choice-edit", Button).focus()

    def shown_text(self) -> str:
        """Everything the dialog shows as text (for tests and screen readers)."""
        return "\n".join(str(widget.render()) for widget in self.query(Static))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Return the choice."""
        choice = (event.button.id or "").removeprefix("choice-")
        self.dismiss(choice if choice in ("mine", "theirs") else "edit")  # type: ignore[arg-type]

    def action_back(self) -> None:
        """Esc: back to editing."""
        self.dismiss("edit")
