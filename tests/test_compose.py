"""Compose: where each story is filed, so a reader finds it once, under the actor it is about,
and what the caps leave out is listed, never dropped."""

import datetime as dt

from briefing.compose import DEFAULT_SHAPE, Shape, compose, filed_under, main_actor
from briefing.models import (
    ORGANISATION,
    PERSON,
    PLACE,
    Actor,
    Article,
    Attribution,
    KeyPoint,
    PointActors,
    Story,
    StoryPoint,
)

ACTORS = {
    "Russia": Actor("Russia", PLACE),
    "Norvex": Actor("Norvex", ORGANISATION),
    "United States": Actor("United States", PLACE),
    "Anna Berg": Actor("Anna Berg", PERSON),
}


def test_who_acts_or_speaks_keeps_the_point():
    who = PointActors("Anna Berg", ("Norvex",))
    assert filed_under(who, ACTORS) == who


def test_a_point_nobody_acts_in_goes_to_the_first_organisation_or_person_it_names():
    # "A judge dismissed an attempt by Russian oil giant Norvex to gain protection in the US."
    who = PointActors(None, ("Russia", "Norvex", "United States"))
    assert filed_under(who, ACTORS) == PointActors("Norvex", ("Russia", "United States"))


def test_a_point_naming_only_places_goes_to_the_first_place():
    who = PointActors(None, ("United States", "Russia"))
    assert filed_under(who, ACTORS) == PointActors("United States", ("Russia",))


def test_a_point_naming_no_actor_stays_among_the_other_news():
    assert filed_under(PointActors(None), ACTORS) == PointActors(None)


# ---------------------------------------------------------------- one story, one place

DAY = dt.date(2026, 11, 28)
PEOPLE = {
    "Vera Lind": Actor("Vera Lind", PERSON, ("Lind",), mentions=6),
    "Tomas Berg": Actor("Tomas Berg", PERSON, ("Berg",), mentions=5),
    "Norland": Actor("Norland", PLACE, mentions=9),
    "Capital Wire": Actor("Capital Wire", ORGANISATION, mentions=2, not_a_heading="a news outlet"),
    "Silent Harbour": Actor("Silent Harbour", PERSON, mentions=3,
                            not_a_heading="a work or event"),
}


def story(story_id: str, title: str, *filed: tuple[str | None, tuple[str, ...]],
          articles: tuple[str, ...] = ()) -> tuple[Story, dict]:
    """A story of one article per point source, with each point's (primary, others)."""
    article = articles[0] if articles else f"{story_id}-a"
    points = tuple(StoryPoint(KeyPoint(article, i, f"{title} point {i}.", 1.0),
                              (article, *articles[1:]))
                   for i in range(len(filed)))
    who = {(article, i): PointActors(primary, others)
           for i, (primary, others) in enumerate(filed)}
    return Story(story_id, title, articles or (article,), points), who


def briefing_of(*stories_and_points, shape: Shape = DEFAULT_SHAPE, sources: dict | None = None):
    stories = [s for s, _ in stories_and_points]
    points = {key: value for _, who in stories_and_points for key, value in who.items()}
    ids = dict.fromkeys(a for s in stories for a in s.article_ids)
    articles = [Article(i, f"Headline {i}", "text", url=f"https://news.example/{i}",
                        source=(sources or {}).get(i)) for i in ids]
    return compose(DAY, articles, {}, stories, Attribution(dict(PEOPLE), points), shape=shape)


def test_a_storys_points_stay_together_under_its_main_actor():
    call = story("s1", "Lind and Berg agree a truce",
                 ("Norland", ("Vera Lind",)), ("Tomas Berg", ()), ("Vera Lind", ("Tomas Berg",)))
    briefing = briefing_of(call)
    [section] = briefing.sections
    assert section.actor.name == "Vera Lind"
    [shown] = section.stories
    assert [p.point.index for p in shown.points] == [0, 1, 2]  # reading order
    assert set(shown.others) == {"Norland", "Tomas Berg"}


