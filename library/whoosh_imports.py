"""Importing Whoosh without the modules it loads for features Folio never uses.

A fresh `folio search` pays for every module it imports, and two thirds of Whoosh's import
time went to modules that Folio's searches never run:

- `whoosh.compat` imports `urllib.request` (and with it `http.client`, `email`, `ssl`,
  `socket`) to offer `urlretrieve`;
- `whoosh.reading` imports the `cached_property` package, which imports `asyncio` (and
  `concurrent.futures`, `logging`) for asynchronous properties Whoosh does not have;
- `whoosh.query.terms` imports `whoosh.lang.morph_en` (whose import compiles a large
  regular expression) for the `Variations` query, and `whoosh.analysis.morph` imports
  `whoosh.lang.dmetaphone` for a filter: Folio uses neither.

While (and only while) one of those Whoosh modules runs its import, a stand-in takes the
heavy module's place: `functools.cached_property` for the package's (the same behaviour for
Whoosh's one use), and for the others a module whose functions import the real one when
first called. Nothing else sees a stand-in: it leaves `sys.modules` as soon as the Whoosh
module is loaded, so `import urllib.request` anywhere still gets the real module.
"""

from __future__ import annotations

import functools
import importlib
import importlib.machinery
import sys
import types
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.abc import Loader

# Whoosh module → {module it imports: the names it takes from it}.
STAND_INS: dict[str, dict[str, tuple[str, ...]]] = {
    "whoosh.compat": {"urllib.request": ("urlretrieve",)},
    "whoosh.reading": {"cached_property": ("cached_property",)},
    "whoosh.query.terms": {"whoosh.lang.morph_en": ("variations",)},
    "whoosh.analysis.morph": {"whoosh.lang.dmetaphone": ("double_metaphone",)},
}


# Whoosh modules imported as modules (`from whoosh import highlight`) for what Folio never
# calls (highlighting, the Levenshtein automaton of Whoosh's fuzzy terms, which Folio expands
# itself): loaded lazily, when first used (importlib.util.LazyLoader).
LAZY = frozenset({"whoosh.highlight", "whoosh.automata.lev"})


def _deferred(module: str, name: str) -> Callable[..., Any]:
    """A function that imports `module` when called and calls its `name`."""

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = name
    return call


def _stand_in(module: str, names: tuple[str, ...]) -> types.ModuleType:
    stand_in = types.ModuleType(module, f"Folio's stand-in for {module} (see {__name__})")
    for name in names:
        if module == "cached_property":
            setattr(stand_in, name, functools.cached_property)
        else:
            setattr(stand_in, name, _deferred(module, name))
    return stand_in


class _StandInLoader:
    """Runs a Whoosh module's import with stand-ins for the heavy modules it imports. (A
    loader by its methods: subclassing importlib.abc's costs a fresh process 8 ms.)"""

    def __init__(self, real: Loader, stand_ins: dict[str, tuple[str, ...]]) -> None:
        self.real = real
        self.stand_ins = stand_ins

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        return self.real.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        placed = {}
        for name, names in self.stand_ins.items():
            if name not in sys.modules:  # already imported for real: nothing to save
                placed[name] = sys.modules[name] = _stand_in(name, names)
        try:
            self.real.exec_module(module)
        finally:
            for name, stand_in in placed.items():
                if sys.modules.get(name) is stand_in:
                    del sys.modules[name]


class _StandInFinder:
    """Finds the Whoosh modules of STAND_INS as usual, then gives them _StandInLoader."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        stand_ins = STAND_INS.get(fullname)
        if stand_ins is None and fullname not in LAZY:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or spec.loader is None:
            return None
        if stand_ins is None:
            from importlib.util import LazyLoader

            spec.loader = LazyLoader(spec.loader)
        else:
            spec.loader = _StandInLoader(spec.loader, stand_ins)  # type: ignore[assignment]
        return spec


def install() -> None:
    """Put the finder first on `sys.meta_path` (once)."""
    if not any(isinstance(finder, _StandInFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _StandInFinder())
