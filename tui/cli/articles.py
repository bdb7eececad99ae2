"""`folio` commands on articles: list, show, edit, rm."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import click

from library.textnorm import one_line
from tui.cli.common import (
    confirm_deletion,
    echo,
    echo_lines,
    emit_json,
    finish,
    guarded,
    open_library,
    overwrite_after_conflict,
    stream_json_list,
    styled,
)

if TYPE_CHECKING:
    from library.articles import Article
    from tui.actions.articles import ArticleDetails, ArticleSort, Removal

SORT_CHOICES = ("added", "date", "title")


@click.command(name="list")
@click.option("--sort", type=click.Choice(SORT_CHOICES), default="added", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="A JSON list of articles.")
@click.pass_context
@guarded
def list_command(ctx: click.Context, sort: str, as_json: bool) -> None:
    """List the articles in the library."""
    from tui.actions.articles import list_articles

    with open_library(ctx) as library:
        items = list_articles(library, cast("ArticleSort", sort)).value
        if as_json:
            count = stream_json_list(article_json(article) for article in items)
        else:
            count = echo_lines(_list_line(article) for article in items)
    if not count and not as_json:
        echo("The library is empty. Import articles with `folio add PATH`.", err=True)


def _list_line(article: Article) -> str:
    who = one_line(", ".join(article.authors) or article.site or "", 24)
    return (
        f"{article.id}  {article.citekey:<32} {article.date or '':<10}  "
        f"{who:<24}  {one_line(article.display_title, 70)}"
    )


def article_json(article: Article, with_text: bool = False) -> dict[str, Any]:
    """An article as `folio list --json` and `folio show --json` give it."""
    data: dict[str, Any] = {"id": article.id, "citekey": article.citekey}
    data.update(article.metadata())
    data["origins"] = article.origins
    data.update(
        format=article.format,
        source_path=article.source_path,
        added=article.added_at,
        modified=article.modified_at,
    )
    if with_text:
        data["pages"] = article.pages
        data["page_labels"] = article.page_labels
        data["characters"] = len(article.text)
        data["text"] = article.text
    return data


@click.command()
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="Metadata and text as JSON.")
@click.option("--text", "with_text", is_flag=True, help="Print the clean text too.")
@click.pass_context
@guarded
def show(ctx: click.Context, ref: str, as_json: bool, with_text: bool) -> None:
    """Show an article's metadata (REF is its id or citekey)."""
    from tui.actions.articles import show_article

    with open_library(ctx) as library:
        outcome = show_article(library, ref)
    details = outcome.value
    article = details.article
    if as_json:
        data = article_json(article, with_text=True)
        extra = {"aliases": details.aliases, "tags": details.tags, "notes": details.notes}
        extra["bib"] = details.bib
        extra["related"] = [item.to_json() for item in details.related]
        emit_json({**data, **extra})
        finish(outcome)
        return
    title_origin = article.origins.get("title", "found")
    title_mark = f"  ({title_origin})" if title_origin != "found" else ""
    echo(styled(article.display_title, bold=True), title_mark)
    rows = _detail_rows(details)
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        echo(f"  {label:<{width}}  {value}")
    if with_text:
        echo()
        echo(article.text)
    finish(outcome)


