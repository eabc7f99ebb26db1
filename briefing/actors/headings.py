"""Which actors may head a section of the briefing, by an ordered list of named rules.

A reader sees the headings: one wrong heading costs more trust than ten right ones. Detection
keeps a name it is unsure of (it may still be listed under "Also"), but a heading must be a
real person, organisation or place, named in full and typed right. Each rule below names one
way a detected name falls short; the first that applies is recorded on the actor
(``Actor.not_a_heading``), so a missing heading can be traced to the rule that refused it.
The rules look only at what the day's articles say about the name, never at a list of
particular names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache

from briefing.models import ORGANISATION, PERSON, PLACE
from briefing.nlp.wordlists import word_set


@dataclass
class Evidence:
    """What the day's articles say about one actor's name, gathered while counting mentions."""

    name: str
    kind: str
    surfaces: set[str] = field(default_factory=set)
    in_book: bool = False  # the alias book knows it
    gendered: bool = False  # a title or a given name tells a person's gender
    titled: bool = False  # a title stood before a mention ("Mr", "President")
    after_article: int = 0  # mentions right after "the"/"a": "the Paper Lantern"
    after_work_noun: int = 0  # mentions right after "film", "album": a work's title
    in_headline: int = 0  # mentions in all-capital sentences (headlines, datelines)
    mentions: int = 0
    known_place: bool = False  # the gazetteer knows it as a country or place
    # mentions right after "firm", "group" or before "shares", "chief": "oil firm Veltrox"
    after_company_noun: int = 0
    first_word_common: bool = False  # its first word is also used in lower case that day
    tagged_person: int = 0  # mentions the tagger read as a person's name
    in_score_line: int = 0  # mentions before a score or "manager", "fans": a sports side
    country: bool = False  # the gazetteer knows it as a country
    in_title: bool = False  # an article's title names it: "Strike hits Reuters"


@dataclass(frozen=True)
class Context:
    """What the rules need besides the evidence: the day's lower-case words, the language."""

    lower_words: frozenset[str]  # every lower-case token of the day's articles
    language: str = "english"


Rule = Callable[[Evidence, Context], bool]
_ARTICLES = frozenset(("The", "A", "An", "the", "a", "an"))


def _words(evidence: Evidence) -> list[str]:
    return evidence.name.split()


@cache
def is_outlet(name: str, language: str = "english") -> bool:
    """A news outlet or wire service, or a name it leads: "Reuters", "the Financial Times",
    "Sky News", "CNN Student News"."""
    bare = name[4:] if name.startswith(("the ", "The ")) else name
    outlets = word_set("news_outlets", language)
    words = bare.split()
    if any(" ".join(words[:n]) in outlets for n in range(1, len(words) + 1)):
        return True
    return len(words) > 1 and words[-1] in word_set("news_outlet_words", language)


def settled_kind(evidence: Evidence) -> str:
    """The kind the evidence supports: a "place" or "person" the articles keep describing as a
    company ("conglomerate Reliance"), and the gazetteer and given names do not claim, is an
    organisation; so is a town, or a lone name, spoken of as a sports side ("Liverpool
    2-0", "Chelsea captain Sam Okafor")."""
    if (
        evidence.kind != ORGANISATION and evidence.after_company_noun
        and not evidence.known_place and not evidence.in_book and not evidence.gendered
    ):
        return ORGANISATION
    if evidence.kind == PLACE and evidence.in_score_line and not evidence.country:
        return ORGANISATION  # "Liverpool 2-0": the club; a country's side stays the country
    if (
        evidence.kind == PERSON and " " not in evidence.name and evidence.in_score_line
        and not evidence.titled and not evidence.in_book
    ):
        return ORGANISATION  # "Chelsea captain Sam Okafor": a club, though a given name too
    return evidence.kind


def _a_work_or_event(evidence: Evidence, context: Context) -> bool:
    """Films, books, shows and events: named after "film"/"album", or with "The" inside
    ("Meet The Harpers"), or a "person" always spoken of as "the X"."""
    if evidence.after_work_noun and evidence.after_work_noun * 2 >= evidence.mentions:
        return True
    if " " in evidence.name and not _ARTICLES.isdisjoint(_words(evidence)[1:]):
        return True
    return (evidence.kind == PERSON and not evidence.titled
            and evidence.after_article * 2 >= evidence.mentions > 0)


def _a_news_outlet(evidence: Evidence, context: Context) -> bool:
    """An outlet is where the story comes from, not whom it is about; unless a headline names
    it, as when the story is the outlet's own ("Strike hits Reuters")."""
    return (evidence.kind == ORGANISATION and not evidence.in_title
            and is_outlet(evidence.name, context.language))


