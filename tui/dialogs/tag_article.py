"""The article-tags dialog: the tags on an article itself, in one box with completion."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, Static

from tui.dialogs.save_cancel import SaveCancelDialog, save_cancel_buttons
from tui.plain import one_line
from tui.widgets.tag_box import TagBox

TITLE_PREVIEW = 70


class TagArticleDialog(SaveCancelDialog[list[str] | None]):
    """Set the tags of an article (its notes keep their own). Enter or ctrl+s saves the
    tags as typed (an empty box takes every tag off); Esc cancels."""

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
            yield save_cancel_buttons("tag-article")

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
