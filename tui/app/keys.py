"""The keys a screen offers, read from BINDINGS: one source for help, palette and footer."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen


@dataclass(frozen=True)
class ScreenKey:
    """A key binding of a Folio screen or widget, and the node that runs its action."""

    keys: str
    description: str
    action: str
    node: DOMNode


def own_bindings(node: DOMNode) -> list[Binding]:
    """The bindings a class declares itself (not Textual's inherited navigation keys)."""
    declared: list[Binding] = []
    for cls in type(node).__mro__:
        if not cls.__module__.startswith("tui."):
            continue
        declared.extend(Binding.make_bindings(cls.__dict__.get("BINDINGS", [])))
    return declared


def screen_keys(screen: Screen[object]) -> list[ScreenKey]:
    """Keys of the screen and of its focused widget (and that widget's containers)."""
    nodes: list[DOMNode] = []
    node: DOMNode | None = screen.focused
    while node is not None and node is not screen:
        nodes.append(node)
        node = node.parent
    nodes.append(screen)
    keys: list[ScreenKey] = []
    seen: set[str] = set()
    for owner in nodes:
        for binding in own_bindings(owner):
            if not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            shown = ", ".join(
                screen.app.get_key_display(Binding(key, binding.action))
                for key in binding.key.split(",")
            )
            keys.append(ScreenKey(shown, binding.description, binding.action, owner))
    return keys
