"""The metadata form: the fields `folio edit` takes, validated by the same code, errors inline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Input, Label, Select, Static

from library.citekeys import check_citekey
from library.errors import EditConflict, FolioError, InvalidValue
from library.extracted import ARTICLE_TYPES
from library.metadata import check_changes
from tui.actions import articles as article_actions
from tui.actions import citekeys as citekey_actions
from tui.app.failures import guarded_work
from tui.dialogs.conflict import ConflictDialog
from tui.dialogs.save_cancel import SaveCancelDialog, save_cancel_buttons
from tui.widgets.text_boxes import TextBox

if TYPE_CHECKING:
    from tui.app import FolioApp

# (field, label, hint shown in the empty box) in the order shown.
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("title", "Title", ""),
    ("subtitle", "Subtitle", ""),
    ("authors", "Authors (a; b)", "names separated by ;"),
    ("date", "Date", "YYYY, YYYY-MM or YYYY-MM-DD"),
    ("site", "Site", "the publication or website"),
    ("url", "URL", "https://…"),
    ("language", "Language", "en, pt-BR…"),
    ("citekey", "Citation key", "a letter, then letters, digits or _ : . -"),
)
# Every field with a box (and a place for its error under it).
BOXES = frozenset({*(name for name, _, _ in FIELDS), "type"})
CITEKEY_NOTE = (
    "ctrl+g fills in the key today's metadata gives (the library's key formula). "
    "The old key stays as an alias: \\cite{old key} still finds the article."
)


def field_value(article: Any, name: str) -> str:
    """How a field appears in its box."""
    value = getattr(article, name)
    if name == "authors":
        return "; ".join(value)
    return value or ""


def raw_value(name: str, typed: str) -> object:
    """The box's text as check_changes expects it."""
    if name == "authors":
        return [part.strip() for part in typed.split(";") if part.strip()]
    return typed


