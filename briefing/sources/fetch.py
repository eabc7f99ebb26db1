"""Fetching over HTTP(S): the one module that talks to the network.

Only `http` and `https` URLs are ever opened: the opener is built from the
HTTP handlers alone, so no URL from a feed can read a local file or reach an
FTP or data URL. Every fetch has a timeout (per socket operation and for the
whole body), a size cap and a redirect cap, sends our User-Agent and, with a
cache, asks conditionally (ETag / Last-Modified) so an unchanged page costs a
304. Failures are FetchError values whose message is the reason shown to the
user: one line, no traceback.

We use the standard library's `urllib.request` rather than a client package:
it needs no new dependency, and a hand-built OpenerDirector lets us decide
exactly which schemes exist and follow redirects ourselves, which is where
the caps and the loop detection live.
"""

from __future__ import annotations

import email.message
import hashlib
import http.client
import json
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from briefing.storage import write_atomic

DEFAULT_USER_AGENT = "briefing/0.1 (daily news briefing)"
FETCHABLE_SCHEMES = ("http", "https")
REDIRECT_CODES = (301, 302, 303, 307, 308)
_CHUNK = 64 * 1024

Progress = Callable[[str, int, int], None]  # (stage, done, total), as in pipeline


class FetchError(Exception):
    """A URL that could not be fetched; the message is the reason shown to the user."""


@dataclass(frozen=True)
class FetchPolicy:
    """The limits every fetch obeys."""

    timeout: float = 20.0  # seconds, per socket operation and for the whole body
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    workers: int = 8  # fetches in flight at once
    per_host: int = 2  # of which at most this many to one host


DEFAULT_POLICY = FetchPolicy()


@dataclass(frozen=True)
class Response:
    """A successful fetch: the body and what we need to read it."""

    url: str  # the URL asked for
    final_url: str  # after redirects
    content_type: str  # media type, lower case, without parameters
    charset: str | None  # as the server declared it, if it did
    body: bytes
    from_cache: bool = False  # True when the server answered 304 Not Modified


def is_fetchable(url: str) -> bool:
    """True for absolute http(s) URLs with a host: the only ones we open."""
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in FETCHABLE_SCHEMES and bool(parts.hostname)


def build_opener() -> urllib.request.OpenerDirector:
    """An opener that knows HTTP and HTTPS only and never follows redirects itself."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),  # honours http_proxy / https_proxy / no_proxy
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(context=ssl.create_default_context()),
        urllib.request.HTTPDefaultErrorHandler(),  # any non-2xx becomes an HTTPError
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


class HttpCache:
    """Validators and bodies of earlier fetches, one pair of files per URL.

    The metadata names the body's SHA-256, so a body and metadata from
    different runs (a crash between the two atomic writes) are never mixed.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        return self.folder / f"{key}.json", self.folder / f"{key}.body"

    def lookup(self, url: str) -> dict | None:
        """The cached entry for `url` (validators, content type, body), or None."""
        meta_path, body_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
            body = body_path.read_bytes()
        except (OSError, ValueError):
            return None
        if meta.get("url") != url or meta.get("sha256") != hashlib.sha256(body).hexdigest():
            return None
        return {**meta, "body": body}

    def store(self, url: str, headers: email.message.Message, body: bytes) -> None:
        """Remember a 200 answer if it carries a validator; otherwise there is nothing to ask."""
        etag, modified = headers.get("ETag"), headers.get("Last-Modified")
        if not etag and not modified:
            return
        meta_path, body_path = self._paths(url)
        meta = {
            "url": url,
            "etag": etag,
            "last_modified": modified,
            "content_type": headers.get("Content-Type", ""),
            "sha256": hashlib.sha256(body).hexdigest(),
        }
        write_atomic(body_path, body)
        write_atomic(meta_path, json.dumps(meta).encode("utf-8"))


def fetch(
    url: str,
    policy: FetchPolicy = DEFAULT_POLICY,
    cache: HttpCache | None = None,
    opener: urllib.request.OpenerDirector | None = None,
) -> Response:
    """GET `url`, following at most `policy.max_redirects` redirects; raise FetchError."""
    opener = opener or build_opener()
    current, visited = url, [url]
    while True:
        if not is_fetchable(current):
            raise FetchError(f"only http and https URLs are fetched, not {_shown(current)}")
        cached = cache.lookup(current) if cache else None
        request = urllib.request.Request(current, headers=_request_headers(policy, cached))
        try:
            with opener.open(request, timeout=policy.timeout) as answer:
                body = _read_capped(answer, policy)
                headers = answer.headers
        except urllib.error.HTTPError as error:
            error.close()
            if error.code == 304 and cached:
                return _response(url, current, cached["content_type"], cached["body"], True)
            if error.code not in REDIRECT_CODES:
                raise FetchError(_http_reason(error.code)) from None
            location = error.headers.get("Location")
            if not location:
                raise FetchError(f"HTTP {error.code} redirect without a Location") from None
            current = urljoin(current, location.strip())
            if current in visited:
                raise FetchError(f"redirect loop ({' -> '.join(visited + [current])})") from None
            visited.append(current)
            if len(visited) > policy.max_redirects + 1:
                raise FetchError(f"too many redirects (more than {policy.max_redirects})") \
                    from None
            continue
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as error:
            raise FetchError(_network_reason(error, policy)) from None
        if cache:
            cache.store(current, headers, body)
        return _response(url, current, headers.get("Content-Type", ""), body, False)


