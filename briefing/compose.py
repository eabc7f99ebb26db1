"""Compose stage: file each story under its main actor, order stories by importance, cap.

A reader looks a story up once: all of a story's points (one article, or
several outlets' articles on one event) stay together under the one actor the
story is most about, and the other actors it names are listed beside it. A
heavy news day must still read in a few minutes, so sections are capped
(points per actor, actors per briefing); the stories the caps leave out are
chosen by importance and listed by headline ("Also today"), never dropped
silently. Points an earlier briefing already carried are marked (or dropped),
and an actor with nothing new says so in one line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from briefing.models import (
    ORGANISATION,
    PERSON,
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
    SectionStory,
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
    """File each story whole under its main actor (see `main_actor`), most important first.

    Stories are taken in order of importance (`importance`); one goes under its
    main actor's section while that has room for a point and the briefing room
    for a section, else it is left out and listed by headline. Sections follow
    their first story's rank; sections with nothing new come after the others
    and stories nobody acts in come last. `earlier(point)` gives the date of a
    recent briefing that carried the point already, or None.
    """
    by_id = {article.id: article for article in articles}
    filed = [_filed_story(story, attribution, earlier, shape) for story in stories]
    mains = {
        story.id: main_actor(story, items, attribution.actors,
                             {by_id[i].source for i in story.article_ids
                              if i in by_id and by_id[i].source},
                             _named_in(story, attribution))
        for story, items in zip(stories, filed, strict=True)
    }
    centrality = Counter(name for name in mains.values() if name is not None)
    order = sorted(
        range(len(stories)),
        key=lambda i: importance(stories[i], mains[stories[i].id], centrality,
                                 attribution.actors, by_id),
    )
    sections: dict[str | None, list[SectionStory]] = {}
    stale: dict[str, None] = {}  # actors whose stories all ran in an earlier briefing
    left_out: list[str] = []
    repeated: list[int] = []  # stories every point of which ran in an earlier briefing
    for i in order:
        story, items = stories[i], filed[i]
        if not items:
            left_out.append(story.id)  # every point repeated another story's: list it
        elif all(item.earlier for item in items):
            repeated.append(i)
        else:
            if shape.repeats == DROP:
                items = [item for item in items if not item.earlier]
            if not _place_story(sections, story, items, mains[story.id], shape,
                                attribution.actors):
                left_out.append(story.id)
    for i in repeated:  # after every fresh story, where a section has room for it (MARK)
        main = mains[stories[i].id]
        if shape.repeats == DROP or main not in sections or not _place_story(
            sections, stories[i], filed[i], main, shape, attribution.actors
        ):
            if main is not None and main not in sections:
                stale.setdefault(main)

    fresh = [ActorSection(_actor(name, attribution.actors), tuple(kept))
             for name, kept in sections.items() if name is not None]
    room = max(shape.actors_per_briefing - len(fresh), 0)
    quiet = [ActorSection(_actor(name, attribution.actors), (), nothing_new=True)
             for name in stale if name not in sections][:room]
    tail = [ActorSection(None, tuple(sections[None]))] if sections.get(None) else []
    shown_ids = {source for s in sections.values() for story in s for item in story.points
                 for source in item.sources}
    return Briefing(
        date=date,
        articles=tuple(articles),
        points={article.id: tuple(points.get(article.id, ())) for article in articles},
        sections=(*fresh, *quiet, *tail),
        actors=dict(attribution.actors),
        problems=tuple(problems),
        stories=tuple(stories),
        omitted=tuple(a.id for a in articles if a.id not in shown_ids),
        left_out=tuple(left_out),
    )


def _place_story(
    sections: dict[str | None, list[SectionStory]],
    story: Story,
    items: Sequence[BriefingPoint],
    main: str | None,
    shape: Shape,
    actors: Mapping[str, Actor],
) -> bool:
    """File a story under its main actor's section if the caps leave room; say whether it fit.

    A new section needs a free place among `actors_per_briefing` (the stories nobody acts in
    have their own); a section takes stories while it holds fewer than `points_per_actor`
    points, the last one cut to fit.
    """
    shown = sections.get(main)
    if shown is None:
        named = sum(1 for name in sections if name is not None)
        if main is not None and named >= shape.actors_per_briefing:
            return False
        shown = sections[main] = []
    room = shape.points_per_actor - sum(len(s.points) for s in shown)
    if room <= 0:
        return False
    shown.append(_section_story(story, items[:room], main, actors))
    return True


def _named_in(story: Story, attribution: Attribution) -> Counter[str]:
    """How often the story's articles name each actor."""
    named: Counter[str] = Counter()
    for article_id in story.article_ids:
        named.update(attribution.named.get(article_id, {}))
    return named


