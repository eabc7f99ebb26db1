"""Fetching over HTTP(S): the one module that talks to the web.

Every fetch of one source (a feed or a page, redirects and retries included)
has one deadline, FETCH_TIMEOUT: connecting, the headers and the body each
wait at most what is left of it, and a watchdog shuts the socket when it
runs out, so a server that sends its headers a byte a second cannot hold up
the run. Only `http` and `https` URLs are opened, and only on the public web:
each hop's host name is resolved here, every address it has is checked
(`briefing.network`), and the connection goes to the address that was
checked, so a DNS answer that changes between check and connect (a rebind)
cannot slip through. Bodies are capped after decompression, so a gzip bomb
stops at FETCH_MAX_BYTES. Failures are FetchError values whose message is the
reason shown to the user: one line, no traceback.

urllib3 (which trafilatura brings) does the HTTP: connections with TLS
verification against the name we asked for, decompression, and the retry
rules (`Retry`: which answers to retry, back-off, `Retry-After`). We drive
it one hop at a time because redirects are where the address checks, the
caps and the loop detection live.
"""

from __future__ import annotations

import email.message
import hashlib
import http.client
import ipaddress
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.util.retry import Retry
from urllib3.util.ssl_match_hostname import CertificateError

from briefing.network import NO_EXCEPTIONS, Address, Deadline, HostRules
from briefing.storage import write_atomic

DEFAULT_USER_AGENT = "briefing/0.1 (daily news briefing)"
FETCHABLE_SCHEMES = ("http", "https")
REDIRECT_CODES = (301, 302, 303, 307, 308)
PERMANENT_REDIRECTS = (301, 308)
RETRY_CODES = (429, 502, 503, 504)  # worth asking again a moment later
_CHUNK = 64 * 1024

Progress = Callable[[str, int, int], None]  # (stage, done, total), as in pipeline


