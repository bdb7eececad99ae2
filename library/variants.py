"""Spelling variants of names: Masood, Massoud, Masud, Masʿūd and Масуд are one name.

Two forms of every word are made here, both from the same transliteration rules:

- its *spelling* (`spelling()`): Latin letters (anyascii for other scripts), marks and the
  `al-` article dropped, letters that transliterations use for the same sound merged (q/k/g/gh,
  kh/h, sh/ch/sch, j/zh/dj, dh/z, th/s, ph/f, w/v), doubled letters once, and vowels in two
  classes (a e i y → `a`, o u → `o`): Masood, Massoud and Masud are all `masod`;
- its *key* (`variant_key()`): the spelling without vowels and with near sounds merged
  (`msd`). The index keeps one `KEY|word` term per name-like word (`names` field), so a
  query finds the candidates for a word with one prefix look-up, never a vocabulary scan.

A candidate is a variant when its spelling is within one cheap edit of the query's
(`is_variant()`): one vowel left out inside the word (Khorasan/Khorsan), or, in words of
six or more letters, one pair of near sounds (Kadhafi/Gaddafi, Prigozhin/Prigoschin) or one
vowel of the other class (Hezbollah/Hizballah) (so Gaza is not Qaeda). Never a vowel added at
either end (Khorasan is not Khorasani) or a consonant added or changed otherwise. Words in
an unvowelled script (Arabic) may lack any inner vowel.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Whoosh ships no type information: to mypy this name is Any.
    from whoosh.reading import IndexReader

    from library.aliases import AliasLookup

# Words shorter than this (in letters) have no variants: too many short words look alike.
MIN_LETTERS = 4
# Separates the key from the word in the index's `names` terms.
KEY_SEPARATOR = "|"

_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")
# Arabic letters whose usual Latin form anyascii does not give: long vowels (and the
# semi-vowels that carry them) as vowels, the article dropped, ayn and hamza silent.
_ARABIC_LETTERS = str.maketrans(
    {
        "و": "u", "ي": "i", "ی": "i", "ى": "a", "ا": "a", "آ": "a", "أ": "a", "إ": "i",
        "ع": "", "ء": "", "ؤ": "u", "ئ": "i", "ة": "a",
    }
)  # fmt: skip
# Greek digraphs that stand for one Latin letter (anyascii goes letter by letter).
_GREEK = (("ου", "u"), ("μπ", "b"), ("ντ", "d"), ("γκ", "g"), ("γγ", "ng"), ("αι", "e"))
_MARKS = re.compile(r"['`’ʿʾʼ\u02bb\u02bd]")
# The Arabic article: al-/el-/ul-, or assimilated before a "sun letter" (ash-Shabab, ad-Din).
_ARTICLE = re.compile(r"^[aeu](?:l|(d|t|r|s|n|z|sh|th|dh))-(?(1)(?=\1))")
# Ordered rewrite rules on the lower-case Latin spelling, each (name, pattern, replacement).
# The name is what the evaluation reports when it switches a rule off (ablation).
RULES: tuple[tuple[str, str, str], ...] = (
    ("x=ks", r"x", "ks"),
    ("abd-al assimilation", r"^(abd[aeiou])l(?=sh|[tdrsnz])", r"\1"),
    ("sh/ch/sch", r"t?sch|tch|sh|ch|š|ş", "x"),
    ("j/zh/dj", r"dzh|dj|zh|jh|ž|j", "j"),
    ("kh/h", r"kh", "h"),
    ("q/k/gh/g", r"gh|ck|q|g", "k"),
    ("c=k", r"c", "k"),
    ("ph/f", r"ph", "f"),
    ("dh/z", r"dh", "z"),
    ("th/s", r"th", "s"),
    ("w/v", r"w", "v"),
    ("initial y/j", r"^y(?=[aeiou])", "j"),
    ("final e", r"(?<=[^aeiouy])e$", ""),
    ("doubled letters", r"(.)\1+", r"\1"),
    ("vowel classes", r"[aeiy]+", "a"),
    ("vowel classes o/u", r"[ou]+", "o"),
)
_VOWELS = frozenset("ao")
# Consonants that transliterations confuse: a swap costs one edit (Kadhafi/Gaddafi).
_NEAR = frozenset({frozenset("zd"), frozenset("xj"), frozenset("sz")})
_KEY_MERGE = str.maketrans({"j": "x", "z": "d", "v": None, "a": None, "o": None})
# How much a variant may differ from the query (see is_variant).
MAX_COST = 1
_FAR = 2  # an edit that alone makes two spellings different names
_LONG = 6  # spellings this long may swap near sounds or one vowel class (Hezbollah/Hizballah)


@dataclass(frozen=True)
class Spelling:
    """A word's spelling under the rules, and whether it came from an unvowelled script."""

    text: str
    unvowelled: bool = False


