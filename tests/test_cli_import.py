"""`folio add`: files, folders, stdin, duplicates, updates, the JSON contract and summaries."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Folio, write
from tests.fixtures import BEES, BEES_KEY, MARKUP, RIVER, RIVER_KEY


def _lines(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_add_one_file_reports_id_citekey_and_title(folio: Folio, tmp_path: Path) -> None:
    path = write(tmp_path / "bees.txt", BEES)
    result = folio("add", str(path))
    assert result.exit_code == 0, result.output
    assert "Added" in result.stdout
    assert "Urban Beekeepers Count a Record Summer" in result.stdout
    listed = folio.json("list")
    assert len(listed) == 1
    assert listed[0]["title"] == "Urban Beekeepers Count a Record Summer"
    assert listed[0]["authors"] == ["Maria Okafor"]
    assert listed[0]["date"] == "2023-06-03"
    assert listed[0]["citekey"] == BEES_KEY


def test_add_json_shape_per_input(folio: Folio, tmp_path: Path) -> None:
    good = write(tmp_path / "in" / "river.txt", RIVER)
    missing = tmp_path / "nope.txt"
    result = folio("add", str(good), str(missing), "--json")
    assert result.exit_code == 1
    records = _lines(result)
    assert {r["status"] for r in records} == {"added", "failed"}
    for record in records:
        assert set(record) == {"path", "status", "id", "citekey", "title", "error"}
    added = next(r for r in records if r["status"] == "added")
    assert added["id"] and added["citekey"] == RIVER_KEY
    failed = next(r for r in records if r["status"] == "failed")
    assert failed["id"] is None and "no such file" in failed["error"]


def test_re_adding_same_content_is_present_and_changes_nothing(
    folio: Folio, tmp_path: Path
) -> None:
    path = write(tmp_path / "bees.txt", BEES)
    first = _lines(folio("add", str(path), "--json"))[0]
    copy = write(tmp_path / "elsewhere" / "bees-copy.txt", BEES)
    again = _lines(folio("add", str(path), str(copy), "--json"))
    assert [r["status"] for r in again] == ["present", "present"]
    assert {r["id"] for r in again} == {first["id"]}
    assert len(folio.json("list")) == 1


def test_changed_version_of_same_path_updates_and_keeps_identity(
    folio: Folio, tmp_path: Path
) -> None:
    path = write(tmp_path / "river.txt", RIVER)
    first = _lines(folio("add", str(path), "--json"))[0]
    write(path, RIVER.replace("four hours", "five hours"))
    second = _lines(folio("add", str(path), "--json"))[0]
    assert second["status"] == "updated"
    assert (second["id"], second["citekey"]) == (first["id"], first["citekey"])
    shown = folio.json("show", first["id"])
    assert "five hours" in shown["text"]
    assert len(folio.json("list")) == 1
    hits = folio.json("search", "five")
    assert [h["id"] for h in hits] == [first["id"]]


def test_user_edits_survive_reimport(folio: Folio, tmp_path: Path) -> None:
    path = write(tmp_path / "river.txt", RIVER)
    article_id = _lines(folio("add", str(path), "--json"))[0]["id"]
    assert folio("edit", article_id, "--title", "My Own Title").exit_code == 0
    write(path, RIVER + "\nA late correction was added.\n")
    folio("add", str(path))
    shown = folio.json("show", article_id)
    assert shown["title"] == "My Own Title"
    assert shown["origins"]["title"] == "user"
    assert "late correction" in shown["text"]


def test_add_folder_recursive_with_glob_and_summary(folio: Folio, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    write(folder / "a" / "bees.txt", BEES)
    write(folder / "b" / "deep" / "river.md", RIVER)
    write(folder / "picture.jpg", b"\xff\xd8\xff\xe0 not really a jpeg")
    write(folder / ".hidden.txt", MARKUP)
    result = folio("add", str(folder))
    assert result.exit_code == 0, result.output
    assert "2 added" in result.stdout
    assert "1 skipped" in result.stdout
    assert len(folio.json("list")) == 2

    result = folio("add", str(folder), "--glob", "*.md", "--json")
    assert [r["status"] for r in _lines(result)] == ["present"]


def test_add_from_stdin(folio: Folio) -> None:
    result = folio("add", "-", "--json", input=BEES.encode())
    record = _lines(result)[0]
    assert result.exit_code == 0
    assert record["path"] == "<stdin>" and record["status"] == "added"
    assert record["title"] == "Urban Beekeepers Count a Record Summer"


def test_one_bad_file_does_not_stop_the_good_ones(folio: Folio, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    write(folder / "1.txt", BEES)
    write(folder / "2.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    write(folder / "3.txt", RIVER)
    write(folder / "4.txt", b"")
    result = folio("add", str(folder))
    assert result.exit_code == 1
    assert "2 added" in result.stdout and "2 failed" in result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("folio: ")]
    assert any("2.txt" in line and "binary" in line for line in errors)
    assert any("4.txt" in line and "empty" in line for line in errors)
    assert "Traceback" not in result.output
    assert len(folio.json("list")) == 2


def test_original_bytes_are_kept_content_addressed(folio: Folio, tmp_path: Path) -> None:
    import hashlib

    data = BEES.encode("utf-8")
    folio("add", str(write(tmp_path / "bees.txt", data)))
    digest = hashlib.sha256(data).hexdigest()
    stored = folio.library_dir / "files" / digest[:2] / f"{digest}.txt"
    assert stored.read_bytes() == data


def test_control_characters_are_made_visible_at_import(folio: Folio, tmp_path: Path) -> None:
    folio("add", str(write(tmp_path / "markup.txt", MARKUP.replace("\n", "\r\n"))))
    text = folio.json("list")[0]
    shown = folio.json("show", text["id"])
    assert "\x1b" not in shown["text"] and "\r" not in shown["text"]
    assert "\u241b[31mred" in shown["text"]
    assert "[@click=app.quit]" in shown["text"]


PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Lock Keepers of the Marrow | Harbour Gazette</title>
<meta property="og:title" content="Lock Keepers of the Marrow">
<meta property="og:site_name" content="Harbour Gazette">
<meta property="og:url" content="https://gazette.example.org/2021/lock-keepers">
<meta name="author" content="Petra Novak">
<meta property="article:published_time" content="2021-05-14T08:00:00Z">
</head><body><nav>Home | News | Sport</nav><article><h1>Lock Keepers of the Marrow</h1>
<p>For three generations the same family has kept the upper lock on the Marrow River,
opening the gates by hand for barges and pleasure boats alike.</p>
<p>{second}</p></article><footer>Share this article</footer></body></html>"""


