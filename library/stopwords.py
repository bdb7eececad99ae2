"""Function words of the languages Folio meets most, for telling prose from labels.

A paragraph of prose is full of small words ("the", "of", "que", "und"); a menu item,
a headline-only teaser or a tag list has few. The share of function words in a line is
the signal jusText-style extractors use, and it works without any markup, which is what
a plain-text web capture lacks. The lists are the most frequent function words of each
language, short on purpose: a line needs only a few hits to count as prose.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

__all__ = ["TOKEN", "all_function_words", "function_words"]

TOKEN = re.compile(r"\w+")

_WORDS: dict[str, str] = {
    "en": "a about after all also an and any are as at be because been but by can could did"
    " do does for from had has have he her him his how i if in into is it its just like may"
    " me more most my no not now of on one only or our out over said she so some such than"
    " that the their them then there these they this those through to up very was we were"
    " what when where which while who will with would you your",
    "fr": "a au aux avec ce ces cette comme dans de des du elle en est et il ils je la le les"
    " leur lui mais me mes ne nous on ont ou par pas plus pour qu que qui sa se ses son sont"
    " sur un une vous y été être aussi fait",
    "de": "aber als am an auch auf aus bei bis das dass dem den der des die doch du durch ein"
    " eine einem einen einer es für hat hatte ich ihr im in ist ja kann mit nach nicht noch"
    " nur oder sich sie sind so um und uns von vor war was wenn werden wie wir wird zu zum"
    " zur über",
    "es": "a al algo como con de del el ella en entre era es esta este está fue ha hay la las"
    " le les lo los más me mi muy no nos o para pero por que se ser si sin sobre son su sus"
    " también un una uno y ya",
    "pt": "a ao aos as com como da das de do dos e ela ele em entre era essa esse está foi já"
    " mais mas me muito na nas no nos não o os ou para pela pelo por que se sem ser seu sua"
    " são também um uma à é",
    "it": "a al alla anche che chi con da dal dalla degli dei del della di e gli ha ho il in io"
    " la le lo ma mi ne nel nella non per più se si sono su sua suo tra un una è",
    "nl": "aan al als bij dat de den der die dit door een en er geen het hij hoe ik in is je"
    " maar met na naar niet nog of om ook op over te tot uit van voor was wat we wel werd zal"
    " ze zich zijn",
    "cs": "a aby ale ani byl byla bylo být do i jak jako je jeho jen ještě již jsem jsou k kde"
    " když která které který na nebo než o od po pro při s se si tak také to tu v ve však z"
    " za že",
}
_SETS: dict[str, frozenset[str]] = {
    language: frozenset(words.split()) for language, words in _WORDS.items()
}


def all_function_words() -> frozenset[str]:
    """The function words of every language listed (for text whose language is unknown)."""
    return frozenset().union(*_SETS.values())


# How many words of a text are enough to tell its language by function words.
_SAMPLE_WORDS = 1000
_SAMPLE_CHARS = 20_000


def function_words(lines: Iterable[str]) -> frozenset[str]:
    """The function words of the language the lines are mostly written in.

    The language whose list covers most of a sample of the words wins; text in a
    language without a list (Chinese, Japanese, Russian…) gets an empty set, and
    callers then judge lines by their length and punctuation alone.
    """
    sample: list[str] = []
    for line in lines:
        sample += TOKEN.findall(line[:_SAMPLE_CHARS].lower())
        if len(sample) >= _SAMPLE_WORDS:
            break
    counts = Counter(sample)
    best: frozenset[str] = frozenset()
    best_hits = 0
    for words in _SETS.values():
        hits = sum(counts[word] for word in words if word in counts)
        if hits > best_hits:
            best, best_hits = words, hits
    # A handful of hits in a long sample is chance (names, stray English words).
    return best if best_hits * 20 >= len(sample) else frozenset()