def test_an_actor_refused_as_a_heading_never_heads_a_story():
    film, who = story("s1", "Silent Harbour tops the box office",
                      ("Silent Harbour", ("Vera Lind",)), ("Vera Lind", ()))
    assert main_actor(film, list(briefing_of((film, who)).sections[0].points), PEOPLE) == (
        "Vera Lind")


def test_the_outlet_a_story_came_from_never_heads_it():
    wire, who = story("s1", "Capital Wire poll", ("Capital Wire", ()), ("Norland", ()))
    briefing = briefing_of((wire, who), sources={"s1-a": "Capital Wire"})
    assert briefing.sections[0].actor.name == "Norland"


def test_a_place_named_only_in_passing_does_not_head_the_story():
    quiet, who = story("s1", "Budget passes", (None, ("Norland",)), ("Tomas Berg", ()))
    assert briefing_of((quiet, who)).sections[0].actor.name == "Tomas Berg"


def test_stories_left_out_by_the_caps_are_listed_most_carried_first():
    big = story("big", "Lind wins", ("Vera Lind", ()), articles=("b1", "b2", "b3"))
    small = story("small", "Berg loses", ("Tomas Berg", ()))
    other = story("other", "Norland floods", ("Norland", ()))
    briefing = briefing_of(small, other, big, shape=Shape(points_per_actor=1,
                                                          actors_per_briefing=1))
    assert [s.actor.name for s in briefing.sections] == ["Vera Lind"]
    assert briefing.left_out[0] in ("small", "other") and "big" not in briefing.left_out
    assert set(briefing.left_out) == {"small", "other"}
    assert set(briefing.omitted) == {"small-a", "other-a"}


def test_a_section_holds_several_stories_up_to_its_point_cap():
    first = story("s1", "Berg speaks", ("Tomas Berg", ()), ("Tomas Berg", ()))
    second = story("s2", "Berg again", ("Tomas Berg", ()), ("Tomas Berg", ()))
    briefing = briefing_of(first, second, shape=Shape(points_per_actor=3))
    [section] = briefing.sections
    assert [len(s.points) for s in section.stories] == [2, 1]


def test_also_lists_only_names_that_are_actors():
    review = story("s1", "Lind stars in a new film", ("Vera Lind", ("Silent Harbour", "Norland")))
    [section] = briefing_of(review).sections
    assert section.stories[0].others == ("Norland",)


def test_a_point_filed_under_the_first_name_it_mentions_does_not_make_that_actor_act():
    # "Our priority is undoing the cuts made by the Berg government": nobody named acts.
    oped = story("s1", "Defence cuts", (None, ("Tomas Berg",)), ("Vera Lind", ()))
    [section] = briefing_of(oped).sections
    assert section.actor.name == "Vera Lind"
    assert section.stories[0].points[0].primary == "Tomas Berg"  # still filed there


def test_what_the_points_name_outweighs_how_often_the_article_body_names_a_place():
    # "Girls' families question police over Kestrel trip": the points speak of the families
    # and Norland's police; Kestrel, where the girls went, is named only in the headline and
    # often in the article body, which the reader does not see.
    actors = {**PEOPLE, "Kestrel": Actor("Kestrel", PLACE, mentions=12)}
    trip, who = story("s1", "Norland girls kestrel", (None, ("Norland",)), (None, ()))
    items = list(briefing_of((trip, who)).sections[0].points)
    assert main_actor(trip, items, actors, named={"Kestrel": 9, "Norland": 2}) == "Norland"


def test_a_name_is_found_where_its_words_first_stand_together_in_the_headline():
    import random

    from briefing.compose import _first_at

    def side_by_side(words, parts):
        return next((i for i in range(len(words) - len(parts) + 1)
                     if words[i : i + len(parts)] == parts), None)

    draw = random.Random(5)
    for _ in range(20_000):
        words = [draw.choice("abcd") for _ in range(draw.randint(0, 8))]
        parts = [draw.choice("abcd") for _ in range(draw.randint(0, 3))]
        assert _first_at(words, parts) == side_by_side(words, parts), (words, parts)
