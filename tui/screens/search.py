"""The search screen: results as you type, snippets with the matched words highlighted."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from library.errors import FolioError
from tui.actions import search as search_actions
from tui.app.failures import guarded_work
from tui.plain import describe_matched, one_line, shown
from tui.widgets.text_boxes import TextBox

if TYPE_CHECKING:
    from tui.app import FolioApp

DEBOUNCE_S = 0.15
SLOW_S = 0.4  # after this, the status line says the search is still running
RESULT_LIMIT = 30  # a screenful or two; more costs the time to lay them out
# Hits laid out before the first results are drawn (more than a tall terminal shows); the
# rest are added once they are on screen. Laying out a hit (wrapping its snippets) costs
# ~0.6 ms: the thirty of a full list made the wait after the search 20 ms longer.
FIRST_HITS = 10
ARTICLES_PLACEHOLDER = 'search articles: words, "a phrase", title:…, author:…, date:2021, fuzzy~'
NOTES_PLACEHOLDER = "search your notes: words in the passage or the note, tag:…  (ctrl+n)"


def snippet_text(snippet: Any) -> Text:
    """A snippet as Text with its highlights styled from the offsets (never markup)."""
    # shown() maps controls one to one, so the highlight offsets still hold.
    text = Text("…" + shown(snippet.text) + "…", style="dim")
    for start, end in snippet.highlights:
        text.stylize("bold reverse", start - snippet.start + 1, end - snippet.start + 1)
    return text


def hit_label(hit: Any) -> Text:
    """One result: title, citekey, date and site, then its snippets."""
    label = Text()
    label.append(one_line(hit.title or "(untitled)"), style="bold")
    parts = [hit.citekey, hit.date, "; ".join(hit.authors) or hit.site]
    label.append("\n" + "  ".join(one_line(part) for part in parts if part), style="italic")
    for snippet in hit.snippets:
        label.append("\n")
        label.append_text(snippet_text(snippet))
    if why := why_matched(hit):
        label.append("\n" + one_line(why), style="dim")
    return label


def why_matched(hit: Any) -> str:
    """What matched besides the words as typed: `≈ Massoud (spelling of masood)`."""
    return describe_matched(hit.matched)


def highlighted(text: str, spans: list[tuple[int, int]], style: str) -> Text:
    """Plain Text with `spans` (offsets into `text`) emphasised; collapsed to one line."""
    flat = shown(text).replace("\n", " ")  # one for one: the offsets still hold
    result = Text(flat, style=style)
    for start, end in spans:
        result.stylize("bold reverse", start, end)
    result.rstrip()  # a passage often ends at a line break
    return result


def note_hit_label(hit: Any) -> Text:
    """A note that matched: its passage and note with the matched words, then its article."""
    note = hit.annotation
    label = Text()
    if note.exact:
        label.append("“")
        label.append_text(highlighted(note.exact, hit.quote_highlights, "italic"))
        label.append("”")
    if note.note:
        label.append("\n" if note.exact else "")
        label.append_text(highlighted(note.note, hit.note_highlights, ""))
    if note.tags:
        label.append("\n" + one_line(" ".join(f"#{tag}" for tag in note.tags)), style="bold")
    article = " · ".join(
        one_line(part) for part in (note.article_title or "", note.citekey) if part
    )
    label.append("\n" + article, style="dim")
    return label


def _cut(text: Text, width: int = 90) -> Text:
    """`text` cut to `width` cells with an ellipsis (styles kept)."""
    text.truncate(width, overflow="ellipsis")
    return text


def note_line_label(hit: Any) -> Text:
    """A matching note shown under its article's hit: indented, marked with ✎."""
    note = hit.annotation
    label = Text("  ✎ ", style="bold")
    if note.exact:
        label.append("“")
        label.append_text(_cut(highlighted(note.exact, hit.quote_highlights, "italic")))
        label.append("”")
    if note.note:
        label.append("  " if note.exact else "")
        label.append_text(_cut(highlighted(note.note, hit.note_highlights, "")))
    if note.tags:
        label.append("  " + one_line(" ".join(f"#{tag}" for tag in note.tags)), style="dim")
    return label


