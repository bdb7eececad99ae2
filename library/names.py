"""Author names as citations read them: people split into first / von / last / jr,
organisations kept whole. Shared by the exporters and the citation-key formulas."""

from __future__ import annotations

import re

# Words that mark an author string as an organisation, written whole as one braced name.
_ORGANISATION_WORDS = frozenset(
    """association institute institution committee news agency council center centre
    university foundation organization organisation ministry department office press group
    network times bureau service society union party commission company corporation
    inc ltd llc team staff editors editorial board club project media forum
    tribune herald journal magazine daily review channel radio television tv""".split()
)
# Lowercase name particles: they do not count towards an organisation's word count.
_PARTICLES = frozenset("de del della der di da dos du la le van von den ter bin ibn al el".split())
# Generational suffixes: never a family name ("Martin Luther King Jr." is a King).
SUFFIXES = frozenset({"jr", "jr.", "jnr", "jnr.", "sr", "sr.", "snr", "snr.", "ii", "iii", "iv"})
_WORD_CHARS = re.compile(r"[^\w]+")


def is_organisation(name: str) -> bool:
    """Whether an author string names an organisation rather than a person."""
    if "," in name:
        return False
    words = name.split()
    letters = [ch for ch in name if ch.isalpha()]
    if len(letters) > 1 and all(ch.isupper() for ch in letters):
        return True
    if re.search(r"[\d()&@/]", name):
        return True
    if len(words) == 1:
        return False
    bare_words = [_WORD_CHARS.sub("", word).lower() for word in words]
    if any(word in _ORGANISATION_WORDS for word in bare_words):
        return True
    counted = [w for w in words if w.lower() not in SUFFIXES and w.lower() not in _PARTICLES]
    return len(counted) > 3


def person_name_parts(name: str) -> tuple[str, str, str, str]:
    """(first, von, last, jr) of a person written "First von Last [Jr.]", "First Last, Jr."
    or "von Last, [Jr,] First"."""
    pieces = [piece.strip() for piece in name.split(",")]
    if len(pieces) == 2 and pieces[1].lower() in SUFFIXES:
        # "Martin Luther King, Jr.": the suffix after the comma, the name before it.
        first, von, last, _ = person_name_parts(pieces[0])
        return first, von, last, pieces[1]
    if len(pieces) > 1:
        last_words = pieces[0].split()
        particles = [w for w in last_words[:-1] if w[:1].islower()]
        last = " ".join(last_words[len(particles) :])
        jr = pieces[1] if len(pieces) > 2 else ""
        return pieces[-1], " ".join(particles), last, jr
    words = name.split()
    jr = ""
    if len(words) > 2 and words[-1].lower() in SUFFIXES:
        jr = words.pop()
    if len(words) == 1:
        return "", "", words[0], jr
    last = words[-1]
    von_start = len(words) - 1
    while von_start > 1 and words[von_start - 1][:1].islower():
        von_start -= 1
    return " ".join(words[:von_start]), " ".join(words[von_start:-1]), last, jr
