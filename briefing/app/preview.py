"""Preview: serve the briefing on loopback, rebuilt when a template or input changes.

Three addresses, so the preview never alters what is e-mailed:

- ``/email.html`` the e-mail's HTML, byte for byte as sent (``Edition.rendered.html``)
- ``/email.txt``  its plain-text part
- ``/``           a frame page showing one of them in an iframe, with links to switch
                  between HTML and plain text and between desktop and phone widths

Before answering, every request compares the modification times of the watched
files (templates and inputs) with those of the last build and builds again if
any changed, so an edit shows on the next reload. Standard library only.
"""

from __future__ import annotations

import datetime as dt
import errno
import html
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode, urlsplit

from briefing.output.render import template_dirs, top_line

if TYPE_CHECKING:
    from briefing.app.edition import Edition

log = logging.getLogger(__name__)

HTML_PATH = "/email.html"
TEXT_PATH = "/email.txt"
WIDTHS = {"desktop": 600, "phone": 375, "full": None}  # iframe widths in CSS pixels
VIEWS = {"html": HTML_PATH, "text": TEXT_PATH}

Snapshot = tuple[tuple[str, int, int], ...]  # (path, mtime_ns, size) of each watched file


@dataclass(frozen=True)
class Response:
    """What the server sends for one request."""

    status: int
    content_type: str
    body: bytes


def watched_paths(
    inputs: Sequence[Path], templates_dir: Path | None, aliases_file: Path | None = None
) -> list[Path]:
    """Files and folders whose changes make the preview build again."""
    extra = [aliases_file] if aliases_file else []
    return [*inputs, *template_dirs(templates_dir), *extra]


def watched_files(paths: Iterable[Path], exclude: Sequence[Path] = ()) -> list[Path]:
    """Every file under `paths` (folders recursively), sorted; of the files found in folders,
    those under `exclude` (the output folder) are left out, while a file named itself counts."""
    excluded = [e.resolve() for e in exclude]
    found: set[Path] = set()
    for path in paths:
        if path.is_file():
            found.add(path.resolve())
            continue
        for candidate in path.rglob("*") if path.is_dir() else ():
            resolved = candidate.resolve()
            if candidate.is_file() and not any(resolved.is_relative_to(e) for e in excluded):
                found.add(resolved)
    return sorted(found)


def snapshot(files: Iterable[Path]) -> Snapshot:
    """The state of `files`; it differs whenever one is edited, added or removed."""
    state = []
    for file in files:
        try:
            info = file.stat()
        except OSError:  # removed between listing and stat: the next snapshot sees it gone
            continue
        state.append((str(file), info.st_mtime_ns, info.st_size))
    return tuple(state)


class LiveEdition:
    """The current edition, built again on demand when a watched file has changed.

    A failed build (say, a typo in a template) is kept and shown until the next
    change, so the server stays up while the user fixes it. Thread-safe: the
    server answers requests on several threads.
    """

    def __init__(
        self,
        build: Callable[[], Edition],
        watch: Sequence[Path],
        exclude: Sequence[Path] = (),
    ) -> None:
        self._build = build
        self._watch = list(watch)
        self._exclude = list(exclude)
        self._lock = threading.Lock()
        self._seen: Snapshot | None = None
        self._result: Edition | Exception | None = None
        self.built_at: dt.datetime | None = None
        self.builds = 0

    def current(self) -> Edition | Exception:
        """The edition for the files as they are now, or the error that building it raised."""
        with self._lock:
            now = snapshot(watched_files(self._watch, self._exclude))
            if self._result is None or now != self._seen:
                if self._result is not None:
                    log.info("a template or input changed: building the briefing again")
                self._seen = now
                try:
                    self._result = self._build()
                except Exception as error:  # shown in the browser; the server keeps running
                    log.warning("the briefing could not be built: %s", error)
                    self._result = error
                self.built_at = dt.datetime.now().replace(microsecond=0)
                self.builds += 1
            return self._result


def respond(target: str, live: LiveEdition) -> Response:
    """Answer a GET for `target` (path and query) from the current edition."""
    parts = urlsplit(target)
    if parts.path == "/favicon.ico":
        return Response(HTTPStatus.NO_CONTENT, "image/x-icon", b"")
    if parts.path not in ("/", HTML_PATH, TEXT_PATH):
        return Response(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"Not found\n")
    result = live.current()
    if isinstance(result, Exception):
        return error_response(result, as_html=parts.path == "/")
    if parts.path == HTML_PATH:
        return Response(HTTPStatus.OK, "text/html; charset=utf-8",
                        result.rendered.html.encode("utf-8"))
    if parts.path == TEXT_PATH:
        return Response(HTTPStatus.OK, "text/plain; charset=utf-8",
                        result.rendered.text.encode("utf-8"))
    query = parse_qs(parts.query)
    view = query.get("view", ["html"])[0]
    width = query.get("width", ["desktop"])[0]
    page = frame_page(result, view if view in VIEWS else "html",
                      width if width in WIDTHS else "desktop", live.built_at)
    return Response(HTTPStatus.OK, "text/html; charset=utf-8", page.encode("utf-8"))


