"""One Textual-free action per user intent, shared by the CLI (tui/cli/) and the notebook.

Each action takes the open `library.store.Library` first and plain arguments, does the
whole job (transaction, re-anchoring, index upkeep, file writes) and returns an
`Outcome(value, warnings)` (results.py); it raises a `library.errors.FolioError` when it
cannot do the job. By topic:

- articles.py: list, show, edit metadata, rename a citation key, remove
- importing.py: add files and folders, attach a file to an article
- bibimport.py: import a .bib file (asking before overwriting through a callback)
- export.py: export citations or notes to stdout, a file or a merged .bib; cite
- notes.py: annotate, edit, delete, list, export and import notes; quote; re-anchor
- tags.py: tag, untag, set, rename and list tags; articles with a tag
- search.py: search articles (with their matching notes) or notes
- maintenance.py: init, check (and repair), reindex, warm up the index
- originals.py: find an article's original file (or URL) and open it in the desktop
- session.py: the notebook's locked library
"""
