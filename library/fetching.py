"""Fetching a page or an API answer over HTTP(S): redirects followed, connect and read
timeouts and an overall deadline, a size limit checked while reading, an honest
User-Agent, and proxies from HTTP_PROXY / HTTPS_PROXY / NO_PROXY (httpx reads them).

Every failure is a `FetchError` with one line naming the URL. Nothing here touches the
database: fetch before taking the write lock.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from library.errors import FolioError

if TYPE_CHECKING:
    import httpx

DEFAULT_TIMEOUT = 30.0  # seconds to connect, and between two reads
MAX_REDIRECTS = 10
_CHUNK = 64 * 1024


class FetchError(FolioError):
    """A URL that could not be fetched (network, HTTP status, size, content)."""


class LoginRequired(FetchError):
    """A page behind a login: HTTP 401/403, or a sign-in form where the article would be."""


@dataclass(frozen=True)
class Fetched:
    """A response's body and what the server said about it."""

    url: str  # after redirects
    media_type: str  # "text/html", lowercased, without parameters; "" when not given
    data: bytes


@cache
def user_agent() -> str:
    """ "Folio/0.1.0 (…)": who is asking, and which version, for servers' logs."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        mine = version("folio")
    except PackageNotFoundError:
        mine = "dev"
    return f"Folio/{mine} (researcher's notebook and citation manager; python-httpx)"


def timeout_seconds() -> float:
    """The connect/read timeout: FOLIO_HTTP_TIMEOUT (seconds) or 30."""
    value = os.environ.get("FOLIO_HTTP_TIMEOUT")
    if not value:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        raise FolioError(f"FOLIO_HTTP_TIMEOUT: not a number: {value!r}") from None
    if seconds <= 0:
        raise FolioError(f"FOLIO_HTTP_TIMEOUT: must be positive, not {value}")
    return seconds


def fetch(url: str, *, max_bytes: int, accept: str = "*/*") -> Fetched:
    """GET `url`. FetchError (LoginRequired for 401/403) for anything but a successful
    answer of at most `max_bytes`; the whole exchange may take at most four timeouts."""
    import httpx

    seconds = timeout_seconds()
    headers = {"User-Agent": user_agent(), "Accept": accept}
    try:
        with (
            httpx.Client(
                follow_redirects=True,
                max_redirects=MAX_REDIRECTS,
                timeout=httpx.Timeout(seconds),
                headers=headers,
            ) as client,
            client.stream("GET", url) as response,
        ):
            _check_status(url, response.status_code, response.reason_phrase)
            media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(_too_big(url, int(declared), max_bytes))
            data = _read_body(url, response, max_bytes, time.monotonic() + 4 * seconds)
            return Fetched(str(response.url), media_type, data)
    except httpx.TooManyRedirects:
        raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects") from None
    except httpx.ConnectTimeout:
        raise FetchError(f"{url}: could not connect within {seconds:g} s") from None
    except httpx.TimeoutException:
        raise FetchError(f"{url}: the server did not answer within {seconds:g} s") from None
    except httpx.UnsupportedProtocol:
        raise FetchError(f"{url}: not an http(s) URL") from None
    except httpx.InvalidURL as exc:
        raise FetchError(f"{url}: not a valid URL ({exc})") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"{url}: {_network_reason(exc)}") from None


def _check_status(url: str, status: int, reason: str) -> None:
    if status < 400:
        return
    if status in (401, 403):
        raise LoginRequired(f"{url}: the page needs a login or is forbidden (HTTP {status})")
    if status in (404, 410):
        raise FetchError(f"{url}: not found (HTTP {status})")
    raise FetchError(f"{url}: the server answered HTTP {status} {reason}".rstrip())


def _read_body(url: str, response: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    """The body, refused as soon as it passes `max_bytes` or the deadline (a server that
    trickles bytes never trips a read timeout)."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(_too_big(url, size, max_bytes, at_least=True))
        if time.monotonic() > deadline:
            raise FetchError(f"{url}: the download took too long; stopped")
        chunks.append(chunk)
    return b"".join(chunks)


def _too_big(url: str, size: int, limit: int, at_least: bool = False) -> str:
    """The size refusal: the size the server declared, or (while reading) only the limit."""
    mb = 1048576
    what = "the download passed" if at_least else f"{size / mb:.1f} MB, over"
    return f"{url}: {what} the {limit / mb:g} MB limit (--max-size or FOLIO_MAX_FILE_MB)"


def _network_reason(exc: BaseException) -> str:
    """What went wrong on the network, in words (the innermost cause's message)."""
    cause: BaseException = exc
    while (inner := cause.__cause__ or cause.__context__) is not None:
        cause = inner
    text = str(cause) or type(cause).__name__
    for marker in ("Name or service not known", "nodename nor servname", "getaddrinfo failed"):
        if marker in text:
            return "the host name does not resolve (offline, or a typo?)"
    if "Connection refused" in text:
        return "connection refused"
    return f"network error ({text})"
