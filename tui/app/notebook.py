"""FolioApp: the full-screen notebook. Screens live in their own modules; this wires them.

Threading rule: every library call runs through `FolioApp.call` (a thread, under the
session lock) or in a thread worker with its own connection (import). Widgets are only
touched on the event loop: workers return results or post messages.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from tui import actions as operations
from tui.app.commands import FolioCommands
from tui.app.keys import screen_keys
from tui.dialogs.annotate import AnnotateDialog
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.export import ExportContext, ExportScreen
from tui.dialogs.import_files import ImportScreen
from tui.dialogs.metadata import MetadataForm
from tui.screens.help import HelpScreen
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen, load_reader_data
from tui.screens.search import SearchScreen
from tui.screens.tags import TagsScreen
from tui.screens.welcome import WelcomeScreen

T = TypeVar("T")


class FolioApp(App[None]):
    """Folio's terminal notebook over one library folder."""

    CSS_PATH = "folio.tcss"
    TITLE = "Folio"
    COMMANDS = App.COMMANDS | {FolioCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r,f5", "refresh", "Reload", show=False),
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
    ]
    # (palette title, help, action) for what every screen can do; one list for the palette.
    GLOBAL_ACTIONS: ClassVar[list[tuple[str, str, str]]] = [
        ("Library: all articles", "The article table", "show_library"),
        ("Search the library", "Full-text search, results as you type", "open_search"),
        ("Tags", "Tag tree with counts", "open_tags"),
        ("Import files or a folder", "Add articles (.txt .md .html .pdf)", "open_import"),
        ("Export citations or notes", "BibLaTeX, BibTeX, CSL-JSON, Markdown", "open_export"),
        ("Reload from the library", "Pick up changes made by `folio` in a shell", "refresh"),
        ("Help: keys of this screen", "Lists the keys", "help"),
    ]

    def __init__(self, library_dir: str | Path | None = None) -> None:
        super().__init__()
        from library.location import resolve_library_dir

        self.library_root = resolve_library_dir(library_dir)
        self.session: operations.Session | None = None
        self.cached_tags: list[tuple[str, int]] = []
        self.reader: ReaderScreen | None = None  # built on first use, then reused

    # --- plumbing -------------------------------------------------------------------------

    async def call(self, function: Callable[..., T], *args: Any) -> T:
        """Run `function(library, *args)` in a thread, holding the library lock."""
        session = self.session
        assert session is not None

        def run() -> T:
            with session.use() as library:
                return function(library, *args)

        return await asyncio.to_thread(run)

    def on_mount(self) -> None:
        """Open the library; show the welcome screen when it is empty."""
        try:
            self.session = operations.Session(self.library_root)
        except operations.FolioError as exc:
            self.exit(message=f"folio: {exc}", return_code=1)
            return
        # At start nothing else uses the library: count here, so the first screen is up
        # (and takes keys) as soon as the app is.
        with self.session.use() as library:
            self._show_home(empty=operations.article_count(library) == 0)
        self.load_tags()

    @work(exclusive=True, group="warm-up")
    async def warm_up(self) -> None:
        """Let the index catch up on what other processes changed, in the background, so
        that the first search does not pay for it (the library table calls this once its
        rows are in: the rows come first)."""
        await self.call(operations.prepare_index)

    def on_unmount(self) -> None:
        """Close the library."""
        if self.session is not None:
            self.session.close()

    @work(exclusive=True, group="home")
    async def show_home(self) -> None:
        """The library table, or the welcome screen while the library is empty."""
        self._show_home(empty=await self.call(operations.article_count) == 0)

    def _show_home(self, empty: bool) -> None:
        wanted = WelcomeScreen if empty else LibraryScreen
        if isinstance(self.screen, wanted):
            return
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(wanted())

    @work(exclusive=True, group="tags")
    async def load_tags(self) -> None:
        """Keep the tag list for completion in the annotation dialog."""
        self.cached_tags = await self.call(operations.tag_counts)

    def library_changed(self, exclude: Screen[Any] | None = None, notes_only: bool = False) -> None:
        """Something was written: every open screen reloads what it shows (after a note
        changed, the library table reloads only its notes columns)."""
        if self.session is None:
            return
        if isinstance(self.screen, WelcomeScreen):
            self.show_home()  # articles may have arrived (under a dialog: on closing it)
        for screen in self.screen_stack:
            if screen is exclude:
                continue
            if notes_only and isinstance(screen, LibraryScreen):
                screen.reload_notes()
            elif hasattr(screen, "refresh_data"):
                screen.refresh_data()
        self.load_tags()

    def article_rows(self) -> list[operations.Row]:
        """The rows the library table holds (for the palette); [] before it has loaded."""
        for screen in self.screen_stack:
            if isinstance(screen, LibraryScreen):
                return screen.table.rows
        return []

    # --- navigation -----------------------------------------------------------------------

    @work(exclusive=True, group="open-reader")
    async def open_reader(
        self, article_id: str, *, query: str | None = None, passage: int | None = None
    ) -> None:
        """Read an article (from a search: at the passage, matched words highlighted).

        The article is read before the screen shows, so its text is laid out only once;
        one reader screen is kept and reused (installed), which halves the time to open."""
        try:
            data = await self.call(load_reader_data, article_id, query)
        except operations.FolioError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        reader = self.reader
        if reader is None:
            reader = self.reader = ReaderScreen(
                article_id, query=query, passage=passage, loaded=data
            )
            self.install_screen(reader, name="reader")
        else:
            reader.show(data, query=query, passage=passage)
        if reader in self.screen_stack:
            while self.screen is not reader:
                self.pop_screen()
        else:
            await self.push_screen(reader)

    def action_show_library(self) -> None:
        """Back to the library table."""
        self.show_home()

    def action_open_search(self) -> None:
        """The search screen (the one already open, if any)."""
        for screen in self.screen_stack:
            if isinstance(screen, SearchScreen):
                while self.screen is not screen:
                    self.pop_screen()
                return
        self.push_screen(SearchScreen())

    def action_open_tags(self) -> None:
        """The tags screen."""
        self.push_screen(TagsScreen())

    def action_open_names(self) -> None:
        """The names screen: names spelled more than one way, to make alias sets of."""
        from tui.screens.names import NamesScreen

        self.push_screen(NamesScreen())

    def action_open_import(self) -> None:
        """The import dialog; afterwards the welcome screen gives way to the library."""
        self.push_screen(ImportScreen(), lambda _changed: self.show_home())

    def action_open_export(self) -> None:
        """Export, offering what the current screen shows (its article, results or tag)."""
        export = getattr(self.screen, "action_export", None)
        if export is not None:
            export()
        else:
            self.open_export()

    def open_export(self, *, article_id: str | None = None, tag: str | None = None) -> None:
        """The export dialog with the selections the current screen can offer."""
        query: str | None = None
        for screen in reversed(self.screen_stack):
            if isinstance(screen, ReaderScreen) and article_id is None:
                article_id = screen.article_id
            if isinstance(screen, SearchScreen) and query is None and screen.hits:
                query = screen.article_query
            if isinstance(screen, TagsScreen) and tag is None:
                tag = screen.chosen_tag
        self.push_screen(ExportScreen(ExportContext(article_id, query, tag)))

    def action_refresh(self) -> None:
        """Reload from the database (another `folio` process may have changed it)."""
        self.library_changed()
        self.notify("Reloaded from the library.", timeout=2)

    def action_help(self) -> None:
        """Keys of the current screen."""
        if isinstance(self.screen, HelpScreen):
            return
        screen = self.screen
        keys = [(key.keys, key.description) for key in screen_keys(screen)]
        doc = (type(screen).__doc__ or "").strip()
        self.push_screen(HelpScreen(type(screen).__name__.removesuffix("Screen"), keys, doc))

    # --- metadata -------------------------------------------------------------------------

    @work(group="metadata")
    async def edit_metadata(self, article_id: str) -> None:
        """Open the metadata form (it saves with the same checks as `folio edit`)."""
        try:
            article = await self.call(operations.get_article, article_id)
        except operations.FolioError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        changed = await self.push_screen_wait(MetadataForm(article))
        if changed:
            self.notify(f"Updated {', '.join(changed)}.", markup=False)
            self.library_changed()

    # --- quitting -------------------------------------------------------------------------

    async def action_quit(self) -> None:
        """Quit; a note being typed is not lost silently: ask to save or discard it."""
        dialog = next(
            (s for s in self.screen_stack if isinstance(s, AnnotateDialog) and s.changed), None
        )
        if dialog is None:
            self.exit()
            return

        def answered(choice: str | None) -> None:
            if choice == "save":
                dialog.action_save()
                # The save runs in the reader's worker; exit once it has finished.
                self.set_timer(0.05, self._exit_when_saved)
            elif choice == "discard":
                self.exit()

        await self.push_screen(
            ConfirmDialog(
                "A note is being written. Save it before quitting?",
                [
                    ("save", "Save and quit"),
                    ("discard", "Discard and quit"),
                    ("keep", "Keep editing"),
                ],
                danger="discard",
            ),
            answered,
        )

    async def _exit_when_saved(self) -> None:
        await self.workers.wait_for_complete([w for w in self.workers if w.group == "reader-notes"])
        if any(isinstance(s, AnnotateDialog) for s in self.screen_stack):
            return  # the save failed and the draft came back: keep it on screen, do not quit
        self.exit()