def latin(word: str) -> tuple[str, bool]:
    """`word` in lower-case Latin letters (marks kept), and whether it was written in Arabic
    script (short vowels unwritten)."""
    text = word.lower()
    if text.isascii():
        return text, False
    from anyascii import anyascii

    unvowelled = bool(_ARABIC.search(text))
    if unvowelled:
        if text.startswith("ال") and len(text) > 4:
            text = text[2:]
        text = text.translate(_ARABIC_LETTERS)
    elif any("\u0370" <= ch <= "\u03ff" for ch in text):
        for greek, roman in _GREEK:
            text = text.replace(greek, roman)
    return anyascii(text).lower(), unvowelled


# What the edit distance treats as cheap, by name (switched off one by one in the ablation).
COST_FEATURES = ("inner vowel left out", "near sounds", "vowel class swap", "unvowelled script")
# Precision guards, by name (the ablation switches them off to show what they prevent).
GUARDS = ("no vowel added at an end", "swaps only in long words")


class Rules:
    """The transliteration rules and cheap edits, some of them switched off (`disabled`
    names from RULES and COST_FEATURES): the evaluation's ablation measures each one."""

    def __init__(self, disabled: frozenset[str] = frozenset()) -> None:
        self.disabled = disabled
        self._rules = tuple((re.compile(p), r) for name, p, r in RULES if name not in disabled)
        self._spelled: dict[str, Spelling] = {}

    def spelling(self, word: str) -> Spelling:
        """The word's spelling under these rules."""
        found = self._spelled.get(word)
        if found is None:
            if len(self._spelled) >= _TERM_CACHE_SIZE:
                self._spelled.clear()
            found = self._spelled[word] = self._spell(word)
        return found

    def _spell(self, word: str) -> Spelling:
        text, unvowelled = latin(word)
        text = _MARKS.sub("", text).replace("‐", "-")
        stripped = _ARTICLE.sub("", text)
        if len(stripped) >= MIN_LETTERS:
            text = stripped
        text = re.sub(r"[^a-z]", "", text)
        for pattern, replacement in self._rules:
            text = pattern.sub(replacement, text)
        return Spelling(text, unvowelled and "unvowelled script" not in self.disabled)

    def key(self, word: str) -> str:
        """The index key of a word: its spelling without vowels, near sounds merged."""
        return self.spelling(word).text.translate(_KEY_MERGE)

    def is_variant(self, query: Spelling, candidate: Spelling) -> bool:
        """Whether two spellings are the same name (at most MAX_COST cheap edits apart)."""
        return query.text == candidate.text or self.cost(query, candidate) <= MAX_COST

    def cost(self, one: Spelling, two: Spelling) -> int:
        """A weighted edit distance: see the module's docstring for what is cheap."""
        a, b = one.text, two.text
        long = max(len(a), len(b)) >= _LONG or "swaps only in long words" in self.disabled
        either = one.unvowelled or two.unvowelled
        indel, substitution = self._indel, self._substitution
        previous = [0] * (len(b) + 1)  # previous[j]: cost of turning a[:i-1] into b[:j]
        for j in range(1, len(b) + 1):
            previous[j] = previous[j - 1] + indel(b, j - 1, one.unvowelled)
        for i in range(1, len(a) + 1):
            current = [previous[0] + indel(a, i - 1, two.unvowelled)] + [0] * len(b)
            for j in range(1, len(b) + 1):
                current[j] = min(
                    previous[j - 1] + substitution(a[i - 1], b[j - 1], long, either),
                    previous[j] + indel(a, i - 1, two.unvowelled),
                    current[j - 1] + indel(b, j - 1, one.unvowelled),
                )
            previous = current
        return previous[-1]

    def _indel(self, text: str, index: int, other_unvowelled: bool) -> int:
        """The cost of a letter of `text` that the other spelling lacks."""
        char = text[index]
        if char in _VOWELS or (char == "v" and other_unvowelled):
            if other_unvowelled:
                return 0
            inner = 0 < index < len(text) - 1 or "no vowel added at an end" in self.disabled
            return 1 if inner and "inner vowel left out" not in self.disabled else _FAR
        return _FAR

    def _substitution(self, x: str, y: str, long: bool, unvowelled: bool) -> int:
        if x == y:
            return 0
        pair = frozenset((x, y))
        if pair == _VOWEL_SWAP:
            return 1 if long and "vowel class swap" not in self.disabled else _FAR
        if unvowelled and pair <= {"v", "o"}:
            return 0
        near = pair in _NEAR and long and "near sounds" not in self.disabled
        return 1 if near else _FAR


