"""A real HTTP server on 127.0.0.1 for the web tests, and the pages it serves.

Routes are written here, in the tests: a body with a status and headers, an
optional delay, or a function that answers the request itself.
"""

from __future__ import annotations

import datetime as dt
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

Answer = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    answer: Answer | None = None


class LocalWeb:
    """Serve routes from a thread; `url(path)` is their address."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.scheme = "https" if tls else "http"
        self.requests: list[tuple[str, dict[str, str]]] = []  # (path, headers)
        web = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
                web.requests.append((self.path, dict(self.headers.items())))
                route = web.routes.get(self.path) or Route(b"not here", 404)
                if route.delay:
                    time.sleep(route.delay)
                if route.answer:
                    route.answer(self)
                    return
                self.send_response(route.status)
                headers = {"Content-Type": "text/html; charset=utf-8", **route.headers}
                headers.setdefault("Content-Length", str(len(route.body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(route.body)
                except OSError:
                    pass  # the client gave up first, as some tests intend

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.handle_error = lambda request, address: None
        if tls:  # HTTPS with a certificate from the test's own CA
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,),
                                       daemon=True)

    def url(self, path: str) -> str:
        return f"{self.scheme}://127.0.0.1:{self.server.server_port}{path}"

    def add(self, path: str, body: bytes | str = b"", status: int = 200,
            content_type: str | None = None, **options: object) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        route = Route(data, status, **options)  # type: ignore[arg-type]
        if content_type:
            route.headers["Content-Type"] = content_type
        self.routes[path] = route
        return self.url(path)

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        """A redirect to `to`, which may be anywhere: the fetcher must vet it, not follow it."""
        return self.add(path, status=status, headers={"Location": to})

    def gone(self, path: str) -> str:
        """A feed removed for good: 410 Gone."""
        return self.add(path, "this feed is gone", 410)

    def slow_headers(self, path: str, body: bytes | str = b"", byte_delay: float = 0.2) -> str:
        """Status line and headers sent one byte every `byte_delay` seconds, then the body.

        No single read waits long, so only a deadline on the whole answer ends it.
        """
        data = body.encode("utf-8") if isinstance(body, str) else body

        def trickle(handler: BaseHTTPRequestHandler) -> None:
            head = (f"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                    f"X-Padding: {'.' * 40}\r\nContent-Length: {len(data)}\r\n"
                    "Connection: close\r\n\r\n").encode("ascii")
            try:
                for byte in head:
                    handler.wfile.write(bytes([byte]))
                    handler.wfile.flush()
                    time.sleep(byte_delay)
                handler.wfile.write(data)
            except OSError:
                pass  # the fetcher gave up, as it should
            handler.close_connection = True

        return self.add(path, answer=trickle)

    def hits(self, path: str) -> list[dict[str, str]]:
        return [headers for seen, headers in self.requests if seen == path]

    def __enter__(self) -> LocalWeb:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- Stories and the pages and feeds that carry them ---------------------------------

STORIES = {
    "bridge": (
        "Riverton opens its new river bridge",
        [
            "The city of Riverton opened its new river bridge on Friday after three years "
            "of construction and two delays caused by spring floods.",
            "Mayor Jane Doe said the bridge would cut the morning commute between the north "
            "bank and the old town by twenty minutes for most drivers.",
            "Engineers from the regional transport office inspected the deck on Thursday "
            "and found that every joint and cable met the safety standard.",
            "Cyclists get a separate lane on the eastern side, protected from traffic by a "
            "low concrete wall that the council added after a public consultation.",
            "The old ferry service will keep running on weekends for tourists until the "
            "end of the summer season, the harbour authority confirmed.",
        ],
    ),
    "harvest": (
        "Farmers report record apple harvest",
        [
            "Orchards across the Green Valley reported a record apple harvest this autumn, "
            "with growers picking almost a third more fruit than last year.",
            "The farmers' cooperative said a warm spring and steady rain in July gave the "
            "trees ideal conditions, especially for older varieties.",
            "Prices at the wholesale market fell by twelve percent in October as buyers "
            "waited for the glut to reach the supermarkets.",
            "Several growers plan to press the surplus into juice and cider rather than "
            "sell it below the cost of picking and storage.",
            "Agriculture minister Paul Martin promised to extend cold storage subsidies so "
            "that smaller farms can keep fruit until prices recover.",
        ],
    ),
    "library": (
        "City library extends opening hours",
        [
            "The central library in Riverton will stay open until ten in the evening from "
            "December, the culture department announced on Wednesday.",
            "Students had asked for longer hours during the examination period, when every "
            "reading room is full from the moment the doors open.",
            "The extra hours are paid for by a grant from the regional education fund and "
            "by moving two administrative posts to the front desk.",
            "Librarian Anna Weber said the building would also lend laptops and offer quiet "
            "rooms that can be booked online a week in advance.",
            "The council will review the trial in June and decide whether to keep the late "
            "hours during the summer holidays as well.",
        ],
    ),
    "storm": (
        "Storm closes mountain roads",
        [
            "A winter storm closed three mountain passes on Tuesday night, leaving hundreds "
            "of lorries waiting in the valleys below for the snow ploughs.",
            "The weather service measured more than forty centimetres of fresh snow at the "
            "highest stations and warned of avalanches on open slopes.",
            "Police asked drivers to carry chains and to avoid the northern route entirely "
            "until the road maintenance teams have cleared it.",
            "Two villages lost power for several hours after falling trees brought down a "
            "line, the grid operator said, but electricity was restored by morning.",
            "Ski resorts welcomed the snow, which arrived two weeks earlier than last year "
            "and should allow most lifts to open before the holidays.",
        ],
    ),
}


def story_text(key: str) -> str:
    return "\n\n".join(STORIES[key][1])


def article_page(key: str, site: str = "Valley News", author: str = "Sam Reporter",
                 date: str = "2026-11-27") -> str:
    """An article page with site chrome around the story, as news sites have."""
    title, paragraphs = STORIES[key]
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html><html><head>"
        f"<title>{escape(title)} | {escape(site)}</title>"
        f'<meta property="og:site_name" content="{escape(site)}">'
        f'<meta name="author" content="{escape(author)}">'
        f'<meta property="article:published_time" content="{date}">'
        "<script>document.write('tracking')</script></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{escape(title)}</h1>{body}</article>"
        "<footer><p>Share this story with your friends on Facebook!</p></footer>"
        "</body></html>"
    )


def rfc822(when: dt.datetime) -> str:
    return format_datetime(when.astimezone(dt.UTC), usegmt=True)


def rss(title: str, items: list[dict[str, str]]) -> str:
    """An RSS 2.0 feed; each item has title, link, date and optionally description/content."""
    parts = []
    for item in items:
        content = (f"<content:encoded>{escape(item['content'])}</content:encoded>"
                   if "content" in item else "")
        parts.append(
            f"<item><title>{escape(item['title'])}</title><link>{escape(item['link'])}</link>"
            f"<guid>{escape(item['link'])}</guid><pubDate>{item['date']}</pubDate>"
            f"<description>{escape(item.get('description', ''))}</description>{content}</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{escape(title)}</title><link>http://127.0.0.1/</link>"
        f"<description>test feed</description>{''.join(parts)}</channel></rss>"
    )


def atom(title: str, entries: list[dict[str, str]]) -> str:
    """An Atom feed; each entry has title, link, date (ISO) and content (HTML)."""
    parts = [
        f"<entry><title>{escape(e['title'])}</title><link href=\"{escape(e['link'])}\"/>"
        f"<id>{escape(e['link'])}</id><updated>{e['date']}</updated>"
        f"<content type=\"html\">{escape(e['content'])}</content></entry>"
        for e in entries
    ]
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:test:{escape(title)}</id>"
        f"<updated>2026-11-27T00:00:00Z</updated>{''.join(parts)}</feed>"
    )


def story_html(key: str) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in STORIES[key][1])
