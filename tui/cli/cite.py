"""`folio` commands for citations: export, cite, import-bib."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from library.citing import CITE_STYLES, EXPORT_FORMATS
from tui.cli.common import emit_json, fail, guarded, one_line, open_library

if TYPE_CHECKING:
    from library.bibimport import ImportPlan


def _warn(message: str) -> None:
    click.echo(f"folio: warning: {message}", err=True)


def _tagged(conn: Any, tag: str) -> list[str]:
    """Article ids with this tag (tags belong to the notes package)."""
    from notes.tags import article_ids_with_tag

    return article_ids_with_tag(conn, tag)


@click.command()
@click.argument("refs", nargs=-1)
@click.option("--query", metavar="Q", help="Every article matching a search (all hits).")
@click.option("--tag", metavar="T", help="Every article with this tag.")
@click.option("--all", "everything", is_flag=True, help="Every article in the library.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="biblatex",
    show_default=True,
    help="biblatex: UTF-8 for biber; bibtex: ASCII for classic .bst styles; csl-json: pandoc.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE, not stdout.")
@click.option("--merge", is_flag=True, help="Update Folio's entries in an existing .bib FILE.")
@click.option("--force", is_flag=True, help="Overwrite an existing FILE.")
@click.option(
    "--strict", is_flag=True, help="Fail when the bibtex flavour cannot encode a character."
)
@click.pass_context
@guarded
def export(
    ctx: click.Context,
    refs: tuple[str, ...],
    query: str | None,
    tag: str | None,
    everything: bool,
    fmt: str,
    output: str | None,
    merge: bool,
    force: bool,
    strict: bool,
) -> None:
    """Export citations: REF..., --query Q, --tag T or --all.

    \b
    folio export --all -o refs.bib
    folio export dorsey2021afghanistan --format bibtex
    folio export --tag thesis -o paper.bib --merge
    """
    from library.bibentries import missing_for_biblatex
    from library.export import export_articles, select_articles
    from library.provenance import guesses_note

    if merge and not output:
        fail("--merge needs -o FILE (the .bib to update)", 2)
    if merge and fmt == "csl-json":
        fail("--merge works on .bib files, not CSL-JSON", 2)
    if output and Path(output).exists() and not (merge or force):
        fail(f"{output}: already exists; pass --force to overwrite or --merge to update it")
    with open_library(ctx) as library:
        chosen = select_articles(library, refs, query, tag, everything, _tagged)
    exported = export_articles(chosen, fmt)
    for problem in exported.problems:
        if strict:
            more = len(exported.problems) - 1
            fail(problem.message() + (f" (and {more} more)" if more else "") + "; nothing written")
        _warn(problem.message())
    if output is None:
        click.echo(exported.text, nl=False)
    else:
        _write_output(Path(output), exported, merge)
    if fmt == "biblatex":
        _note_missing({e.key: missing_for_biblatex(e) for e in exported.entries})
    if note := guesses_note(chosen):
        click.echo(f"folio: note: {note}", err=True)


def _note_missing(missing: dict[str, list[str]]) -> None:
    """Say which entries lack what biblatex's data model expects (biber would warn)."""
    by_field: dict[str, list[str]] = {}
    for key, names in missing.items():
        for name in names:
            by_field.setdefault(name, []).append(key)
    for name, keys in by_field.items():
        shown = ", ".join(keys[:5]) + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")
        click.echo(
            f"folio: note: no {name} for {shown} (set it with `folio edit REF --{name}`)", err=True
        )


def _write_output(path: Path, exported: Any, merge: bool) -> None:
    """Write the export to FILE: merged into it, replacing it (--force), or as a new file."""
    from library.atomic import write_atomically
    from library.bibmerge import merge_bib

    if path.is_dir():
        fail(f"{path}: is a folder", 2)
    exists = path.exists()
    if merge and exists:
        merged = merge_bib(path.read_bytes(), exported.entries, str(path))
        backup = write_atomically(path, merged.data, backup=True)
        click.echo(
            f"Updated {path}: {len(merged.replaced)} replaced, {len(merged.appended)} added"
            f" (backup: {backup})"
        )
        return
    backup = write_atomically(path, exported.text.encode("utf-8"), backup=exists)
    saved = f" (backup: {backup})" if backup else ""
    click.echo(f"Wrote {exported.count} entries to {path}{saved}")


