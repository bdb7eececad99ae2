"""The command palette: every action of the current screen, Folio's global ones, and articles."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from tui.app.keys import screen_keys
from tui.plain import one_line

if TYPE_CHECKING:
    from tui.app import FolioApp

ARTICLE_HITS = 20


def highlight_plain(text: str, query: str) -> tuple[Content, float] | None:
    """`text` as plain Content with each query word's first match emphasised, and a score
    (the whole query as typed > every word at a word start > anywhere); None when a word is
    missing. The palette's own Matcher parses markup: a title with `[/]` would break it."""
    folded = text.casefold()
    words = query.casefold().split()
    content = Content(text)
    at_starts = True
    for word in words:
        at = folded.find(word)
        if at < 0:
            return None
        start = _word_start(folded, word)
        if start >= 0:
            at = start
        else:
            at_starts = False
        content = content.stylize("bold underline", at, at + len(word))
    if " ".join(words) in " ".join(folded.split()):
        return content, 0.9
    return content, 0.7 if at_starts else 0.5


def _word_start(folded: str, word: str) -> int:
    """Where `word` begins a word of `folded`, or -1."""
    at = folded.find(word)
    while at >= 0:
        if at == 0 or not folded[at - 1].isalnum():
            return at
        at = folded.find(word, at + 1)
    return -1


class FolioCommands(Provider):
    """Screen actions (from BINDINGS), global actions, and `open` for any article by title."""

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        app: FolioApp = self.app  # type: ignore[assignment]
        commands: list[tuple[str, str, Callable[[], Any]]] = [
            (title, help_text, getattr(app, f"action_{action}"))
            for title, help_text, action in app.GLOBAL_ACTIONS
        ]
        for key in screen_keys(self.screen):
            commands.append(
                (
                    key.description,
                    f"{key.keys} · on this screen",
                    # App.run_action(action, default_namespace): the node whose binding it is.
                    partial(app.run_action, key.action, key.node),
                )
            )
        return commands

    async def discover(self) -> Hits:
        """Everything, before anything is typed."""
        for title, help_text, callback in self._commands():
            # The palette parses help (and str displays) as markup: escape, or `[` breaks it.
            yield DiscoveryHit(Content(title), callback, text=title, help=escape(help_text))

    async def search(self, query: str) -> AsyncIterator[Hit]:
        """Actions whose name matches, then articles whose title contains the words."""
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                # Our own action names: markup-free, so the matcher's highlight is safe here.
                yield Hit(
                    score, matcher.highlight(title), callback, text=title, help=escape(help_text)
                )
        app: FolioApp = self.app  # type: ignore[assignment]
        found = 0
        for row in app.article_rows():
            title = one_line(row.title) or "(untitled)"
            found_title = highlight_plain(title, query)
            if found_title is None:
                continue
            display, score = found_title
            yield Hit(
                score,
                Content("Open: ") + display,
                partial(app.open_reader, row.id),
                text=f"Open: {title}",
                help=escape(one_line(row.citekey)),
            )
            found += 1
            if found >= ARTICLE_HITS:
                break
