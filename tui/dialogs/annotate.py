"""The annotation dialog: the passage, a multi-line note and tags with completion."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Input, Label, Static, TextArea

from tui.plain import one_line
from tui.widgets.text_boxes import TextBox, TextEditor

QUOTE_PREVIEW = 300


@dataclass(frozen=True)
class NoteDraft:
    """What the user typed: the note and its tags."""

    note: str
    tags: list[str]


def split_tags(text: str) -> list[str]:
    """Tags from the tags box: separated by commas (a tag may have spaces: `central asia`),
    `#` optional, no duplicates. The notes code normalises and checks them."""
    tags: list[str] = []
    for part in text.split(","):
        tag = " ".join(part.split()).lstrip("#").strip()
        if tag and tag not in tags:
            tags.append(tag)
    return tags


class TagSuggester(Suggester):
    """Completes the tag being typed (after the last comma) from the library's tags."""

    def __init__(self, tags: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.tags = tags

    async def get_suggestion(self, value: str) -> str | None:
        """The box with its last word completed, or None."""
        word = value[value.rfind(",") + 1 :].lstrip().lstrip("#")
        if not word:
            return None
        folded = word.casefold()
        for tag in self.tags:
            if tag.casefold().startswith(folded) and len(tag) > len(word):
                return value + tag[len(word) :]
        return None


class AnnotateDialog(ModalScreen[NoteDraft | None]):
    """Write (or edit) a note on a passage. Ctrl+S saves; Esc cancels (asks if text was typed)."""

    # Not priority bindings: a priority key jumps ahead of keys still queued in the focused
    # box, so a fast typist's last characters would be missing from what is saved.
    BINDINGS = [  # noqa: RUF012
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self,
        quote: str,
        known_tags: list[str],
        *,
        note: str = "",
        tags: list[str] | None = None,
        unsaved: bool = False,
    ) -> None:
        super().__init__()
        self.quote = quote
        self.known_tags = known_tags
        self.initial = NoteDraft(note, list(tags or []))
        self.unsaved = unsaved  # a draft given back after a failed save: closing asks

    def compose(self) -> ComposeResult:
        """Quote, note box, tags box, buttons."""
        quote = one_line(self.quote)
        if len(quote) > QUOTE_PREVIEW:
            quote = quote[: QUOTE_PREVIEW - 1] + "…"
        with Vertical(classes="dialog", id="annotate"):
            yield Label("Note on the passage", classes="dialog-title")
            yield Static(Content(f"“{quote}”"), id="annotate-quote")
            yield TextEditor(
                self.initial.note, id="annotate-note", soft_wrap=True, tab_behavior="focus"
            )
            yield TextBox(
                ", ".join(self.initial.tags),
                placeholder="tags, separated by commas (→ completes)",
                suggester=TagSuggester(self.known_tags),
                id="annotate-tags",
            )
            yield Static("", id="annotate-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save  ctrl+s", id="annotate-save", variant="primary")
                yield Button("Cancel  esc", id="annotate-cancel")

    def on_mount(self) -> None:
        """Start typing the note at once."""
        self.query_one("#annotate-note", TextArea).focus()

    @property
    def draft(self) -> NoteDraft:
        """The note and tags as typed so far."""
        return NoteDraft(
            self.query_one("#annotate-note", TextArea).text,
            split_tags(self.query_one("#annotate-tags", Input).value),
        )

    @property
    def changed(self) -> bool:
        """Whether anything was typed that would be lost on closing."""
        draft = self.draft
        if self.unsaved:
            return bool(draft.note.strip() or draft.tags)
        return (draft.note.strip(), draft.tags) != (self.initial.note.strip(), self.initial.tags)

    def action_save(self) -> None:
        """Return the note, once its tags are acceptable to the notes code."""
        from library.errors import InvalidValue
        from notes.tags import normalize_tags

        draft = self.draft
        error = self.query_one("#annotate-error", Static)
        try:
            normalize_tags(draft.tags)
        except InvalidValue as exc:
            error.update(Content(str(exc)))
            error.add_class("shown")
            self.query_one("#annotate-tags", Input).focus()
            return
        self.dismiss(draft)

    def action_cancel(self) -> None:
        """Close without saving; asks first when something was typed."""
        if not self.changed:
            self.dismiss(None)
            return
        from tui.dialogs.confirm import ConfirmDialog

        def answered(choice: str | None) -> None:
            if choice == "discard":
                self.dismiss(None)
            elif choice == "save":
                self.action_save()

        self.app.push_screen(
            ConfirmDialog(
                "Discard this note?",
                [("save", "Save it"), ("discard", "Discard"), ("keep", "Keep editing")],
                danger="discard",
            ),
            answered,
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Save or cancel."""
        if event.button.id == "annotate-save":
            self.action_save()
        else:
            self.action_cancel()
