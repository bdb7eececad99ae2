"""Sentences and words in article text, including Chinese and Japanese.

Latin-script sentences end with `. ? ! …` before a space and a capital; Chinese and
Japanese ones end with `。！？` and the next sentence follows without a space. A CJK
"word" is not delimited by spaces, so lengths count CJK characters at half a word
(two characters make about one English word of meaning).
"""

from __future__ import annotations

import re

__all__ = [
    "CLOSERS",
    "SENTENCE_BREAK",
    "TERMINAL",
    "cjk_characters",
    "ends_sentence",
    "first_sentence",
    "last_sentence",
    "sentence_end",
    "word_weight",
]

CLOSERS = "\"'”’»)]*_」』）"
TERMINAL = ".?!…。！？"
# A sentence boundary: end punctuation, optional closing quotes, space, a capital — not
# after an initial ("James M. Dorsey") or a common abbreviation ("Dr. Rubin") — or a CJK
# full stop, question or exclamation mark followed by more text.
SENTENCE_BREAK = re.compile(
    # The lookahead first: it fails at once on most characters, before the lookbehinds.
    r"(?=[.!?…])(?<!\b[A-Z])(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bSt)(?<!\bJr)(?<!\bSr)"
    r"(?<!\bvs)(?<!\bNo)(?<!\bProf)(?<!\bGen)(?<!\bSen)(?<!\bRep)(?<!\bCol)(?<!\bLt)"
    r"(?P<end>[.!?…][\"'”’»)\]]*)\s+[\"'“‘«(\[]?[A-Z0-9]"
    r"|(?=[。！？])(?P<cjk>[。！？][」』”’）)]*)(?=\S)"
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_WORD = re.compile(r"\w+")


def sentence_end(match: re.Match[str]) -> int:
    """Where the sentence a SENTENCE_BREAK match closes ends (after its punctuation)."""
    return match.end("end") if match.group("end") is not None else match.end("cjk")


def first_sentence(line: str, limit: int = 2000) -> str:
    """The first sentence of a line (the whole line when it has one), up to `limit` characters."""
    line = line[:limit]
    brk = SENTENCE_BREAK.search(line)
    return line[: sentence_end(brk)] if brk else line


def last_sentence(line: str, limit: int = 2000) -> str:
    """The last sentence of a line, looked for in its last `limit` characters."""
    tail = line[-limit:]
    last = None
    for last in SENTENCE_BREAK.finditer(tail):  # noqa: B007 - the last one counts
        pass
    return tail[sentence_end(last) :].strip() if last is not None else tail


def ends_sentence(plain: str) -> bool:
    """Whether the line ends with sentence punctuation, perhaps inside quotes."""
    end = plain.rstrip(CLOSERS + " ")
    return bool(end) and end[-1] in TERMINAL


def cjk_characters(text: str) -> int:
    """How many Chinese, Japanese or Korean characters `text` has."""
    return len(_CJK.findall(text))


def word_weight(text: str) -> float:
    """How long `text` is in words: words outside CJK runs, plus half a word per CJK character."""
    if _CJK.search(text) is None:
        return float(len(text.split()))
    return len(_WORD.findall(_CJK.sub(" ", text))) + cjk_characters(text) / 2
