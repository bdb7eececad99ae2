"""The tags screen: a tree of tags with counts; a tag's articles and passages beside it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static, Tree
from textual.widgets.option_list import Option

from library.errors import FolioError
from library.textnorm import quoted
from tui.actions import articles as article_actions
from tui.actions import notes as note_actions
from tui.actions import tags as tag_actions
from tui.app.failures import guarded_work
from tui.plain import one_line
from tui.screens.reader import is_placed

if TYPE_CHECKING:
    from tui.app import FolioApp


def tag_label(name: str, count: int) -> Text:
    """A tree label: the tag as plain Text (a tag may contain `[`), then its count."""
    label = Text(one_line(name))
    label.append(f"  {count}", style="dim")
    return label


class TagsScreen(Screen[None]):
    """Tags (`a/b` nests under `a`); Enter on a tag lists its articles and passages."""

    app: FolioApp

    BINDINGS = [  # noqa: RUF012
        Binding("escape", "app.pop_screen", "Back"),
        Binding("x", "export", "Export tag"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.chosen_tag: str | None = None
        self.entries: list[tuple[str, int | None]] = []  # (article id, passage offset)

    def compose(self) -> ComposeResult:
        """Tree on the left, the chosen tag's items on the right."""
        with Horizontal():
            tree: Tree[str] = Tree(Text("Tags"), id="tag-tree")
            tree.show_root = False
            yield tree
            yield OptionList(id="tag-items")
        yield Static(id="tags-status")
        yield Footer()

    def on_mount(self) -> None:
        """Load the tags."""
        self.query_one("#tag-tree", Tree).focus()
        self.reload()

    @guarded_work("reading the tags", exclusive=True, group="tags")
    async def reload(self) -> None:
        """Read tag counts and rebuild the tree."""
        listed = await self.app.call(tag_actions.list_tags)
        counts = [(count.name, count.total) for count in listed.value]
        self.app.cached_tags = counts
        tree: Tree[str] = self.query_one("#tag-tree", Tree)
        tree.clear()
        nodes: dict[str, Any] = {}
        # Only tags with tags under them get an expand arrow.
        parents = {
            "/".join(name.split("/")[:depth])
            for name, _ in counts
            for depth in range(1, name.count("/") + 1)
        }
        for name, count in sorted(counts, key=lambda item: item[0].casefold()):
            parent = tree.root
            parts = name.split("/")
            for depth in range(1, len(parts)):
                prefix = "/".join(parts[:depth])
                if prefix not in nodes:
                    label = Text(one_line(parts[depth - 1]))
                    nodes[prefix] = parent.add(label, data=prefix, expand=True)
                parent = nodes[prefix]
            if name in nodes:
                nodes[name].set_label(tag_label(parts[-1], count))
            else:
                nodes[name] = parent.add(
                    tag_label(parts[-1], count),
                    data=name,
                    expand=True,
                    allow_expand=name in parents,
                )
        if counts and tree.cursor_line < 0:
            tree.cursor_line = 0  # Enter on a fresh tree opens the first tag
        status = (
            f"{len(counts)} tag(s)" if counts else "No tags yet: tag notes when you write them."
        )
        self.query_one("#tags-status", Static).update(Text(status, style="dim"))

    @on(Tree.NodeSelected, "#tag-tree")
    def tag_chosen(self, event: Tree.NodeSelected[str]) -> None:
        """List the tag's articles and passages."""
        if event.node.data:
            self.show_tag(event.node.data)

    @guarded_work("listing the tag's articles", exclusive=True, group="tag-items")
    async def show_tag(self, tag: str) -> None:
        """Articles carrying the tag, then passages whose notes carry it."""
        self.chosen_tag = tag
        try:
            ids = (await self.app.call(tag_actions.articles_with_tag, tag)).value
            notes = (
                await self.app.call(lambda library: note_actions.list_notes(library, tag=tag))
            ).value
            rows = {row.id: row for row in (await self.app.call(article_actions.table_rows)).value}
        except FolioError as exc:
            self.query_one("#tags-status", Static).update(Text(str(exc), style="red"))
            return
        items = self.query_one("#tag-items", OptionList)
        items.clear_options()
        self.entries = []
        options: list[Option | None] = [Option(Text(one_line(f"#{tag}"), "bold"), disabled=True)]
        for article_id in ids:
            row = rows.get(article_id)
            title = one_line(row.title if row else article_id) or "(untitled)"
            options.append(Option(Text(title), id=f"item-{len(self.entries)}"))
            self.entries.append((article_id, None))
        if notes:
            options.append(Option(Text("Passages", style="bold"), disabled=True))
        for note in notes:
            label = Text(quoted(one_line(note.exact or ""), 100), style="italic")
            if note.note:
                label.append("\n" + one_line(note.note)[:120])
            options.append(Option(label, id=f"item-{len(self.entries)}"))
            self.entries.append((note.article_id, note.start if is_placed(note) else None))
        items.add_options(options)

    @on(OptionList.OptionSelected, "#tag-items")
    def item_chosen(self, event: OptionList.OptionSelected) -> None:
        """Open the article (at the passage, for a note)."""
        assert event.option.id is not None
        article_id, passage = self.entries[int(event.option.id.removeprefix("item-"))]
        self.app.open_reader(article_id, passage=passage)

    def action_export(self) -> None:
        """Export the chosen tag's articles."""
        self.app.open_export(tag=self.chosen_tag)

    def refresh_data(self) -> None:
        """Reload tags."""
        self.reload()
