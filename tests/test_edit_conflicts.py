"""Every edit of a note or an article is a compare-and-set against the version it started
from: a save that finds the record changed meanwhile (by another window or command) shows
both versions and asks, and never overwrites on its own."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from textual.widgets import Input

from library.errors import EditConflict
from library.store import Library
from tests.conftest import Folio
from tests.tui_support import (
    article_of,
    id_of_article,
    make_library,
    note_at,
    run_app,
    wait_for,
)
from tui.actions import articles as article_actions
from tui.actions import notes as note_actions
from tui.actions import tags as tag_actions
from tui.app import FolioApp  # noqa: F401  (before any dialog: the dialogs import the app)


@pytest.fixture
def noted(library_dir: Path) -> tuple[str, str]:
    """A library with one tagged note on the river article: (article id, note id)."""
    make_library(library_dir, hostile=False)
    article_id = id_of_article(library_dir, "River%")
    with Library(library_dir) as library:
        text = article_of(library, article_id).text
        at = text.index("silt")
        note_at(library, article_id, at, at + 4, "first note", ["soil"])
        (note,) = note_actions.list_notes(library, article_id).value
    return article_id, note.id


def _note(library_dir: Path, note_id: str):
    with Library(library_dir) as library:
        return next(n for n in note_actions.list_notes(library).value if n.id == note_id)


# --- the data layer ---------------------------------------------------------------------


def test_every_change_of_a_note_bumps_its_version(library_dir: Path, noted) -> None:
    _, note_id = noted
    first = _note(library_dir, note_id).rev
    with Library(library_dir) as library:
        note_actions.edit_note(library, note_id, note="second")
        tag_actions.add_tags(library, note_id, ["more"])
        tag_actions.remove_tags(library, note_id, ["more"])
    assert _note(library_dir, note_id).rev == first + 3


def test_a_stale_note_save_raises_with_both_versions(library_dir: Path, noted) -> None:
    _, note_id = noted
    shown = _note(library_dir, note_id)
    with Library(library_dir) as library:
        tag_actions.add_tags(library, note_id, ["meanwhile"])  # another window
        with pytest.raises(EditConflict) as raised:
            note_actions.edit_note(
                library, note_id, note="mine", tags=["soil"], expected_rev=shown.rev
            )
    conflict = raised.value
    assert conflict.current.tags == ["meanwhile", "soil"] and conflict.current.note == "first note"
    assert conflict.mine == {"note": "mine", "tags": ["soil"]}
    after = _note(library_dir, note_id)
    assert after.note == "first note" and after.tags == ["meanwhile", "soil"]
    with Library(library_dir) as library:  # saving against what is there now works
        note_actions.edit_note(library, note_id, note="mine", expected_rev=after.rev)
    assert _note(library_dir, note_id).note == "mine"


def test_a_stale_metadata_save_raises_only_when_the_metadata_changed(
    library_dir: Path, noted
) -> None:
    article_id, note_id = noted
    with Library(library_dir) as library:
        shown = article_of(library, article_id)
        tag_actions.add_tags(library, note_id, ["other"])  # bumps the article, not its fields
        edited = article_actions.edit_metadata(library, article_id, {"site": "A"}, base=shown)
        assert edited.value.article.site == "A"
        article_actions.edit_metadata(library, article_id, {"title": "Theirs"})
        with pytest.raises(EditConflict) as raised:
            article_actions.edit_metadata(library, article_id, {"title": "Mine"}, base=shown)
        assert raised.value.current.title == "Theirs" and raised.value.mine == {"title": "Mine"}
        assert article_of(library, article_id).title == "Theirs"


def test_a_stale_tags_save_raises_and_writes_nothing(library_dir: Path, noted) -> None:
    article_id, _ = noted
    with Library(library_dir) as library:
        tag_actions.add_tags(library, article_id, ["meanwhile"])  # another window
        with pytest.raises(EditConflict) as raised:
            tag_actions.set_tags(library, article_id, ["mine"], expected=[])
        assert raised.value.current.tags == ["meanwhile"] and raised.value.mine == {
            "tags": ["mine"]
        }
        assert article_actions.show_article(library, article_id).value.tags == ["meanwhile"]
        # the same tags in another letter case are the same tags: saved
        tag_actions.set_tags(library, article_id, ["mine"], expected=["MEANWHILE"])
        assert article_actions.show_article(library, article_id).value.tags == ["mine"]


# --- the CLI's $EDITOR flows --------------------------------------------------------------


def _editor_that_races(library_dir: Path, change, result: str):
    """A stand-in for $EDITOR: while it is "open", another command changes the record."""

    def edit(text: str | None = None, **kwargs) -> str:
        with Library(library_dir) as library:
            change(library)
        return result

    return edit


@pytest.mark.parametrize("answer", ["n", "y"])
def test_note_edit_in_the_editor_asks_when_the_note_changed(
    library_dir: Path, noted, monkeypatch, answer: str
) -> None:
    _, note_id = noted
    monkeypatch.setattr("tui.cli.common.interactive", lambda: True)
    monkeypatch.setattr(
        click,
        "edit",
        _editor_that_races(
            library_dir,
            lambda library: note_actions.edit_note(library, note_id, note="theirs"),
            "mine",
        ),
    )
    result = Folio(library_dir)("note-edit", note_id, input=f"{answer}\n")
    assert "changed since you started" in result.stderr
    assert "theirs" in result.stderr and "mine" in result.stderr  # both versions shown
    note = _note(library_dir, note_id)
    if answer == "y":
        assert result.exit_code == 0 and note.note == "mine"
    else:
        assert result.exit_code == 1 and note.note == "theirs"
        saved = result.stderr.rsplit("your version is in ", 1)[1].split()[0].rstrip(")")
        assert Path(saved).read_text(encoding="utf-8").strip() == "mine"


def test_edit_in_the_editor_refuses_without_a_terminal(
    library_dir: Path, noted, monkeypatch
) -> None:
    article_id, _ = noted
    with Library(library_dir) as library:
        toml = article_actions.metadata_draft(library, article_id).value.toml
    mine = toml.replace('title = "The River Meanders"', 'title = "Mine"')
    assert mine != toml
    monkeypatch.setattr(
        click,
        "edit",
        _editor_that_races(
            library_dir,
            lambda library: article_actions.edit_metadata(library, article_id, {"title": "Theirs"}),
            mine,
        ),
    )
    result = Folio(library_dir)("edit", article_id)
    assert result.exit_code == 1
    assert "changed since you started" in result.stderr and "Theirs" in result.stderr
    saved = result.stderr.rsplit("your version is in ", 1)[1].split()[0].rstrip(")")
    assert 'title = "Mine"' in Path(saved).read_text(encoding="utf-8")
    with Library(library_dir) as library:
        assert article_of(library, article_id).title == "Theirs"


# --- the notebook -------------------------------------------------------------------------


def test_note_dialog_shows_a_conflict_and_reverts_nothing(library_dir: Path, noted) -> None:
    """The dialog is open on a note; meanwhile `folio tag add` and `folio note-edit` change
    it; ctrl+s shows both versions and asks, and the CLI's changes stay."""
    from tui.dialogs.annotate import AnnotateDialog
    from tui.dialogs.conflict import ConflictDialog
    from tui.screens.reader import ReaderScreen

    article_id, note_id = noted
    cli = Folio(library_dir)

    async def scenario(app, pilot) -> None:
        await wait_for(lambda: type(app.screen).__name__ == "LibraryScreen")
        app.open_reader(article_id)
        await wait_for(lambda: isinstance(app.screen, ReaderScreen) and app.screen.annotations)
        reader = app.screen
        await pilot.press("n", "e")
        await wait_for(lambda: isinstance(app.screen, AnnotateDialog))
        await pilot.press("end", *" edited in the notebook")
        assert cli("tag", "add", note_id, "from-cli").exit_code == 0
        assert cli("note-edit", note_id, "--note", "written in the CLI").exit_code == 0
        await pilot.press("ctrl+s")
        await wait_for(lambda: isinstance(app.screen, ConflictDialog))
        shown = app.screen.shown_text()
        assert "written in the CLI" in shown and "edited in the notebook" in shown
        assert "from-cli" in shown
        after = _note(library_dir, note_id)
        assert after.note == "written in the CLI" and after.tags == ["from-cli", "soil"]
        await pilot.click("#choice-theirs")
        await wait_for(lambda: isinstance(app.screen, ReaderScreen))
        await wait_for(lambda: reader.annotations[0].note == "written in the CLI")
        if not reader.query_one("#notes-list").has_focus:
            await pilot.press("n")
        await pilot.press("e")  # and saving over theirs, once asked, works
        await wait_for(lambda: isinstance(app.screen, AnnotateDialog))
        await pilot.press("end", *" again")
        assert cli("tag", "add", note_id, "later").exit_code == 0
        await pilot.press("ctrl+s")
        await wait_for(lambda: isinstance(app.screen, ConflictDialog))
        await pilot.click("#choice-mine")
        await wait_for(lambda: _note(library_dir, note_id).note == "written in the CLI again")

    run_app(library_dir, scenario)


