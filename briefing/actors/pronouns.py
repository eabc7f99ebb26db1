"""One pronoun resolver: which person a "he", "she", "his" or "her" points back to.

Two stages need it and must agree. Summarize rewords a dangling point ("He said ..." ->
"Mr Ashworth said ..."), which is only safe when the referent is certain: the strict
mode (``strict_referent``). The actors stage files a point under whoever speaks in it,
where a likely referent beats none: the loose mode (``loose_referent``). Both read the
same pronoun table and the same gender rule (``gender_of``), kept here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from briefing.actors import tagger as ner
from briefing.models import ORGANISATION, PERSON, PLACE

MALE, FEMALE = "male", "female"
# Singular personal pronouns and the gender each asks of its referent (lower case).
PRONOUN_GENDER = {"he": MALE, "his": MALE, "she": FEMALE, "her": FEMALE}
POSSESSIVE_PRONOUNS = frozenset({"his", "her"})
PLURAL_PRONOUNS = frozenset({"they", "it"})  # a body or a place, never one person


def _cased(words: Mapping[str, str]) -> dict[str, str]:
    return {**words, **{word.capitalize(): gender for word, gender in words.items()}}


# As tokens meet them, capitalised at a sentence's start too.
SUBJECT_PRONOUNS = _cased(
    {w: g for w, g in PRONOUN_GENDER.items() if w not in POSSESSIVE_PRONOUNS})
POSSESSIVES = _cased({w: g for w, g in PRONOUN_GENDER.items() if w in POSSESSIVE_PRONOUNS})
PLURALS = frozenset({*PLURAL_PRONOUNS, *(w.capitalize() for w in PLURAL_PRONOUNS)})


def title_gender(title: str | None) -> str | None:
    """The gender a title gives ("Mr", "Miss", "Queen"), or None."""
    return ner.title_gender([title], 1) if title else None


def gender_of(
    known: str | None = None, titled: str | None = None, first_names: Iterable[str] = ()
) -> str | None:
    """A person's gender, or None when nothing says: the alias book's (`known`), else the
    one a title gave (`titled`, see ``title_gender``), else the given names' when they all
    point one way (a name that is both, "Jean", says nothing)."""
    if known or titled:
        return known or titled
    gaz = ner.gazetteer()
    firsts = set(first_names)
    male, female = firsts & gaz.male_names, firsts & gaz.female_names
    if bool(male) != bool(female):
        return MALE if male else FEMALE
    return None


@dataclass(frozen=True)
class Person:
    """Someone a sentence names, as a point would name them."""

    name: str  # "Mr Ashworth" when the article uses that form, else "Rod Ashworth"
    gender: str | None  # MALE, FEMALE, or None when nothing in the article says
    possessive: bool  # named as "Rod Ashworth's": a pronoun after may mean what is his


def strict_referent(
    position: int,
    gender: str,
    people: Sequence[Sequence[Person]],
    opening_gender: Callable[[int], str | None],
    depth: int = 0,
) -> Person | None:
    """The one person a "he" or "she" in sentence `position` can mean, or None when unsure.

    Only the sentence just before counts. Every person it names must be of known gender,
    named plainly (not "X's"), and exactly one of the pronoun's gender. When it names
    nobody but opens with the same pronoun ("He said ... He added ..."), its own referent
    is meant, up to three sentences back. `people` are the people each sentence names;
    `opening_gender(i)` is the gender of the pronoun sentence i opens with, or None.
    """
    if position == 0 or depth > 2:
        return None
    named = people[position - 1]
    same_pronoun = opening_gender(position - 1) == gender
    if not named:
        return (strict_referent(position - 1, gender, people, opening_gender, depth + 1)
                if same_pronoun else None)
    if same_pronoun:
        return None  # "He met Mr Lee. He said ...": either may be meant
    if not all(person.gender and not person.possessive for person in named):
        return None
    plausible = {person.name: person for person in named if person.gender == gender}
    return next(iter(plausible.values())) if len(plausible) == 1 else None


@dataclass
class History:
    """What came before a sentence: earlier primaries and people named, nearest last."""

    primaries: list[tuple[str | None, str | None]]  # (canonical, kind) per sentence
    people: list[list[str]]  # canonical person names per sentence, in order


LOOSE_REACH = 6  # sentences back a loose referent may be
PLURAL_REACH = 3  # ... and a "they" or "it"


def loose_referent(
    pronoun: str, history: History, current: Sequence[str], genders: Mapping[str, str | None]
) -> str | None:
    """The person (or body, for "they"/"it") a pronoun most likely points back to.

    A person named earlier in the same sentence (`current`) first, then the primaries and
    people of up to LOOSE_REACH sentences back, nearest first; a person of the other
    gender never fits, one of unknown gender does.
    """
    want = PRONOUN_GENDER.get(pronoun.lower())

    def fits(name: str) -> bool:
        have = genders.get(name)
        return want is None or have is None or have == want

    if pronoun in PLURALS:
        for canonical, kind in reversed(history.primaries[-PLURAL_REACH:]):
            if canonical and kind in (ORGANISATION, PLACE):
                return canonical
            if canonical:
                return None
        return None
    possessive = pronoun.lower() in POSSESSIVE_PRONOUNS
    for name in reversed(current):
        if fits(name):
            return name
    steps = zip(reversed(history.primaries[-LOOSE_REACH:]),
                reversed(history.people[-LOOSE_REACH:]), strict=True)
    for (canonical, kind), people in steps:
        if not possessive and kind == PERSON and canonical and fits(canonical):
            return canonical
        for name in reversed(people):
            if fits(name):
                return name
    return None