def _actor(name: str, actors: Mapping[str, Actor]) -> Actor:
    return actors.get(name) or Actor(name, ORGANISATION)


def _filed_story(
    story: Story,
    attribution: Attribution,
    earlier: Callable[[KeyPoint], str | None],
    shape: Shape,
) -> list[BriefingPoint]:
    """The story's points as the briefing files them, in reading order."""
    position = {article_id: n for n, article_id in enumerate(story.article_ids)}
    items = []
    for story_point in story.points:
        point = story_point.point
        found = attribution.points.get((point.article_id, point.index), PointActors(None))
        who = filed_under(found, attribution.actors)
        items.append(BriefingPoint(point, who.primary, who.others, story.id,
                                   story_point.sources, earlier(point),
                                   acted=found.primary is not None))
    items.sort(key=lambda item: (position.get(item.point.article_id, 0), item.point.index))
    return items


def _section_story(
    story: Story, items: Sequence[BriefingPoint], main: str | None, actors: Mapping[str, Actor]
) -> SectionStory:
    """The story as its section shows it: the points, and every other actor they name that
    is one (a film or an outlet a point names is no actor; see ``Actor.not_a_heading``)."""
    def listed(name: str | None) -> bool:
        actor = actors.get(name or "")
        return name is not None and name != main and (
            actor is None or actor.not_a_heading is None)

    others = dict.fromkeys(
        name for item in items for name in (item.primary, *item.others) if listed(name))
    return SectionStory(story.id, story.title, tuple(items), tuple(others), story.article_ids)


_WORD = re.compile(r"[\w.-]+(?:['’](?!s\b)\w+)*")  # a possessive 's is no part of the name


def _headline_words(title: str) -> list[str]:
    """The headline's words, lower-cased: case is ignored, as some feeds give headlines made
    from a URL's slug ("Mayor harbour fire vote")."""
    return [w.lower() for w in _WORD.findall(title)]


def _title_rank(words: Sequence[str], actor: Actor) -> int | None:
    """Where in the headline (its ``_headline_words``) an actor is named, by its name or a
    spelling seen, or None."""
    found = None
    for spelling in (actor.name, *actor.aliases):
        at = _first_at(words, spelling.lower().split())
        if at is not None:
            found = at if found is None else min(found, at)
    if found is None and actor.kind == PERSON and " " in actor.name:
        # "anna maria lindqvist" names Anna Lindqvist: every word, in order, gaps allowed
        at = [words.index(part) if part in words else -1 for part in actor.name.lower().split()]
        if -1 not in at and at == sorted(at):
            found = at[0]
    return found


def _first_at(words: Sequence[str], parts: list[str]) -> int | None:
    """Where `parts` first stand in `words` side by side, or None; 0 for no parts."""
    if not parts:
        return 0
    first, length = parts[0], len(parts)
    if first not in words:  # most actors a headline is checked for: found at C speed
        return None
    end = len(words) - length + 1
    at = 0
    while first in words[at:end]:
        at = words.index(first, at, end)
        if length == 1 or list(words[at : at + length]) == parts:
            return at
        at += 1
    return None


PRIMARY_WEIGHT = 2.0  # a point in which the actor acts or speaks
LEAD_WEIGHT = 1.5  # ... the story's first point: news puts who acted in the lead
NAMED_WEIGHT = 1.0  # a point that only names the actor
TITLE_WEIGHT = 1.5  # the headline names it: what the story is about
TITLE_LEAD_BONUS = 0.5  # the headline names it first
# An actor only the headline and the article body name counts as one naming point at most:
# what the points say, which the reader sees, outweighs how often the unseen body names it.
NAMED_CAP = 1
PLACE_FACTOR = 0.5  # a place is more often where a story happens than who acts in it


