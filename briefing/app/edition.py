"""The edition service: the one place that makes a day's briefing, for every command.

`generate`, `preview`, `send`, `schedule` and the bare `run_briefing.py` all call
`make_edition`, so for the same settings and date they can never disagree about
what goes into the e-mail. It collects the sources (files and folders, feeds and
pages), builds the briefing, renders it, builds the message and writes the
files and the archive. It does not move the feed state: the caller does that with
`Edition.record_sources()` once the briefing is where it belongs (written to
files for `generate`, safely in the outbox for `send` and `schedule`), so a
briefing that never got there covers the same stretch next time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.app.clock import today_in
from briefing.app.config import Config
from briefing.models import Article, Briefing, Problem, Progress
from briefing.output import Rendered

if TYPE_CHECKING:
    from briefing.sources.files import Harvest
    from briefing.sources.web import WebRun

log = logging.getLogger(__name__)

# The articles the last fetch brought, so `preview` can rebuild with them without fetching.
FETCHED_FILE = "fetched-articles.jsonl"


@dataclass(frozen=True)
class Request:
    """What one command asks for beyond the settings; None and () take the settings' value."""

    inputs: Sequence[Path] | None = None  # files or folders; None: BRIEFING_INPUTS
    feeds: Sequence[str] = ()  # added to FEEDS
    pages: Sequence[str] = ()  # added to URLS
    since: dt.datetime | None = None  # feed entries from here; None: since the last briefing
    fetch: bool = True  # False: reuse the articles the last fetch brought (preview)
    algorithm: str | None = None
    points: int | None = None
    cluster: bool | None = None
    workers: int | None = None


@dataclass
class Edition:
    """One made briefing: the data, its renderings, the message, where it was written, and
    what the feeds gave (to record once the briefing is delivered or queued)."""

    briefing: Briefing
    rendered: Rendered
    message: EmailMessage
    paths: dict[str, Path]
    web: WebRun | None = None
    since: dt.datetime | None = None  # where the feed window started, when feeds were read
    recorded: bool = field(default=False, init=False)

    def record_sources(self) -> None:
        """Move the feed state on: the next briefing covers entries from this one's start.

        Only for a briefing with articles; a second call does nothing.
        """
        if self.web is None or self.recorded or not self.briefing.articles:
            return
        from briefing.sources.seen import record_briefing

        web = self.web
        record_briefing(web.state_dir, web.started, web.behind, seen=web.seen, gone=web.gone)
        self.recorded = True


def today(config: Config) -> dt.date:
    """The briefing date every command takes by default: today in BRIEFING_TIMEZONE."""
    return today_in(config.briefing_timezone)


def has_web_sources(config: Config, request: Request = Request()) -> bool:
    """Whether feeds or pages are configured or asked for."""
    return bool(request.feeds or request.pages or config.feeds or config.urls
                or config.feeds_file or config.urls_file)


def configured_inputs(config: Config, web_sources: bool) -> list[Path]:
    """BRIEFING_INPUTS, except that its default, the bundled seeds, gives way to feeds and pages:
    a reader who configured feeds wants their news, not the sample article."""
    if web_sources and config.is_default("BRIEFING_INPUTS"):
        return []
    return list(config.briefing_inputs)