def error_response(error: Exception, as_html: bool) -> Response:
    """A build failure, shown instead of the briefing until the files change again."""
    message = f"The briefing could not be built: {error}\nFix it and reload this page.\n"
    if not as_html:
        return Response(HTTPStatus.INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8",
                        message.encode("utf-8"))
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>Preview: build failed</title></head><body>"
        f"<h1>Build failed</h1><pre>{html.escape(message)}</pre></body></html>"
    )
    return Response(HTTPStatus.INTERNAL_SERVER_ERROR, "text/html; charset=utf-8",
                    page.encode("utf-8"))


_FRAME_STYLE = """
  :root { color-scheme: light dark; }
  body { margin: 0; font: 14px/1.4 system-ui, sans-serif; }
  header { padding: 10px 16px; border-bottom: 1px solid #8888; }
  nav a { margin-right: 6px; padding: 2px 8px; border: 1px solid #8888; border-radius: 4px;
          text-decoration: none; color: inherit; }
  nav a[aria-current="page"] { font-weight: bold; background: #8883; }
  .inbox { margin: 8px 0 0 0; }
  main { padding: 16px; text-align: center; }
  iframe { border: 1px solid #8888; height: calc(100vh - 150px); background: #fff; }
"""


def frame_page(edition: Edition, view: str, width: str, built_at: dt.datetime | None) -> str:
    """The page at `/`: the e-mail in an iframe, with the HTML/text and width switches."""

    def link(label: str, new_view: str, new_width: str) -> str:
        current = ' aria-current="page"' if (new_view, new_width) == (view, width) else ""
        query = urlencode({"view": new_view, "width": new_width})
        return f'<a href="/?{query}"{current}>{html.escape(label)}</a>'

    rendered = edition.rendered
    preheader = html.escape(top_line(edition.briefing))
    pixels = WIDTHS[width]
    frame_width = f"{pixels}px" if pixels else "100%"
    built = f" Built {built_at:%H:%M:%S};" if built_at else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Preview: {html.escape(rendered.subject)}</title>
<style>{_FRAME_STYLE}</style>
</head>
<body>
<header>
<nav>
{link("HTML", "html", width)} {link("Plain text", "text", width)}
&nbsp;|&nbsp; {link("Desktop 600px", view, "desktop")} {link("Phone 375px", view, "phone")}
{link("Full width", view, "full")}
&nbsp;|&nbsp; <a href="{HTML_PATH}">e-mail HTML as sent</a> <a href="{TEXT_PATH}">text part</a>
</nav>
<p class="inbox"><strong>{html.escape(rendered.subject)}</strong> &mdash; {preheader}</p>
<p class="inbox"><small>{built} edits to templates or inputs show on the next reload.</small></p>
</header>
<main>
<iframe src="{VIEWS[view]}" title="The briefing e-mail ({view})" style="width: {frame_width}"
  sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"></iframe>
</main>
</body>
</html>
"""


def make_handler(live: LiveEdition) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to `live`, as `http.server` wants a class."""

    class PreviewHandler(BaseHTTPRequestHandler):
        server_version = "briefing-preview"

        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            self._send(respond(self.path, live), with_body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._send(respond(self.path, live), with_body=False)

        def _send(self, response: Response, with_body: bool) -> None:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            self.send_header("Cache-Control", "no-store")  # a reload must ask us again
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if with_body:
                self.wfile.write(response.body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            log.debug("%s %s", self.address_string(), format % args)

    return PreviewHandler


def bind(host: str, port: int, handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """Listen on host:port, or on a free port the system picks when that one is taken."""
    try:
        return ThreadingHTTPServer((host, port), handler)
    except OSError as error:
        if error.errno != errno.EADDRINUSE or port == 0:
            raise
        log.info("port %d is taken; using a free one", port)
        return ThreadingHTTPServer((host, 0), handler)


def server_url(server: ThreadingHTTPServer) -> str:
    """The address to open in a browser."""
    host, port = server.server_address[:2]
    shown = f"[{host}]" if ":" in str(host) else str(host)
    return f"http://{shown}:{port}/"


