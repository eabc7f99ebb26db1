"""Feeds: RSS 0.9x/1.0/2.0 and Atom bytes in, FeedEntry values out.

Only bytes we fetched ourselves reach feedparser, wrapped in a stream, so a
feed can never make it open a URL or a local path. Entry markup is reduced to
plain paragraphs here; no tag survives into the briefing. Each entry carries
a key (its id, else its link, else a hash of its title and text) by which
the feed state remembers entries that have no date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit
from xml.sax import SAXException

import feedparser

from briefing.models import Article
from briefing.sources.fetch import is_fetchable
from briefing.sources.files import UnusableInput
from briefing.sources.links import article_id, canonical_url, without_tracking

log = logging.getLogger(__name__)

TEASER_WORDS = 80  # feed text shorter than this is a teaser: fetch the page
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed, its markup already reduced to text."""

    feed_url: str
    feed_title: str
    title: str
    link: str | None
    published: dt.datetime | None
    text: str
    author: str | None = None
    key: str = ""  # the entry's id, else its canonical link, else a hash of title and text


def parse_feed(data: bytes, url: str, content_type: str = "", charset: str | None = None
               ) -> list[FeedEntry]:
    """Entries of an RSS 0.9x/1.0/2.0 or Atom feed, or UnusableInput saying why not."""
    header = content_type + (f"; charset={charset}" if charset else "")
    parsed = feedparser.parse(
        io.BytesIO(data),  # a stream: feedparser must never take bytes for a path or URL
        response_headers={"content-type": header or "application/xml",
                          "content-location": url},
        sanitize_html=True,
        resolve_relative_uris=False,
    )
    if not parsed.get("version"):
        if _looks_like_html(data, content_type):
            hint = _feed_link_in_html(data, url)
            raise UnusableInput("not a feed but an HTML page"
                                + (f"; it links to a feed at {hint}" if hint else ""))
        if parsed.get("bozo"):
            raise UnusableInput(f"malformed XML ({_bozo_reason(parsed)})")
        raise UnusableInput("not an RSS or Atom feed")
    if not parsed.entries and isinstance(parsed.get("bozo_exception"), SAXException):
        raise UnusableInput(f"malformed XML ({_bozo_reason(parsed)})")
    if parsed.get("bozo"):
        log.info("%s: feed read despite %s", url, _bozo_reason(parsed))
    feed_title = html_to_text(parsed.feed.get("title", "")) or urlsplit(url).hostname or url
    return [_entry(item, url, feed_title) for item in parsed.entries]


def _entry(item: dict, feed_url: str, feed_title: str) -> FeedEntry:
    raw_link = (item.get("link") or "").strip()
    link = urljoin(feed_url, raw_link) if raw_link else ""
    if canonical_url(link) == canonical_url(feed_url):
        link = ""  # an empty href resolves to the feed itself: that is no link
    bodies = [c.get("value", "") for c in item.get("content", [])] + [item.get("summary", "")]
    texts = [html_to_text(body) for body in bodies if body]
    stamp = item.get("published_parsed") or item.get("updated_parsed")
    title = html_to_text(item.get("title", ""))
    text = max(texts, key=len, default="")
    return FeedEntry(
        feed_url=feed_url,
        feed_title=feed_title,
        title=title,
        link=link if is_fetchable(link) else None,  # a file: or javascript: link is dropped
        published=dt.datetime(*stamp[:6], tzinfo=dt.UTC) if stamp else None,
        text=text,
        author=html_to_text(item.get("author", "")) or None,
        key=_entry_key(item, link, title, text),
    )


def _entry_key(item: dict, link: str, title: str, text: str) -> str:
    """What identifies an entry across fetches: id (guid), else link, else its words."""
    identifier = str(item.get("id") or "").strip()
    if identifier:
        return f"id:{identifier}"
    if link:
        return f"link:{canonical_url(link)}"
    return "text:" + hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()[:16]


def _bozo_reason(parsed: dict) -> str:
    error = parsed.get("bozo_exception")
    message = getattr(error, "getMessage", lambda: str(error))()
    line = getattr(error, "getLineNumber", lambda: None)()
    return f"{message} at line {line}" if line else str(message)


def _looks_like_html(data: bytes, content_type: str) -> bool:
    head = data[:1024].lstrip().lower()
    return content_type in HTML_TYPES or head.startswith((b"<!doctype html", b"<html"))


_ALTERNATE = re.compile(
    rb"<link[^>]+type=[\"']application/(?:rss|atom)\+xml[\"'][^>]*>", re.IGNORECASE)
_HREF = re.compile(rb"href=[\"']([^\"']+)[\"']", re.IGNORECASE)


def _feed_link_in_html(data: bytes, url: str) -> str | None:
    tag = _ALTERNATE.search(data[:65536])
    href = _HREF.search(tag.group(0)) if tag else None
    return urljoin(url, href.group(1).decode("ascii", "replace")) if href else None


def is_teaser(text: str) -> bool:
    """A summary too short to stand for the article, or visibly cut off."""
    stripped = text.rstrip().lower()
    cut = stripped.endswith(("…", "...", "[…]", "[...]", "read more", "continue reading"))
    return cut or len(text.split()) < TEASER_WORDS


class _TextCollector(HTMLParser):
    """HTML to text, one paragraph per block element; scripts and styles dropped."""

    BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
              "section", "article", "tr", "pre", "figure", "figcaption", "ul", "ol", "table"}
    SKIPPED = {"script", "style", "noscript", "template", "iframe", "object", "svg"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Feed markup (a title or an entry's content) as plain paragraphs: no tag survives."""
    if "<" not in markup and "&" not in markup:
        return " ".join(markup.split())
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    paragraphs = (" ".join(block.split()) for block in "".join(collector.parts).split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def entry_article(entry: FeedEntry) -> Article:
    """A feed entry whose own content is the full story."""
    link = entry.link or entry.feed_url
    return Article(
        # without a link of its own, the entry is told apart by its title and text
        id=article_id(link, "" if entry.link else f"{entry.title}\n{entry.text[:500]}"),
        title=entry.title or entry.text.split("\n", 1)[0][:120],
        text=entry.text,
        url=without_tracking(entry.link) if entry.link else None,
        source=entry.feed_title,
        published=entry.published,
        origin=entry.link or entry.feed_url,
        author=entry.author,
    )
