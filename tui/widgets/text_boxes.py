"""Text boxes that keep a fast typist's keys in order.

Textual inserts a typed character as soon as the focused box reads the key, but runs the
box's own bound keys (backspace, ctrl+u, ctrl+w, arrows, home/end…) only after the key has
bubbled up through every container to the app. Keys arriving a few milliseconds apart
(a fast typist, a loaded machine, a macro) are then applied out of order: `ctrl+u` typed
before `Site` wiped `Site` too, and an empty Site was saved. Textual's issue #6605
(open; pull request #6631 proposes the same cure); until it lands, these boxes run their
own bindings as they read the key, in the order the keys came.
"""

from __future__ import annotations

from textual import events
from textual.widget import Widget
from textual.widgets import Input, TextArea


async def run_own_binding(widget: Widget, event: events.Key) -> bool:
    """Run `widget`'s own (non-priority) binding for the key now; True when one ran."""
    for binding in widget._bindings.key_to_bindings.get(event.key, ()):
        if binding.priority:
            continue  # the app has already checked priority bindings
        if await widget.app.run_action(binding.action, widget):
            event.stop()
            event.prevent_default()
            return True
    return False


class TextBox(Input):
    """A one-line text box whose editing keys apply in the order they were typed."""

    async def _on_key(self, event: events.Key) -> None:
        if not await run_own_binding(self, event):
            await super()._on_key(event)


class TextEditor(TextArea):
    """A multi-line text box whose editing keys apply in the order they were typed."""

    async def _on_key(self, event: events.Key) -> None:
        if not await run_own_binding(self, event):
            await super()._on_key(event)