def test_html_page_imports_with_its_metadata(folio: Folio, tmp_path: Path) -> None:
    page = PAGE.replace("{second}", "The keepers log every boat in a ledger kept since 1952.")
    record = _lines(folio("add", str(write(tmp_path / "page.html", page)), "--json"))[0]
    shown = folio.json("show", record["id"])
    assert shown["title"] == "Lock Keepers of the Marrow"
    assert shown["authors"] == ["Petra Novak"]
    assert shown["site"] == "Harbour Gazette"
    assert shown["url"] == "https://gazette.example.org/2021/lock-keepers"
    assert shown["date"] == "2021-05-14"
    assert shown["language"] == "en"
    assert "ledger kept since 1952" in shown["text"]
    assert "Share this article" not in shown["text"]


def test_same_url_saved_again_elsewhere_updates_the_article(folio: Folio, tmp_path: Path) -> None:
    first = PAGE.replace("{second}", "The keepers log every boat in a ledger.")
    second = PAGE.replace("{second}", "The keepers now log every boat on a tablet.")
    one = _lines(folio("add", str(write(tmp_path / "a" / "page.html", first)), "--json"))[0]
    two = _lines(folio("add", str(write(tmp_path / "b" / "saved.html", second)), "--json"))[0]
    assert two["status"] == "updated" and two["id"] == one["id"]
    assert "tablet" in folio.json("show", one["id"])["text"]


def test_new_original_files_are_flushed_before_the_commit(
    folio: Folio, tmp_path: Path, monkeypatch
) -> None:
    from library import importing

    flushed: list[list[bool]] = []
    real = importing.make_durable

    def flush(paths: list[Path]) -> None:
        # Staged under temporary names, before the transaction that records them.
        flushed.append([path.is_file() and path.name.startswith(".tmp-") for path in paths])
        assert not (folio.library_dir / "folio.db.writer").exists()
        real(paths)

    monkeypatch.setattr(importing, "make_durable", flush)
    write(tmp_path / "s" / "bees.txt", BEES)
    write(tmp_path / "s" / "river.txt", RIVER)
    folio("add", str(tmp_path / "s"))
    assert flushed == [[True, True]]
    originals = [p for p in (folio.library_dir / "files").rglob("*") if p.is_file()]
    assert len(originals) == 2 and not any(p.name.startswith(".") for p in originals)
