"""Plain data passed from stage to stage.

The pipeline reads like this: sources -> text -> summarize -> actors ->
compose -> render -> deliver. Each stage takes the dataclasses below and
returns new ones; none of them does I/O on behalf of another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

# A progress report from a long stage: (stage, done, total), shown by the CLI on a terminal.
Progress = Callable[[str, int, int], None]

# Actor kinds shown to readers.
PERSON = "person"
ORGANISATION = "organisation"
PLACE = "place"  # countries, cities, regions
ACTOR_KINDS = (PERSON, ORGANISATION, PLACE)


@dataclass(frozen=True)
class Article:
    """One news article as it came in, before any processing."""

    id: str
    title: str
    text: str  # body text; paragraphs separated by blank lines
    url: str | None = None
    source: str | None = None  # outlet or site name
    published: dt.datetime | None = None
    origin: str = ""  # file path or URL it was read from, for messages
    author: str | None = None  # byline, when the page or feed names one


@dataclass(frozen=True)
class Problem:
    """An input that could not be used, and why; reported, never fatal."""

    source: str  # file name, URL or "file.jsonl:12"
    reason: str


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article's cleaned body."""

    index: int  # position among all the article's sentences, from 0
    paragraph: int  # position of its paragraph, from 0
    text: str


@dataclass(frozen=True)
class Document:
    """An article after the text stage: furniture removed, split into sentences."""

    article: Article
    sentences: tuple[Sentence, ...]

    @property
    def id(self) -> str:
        return self.article.id

    @property
    def title(self) -> str:
        return self.article.title


@dataclass(frozen=True)
class KeyPoint:
    """A sentence chosen to stand for its article."""

    article_id: str
    index: int  # the sentence's Sentence.index
    text: str
    score: float  # higher is better; only comparable within one article


@dataclass(frozen=True)
class Actor:
    """A person, organisation or place, known by one canonical name."""

    name: str
    kind: str  # one of ACTOR_KINDS
    aliases: tuple[str, ...] = ()  # other spellings seen, canonical name excluded
    mentions: int = 0  # how often the day's articles name it: its weight in the news
    # Why it may not head a section (a rule of briefing.actors.headings), or None when it may;
    # judged for the actors a section could be headed by (named in a point or a headline)
    not_a_heading: str | None = None


@dataclass(frozen=True)
class PointActors:
    """Who a key point is about: who acts or speaks, and who else it names."""

    primary: str | None  # an Actor.name, or None when nobody acts in it
    others: tuple[str, ...] = ()  # Actor.names, primary excluded


@dataclass(frozen=True)
class Attribution:
    """The actors stage's result for a whole briefing."""

    actors: dict[str, Actor] = field(default_factory=dict)  # by Actor.name
    # keyed by (article_id, sentence index)
    points: dict[tuple[str, int], PointActors] = field(default_factory=dict)
    # by article id: how often the article names each actor
    named: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class StoryPoint:
    """A point of a story: the clearest wording, credited to every article that carries it."""

    point: KeyPoint  # the wording kept
    sources: tuple[str, ...]  # ids of every article carrying it, the kept wording's first


@dataclass(frozen=True)
class Story:
    """The day's articles about one event, and the points chosen from them together."""

    id: str
    title: str
    article_ids: tuple[str, ...]
    points: tuple[StoryPoint, ...]


@dataclass(frozen=True)
class BriefingPoint:
    """A key point as the briefing shows it: filed under its primary actor."""

    point: KeyPoint
    primary: str | None
    others: tuple[str, ...] = ()
    story: str | None = None  # Story.id
    sources: tuple[str, ...] = ()  # article ids carrying it
    earlier: str | None = None  # date of an earlier briefing that already had it
    acted: bool = True  # the primary acts or speaks in it (not merely the first actor named)


@dataclass(frozen=True)
class SectionStory:
    """One story as a section shows it: its points together, in reading order.

    A story sits under one heading only (its main actor's); the other actors it
    names are listed beside it, so a reader finds it once and knows who else is in it.
    """

    story: str  # Story.id
    title: str
    points: tuple[BriefingPoint, ...]
    others: tuple[str, ...] = ()  # Actor.names the story names besides the section's actor
    sources: tuple[str, ...] = ()  # ids of every article the story draws on


@dataclass(frozen=True)
class ActorSection:
    """One actor's stories; `actor` is None for the stories nobody acts in."""

    actor: Actor | None
    stories: tuple[SectionStory, ...]
    nothing_new: bool = False  # every point was in an earlier briefing

    @property
    def points(self) -> tuple[BriefingPoint, ...]:
        """Every point of the section, story by story."""
        return tuple(point for story in self.stories for point in story.points)


@dataclass(frozen=True)
class Briefing:
    """A day's briefing, ready to render."""

    date: dt.date
    articles: tuple[Article, ...]  # every article that made it, in input order
    points: dict[str, tuple[KeyPoint, ...]]  # by article id, best first
    sections: tuple[ActorSection, ...]  # heaviest news first, actor-less last
    actors: dict[str, Actor]  # every actor found, by canonical name
    problems: tuple[Problem, ...] = ()  # inputs reported and skipped
    stories: tuple[Story, ...] = ()  # heaviest first
    omitted: tuple[str, ...] = ()  # ids of articles none of whose points fit the length caps
    # Story.ids the length caps left out, most important first: the "Also today" list
    left_out: tuple[str, ...] = ()
