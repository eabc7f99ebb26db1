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

import datetime as dt
import logging
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from briefing.app.clock import today_in
from briefing.app.config import Config
from briefing.models import Briefing, Progress
from briefing.output import Rendered
from briefing.sources import Gathered, Wanted, gather

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Request(Wanted):
    """What one command asks for beyond the settings: what to read (see `Wanted`) and how to
    summarize; None takes the settings' value."""

    algorithm: str | None = None
    points: int | None = None
    cluster: bool | None = None
    workers: int | None = None


@dataclass
class Edition:
    """One made briefing: the data, its renderings, the message, where it was written, and
    what each source gathered (to remember once the briefing is delivered or queued)."""

    briefing: Briefing
    rendered: Rendered
    message: EmailMessage
    paths: dict[str, Path]
    gathered: list[Gathered] = field(default_factory=list)
    recorded: bool = field(default=False, init=False)

    def record_sources(self) -> None:
        """Move each source's state on, so the next briefing covers what came after this one.

        Only for a briefing with articles; a second call does nothing.
        """
        if self.recorded or not self.briefing.articles:
            return
        for gathered in self.gathered:
            if gathered.remember is not None:
                gathered.remember()
        self.recorded = True


def today(config: Config) -> dt.date:
    """The briefing date every command takes by default: today in BRIEFING_TIMEZONE."""
    return today_in(config.briefing_timezone)


def make_edition(
    config: Config,
    date: dt.date | None = None,
    request: Request = Request(),
    progress: Progress | None = None,
) -> Edition:
    """Gather the day's articles from every source, build, render and write its briefing
    (the four files and the archive). Sources' state is not moved here (see
    `Edition.record_sources`)."""
    from briefing.actors import load_aliases
    from briefing.compose import Shape
    from briefing.nlp.languages import html_lang
    from briefing.output.files import write_briefing
    from briefing.output.message import build_message
    from briefing.output.render import render
    from briefing.pipeline import build_briefing, collector_paused
    from briefing.storage import write_atomic
    from briefing.stories.archive import archive_path, earlier_points
    from briefing.summarize import DEFAULT_ALGORITHM

    date = date or today(config)
    gathered = gather(config, request, progress)
    articles = [article for part in gathered for article in part.articles]
    problems = [problem for part in gathered for problem in part.problems]
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
    return Edition(briefing, rendered, message, paths, gathered)


def nothing_to_brief(edition: Edition, date: dt.date) -> str | None:
    """Why a briefing without articles has nothing to say, in one line; None if it has some."""
    briefing = edition.briefing
    if briefing.articles:
        return None
    quiet = [part.quiet_since for part in edition.gathered if part.quiet_since is not None]
    if quiet and not briefing.problems:
        return (f"no usable articles for {date}: nothing new in the feeds since "
                f"{min(quiet):%Y-%m-%d %H:%M %Z} and nothing else to brief")
    return f"no usable articles for {date}: nothing to brief (see the lines above)"