class SearchScreen(Screen[None]):
    """Type a query (Whoosh syntax); Enter on a hit opens the reader at that passage."""

    app: FolioApp

    BINDINGS = [  # noqa: RUF012
        Binding("escape", "app.pop_screen", "Back"),
        Binding("down", "focus_results", "Results", show=False),
        Binding("ctrl+l", "focus_query", "Query"),
        Binding("ctrl+n", "toggle_notes", "Articles/notes"),
        Binding("ctrl+t", "toggle_exact", "Exact/variants"),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial_query = query
        self.hits: list[tuple[str, Any]] = []  # ("article" | "note", hit), as listed
        self.generation = 0  # increases with each query typed; older results are dropped
        self.shown_query: str | None = None  # the query whose results (or error) are shown
        self.listing = 0  # increases with each list of results shown (see _add_later)
        self.notes_mode = False  # search the notes themselves (`folio search --notes`)
        self.exact = False  # words as typed only (`folio search --exact`)

    def compose(self) -> ComposeResult:
        """Query box, status line, results."""
        yield TextBox(self.initial_query, placeholder=ARTICLES_PLACEHOLDER, id="search-query")
        yield Static(id="search-status")
        yield OptionList(id="search-results")
        yield Footer()

    def on_mount(self) -> None:
        """Focus the query box; search at once if it came with a query."""
        self.query_one("#search-query", Input).focus()
        if self.initial_query:
            self.run_search(self.initial_query)

    @on(Input.Changed, "#search-query")
    def query_changed(self, event: Input.Changed) -> None:
        """Search as the user types."""
        self.run_search(event.value)

    @on(Input.Submitted, "#search-query")
    def query_submitted(self) -> None:
        """Enter in the box moves to the results."""
        self.action_focus_results()

    @guarded_work("searching", exclusive=True, group="search")
    async def run_search(self, query: str) -> None:
        """Debounce, then search in a thread; a newer keystroke cancels this one."""
        self.generation += 1
        generation = self.generation
        await asyncio.sleep(DEBOUNCE_S)
        if not query.strip():
            self._show(query, [], Text(""))
            return
        # Slow queries (or an index catching up) say so instead of looking stuck.
        slow = self.set_timer(SLOW_S, lambda: self._set_status(Text("Searching…", style="dim")))
        try:
            notes_by_article: dict[str, list[Any]] = {}
            hits: list[Any]  # notes (NoteHit) or articles (Hit)
            exact = self.exact  # as it was when this search began
            if self.notes_mode:
                found_notes = await self.app.call(
                    lambda library: search_actions.search_notes(
                        library, query, limit=RESULT_LIMIT, exact=exact
                    )
                )
                hits, suggestion = found_notes.value, None
            else:
                found = await self.app.call(
                    lambda library: search_actions.search_articles(
                        library, query, limit=RESULT_LIMIT, with_notes=True, exact=exact
                    )
                )
                hits, suggestion = found.value.hits, found.value.suggestion
                notes_by_article = found.value.notes
        except FolioError as exc:
            if generation == self.generation:
                self._show_error(query, str(exc))
            return
        except Exception:
            # Reported by the app's handler; here only the status says no results came.
            if generation == self.generation:
                self._show_error(query, "The search did not run (see the message).")
            raise
        finally:
            slow.stop()
        if generation != self.generation:  # a newer query is on its way: never show stale hits
            return
        what = "note(s)" if self.notes_mode else "article(s)"
        if hits:
            status = Text(f"{len(hits)} {what}", style="dim")
            if len(hits) == RESULT_LIMIT:
                status.append(f" (the best {RESULT_LIMIT})", style="dim")
        elif suggestion:
            status = Text("No matches. Did you mean: ")
            status.append(suggestion, style="bold")
        else:
            status = Text(f"No {what.removesuffix('(s)')}s match.")
        status.append("   ctrl+n: search " + ("articles" if self.notes_mode else "notes"), "dim")
        status.append(
            "   ctrl+t: " + ("spelling variants" if self.exact else "exact words only"), "dim"
        )
        self._show(query, hits, status, notes_by_article)

    def _set_status(self, text: Text) -> None:
        self.query_one("#search-status", Static).update(text)

    def _show(
        self,
        query: str,
        hits: list[Any],
        status: Text,
        notes_by_article: dict[str, list[Any]] | None = None,
    ) -> None:
        """List the hits; under each article, its notes that hold the query's words."""
        self.shown_query = query
        self.hits = []
        self._set_status(status)
        self.query_one("#search-query", Input).remove_class("error")
        results = self._cleared_results()
        first: list[Option | None] = []  # the first FIRST_HITS hits, laid out now
        rest: list[Option | None] = []
        for number, hit in enumerate(hits):
            if number:  # a divider under the hit before
                (first if number <= FIRST_HITS else rest).append(None)
            options = first if number < FIRST_HITS else rest
            if self.notes_mode:
                self._add_option(options, "note", hit, note_hit_label(hit))
                continue
            self._add_option(options, "article", hit, hit_label(hit))
            for note_hit in (notes_by_article or {}).get(hit.id, []):
                self._add_option(options, "note", note_hit, note_line_label(note_hit))
        results.add_options(first)
        if rest:
            self.call_after_refresh(self._add_later, self.listing, rest)

    def _cleared_results(self) -> OptionList:
        """The results list, emptied (hits still to be added to it are dropped)."""
        self.listing += 1
        results = self.query_one("#search-results", OptionList)
        results.clear_options()
        return results

    def _add_later(self, listing: int, options: list[Option | None]) -> None:
        """The hits after the first screenful, unless another list replaced it since."""
        if listing == self.listing:
            self.query_one("#search-results", OptionList).add_options(options)

    def _add_option(self, options: list[Option | None], kind: str, hit: Any, label: Text) -> None:
        options.append(Option(label, id=f"hit-{len(self.hits)}"))
        self.hits.append((kind, hit))

    def _show_error(self, query: str, message: str) -> None:
        self.shown_query = query
        self.hits = []
        self._cleared_results()
        self.query_one("#search-status", Static).update(Text(message, style="bold red"))
        self.query_one("#search-query", Input).add_class("error")

    @on(OptionList.OptionSelected, "#search-results")
    def hit_chosen(self, event: OptionList.OptionSelected) -> None:
        """Open the reader at the hit (an article's first snippet, or a note's passage), with
        the matched words highlighted."""
        assert event.option.id is not None
        kind, hit = self.hits[int(event.option.id.removeprefix("hit-"))]
        query = self.query_one("#search-query", Input).value
        if kind == "note":
            note = hit.annotation
            self.app.open_reader(note.article_id, query=query, passage=note.start, exact=self.exact)
            return
        passage = None
        if hit.snippets and hit.snippets[0].highlights:
            passage = hit.snippets[0].highlights[0][0]
        elif hit.snippets:
            passage = hit.snippets[0].start
        self.app.open_reader(hit.id, query=query, passage=passage, exact=self.exact)

    def action_toggle_notes(self) -> None:
        """Search the articles, or the notes themselves."""
        self.notes_mode = not self.notes_mode
        box = self.query_one("#search-query", Input)
        box.placeholder = NOTES_PLACEHOLDER if self.notes_mode else ARTICLES_PLACEHOLDER
        self.hits = []
        self._cleared_results()
        self.run_search(box.value)

    def action_toggle_exact(self) -> None:
        """Words as typed only, or also their spelling variants and aliases."""
        self.exact = not self.exact
        self.notify("Exact words only" if self.exact else "Spelling variants and aliases on")
        self.run_search(self.query_one("#search-query", Input).value)

    def action_focus_results(self) -> None:
        """Move to the results list."""
        results = self.query_one("#search-results", OptionList)
        if results.option_count:
            results.focus()
            if results.highlighted is None:
                results.highlighted = 0

    def action_focus_query(self) -> None:
        """Back to the query box."""
        self.query_one("#search-query", Input).focus()

    @property
    def article_query(self) -> str | None:
        """The query shown, when it searched articles (for export, as `--query`)."""
        return None if self.notes_mode else self.shown_query

    def refresh_data(self) -> None:
        """Search again (the library may have changed)."""
        self.run_search(self.query_one("#search-query", Input).value)
