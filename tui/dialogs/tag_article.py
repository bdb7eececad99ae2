"""The article-tags dialog: the tags on an article itself, in one box with completion."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from tui.plain import one_line
from tui.widgets.tag_box import TagBox

TITLE_PREVIEW = 70


class TagArticleDialog(ModalScreen[list[str] | None]):
    """Set the tags of an article (its notes keep their own). Enter or ctrl+s saves the
    tags as typed (an empty box takes every tag off); Esc cancels."""

    BINDINGS = [  # noqa: RUF012
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, tags: list[str], known_tags: list[str]) -> None:
        super().__init__()
        self.article_title = title
        self.tags = tags
        self.known_tags = known_tags

    def compose(self) -> ComposeResult:
        """Title, the tags box, its error, buttons."""
        title = one_line(self.article_title)
        if len(title) > TITLE_PREVIEW:
            title = title[: TITLE_PREVIEW - 1] + "…"
        with Vertical(classes="dialog", id="tag-article"):
            yield Label("Tags of the article", classes="dialog-title")
            yield Static(Content(f"“{title}”"), classes="dim")
            yield TagBox(self.tags, self.known_tags, id="tag-article-tags")
            yield Static("", id="tag-article-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save  ctrl+s", id="tag-article-save", variant="primary", compact=True)
                yield Button("Cancel  esc", id="tag-article-cancel", compact=True)

    def on_mount(self) -> None:
        """Type at once, after the tags already there."""
        box = self.query_one(TagBox)
        box.focus()
        box.action_end()

    def on_input_submitted(self) -> None:
        """Enter in the box saves."""
        self.action_save()

    def action_save(self) -> None:
        """Return the tags, once the notes code accepts them (else say why, here)."""
        box = self.query_one(TagBox)
        problem = box.problem()
        if problem is not None:
            error = self.query_one("#tag-article-error", Static)
            error.update(Content(problem))
            error.add_class("shown")
            return
        self.dismiss(box.tags)

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Save or cancel."""
        if event.button.id == "tag-article-save":
            self.action_save()
        else:
            self.action_cancel()
