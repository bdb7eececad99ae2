"""The names screen: names the library spells in more than one way (`folio names`), with a
key to make one an alias set and a key to search for it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from library.errors import FolioError
from tui.actions import names as name_actions
from tui.app.failures import guarded_work
from tui.plain import one_line

if TYPE_CHECKING:
    from library.name_clusters import NameCluster
    from tui.app import FolioApp


def cluster_label(cluster: NameCluster) -> Text:
    """`Massoud 2 / Masood 1`, then the articles of each spelling (plain Text, never markup)."""
    label = Text(
        one_line(" / ".join(f"{s.written} {s.count}" for s in cluster.spellings)), style="bold"
    )
    for spelling in cluster.spellings:
        keys = ", ".join(key for _, key in spelling.articles[:4])
        more = f" +{spelling.count - 4}" if spelling.count > 4 else ""
        label.append("\n  " + one_line(f"{spelling.written}: {keys}{more}"), style="dim")
    return label


class NamesScreen(Screen[None]):
    """Clusters of spellings, most useful first; `a` makes the highlighted one an alias set."""

    app: FolioApp

    # Here rather than in folio.tcss: this screen is new, and the stylesheet is shared.
    DEFAULT_CSS = """
    #name-clusters { height: 1fr; }
    #names-status { height: auto; max-height: 2; padding: 0 1; }
    """

    BINDINGS = [  # noqa: RUF012
        Binding("escape", "app.pop_screen", "Back"),
        Binding("a", "make_alias", "Make alias set"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.clusters: list[NameCluster] = []
        self.loaded = False  # the clusters have been looked for (found or not)

    def compose(self) -> ComposeResult:
        """The clusters, and a status line."""
        yield OptionList(id="name-clusters")
        yield Static("Looking for names spelled more than one way…", id="names-status")
        yield Footer()

    def on_mount(self) -> None:
        """Load the clusters."""
        self.query_one("#name-clusters", OptionList).focus()
        self.reload()

    @guarded_work("looking for names spelled more than one way", exclusive=True, group="names")
    async def reload(self) -> None:
        """Find the clusters in a thread and list them."""
        outcome = await self.app.call(name_actions.find_names, 1)
        self.clusters = outcome.value
        found = self.query_one("#name-clusters", OptionList)
        found.clear_options()
        options: list[Option | None] = []
        for number, cluster in enumerate(self.clusters):
            if options:
                options.append(None)
            options.append(Option(cluster_label(cluster), id=f"cluster-{number}"))
        found.add_options(options)
        if self.clusters:
            found.highlighted = 0
            self._status(
                f"{len(self.clusters)} name(s) with several spellings.   "
                "a: make an alias set   enter: search for it"
            )
        else:
            self._status("No names with more than one spelling.")
        self.loaded = True

    def _status(self, message: str, style: str = "dim") -> None:
        self.query_one("#names-status", Static).update(Text(message, style=style))

    def _chosen(self) -> NameCluster | None:
        found = self.query_one("#name-clusters", OptionList)
        index = found.highlighted
        if index is None:
            return None
        option_id = found.get_option_at_index(index).id or ""
        return self.clusters[int(option_id.removeprefix("cluster-"))]

    @guarded_work("making an alias set", exclusive=True, group="names-alias")
    async def action_make_alias(self) -> None:
        """Make the highlighted cluster an alias set (its first spelling names it)."""
        cluster = self._chosen()
        if cluster is None:
            return
        name, *variants = [s.written for s in cluster.spellings]
        try:
            outcome = await self.app.call(name_actions.add_alias, name, variants)
        except FolioError as exc:  # a spelling already in another set: say so here
            self._status(str(exc), "bold red")
            return
        self.app.show_notices(outcome.warnings)
        made = outcome.value.set
        members = made.members if made is not None else (name, *variants)
        self._status(f"Alias set {one_line(', '.join(members))}", "bold")

    @on(OptionList.OptionSelected, "#name-clusters")
    def cluster_chosen(self, event: OptionList.OptionSelected) -> None:
        """Search for the name: every spelling is found."""
        from tui.screens.search import SearchScreen

        cluster = self.clusters[int((event.option.id or "").removeprefix("cluster-"))]
        self.app.push_screen(SearchScreen(cluster.spellings[0].written))

    def refresh_data(self) -> None:
        """Find the clusters again (the library may have changed)."""
        self.reload()