class FetchError(Exception):
    """A URL that could not be fetched; the message is the reason shown to the user."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.status = status  # the HTTP status that ended it, if one did


@dataclass(frozen=True)
class FetchPolicy:
    """The limits every fetch obeys."""

    timeout: float = 20.0  # seconds for one source, redirects and retries included
    max_bytes: int = 10_000_000  # after decompression
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    workers: int = 8  # fetches in flight at once
    per_host: int = 2  # of which at most this many to one host
    allow: HostRules = field(default=NO_EXCEPTIONS)  # non-public hosts that may be fetched
    retries: int = 2  # further tries after a 429 or 5xx gateway answer, within the deadline


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
    moved_to: str | None = None  # where a 301 or 308 said the URL now lives for good


def is_fetchable(url: str) -> bool:
    """True for absolute http(s) URLs with a host: the only ones we open."""
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in FETCHABLE_SCHEMES and bool(parts.hostname)


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
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(meta, dict) or meta.get("url") != url \
                or meta.get("sha256") != hashlib.sha256(body).hexdigest():
            return None
        return {**meta, "body": body}

    def store(self, url: str, headers: email.message.Message, body: bytes) -> None:
        """Remember a 200 answer if it carries a validator; otherwise there is nothing to ask.

        A cache that cannot be written (a full disk) costs a full fetch next
        time, nothing more.
        """
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
        try:
            write_atomic(body_path, body)
            write_atomic(meta_path, json.dumps(meta).encode("utf-8"))
        except OSError:
            pass


# --- The deadline ------------------------------------------------------------------


def _timed_out(deadline: Deadline, what: str = "") -> FetchError:
    return FetchError(f"timed out after {deadline.seconds:g} s{what}")


class _Watched:
    """Mixed into urllib3's connections: the new socket is handed to the deadline."""

    def __init__(self, *args: object, deadline: Deadline, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self._deadline = deadline

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()  # type: ignore[misc]
        self._deadline.watch(sock)
        return sock


class _WatchedHTTP(_Watched, HTTPConnection):
    """An HTTP connection whose socket the deadline can shut."""


class _WatchedHTTPS(_Watched, HTTPSConnection):
    """An HTTPS connection whose socket (under the TLS layer) the deadline can shut."""


# --- One hop: resolve, check, connect to the checked address ---------------------------


@dataclass(frozen=True)
class _Hop:
    """Where one request goes: the URL's host as named, and the addresses vetted for it."""

    scheme: str
    host: str
    port: int
    addresses: tuple[str, ...]  # tried in turn, as the resolver ordered them
    target: str  # path and query
    host_header: str


def vet(url: str, rules: HostRules = NO_EXCEPTIONS, deadline: Deadline | None = None) -> _Hop:
    """Resolve the URL's host and check every address; FetchError when any is not allowed.

    All addresses are checked, not just the first, so a name that answers
    with one public and one private address is refused rather than raced.
    """
    if not is_fetchable(url):
        raise FetchError(f"only http and https URLs are fetched, not {_shown(url)}")
    parts = urlsplit(url.strip())
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise FetchError(f"bad port in {_shown(url)}") from None
    addresses = _resolve(host, port, deadline)
    for address in addresses:
        refusal = rules.refusal(host, address)
        if refusal:
            raise FetchError(refusal)
    default_port = (scheme, port) in (("http", 80), ("https", 443))
    shown_host = f"[{host}]" if ":" in host else host
    return _Hop(
        scheme=scheme, host=host, port=port, addresses=tuple(map(str, addresses)),
        target=(parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
        host_header=shown_host if default_port else f"{shown_host}:{port}",
    )


def _resolve(host: str, port: int, deadline: Deadline | None = None) -> list[Address]:
    """Every address of `host`, looked up within what is left of the deadline."""
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return [literal]
    found = _lookup(host, port, deadline)
    addresses = list(dict.fromkeys(
        ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in found))
    if not addresses:
        raise FetchError("host not found (DNS lookup failed)")
    return addresses


def _lookup(host: str, port: int, deadline: Deadline | None) -> list[tuple]:
    """getaddrinfo, which no timeout reaches, in a daemon thread we stop waiting for.

    A resolver that does not answer costs this source its deadline, no more;
    the abandoned lookup ends by itself and never holds up the exit.
    """
    outcome: list = []

    def look() -> None:
        try:
            outcome.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as error:
            outcome.append(error)

    if deadline is None:
        look()
    else:
        lookup = threading.Thread(target=look, name=f"resolve {host}", daemon=True)
        lookup.start()
        lookup.join(deadline.remaining())
    if not outcome:  # only when the deadline passed first
        assert deadline is not None
        raise _timed_out(deadline, f" (looking up {host})")
    if isinstance(outcome[0], BaseException):
        raise FetchError("host not found (DNS lookup failed)")
    return outcome[0]


def _exchange(hop: _Hop, headers: dict[str, str], policy: FetchPolicy, deadline: Deadline
              ) -> tuple[int, email.message.Message, bytes]:
    """One GET to a vetted address: status, headers and the (decoded, capped) body."""
    connection = _connect(hop, deadline)
    try:
        connection.request("GET", hop.target, headers={**headers, "Host": hop.host_header},
                           preload_content=False, decode_content=True)
        answer = connection.getresponse()
        header_copy = email.message.Message()
        for name, value in answer.headers.items():
            header_copy[name] = value
        if answer.status != 200:
            return answer.status, header_copy, b""  # the body of a redirect or error is unread
        return 200, header_copy, _read_capped(answer, policy, deadline)
    finally:
        connection.close()


def _connect(hop: _Hop, deadline: Deadline) -> HTTPConnection:
    """A connection to the first vetted address that answers; TLS is checked against the
    host name in the URL, not the address we connected to."""
    failure: Exception | None = None
    for address in hop.addresses:
        timeout = max(deadline.remaining(), 0.001)  # per wait; the watchdog bounds the sum
        if hop.scheme == "https":
            connection: HTTPConnection = _WatchedHTTPS(
                address, hop.port, timeout=timeout, deadline=deadline,
                server_hostname=hop.host, assert_hostname=hop.host,
                ssl_context=ssl.create_default_context())
        else:
            connection = _WatchedHTTP(address, hop.port, timeout=timeout, deadline=deadline)
        try:
            connection.connect()
            return connection
        except (OSError, urllib3.exceptions.HTTPError) as error:
            connection.close()
            failure = error
            if deadline.expired:
                break
    assert failure is not None  # vet() never returns a hop without an address
    raise failure


def _read_capped(answer: urllib3.BaseHTTPResponse, policy: FetchPolicy,
                 deadline: Deadline) -> bytes:
    """The decoded body, refusing more than `max_bytes` of it."""
    declared = answer.headers.get("Content-Length", "")
    encoded = answer.headers.get("Content-Encoding", "identity").lower() not in ("", "identity")
    if declared.isdigit() and int(declared) > policy.max_bytes and not encoded:
        raise FetchError(
            f"too large ({int(declared):,} bytes; the limit is {policy.max_bytes:,})"
        )
    chunks, size = [], 0
    for chunk in answer.stream(_CHUNK, decode_content=True):  # inflated a chunk at a time
        size += len(chunk)
        if size > policy.max_bytes:
            raise FetchError(f"too large (over {policy.max_bytes:,} bytes, the limit)")
        chunks.append(chunk)
    if deadline.expired:
        raise _timed_out(deadline, " (body still arriving)")
    return b"".join(chunks)


# --- A whole fetch ---------------------------------------------------------------------


def fetch(
    url: str,
    policy: FetchPolicy = DEFAULT_POLICY,
    cache: HttpCache | None = None,
) -> Response:
    """GET `url` within `policy.timeout`, following and vetting redirects; raise FetchError."""
    deadline = Deadline(policy.timeout)
    try:
        return _fetch(url, policy, cache, deadline)
    finally:
        deadline.cancel()


def _fetch(url: str, policy: FetchPolicy, cache: HttpCache | None, deadline: Deadline
           ) -> Response:
    current, visited, moved_to = url, [url], None
    retry = Retry(total=policy.retries, redirect=False, status_forcelist=RETRY_CODES,
                  backoff_factor=0.25, respect_retry_after_header=True, raise_on_status=False)
    while True:
        hop = vet(current, policy.allow, deadline)
        cached = cache.lookup(current) if cache else None
        try:
            status, headers, body = _exchange(hop, _request_headers(policy, cached), policy,
                                              deadline)
        except FetchError:
            raise
        except Exception as error:  # noqa: BLE001 (every network fault becomes one reason)
            if deadline.expired:
                raise _timed_out(deadline) from None
            raise FetchError(_network_reason(error, deadline)) from None
        if status == 200:
            if cache:
                cache.store(current, headers, body)
            return _response(url, current, headers.get("Content-Type", ""), body, False,
                             moved_to)
        if status == 304 and cached:
            return _response(url, current, cached["content_type"], cached["body"], True,
                             moved_to)
        if status in REDIRECT_CODES:
            location = (headers.get("Location") or "").strip()
            if not location:
                raise FetchError(f"HTTP {status} redirect without a Location", status)
            following = urljoin(current, location)
            if following in visited:
                raise FetchError(f"redirect loop ({' -> '.join(visited + [following])})")
            visited.append(following)
            if len(visited) > policy.max_redirects + 1:
                raise FetchError(f"too many redirects (more than {policy.max_redirects})")
            if status in PERMANENT_REDIRECTS and len(visited) == 2:
                moved_to = following  # the URL as given moved: worth telling the user
            current = following
            continue
        retry = _wait_to_retry(retry, status, headers, deadline)
        if retry is None:
            raise FetchError(_http_reason(status), status)


def _wait_to_retry(retry: Retry, status: int, headers: email.message.Message,
                   deadline: Deadline) -> Retry | None:
    """Sleep as `Retry` says (Retry-After honoured) and return the next Retry; None: give up.

    Giving up also when the wait would pass the deadline: a Retry-After of an
    hour is a "not today".
    """
    if not retry.is_retry("GET", status, has_retry_after="Retry-After" in headers):
        return None
    try:
        following = retry.increment("GET", None,
                                    response=_StatusOnly(status, headers))  # type: ignore[arg-type]
    except urllib3.exceptions.MaxRetryError:
        return None
    try:
        after = following.get_retry_after(_StatusOnly(status, headers))  # type: ignore[arg-type]
    except urllib3.exceptions.InvalidHeader:
        after = None
    wait = after if after is not None else following.get_backoff_time()
    if wait >= deadline.remaining():
        return None
    time.sleep(wait)
    return following


class _StatusOnly:
    """What `Retry.increment` reads of a response: its status and headers."""

    def __init__(self, status: int, headers: email.message.Message) -> None:
        self.status = status
        self.headers = headers

    def get_redirect_location(self) -> bool:
        return False


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

    def one(url: str) -> Response | FetchError:
        with host_gates[_host(url)]:
            try:
                return fetch(url, policy, cache)
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
        **urllib3.util.make_headers(accept_encoding=True),
    }
    if cached and cached.get("etag"):
        headers["If-None-Match"] = cached["etag"]
    if cached and cached.get("last_modified"):
        headers["If-Modified-Since"] = cached["last_modified"]
    return headers


def _response(url: str, final: str, content_type: str, body: bytes, cached: bool,
              moved_to: str | None) -> Response:
    media_type, charset = parse_content_type(content_type)
    return Response(url, final, media_type, charset, body, cached, moved_to)


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


def _network_reason(error: BaseException, deadline: Deadline) -> str:
    """One line for what urllib3 or the socket raised, from the innermost cause."""
    causes: list[BaseException] = []
    while error is not None and error not in causes:
        causes.append(error)
        wrapped = getattr(error, "reason", None)  # urllib3 keeps the cause here, ssl a string
        error = error.__cause__ or error.__context__ or (
            wrapped if isinstance(wrapped, BaseException) else None)
    reasons: tuple[tuple[type | tuple[type, ...], str], ...] = (
        (ConnectionRefusedError, "connection refused"),
        (ConnectionResetError, "connection reset by the server"),
        ((TimeoutError, socket.timeout), _timed_out(deadline).args[0]),
    )
    for kind, text in reasons:
        if any(isinstance(cause, kind) for cause in causes):
            return text
    for cause in causes:
        if isinstance(cause, CertificateError):  # urllib3 checks the name itself
            return f"TLS error (certificate not valid for this host: {cause})"
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS error (certificate not trusted: {cause.verify_message or cause})"
        if isinstance(cause, ssl.SSLError):
            return f"TLS error ({cause.reason or cause})"
    last = causes[-1]
    if isinstance(last, http.client.HTTPException | urllib3.exceptions.ProtocolError):
        return f"broken HTTP answer ({type(last).__name__})"
    return f"cannot fetch ({type(last).__name__}: {str(last)[:120]})"


def _host(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc.lower().rsplit("@", 1)[-1]


def _shown(url: str) -> str:
    url = url.strip()
    if url.lower().startswith("data:"):
        return "a data: URL"
    return repr(url[:80])
