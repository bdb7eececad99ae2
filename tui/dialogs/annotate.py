"""The annotation dialog: the passage, a multi-line note and tags with completion."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, Static, TextArea

from library.textnorm import quoted
from tui.dialogs.save_cancel import SaveCancelDialog, save_cancel_buttons
from tui.plain import one_line
from tui.widgets.tag_box import TagBox
from tui.widgets.text_boxes import TextEditor

QUOTE_PREVIEW = 300


@dataclass(frozen=True)
class NoteDraft:
    """What the user typed: the note and its tags."""

    note: str
    tags: list[str]


class AnnotateDialog(SaveCancelDialog[NoteDraft | None]):
    """Write (or edit) a note on a passage. Ctrl+S saves; Esc cancels (asks if text was typed)."""

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
        quote = quoted(one_line(self.quote), QUOTE_PREVIEW)
        with Vertical(classes="dialog", id="annotate"):
            yield Label("Note on the passage", classes="dialog-title")
            yield Static(Content(quote), id="annotate-quote")
            yield TextEditor(
                self.initial.note, id="annotate-note", soft_wrap=True, tab_behavior="focus"
            )
            yield TagBox(self.initial.tags, self.known_tags, id="annotate-tags")
            yield Static("", id="annotate-error", classes="field-error")
            yield save_cancel_buttons("annotate")

    def on_mount(self) -> None:
        """Start typing the note at once."""
        self.query_one("#annotate-note", TextArea).focus()

    @property
    def draft(self) -> NoteDraft:
        """The note and tags as typed so far."""
        return NoteDraft(
            self.query_one("#annotate-note", TextArea).text,
            self.query_one("#annotate-tags", TagBox).tags,
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
        tags = self.query_one("#annotate-tags", TagBox)
        problem = tags.problem()
        if problem is not None:
            error = self.query_one("#annotate-error", Static)
            error.update(Content(problem))
            error.add_class("shown")
            tags.focus()
            return
        self.dismiss(self.draft)

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
