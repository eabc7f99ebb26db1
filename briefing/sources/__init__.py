"""Sources stage: where a day's articles come from.

Each kind of source is a `Source`: a function of the settings and of what the
command asks for (`Wanted`) that returns what it `Gathered`. The edition reads
every kind in `SOURCES`, in order, so a new kind (a mailbox of newsletters, say)
is one module and one entry here. A kind with state (the feeds' window) says
how to move it on in `Gathered.remember`, which the edition calls only once the
briefing is written or queued.

- `files`: files and folders (`files.py`: .txt, .md, .html, .jsonl)
- `web`: feeds and article pages over HTTP(S) (`web.py`, with `fetch.py`,
  `feeds.py`, `pages.py`, `links.py` and the feed state in `seen.py`)
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from briefing.models import Article, Problem, Progress

if TYPE_CHECKING:
    from briefing.app.config import Config

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Wanted:
    """What a command asks to read beyond the settings; None and () take the settings'."""

    inputs: Sequence[Path] | None = None  # files or folders; None: BRIEFING_INPUTS
    feeds: Sequence[str] = ()  # added to FEEDS
    pages: Sequence[str] = ()  # added to URLS
    since: dt.datetime | None = None  # feed entries from here; None: since the last briefing
    fetch: bool = True  # False: reuse what the last fetch brought (preview never fetches)


@dataclass
class Gathered:
    """What one kind of source brought for a briefing."""

    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Moves the source's state on (the feeds' window); called once the briefing is safe.
    remember: Callable[[], None] | None = None
    # Why it may have brought nothing: "nothing new in the feeds since ...".
    quiet_since: dt.datetime | None = None


class Source(Protocol):
    """A kind of source: the settings and the command's wishes in, what it gathered out."""

    def __call__(self, config: Config, wanted: Wanted, progress: Progress | None) -> Gathered:
        ...


def has_web_sources(config: Config, wanted: Wanted = Wanted()) -> bool:
    """Whether feeds or pages are configured or asked for."""
    return bool(wanted.feeds or wanted.pages or config.feeds or config.urls
                or config.feeds_file or config.urls_file)


def configured_inputs(config: Config, wanted: Wanted = Wanted()) -> list[Path]:
    """The files and folders to read: those asked for, else BRIEFING_INPUTS, except that its
    default, the bundled seeds, gives way to feeds and pages: a reader who configured feeds
    wants their news, not the sample article."""
    if wanted.inputs:
        return list(wanted.inputs)
    if has_web_sources(config, wanted) and config.is_default("BRIEFING_INPUTS"):
        return []
    return list(config.briefing_inputs)


def read_files(config: Config, wanted: Wanted, progress: Progress | None) -> Gathered:
    """The `files` source: every article in the files and folders to read."""
    from briefing.sources.files import read_inputs

    harvest = read_inputs(configured_inputs(config, wanted), config.max_article_bytes)
    for problem in harvest.problems:
        log.warning("skipped %s: %s", problem.source, problem.reason)
    return Gathered(harvest.articles, harvest.problems)


def read_web(config: Config, wanted: Wanted, progress: Progress | None) -> Gathered:
    """The `web` source: feeds and pages, fetched; or, without `fetch`, the last fetch's."""
    if not has_web_sources(config, wanted):
        return Gathered()
    from briefing.sources import web

    if not wanted.fetch:
        return web.reuse_fetched(config.state_dir)
    return web.gather(config, wanted.feeds, wanted.pages, since=wanted.since, progress=progress)


SOURCES: dict[str, Source] = {
    "files": read_files,
    "web": read_web,
}


def gather(config: Config, wanted: Wanted, progress: Progress | None = None) -> list[Gathered]:
    """What every kind of source brought, in the order of `SOURCES`."""
    return [source(config, wanted, progress) for source in SOURCES.values()]