def fetch_all(
    urls: Iterable[str],
    policy: FetchPolicy = DEFAULT_POLICY,
    cache: HttpCache | None = None,
    progress: Progress | None = None,
) -> dict[str, Response | FetchError]:
    """Fetch many URLs in parallel, at most `policy.per_host` at a time per host.

    Returns each URL's Response or FetchError; one failure never stops the others.
    """
    unique = list(dict.fromkeys(urls))
    host_gates: dict[str, threading.Semaphore] = {}
    for url in unique:
        host_gates.setdefault(_host(url), threading.Semaphore(policy.per_host))
    opener = build_opener()

    def one(url: str) -> Response | FetchError:
        with host_gates[_host(url)]:
            try:
                return fetch(url, policy, cache, opener)
            except FetchError as error:
                return error

    results: dict[str, Response | FetchError] = {}
    if not unique:
        return results
    with ThreadPoolExecutor(max_workers=max(1, min(policy.workers, len(unique)))) as pool:
        futures = {pool.submit(one, url): url for url in unique}
        for done, future in enumerate(as_completed(futures), start=1):
            results[futures[future]] = future.result()
            if progress:
                progress("fetch", done, len(unique))
    return {url: results[url] for url in unique}


def _request_headers(policy: FetchPolicy, cached: dict | None) -> dict[str, str]:
    headers = {
        "User-Agent": policy.user_agent,
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
        "text/html;q=0.9, text/xml;q=0.8, */*;q=0.5",
        "Accept-Encoding": "identity",
    }
    if cached and cached.get("etag"):
        headers["If-None-Match"] = cached["etag"]
    if cached and cached.get("last_modified"):
        headers["If-Modified-Since"] = cached["last_modified"]
    return headers


def _read_capped(answer: http.client.HTTPResponse, policy: FetchPolicy) -> bytes:
    """The body, refusing more than `max_bytes` and anything slower than `timeout` in all."""
    declared = answer.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise FetchError(
            f"too large ({int(declared):,} bytes; the limit is {policy.max_bytes:,})"
        )
    deadline = time.monotonic() + policy.timeout
    chunks, size = [], 0
    while chunk := answer.read1(_CHUNK):  # whatever has arrived, so the deadline is checked
        size += len(chunk)
        if size > policy.max_bytes:
            raise FetchError(f"too large (over {policy.max_bytes:,} bytes, the limit)")
        if time.monotonic() > deadline:
            raise FetchError(f"timed out after {policy.timeout:g} s (body still arriving)")
        chunks.append(chunk)
    return b"".join(chunks)


def _response(url: str, final: str, content_type: str, body: bytes, cached: bool) -> Response:
    media_type, charset = parse_content_type(content_type)
    return Response(url, final, media_type, charset, body, cached)


def parse_content_type(value: str) -> tuple[str, str | None]:
    """`text/html; charset=ISO-8859-1` -> ("text/html", "iso-8859-1")."""
    message = email.message.Message()
    message["Content-Type"] = value or "application/octet-stream"
    charset = message.get_content_charset()
    return message.get_content_type(), charset


def _http_reason(code: int) -> str:
    try:
        phrase = http.client.responses[code]
    except KeyError:
        phrase = "error"
    extra = " (removed for good)" if code == 410 else ""
    return f"HTTP {code} {phrase}{extra}"


def _network_reason(error: BaseException, policy: FetchPolicy) -> str:
    reason = getattr(error, "reason", error)
    if isinstance(reason, socket.gaierror):
        return "host not found (DNS lookup failed)"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, ConnectionResetError):
        return "connection reset by the server"
    if isinstance(reason, TimeoutError | socket.timeout):
        return f"timed out after {policy.timeout:g} s"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error ({reason.reason or reason})"
    if isinstance(error, http.client.HTTPException):
        return f"broken HTTP answer ({type(error).__name__})"
    return f"cannot fetch ({reason})"


def _host(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc.lower().rsplit("@", 1)[-1]


def _shown(url: str) -> str:
    url = url.strip()
    if url.lower().startswith("data:"):
        return "a data: URL"
    return repr(url[:80])

