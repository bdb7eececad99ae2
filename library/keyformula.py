"""Citation-key formulas in Better BibTeX's syntax: parsing them, and the functions and
filters they call.

A formula is one or more alternatives separated by `|` (or `;`); the first that yields a
non-empty key wins. An alternative joins terms with `+`; a term is a quoted literal or a
function followed by filters: `auth.lower + shorttitle(3,3) + year`. Filters may also be
written after a colon (`auth:lower`), as in BBT's older bracket syntax. Arguments are
positional or named (`shorttitle(n=3, m=3)`). Names are case-insensitive.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from library.errors import InvalidValue

if TYPE_CHECKING:
    from library.keyfunctions import KeySource

Value = int | str | bool | None

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<number>-?\d+)
    | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    | (?P<op>[+|;.:(),=])
    )""",
    re.VERBOSE,
)


class FormulaError(InvalidValue):
    """A formula that does not parse or calls something that does not exist."""


class SkipAlternative(Exception):
    """Raised by a filter (`len`) to move on to the next alternative."""


@dataclass(frozen=True)
class Call:
    """A function or filter with its arguments, as written."""

    name: str
    args: tuple[Value, ...] = ()
    kwargs: tuple[tuple[str, Value], ...] = ()
    position: int = 0


@dataclass(frozen=True)
class Term:
    """A literal (`text` set) or a function with its filters."""

    text: str | None = None
    function: Call | None = None
    filters: tuple[Call, ...] = ()


@dataclass(frozen=True)
class Formula:
    """The parsed formula: alternatives, each a list of terms joined with `+`."""

    source: str
    alternatives: tuple[tuple[Term, ...], ...] = field(default_factory=tuple)


# --- parsing ------------------------------------------------------------------------------


_WANTED = {"ident": "a function name or a 'quoted text'", "value": "an argument value"}


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens: list[tuple[str, str, int]] = []
        position = 0
        while position < len(source):
            if not source[position:].strip():
                break
            match = _TOKEN.match(source, position)
            if match is None or match.end() == position:
                start = len(source[position:]) - len(source[position:].lstrip()) + position
                raise FormulaError(
                    f"citekey format: unexpected '{source[start]}' at position {start + 1}"
                )
            kind = match.lastgroup or ""
            start = match.start(kind)
            self.tokens.append((kind, match.group(kind), start))
            position = match.end()
        self.index = 0

    def peek(self, text: str | None = None) -> bool:
        if self.index >= len(self.tokens):
            return False
        kind, value, _ = self.tokens[self.index]
        return text is None or (kind == "op" and value == text)

    def take(self, kind: str, value: str | None = None) -> tuple[str, int]:
        wanted = f"'{value}'" if value else _WANTED.get(kind, kind)
        if self.index >= len(self.tokens):
            raise FormulaError(f"citekey format: expected {wanted} at the end")
        got_kind, got, position = self.tokens[self.index]
        if got_kind != kind or (value is not None and got != value):
            raise FormulaError(
                f"citekey format: expected {wanted}, got '{got}' at position {position + 1}"
            )
        self.index += 1
        return got, position

    def formula(self) -> Formula:
        if not self.tokens:
            raise FormulaError("citekey format: the formula is empty")
        alternatives = [self.alternative()]
        while self.peek("|") or self.peek(";"):
            self.index += 1
            alternatives.append(self.alternative())
        if self.index < len(self.tokens):
            _, value, position = self.tokens[self.index]
            raise FormulaError(f"citekey format: unexpected '{value}' at position {position + 1}")
        return Formula(self.source, tuple(alternatives))

    def alternative(self) -> tuple[Term, ...]:
        terms = [self.term()]
        while self.peek("+"):
            self.index += 1
            terms.append(self.term())
        return tuple(terms)

    def term(self) -> Term:
        if self.index < len(self.tokens) and self.tokens[self.index][0] == "string":
            text, _ = self.take("string")
            return Term(text=_unquote(text))
        function = self.call(FUNCTIONS, "function")
        filters = []
        while self.peek(".") or self.peek(":"):
            self.index += 1
            filters.append(self.call(FILTERS, "filter"))
        return Term(function=function, filters=tuple(filters))

    def call(self, table: dict[str, Spec], what: str) -> Call:
        name, position = self.take("ident")
        spec = table.get(name.lower())
        if spec is None:
            raise FormulaError(
                f"citekey format: unknown {what} '{name}' at position {position + 1}"
            )
        args: list[Value] = []
        kwargs: dict[str, Value] = {}
        if self.peek("("):
            self.index += 1
            while not self.peek(")"):
                if not self.peek():
                    self.take("op", ")")  # raises: the call is not closed
                if args or kwargs:
                    self.take("op", ",")
                if self._named_argument_follows():
                    key, key_at = self.take("ident")
                    self.take("op", "=")
                    if key not in spec.params:
                        raise FormulaError(
                            f"citekey format: {what} '{name}' has no parameter '{key}' "
                            f"(position {key_at + 1})"
                        )
                    kwargs[key] = self.value()
                elif kwargs:
                    raise FormulaError(
                        f"citekey format: positional argument after a named one in '{name}'"
                    )
                else:
                    args.append(self.value())
            self.take("op", ")")
        call = Call(spec.name, tuple(args), tuple(kwargs.items()), position)
        spec.bind(call)  # check the arguments now, not when a key is made
        return call

    def _named_argument_follows(self) -> bool:
        after = self.index + 1
        return (
            self.tokens[self.index][0] == "ident"
            and after < len(self.tokens)
            and self.tokens[after][1] == "="
        )

    def value(self) -> Value:
        kind, value, _ = self.tokens[self.index] if self.peek() else ("", "", 0)
        if kind == "number":
            self.index += 1
            return int(value)
        if kind == "string":
            self.index += 1
            return _unquote(value)
        if kind == "ident":
            self.index += 1
            return {"true": True, "false": False, "undefined": None}.get(value, value)
        return self.take("value")[0]  # raises: not a value