def test_metadata_form_shows_a_conflict_and_reverts_nothing(library_dir: Path, noted) -> None:
    from tui.dialogs.conflict import ConflictDialog
    from tui.dialogs.metadata import MetadataForm

    article_id, _ = noted
    cli = Folio(library_dir)

    async def scenario(app, pilot) -> None:
        await wait_for(lambda: type(app.screen).__name__ == "LibraryScreen")
        app.edit_metadata(article_id)
        await wait_for(
            lambda: isinstance(app.screen, MetadataForm) and bool(app.screen.query("#field-title"))
        )
        form = app.screen
        form.query_one("#field-title", Input).value = "Notebook Title"
        assert cli("edit", article_id, "--title", "CLI Title").exit_code == 0
        await pilot.press("ctrl+s")
        await wait_for(lambda: isinstance(app.screen, ConflictDialog))
        shown = app.screen.shown_text()
        assert "CLI Title" in shown and "Notebook Title" in shown
        with Library(library_dir) as library:
            assert article_of(library, article_id).title == "CLI Title"
        await pilot.click("#choice-edit")
        await wait_for(lambda: app.screen is form)
        await pilot.press("ctrl+s")  # saved against the version just shown: no conflict
        await wait_for(lambda: not isinstance(app.screen, MetadataForm))
        with Library(library_dir) as library:
            assert article_of(library, article_id).title == "Notebook Title"

    run_app(library_dir, scenario)


