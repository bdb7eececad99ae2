"""The index's text analysis: one pass from text to index words.

Whoosh's usual analyzer is a chain of generators (tokenize → lowercase → fold accents →
drop stop words), each paying Python overhead per word; indexing is most of an import's
time, so the chain is fused into one loop here. It gives the same words as that chain, plus:

- one word for each joined form whose parts would be lost alone: `ISIS-K`, `ISIS K` and
  `IS-K` are also indexed as `isisk` and `isk` (the parts alone would be a weak `isis`, or
  nothing), `Khamene'i` as `khamenei`. Other hyphenated words (`well-known`, `al-Qa'ida`)
  are their words, which a query finds together;
- compound words (joined by dots, underscores or `@`, or after an `@` or `#`) as their
  parts and their whole: `importlib.machinery.BuiltinLoader` is `importlib`, `machinery`,
  `builtinloader` at three positions and `importlib.machinery.builtinloader` at the last
  one; `PerlIOBase_close` is `perliobase`, `close` and `perliobase_close`; `U.S.` is `u.s`
  (its one-letter parts are not indexed alone), `@handle` is `handle` and `@handle`.

A query (mode "query") gets the joined word only, `al-Zawahiri` means `zawahiri`, and a
compound is its whole (query_rewrite also looks for its parts as a phrase).
Whoosh stores this class by name inside the index: changing or renaming it needs a bump
of INDEX_SCHEMA_VERSION, which makes Folio rebuild the index from the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Token, Tokenizer

from library.index_schema import PART_RE, STOP_WORDS, WORD_RE, compound_whole, fold

# Characters that join two words into one form: hyphens, and apostrophes before two or
# more letters (Mas'ud, Qur'an; not a possessive 's).
_HYPHENS = frozenset("-‐")
_APOSTROPHES = frozenset("'’`ʼ")
# English clitics: after an apostrophe they are not part of a name (Masood's, don't, we'll).
CLITICS = frozenset({"s", "t", "d", "m", "ll", "re", "ve"})
# A hyphen between two words, or an apostrophe before anything but a clitic (the regex
# begins with the separator so that Python's regex engine can skip ahead to it).
_JOINS = re.compile(r"[-‐'’`ʼ](?<=\w.)(?=\w)(?:(?<=[-‐])|(?!(?i:ll|re|ve|s|t|d|m)(?!\w)))")


def is_article(first: str, following: str) -> bool:
    """Whether `first` is the Arabic article before `following` in a hyphenated name, in
    any script: al-Zawahiri, ash-Shabab, Аль-Каида, аз-Завахири."""
    if len(first) > 4:
        return False
    from library.variants import latin

    bare = latin(first)[0].replace("'", "")
    return bare in ("al", "el", "ul") or (
        len(bare) in (2, 3) and bare[0] in "aeu" and latin(following)[0].startswith(bare[1:])
    )


def junctions(value: str) -> list[int]:
    """Where a hyphen or an apostrophe joins two words into one form: their offsets."""
    return [m.start() for m in _JOINS.finditer(value)]


def _dropped(word: str) -> bool:
    """Whether the index leaves a word out on its own (one letter, or a stop word)."""
    return len(word) < 2 or word in STOP_WORDS


def joined_form(parts: list[str]) -> str:
    """The one index word of a compound's (folded) words, when one of them would be lost on
    its own: `isis`+`k` → `isisk`, `is`+`k` → `isk`. Empty otherwise (`well-known` is the
    phrase "well known", which its two words find), and for `al-Zawahiri`."""
    if not any(_dropped(part) for part in parts):
        return ""  # most compounds: no transliteration needed to say so
    if is_article(parts[0], parts[1]):
        parts = parts[1:]
        if len(parts) < 2 or not any(_dropped(part) for part in parts):
            return ""
    text = "".join(parts).replace(".", "")
    return "" if text in STOP_WORDS else text


_WORD_BEFORE = re.compile(r"[\w.]+$")


def _capital_after_word(value: str, match: re.Match[str]) -> tuple[str, int] | None:
    """For a single capital after a word and a space (`ISIS K`): that word (folded) and
    where it starts; otherwise None."""
    start = match.start()
    original = match.group()
    if not (start >= 2 and value[start - 1] == " " and original.isascii() and original.isupper()):
        return None
    found = _WORD_BEFORE.search(value, max(0, start - 80), start - 1)
    if found is None:
        return None
    return fold(found.group()), found.start()


def joins(value: str, end: int, start: int, part: str, original: str) -> bool:
    """Whether the word `original` (folded `part`) at `start` joins the word that ended at
    `end` into one form: across a hyphen, an apostrophe (two or more letters after it), or a
    space before a single capital letter (`ISIS K`)."""
    if start != end + 1:
        return False
    separator = value[end]
    if separator in _HYPHENS:
        return True
    if separator in _APOSTROPHES:
        return part not in CLITICS
    return separator == " " and len(original) == 1 and original.isascii() and original.isupper()


def _compound_token(
    token: Token, text: str, stopped: bool, original: str | bool, span: tuple[int, int]
) -> None:
    """Make the (reused) token a compound's part or whole: its text, `original` when it is
    kept, and `span` (its characters, set when the token has character offsets)."""
    token.text = text
    token.stopped = stopped
    token.boost = 1.0
    if original:
        token.original = original
    if token.chars:
        token.startchar, token.endchar = span


class FoldingWordAnalyzer(Tokenizer):
    """Words of two or more characters, lower-cased and accent-folded, minus stop words,
    plus the joined form of hyphenated words.

    Positions skip nothing for removed stop words, so "bank of england" matches the
    phrase query "bank of england" (analysed the same way). A joined form takes the
    position of the last part indexed, so `"ISIS-K bombers"` is a phrase of two words.
    """

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = fold(value)
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        if mode == "query":
            yield from self._query_words(token, value, positions, chars, start_pos, start_char)
            return
        position = start_pos
        # Joins are rare: one regex scan finds where they are, so the loop over words only
        # compares each word's end with the next join's place (this loop runs for every word
        # of every article: nothing else is added to it).
        places = junctions(value)
        next_join = places[0] if places else -1
        done = 0
        parts: list[str] | None = None  # the words of the compound being read
        compound_start = compound_pos = 0  # its first character; the position it began at
        for match in WORD_RE.finditer(value):
            word = match.group()
            compound = not word.isalnum()
            word = word.lower() if word.isascii() else fold(word)
            stopped = len(word) < 2 or word in STOP_WORDS
            if compound:
                # Its parts at positions of their own, then the whole at the last one's
                # (so a phrase that has the compound as one word still matches).
                start = position
                emitted = 0
                offset = start_char + match.start()
                for part in PART_RE.finditer(match.group()):
                    text = part.group()
                    text = text.lower() if text.isascii() else fold(text)
                    dropped = len(text) < 2 or text in STOP_WORDS
                    if dropped and removestops:
                        continue
                    emitted += 1
                    span = (offset + part.start(), offset + part.end())
                    _compound_token(token, text, dropped, keeporiginal and part.group(), span)
                    if positions:
                        token.pos = position
                        position += 1
                    yield token
                whole = compound_whole(word)
                if whole:
                    emitted += 1
                    span = (offset, start_char + match.end())
                    _compound_token(token, whole, False, keeporiginal and match.group(), span)
                    if positions:
                        if position > start:
                            token.pos = position - 1
                        else:
                            token.pos = position
                            position += 1
                    yield token
                stopped = not emitted  # (for a hyphen join: whether it took a position)
            elif not (stopped and removestops):
                token.text = word
                token.stopped = stopped  # (boost stays the 1.0 Token starts with)
                if keeporiginal:
                    token.original = match.group()
                if positions:
                    token.pos = position
                    position += 1
                if chars:
                    token.startchar = start_char + match.start()
                    token.endchar = start_char + match.end()
                yield token
            elif len(word) == 1 and parts is None and match.group().isupper():
                before = _capital_after_word(value, match)
                if before is not None:  # `ISIS K`: the word before and this capital join
                    parts, compound_start = [before[0]], before[1]
                    # (`R. A.`: the word before is `r.`, one letter: it took no position)
                    compound_pos = position - (not _dropped(before[0].rstrip(".")))
            if parts is not None:
                parts.append(word)
            if match.end() == next_join:
                if parts is None:
                    parts, compound_start, compound_pos = (
                        [word],
                        match.start(),
                        position - (not (stopped and removestops)),
                    )
                done += 1
                next_join = places[done] if done < len(places) else -1
            elif parts is not None:
                text = joined_form(parts)
                parts = None
                if text:
                    token.text = text
                    token.stopped = False
                    token.boost = 1.0
                    if positions:
                        if position > compound_pos:  # a part was indexed: share its place
                            token.pos = position - 1
                        else:
                            token.pos = position
                            position += 1
                    if chars:
                        token.startchar = start_char + compound_start
                        token.endchar = start_char + match.end()
                    yield token

    def _query_words(
        self,
        token: Token,
        value: str,
        positions: bool,
        chars: bool,
        start_pos: int,
        start_char: int,
    ) -> Iterator[Token]:
        """A query's words: a compound is its joined form only; `al-X` is `X`."""
        for position, (text, start, end) in enumerate(query_words(value), start=start_pos):
            token.text = text
            token.stopped = False
            token.boost = 1.0
            if positions:
                token.pos = position
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


