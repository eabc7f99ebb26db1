"""Article pages: fetched HTML in, an Article out.

The charset is found with care (byte-order mark, declaration if the bytes
fit it, UTF-8, else Windows-1252), then the main text, title, author, date
and site are extracted by trafilatura like any HTML file. For a teaser from
a feed, the feed's own title, date and name win over the page's.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from briefing.models import Article
from briefing.sources.feeds import HTML_TYPES, FeedEntry
from briefing.sources.fetch import Response
from briefing.sources.files import UnusableInput, bom_codec, parse_html
from briefing.sources.links import article_id, without_tracking

log = logging.getLogger(__name__)

_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_SINGLE_BYTE = {"ascii", "us-ascii", "latin-1", "latin_1", "iso-8859-1", "iso8859-1",
                "windows-1252", "cp1252"}


def decode_html(data: bytes, declared: str | None = None) -> tuple[str, str | None]:
    """Page bytes as text, and a note when the declared charset was wrong or missing.

    Order: a byte-order mark; the charset the server or the page declares, if
    the bytes really are in it; UTF-8; else Windows-1252 (what undeclared
    Western pages almost always are; it reads Latin-1 too).
    """
    marked = bom_codec(data)
    if marked:
        codec, start = marked
        return data[start:].decode(codec, errors="replace"), None
    meta = _META_CHARSET.search(data[:4096])
    declared = (declared or (meta.group(1).decode("ascii") if meta else "")).lower() or None
    if declared and declared.startswith(("utf-16", "utf-32")):
        declared = None  # without a byte-order mark this is a mistake (and ASCII would "fit")
    utf8 = _try_decode(data, "utf-8")
    if declared and (text := _try_decode(data, declared)) is not None:
        # Valid UTF-8 with non-ASCII bytes is almost never really Latin-1.
        if declared in _SINGLE_BYTE and utf8 is not None and not data.isascii():
            return utf8, f"declared {declared} but the page is UTF-8"
        return text, None
    if utf8 is not None:
        return utf8, (f"declared {declared} but the page is UTF-8" if declared else None)
    fallback = _try_decode(data, "cp1252") or data.decode("latin-1")
    what = f"declared {declared}, which does not fit" if declared else "no charset declared"
    return fallback, f"{what}; read as Windows-1252"


def _try_decode(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def page_article(response: Response, entry: FeedEntry | None = None) -> Article:
    """An article page as an Article; the feed entry's title, date and source win."""
    if response.content_type not in (*HTML_TYPES, "application/octet-stream", "text/plain"):
        raise UnusableInput(f"not an HTML page ({response.content_type})")
    html, note = decode_html(response.body, response.charset)
    if note:
        log.info("%s: %s", response.url, note)
    link = without_tracking(entry.link if entry and entry.link else response.url)
    article = parse_html(html, article_id=article_id(link), origin=response.url,
                         url=response.final_url)
    if entry is None:
        return replace(article, url=link)
    return replace(
        article,
        title=entry.title or article.title,
        url=link,
        source=entry.feed_title or article.source,
        published=entry.published or article.published,
        author=article.author or entry.author,
    )
