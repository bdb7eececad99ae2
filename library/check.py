"""`folio check`: is the database sound, and does the index agree with it?"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field

from library.articles import enqueue_index
from library.blobs import blob_path
from library.damage import (
    clear_damage_mark,
    damage_reported,
    database_problems,
    is_damage,
    mark_damaged,
)
from library.database import transaction
from library.index import IndexDamaged
from library.leftovers import find_leftovers, remove_leftovers
from library.passage_links import pending_count
from library.store import Library


@dataclass
class CheckReport:
    """What disagrees. Everything but `database` and `missing_files` is repairable."""

    database: str = "ok"
    index: str = "ok"  # ok | missing | outdated | damaged
    pending: int = 0
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    dead_files: list[str] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)
    # Files and folders killed Folio processes left (library/leftovers.py).
    leftovers: list[str] = field(default_factory=list)
    # Annotations whose article text changed since they were anchored (the notes package
    # re-anchors them on its next use, or `folio check --repair`).
    unanchored: int = 0
    # Texts not yet scanned for passages they share (derived data that is behind, not
    # damage: it does not make the library unclean; `folio check --repair` scans them).
    passages_pending: int = 0

    @property
    def damaged(self) -> bool:
        """Whether the database file itself is damaged (`folio check --recover`)."""
        return self.database.startswith("damaged")

    @property
    def clean(self) -> bool:
        """Whether nothing at all was found wrong."""
        return (
            self.database == "ok"
            and self.index == "ok"
            and not (self.pending or self.missing or self.stale or self.orphans)
            and not (self.dead_files or self.missing_files or self.unanchored)
            and not self.leftovers
        )

    def to_json(self) -> dict[str, object]:
        """The report as plain JSON data."""
        return {**asdict(self), "clean": self.clean}


def check_library(library: Library) -> CheckReport:
    """Compare database, original files and index without changing anything."""
    conn = library.conn
    report = CheckReport()
    try:
        problems = database_problems(conn)
    except sqlite3.DatabaseError as exc:
        if not is_damage(exc):
            raise
        problems = [str(exc)]
    if problems:
        # Nothing else can be trusted: stop here and say how to get out.
        report.database = "damaged: " + "; ".join(problems[:5])
        mark_damaged(library.root, problems[0])
        return report
    clear_damage_mark(library.root)
    with damage_reported(library.root):
        return _check_sound_database(library, report)


def _check_sound_database(library: Library, report: CheckReport) -> CheckReport:
    """The checks that read the database, once it reads as sound."""
    conn = library.conn
    fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    if fk:
        report.database = f"{len(fk)} rows point at missing records"
    report.pending = conn.execute("SELECT count(DISTINCT article_id) FROM index_queue").fetchone()[
        0
    ]
    report.passages_pending = pending_count(conn)
    report.unanchored = conn.execute(
        "SELECT count(*) FROM annotations AS n JOIN articles AS a ON a.pk = n.article_pk"
        " WHERE n.exact IS NOT NULL AND n.anchored_on IS NOT a.text_sha256"
    ).fetchone()[0]
    report.leftovers = [str(leftover.path) for leftover in find_leftovers(library)]
    rows = conn.execute("SELECT id, rev, file_sha256, format FROM articles").fetchall()
    for row in rows:
        if (
            row["file_sha256"]
            and not blob_path(library.files_dir, row["file_sha256"], f".{row['format']}").exists()
        ):
            report.missing_files.append(row["id"])
    if not library.index.index_dir.exists():
        report.index = "missing"
        return report
    if not library.index.is_current():
        report.index = "outdated"
        return report
    try:
        indexed = library.index.stored_revisions()
        library.index.check_postings()
    except IndexDamaged:
        report.index = "damaged"
        return report
    in_db = {row["id"]: row["rev"] for row in rows}
    report.missing = sorted(set(in_db) - set(indexed))
    report.orphans = sorted(set(indexed) - set(in_db))
    report.stale = sorted(i for i in set(in_db) & set(indexed) if in_db[i] != indexed[i])
    report.dead_files = sorted(path.name for path in library.index.dead_files())
    return report


def repair_library(library: Library, report: CheckReport) -> CheckReport:
    """Fix what `check_library` found that can be fixed, then check again (a damaged
    database is not repaired here: `recover_database` copies it)."""
    if report.damaged:
        return report
    if report.leftovers:
        remove_leftovers(library)
    if report.index != "ok":
        library.index.rebuild(library.conn)
    else:
        with transaction(library.conn) as conn:
            for article_id in [*report.missing, *report.stale, *report.orphans]:
                enqueue_index(conn, article_id)
        library.index.sync(library.conn)
        library.index.remove_dead_files()
    return check_library(library)