class MetadataForm(SaveCancelDialog[list[str] | None]):
    """Edit an article's metadata; saves through the same checks as `folio edit` and returns
    the names of the fields that changed (None when cancelled)."""

    app: FolioApp
    BINDINGS = [Binding("ctrl+g", "suggest_citekey", "Suggest key")]  # noqa: RUF012

    def __init__(self, article: Any) -> None:
        super().__init__()
        self.article = article

    def compose(self) -> ComposeResult:
        """One labelled box per field, with room for its error under it."""
        with Vertical(classes="dialog", id="metadata-form"):
            yield Label("Edit metadata", classes="dialog-title")
            with VerticalScroll(id="metadata-fields"):
                for name, label, hint in FIELDS:
                    with Horizontal(classes="field-row"):
                        yield Label(label)
                        yield TextBox(
                            field_value(self.article, name),
                            placeholder=hint,
                            id=f"field-{name}",
                            compact=True,
                        )
                    yield Static("", id=f"error-{name}", classes="field-error field-note")
                yield Static(Content(CITEKEY_NOTE), classes="dim field-note")
                with Horizontal(classes="field-row"):
                    yield Label("Type")
                    yield Select(
                        [(kind, kind) for kind in ARTICLE_TYPES],
                        value=self.article.type
                        if self.article.type in ARTICLE_TYPES
                        else Select.BLANK,
                        allow_blank=True,
                        compact=True,
                        id="field-type",
                    )
                yield Static("", id="error-type", classes="field-error field-note")
            yield Static("", id="error-form")
            yield save_cancel_buttons("metadata")

    def on_mount(self) -> None:
        """Start in the title box."""
        self.query_one("#field-title", Input).focus()

    def _typed(self, name: str) -> str:
        return self.query_one(f"#field-{name}", Input).value

    def changes(self) -> dict[str, object]:
        """The metadata fields whose boxes differ from the stored values, as typed."""
        changed: dict[str, object] = {}
        for name, _, _ in FIELDS:
            typed = self._typed(name)
            if name != "citekey" and typed.strip() != field_value(self.article, name).strip():
                changed[name] = raw_value(name, typed)
        kind = self.query_one("#field-type", Select).value
        kind_text = "" if kind is Select.BLANK else str(kind)
        if kind_text != (self.article.type or ""):
            changed["type"] = kind_text
        return changed

    def new_citekey(self) -> str | None:
        """The citekey typed, when it differs from the current one."""
        typed = self._typed("citekey").strip()
        return typed if typed != self.article.citekey else None

    def show_error(self, name: str, message: str) -> None:
        """Show (or, with "", clear) the message under a box."""
        error = self.query_one(f"#error-{name}", Static)
        error.update(Content(message))
        error.set_class(bool(message), "shown")

    def validate_field(self, name: str) -> bool:
        """Check one box; show its error under it. True when it is acceptable."""
        typed = self._typed(name)
        try:
            if name == "citekey":
                check_citekey(typed)
            else:
                check_changes({name: raw_value(name, typed)})
        except InvalidValue as exc:
            self.show_error(name, exc.reason)
            return False
        self.show_error(name, "")
        return True

    @on(Input.Changed)
    def box_changed(self, event: Input.Changed) -> None:
        """Re-check a box once it has an error, so the message goes when it is fixed."""
        name = (event.input.id or "").removeprefix("field-")
        if self.query_one(f"#error-{name}", Static).has_class("shown"):
            self.validate_field(name)

    @on(Input.Blurred)
    def box_left(self, event: Input.Blurred) -> None:
        """Check a box when the user leaves it."""
        self.validate_field((event.input.id or "").removeprefix("field-"))

    @guarded_work("suggesting a citation key", exclusive=True, group="metadata-rekey")
    async def action_suggest_citekey(self) -> None:
        """Put the key the library's formula makes from the saved metadata in the key box
        (saved with the form, like a typed key); say which guessed fields it left out."""
        suggested = await self.app.call(citekey_actions.suggest_citekey, self.article.id)
        self.query_one("#field-citekey", Input).value = suggested.value
        note = " ".join(notice.message for notice in suggested.warnings)
        self.show_error("citekey", note)

    def action_save(self) -> None:
        """Check every box, then save; what the store refuses is shown under its box."""
        if not all([self.validate_field(name) for name, _, _ in FIELDS]):
            self.query_one("#error-form", Static).update("Fix the fields marked above.")
            return
        changes, citekey = self.changes(), self.new_citekey()
        if not changes and citekey is None:
            self.dismiss([])
            return
        self.save(changes, citekey)

    @guarded_work("saving the metadata", exclusive=True, group="metadata-save")
    async def save(self, changes: dict[str, object], citekey: str | None) -> None:
        """Write the changes (in a thread); stay open, with what was typed, if they are
        refused (the reason under its box) or fail (the app's handler says why)."""
        form_error = self.query_one("#error-form", Static)
        try:
            edited = await self.app.call(
                lambda library: article_actions.edit_metadata(
                    library, self.article.id, changes, citekey, base=self.article
                )
            )
        except EditConflict as exc:  # changed meanwhile: show both, ask
            conflict = exc  # (`exc` is unbound once the except block ends)
            self.app.push_screen(
                ConflictDialog(conflict),
                lambda choice: self._after_conflict(conflict, changes, citekey, choice),
            )
            return
        except FolioError as exc:
            if isinstance(exc, InvalidValue) and exc.field is not None and exc.field in BOXES:
                self.show_error(exc.field, exc.reason)  # under its box, by the field it names
            form_error.update(Content(str(exc)))
            return
        except Exception:
            form_error.update(Content("Not saved (see the message); what you typed is still here."))
            raise  # to the app's handler
        self.dismiss(edited.value.changed)

    def _after_conflict(
        self, conflict: EditConflict, changes: dict[str, object], citekey: str | None, choice: str
    ) -> None:
        """From now on the form edits the article as stored now; save over it, or close
        keeping it, or stay (the boxes keep what was typed)."""
        self.article = conflict.current
        if choice == "mine":
            self.save(changes, citekey)
        elif choice == "theirs":
            self.dismiss(None)
