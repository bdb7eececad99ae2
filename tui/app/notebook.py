"""FolioApp: the full-screen notebook. Screens live in their own modules; this wires them.

Threading rule: every library call runs through `FolioApp.call` (a thread, under the
session lock) or in a thread worker with its own connection (import). Widgets are only
touched on the event loop: workers return results or post messages.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, TypeVar, cast

from textual.app import App
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen

from library.articles import ArticleRow
from library.damage import damage_reported
from library.errors import EditConflict, FolioError
from tui.actions import articles as article_actions
from tui.actions import maintenance, originals
from tui.actions import tags as tag_actions
from tui.actions.results import Level, Notice, confirmed
from tui.actions.session import Session
from tui.app.commands import FolioCommands
from tui.app.failures import failure_notice, guarded_work
from tui.app.keys import screen_keys
from tui.dialogs.annotate import AnnotateDialog
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.conflict import ConflictDialog
from tui.dialogs.export import ExportContext, ExportScreen
from tui.dialogs.import_files import ImportScreen
from tui.dialogs.metadata import MetadataForm
from tui.dialogs.tag_article import TagArticleDialog
from tui.plain import one_line
from tui.screens.help import HelpScreen
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen, load_reader_data
from tui.screens.search import SearchScreen
from tui.screens.tags import TagsScreen
from tui.screens.welcome import WelcomeScreen

T = TypeVar("T")
NOTICE_SEVERITY: dict[Level, SeverityLevel] = {
    "note": "information",
    "warning": "warning",
    "error": "error",
}


class FolioApp(App[None]):
    """Folio's terminal notebook over one library folder."""

    CSS_PATH = "folio.tcss"
    TITLE = "Folio"
    COMMANDS = App.COMMANDS | {FolioCommands}
    # Classes the screens get by terminal size, for folio.tcss (80×24 is -narrow -short).
    # Not ClassVar: App's own annotation (`ClassVar[...] | None`) reads as an instance variable.
    HORIZONTAL_BREAKPOINTS: list[tuple[int, str]] | None = [  # noqa: RUF012
        (0, "-tiny"),
        (60, "-narrow"),
        (100, "-wide"),
    ]
    VERTICAL_BREAKPOINTS: list[tuple[int, str]] | None = [(0, "-short"), (32, "-tall")]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: the app moves focus as it reads the key. Textual sends each key to the
        # widget focused when the app reads it, but a plain Tab moves focus only once the
        # focused box has passed it on, so keys typed right after Tab landed in the box
        # being left (an edit to Site went into Date). No Folio widget uses Tab itself.
        Binding("tab", "focus_next", show=False, priority=True),
        Binding("shift+tab", "focus_previous", show=False, priority=True),
        Binding("ctrl+r,f5", "refresh", "Reload", show=False),
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
    ]
    # (palette title, help, action) for what every screen can do; one list for the palette.
    GLOBAL_ACTIONS: ClassVar[list[tuple[str, str, str]]] = [
        ("Library: all articles", "The article table", "show_library"),
        ("Search the library", "Full-text search, results as you type", "open_search"),
        ("Tags", "Tag tree with counts", "open_tags"),
        ("Timeline of notes", "Notes in date order, by #tag or query", "open_timeline"),
        ("Collections and saved searches", "Named sets of articles, queries", "open_collections"),
        (
            "Import files, a folder, a URL or a DOI",
            "Add articles (.txt .md .html .pdf, web pages, doi:/arxiv:/isbn:)",
            "open_import",
        ),
        ("Export citations or notes", "BibLaTeX, BibTeX, CSL-JSON, Markdown", "open_export"),
        ("Reload from the library", "Pick up changes made by `folio` in a shell", "refresh"),
        ("Help: keys of this screen", "Lists the keys", "help"),
    ]

    def __init__(self, library_dir: str | Path | None = None) -> None:
        super().__init__()
        from library.location import resolve_library_dir

        self.library_root = resolve_library_dir(library_dir)
        self.session: Session | None = None
        self.cached_tags: list[tuple[str, int]] = []
        self.reader: ReaderScreen | None = None  # built on first use, then reused
        self.told: set[str] = set()  # kinds of notices shown (see show_notices)

    # --- plumbing -------------------------------------------------------------------------

    async def call(self, function: Callable[..., T], *args: Any) -> T:
        """Run `function(library, *args)` in a thread, holding the library lock."""
        session = self.session
        assert session is not None

        def run() -> T:
            with session.use() as library, damage_reported(library.root):
                return function(library, *args)

        return await asyncio.to_thread(run)

    def on_mount(self) -> None:
        """Open the library; show the welcome screen when it is empty."""
        try:
            self.session = Session(self.library_root)
            # At start nothing else uses the library: count here, so the first screen is up
            # (and takes keys) as soon as the app is.
            with self.session.use() as library:
                empty = article_actions.count_articles(library).value == 0
        except FolioError as exc:
            self.exit(message=f"folio: {exc}", return_code=1)
            return
        except Exception as error:  # nothing is on screen yet: say it on the way out
            notice = failure_notice(error, "opening the library")
            self.exit(message=f"folio: {notice}", return_code=1)
            return
        self._show_home(empty=empty)
        self.load_tags()

    def report_error(self, error: BaseException, doing: str) -> None:
        """The one handler for errors of background work and actions: a FolioError is
        shown as written; anything else as one line pointing at the logged traceback.
        The screen stays as it was."""
        if isinstance(error, FolioError):
            self.notify(str(error), severity="error", markup=False, timeout=8)
            return
        self.notify(
            failure_notice(error, doing),
            severity="error",
            markup=False,
            timeout=15,
        )

    @guarded_work("preparing the search index", exclusive=True, group="warm-up")
    async def warm_up(self) -> None:
        """Let the index catch up on what other processes changed, in the background, so
        that the first search does not pay for it (the library table calls this once its
        rows are in: the rows come first)."""
        await self.call(maintenance.warm_up)

    def on_unmount(self) -> None:
        """Close the library."""
        if self.session is not None:
            self.session.close()

    @guarded_work("opening the library", exclusive=True, group="home")
    async def show_home(self) -> None:
        """The library table, or the welcome screen while the library is empty."""
        self._show_home(empty=(await self.call(article_actions.count_articles)).value == 0)

    def _show_home(self, empty: bool) -> None:
        wanted = WelcomeScreen if empty else LibraryScreen
        if isinstance(self.screen, wanted):
            return
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(wanted())

    @guarded_work("reading the tags", exclusive=True, group="tags")
    async def load_tags(self) -> None:
        """Keep the tag list for completion in the annotation dialog."""
        listed = await self.call(tag_actions.list_tags)
        self.cached_tags = [(count.name, count.total) for count in listed.value]

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

    def article_rows(self) -> list[ArticleRow]:
        """The rows the library table holds (for the palette); [] before it has loaded."""
        for screen in self.screen_stack:
            if isinstance(screen, LibraryScreen):
                return screen.table.rows
        return []

    # --- navigation -----------------------------------------------------------------------

    @guarded_work("opening the article", exclusive=True, group="open-reader")
    async def open_reader(
        self,
        article_id: str,
        *,
        query: str | None = None,
        passage: int | None = None,
        passage_end: int | None = None,
        exact: bool = False,
    ) -> None:
        """Read an article (from a search: at the passage, matched words highlighted, with
        `exact` as the search matched them: as typed, no spelling variants; from another
        article's shared passage: with the passage [passage, passage_end) selected).

        The article is read before the screen shows, so its text is laid out only once;
        one reader screen is kept and reused (installed), which halves the time to open."""
        data = await self.call(load_reader_data, article_id, query, exact)
        reader = self.reader
        if reader is None:
            reader = self.reader = ReaderScreen(
                article_id,
                query=query,
                passage=passage,
                passage_end=passage_end,
                loaded=data,
                exact=exact,
            )
            self.install_screen(reader, name="reader")
        else:
            reader.show(data, query=query, passage=passage, passage_end=passage_end, exact=exact)
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

    def action_open_timeline(self) -> None:
        """The timeline of notes, in the order their articles were published."""
        from tui.screens.timeline import TimelineScreen

        self.push_screen(TimelineScreen())

    def action_open_collections(self) -> None:
        """The collections and saved searches screen."""
        from tui.screens.collections import CollectionsScreen

        self.push_screen(CollectionsScreen())

    @guarded_work("adding to a collection", group="collection-add")
    async def add_to_collection(self, article_id: str) -> None:
        """Ask which collection, and put the article in it."""
        from tui.actions import collections as collection_actions
        from tui.dialogs.collection_add import AddToCollectionDialog

        article = (await self.call(article_actions.show_article, article_id)).value.article
        names = [c.name for c in (await self.call(collection_actions.list_collections)).value]
        name = await self.push_screen_wait(
            AddToCollectionDialog(article.id, article.display_title, names)
        )
        if name:
            self.notify(f"Added to {name}.", markup=False)
            self.library_changed()

    def action_open_names(self) -> None:
        """The names screen: names spelled more than one way, to make alias sets of."""
        from tui.screens.names import NamesScreen

        self.push_screen(NamesScreen())

    def action_open_import(self) -> None:
        """The import dialog; afterwards the welcome screen gives way to the library."""

        def closed(_changed: int | None) -> None:
            self.show_home()

        self.push_screen(ImportScreen(), closed)

    def action_open_export(self) -> None:
        """Export, offering what the current screen shows (its article, results or tag)."""
        export = getattr(self.screen, "action_export", None)
        if export is not None:
            export()
        else:
            self.open_export()

    def open_export(
        self,
        *,
        article_id: str | None = None,
        tag: str | None = None,
        collection: str | None = None,
        saved: str | None = None,
    ) -> None:
        """The export dialog with the selections the current screen can offer (a collection
        or saved search given is the one chosen)."""
        query: str | None = None
        for screen in reversed(self.screen_stack):
            if isinstance(screen, ReaderScreen) and article_id is None:
                article_id = screen.article_id
            if isinstance(screen, SearchScreen) and query is None and screen.hits:
                query = screen.article_query
            if isinstance(screen, TagsScreen) and tag is None:
                tag = screen.chosen_tag
        self.push_screen(ExportScreen(ExportContext(article_id, query, tag, collection, saved)))

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
        # A docstring's lines joined (its indentation would show in the help's wrapped text).
        doc = " ".join((type(screen).__doc__ or "").split())
        self.push_screen(HelpScreen(type(screen).__name__.removesuffix("Screen"), keys, doc))

    # --- what the library and the reader do to an article -------------------------------

    @guarded_work("opening the metadata form", group="metadata")
    async def edit_metadata(self, article_id: str) -> None:
        """Open the metadata form (it saves with the same checks as `folio edit`)."""
        article = (await self.call(article_actions.show_article, article_id)).value.article
        changed = await self.push_screen_wait(MetadataForm(article))
        if changed:
            self.notify(f"Updated {', '.join(changed)}.", markup=False)
            self.library_changed()

    def show_notices(self, notices: list[Notice], *, once: bool = False) -> None:
        """Tell the user what an action wants them to know (with `once`, a notice of a kind
        already shown in this session is not shown again: a standing state, not news)."""
        for notice in notices:
            if once and notice.kind in self.told:
                continue
            self.told.add(notice.kind)
            severity = NOTICE_SEVERITY[notice.level]
            self.notify(notice.message, severity=severity, markup=False, timeout=10)

    @guarded_work("opening the original", group="original")
    async def open_original(self, article_id: str) -> None:
        """Open the article's original file (or URL) in the desktop's program; where there
        is none to open it, put its path (or URL) on the clipboard instead."""
        found = await self.call(originals.original_of, article_id)
        self.show_notices(found.warnings)
        original = found.value
        try:
            await asyncio.to_thread(originals.launch_viewer, original)
        except FolioError as exc:
            self.copy_to_clipboard(original.target)
            what = "path" if original.kind == "file" else "URL"
            self.notify(
                f"Cannot open {original.label} here: {exc}. "
                f"Its {what} is on the clipboard: {original.target}",
                severity="warning",
                markup=False,
                timeout=15,
            )
            return
        self.notify(f"Opened {original.label}: {original.target}", markup=False, timeout=6)

    @guarded_work("reading the article's tags", group="article-tags")
    async def tag_article(self, article_id: str) -> None:
        """Ask for the article's tags (with completion) and set them."""
        details = (await self.call(article_actions.show_article, article_id)).value
        self.ask_article_tags(article_id, details.article.display_title, details.tags)

    @guarded_work("tagging the article", group="article-tags")
    async def ask_article_tags(
        self, article_id: str, title: str, tags: list[str], base: list[str] | None = None
    ) -> None:
        """The tags dialog, then the save; if the save fails, the dialog comes back with
        what was typed (without reading the library again: it may be what failed). The save
        is a compare-and-set against the tags the dialog began from (`base`, else `tags`)."""
        known = [tag for tag, _ in self.cached_tags]
        chosen = await self.push_screen_wait(TagArticleDialog(title, tags, known))
        if chosen is not None:
            await self._save_article_tags(article_id, title, chosen, tags if base is None else base)

    async def _save_article_tags(
        self, article_id: str, title: str, chosen: list[str], base: list[str]
    ) -> None:
        """Set the article's tags to `chosen` unless they changed since they were `base`:
        then both are shown and the user chooses (nothing is overwritten unasked)."""
        saved = asked = False
        try:
            now = await self.call(
                lambda library: tag_actions.set_tags(library, article_id, chosen, expected=base)
            )
            saved = True
        except EditConflict as exc:
            asked = True
            stored = cast("tag_actions.TagChange", exc.current).tags
            choice = await self.push_screen_wait(ConflictDialog(exc))
            if choice == "mine":
                await self._save_article_tags(article_id, title, chosen, stored)
            elif choice == "edit":
                self.ask_article_tags(article_id, title, chosen, stored)
            else:
                self.library_changed()
            return
        finally:
            if not saved and not asked:
                self.ask_article_tags(article_id, title, chosen, base)
        listed = ", ".join(now.value.tags) or "none"
        self.notify(f"Tags of “{one_line(title)}”: {listed}.", markup=False)
        self.library_changed()

    @guarded_work("deleting the article", group="delete-article")
    async def delete_article(self, article_id: str) -> None:
        """Delete an article after asking (naming how many notes go with it), as `folio rm`."""
        details = (await self.call(article_actions.show_article, article_id)).value
        title = one_line(details.article.display_title)
        notes = f" and its {details.notes} note(s)" if details.notes else ""
        question = (
            f"Delete “{title}” [{details.article.citekey}]{notes}? This cannot be undone "
            "(the original file stays in the library's files/ folder)."
        )
        choice = await self.push_screen_wait(
            ConfirmDialog(question, [("delete", "Delete"), ("keep", "Keep")], danger="delete")
        )
        if choice != "delete":
            return
        await self.call(article_actions.remove_articles, [article_id], confirmed)
        reader = self.reader
        if reader is not None and reader.article_id == article_id and reader in self.screen_stack:
            while self.screen is not reader:
                self.pop_screen()
            self.pop_screen()  # the article is gone: back to where it was opened from
        self.notify(f"Deleted “{title}”{notes}.", markup=False)
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
