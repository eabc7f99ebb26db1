"""Compose stage: file each story point under its primary actor, order and cap the sections.

A heavy news day must still read in a few minutes, so sections are capped
(points per actor, actors per briefing) and what was left out is counted.
Points an earlier briefing already carried are marked (or dropped), and an
actor with nothing new says so in one line.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from briefing.models import (
    ORGANISATION,
    PLACE,
    Actor,
    ActorSection,
    Article,
    Attribution,
    Briefing,
    BriefingPoint,
    KeyPoint,
    PointActors,
    Problem,
    Story,
)

MARK = "mark"
DROP = "drop"


@dataclass(frozen=True)
class Shape:
    """How long a briefing may be and what it does with repeated points."""

    points_per_actor: int = 5
    actors_per_briefing: int = 12
    repeats: str = MARK  # MARK: keep and label "earlier"; DROP: leave out


DEFAULT_SHAPE = Shape()


def compose(
    date: dt.date,
    articles: Sequence[Article],
    points: Mapping[str, Sequence[KeyPoint]],
    stories: Sequence[Story],
    attribution: Attribution,
    problems: Sequence[Problem] = (),
    shape: Shape = DEFAULT_SHAPE,
    earlier: Callable[[KeyPoint], str | None] = lambda point: None,
) -> Briefing:
    """Group story points by primary actor (see `filed_under`); heaviest groups first,
    points that name no actor last.

    A group's weight is how many new points it holds, then how often the
    day's articles name its actor. Inside a group, points keep story order and
    then sentence order, so a story reads in the order it was told.
    `earlier(point)` gives the date of a recent briefing that carried the
    point already, or None.
    """
    story_rank = {story.id: rank for rank, story in enumerate(stories)}
    grouped: dict[str | None, list[BriefingPoint]] = defaultdict(list)
    for story in stories:
        for story_point in story.points:
            point = story_point.point
            who = filed_under(
                attribution.points.get((point.article_id, point.index), PointActors(None)),
                attribution.actors,
            )
            grouped[who.primary].append(BriefingPoint(
                point, who.primary, who.others, story.id, story_point.sources, earlier(point)))

    def weight(name: str) -> tuple[int, int, str]:
        fresh = sum(1 for item in grouped[name] if not item.earlier)
        actor = attribution.actors.get(name)
        return -fresh, -(actor.mentions if actor else 0), name

    sections = []
    for name in sorted((n for n in grouped if n is not None), key=weight):
        actor = attribution.actors.get(name) or Actor(name, ORGANISATION)
        sections.append(_section(actor, grouped[name], shape, story_rank))
    sections = [s for s in sections if not s.nothing_new] + [s for s in sections if s.nothing_new]
    sections = sections[: shape.actors_per_briefing]
    if grouped.get(None):
        sections.append(_section(None, grouped[None], shape, story_rank))

    shown = {source for s in sections for item in s.points for source in item.sources}
    return Briefing(
        date=date,
        articles=tuple(articles),
        points={article.id: tuple(points.get(article.id, ())) for article in articles},
        sections=tuple(s for s in sections if s.points or s.nothing_new),
        actors=dict(attribution.actors),
        problems=tuple(problems),
        stories=tuple(stories),
        omitted=tuple(a.id for a in articles if a.id not in shown),
    )


def filed_under(who: PointActors, actors: Mapping[str, Actor]) -> PointActors:
    """The actors of a point as the briefing files it.

    Nobody acts or speaks in "A judge dismissed an attempt by Russian oil giant
    Yukos ...", but a reader looks for it under Yukos, not among the points that
    name no actor: so when a point has no primary actor, the first person or
    organisation it names takes that place, else the first place it names.
    """
    if who.primary is not None or not who.others:
        return who
    named = [name for name in who.others if name in actors]
    chosen = next((n for n in named if actors[n].kind != PLACE), named[0] if named else None)
    if chosen is None:
        return who
    return PointActors(chosen, tuple(name for name in who.others if name != chosen))


def _section(
    actor: Actor | None, items: list[BriefingPoint], shape: Shape, story_rank: dict[str, int]
) -> ActorSection:
    """Fresh points first within the cap; an actor with only earlier points gets one line."""
    fresh = [item for item in items if not item.earlier]
    if not fresh:
        return ActorSection(actor, (), nothing_new=True)
    kept = fresh if shape.repeats == DROP else fresh + [i for i in items if i.earlier]
    kept = sorted(
        kept[: shape.points_per_actor],
        key=lambda i: (story_rank.get(i.story or "", 0), i.point.index),
    )
    return ActorSection(actor, tuple(kept))
