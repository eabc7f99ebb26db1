"""Web sources: the configured feeds and pages fetched, one Harvest of articles out.

A briefing covers what was published since the last briefing (the feed state
in `seen`), else the last 24 hours. Feed entries that carry the full story are
used as they are; teasers are replaced by the page they link to (`pages`).
The same story seen twice (two feeds, tracking parameters, a republished
copy) is kept once. Every feed or page that fails is one Problem naming it;
the rest still make the briefing. Like a good feed reader, a feed that
answers 410 Gone is dropped with a line asking to remove it, and one that
moved for good (301, 308) is followed with a line asking to update it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import xml.etree.ElementTree as ElementTree
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.app.config import Config
from briefing.models import Article, Problem
from briefing.sources.feeds import FeedEntry, entry_article, is_teaser, parse_feed
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
from briefing.sources.files import Harvest, UnusableInput

if TYPE_CHECKING:
    from briefing.sources import Gathered
from briefing.sources.links import canonical_url
from briefing.sources.pages import page_article
from briefing.sources.seen import DEFAULT_WINDOW, FeedState, in_window, load_state

log = logging.getLogger(__name__)

CACHE_FOLDER = "http-cache"
DUPLICATE_OVERLAP = 0.8  # share of word 5-grams two texts must have in common
GONE = 410
REMOVE_HINT = "remove it from FEEDS or FEEDS_FILE"


@dataclass(frozen=True)
class WebSources:
    """What to fetch: feed URLs and article page URLs."""

    feeds: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.feeds or self.pages)


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


# --- The same story twice ----------------------------------------------------------


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


@dataclass
class WebHarvest:
    """The articles and problems, and what the feed state should learn from this run."""

    harvest: Harvest = field(default_factory=Harvest)
    seen: dict[str, frozenset[str]] = field(default_factory=dict)  # feed -> undated entry keys
    gone: list[str] = field(default_factory=list)  # feeds that answered 410 just now


def read_web(
    sources: WebSources,
    since: dt.datetime,
    policy: FetchPolicy = DEFAULT_POLICY,
    cache: HttpCache | None = None,
    progress: Progress | None = None,
    since_by_feed: Mapping[str, dt.datetime] | None = None,
    state: FeedState | None = None,
) -> WebHarvest:
    """Fetch the feeds and pages; return the articles and one Problem per failed source.

    Feed entries published before `since` (or the feed's own start in
    `since_by_feed`) are skipped, and so are undated entries `state` has seen.
    Pages listed directly are always taken: the user asked for them by name.
    """
    result = WebHarvest()
    harvest = result.harvest
    starts = {url: (since_by_feed or {}).get(url, since) for url in sources.feeds}
    entries = _read_feeds(starts, policy, cache, progress, result, state or FeedState())
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
        answer = fetched[url]
        try:
            if isinstance(answer, FetchError):
                raise UnusableInput(str(answer))
            if entry is None:
                _tell_if_moved(url, answer, "URLS or URLS_FILE")
            harvest.articles.append(page_article(answer, entry))
        except UnusableInput as reason:
            harvest.problems.append(Problem(url, str(reason)))

    harvest.articles, dropped = drop_duplicates(harvest.articles)
    for article in dropped:
        log.info("left out %s: the same story as another article", article.origin)
    for problem in harvest.problems:
        log.warning("skipped %s: %s", problem.source, problem.reason)
    return result


def _read_feeds(
    starts: Mapping[str, dt.datetime],
    policy: FetchPolicy,
    cache: HttpCache | None,
    progress: Progress | None,
    result: WebHarvest,
    state: FeedState,
) -> list[FeedEntry]:
    entries: list[FeedEntry] = []
    for url, answer in fetch_all(starts, policy, cache, _staged(progress, "feeds")).items():
        try:
            if isinstance(answer, FetchError):
                if answer.status == GONE:
                    result.gone.append(url)
                    raise UnusableInput(f"{answer}: {REMOVE_HINT}")
                raise UnusableInput(str(answer))
            _tell_if_moved(url, answer, "FEEDS or FEEDS_FILE")
            found = parse_feed(answer.body, answer.final_url, answer.content_type,
                               answer.charset)
        except UnusableInput as reason:
            result.harvest.problems.append(Problem(url, str(reason)))
            if url in state.seen:
                result.seen[url] = state.seen[url]  # nothing learnt; keep what we knew
            continue
        seen = state.seen.get(url, frozenset())
        recent = [entry for entry in found if in_window(entry, starts[url], seen)]
        result.seen[url] = frozenset(entry.key for entry in found if entry.published is None)
        log.info("%s: %d of %d entries since %s", url, len(recent), len(found),
                 starts[url].isoformat(timespec="minutes"))
        entries.extend(recent)
    return entries


def _tell_if_moved(url: str, answer: Response, setting: str) -> None:
    if answer.moved_to:
        log.warning("%s has moved for good to %s: update it in %s", url, answer.moved_to,
                    setting)


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
    """What one run fetched, and what to record once its briefing is written.

    Record it with `record_briefing(run.state_dir, run.started, run.behind,
    seen=run.seen, gone=run.gone)` (briefing.sources.seen).
    """

    harvest: Harvest
    state_dir: Path
    started: dt.datetime  # the next briefing covers entries from here on
    since: dt.datetime
    behind: dict[str, dt.datetime]  # feeds that failed: where their next window starts
    seen: dict[str, frozenset[str]] = field(default_factory=dict)  # undated entries per feed
    gone: dict[str, str] = field(default_factory=dict)  # feeds that answered 410, and when


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
    feed that failed then, where its window started), else 24 hours ago. A
    feed that answered 410 before is not fetched again, only named. Record the
    run (see WebRun) once the briefing is written, so the next one starts
    where this one ended.
    """
    sources, problems = configured_sources(config, feeds, pages)
    if not sources and not problems:
        return None
    now = now or dt.datetime.now(dt.UTC)
    state_dir = config.with_values(output_dir=out_dir).state_dir
    state = load_state(state_dir)
    start = since or state.generated_at or now - DEFAULT_WINDOW
    gone = {url: when for url, when in state.gone.items() if url in sources.feeds}
    for url, when in gone.items():
        problems.append(Problem(url, f"HTTP 410 Gone since {when}, so no longer fetched: "
                                     f"{REMOVE_HINT}"))
    for problem in problems:
        log.warning("skipped %s: %s", problem.source, problem.reason)
    owed = {} if since else dict(state.behind)
    live = WebSources(tuple(url for url in sources.feeds if url not in gone), sources.pages)
    result = read_web(live, start, fetch_policy(config), open_cache(state_dir), progress,
                      since_by_feed=owed, state=state)
    harvest = result.harvest
    failed = {problem.source for problem in harvest.problems}
    behind = {url: owed.get(url, start) for url in live.feeds
              if url in failed and url not in result.gone}
    gone.update({url: now.date().isoformat() for url in result.gone})
    harvest.problems[:0] = problems
    return WebRun(harvest, state_dir, now, start, behind, result.seen, gone)


