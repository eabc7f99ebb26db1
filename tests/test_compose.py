"""Compose: where each point is filed, so a reader finds it under the actor it is about."""

from briefing.compose import filed_under
from briefing.models import ORGANISATION, PERSON, PLACE, Actor, PointActors

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
