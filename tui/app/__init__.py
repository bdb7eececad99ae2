"""The Textual notebook: the app, its command palette and key registry (the only part of
Folio that imports Textual)."""

from tui.app.notebook import FolioApp

__all__ = ["FolioApp"]
