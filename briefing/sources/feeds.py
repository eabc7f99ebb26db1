"""Web sources: RSS/Atom feeds and article pages in, Articles and Problems out.

A briefing covers what was published since the last briefing (a small state
file), else the last 24 hours. Feed entries that carry the full story are
used as they are; teasers are replaced by the page they link to, extracted
with trafilatura like any HTML file. The same story seen twice (two feeds,
tracking parameters, a republished copy) is kept once. Every feed or page
that fails is one Problem naming it; the rest still make the briefing.

Only bytes we fetched ourselves reach feedparser, wrapped in a stream, so a
feed can never make it open a URL or a local path.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import re
import xml.etree.ElementTree as ElementTree
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit
from xml.sax import SAXException

import feedparser

from briefing.app.config import Config
from briefing.models import Article, Problem
from briefing.sources.fetch import (
    DEFAULT_POLICY,
    FetchError,
    FetchPolicy,
    HttpCache,
    Progress,
    Response,
    fetch_all,
    is_fetchable,
)
from briefing.sources.files import Harvest, UnusableInput, parse_html
from briefing.storage import write_atomic

log = logging.getLogger(__name__)

DEFAULT_WINDOW = dt.timedelta(hours=24)
STATE_FILE = "last-briefing.json"
CACHE_FOLDER = "http-cache"
TEASER_WORDS = 80  # feed text shorter than this is a teaser: fetch the page
DUPLICATE_OVERLAP = 0.8  # share of word 5-grams two texts must have in common
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class WebSources:
    """What to fetch: feed URLs and article page URLs."""

    feeds: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.feeds or self.pages)


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


# --- Lists of sources ----------------------------------------------------------


def read_url_list(path: Path) -> tuple[list[str], list[Problem]]:
    """URLs from a file: OPML (every outline's xmlUrl) or one URL a line, `#` comments."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return [], [Problem(str(path), f"cannot read: {error.strerror or error}")]
    if b"<opml" in data[:2048].lower():
        try:
            root = ElementTree.fromstring(data)
        except ElementTree.ParseError as error:
            return [], [Problem(str(path), f"malformed OPML ({error})")]
        urls = [o.get("xmlUrl", "").strip() for o in root.iter("outline") if o.get("xmlUrl")]
        return urls, []
    text = data.decode("utf-8-sig", errors="replace")
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")], []


# --- The window: since the last briefing ----------------------------------------


def window_start(state_dir: Path, now: dt.datetime) -> dt.datetime:
    """When the last briefing was generated, or 24 hours before `now` if never."""
    return _state(state_dir)[0] or now - DEFAULT_WINDOW


def feeds_behind(state_dir: Path) -> dict[str, dt.datetime]:
    """Feeds that failed last time, with the start of the window they still owe."""
    return _state(state_dir)[1]


def _state(state_dir: Path) -> tuple[dt.datetime | None, dict[str, dt.datetime]]:
    """The state file's (generated_at, behind); a missing or damaged file is a first run."""
    try:
        record = json.loads((state_dir / STATE_FILE).read_text("utf-8"))
        generated = _aware(dt.datetime.fromisoformat(record["generated_at"]))
        behind = {url: _aware(dt.datetime.fromisoformat(when))
                  for url, when in record.get("behind", {}).items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None, {}
    return generated, behind


def _aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def record_briefing(state_dir: Path, when: dt.datetime,
                    behind: Mapping[str, dt.datetime] | None = None) -> Path:
    """Remember that a briefing covered everything up to `when` (atomically).

    `behind` names feeds that could not be read, with where their window
    started, so the next briefing still covers what they missed.
    """
    record = {
        "generated_at": when.isoformat(),
        "behind": {url: start.isoformat() for url, start in (behind or {}).items()},
    }
    return write_atomic(state_dir / STATE_FILE, json.dumps(record).encode("utf-8"))


def in_window(entry: FeedEntry, since: dt.datetime) -> bool:
    """Published at or after `since`; an undated entry is always taken."""
    return entry.published is None or entry.published >= since


# --- Feeds -----------------------------------------------------------------------


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
    return FeedEntry(
        feed_url=feed_url,
        feed_title=feed_title,
        title=html_to_text(item.get("title", "")),
        link=link if is_fetchable(link) else None,  # a file: or javascript: link is dropped
        published=dt.datetime(*stamp[:6], tzinfo=dt.UTC) if stamp else None,
        text=max(texts, key=len, default=""),
        author=html_to_text(item.get("author", "")) or None,
    )


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


# --- Pages -----------------------------------------------------------------------

_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_SINGLE_BYTE = {"ascii", "us-ascii", "latin-1", "latin_1", "iso-8859-1", "iso8859-1",
                "windows-1252", "cp1252"}


def decode_html(data: bytes, declared: str | None = None) -> tuple[str, str | None]:
    """Page bytes as text, and a note when the declared charset was wrong or missing.

    Order: a byte-order mark; the charset the server or the page declares, if
    the bytes really are in it; UTF-8; else Windows-1252 (what undeclared
    Western pages almost always are; it reads Latin-1 too).
    """
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16"),
                       (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace").lstrip("\ufeff"), None
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


def article_id(url: str, extra: str = "") -> str:
    """A stable id from the page's address (and `extra`): its host and a short hash."""
    canonical = canonical_url(url)
    host = (urlsplit(canonical).hostname or "web").removeprefix("www.")
    digest = hashlib.sha256(f"{canonical}\n{extra}".encode()).hexdigest()[:10]
    return f"{host}-{digest}"


# --- The same story twice ----------------------------------------------------------

_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|igshid|mc_cid|mc_eid|_ga|"
    r"_gl|ref|ref_src|ref_url|referrer|cmpid|cmp|icid|ito|ncid|sr_share|share|smid|"
    r"at_medium|at_campaign|at_custom\d*|rss|feed|from|source|s_cid|xtor|__twitter_impression)$",
    re.IGNORECASE,
)


def without_tracking(url: str) -> str:
    """The address as shown in the briefing: tracking parameters and fragment removed."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _TRACKING.match(k)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def canonical_url(url: str) -> str:
    """The address with tracking parameters, fragment and default port removed.

    Two links to the same story that differ only in how they were shared
    canonicalise to the same string.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not _TRACKING.match(k))
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    return urlunsplit((scheme, host, path, urlencode(query), ""))


def _shingles(text: str, size: int = 5) -> set[int]:
    words = re.findall(r"\w+", text.lower())[:400]
    return {hash(tuple(words[i:i + size])) for i in range(max(1, len(words) - size + 1))}


def drop_duplicates(articles: Sequence[Article]) -> tuple[list[Article], list[Article]]:
    """Keep the first of each story: same canonical URL, or nearly the same text.

    Copies are found through an index from shingle to the articles holding it,
    so each article is compared only with those sharing its word runs: the
    work grows with the number of articles, not its square.
    Returns (kept, dropped).
    """
    kept: list[Article] = []
    dropped: list[Article] = []
    seen_urls: set[str] = set()
    sizes: list[int] = []
    holders: dict[int, list[int]] = defaultdict(list)
    for article in articles:
        url = canonical_url(article.url) if article.url else None
        shingles = _shingles(article.text)
        shared = Counter(i for shingle in shingles for i in holders.get(shingle, ()))
        copy = any(
            count >= DUPLICATE_OVERLAP * min(len(shingles), sizes[i])
            for i, count in shared.items()
        )
        if (url and url in seen_urls) or copy:
            dropped.append(article)
            continue
        for shingle in shingles:
            holders[shingle].append(len(sizes))
        sizes.append(len(shingles))
        kept.append(article)
        if url:
            seen_urls.add(url)
    return kept, dropped


# --- Everything together -------------------------------------------------------------


def read_web(
    sources: WebSources,
    since: dt.datetime,
    policy: FetchPolicy = DEFAULT_POLICY,
    cache: HttpCache | None = None,
    progress: Progress | None = None,
    since_by_feed: Mapping[str, dt.datetime] | None = None,
) -> Harvest:
    """Fetch the feeds and pages; return the articles and one Problem per failed source.

    Feed entries published before `since` (or the feed's own start in
    `since_by_feed`) are skipped. Pages listed directly are always taken: the
    user asked for them by name.
    """
    harvest = Harvest()
    starts = {url: (since_by_feed or {}).get(url, since) for url in sources.feeds}
    entries = _read_feeds(starts, policy, cache, progress, harvest)
    full = [entry for entry in entries if not is_teaser(entry.text)]
    teasers = [entry for entry in entries if is_teaser(entry.text)]
    have = {canonical_url(entry.link) for entry in full if entry.link}
    wanted: dict[str, tuple[str, FeedEntry | None]] = {}  # canonical URL -> (URL, entry)
    for entry in teasers:
        if not entry.link:
            where = f"{entry.feed_url} ({entry.title or 'untitled entry'})"
            harvest.problems.append(Problem(where, "teaser only, and no http(s) link to "
                                                   "the full article"))
            continue
        if canonical_url(entry.link) not in have:  # another feed carries it in full
            wanted.setdefault(canonical_url(entry.link), (entry.link, entry))
    for url in sources.pages:
        wanted.setdefault(canonical_url(url), (url, None))

    fetched = fetch_all([url for url, _ in wanted.values()], policy, cache,
                        _staged(progress, "pages"))
    harvest.articles.extend(entry_article(entry) for entry in full)
    for url, entry in wanted.values():
        result = fetched[url]
        try:
            if isinstance(result, FetchError):
                raise UnusableInput(str(result))
            harvest.articles.append(page_article(result, entry))
        except UnusableInput as reason:
            harvest.problems.append(Problem(url, str(reason)))

    harvest.articles, dropped = drop_duplicates(harvest.articles)
    for article in dropped:
        log.info("left out %s: the same story as another article", article.origin)
    for problem in harvest.problems:
        log.warning("skipped %s: %s", problem.source, problem.reason)
    return harvest


def _read_feeds(
    starts: Mapping[str, dt.datetime],
    policy: FetchPolicy,
    cache: HttpCache | None,
    progress: Progress | None,
    harvest: Harvest,
) -> list[FeedEntry]:
    entries: list[FeedEntry] = []
    for url, result in fetch_all(starts, policy, cache, _staged(progress, "feeds")).items():
        try:
            if isinstance(result, FetchError):
                raise UnusableInput(str(result))
            found = parse_feed(result.body, result.final_url, result.content_type,
                               result.charset)
        except UnusableInput as reason:
            harvest.problems.append(Problem(url, str(reason)))
            continue
        recent = [entry for entry in found if in_window(entry, starts[url])]
        log.info("%s: %d of %d entries since %s", url, len(recent), len(found),
                 starts[url].isoformat(timespec="minutes"))
        entries.extend(recent)
    return entries


def _staged(progress: Progress | None, stage: str) -> Progress | None:
    if progress is None:
        return None
    return lambda _stage, done, total: progress(stage, done, total)


def open_cache(state_dir: Path) -> HttpCache:
    """The HTTP cache kept under the state folder."""
    return HttpCache(state_dir / CACHE_FOLDER)


# --- From the settings ----------------------------------------------------------------


@dataclass(frozen=True)
class WebRun:
    """What one run fetched, and what to record once its briefing is written."""

    harvest: Harvest
    state_dir: Path
    started: dt.datetime  # the next briefing covers entries from here on
    since: dt.datetime
    behind: dict[str, dt.datetime]  # feeds that failed: where their next window starts


def configured_sources(
    config: Config, feeds: Sequence[str] = (), pages: Sequence[str] = ()
) -> tuple[WebSources, list[Problem]]:
    """Feeds and pages from the command line and the settings, files of them included."""
    problems: list[Problem] = []
    all_feeds, all_pages = [*feeds, *config.feeds], [*pages, *config.urls]
    for path, into in ((config.feeds_file, all_feeds), (config.urls_file, all_pages)):
        if path:
            urls, trouble = read_url_list(path)
            into.extend(urls)
            problems.extend(trouble)
    for url in [*all_feeds, *all_pages]:
        if not is_fetchable(url):
            problems.append(Problem(url, "only http and https URLs are fetched"))
    usable_feeds = tuple(url for url in dict.fromkeys(all_feeds) if is_fetchable(url))
    usable_pages = tuple(url for url in dict.fromkeys(all_pages) if is_fetchable(url))
    return WebSources(usable_feeds, usable_pages), problems


def fetch_policy(config: Config) -> FetchPolicy:
    """The fetch limits the settings ask for."""
    return FetchPolicy(
        timeout=config.fetch_timeout,
        max_bytes=config.fetch_max_bytes,
        max_redirects=config.fetch_max_redirects,
        user_agent=config.user_agent or DEFAULT_POLICY.user_agent,
        workers=config.fetch_workers,
        per_host=config.fetch_per_host,
        allow=config.fetch_allow_hosts,
    )


def collect(
    config: Config,
    feeds: Sequence[str] = (),
    pages: Sequence[str] = (),
    *,
    since: dt.datetime | None = None,
    out_dir: Path | None = None,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> WebRun | None:
    """Fetch every configured feed and page; None when there are none to fetch.

    The window starts at `since`, else at the last recorded briefing (for a
    feed that failed then, where its window started), else 24 hours ago. Call
    `record_briefing(run.state_dir, run.started, run.behind)` once the briefing
    is written, so the next one starts where this one ended.
    """
    sources, problems = configured_sources(config, feeds, pages)
    if not sources and not problems:
        return None
    now = now or dt.datetime.now(dt.UTC)
    state_dir = config.briefing_state_dir or (out_dir or config.output_dir) / "state"
    start = since or window_start(state_dir, now)
    for problem in problems:
        log.warning("skipped %s: %s", problem.source, problem.reason)
    owed = {} if since else feeds_behind(state_dir)
    harvest = read_web(sources, start, fetch_policy(config), open_cache(state_dir), progress,
                       since_by_feed=owed)
    failed = {problem.source for problem in harvest.problems}
    behind = {url: owed.get(url, start) for url in sources.feeds if url in failed}
    harvest.problems[:0] = problems
    return WebRun(harvest, state_dir, now, start, behind)