_VOWEL_SWAP = frozenset("ao")
_TERM_CACHE_SIZE = 300_000
DEFAULT_RULES = Rules()


def spelling(word: str) -> Spelling:
    """The word's spelling under the transliteration rules (see the module's docstring)."""
    return DEFAULT_RULES.spelling(word)


def variant_key(word: str) -> str:
    """The index key of a word: its spelling without vowels, near sounds merged."""
    return DEFAULT_RULES.key(word)


def is_variant(query: Spelling, candidate: Spelling) -> bool:
    """Whether two spellings are the same name (at most MAX_COST cheap edits apart)."""
    return DEFAULT_RULES.is_variant(query, candidate)


def has_variants(word: str) -> bool:
    """Whether a word is long enough, and a word (not a number), to have variants."""
    letters = sum(ch.isalpha() for ch in word)
    return letters >= MIN_LETTERS and letters * 2 > len(word)


# ---------------------------------------------------------------------------------------------
# Index side: the name-like words of a text, as `KEY|word` terms


# A name-like word: it starts with a capital (or a letter of a script without case), and goes
# on across hyphens (ISIS-K, al-Zawahiri is found from its Z) and apostrophes (Mas'ud), not
# across an English clitic (Masood's). The pattern begins with the first letter's class and
# checks what precedes after it, so that the regex engine skips quickly over lower-case text.
NAME_RE = re.compile(
    r"[A-Z\u00c0-\u024f\u0370-\u052f\u0590-\u06ff\u0750-\u077f\u1e00-\u1fff]"
    r"(?<![\w'’].)[\w]*"
    r"(?:(?:['’`ʼ](?!(?i:ll|re|ve|s|t|d|m)(?!\w))|[-‐])(?=\w)\w+)*"
)
# Arabic compound names written as two words: Abdul Rahman, Abd al-Rahman, Abu Bakr. The
# index keeps them joined as one `names` word, parts separated by `+` (a phrase to match).
COMPOUND_NAME_RE = re.compile(
    r"(?<![\w-])(Ab(?:d(?:ul|el|al|ur|ar)?|ou|u)) (?:([ae]l|ul)[- ])?([A-Z]\w{2,})"
)
_TERM_CACHE: dict[str, str | None] = {}
# Identifiers in technical text: an underscore, a digit, or a capital inside a word after its
# fourth letter (McCain and MacArthur are names; BrowserMatch is not).
_IDENTIFIER = re.compile(r"[_\d]|(?<=\w{3})[a-z][A-Z]")
_MAX_ACRONYM = 6


