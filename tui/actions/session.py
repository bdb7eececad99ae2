"""The notebook's open library: one connection, one lock; workers and the UI take turns."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from library.store import Library


class Session:
    """The app's library, one lock around its connection: workers and the UI take turns."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.library = Library(root)
        self.lock = threading.RLock()

    @contextmanager
    def use(self) -> Iterator[Library]:
        """The library, for one short action (reads, a search, a small write)."""
        with self.lock:
            yield self.library

    @contextmanager
    def separately(self) -> Iterator[Library]:
        """A second connection to the same library, for a long job (an import) that must not
        hold the lock the UI's short actions take."""
        with Library(self.root) as library:
            yield library

    def close(self) -> None:
        """Close the library."""
        with self.lock:
            self.library.close()
