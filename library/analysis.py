"""The index's text analysis: one pass from text to index words.

Whoosh's usual analyzer is a chain of generators (tokenize → lowercase → fold accents →
drop stop words), each paying Python overhead per word; indexing is most of an import's
time, so the chain is fused into one loop here. It gives the same words as that chain.
Whoosh stores this class by name inside the index: changing or renaming it needs a bump
of INDEX_SCHEMA_VERSION, which makes Folio rebuild the index from the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Token, Tokenizer

from library.index_schema import STOP_WORDS, WORD_RE, fold


class FoldingWordAnalyzer(Tokenizer):
    """Words of two or more characters, lower-cased and accent-folded, minus stop words.

    Positions skip nothing for removed stop words, so "bank of england" matches the
    phrase query "bank of england" (analysed the same way).
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
        position = start_pos
        for match in WORD_RE.finditer(value):
            word = match.group()
            word = word.lower() if word.isascii() else fold(word)
            stopped = len(word) < 2 or word in STOP_WORDS
            if stopped and removestops:
                continue
            token.text = word
            token.stopped = stopped
            token.boost = 1.0
            if keeporiginal:
                token.original = match.group()
            if positions:
                token.pos = position
                position += 1
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token