def name_term(word: str) -> str | None:
    """The `names` term of a word as it appears in a text, or None if it is not name-like."""
    term = _TERM_CACHE.get(word)
    if term is None and word not in _TERM_CACHE:
        term = _make_name_term(word)
        if len(_TERM_CACHE) >= _TERM_CACHE_SIZE:
            _TERM_CACHE.clear()
        _TERM_CACHE[word] = term
    return term


def _make_name_term(word: str) -> str | None:
    from library.index_schema import STOP_WORDS, fold

    head, _, rest = word.partition("-")
    if word[0].islower() and not (rest and rest[0].isupper() and len(head) <= 4):
        return None  # not a capital, nor an article before one (аз-Завахири)
    if not word[0].isalpha() or not has_variants(word) or _IDENTIFIER.search(word):
        return None  # also not identifiers: snake_case, x86, CamelCase, LONGCAPITALS
    if word.isupper() and len(word) > _MAX_ACRONYM:
        return None
    surface = fold(word)
    if surface in STOP_WORDS:
        return None
    key = variant_key(surface)
    return f"{key}{KEY_SEPARATOR}{surface}" if key else None


# Articles that carry a spelling's `names` term, per index writer: the field is a dictionary
# of spellings, not a list of where they occur (the body has that), and a posting per
# article would cost a tenth of the index's build time.
CARRIERS = 2


# A name is a capital inside a sentence ("led by Ahmad Massoud"). A word seen with a capital
# only at the start of a sentence, a line or a title (False, Files, Comments) is stored as a
# *weak* spelling (`KEY|^word`): a query uses it only when the word is rare in the library
# (at most WEAK_MAX articles), as a name that happens to open its sentences would be, and a
# common word is not.
WEAK_MARK = "^"
WEAK_MAX = 2
_ENDS_SENTENCE = frozenset(".!?:")
_CLOSERS = "\"”’')]*_"


def _opens_sentence(text: str, start: int) -> bool:
    """Whether the word at `start` opens a sentence, a line or the text (a capital after a
    dash, a quote or a bracket inside a sentence is a name's)."""
    before = text[max(0, start - 5) : start]
    if "\n" in before:
        return True
    stripped = before.rstrip(" \t\u00a0")
    if not stripped:
        return start < 5
    return stripped.rstrip(_CLOSERS)[-1:] in _ENDS_SENTENCE


def name_terms(
    texts: Iterable[str],
    carried: dict[str, int] | None = None,
    *,
    headings: Iterable[str] = (),
    people: Iterable[str] = (),
) -> str:
    """The `names` field of a document: a term for each distinct name-like word of `texts`
    (strong when a capital inside a sentence, else weak), of `headings` (weak: every word of
    a title has a capital) and of `people` (author names: strong), space-separated. With
    `carried` (one per index writer), a term already given to CARRIERS documents is left out.
    """
    carried = {} if carried is None else carried
    everything = "\n".join([*texts])
    found: dict[str, bool] = {}  # word → seen inside a sentence
    for match in NAME_RE.finditer(everything):
        word = match.group()
        if not found.get(word):
            found[word] = not _opens_sentence(everything, match.start())
    for text, strong in ((t, False) for t in headings):
        for word in NAME_RE.findall(text):
            found.setdefault(word, strong)
    for text in people:
        for word in NAME_RE.findall(text):
            found[word] = True
    together = everything + "\n" + "\n".join(headings)
    if "Ab" in together:
        for m in COMPOUND_NAME_RE.finditer(together):
            found.setdefault("+".join(filter(None, m.groups())), True)
    mine: set[str] = set()
    for word, strong in found.items():
        term = name_term(word)
        if term is None:
            continue
        if not strong:
            key, _, surface = term.partition(KEY_SEPARATOR)
            term = f"{key}{KEY_SEPARATOR}{WEAK_MARK}{surface}"
        if term in mine or carried.get(term, 0) >= CARRIERS:
            continue
        # A word the text also writes in lower case is a common word, not a name.
        lower = word.lower()
        if lower != word and f" {lower} " in together:
            continue
        carried[term] = carried.get(term, 0) + 1
        mine.add(term)
    return " ".join(mine)


