"""Where a library lives on disk."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "FOLIO_LIBRARY"


def default_library_dir() -> Path:
    """The per-user data folder (e.g. `~/.local/share/folio`)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("folio", appauthor=False))


def resolve_library_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The library folder: `--library` if given, else `$FOLIO_LIBRARY`, else the user data dir."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return default_library_dir()