@click.command()
@click.argument("refs", nargs=-1, required=True)
@click.option("--style", type=click.Choice(CITE_STYLES), default="latex", show_default=True)
@click.option("--locator", metavar="TEXT", help='Where in the work, e.g. "para. 7".')
@click.pass_context
@guarded
def cite(ctx: click.Context, refs: tuple[str, ...], style: str, locator: str | None) -> None:
    """Print a citation to paste: \\autocite{key} (latex) or [@key] (pandoc, markdown)."""
    from library.articles import get_article
    from library.citing import format_citation

    with open_library(ctx) as library:
        keys = [get_article(library.conn, ref).citekey for ref in refs]
    click.echo(format_citation(list(dict.fromkeys(keys)), style, locator))


@click.command(name="import-bib")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--yes", "-y", is_flag=True, help="Overwrite differing fields without asking.")
@click.option("--json", "as_json", is_flag=True, help="A JSON list of what happened per entry.")
@click.pass_context
@guarded
def import_bib(ctx: click.Context, file: str, yes: bool, as_json: bool) -> None:
    """Import a .bib file: new metadata-only articles, or metadata for known ones.

    Entries match articles by URL, DOI or citekey. Fields that differ from the library's
    are overwritten only after asking (or with --yes). Attach a file to a metadata-only
    article later with `folio add FILE --to REF`.
    """
    from library.bibimport import apply_plan, plan_import, read_bib_file

    read = read_bib_file(Path(file))
    for problem in read.problems:
        click.echo(f"folio: {problem}", err=True)
    for record in read.records:
        for warning in record.warnings:
            _warn(warning)
    outcomes = []
    with open_library(ctx) as library:
        plans = [plan_import(library.conn, record) for record in read.records]
        overwrite = _confirm_overwrites([plan for plan in plans if plan.conflicts], yes)
        with library.write() as conn:
            # Plans are made again inside the transaction: earlier entries may match later ones.
            for record in read.records:
                plan = plan_import(conn, record)
                outcomes.append(apply_plan(conn, plan, overwrite.get(record.key, False)))
    for outcome in outcomes:
        if outcome.note:
            click.echo(f"folio: note: {outcome.note}", err=True)
    if as_json:
        emit_json([_outcome_json(o) for o in outcomes])
    else:
        for outcome in outcomes:
            article = outcome.article
            click.echo(
                f"{outcome.status:<9} {article.id} [{article.citekey}] "
                f"{one_line(article.display_title, 60)}"
            )
        counts = {
            s: sum(o.status == s for o in outcomes) for s in ("added", "updated", "unchanged")
        }
        summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        failed = f", {len(read.problems)} failed" if read.problems else ""
        click.echo((summary or "nothing imported") + failed, err=True)
    if read.problems:
        sys.exit(1)


def _confirm_overwrites(plans: list[ImportPlan], yes: bool) -> dict[str, bool]:
    """Which entries may overwrite fields that differ: all with --yes, else the user says,
    one article at a time; without a terminal to ask on, refuse before changing anything."""
    if not plans:
        return {}
    if yes:
        return {plan.record.key: True for plan in plans}
    if not sys.stdin.isatty():
        fail(
            f"{len(plans)} entr{'y' if len(plans) == 1 else 'ies'} would overwrite fields that "
            "differ (first: "
            f"{plans[0].record.key}: {', '.join(plans[0].conflicts)}); pass --yes to overwrite"
        )
    answers = {}
    for plan in plans:
        article = plan.article
        assert article is not None
        click.echo(f"{plan.record.key} matches {article.id} [{article.citekey}]:", err=True)
        for name in plan.conflicts:
            before, after = getattr(article, name), plan.changes[name]
            click.echo(
                f"  {name}: {json.dumps(before, ensure_ascii=False)} → "
                f"{json.dumps(after, ensure_ascii=False)}",
                err=True,
            )
        answers[plan.record.key] = click.confirm("Overwrite these fields?", err=True)
    return answers


def _outcome_json(outcome: Any) -> dict[str, Any]:
    article = outcome.article
    return {
        "key": outcome.key,
        "status": outcome.status,
        "id": article.id,
        "citekey": article.citekey,
        "title": article.title,
        "note": outcome.note,
    }


COMMANDS: list[click.Command] = [export, cite, import_bib]