def main_actor(
    story: Story,
    items: Sequence[BriefingPoint],
    actors: Mapping[str, Actor],
    outlets: Collection[str] = (),
    named: Mapping[str, int] | None = None,
) -> str | None:
    """The actor a story is most about: whom its points are filed under, and its headline names.

    Only an actor that may head a section counts (``Actor.not_a_heading`` is None), never
    the outlet the story came from (`outlets`: its articles' sources), and only one that
    acts in some point or that the headline names. Each point adds PRIMARY_WEIGHT to the
    actor filed for it (LEAD_WEIGHT more in the first point) and NAMED_WEIGHT to every
    other it names; an actor the headline names gains TITLE_WEIGHT, the first one named
    TITLE_LEAD_BONUS more; an actor the headline names that no point names still counts,
    by how often the articles name it (`named`, up to NAMED_CAP). A place's score counts
    PLACE_FACTOR. Ties go to people and
    organisations over places, then to the actor the day's articles name most. None when
    no such actor is named.
    """
    def may_head(name: str | None) -> bool:
        actor = actors.get(name or "")
        return actor is not None and actor.not_a_heading is None and not any(
            name == outlet or outlet.startswith(f"{name} ") for outlet in outlets)

    score: Counter[str] = Counter()
    acting: set[str] = set()  # filed as the primary of some point
    for position, item in enumerate(items):
        if item.acted and may_head(item.primary):
            score[item.primary or ""] += PRIMARY_WEIGHT + (LEAD_WEIGHT if position == 0 else 0.0)
            acting.add(item.primary or "")
        elif may_head(item.primary):
            score[item.primary or ""] += NAMED_WEIGHT  # filed under it, but nobody acts
        for name in item.others:
            if may_head(name):
                score[name] += NAMED_WEIGHT
    words = _headline_words(story.title)
    ranked: dict[str, int | None] = {}  # each actor's _title_rank, found once

    def rank(name: str) -> int | None:
        if name not in ranked:
            ranked[name] = _title_rank(words, actors[name])
        return ranked[name]

    for name, count in (named or {}).items():
        headline = name not in score and may_head(name)
        if headline and rank(name) is not None:
            score[name] = NAMED_WEIGHT * min(count, NAMED_CAP)  # the headline's, not a point's
    ranks = {name: rank(name) for name in score}
    placed = sorted((rank, name) for name, rank in ranks.items() if rank is not None)
    for n, (_, name) in enumerate(placed):
        score[name] += TITLE_WEIGHT + (TITLE_LEAD_BONUS if n == 0 else 0.0)
    for name in list(score):
        if name not in acting and ranks[name] is None:
            del score[name]  # only named in passing: where it happened, not who acted
        elif actors[name].kind == PLACE:
            score[name] *= PLACE_FACTOR
    if not score:
        return None

    def key(name: str) -> tuple[float, bool, int, str]:
        actor = actors.get(name)
        return (-score[name], bool(actor and actor.kind == PLACE),
                -(actor.mentions if actor else 0), name)

    return min(score, key=key)


def importance(
    story: Story,
    main: str | None,
    centrality: Mapping[str, int],
    actors: Mapping[str, Actor],
    articles: Mapping[str, Article],
) -> tuple[int, int, int, float, str]:
    """Sort key, most important story first: how many sources carry it, how central its main
    actor is that day (stories filed under it, then mentions), then how recent it is."""
    actor = actors.get(main or "")
    stamps = [articles[i].published for i in story.article_ids
              if i in articles and articles[i].published is not None]
    latest = max((_timestamp(stamp) for stamp in stamps), default=0.0)
    return (-len(story.article_ids), -centrality.get(main or "", 0),
            -(actor.mentions if actor else 0), -latest, story.id)


def _timestamp(stamp: dt.datetime) -> float:
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp.timestamp()


def filed_under(who: PointActors, actors: Mapping[str, Actor]) -> PointActors:
    """The actors of a point as the briefing files it.

    Nobody acts or speaks in "A judge dismissed an attempt by an oil giant to gain
    protection in a US court", but a reader looks for it under the company, not among the
    points that name no actor: so when a point has no primary actor, the first person or
    organisation it names takes that place, else the first place it names.
    """
    if who.primary is not None or not who.others:
        return who
    named = [name for name in who.others if name in actors]
    chosen = next((n for n in named if actors[n].kind != PLACE), named[0] if named else None)
    if chosen is None:
        return who
    return PointActors(chosen, tuple(name for name in who.others if name != chosen))
