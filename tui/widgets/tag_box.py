"""The tags box: tags separated by commas, completed from the library's tags, checked by
the notes code before a dialog returns them (the note dialog and the article-tags dialog)."""

from __future__ import annotations

from textual.suggester import Suggester

from tui.widgets.text_boxes import TextBox

PLACEHOLDER = "tags, separated by commas (→ completes)"


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


class TagBox(TextBox):
    """A one-line box for tags, `→` accepting the completion from `known_tags`."""

    def __init__(self, tags: list[str], known_tags: list[str], *, id: str | None = None) -> None:
        super().__init__(
            ", ".join(tags), placeholder=PLACEHOLDER, suggester=TagSuggester(known_tags), id=id
        )

    @property
    def tags(self) -> list[str]:
        """The tags typed so far."""
        return split_tags(self.value)

    def problem(self) -> str | None:
        """Why the notes code would refuse these tags, or None when it accepts them."""
        from library.errors import InvalidValue
        from notes.tags import normalize_tags

        try:
            normalize_tags(self.tags)
        except InvalidValue as exc:
            return str(exc)
        return None