def _unquote(token: str) -> str:
    return re.sub(r"\\(.)", r"\1", token[1:-1])


@lru_cache(maxsize=32)
def parse_formula(source: str) -> Formula:
    """The parsed formula; FormulaError (one line, with the position) when it is not valid."""
    import library.keyfunctions  # noqa: F401 - registers BBT's functions and filters

    return _Parser(source).formula()


# --- functions and filters ----------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """A function or filter: its name as BBT spells it, its parameters and their defaults."""

    name: str
    run: Callable[..., str]
    params: tuple[str, ...] = ()
    defaults: tuple[Value, ...] = ()

    def bind(self, call: Call) -> list[Value]:
        """The argument values in parameter order; FormulaError on a wrong count or type."""
        if len(call.args) > len(self.params):
            raise FormulaError(
                f"citekey format: '{self.name}' takes at most {len(self.params)} argument(s), "
                f"got {len(call.args)}"
            )
        values = list(self.defaults)
        for index, value in enumerate(call.args):
            values[index] = value
        for key, value in call.kwargs:
            values[self.params.index(key)] = value
        for param, default, value in zip(self.params, self.defaults, values, strict=True):
            expected = type(default)
            if default is not None and value is not None and not isinstance(value, expected):
                raise FormulaError(
                    f"citekey format: '{self.name}' wants {param} as {expected.__name__}, "
                    f"got {value!r}"
                )
            if param == "creator" and value not in CREATOR_KINDS:
                raise FormulaError(
                    f"citekey format: creator must be one of {', '.join(CREATOR_KINDS)}"
                )
        return values


CREATOR_KINDS = ("*", "author", "editor", "translator", "collaborator")
FUNCTIONS: dict[str, Spec] = {}
FILTERS: dict[str, Spec] = {}


def _register(
    table: dict[str, Spec], name: str, params: str = "", *aliases: str
) -> Callable[[Callable[..., str]], Callable[..., str]]:
    """Register a function or filter; `params` is "name=default, …" in BBT's order."""
    names: list[str] = []
    defaults: list[Value] = []
    for part in filter(None, (p.strip() for p in params.split(","))):
        key, _, default = part.partition("=")
        names.append(key)
        defaults.append(_default(default))

    def decorate(run: Callable[..., str]) -> Callable[..., str]:
        spec = Spec(name, run, tuple(names), tuple(defaults))
        for alias in (name, *aliases):
            table[alias.lower()] = spec
        return run

    return decorate


def _default(text: str) -> Value:
    if text in ("", "None"):
        return None
    if text in ("True", "False"):
        return text == "True"
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return text.strip("'")


def evaluate(formula: Formula, source: KeySource, finalize: Callable[[str], str]) -> str:
    """The key the first alternative yields (each finalized), or "" when none yields one."""
    for terms in formula.alternatives:
        try:
            parts = [_term(term, source) for term in terms]
        except SkipAlternative:
            continue
        key = finalize("".join(parts))
        if key:
            return key
    return ""


def _term(term: Term, source: KeySource) -> str:
    if term.text is not None:
        return term.text
    assert term.function is not None
    value = _invoke(FUNCTIONS, term.function, source, None)
    for call in term.filters:
        value = _invoke(FILTERS, call, source, value)
    return value


def _invoke(table: dict[str, Spec], call: Call, source: KeySource, value: str | None) -> str:
    spec = table[call.name.lower()]
    args = spec.bind(call)
    return spec.run(source, *args) if value is None else spec.run(source, value, *args)