# --- As a source of the edition -------------------------------------------------------

# The articles the last fetch brought, so a preview can rebuild with them without fetching.
FETCHED_FILE = "fetched-articles.jsonl"


def gather(
    config: Config,
    feeds: Sequence[str] = (),
    pages: Sequence[str] = (),
    *,
    since: dt.datetime | None = None,
    progress: Progress | None = None,
) -> Gathered:
    """The `web` source: fetch, keep what came for previews, and say how to record the run."""
    from briefing.sources import Gathered
    from briefing.sources.seen import record_briefing

    run = collect(config, feeds, pages, since=since, progress=progress)
    if run is None:
        return Gathered()
    keep_fetched(run.state_dir, run.harvest.articles)

    def remember() -> None:
        record_briefing(run.state_dir, run.started, run.behind, seen=run.seen, gone=run.gone)

    return Gathered(run.harvest.articles, run.harvest.problems, remember, quiet_since=run.since)


def keep_fetched(state_dir: Path, articles: Sequence[Article]) -> Path:
    """Write the fetched articles as JSONL into the state folder (atomically)."""
    import dataclasses
    import json

    from briefing.storage import write_atomic

    lines = []
    for article in articles:
        record = dataclasses.asdict(article)
        record["published"] = article.published.isoformat() if article.published else None
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    return write_atomic(state_dir / FETCHED_FILE, "".join(lines).encode("utf-8"))


def reuse_fetched(state_dir: Path) -> Gathered:
    """The articles the last fetch brought, as it kept them; none before any fetch."""
    import json

    from briefing.sources import Gathered

    path = state_dir / FETCHED_FILE
    gathered = Gathered()
    try:
        lines = path.read_text("utf-8").splitlines()
    except FileNotFoundError:
        log.info("feeds and pages are not fetched here; `generate` or `send` fetches them, "
                 "and later previews show what they brought")
        return gathered
    except (OSError, UnicodeDecodeError) as error:
        gathered.problems.append(Problem(str(path), f"cannot read the fetched articles: {error}"))
        return gathered
    for number, line in enumerate(lines, start=1):
        try:
            record = json.loads(line)
            published = record.pop("published")
            gathered.articles.append(Article(
                **record, published=dt.datetime.fromisoformat(published) if published else None))
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as error:
            gathered.problems.append(Problem(f"{path}:{number}", f"damaged: {error}"))
    return gathered
