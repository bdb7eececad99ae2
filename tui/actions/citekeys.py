"""Citation-key actions for both front doors: regenerate keys, suggest one, set the
library's key formula. Textual-free; each returns an Outcome or raises a FolioError.

The notebook's metadata form offers a new key with `suggest_citekey(library, ref)` (the key
today's metadata would give; equal to the current one when nothing changed) and applies it
with `rekey(library, [ref])`, which keeps the old key as an alias.
"""

from __future__ import annotations

from library.errors import InvalidValue
from library.rekeying import Rekey
from library.store import Library
from tui.actions.exports import keeps_exports_current
from tui.actions.results import Notice, Outcome

CITEKEY_FORMAT = "citekey-format"
_EDIT_FLAGS = {"authors": "author"}  # `folio edit` takes one --author per name


def _left_out_notices(plan: list[Rekey]) -> list[Notice]:
    """Say which guessed fields a key could not use, and how to confirm them."""
    notices = []
    for item in plan:
        if not item.left_out:
            continue
        fields = " and ".join(item.left_out)
        flags = " ".join(f"--{_EDIT_FLAGS.get(name, name)} …" for name in item.left_out)
        notices.append(
            Notice(
                "guessed-not-in-key",
                f"{item.new}: not made from the guessed {fields} (confirm with "
                f"`folio edit {item.article.id} {flags}`, then rekey)",
                subject=item.article.id,
                level="note",
            )
        )
    return notices


@keeps_exports_current
def rekey(
    library: Library,
    refs: tuple[str, ...] | list[str] = (),
    everything: bool = False,
    dry_run: bool = False,
    formula: str | None = None,
) -> Outcome[list[Rekey]]:
    """Regenerate the keys of REFs (or of every article) from today's metadata with the
    library's formula (or `formula`, for this run only). The old keys stay as aliases.
    With `dry_run`, nothing is written."""
    from library.articles import get_article, iter_articles
    from library.keyformula import parse_formula
    from library.rekeying import apply_rekeys, plan_rekeys
    from library.settings import citekey_formula

    if bool(refs) == everything:
        raise InvalidValue("choose what to rekey: REF... or --all (one of)")
    if formula is not None:
        parse_formula(formula)
    conn = library.conn
    chosen = [get_article(conn, ref) for ref in refs] if refs else list(iter_articles(conn))
    plan = plan_rekeys(conn, chosen, formula or citekey_formula(conn))
    if not dry_run and any(item.changed for item in plan):
        with library.write() as writing:
            # Planned again inside the transaction: another process may have taken a key.
            current = [get_article(writing, item.article.id) for item in plan]
            plan = plan_rekeys(writing, current, formula or citekey_formula(writing))
            apply_rekeys(writing, plan)
    return Outcome(plan, _left_out_notices(plan))


def suggest_citekey(library: Library, ref: str) -> Outcome[str]:
    """The key the article would get from its metadata today (its current key when that is
    still what the formula gives), for a form to offer before `rekey`."""
    from library.articles import get_article
    from library.rekeying import plan_rekeys
    from library.settings import citekey_formula

    conn = library.conn
    plan = plan_rekeys(conn, [get_article(conn, ref)], citekey_formula(conn))
    return Outcome(plan[0].new, _left_out_notices(plan))


def citekey_format(library: Library) -> Outcome[tuple[str, bool]]:
    """The library's key formula, and whether it is Better BibTeX's default."""
    from library.settings import citekey_formula, get_setting

    stored = get_setting(library.conn, CITEKEY_FORMAT)
    return Outcome((citekey_formula(library.conn), stored is None))


def set_citekey_format(library: Library, formula: str | None) -> Outcome[str]:
    """Set the library's key formula (None: back to the default) after checking it parses.
    Existing keys stay as they are: only new articles and `rekey` use it."""
    from library.citekeys import DEFAULT_FORMULA
    from library.keyformula import parse_formula
    from library.settings import set_setting

    if formula is not None:
        formula = " ".join(formula.split())
        parse_formula(formula)
    with library.write() as conn:
        set_setting(conn, CITEKEY_FORMAT, formula)
    notice = Notice(
        "keys-pinned",
        "existing keys are pinned; `folio rekey --all --dry-run` shows what the formula would "
        "change",
        level="note",
    )
    return Outcome(formula or DEFAULT_FORMULA, [notice])