def test_article_tags_dialog_shows_a_conflict_and_reverts_nothing(library_dir: Path, noted) -> None:
    """The article's tags dialog is open; meanwhile `folio tag add` tags the article; the
    save shows both and asks; "back to editing" saves against what is there now."""
    from tui.dialogs.conflict import ConflictDialog
    from tui.dialogs.tag_article import TagArticleDialog

    article_id, _ = noted
    cli = Folio(library_dir)

    def tags_now() -> list[str]:
        with Library(library_dir) as library:
            return article_actions.show_article(library, article_id).value.tags

    async def scenario(app, pilot) -> None:
        await wait_for(lambda: type(app.screen).__name__ == "LibraryScreen")
        app.tag_article(article_id)
        await wait_for(lambda: isinstance(app.screen, TagArticleDialog))
        dialog = app.screen
        await pilot.press(*"mine")
        assert cli("tag", "add", article_id, "from-cli").exit_code == 0
        await pilot.press("enter")
        await wait_for(lambda: isinstance(app.screen, ConflictDialog))
        shown = app.screen.shown_text()
        assert "from-cli" in shown and "mine" in shown
        assert tags_now() == ["from-cli"]
        await pilot.click("#choice-edit")
        await wait_for(lambda: isinstance(app.screen, TagArticleDialog))
        assert app.screen is not dialog  # a new dialog, on the tags as they are now
        await pilot.press("enter")  # saved against the tags just shown: no conflict
        await wait_for(lambda: tags_now() == ["mine"])

    run_app(library_dir, scenario)