def _a_person_not_named_in_full(evidence: Evidence, context: Context) -> bool:
    """"Scarman": a surname alone, with no first name anywhere in the day's news. A one-word
    name read as a person's but never given a gender is kept as an organisation, but
    unless the articles call it a company ("oil firm X") it may be a surname still."""
    if len(_words(evidence)) > 1 or evidence.in_book:
        return False
    if evidence.kind == PERSON:
        return True
    return (evidence.kind == ORGANISATION and not evidence.name.isupper()
            and not evidence.after_company_noun and not evidence.in_score_line
            and evidence.tagged_person * 2 > evidence.mentions)


def _a_vessel(evidence: Evidence, context: Context) -> bool:
    """"USS Enterprise", "HMS Victory": a ship's prefix makes the name a vessel, not an actor."""
    words = _words(evidence)
    return len(words) > 1 and words[0] in word_set("vessel_prefixes", context.language)


def _a_person_with_no_sign_of_one(evidence: Evidence, context: Context) -> bool:
    """Two or three capitalised words are not yet a person ("Chasing Summer", "Baker Peru"):
    a title, a known given name, the surname used alone, or the alias book must say so."""
    if evidence.kind != PERSON or evidence.in_book or evidence.titled or evidence.gendered:
        return False
    if evidence.first_word_common:
        return True  # "Chasing Summer": a common word opens it, and no given name
    surname = _words(evidence)[-1]
    return not any(s == surname or s.endswith(f" {surname}") and s != evidence.name
                   for s in evidence.surfaces)


def _a_title_inside_a_name(evidence: Evidence, context: Context) -> bool:
    """"Stanhope Polytechnic Professor Anil Varma": a job title inside means two names run
    together."""
    if evidence.kind != PERSON or " " not in evidence.name:
        return False
    titles = word_set("person_titles", context.language)
    return any(w in titles for w in _words(evidence)[:-1])


def _a_place_the_gazetteer_does_not_know(evidence: Evidence, context: Context) -> bool:
    """A "place" only a preposition made one ("a stake in Gazprom") is too unsure to head."""
    return evidence.kind == PLACE and not (evidence.known_place or evidence.in_book)


def _a_common_word(evidence: Evidence, context: Context) -> bool:
    """"Coal", "Auto": one word the day's articles also use in lower case, the fragment of a
    longer name."""
    words = _words(evidence)
    return (len(words) == 1 and not evidence.in_book and not evidence.known_place
            and words[0][1:].islower() and words[0].lower() in context.lower_words)


def _an_acronym_only_in_headlines(evidence: Evidence, context: Context) -> bool:
    """An all-capital word seen only in all-capital headlines may be any word shouted."""
    return (evidence.name.isupper() and not evidence.in_book
            and evidence.in_headline >= evidence.mentions)


def _an_abbreviation(evidence: Evidence, context: Context) -> bool:
    """"Calif.", "Ont.": an abbreviation, most often of a state or province after a comma."""
    return evidence.name.endswith(".") and len(evidence.name) <= 6 and not evidence.in_book


# In order; the first that applies names why an actor may not head a section.
HEADING_RULES: tuple[tuple[str, Rule], ...] = (
    ("a work or event", _a_work_or_event),
    ("a news outlet", _a_news_outlet),
    ("a vessel", _a_vessel),
    ("an abbreviation", _an_abbreviation),
    ("an acronym only in headlines", _an_acronym_only_in_headlines),
    ("a person not named in full", _a_person_not_named_in_full),
    ("a title inside a person's name", _a_title_inside_a_name),
    ("a person with no sign of one", _a_person_with_no_sign_of_one),
    ("a place the gazetteer does not know", _a_place_the_gazetteer_does_not_know),
    ("a common word", _a_common_word),
)


# The rules that can refuse each kind (the others return False for it at once), in order.
_RULES_FOR_KIND: dict[str, tuple[tuple[str, Rule], ...]] = {
    kind: tuple((name, rule) for name, rule in HEADING_RULES if name not in skip)
    for kind, skip in {
        PERSON: {"a news outlet", "a place the gazetteer does not know"},
        ORGANISATION: {"a title inside a person's name", "a person with no sign of one",
                       "a place the gazetteer does not know"},
        PLACE: {"a news outlet", "a title inside a person's name",
                "a person with no sign of one", "a person not named in full"},
    }.items()
}


def not_a_heading(evidence: Evidence, context: Context) -> str | None:
    """The name of the first rule that keeps this actor from heading a section, or None."""
    for name, rule in _RULES_FOR_KIND.get(evidence.kind, HEADING_RULES):
        if rule(evidence, context):
            return name
    return None


def refusals(
    evidence: Mapping[str, Evidence], context: Context
) -> dict[str, str]:
    """Actor name -> the rule that refuses it as a heading, for the refused ones only."""
    found = {}
    for name, item in evidence.items():
        reason = not_a_heading(item, context)
        if reason is not None:
            found[name] = reason
    return found
