"""library: Folio's core (no UI)."""

from library.whoosh_imports import install as _install_whoosh_stand_ins

# Before any Whoosh module is imported (every import of Whoosh in Folio goes through here).
_install_whoosh_stand_ins()
