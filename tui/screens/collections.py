"""The collections screen: collections and saved searches on the left; a collection's
articles beside them. Enter on a saved search runs it in the search screen; `x` exports
the collection or saved search (and can keep the file updated)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from library.errors import FolioError
from tui.actions import collections as collection_actions
from tui.app.failures import guarded_work
from tui.plain import one_line

if TYPE_CHECKING:
    from library.articles import Article
    from library.collections import CollectionInfo
    from library.saved_searches import SavedSearch
    from tui.app import FolioApp


class CollectionsScreen(Screen[None]):
    """Collections (Enter lists the articles; `d` there takes one out of the collection)
    and saved searches (Enter runs one). `x` exports the collection or saved search under
    the cursor, to a file it can keep updated."""

    app: FolioApp

    DEFAULT_CSS = """
    #collection-list { width: 44; height: 1fr; border-right: solid $panel-lighten-2; }
    #collection-items { width: 1fr; height: 1fr; border: none; }
    #collections-status { height: 1; padding: 0 1; }
    """

    BINDINGS = [  # noqa: RUF012
        Binding("escape", "app.pop_screen", "Back"),
        Binding("d,delete", "take_out", "Take out of collection"),
        Binding("x", "export", "Export"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.collections: list[CollectionInfo] = []
        self.searches: list[SavedSearch] = []
        self.chosen: str | None = None
        self.articles: list[Article] = []

    def compose(self) -> ComposeResult:
        """The lists on the left, the chosen collection's articles on the right."""
        with Horizontal():
            yield OptionList(id="collection-list")
            yield OptionList(id="collection-items")
        yield Static(id="collections-status")
        yield Footer()

    def on_mount(self) -> None:
        """Load the lists."""
        self.query_one("#collection-list", OptionList).focus()
        self.reload()

    @guarded_work("reading the collections", exclusive=True, group="collections")
    async def reload(self) -> None:
        """Read the collections and saved searches."""
        self.collections = (await self.app.call(collection_actions.list_collections)).value
        self.searches = (await self.app.call(collection_actions.list_saved_searches)).value
        options: list[Option | None] = [Option(Text("Collections", "bold"), disabled=True)]
        for index, found in enumerate(self.collections):
            label = Text(one_line(found.name))
            label.append(f"  {found.count}", style="dim")
            options.append(Option(label, id=f"collection-{index}"))
        if not self.collections:
            options.append(Option(Text("none yet: + adds the article you are on", "dim"),
                                  disabled=True))  # fmt: skip
        options.append(Option(Text("Saved searches", "bold"), disabled=True))
        for index, search in enumerate(self.searches):
            label = Text(one_line(search.name))
            label.append("  " + one_line(search.query)[:60], style="dim")
            options.append(Option(label, id=f"search-{index}"))
        if not self.searches:
            options.append(Option(Text("none yet: folio search QUERY --save NAME", "dim"),
                                  disabled=True))  # fmt: skip
        listing = self.query_one("#collection-list", OptionList)
        was = listing.highlighted
        listing.clear_options()
        listing.add_options(options)
        # On a collection from the start, so `enter` or `x` act on what the cursor shows.
        if was is not None and was < listing.option_count:
            listing.highlighted = was
            if listing.get_option_at_index(was).disabled:  # the lists changed: a heading
                listing.action_first()
        else:
            listing.action_first()
        self._status(
            f"{len(self.collections)} collection(s), {len(self.searches)} saved search(es)"
        )
        if self.chosen is not None:
            self.show_collection(self.chosen)

    def _status(self, message: str, error: bool = False) -> None:
        style = "red" if error else "dim"
        self.query_one("#collections-status", Static).update(Text(message, style=style))

    @on(OptionList.OptionSelected, "#collection-list")
    def chosen_in_list(self, event: OptionList.OptionSelected) -> None:
        """A collection: list its articles; a saved search: run it."""
        option_id = event.option.id or ""
        if option_id.startswith("collection-"):
            self.show_collection(self.collections[int(option_id.removeprefix("collection-"))].name)
        elif option_id.startswith("search-"):
            from tui.screens.search import SearchScreen

            search = self.searches[int(option_id.removeprefix("search-"))]
            self.app.push_screen(SearchScreen(search.query))

    @guarded_work("reading the collection", exclusive=True, group="collection-items")
    async def show_collection(self, name: str) -> None:
        """The collection's articles, oldest member first."""
        try:
            self.articles = (
                await self.app.call(collection_actions.collection_articles, name)
            ).value
        except FolioError as exc:  # deleted meanwhile (by `folio collection rm`)
            self.chosen, self.articles = None, []
            self._status(str(exc), error=True)
            return
        self.chosen = name
        items = self.query_one("#collection-items", OptionList)
        items.clear_options()
        options: list[Option | None] = [Option(Text(one_line(name), "bold"), disabled=True)]
        for index, article in enumerate(self.articles):
            label = Text(one_line(article.display_title) or "(untitled)")
            label.append(f"  {article.citekey}", style="dim")
            options.append(Option(label, id=f"article-{index}"))
        items.add_options(options)

    @on(OptionList.OptionSelected, "#collection-items")
    def article_chosen(self, event: OptionList.OptionSelected) -> None:
        """Open the article."""
        assert event.option.id is not None
        self.app.open_reader(self.articles[int(event.option.id.removeprefix("article-"))].id)

    @guarded_work("changing the collection", exclusive=True, group="collection-change")
    async def action_take_out(self) -> None:
        """Take the highlighted article out of the collection (it stays in the library)."""
        items = self.query_one("#collection-items", OptionList)
        highlighted = items.highlighted
        if self.chosen is None or highlighted is None or not items.has_focus:
            return
        option_id = items.get_option_at_index(highlighted).id or ""
        if not option_id.startswith("article-"):
            return
        article = self.articles[int(option_id.removeprefix("article-"))]
        outcome = await self.app.call(
            collection_actions.remove_from_collection, self.chosen, [article.id]
        )
        self._status(f"Took {article.citekey} out of {one_line(outcome.value.name)}")
        self.app.library_changed()

    def action_export(self) -> None:
        """Export the collection or saved search highlighted on the left (or the collection
        whose articles are shown, from the list on the right)."""
        collection, saved = self.chosen, None
        listing = self.query_one("#collection-list", OptionList)
        if listing.has_focus and listing.highlighted is not None:
            option_id = listing.get_option_at_index(listing.highlighted).id or ""
            if option_id.startswith("collection-"):
                collection = self.collections[int(option_id.removeprefix("collection-"))].name
            elif option_id.startswith("search-"):
                collection = None
                saved = self.searches[int(option_id.removeprefix("search-"))].name
        self.app.open_export(collection=collection, saved=saved)

    def refresh_data(self) -> None:
        """Reload (something changed in the library)."""
        self.reload()
