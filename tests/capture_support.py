"""A local web server for the capture tests: routes answer with recorded pages and API
answers, redirects, errors, a slow answer and a huge one. No test needs the internet."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data" / "capture"
Handler = Callable[[BaseHTTPRequestHandler], None]


def answer(
    status: int,
    body: bytes = b"",
    content_type: str = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> Handler:
    """A route that sends `body` with `status` and `content_type`."""

    def send(request: BaseHTTPRequestHandler) -> None:
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(body)

    return send


def recorded(name: str, content_type: str) -> Handler:
    """A route answering with a file of tests/data/capture."""
    return answer(200, (DATA / name).read_bytes(), content_type)


def redirect(location: str, status: int = 301) -> Handler:
    return answer(status, b"", headers={"Location": location})


def slow(seconds: float) -> Handler:
    """Headers at once, then nothing for `seconds` (a read timeout)."""

    def send(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.end_headers()
        request.wfile.flush()
        time.sleep(seconds)
        request.wfile.write(b"<html><body>late</body></html>")

    return send


def huge(megabytes: int, declare: bool) -> Handler:
    """An endless-looking page of `megabytes`, its length declared or not (chunks)."""

    def send(request: BaseHTTPRequestHandler) -> None:
        size = megabytes * 1024 * 1024
        request.send_response(200)
        request.send_header("Content-Type", "text/plain")
        if declare:
            request.send_header("Content-Length", str(size))
        request.end_headers()
        chunk = b"word " * 13107
        try:
            for _ in range(size // len(chunk) + 1):
                request.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading, as it should

    return send


@dataclass
class WebServer:
    """The server's address, its routes (path → handler, path with query string first),
    and the requests it saw (path, headers)."""

    base: str
    routes: dict[str, Handler] = field(default_factory=dict)
    seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def web(monkeypatch: pytest.MonkeyPatch) -> Iterator[WebServer]:
    """A web server on 127.0.0.1 in a thread; short timeouts; no proxy in the way."""
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("FOLIO_HTTP_TIMEOUT", "1")
    state = WebServer("")

    class Routes(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.seen.append((self.path, dict(self.headers.items())))
            path_only = self.path.split("?", 1)[0]
            handler = state.routes.get(self.path) or state.routes.get(path_only)
            if handler is None:
                answer(404, b"<html><body>Not Found</body></html>")(self)
            else:
                handler(self)

        def log_message(self, *_args: object) -> None:
            pass  # quiet tests

    server = ThreadingHTTPServer(("127.0.0.1", 0), Routes)
    server.daemon_threads = True
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