def make_edition(
    config: Config,
    date: dt.date | None = None,
    request: Request = Request(),
    progress: Progress | None = None,
) -> Edition:
    """Collect the day's articles, build, render and write its briefing (files and archive).

    Files named in the request replace BRIEFING_INPUTS; see `configured_inputs` for how
    the bundled seeds give way to feeds and pages. The feed state is not recorded here (see
    `Edition.record_sources`).
    """
    from briefing.actors import load_aliases
    from briefing.compose import Shape
    from briefing.nlp.languages import html_lang
    from briefing.output.files import write_briefing
    from briefing.output.message import build_message
    from briefing.output.render import render
    from briefing.pipeline import build_briefing, collector_paused
    from briefing.sources.files import read_inputs
    from briefing.storage import write_atomic
    from briefing.stories.archive import archive_path, earlier_points
    from briefing.summarize import DEFAULT_ALGORITHM

    date = date or today(config)
    web_sources = has_web_sources(config, request)
    files = request.inputs or configured_inputs(config, web_sources)
    harvest = read_inputs(files, config.max_article_bytes)
    for problem in harvest.problems:
        log.warning("skipped %s: %s", problem.source, problem.reason)
    articles, problems = list(harvest.articles), list(harvest.problems)

    web = None
    if web_sources and request.fetch:
        web = _fetch(config, request, progress)
        if web is not None:
            articles += web.harvest.articles
            problems += web.harvest.problems
    elif web_sources:
        fetched = reuse_fetched(config)
        articles += fetched.articles
        problems += fetched.problems

    out_dir = config.output_dir
    with collector_paused():
        briefing = build_briefing(
            articles,
            date,
            algorithm=request.algorithm or config.algorithm or DEFAULT_ALGORITHM,
            points=request.points or config.points,
            language=config.language,
            aliases=load_aliases(config.aliases_file),
            problems=problems,
            progress=progress,
            cluster=config.cluster_stories if request.cluster is None else request.cluster,
            threshold=config.story_threshold,
            window_hours=config.story_window_hours,
            shape=Shape(config.points_per_actor, config.actors_per_briefing, config.repeats),
            recent=earlier_points(out_dir, date, config.repeat_days),
            workers=request.workers or config.workers,
        )
        subject = config.briefing_subject.replace("{date}", date.isoformat())
        rendered = render(briefing, subject, config.templates_dir, html_lang(config.language))
    message = build_message(rendered, date, config.briefing_from, config.briefing_to)
    paths = write_briefing(rendered, message, out_dir)
    # The archive is what later briefings compare against to say what is new.
    write_atomic(archive_path(out_dir, date), paths["json"].read_bytes())
    return Edition(briefing, rendered, message, paths, web, web.since if web else None)


def _fetch(config: Config, request: Request, progress: Progress | None) -> WebRun | None:
    """Read the feeds and pages, and keep what they gave for a preview that does not fetch."""
    from briefing.sources.web import collect

    web = collect(config, request.feeds, request.pages, since=request.since,
                  progress=progress)
    if web is not None:
        keep_fetched(config.state_dir, web.harvest.articles)
    return web


def keep_fetched(state_dir: Path, articles: Sequence[Article]) -> Path:
    """Write the fetched articles as JSONL into the state folder (atomically)."""
    from briefing.storage import write_atomic

    lines = []
    for article in articles:
        record = dataclasses.asdict(article)
        record["published"] = article.published.isoformat() if article.published else None
        lines.append(json.dumps(record, ensure_ascii=False))
    return write_atomic(state_dir / FETCHED_FILE, "".join(f"{line}\n" for line in lines).encode())


def reuse_fetched(config: Config) -> Harvest:
    """The articles the last fetch brought, as it kept them; none before any fetch."""
    from briefing.sources.files import Harvest

    path = config.state_dir / FETCHED_FILE
    harvest = Harvest()
    try:
        lines = path.read_text("utf-8").splitlines()
    except FileNotFoundError:
        log.info("feeds and pages are not fetched here; `generate` or `send` fetches them, "
                 "and later previews show what they brought")
        return harvest
    except (OSError, UnicodeDecodeError) as error:
        harvest.problems.append(Problem(str(path), f"cannot read the fetched articles: {error}"))
        return harvest
    for number, line in enumerate(lines, start=1):
        try:
            record = json.loads(line)
            published = record.pop("published")
            harvest.articles.append(Article(
                **record, published=dt.datetime.fromisoformat(published) if published else None))
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            harvest.problems.append(Problem(f"{path}:{number}", f"damaged: {error}"))
    return harvest


def nothing_to_brief(edition: Edition, date: dt.date) -> str | None:
    """Why a briefing without articles has nothing to say, in one line; None if it has some."""
    briefing = edition.briefing
    if briefing.articles:
        return None
    if edition.web is not None and not briefing.problems:
        return (f"no usable articles for {date}: nothing new in the feeds since "
                f"{edition.since:%Y-%m-%d %H:%M %Z} and nothing else to brief")
    return f"no usable articles for {date}: nothing to brief (see the lines above)"