def _detail_rows(details: ArticleDetails) -> list[tuple[str, str]]:
    """(label, value) lines under the title: ids, metadata with provenance, text, notes."""
    from library.extracted import METADATA_FIELDS
    from library.paragraphs import paragraph_spans

    article = details.article
    rows = [("id", article.id), ("citekey", article.citekey)]
    if details.aliases:
        rows.append(("old keys", ", ".join(details.aliases)))
    for name in METADATA_FIELDS:
        value = getattr(article, name)
        if name == "title" or not value:
            continue
        shown = "; ".join(value) if isinstance(value, list) else value
        origin = article.origins.get(name, "found")
        rows.append(
            (name.replace("_", " "), shown + (f"  ({origin})" if origin != "found" else ""))
        )
    pages = f", {len(article.pages)} pages" if article.pages else ""
    paragraphs = len(paragraph_spans(article.text))
    words = len(article.text.split())
    rows.append(("text", f"{words} words, {paragraphs} paragraphs{pages} ({article.format})"))
    if details.bib:
        bib, kept = details.bib, one_line(", ".join(details.bib["fields"]), 60)
        rows.append(("bib", f"@{bib['type']}{{{bib['key']}}}: {kept}"))
    if details.tags:
        rows.append(("tags", ", ".join(details.tags)))
    if details.notes:
        rows.append(("notes", f"{details.notes} (folio notes {article.id})"))
    for number, item in enumerate(details.related):
        other = item.article
        rows.append(
            (
                "related" if number == 0 else "",
                f"{other.id} [{other.citekey}] {item.kind}: {item.extent}",
            )
        )
    rows.append(("added", article.added_at))
    if article.source_path:
        rows.append(("source", article.source_path))
    return rows


@click.command()
@click.argument("ref")
@click.option("--title")
@click.option("--subtitle")
@click.option("--author", "authors", multiple=True, help="Repeat for several authors.")
@click.option("--date", metavar="YYYY[-MM[-DD]]")
@click.option("--site")
@click.option("--republished-by", "republished_by")
@click.option("--url")
@click.option("--language")
@click.option("--type", "type_")
@click.option("--citekey", metavar="KEY", help="Rename the citation key (must be free).")
@click.pass_context
@guarded
def edit(
    ctx: click.Context,
    ref: str,
    authors: tuple[str, ...],
    type_: str | None,
    citekey: str | None,
    **fields: str | None,
) -> None:
    """Correct an article's metadata.

    With no options, opens the metadata as TOML in $EDITOR. An empty value clears a field.
    """
    from library.errors import EditConflict
    from tui.actions.articles import (
        MetadataDraft,
        edit_metadata,
        edit_metadata_from_toml,
        metadata_draft,
    )

    typed: dict[str, object] = {name: value for name, value in fields.items() if value is not None}
    if authors:
        typed["authors"] = list(authors)
    if type_ is not None:
        typed["type"] = type_
    with open_library(ctx) as library:
        if typed or citekey is not None:
            outcome = edit_metadata(library, ref, typed, citekey)
        else:
            draft = metadata_draft(library, ref).value
            edited = click.edit(draft.toml, extension=".toml", require_save=True)
            if edited is None:
                echo("No changes.")
                return
            try:
                outcome = edit_metadata_from_toml(library, draft, edited)
            except EditConflict as conflict:  # changed elsewhere while $EDITOR was open
                overwrite_after_conflict(conflict, edited, ".toml")
                theirs = MetadataDraft(cast("Article", conflict.current), draft.toml)
                outcome = edit_metadata_from_toml(library, theirs, edited)
    edit_done = outcome.value
    if not edit_done.changed:
        echo("No changes.")
        return
    article = edit_done.article
    echo(f"Updated {article.id} [{article.citekey}]: {', '.join(edit_done.changed)}")
    finish(outcome)


@click.command()
@click.argument("refs", nargs=-1, required=True)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
@guarded
def rm(ctx: click.Context, refs: tuple[str, ...], yes: bool) -> None:
    """Remove articles (asks first).

    The original files stay in the library's files/ folder.
    """
    from tui.actions.articles import remove_articles

    def ask(removal: Removal) -> bool:
        for article in removal.articles:
            echo(f"{article.id} [{article.citekey}] {one_line(article.display_title, 70)}")
        written = f" and the {removal.notes} note(s) on them" if removal.notes else ""
        confirm_deletion(f"Delete {len(removal.articles)} article(s){written}?", yes)
        return True

    with open_library(ctx) as library:
        outcome = remove_articles(library, refs, ask)
    echo(f"Deleted {outcome.value} article(s).")
    finish(outcome)


COMMANDS: list[click.Command] = [list_command, show, edit, rm]
