"""The alias book: known actors, every spelling of their names, and what stands for a country.

The bundled ``briefing/data/aliases.toml``, extended or overridden by the user's TOML file
(``ALIASES_FILE``): "Mr Putin" and "President Putin" are Vladimir Putin, "the Kremlin" stands
for Russia. The tagger is told every spelling with its type (``known_tags``).
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from briefing.actors import tagger as ner
from briefing.models import ORGANISATION, PERSON, PLACE

_SECTIONS = {"people": PERSON, "organisations": ORGANISATION, "places": PLACE}
KIND_OF_TAG = {ner.PER: PERSON, ner.ORG: ORGANISATION, ner.LOC: PLACE}
TAG_OF_KIND = {kind: tag for tag, kind in KIND_OF_TAG.items()}


@dataclass(frozen=True)
class KnownActor:
    """One actor of the alias book, as written in aliases.toml."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    country: str | None = None
    gender: str | None = None
    demonyms: tuple[str, ...] = ()
    institutions: tuple[str, ...] = ()


@dataclass(frozen=True)
class AliasBook:
    """Known actors and indexes from every spelling to the canonical name."""

    actors: Mapping[str, KnownActor]
    names: Mapping[str, str]  # alias or canonical name -> canonical name
    stands_for: Mapping[str, str]  # institution, capital or demonym -> country name

    def kind_of(self, name: str) -> str | None:
        actor = self.actors.get(name)
        return actor.kind if actor else None


def strip_article(name: str) -> str:
    return name[4:] if name[:4] in ("the ", "The ") else name


def _read_actors(text: str) -> dict[str, KnownActor]:
    data = tomllib.loads(text)
    actors: dict[str, KnownActor] = {}
    for section, kind in _SECTIONS.items():
        for name, fields in data.get(section, {}).items():
            actors[name] = KnownActor(
                name=name,
                kind=kind,
                aliases=tuple(fields.get("aliases", ())),
                country=fields.get("country"),
                gender=fields.get("gender"),
                demonyms=tuple(fields.get("demonyms", ())),
                institutions=tuple(fields.get("institutions", ())),
            )
    return actors


def _index(actors: Mapping[str, KnownActor], preferred: Iterable[str] = ()) -> AliasBook:
    """Build the lookup tables; spellings of ``preferred`` actors win over the others."""
    names: dict[str, str] = {}
    stands_for: dict[str, str] = dict(ner.capitals())
    preferred = set(preferred)
    ordered = sorted(actors.values(), key=lambda a: a.name in preferred)  # preferred last
    for actor in ordered:
        for alias in (actor.name, *actor.aliases):
            names[strip_article(alias)] = actor.name
        for other in (*actor.demonyms, *actor.institutions):
            stands_for[strip_article(other)] = actor.name
            names.pop(strip_article(other), None)
    # Demonyms the alias book does not list relate to their country too ("Colombian").
    for demonym, country in ner.demonym_countries().items():
        if demonym not in names:
            stands_for.setdefault(demonym, names.get(country, country))
    return AliasBook(actors=dict(actors), names=names, stands_for=stands_for)


@functools.cache
def _bundled_text() -> str:
    return resources.files("briefing").joinpath("data/aliases.toml").read_text("utf-8")


def load_aliases(extra: Path | None = None) -> AliasBook:
    """The bundled aliases.toml, extended/overridden by the user's TOML file when given."""
    actors = _read_actors(_bundled_text())
    preferred: list[str] = []
    if extra is not None:
        user = _read_actors(Path(extra).read_text("utf-8"))
        actors.update(user)
        preferred = list(user)
    return _index(actors, preferred)


@functools.cache
def default_book() -> AliasBook:
    return load_aliases()


def known_tags(book: AliasBook) -> ner.KnownNames:
    """Names the tagger should know with their type: every spelling in the alias book.

    Institutions are organisations ("Kremlin") unless the gazetteer knows them as places
    ("Moscow"); demonyms stay out, they are adjectives, not names.
    """
    known = {alias: TAG_OF_KIND[book.actors[name].kind] for alias, name in book.names.items()}
    demonyms = {d for actor in book.actors.values() for d in actor.demonyms}
    gaz = ner.gazetteer()
    for other in book.stands_for:
        if other[:1].isupper() and other not in demonyms:
            place = other in gaz.places or other in gaz.countries
            known.setdefault(other, ner.LOC if place else ner.ORG)
    return ner.known_names(known)