def split_term(term: str) -> tuple[str, str]:
    """A `names` term as (key, word); a weak spelling's word without its mark."""
    key, _, word = term.partition(KEY_SEPARATOR)
    return key, word.removeprefix(WEAK_MARK)


# ---------------------------------------------------------------------------------------------
# Query side


def candidates(reader: IndexReader, word: str) -> Iterator[str]:
    """The name-like words in the index that share `word`'s key (the words only): strong
    spellings, and weak ones used by at most WEAK_MAX articles (see WEAK_MARK)."""
    key = variant_key(word)
    if not key:
        return
    prefix = key + KEY_SEPARATOR
    strong: set[str] = set()
    weak: list[str] = []
    for term in reader.expand_prefix("names", prefix):
        text = (term.decode("utf-8") if isinstance(term, bytes) else term)[len(prefix) :]
        if text.startswith(WEAK_MARK):
            weak.append(text[1:])
        else:
            strong.add(text)
            yield text
    for text in weak:
        if text not in strong and rare_spelling(reader, text):
            yield text


def rare_spelling(reader: IndexReader, word: str) -> bool:
    """Whether a weak spelling is in at most WEAK_MAX articles' text (a common word is in
    many more)."""
    words = index_words(word)
    if len(words) != 1:
        return True
    frequency: int = reader.doc_frequency("body", words[0])
    return frequency <= WEAK_MAX


def variants_of(reader: IndexReader, word: str) -> list[str]:
    """The spellings in the index (as `names` words) that are variants of `word`, not
    `word` itself; empty for short words and numbers, and for a word the library uses as an
    ordinary word (in its text, but never as a name: files, digits)."""
    if not has_variants(word):
        return []
    mine = spelling(word)
    found = []
    named = False
    for other in candidates(reader, word):
        if index_words(other) == [word]:
            named = True
        elif is_variant(mine, spelling(other)):
            found.append(other)
    if found and not named and reader.doc_frequency("body", word):
        return []
    return found


def index_words(word: str) -> list[str]:
    """The index words a `names` word is found by: one (`isis-k` → `isisk`, `massoud`), or
    several to match as a phrase (`mas'ud` → mas ud, `abdul+rahman` → abdul rahman)."""
    from library.analysis import query_words

    return [text for text, _, _ in query_words(word.replace("+", " "))]


def suggest_spelling(
    reader: IndexReader, word: str, aliases: AliasLookup | None = None
) -> str | None:
    """For a word the library does not have: the closest spelling of the same name it does
    have (looser than matching: up to two cheap edits), else an alias member that sounds
    the same; None when there is neither."""
    if not has_variants(word):
        return None
    mine = spelling(word)
    scored: list[tuple[int, int, str]] = []
    for other in candidates(reader, word):
        cost = DEFAULT_RULES.cost(mine, spelling(other))
        if cost <= MAX_COST + 1:
            frequency: int = reader.doc_frequency("names", word_term(other))
            scored.append((cost, -frequency, other))
    if scored:
        return min(scored)[2]
    key = variant_key(word)
    for members in aliases.by_words.values() if aliases else ():
        for member in members:
            if any(variant_key(w) == key for w in member.words):
                return member.set_name
    return None


def word_term(word: str) -> str:
    """The `names` term of a `names` word."""
    return f"{variant_key(word)}{KEY_SEPARATOR}{word}"
