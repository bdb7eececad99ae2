"""The reader: metadata, the article's text with highlighted notes, and the notes panel."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from library.errors import EditConflict, FolioError
from library.textnorm import quoted
from tui.actions import articles as article_actions
from tui.actions import notes as note_actions
from tui.actions import search as search_actions
from tui.actions.notes import PassageSpec
from tui.actions.results import confirmed
from tui.app.failures import guarded_work
from tui.dialogs.annotate import AnnotateDialog, NoteDraft
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.conflict import ConflictDialog
from tui.dialogs.shared_passages import SharedPassagesDialog, SharedPlace
from tui.plain import one_line
from tui.widgets.annotated_text import AnnotatedText, Span
from tui.widgets.page_marks import PageMarks
from tui.widgets.shared_marks import SharedMarks

if TYPE_CHECKING:
    from library.store import Library
    from tui.app import FolioApp

PLACED_STATES = ("anchored", "moved", "fuzzy")


def is_placed(annotation: Any) -> bool:
    """Whether an annotation points at a passage of the current text."""
    return (
        getattr(annotation, "state", "anchored") in PLACED_STATES
        and annotation.start is not None
        and annotation.end is not None
    )


def metadata_text(article: Any) -> Text:
    """Title (and subtitle), byline, identifiers: three lines (what fits above the text at
    80×24), built as plain Text (titles may contain `[/]`)."""
    text = Text()
    text.append(one_line(article.title or "(untitled)"), style="bold")
    if article.subtitle:
        text.append(": " + one_line(article.subtitle), style="italic")
    byline = " · ".join(filter(None, ["; ".join(article.authors), article.date, article.site]))
    if byline:
        text.append("\n" + one_line(byline))
    text.append(f"\n{one_line(article.citekey)}  ·  {article.id}", style="dim")
    if article.url:
        text.append("  ·  " + one_line(article.url), style="dim")
    return text


def note_label(annotation: Any, text: str, places: Sequence[Any] = ()) -> Text:
    """A notes-panel entry: the quoted passage, the note, the tags, and the other articles
    the passage is in."""
    quote = annotation.exact or (
        text[annotation.start : annotation.end] if is_placed(annotation) else ""
    )
    label = Text()
    if quote:
        label.append(quoted(one_line(quote), 81), style="italic")
    if annotation.note:
        label.append(("\n" if quote else "") + one_line(annotation.note)[:160])
    if annotation.tags:
        label.append("\n" + one_line(" ".join(f"#{tag}" for tag in annotation.tags)), style="bold")
    state = getattr(annotation, "state", "anchored")
    if state in ("moved", "fuzzy"):
        label.append(f"  ({state})", style="dim")
    if places:
        keys = ", ".join(one_line(place.article.citekey) for place in places[:3])
        more = f" and {len(places) - 3} more" if len(places) > 3 else ""
        label.append(f"\nalso in {keys}{more}", style="dim")
    return label


@dataclass
class ReaderData:
    """What the reader shows: the article, its notes, the spans a search query matched, the
    articles sharing passages with it, and where else each note's passage is."""

    article: Any
    annotations: list[Any]
    matches: list[tuple[int, int]]
    related: list[Any] = field(default_factory=list)
    places: dict[str, list[Any]] = field(default_factory=dict)
    notices: list[Any] = field(default_factory=list)  # texts not yet scanned for passages


def load_reader_data(
    library: Library, article_id: str, query: str | None, exact: bool = False
) -> ReaderData:
    """Read everything the reader needs (runs in a thread, under the library lock); the
    query's matches are its words as typed only when `exact` (no spelling variants)."""
    shown = article_actions.show_article(library, article_id)
    details = shown.value
    article = details.article
    annotations, places = load_notes(library, article.id)
    matches: list[tuple[int, int]] = []
    if query:
        try:
            matches = search_actions.match_spans(library, query, article.text, exact=exact).value
        except FolioError:
            matches = []
    return ReaderData(article, annotations, matches, details.related, places, shown.warnings)


