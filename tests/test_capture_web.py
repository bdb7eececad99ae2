"""`folio add URL…`: pages fetched from a local server (HTML, PDF, text), redirects,
errors, timeouts, size limits, login walls, proxies; changed versions re-imported."""

from __future__ import annotations

import json
from pathlib import Path

from tests.capture_support import DATA, WebServer, answer, huge, recorded, redirect, slow, web
from tests.conftest import Folio
from tests.test_pdf_import import make_pdf

__all__ = ["web"]  # the fixture, used by name

ARTICLE = (DATA / "article.html").read_bytes()


def _results(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_add_a_page_keeps_its_bytes_url_and_metadata(
    folio: Folio, web: WebServer, library_dir: Path
) -> None:
    web.routes["/2023/11/market"] = answer(200, ARTICLE)
    url = web.url("/2023/11/market")
    result = folio("add", url)
    assert result.exit_code == 0, result.output
    assert "Added" in result.stdout and "Lower Town Market Reopens" in result.stdout
    [shown] = folio.json("list")
    article = folio.json("show", shown["id"])
    assert article["url"] == url  # the URL fetched, not the one the page claims
    assert article["authors"] == ["Ana Ferreira"] and article["date"] == "2023-11-14"
    assert "covered market in the lower town" in article["text"]
    stored = list((library_dir / "files").rglob("*.html"))
    assert [path.read_bytes() for path in stored] == [ARTICLE]  # the original bytes
    _, headers = web.seen[0]
    assert headers["User-Agent"].startswith("Folio/") and "text/html" in headers["Accept"]


def test_adding_the_same_url_again_checks_for_a_changed_version(
    folio: Folio, web: WebServer
) -> None:
    web.routes["/story"] = answer(200, ARTICLE)
    url = web.url("/story")
    first = _results(folio("add", url, "--json"))[0]
    assert first["status"] == "added"
    folio("note", first["id"], "--quote", "fishmongers were the first to sell out", "-m", "fish")
    folio("edit", first["id"], "--title", "Market reopens (my title)")
    again = _results(folio("add", url, "--json"))[0]
    assert again["status"] == "present" and again["id"] == first["id"]
    changed = ARTICLE.replace(b"six weeks after", b"seven weeks after")
    web.routes["/story"] = answer(200, changed)
    updated = folio("add", url)
    assert updated.exit_code == 0 and updated.stdout.startswith("Updated")
    assert "re-anchored" in updated.stderr
    article = folio.json("show", first["id"])
    assert "seven weeks after" in article["text"]
    assert article["title"] == "Market reopens (my title)"  # what the user typed stays
    [note] = json.loads(folio("notes", "--json").stdout)["annotations"]
    target = note["target"]
    assert target["exact"] == "fishmongers were the first to sell out"
    assert article["text"][target["start"] : target["end"]] == target["exact"]


def test_a_pdf_and_plain_text_by_content_type(folio: Folio, web: WebServer) -> None:
    pdf = make_pdf(
        [["Gate Timing on Tidal Rivers", "The drill lasted four hours."]],
        info={"Title": "Gate Timing on Tidal Rivers", "Author": "Ana Ferreira"},
    )
    web.routes["/download"] = answer(200, pdf, "application/pdf")  # no .pdf in the URL
    web.routes["/notes"] = answer(200, b"Plain notes\n\nThe river rose at dawn.\n", "text/plain")
    result = folio("add", web.url("/download"), web.url("/notes"), "--json")
    assert result.exit_code == 0, result.output
    records = _results(result)
    assert [r["status"] for r in records] == ["added", "added"]
    formats = {folio.json("show", r["id"])["format"] for r in records}
    assert formats == {"pdf", "txt"}


def test_a_redirect_is_followed_and_the_final_url_kept(folio: Folio, web: WebServer) -> None:
    web.routes["/old"] = redirect("/new")
    web.routes["/new"] = answer(200, ARTICLE)
    records = _results(folio("add", web.url("/old"), "--json"))
    assert records[0]["status"] == "added"
    assert folio.json("show", records[0]["id"])["url"] == web.url("/new")


def test_each_failure_is_one_line_and_the_others_still_import(folio: Folio, web: WebServer) -> None:
    web.routes["/good"] = answer(200, ARTICLE)
    web.routes["/slow"] = slow(3)
    web.routes["/huge"] = huge(3, declare=False)
    web.routes["/huge-declared"] = huge(3, declare=True)
    web.routes["/image.png"] = answer(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")
    web.routes["/members"] = answer(403, b"<html>Forbidden</html>")
    web.routes["/wall"] = recorded("login.html", "text/html")
    web.routes["/loop"] = redirect("/loop")
    urls = [
        "/good",
        "/missing",
        "/slow",
        "/huge",
        "/huge-declared",
        "/image.png",
        "/members",
        "/wall",
        "/loop",
    ]
    result = folio("add", *[web.url(u) for u in urls], "--max-size", "1")
    assert result.exit_code == 1
    assert "1 added, 8 failed" in result.stdout
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 8 and all(line.startswith("folio: http://127.0.0.1") for line in errors)
    text = "\n".join(errors)
    for expected in (
        "/missing: not found (HTTP 404)",
        "/slow: the server did not answer within 1 s",
        "/huge: the download passed the 1 MB limit",
        "/huge-declared: 3.0 MB, over the 1 MB limit",
        "/image.png: not an article (image/png)",
        "/members: the page needs a login or is forbidden (HTTP 403)",
        "/wall: the page asks to sign in",
        "/loop: more than 10 redirects",
    ):
        assert expected in text, text
    assert "Traceback" not in result.output


def test_unreachable_hosts_and_bad_urls(folio: Folio, web: WebServer) -> None:
    closed = web.url("/x").rsplit(":", 1)[0] + ":1/x"  # nothing listens on port 1
    result = folio("add", closed, "https://")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and "connection refused" in lines[0]


def test_the_proxy_in_the_environment_is_used(folio: Folio, web: WebServer, monkeypatch) -> None:
    # The local server plays the proxy: it sees the absolute URL of a host that does not exist.
    web.routes["http://courier.invalid/story"] = answer(200, ARTICLE)
    monkeypatch.setenv("HTTP_PROXY", web.base)
    monkeypatch.delenv("NO_PROXY")
    result = folio("add", "http://courier.invalid/story")
    assert result.exit_code == 0, result.output
    assert web.seen[0][0] == "http://courier.invalid/story"


def test_attach_a_page_to_an_article(folio: Folio, web: WebServer, tmp_path: Path) -> None:
    bib = tmp_path / "r.bib"
    bib.write_text(
        "@online{ferreira2023market,\n  title = {Lower Town Market Reopens After "
        "the Flood},\n  author = {Ferreira, Ana},\n  date = {2023-11-14},\n}\n"
    )
    folio("import-bib", str(bib))
    web.routes["/market"] = answer(200, ARTICLE)
    result = folio("add", web.url("/market"), "--to", "ferreira2023market")
    assert result.exit_code == 0, result.output
    assert "Attached to" in result.stdout
    shown = folio.json("show", "ferreira2023market")
    assert "covered market" in shown["text"] and shown["url"] == web.url("/market")