def query_words(value: str) -> list[tuple[str, int, int]]:
    """The index words a query's text stands for, with their spans: hyphenated compounds
    joined (`ISIS-K` → `isisk`), the article of `al-Zawahiri` left out, stop words dropped; a
    compound word is its whole (`os.path` → `os.path`)."""
    groups: list[list[tuple[str, int, int]]] = []
    end = -2
    for match in WORD_RE.finditer(value):
        original = match.group()
        word = original.lower() if original.isascii() else fold(original)
        if not original.isalnum():  # a compound: its whole (or its one part)
            word = compound_whole(word) or word.strip("_")
        item = (word, match.start(), match.end())
        if groups and joins(value, end, match.start(), word, original):
            groups[-1].append(item)
        else:
            groups.append([item])
        end = match.end()
    words: list[tuple[str, int, int]] = []
    for group in groups:
        if len(group) > 1 and is_article(group[0][0], group[1][0]):
            group = group[1:]
        if len(group) > 1 and not any(_dropped(word) for word, _, _ in group):
            words.extend(item for item in group)  # `well-known`: its words, as a phrase
            continue
        text = "".join(word for word, _, _ in group)
        if len(text) >= 2 and (len(group) > 1 or text not in STOP_WORDS):
            words.append((text, group[0][1], group[-1][2]))
    return words