def load_notes(library: Library, article_id: str) -> tuple[list[Any], dict[str, list[Any]]]:
    """An article's notes and where else their passages are (after a note changed)."""
    annotations = note_actions.list_notes(library, article_id).value
    return annotations, note_actions.places_elsewhere(library, annotations).value


def shared_places(related: Sequence[Any], offset: int | None) -> list[SharedPlace]:
    """The places in other articles of this article's shared passages: those holding
    `offset` (None: every shared passage), most shared article first."""
    found = []
    for item in related:
        for passage in item.passages:
            if offset is not None and not passage.start <= offset < passage.end:
                continue
            other = item.article
            found.append(
                SharedPlace(
                    other.id,
                    other.citekey,
                    other.display_title,
                    other.date,
                    item.kind,
                    passage.other_locator,
                    passage.other_start,
                    passage.other_end,
                    other.text[passage.other_start : passage.other_end],
                )
            )
    return found


class NotesList(OptionList):
    """The notes panel's list: Enter jumps to the passage, `e` edits, `d` deletes."""

    BINDINGS = [  # noqa: RUF012
        Binding("e", "screen.edit_note", "Edit note"),
        Binding("d,delete", "screen.delete_note", "Delete note"),
    ]


class ReaderScreen(Screen[None]):
    """One article: select a passage (shift+arrows, w/b words, ( ) sentences, mouse) and press
    `a` to annotate it; `]`/`[` jump between notes; `n` shows the notes panel. A bar in the
    margin marks passages other articles share: `s` lists where else they are."""

    app: FolioApp

    BINDINGS = [  # noqa: RUF012
        Binding("escape", "app.pop_screen", "Back"),
        Binding("a", "annotate", "Annotate"),
        Binding("right_square_bracket", "next_note(1)", "Next note"),
        Binding("left_square_bracket", "next_note(-1)", "Prev note"),
        Binding("n", "focus_notes", "Notes"),
        Binding("s", "shared_passages", "Shared passages", show=False),
        Binding("N", "toggle_panel", "Hide/show notes", show=False),
        Binding("e", "edit_metadata", "Edit metadata"),
        Binding("o", "open_original", "Open original"),
        Binding("number_sign", "tag_article", "Tag article"),
        Binding("x", "export", "Export"),
        Binding("D", "delete_article", "Delete article", show=False),
        Binding("plus", "add_to_collection", "Add to collection", show=False),
    ]

    def __init__(
        self,
        article_id: str,
        *,
        query: str | None = None,
        passage: int | None = None,
        passage_end: int | None = None,
        loaded: ReaderData | None = None,
        exact: bool = False,
    ) -> None:
        super().__init__()
        self.article_id = article_id
        self.query_text = query
        self.exact = exact  # the search that opened it matched words as typed only
        self.passage = passage
        self.passage_end = passage_end  # a whole passage to select (from another article)
        self.loaded = loaded
        self.article: Any = None
        self.annotations: list[Any] = []
        self.places: dict[str, list[Any]] = {}
        self.related: list[Any] = []
        self.match_spans: list[tuple[int, int]] = []
        self.current_note: Any = None

    def compose(self) -> ComposeResult:
        """Metadata on top; text and notes panel side by side."""
        loaded = self.loaded
        yield Static(
            metadata_text(loaded.article) if loaded else Text("Loading…"), id="reader-meta"
        )
        with Horizontal(id="reader-body"):
            # Given the text at once, the TextArea wraps it once, at its first layout.
            text = AnnotatedText(loaded.article.text if loaded else "", id="reader-text")
            yield PageMarks(text, id="page-marks")
            yield SharedMarks(text, id="shared-marks")
            yield text
            with Vertical(id="notes-panel"):
                yield Label("Notes", id="notes-title")
                yield NotesList(id="notes-list")
        yield Footer()

    @property
    def text_area(self) -> AnnotatedText:
        """The article text widget."""
        return self.query_one(AnnotatedText)

    def on_mount(self) -> None:
        """Show what was loaded before the screen opened, or load it now."""
        self.text_area.focus()
        if self.loaded is not None:
            self._apply(self.loaded, text_loaded=True)
            self.loaded = None
        else:
            self.load()

    @guarded_work("reading the article", exclusive=True, group="reader-load")
    async def load(self) -> None:
        """Read the article, its notes and (from a search) the matched words."""
        data = await self.app.call(load_reader_data, self.article_id, self.query_text, self.exact)
        self._apply(data, text_loaded=False)

    def show(
        self,
        data: ReaderData,
        *,
        query: str | None,
        passage: int | None,
        passage_end: int | None = None,
        exact: bool = False,
    ) -> None:
        """Show another article in this (already built) screen: the app keeps one reader,
        because building a screen costs more than loading a 100 KB text into it."""
        self.article_id, self.query_text, self.passage = data.article.id, query, passage
        self.passage_end = passage_end
        self.exact = exact
        self.current_note = None
        if not self.is_mounted:
            self.loaded = data
            return
        self.query_one("#notes-list", OptionList).highlighted = None  # a new list of notes
        self._apply(data, text_loaded=False)
        self.text_area.focus()
        if passage is None:
            self.text_area.select_range(0, 0)
            self.text_area.scroll_home(animate=False)

    def _apply(self, data: ReaderData, text_loaded: bool) -> None:
        self.article, self.match_spans = data.article, data.matches
        self.query_one("#reader-meta", Static).update(metadata_text(data.article))
        if not text_loaded:
            self.text_area.load_article_text(data.article.text)
        self.query_one(PageMarks).set_pages(data.article.pages, data.article.page_labels)
        self.related = data.related
        self.query_one(SharedMarks).set_spans(
            [(p.start, p.end) for item in data.related for p in item.passages]
        )
        self.places = data.places
        self.app.show_notices(data.notices, once=True)
        self._show_annotations(data.annotations)
        if self.passage is not None and self.passage_end is not None:
            self.call_after_refresh(self.text_area.select_range, self.passage, self.passage_end)
        elif self.passage is not None:
            matches = data.matches
            start = min((s for s, _ in matches if s >= self.passage), default=self.passage)
            end = next((e for s, e in matches if s == start), start)
            self.call_after_refresh(self.text_area.select_range, start, end)

    async def reload_notes(self) -> None:
        """Read the notes again (after a change here or elsewhere)."""
        annotations, self.places = await self.app.call(load_notes, self.article_id)
        self._show_annotations(annotations)

    def _show_annotations(self, annotations: list[Any]) -> None:
        placed = sorted((a for a in annotations if is_placed(a)), key=lambda a: (a.start, a.end))
        whole = [a for a in annotations if not is_placed(a) and a.state == "article"]
        lost = [a for a in annotations if not is_placed(a) and a.state != "article"]
        self.annotations = placed + whole + lost
        self._restyle()
        panel = self.query_one("#notes-list", OptionList)
        highlighted = panel.highlighted
        panel.clear_options()
        text = self.article.text if self.article else ""
        options: list[Option | None] = []
        number = 0
        for heading, group in (
            ("", placed),
            ("On the whole article", whole),
            ("Passage no longer found in the text", lost),
        ):
            if not group:
                continue
            if heading:
                if options:
                    options.append(None)
                options.append(Option(Text(heading, style="bold"), disabled=True))
            for annotation in group:
                places = self.places.get(annotation.id, [])
                options.append(Option(note_label(annotation, text, places), id=f"note-{number}"))
                number += 1
        if not annotations:
            options.append(
                Option(Text("No notes yet: select a passage and press a.", "dim"), disabled=True)
            )
        panel.add_options(options)
        if highlighted is not None and annotations:
            # Keep the place in the list after an edit (or on the next note after a delete).
            panel.highlighted = min(highlighted, panel.option_count - 1)
        count = f"Notes ({len(annotations)})" if annotations else "Notes"
        self.query_one("#notes-title", Label).update(Text(count))

    def _restyle(self) -> None:
        spans = [Span(a.start, a.end, "note") for a in self.annotations if is_placed(a)]
        current = self.current_note
        if current is not None and is_placed(current):
            spans.append(Span(current.start, current.end, "current"))
        spans.extend(Span(s, e, "match") for s, e in self.match_spans)
        self.text_area.set_spans(spans)

    # --- notes ----------------------------------------------------------------------------

    def _known_tags(self) -> list[str]:
        return [tag for tag, _ in self.app.cached_tags]

    def action_annotate(self) -> None:
        """Write a note on the selected passage."""
        if self.article is None:
            return
        start, end = self.text_area.selected_range
        if start == end:
            self.app.notify(
                "Select a passage first: shift+arrows, w/b by word, ( ) by sentence, or the mouse.",
                severity="warning",
                markup=False,
            )
            return
        dialog = AnnotateDialog(self.article.text[start:end], self._known_tags())
        self.app.push_screen(dialog, lambda draft: self._add_note(start, end, draft))

    def _add_note(self, start: int, end: int, draft: NoteDraft | None) -> None:
        if draft is not None:
            self.save_note(start, end, draft)

    @guarded_work("saving the note", group="reader-notes")
    async def save_note(self, start: int, end: int, draft: NoteDraft) -> None:
        """Store a new note and highlight its passage; if it is not stored, for whatever
        reason (the app's handler says which), the dialog comes back with the draft."""
        saved = False
        try:
            await self.app.call(
                lambda library: note_actions.annotate(
                    library,
                    self.article_id,
                    PassageSpec(start=start, end=end),
                    note=draft.note,
                    tags=draft.tags,
                )
            )
            saved = True
        except FolioError as exc:
            self.app.notify(str(exc), severity="error", markup=False, timeout=8)
        finally:
            if not saved:
                quote = self.article.text[start:end] if self.article else ""
                dialog = AnnotateDialog(
                    quote, self._known_tags(), note=draft.note, tags=draft.tags, unsaved=True
                )
                self.app.push_screen(dialog, lambda again: self._add_note(start, end, again))
        if saved:
            await self.reload_notes()
            self.app.library_changed(exclude=self, notes_only=True)

    def _selected_note(self) -> Any:
        panel = self.query_one("#notes-list", OptionList)
        option = panel.highlighted_option if panel.has_focus else None
        if option is not None and option.id and option.id.startswith("note-"):
            return self.annotations[int(option.id.removeprefix("note-"))]
        return self.current_note

    def action_edit_note(self) -> None:
        """Edit the note selected in the panel (or the one last jumped to)."""
        note = self._selected_note()
        if note is None:
            self.app.notify("Choose a note in the panel first (n).", markup=False)
            return
        quote = note.exact or ""
        dialog = AnnotateDialog(quote, self._known_tags(), note=note.note, tags=list(note.tags))
        self.app.push_screen(dialog, lambda draft: self._edited(note, draft))

    def _edited(self, note: Any, draft: NoteDraft | None) -> None:
        if draft is not None:
            self.update_note(note, draft)

    @guarded_work("saving the note", group="reader-notes")
    async def update_note(self, note: Any, draft: NoteDraft) -> None:
        """Store an edited note; if it is not stored, the dialog comes back with the edit. If
        the note changed meanwhile, nothing is stored and the user is shown both and asked."""
        saved = asked = False
        try:
            await self.app.call(
                lambda library: note_actions.edit_note(
                    library, note.id, note=draft.note, tags=draft.tags, expected_rev=note.rev
                )
            )
            saved = True
        except EditConflict as exc:
            current = exc.current  # (`exc` is unbound once the except block ends)
            asked = True
            self.app.push_screen(
                ConflictDialog(exc), lambda choice: self._after_conflict(current, draft, choice)
            )
        except FolioError as exc:
            self.app.notify(str(exc), severity="error", markup=False, timeout=8)
        finally:
            if not saved and not asked:
                self._edit_again(note, draft)
        if saved:
            await self.reload_notes()
            self.app.library_changed(exclude=self, notes_only=True)

    def _edit_again(self, note: Any, draft: NoteDraft) -> None:
        """The note's dialog again, with the edit that was not saved."""
        dialog = AnnotateDialog(
            note.exact or "", self._known_tags(), note=draft.note, tags=draft.tags, unsaved=True
        )
        self.app.push_screen(dialog, lambda again: self._edited(note, again))

    def _after_conflict(self, current: Any, draft: NoteDraft, choice: str | None) -> None:
        """Save the draft over the note as it is now, keep that note, or edit again."""
        if choice == "mine":
            self.update_note(current, draft)
        elif choice == "theirs":
            self.refresh_data()
        else:
            self._edit_again(current, draft)

    def action_delete_note(self) -> None:
        """Delete the selected note, after asking."""
        note = self._selected_note()
        if note is None:
            return

        def answered(choice: str | None) -> None:
            if choice == "delete":
                self.remove_note(note)

        self.app.push_screen(
            ConfirmDialog(
                "Delete this note? This cannot be undone.",
                [("delete", "Delete"), ("keep", "Keep")],
                danger="delete",
            ),
            answered,
        )

    @guarded_work("deleting the note", group="reader-notes")
    async def remove_note(self, note: Any) -> None:
        """Delete a note."""
        await self.app.call(note_actions.delete_notes, [note.id], confirmed)
        if self.current_note is note:
            self.current_note = None
        await self.reload_notes()
        self.app.library_changed(exclude=self, notes_only=True)

    @on(OptionList.OptionSelected, "#notes-list")
    def note_chosen(self, event: OptionList.OptionSelected) -> None:
        """Jump to the chosen note's passage."""
        if event.option.id and event.option.id.startswith("note-"):
            self._jump_to(self.annotations[int(event.option.id.removeprefix("note-"))])

    def _jump_to(self, note: Any) -> None:
        self.current_note = note
        if is_placed(note):
            self.text_area.select_range(note.start, note.end)
        self._restyle()

    def action_next_note(self, direction: int) -> None:
        """Select the next (or previous) note's passage after the cursor."""
        placed = [a for a in self.annotations if is_placed(a)]
        if not placed:
            self.app.notify("This article has no notes in its text.", markup=False)
            return
        start = self.text_area.selected_range[0]
        if direction > 0:
            after = [a for a in placed if a.start > start]
            target = after[0] if after else placed[0]
        else:
            before = [a for a in placed if a.start < start]
            target = before[-1] if before else placed[-1]
        self._jump_to(target)

    def action_shared_passages(self) -> None:
        """List the other articles carrying the passage at the cursor (or, elsewhere, every
        passage this article shares); Enter opens the chosen one there."""
        if not self.related:
            self.app.notify("No passage of this article was found in another.", markup=False)
            return
        places = shared_places(self.related, self.text_area.selected_range[0])
        heading = "This passage is also in"
        if not places:
            places = shared_places(self.related, None)
            heading = "Passages this article shares (▌ in the margin)"
        self.app.push_screen(SharedPassagesDialog(heading, places), self._go_to_place)

    def _go_to_place(self, place: SharedPlace | None) -> None:
        if place is not None:
            self.app.open_reader(place.article_id, passage=place.start, passage_end=place.end)

    def action_focus_notes(self) -> None:
        """Move between the text and the notes panel (showing the panel if hidden)."""
        panel = self.query_one("#notes-panel")
        notes = self.query_one("#notes-list", OptionList)
        if notes.has_focus:
            self.text_area.focus()
            return
        panel.display = True
        notes.focus()
        if notes.highlighted is None and notes.option_count:
            notes.action_first()

    def action_toggle_panel(self) -> None:
        """Hide or show the notes panel (more room for the text)."""
        panel = self.query_one("#notes-panel")
        panel.display = not panel.display
        if not panel.display:
            self.text_area.focus()

    def action_edit_metadata(self) -> None:
        """Edit this article's metadata."""
        self.app.edit_metadata(self.article_id)

    def action_open_original(self) -> None:
        """Open this article's original file (or its URL)."""
        self.app.open_original(self.article_id)

    def action_tag_article(self) -> None:
        """Set this article's own tags."""
        self.app.tag_article(self.article_id)

    def action_delete_article(self) -> None:
        """Delete this article (asks first)."""
        self.app.delete_article(self.article_id)

    def action_export(self) -> None:
        """Export this article."""
        self.app.open_export(article_id=self.article_id)

    def action_add_to_collection(self) -> None:
        """Put this article in a collection."""
        self.app.add_to_collection(self.article_id)

    def refresh_data(self) -> None:
        """Reload article and notes from the database."""
        self.load()
