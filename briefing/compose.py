"""Compose stage: file each key point under its primary actor and order the sections."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence

from .models import (
    ORGANISATION,
    Actor,
    ActorSection,
    Article,
    Attribution,
    Briefing,
    BriefingPoint,
    KeyPoint,
    PointActors,
    Problem,
)


def compose(
    date: dt.date,
    articles: Sequence[Article],
    points: Mapping[str, Sequence[KeyPoint]],
    attribution: Attribution,
    problems: Sequence[Problem] = (),
) -> Briefing:
    """Group points by primary actor; heaviest groups first, actor-less points last.

    A group's weight is how many points it holds, then how often the day's
    articles name its actor. Inside a group, points keep article order and
    then sentence order, so a story reads in the order it was told.
    """
    article_order = {article.id: position for position, article in enumerate(articles)}
    grouped: dict[str | None, list[BriefingPoint]] = defaultdict(list)
    for article in articles:
        for point in points.get(article.id, ()):
            who = attribution.points.get((point.article_id, point.index), PointActors(None))
            grouped[who.primary].append(BriefingPoint(point, who.primary, who.others))

    def reading_order(item: BriefingPoint) -> tuple[int, int]:
        return article_order[item.point.article_id], item.point.index

    def weight(name: str) -> tuple[int, int, str]:
        actor = attribution.actors.get(name)
        return -len(grouped[name]), -(actor.mentions if actor else 0), name

    sections = [
        ActorSection(
            attribution.actors.get(name) or Actor(name, ORGANISATION),
            tuple(sorted(grouped[name], key=reading_order)),
        )
        for name in sorted((n for n in grouped if n is not None), key=weight)
    ]
    if grouped.get(None):
        sections.append(ActorSection(None, tuple(sorted(grouped[None], key=reading_order))))
    return Briefing(
        date=date,
        articles=tuple(articles),
        points={article.id: tuple(points.get(article.id, ())) for article in articles},
        sections=tuple(sections),
        actors=dict(attribution.actors),
        problems=tuple(problems),
    )
