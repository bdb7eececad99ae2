"""A small question dialog: a message and a few buttons; it returns the chosen button's id."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static
from textual.widgets.button import ButtonVariant


class ConfirmDialog(ModalScreen[str | None]):
    """Ask something; dismiss with the id of the button pressed (None on Esc)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]  # noqa: RUF012

    def __init__(self, message: str, choices: list[tuple[str, str]], *, danger: str = "") -> None:
        super().__init__()
        self.message = message
        self.choices = choices  # (id, label) pairs; labels are ours, never user text
        self.danger = danger

    def compose(self) -> ComposeResult:
        """Message above a row of buttons."""
        with Vertical(classes="dialog"):
            yield Static(Content(self.message), classes="dialog-message")
            with Horizontal(classes="dialog-buttons"):
                for choice_id, label in self.choices:
                    variant: ButtonVariant = "error" if choice_id == self.danger else "default"
                    yield Button(
                        Content(label), id=f"choice-{choice_id}", variant=variant, compact=True
                    )

    def on_mount(self) -> None:
        """Focus the first safe button: Enter alone never deletes or discards."""
        safe = [b for b in self.query(Button) if b.id != f"choice-{self.danger}"]
        (safe or list(self.query(Button)))[0].focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Return the chosen id."""
        assert event.button.id is not None
        self.dismiss(event.button.id.removeprefix("choice-"))

    def action_cancel(self) -> None:
        """Esc: no choice."""
        self.dismiss(None)
