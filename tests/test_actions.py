"""The actions both front doors call: each does the whole job and says what the user must know."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from library.errors import FolioError, InvalidValue
from library.store import Library
from notes.annotations import Annotation
from tests.conftest import write
from tests.tui_support import BEES, RIVER
from tui.actions.articles import edit_metadata, remove_articles, rename_citekey, show_article
from tui.actions.bibimport import import_bib
from tui.actions.export import OutputExists, Selection, export
from tui.actions.importing import attach_file, import_paths
from tui.actions.maintenance import check
from tui.actions.notes import (
    PassageSpec,
    annotate,
    delete_notes,
    edit_note,
    export_notes,
    import_notes,
    list_notes,
)
from tui.actions.results import Notice, confirmed
from tui.actions.search import search_articles
from tui.actions.tags import add_tags, remove_tags

# RIVER with a paragraph inserted before the silt and the meander paragraph gone.
RIVER_REVISED = RIVER.replace(
    "Floods spread silt",
    "An editor added this paragraph well before the quoted passage.\n\nFloods spread silt",
).replace(
    "A meander forms when the outer bank erodes faster than the inner bank. In time the loop "
    "closes.\n",
    "",
)


def _kinds(notices: list[Notice]) -> dict[str, Notice]:
    return {notice.kind: notice for notice in notices}


def _add(library: Library, path: Path) -> str:
    """Import one file; its article id."""
    (result,) = import_paths(library, [str(path)]).value.results
    assert result.article is not None, result.error
    return result.article.id


def _placed_at(library: Library, note: Annotation) -> str:
    """The words of its article's current text that a note is placed on."""
    text = show_article(library, note.article_id).value.article.text
    assert note.start is not None and note.end is not None, note.state
    return text[note.start : note.end]


def _note_on(library: Library, article_id: str, words: str, note: str = "") -> str:
    """Annotate the first place `words` occur; the annotation's id."""
    return annotate(library, article_id, PassageSpec(quote=words), note=note).value.id


