"""The actions behind the notebook's first-hour keys (Textual-free): `o` opens an article's
original (tui/actions/originals.py); `#` sets its tags (tags.set_tags) and `D` deletes it
(articles.remove_articles), asking with what articles.show_article tells."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from library.articles import get_article, update_metadata
from library.blobs import blob_path
from library.errors import FolioError, InvalidValue, NotFound
from library.importing import collect_sources, import_sources
from library.search import search
from library.store import Library
from notes.annotations import count_annotations
from tests.conftest import write
from tests.tui_support import BEES, RIVER, annotate, id_of_article, import_texts
from tui.actions import originals
from tui.actions.articles import Removal, remove_articles, show_article
from tui.actions.results import Outcome
from tui.actions.tags import set_tags


@pytest.fixture
def river(library: Library, tmp_path: Path) -> str:
    """The river article, imported from a file (so it has a kept copy and a source path)."""
    source = write(tmp_path / "in" / "river.txt", RIVER)
    sources, _, _ = collect_sources([str(source)])
    results = list(import_sources(library, sources))
    assert results[0].status == "added" and results[0].article is not None, results
    import_texts(library, {"bees.txt": BEES})
    return results[0].article.id


def test_summarize_names_the_article_and_counts_its_notes(library_dir: Path) -> None:
    with Library(library_dir) as library:
        import_texts(library, {"river.txt": RIVER})
    article_id, _ = annotate(library_dir, "River%", "silt", "one", [])
    annotate(library_dir, "River%", "meander", "two", [])
    with Library(library_dir) as library:
        summary = show_article(library, article_id)
    assert isinstance(summary, Outcome)
    assert (summary.value.article.display_title, summary.value.notes) == ("The River Meanders", 2)


def test_delete_article_takes_its_notes_and_unused_tags_and_leaves_the_index(
    library_dir: Path,
) -> None:
    with Library(library_dir) as library:
        import_texts(library, {"river.txt": RIVER, "bees.txt": BEES})
    article_id, _ = annotate(library_dir, "River%", "silt", "a note", ["only-here"])
    annotate(library_dir, "Bees%", "Honey", "", ["shared"])
    with Library(library_dir) as library:
        from notes.tags import link_tags

        with library.write() as conn:
            link_tags(conn, "article", get_article(conn, article_id).pk, ["shared"])
        asked: list[Removal] = []

        def confirm(removal: Removal) -> bool:
            asked.append(removal)
            return True

        assert remove_articles(library, [article_id], confirm).value == 1
        assert asked[0].notes == 1
        with pytest.raises(NotFound):
            get_article(library.conn, article_id)
        bees = get_article(library.conn, id_of_article(library_dir, "Bees%"))
        total = library.conn.execute("SELECT count(*) FROM annotations").fetchone()[0]
        assert total == count_annotations(library.conn, bees.pk) == 1  # only the bees' note
        names = [row[0] for row in library.conn.execute("SELECT name FROM tags")]
        assert names == ["shared"]  # still on the bees' note
        assert [hit.id for hit in search(library, "silt").hits] == []


def test_set_article_tags_normalises_and_reaches_the_index(library: Library, river: str) -> None:
    now = set_tags(library, river, ["Geo/ Rivers", "#history", "geo/rivers"])
    assert now.value.tags == ["Geo/Rivers", "history"]
    assert show_article(library, river).value.tags == ["Geo/Rivers", "history"]
    assert [hit.id for hit in search(library, "tag:history").hits] == [river]
    assert set_tags(library, river, []).value.tags == []


def test_a_refused_tag_changes_nothing(library: Library, river: str) -> None:
    set_tags(library, river, ["kept"])
    with pytest.raises(InvalidValue, match="letter or digit"):
        set_tags(library, river, ["fine", "!!!"])
    assert show_article(library, river).value.tags == ["kept"]


def test_the_original_is_the_kept_copy_then_the_source_then_the_url(
    library: Library, river: str, tmp_path: Path
) -> None:
    found = originals.original_of(library, river)
    article = get_article(library.conn, river)
    kept = blob_path(library.files_dir, article.file_sha256 or "", ".txt")
    assert found.value == originals.Original(str(kept), "file", found.value.label)
    assert found.value.label == "the original TXT" and not found.warnings

    kept.unlink()
    found = originals.original_of(library, river)
    assert found.value.target == str(tmp_path / "in" / "river.txt")
    assert [notice.kind for notice in found.warnings] == ["original-missing"]

    (tmp_path / "in" / "river.txt").unlink()
    with pytest.raises(NotFound, match="no original file or URL"):
        originals.original_of(library, river)
    with library.write() as conn:
        update_metadata(conn, get_article(conn, river), {"url": "https://rivers.example/a"})
    found = originals.original_of(library, river)
    assert (found.value.target, found.value.kind) == ("https://rivers.example/a", "url")


def test_viewer_command_never_starts_a_browser_in_a_bare_terminal(tmp_path: Path) -> None:
    assert originals.viewer_command("x.pdf", "darwin", {}) == ["open", "x.pdf"]
    with pytest.raises(FolioError, match=r"\$DISPLAY"):
        originals.viewer_command("x.pdf", "linux", {"PATH": str(tmp_path)})
    with pytest.raises(FolioError, match="xdg-open is not installed"):
        originals.viewer_command("x.pdf", "linux", {"DISPLAY": ":0", "PATH": str(tmp_path)})
    opener = _fake_opener(tmp_path, exit_code=0)
    command = originals.viewer_command("x.pdf", "linux", {"DISPLAY": ":0", "PATH": str(tmp_path)})
    assert command == [str(opener), "x.pdf"]


def _fake_opener(folder: Path, exit_code: int) -> Path:
    """An `xdg-open` that records what it was asked to open."""
    script = folder / "xdg-open"
    script.write_text(f'#!/bin/sh\necho "$1" > "{folder}/opened"\nexit {exit_code}\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for xdg-open")
def test_launch_viewer_runs_the_opener_and_reports_its_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    _fake_opener(tmp_path, exit_code=0)
    original = originals.Original("/some/file.pdf", "file", "the original PDF")
    originals.launch_viewer(original)
    assert (tmp_path / "opened").read_text().strip() == "/some/file.pdf"

    _fake_opener(tmp_path, exit_code=4)
    with pytest.raises(FolioError, match=r"xdg-open could not open /some/file.pdf \(exit 4\)"):
        originals.launch_viewer(original)