def test_import_reports_each_failure_and_the_skipped_files(
    library: Library, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    write(folder / "river.txt", RIVER)
    write(folder / "empty.txt", "")
    write(folder / "picture.png", b"\x89PNG")
    outcome = import_paths(library, [str(folder), str(tmp_path / "missing.txt")])
    report = outcome.value
    assert report.counts() == {"added": 1, "updated": 0, "present": 0, "failed": 2, "skipped": 0}
    assert report.summary() == "1 added, 2 failed, 1 skipped (other formats)"
    failures = [n for n in outcome.warnings if n.kind == "import-failed"]
    assert [n.level for n in failures] == ["error", "error"]
    assert any("empty" in n.message for n in failures)
    assert any("missing.txt" in (n.subject or "") for n in failures)
    skipped = _kinds(outcome.warnings)["files-skipped"]
    assert skipped.level == "note" and ".md" in skipped.message
    assert outcome.failed_in_part


def test_reimporting_a_changed_text_reanchors_its_notes_and_says_what_moved(
    library: Library, tmp_path: Path
) -> None:
    path = write(tmp_path / "river.txt", RIVER)
    article_id = _add(library, path)
    kept = _note_on(library, article_id, "Farmers have always welcomed the silt")
    lost = _note_on(library, article_id, "the outer bank erodes faster")
    write(path, RIVER_REVISED)
    outcome = import_paths(library, [str(path)])
    assert outcome.value.counts()["updated"] == 1
    notices = _kinds(outcome.warnings)
    assert notices["notes-reanchored"].message == "2 note(s) re-anchored"
    assert notices["notes-orphaned"].level == "warning"
    states = {result.annotation_id: result.state for result in outcome.value.reanchored}
    assert states[kept] in ("anchored", "moved") and states[lost] == "orphan"
    (note,) = [n for n in list_notes(library, article_id).value if n.id == kept]
    assert _placed_at(library, note) == "Farmers have always welcomed the silt"
    assert check(library).value.found.unanchored == 0


def test_attaching_a_file_reanchors_the_notes_of_its_article(
    library: Library, tmp_path: Path
) -> None:
    article_id = _add(library, write(tmp_path / "river.txt", RIVER))
    _note_on(library, article_id, "Farmers have always welcomed the silt")
    outcome = attach_file(library, str(write(tmp_path / "v2.txt", RIVER_REVISED)), article_id)
    assert outcome.value.status == "updated"
    assert _kinds(outcome.warnings)["notes-reanchored"].message == "1 note(s) re-anchored"
    with pytest.raises(InvalidValue) as refused:
        attach_file(library, str(tmp_path), article_id)
    assert refused.value.field == "to"


def test_notes_read_paths_reanchor_a_text_changed_behind_their_back(
    library: Library, tmp_path: Path
) -> None:
    from library.importing import collect_sources, import_sources

    path = write(tmp_path / "river.txt", RIVER)
    article_id = _add(library, path)
    note_id = _note_on(library, article_id, "Farmers have always welcomed the silt")
    write(path, RIVER_REVISED)
    list(import_sources(library, collect_sources([str(path)])[0]))  # the core: no re-anchoring
    assert check(library).value.found.unanchored == 1
    (note,) = list_notes(library, article_id).value
    assert note.id == note_id and note.anchored_on == note.article_sha256
    assert _placed_at(library, note) == "Farmers have always welcomed the silt"
    assert check(library).value.found.unanchored == 0


def test_bibtex_export_reports_replaced_characters_and_biblatex_missing_fields(
    library: Library, tmp_path: Path
) -> None:
    _add(library, write(tmp_path / "ru.md", "---\ntitle: Россия и Talibán\n---\n\nSome text.\n"))
    everything = Selection(everything=True)
    bibtex = export(library, everything, "bibtex")
    replaced = _kinds(bibtex.warnings)["replaced-characters"]
    assert replaced.field == "title" and replaced.level == "warning"
    assert "Р" in replaced.message and "?" in bibtex.value.text
    key = replaced.subject
    assert key and f"{{{key}," in bibtex.value.text
    biblatex = export(library, everything, "biblatex")
    assert "replaced-characters" not in _kinds(biblatex.warnings)
    missing = _kinds(biblatex.warnings)["missing-field"]
    assert missing.field == "date" and missing.level == "note" and key in missing.message
    out = tmp_path / "strict.bib"
    with pytest.raises(FolioError, match="nothing written"):
        export(library, everything, "bibtex", output=out, strict=True)
    assert not out.exists()


def test_export_writes_with_a_backup_and_merges_keeping_other_entries(
    library: Library, tmp_path: Path
) -> None:
    river = _add(library, write(tmp_path / "river.txt", RIVER))
    out = tmp_path / "refs.bib"
    everything = Selection(everything=True)
    first = export(library, everything, output=out).value
    assert first.summary() == f"Wrote 1 entries to {out}" and first.backup is None
    with pytest.raises(OutputExists):
        export(library, everything, output=out)
    out.write_text("@book{other, title={Kept}}\n\n" + out.read_text(encoding="utf-8"))
    same = export(library, everything, output=out, merge=True).value
    assert same.summary() == f"{out}: up to date, nothing to write (1 unchanged)"
    edit_metadata(library, river, {"title": "The River Bends"})
    merged = export(library, everything, output=out, merge=True).value
    assert merged.summary().startswith(f"Updated {out}: 1 replaced, 0 added, 0 unchanged (backup: ")
    assert "Kept" in out.read_text(encoding="utf-8")
    replaced = export(library, everything, output=out, overwrite=True).value
    assert replaced.backup is not None and "Kept" in replaced.backup.read_text(encoding="utf-8")
    assert "Kept" not in out.read_text(encoding="utf-8")
    with pytest.raises(InvalidValue) as refused:
        export(library, everything, "csl-json", output=out, merge=True)
    assert refused.value.field == "merge"


def test_markdown_export_holds_the_notes_of_the_selection(library: Library, tmp_path: Path) -> None:
    article_id = _add(library, write(tmp_path / "river.txt", RIVER))
    _add(library, write(tmp_path / "bees.txt", BEES))
    _note_on(library, article_id, "Floods spread silt", "about floods")
    done = export(library, Selection(refs=(article_id,)), "markdown").value
    assert done.what == "1 note(s)" and "> Floods spread silt" in done.text


def test_import_bib_asks_the_injected_callback_before_overwriting(
    library: Library, tmp_path: Path
) -> None:
    bib = tmp_path / "refs.bib"
    write(bib, "@online{k1, title={Original}, url={https://example.org/a}}\n")

    def never(plans: object) -> dict[str, bool]:
        raise AssertionError("nothing to overwrite: the callback must not be asked")

    assert import_bib(library, bib, never).value.summary() == "1 added"
    write(bib, "@online{k1, title={Changed}, url={https://example.org/a}}\n@misc{broken,\n")
    asked: list[list[str]] = []

    def decline(plans: list) -> dict[str, bool]:  # type: ignore[type-arg]
        asked.extend(plan.conflicts for plan in plans)
        return {}

    declined = import_bib(library, bib, decline)
    assert asked == [["title"]] and declined.value.outcomes[0].status == "unchanged"
    assert show_article(library, "k1").value.article.title == "Original"
    assert _kinds(declined.warnings)["bib-entry-failed"].level == "error"
    assert declined.failed_in_part and declined.value.summary() == "1 unchanged, 1 failed"
    accepted = import_bib(library, bib, lambda plans: {p.record.key: True for p in plans})
    assert accepted.value.outcomes[0].status == "updated"
    assert show_article(library, "k1").value.article.title == "Changed"


def test_import_bib_overwrites_only_what_the_user_was_shown(
    library: Library, tmp_path: Path
) -> None:
    """A yes to "overwrite title: A → B" is not a yes to overwrite a title someone changed
    while the question was on screen: that article keeps its fields, and a notice says so."""
    bib = write(
        tmp_path / "refs.bib", "@online{k1, title={Original}, url={https://example.org/a}}\n"
    )
    import_bib(library, bib, dict)
    write(bib, "@online{k1, title={From the file}, url={https://example.org/a}}\n")

    def yes_while_someone_edits(plans: list) -> dict[str, bool]:  # type: ignore[type-arg]
        with Library(library.root) as other:  # another window saves meanwhile
            edit_metadata(other, "k1", {"title": "Typed meanwhile"})
        return {plan.record.key: True for plan in plans}

    outcome = import_bib(library, bib, yes_while_someone_edits)
    assert show_article(library, "k1").value.article.title == "Typed meanwhile"
    meanwhile = _kinds(outcome.warnings)["bib-changed-meanwhile"]
    assert "changed while you were asked" in meanwhile.message
    again = import_bib(library, bib, lambda plans: {plan.record.key: True for plan in plans})
    assert show_article(library, "k1").value.article.title == "From the file"
    assert "bib-changed-meanwhile" not in _kinds(again.warnings)


def test_tag_changes_reach_the_index_without_the_caller_asking(
    library: Library, tmp_path: Path
) -> None:
    article_id = _add(library, write(tmp_path / "river.txt", RIVER))
    note_id = _note_on(library, article_id, "Floods spread silt")

    def found(query: str) -> list[str]:
        return [hit.id for hit in search_articles(library, query).value.hits]

    change = add_tags(library, article_id, ["Thesis", "thesis"]).value
    assert change.changed == 1 and change.tags == ["Thesis"]
    assert found("tag:thesis") == [article_id]
    assert add_tags(library, note_id, ["floods"]).value.target == f"annotation {note_id}"
    assert found("tag:floods") == [article_id]
    assert remove_tags(library, note_id, ["floods"]).value.tags == []
    assert found("tag:floods") == []
    edit_note(library, note_id, tags=["plains"])
    assert found("tag:plains") == [article_id]
    assert check(library).value.found.clean


def test_refused_values_name_their_field(library: Library, tmp_path: Path) -> None:
    river = _add(library, write(tmp_path / "river.txt", RIVER))
    bees = _add(library, write(tmp_path / "bees.txt", BEES))
    with pytest.raises(InvalidValue) as bad_date:
        edit_metadata(library, river, {"date": "2021-02-30"})
    assert bad_date.value.field == "date" and "not a real date" in bad_date.value.reason
    assert str(bad_date.value).startswith("date: ")
    with pytest.raises(InvalidValue) as empty_author:
        edit_metadata(library, river, {"authors": ["Ana", " "]})
    assert empty_author.value.field == "authors"
    taken = show_article(library, bees).value.article.citekey
    with pytest.raises(InvalidValue) as key_taken:
        rename_citekey(library, river, taken)
    assert key_taken.value.field == "citekey" and "already the key" in key_taken.value.reason
    edited = edit_metadata(library, river, {"title": "Rivers", "site": ""}, "rivers2021").value
    assert edited.changed == ["title", "site", "citekey"]
    assert edited.article.citekey == "rivers2021" and edited.article.site is None


def test_deleting_waits_for_the_confirmation(library: Library, tmp_path: Path) -> None:
    article_id = _add(library, write(tmp_path / "river.txt", RIVER))
    note_id = _note_on(library, article_id, "Floods spread silt")
    seen: list[int] = []
    kept = remove_articles(library, [article_id], lambda removal: bool(seen.append(removal.notes)))
    assert kept.value == 0 and seen == [1]
    assert delete_notes(library, [note_id], lambda notes: False).value == 0
    assert len(list_notes(library).value) == 1
    assert delete_notes(library, [note_id, note_id], confirmed).value == 1
    assert remove_articles(library, [article_id, article_id], confirmed).value == 1
    assert import_paths(library, []).value.summary() == "nothing to import"


def test_notes_json_round_trip_reports_what_it_could_not_place(
    library: Library, tmp_path: Path
) -> None:
    article_id = _add(library, write(tmp_path / "river.txt", RIVER))
    _note_on(library, article_id, "Floods spread silt", "floods")
    saved = tmp_path / "notes.json"
    assert export_notes(library, fmt="json", output=saved).value.count == 1
    data = json.loads(saved.read_text(encoding="utf-8"))
    stranger = json.loads(json.dumps(data["annotations"][0]))
    stranger["id"], stranger["article"] = "nzzzzzz", {"citekey": "nobody2020", "text_sha256": "x"}
    data["annotations"].append(stranger)
    saved.write_text(json.dumps(data), encoding="utf-8")
    with Library(tmp_path / "other") as other:  # the same article, revised: matched by key
        other_id = _add(other, write(tmp_path / "elsewhere" / "river.txt", RIVER_REVISED))
        outcome = import_notes(other, saved)
        assert outcome.value.added == 1 and outcome.value.unmatched == ["nzzzzzz"]
        notices = _kinds(outcome.warnings)
        assert notices["notes-reanchored"].message == "1 note(s) re-anchored"
        unmatched = notices["notes-unmatched"]
        assert unmatched.level == "error" and "nzzzzzz" in unmatched.message
        (note,) = list_notes(other, other_id).value
        assert _placed_at(other, note) == "Floods spread silt"
    again = import_notes(library, saved)
    assert again.value.unchanged == 1 and again.failed_in_part
