"""Rule-based named-entity tagging: capitalised runs typed by gazetteers, cue words and context.

The actors stage needs people, organisations and places in news text, offline and in well
under a millisecond per sentence. A statistical model would need a download, so this module
combines ideas that generalise across news: gazetteers (countries and cities from GeoNames,
see ``places``), a hand-written list of given names, title and suffix cue words,
sentence-initial handling and document-level consistency (a name typed once keeps its type).

Spans are ``(start, end, kind)`` over a sentence's tokens, ``end`` exclusive, kind one of
``PER``, ``ORG``, ``LOC``.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources

from briefing.actors import places
from briefing.actors.lexicon import (
    COMPANY_NOUNS,
    DEMONYMS,
    DIRECTIONS,
    EVENT_SUFFIXES,
    EXTRA_COUNTRIES,
    EXTRA_PLACES,
    FEMALE_TITLES,
    FUNCTION_WORDS,
    HOLDING_WORDS,
    LOC_PREFIXES,
    LOC_SUFFIXES,
    MALE_TITLES,
    NAME_FOLLOWERS,
    NAME_PARTICLES,
    NON_ENTITIES,
    NUMBER_WORDS,
    ORG_INNER,
    ORG_PREFIXES,
    ORG_SUFFIXES,
    PERSON_NOUNS,
    PERSON_TITLES,
    PLACE_NOUNS,
    PLACE_OWNERS,
    PLACE_PREPOSITIONS,
    POSSESSIVE_DETERMINERS,
    SENTENCE_STARTERS,
    SPEECH_VERBS,
    STRONG_PERSON_TITLES,
    TEAM_CUES,
    TEAM_NAMES,
)
from briefing.nlp.tokens import tokenize
from briefing.nlp.wordlists import word_set

PER, ORG, LOC = "PER", "ORG", "LOC"
NOT_ENTITY = ""  # a span that is certainly no PER/ORG/LOC (a demonym, an event)
Span = tuple[int, int, str]





def title_gender(tokens: Sequence[str], start: int) -> str | None:
    """The gender a title right before a name gives ("Mr", "Queen"), or None."""
    before = tokens[start - 1] if start else ""
    if before in MALE_TITLES:
        return "male"
    if before in FEMALE_TITLES:
        return "female"
    return None


# Tokens after which a capitalised word may be capitalised only because a sentence starts.
_OPENERS = frozenset(("“", '"', ":", "(", ")", "-", "‘", "'", ".", "!", "?", ";", "—", "–"))
# First words that make "<word> <town>" a place rather than a club named after it.
_PLACE_LEADS = DIRECTIONS | LOC_PREFIXES
_INITIAL = re.compile(r"^[A-Z]\.$")
_SCORE = re.compile(r"\d{1,2}-\d{1,2}")
_CURRENCY_SIGNS = frozenset("$€£¥")  # "C$", "HK$": money, not a name


@dataclass(frozen=True)
class Gazetteer:
    """Name lists the tagger consults; loaded once (see ``gazetteer()``)."""

    countries: frozenset[str]
    places: frozenset[str]  # cities, states, continents, regions
    male_names: frozenset[str]
    female_names: frozenset[str]
    demonyms: frozenset[str]
    organisations: frozenset[str] = field(default_factory=frozenset)
    people: frozenset[str] = field(default_factory=frozenset)
    stopwords: frozenset[str] = field(default_factory=frozenset)

    def given(self, word: str) -> bool:
        return word in self.male_names or word in self.female_names


def _given_names() -> tuple[frozenset[str], frozenset[str]]:
    text = resources.files("briefing").joinpath("data/given_names.txt").read_text("utf-8")
    sections: dict[str, set[str]] = {"male": set(), "female": set()}
    current = sections["male"]
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections[line.strip("[]")]
            continue
        current.update(line.split())
    return frozenset(sections["male"]), frozenset(sections["female"])


def _stopwords() -> frozenset[str]:
    """sumy's English stop words (shipped with the package), plus our sentence starters."""
    words: set[str] = {w.lower() for w in SENTENCE_STARTERS}
    try:
        import sumy

        path = resources.files(sumy).joinpath("data/stopwords/english.txt")
        words.update(path.read_text("utf-8").split())
    except (ImportError, FileNotFoundError):
        pass
    return frozenset(words)




@functools.cache
def capitals() -> dict[str, str]:
    """Capital city -> country name, from GeoNames."""
    gaz = gazetteer()
    return {
        capital: country
        for country, capital in places.load().capitals.items()
        if capital and not gaz.given(capital)  # not "Victoria"
    }


_DEMONYM_ENDINGS = frozenset("n an ian i ese ean ish vian ine".split())


@functools.cache
def demonym_countries() -> dict[str, str]:
    """Demonym -> country, for the demonyms the tagger knows: "Colombian" -> "Colombia".

    A demonym belongs to the country whose name, less up to two final letters, begins
    it before one of the usual endings ("Colombia"+"n", "Brazil"+"ian", "Sudan"+"ese",
    "Iraq"+"i"). The longest such name wins, so "Nigerian" is Nigeria, not Niger; a tie,
    or a name that stands for two countries ("Korea"), leaves the demonym out.
    """
    gaz = gazetteer()
    by_stem: dict[str, set[str]] = {}  # "Colombia", "Colombi", "Colomb" -> {"Colombia"}
    for country in gaz.countries:
        if " " in country or (f"North {country}" in gaz.countries
                              and f"South {country}" in gaz.countries):
            continue
        for stem in (country, country[:-1], country[:-2]):
            if len(stem) >= 4:
                by_stem.setdefault(stem, set()).add(country)
    found: dict[str, str] = {}
    for demonym in gaz.demonyms:
        plural = demonym.endswith("s") and demonym[:-1] in gaz.demonyms
        singular = demonym[:-1] if plural else demonym
        fits = sorted(
            {country
             for ending in _DEMONYM_ENDINGS if singular.endswith(ending)
             for country in by_stem.get(singular[:-len(ending)], ())},
            key=len, reverse=True,
        )
        if fits and (len(fits) == 1 or len(fits[0]) > len(fits[1])):
            found[demonym] = fits[0]
    return found


@functools.cache
def gazetteer() -> Gazetteer:
    """The tagger's name lists, read once per process from the files the package ships."""
    countries = set(places.load().capitals)
    countries.update(EXTRA_COUNTRIES)
    known_places = set(places.load().places)
    known_places.update(EXTRA_PLACES)
    male, female = _given_names()
    known_places -= NON_ENTITIES
    known_places -= male | female
    return Gazetteer(
        countries=frozenset(countries),
        places=frozenset(known_places),
        male_names=male,
        female_names=female,
        demonyms=frozenset(DEMONYMS),
        organisations=word_set("news_outlets"),
        stopwords=_stopwords(),
    )


def _is_upper_word(token: str) -> bool:
    return len(token) > 1 and token.isalpha() and token.isupper()


def is_headline(tokens: Sequence[str]) -> bool:
    """All-caps sentences (headlines, datelines) carry no case information."""
    # Most sentences show early that they are mixed case: once the words not in capitals
    # are over a quarter of all the tokens, they are over a quarter of the words counted
    # below too, so fewer than 80% of those can be in capitals.
    budget = len(tokens)
    for token in tokens:
        if not token.isupper() and len(token) > 1 and token.isalpha():
            budget -= 4
            if budget < 0:
                return False
    letters = [t for t in filter(str.isalpha, tokens) if len(t) > 1]
    return len(letters) >= 1 and sum(map(str.isupper, letters)) >= 0.8 * len(letters)


def _place_kind(name: str, gaz: Gazetteer) -> bool:
    return name in gaz.countries or name in gaz.places


@dataclass(frozen=True)
class KnownNames:
    """Names typed in advance (an alias book's), indexed once and shared by every document."""

    types: Mapping[str, str]
    word_kinds: Mapping[str, str]


def known_names(types: Mapping[str, str]) -> KnownNames:
    """Index names -> type for the tagger: build once, pass to every ``tag_document`` call."""
    word_kinds: dict[str, str] = {}
    for name, kind in types.items():
        for word in name.split():
            word_kinds.setdefault(word, kind)
    return KnownNames(dict(types), word_kinds)


@dataclass
class DocumentMemory:
    """What a document taught the tagger so far: names already typed, surnames of people."""

    types: dict[str, str] = field(default_factory=dict)
    surnames: set[str] = field(default_factory=set)
    first_names: set[str] = field(default_factory=set)  # first words of people's full names
    # Words used past a sentence's start; a lower-case one there is a common word.
    body_words: set[str] = field(default_factory=set)
    word_kinds: dict[str, str] = field(default_factory=dict)  # word of a typed name -> its type

    def remember(self, name: str, kind: str) -> None:
        if name not in self.types:
            self.types[name] = kind
            for word in name.split():
                self.word_kinds.setdefault(word, kind)


def _capitalised(tokens: Sequence[str]) -> list[bool]:
    """Per token: a capitalised word, but not an adjective like "State-owned"/"Paris-based"."""
    # Tokens are never empty, so t[0] is safe; the hyphen test is rarely needed.
    return [
        t[0].isupper() and ("-" not in t or not t.rsplit("-", 1)[1][:1].islower())
        for t in tokens
    ]


def _candidate_runs(tokens: Sequence[str]) -> list[tuple[int, int]]:
    """Maximal runs of capitalised tokens, allowing name particles and 'of'-style connectors."""
    runs: list[tuple[int, int]] = []
    cap = _capitalised(tokens)
    n = len(tokens)
    j = 0  # where the last run ended
    # Most tokens are in lower case: only the capitalised ones can start a run.
    for i in itertools.compress(range(n), cap):
        if i < j or tokens[i] in NON_ENTITIES:
            continue
        j = i + 1
        while j < n:
            if cap[j]:
                j += 1
                continue
            nxt = tokens[j]
            if (
                nxt in ("of", "for") and j + 2 < n and tokens[j + 1] == "the"
                and cap[j + 2] and _looks_org_head(tokens[i:j])
            ):
                j += 3  # "Office of the Deputy Prime Minister"
                continue
            if nxt in ("'s", "’s") and j + 1 < n and tokens[j + 1] in ORG_SUFFIXES:
                j += 2  # "Tandry's Group", "Hartley's plc": the possessive is the name's
                continue
            if (
                j + 1 < n
                and cap[j + 1]
                and (
                    (nxt in NAME_PARTICLES and j > i)
                    or nxt == "&"
                    or (nxt in ORG_INNER and nxt != "the" and _looks_org_head(tokens[i:j]))
                )
            ):
                j += 2
                continue
            break
        runs.append((i, j))
    return runs


def joined(words: Sequence[str]) -> str:
    """A name's words as written: "Tandry 's Group" -> "Tandry's Group"."""
    return " ".join(words).replace(" 's", "'s").replace(" ’s", "’s")


def _looks_org_head(words: Sequence[str]) -> bool:
    return any(w in ORG_PREFIXES or w in ORG_SUFFIXES for w in words)


_NAME_SUFFIXES = ORG_SUFFIXES | LOC_SUFFIXES


def _strip_edges(
    tokens: Sequence[str], start: int, end: int, at_sentence_start: bool, gaz: Gazetteer,
    memory: DocumentMemory,
) -> tuple[int, int, str | None, bool]:
    """Trim sentence-initial common words, titles and demonyms; return a type hint if any.

    Returns (start, end, hint, titled): the hint comes from a stripped title or demonym.
    """
    hint: str | None = None
    titled = False
    # A function word ("The", "How", "They") starts no name, wherever it stands; at the start
    # of a sentence, neither does a word the document also uses in lower case.
    while start < end - (not at_sentence_start):
        first = tokens[start]
        low = first.lower()
        common = low in FUNCTION_WORDS or (
            at_sentence_start
            and (low in gaz.stopwords or (low in memory.body_words and low[:1].islower()))
        )
        if not common:
            break  # most runs: asked first, as it is the cheapest question
        whole = " ".join(tokens[start:end])
        if _is_place(whole, gaz, memory) or whole in memory.types:
            break  # "New Zealand", "The Hague", "Federal Reserve" from the alias book
        if (
            first in memory.types or _place_kind(first, gaz) or gaz.given(first)
            or (first.isupper() and len(first) > 1)
        ):
            break
        start += 1
        at_sentence_start = False
    if start >= end:
        return start, end, hint, titled  # a lone "The", "He": most emptied runs, in news
    if end - start == 1:
        # One word, as most runs are: of the rules below, only the ones that drop a word
        # that is no name or a title on its own can apply.
        word = tokens[start]
        if word in NON_ENTITIES or (at_sentence_start and word in NUMBER_WORDS):
            return end, end, hint, titled
        if (
            word in PERSON_TITLES and word not in memory.types and word not in _NAME_SUFFIXES
            and not _is_place(word, gaz, memory)
        ):
            return start, start, hint, titled  # a title alone, unless it is a name too
        return start, end, hint, titled
    while start < end and (
        tokens[start] in NON_ENTITIES or (at_sentence_start and tokens[start] in NUMBER_WORDS)
    ):
        start += 1  # "August Denver PMI", "One U.S. firm"
    if _is_place(" ".join(tokens[start:end]), gaz, memory):
        return start, end, hint, titled  # "San Jose" is no "Jose" from San
    # Organisation-looking runs keep their titles and demonyms ("Russian Foreign Ministry").
    if start < end and tokens[end - 1] in _NAME_SUFFIXES:
        return start, end, hint, titled
    if start < end and tokens[start] in ORG_PREFIXES and end - start > 1:
        return start, end, hint, titled
    if (
        at_sentence_start and end - start > 2 and _demonym_like(tokens[start + 1], gaz)
        and (gaz.given(tokens[start + 2]) or tokens[start + 2] in PERSON_TITLES)
    ):
        start += 1  # "Controversial Australian Anthony Hill": an adjective opens the sentence
    # Leading place/demonym + title ("US National Security Adviser Jake Sullivan").
    k = start
    while k < end and (tokens[k] in gaz.demonyms or _place_kind(tokens[k], gaz)):
        k += 1
    if k < end and k > start and (tokens[k] in PERSON_TITLES or gaz.given(tokens[k])):
        start = k
    elif end - start > 1 and _demonym_like(tokens[start], gaz) and gaz.given(tokens[start + 1]):
        start += 1  # "Dutchman Peter Haverkamp"
    while start < end - 1 and tokens[start] in PERSON_TITLES:
        titled = titled or tokens[start] in STRONG_PERSON_TITLES
        start += 1
    hint = PER if titled else None  # "Coastal Planning" is no person
    if (
        start < end and tokens[start] in PERSON_TITLES and end - start == 1
        and tokens[start] not in memory.types
    ):
        return start, start, hint, titled  # a title alone, unless it is a name too ("Labour")
    # Trailing demonym-only or title words are not part of a name.
    while (
        end > start and tokens[end - 1] in PERSON_TITLES and tokens[end - 1] not in DIRECTIONS
        and " ".join(tokens[start:end]) not in memory.types
    ):
        end -= 1
    return start, end, hint, titled


def _type_span(
    words: Sequence[str], tokens: Sequence[str], start: int, end: int, hint: str | None,
    titled: bool, gaz: Gazetteer, memory: DocumentMemory,
) -> str | None:
    """The kind of a candidate span: PER/ORG/LOC, NOT_ENTITY (a demonym, an event, a title),
    or None when nothing tells."""
    name = " ".join(words)
    last = words[-1]
    first = words[0]
    several = len(words) > 1  # asked before the dearer questions it guards, throughout
    if titled and len(words) <= 3:
        return PER
    if _not_an_entity(words, name, tokens, start, gaz):
        return NOT_ENTITY
    if not several and start > 1 and tokens[start - 1] == "," and _abbreviated_region(
        tokens, start, end, gaz
    ):
        return NOT_ENTITY  # "Springfield, Ill.": a state or province, abbreviated
    if name in gaz.countries:
        return LOC
    if start > 0 and (tokens[start - 1] in COMPANY_NOUNS or tokens[start - 1].endswith("maker")):
        return ORG  # "tyre maker Pirelli", "oil firm Veltrox", "club Chelsea"
    if name in memory.types:
        if name in gaz.places and _team_or_place(tokens, start, end) == ORG:
            return ORG  # a town named in a score line is its club, whatever it was before
        return memory.types[name]
    if name in gaz.organisations:
        return ORG
    if name in gaz.places:
        return _team_or_place(tokens, start, end)
    if last in ORG_SUFFIXES or (several and first in ORG_PREFIXES) or "&" in words:
        return ORG  # "& " joins partners' names: "Marks & Spencer"
    if last.endswith("shire") and last[:1].isupper():
        return _team_or_place(tokens, start, end)  # an English county, or its team
    if len(words) == 2 and start > 0 and tokens[start - 1] in PERSON_NOUNS and (
        not _is_place(name, gaz, memory)
    ):
        return PER  # "coach Ana Ruiz", "wing Austin Pellow"
    if several and _place_kind(first, gaz) and _common_nouns(words[1:], memory):
        return ORG  # "Ireland Steel", "Lyon Textile"
    if several and last.endswith("s") and _is_place(" ".join(words[:-1]), gaz, memory):
        return ORG  # "Toledo Herons"
    if last in LOC_SUFFIXES or (several and first in LOC_PREFIXES):
        return LOC
    if hint:
        return hint
    if several and (gaz.given(first) or _INITIAL.match(first)):
        return PER
    if not several and (last in memory.surnames or last in memory.first_names):
        return PER  # "Khan" or "Jansher" after "Jansher Khan"
    if several and last in gaz.places and first not in _PLACE_LEADS:
        return ORG  # a club named after its town: "Sporting Riverton", "Real Northfield"
    if not several and len(last) <= 5 and _is_upper_word(last):
        return ORG
    if several and all(w in gaz.demonyms or w in DIRECTIONS for w in words[:-1]):
        return _type_span(words[-1:], tokens, end - 1, end, None, False, gaz, memory)
    if _followed_by_number(tokens, end) or _team_context(tokens, start, end):
        return ORG
    if (
        not several and start > 0 and tokens[start - 1] in PLACE_PREPOSITIONS
        and (start < 2 or tokens[start - 2].lower() not in HOLDING_WORDS)
    ):
        return LOC  # "in Eastmoor", but not "shares in Acme"
    if start > 1 and tokens[start - 1] == "of" and tokens[start - 2].lower() in PLACE_OWNERS:
        return LOC  # "the city council of Riverton", "the mayor of Northfield"
    if end < len(tokens) and tokens[end] in PLACE_NOUNS:
        return LOC  # "the Old Mill bridge", "Mill Cross station": a named place
    if several and last in TEAM_NAMES:
        return ORG  # "Harbour City won": a club, not a person
    if (
        len(words) in (2, 3) and all(w[:1].isupper() and w[1:].islower() for w in words)
        and first.lower() not in gaz.stopwords  # "All Blacks" is no person
    ):
        return PER
    return None


def _abbreviated_region(tokens: Sequence[str], start: int, end: int, gaz: Gazetteer) -> bool:
    """A short word after "<Town>," and before a full stop: an abbreviated state or province."""
    word = tokens[start]
    return (
        start >= 2 and tokens[start - 1] == "," and tokens[start - 2][:1].isupper()
        and end < len(tokens) and tokens[end] == "." and len(word) <= 5
        and word not in gaz.countries and not gaz.given(word)
    )




def _demonym_like(word: str, gaz: Gazetteer) -> bool:
    """Nationality words the list lacks: plurals in -ians/-ese/-ish, or a country + -n/-an."""
    known = _DEMONYM_CACHE.get(word)
    if known is None:
        known = _DEMONYM_CACHE[word] = _guess_demonym(word, gaz)
    return known


_DEMONYM_CACHE: dict[str, bool] = {}  # per process; the gazetteer never changes


def _guess_demonym(word: str, gaz: Gazetteer) -> bool:
    if word in gaz.demonyms:
        return True
    if word.endswith(("man", "men")) and word[:-3] in gaz.demonyms:
        return True  # Dutchman, Frenchmen
    if word.endswith(("woman", "women")) and word[:-5] in gaz.demonyms:
        return True
    if "-" in word:  # Anglo-Swedish, Indo-Pakistani
        return all(_demonym_like(part, gaz) or part in ("Anglo", "Indo", "Sino", "Franco")
                   for part in word.split("-"))
    stem = word[:-1] if word.endswith("s") else word
    if stem.endswith(("ian", "ean", "ese", "ish")) and word.endswith("s"):
        return True
    if _place_kind(word, gaz) or _place_kind(stem, gaz):
        return False  # Bonn, Benin
    if stem.endswith("n") and not gaz.given(stem) and any(
        len(part) > 3 and (part in gaz.countries or part in gaz.places)
        for part in (stem[:-1], stem[:-2])
    ):
        return True  # Rwandan, Kenyan, Zairean, Californian
    return stem.endswith("i") and stem[:-1] in gaz.countries  # Bahraini, Yemeni


def _not_an_entity(
    words: Sequence[str], name: str, tokens: Sequence[str], start: int, gaz: Gazetteer
) -> bool:
    """`name` is the words joined, as ``_type_span`` has them already."""
    last = words[-1]
    if len(words) == 1:  # most names: what the word alone says is kept per word
        never = _NO_NAME_WORDS.get(last)
        if never is None:
            never = _never_a_name(last, gaz)
        return never or (
            start > 0 and tokens[start - 1] in POSSESSIVE_DETERMINERS and name not in gaz.countries
        )
    if _demonym_like(last, gaz) and name not in gaz.countries:
        return True  # "South African", "Ailing Japanese": an adjective phrase, not a name
    if start > 0 and tokens[start - 1] in POSSESSIVE_DETERMINERS and name not in gaz.countries:
        return True  # "our Allies", "his Government": a common noun given a capital
    return (last in EVENT_SUFFIXES or not any(map(str.isalpha, name))
            or not _CURRENCY_SIGNS.isdisjoint(name))  # "C$", "HK$": money, not a name


_NO_NAME_WORDS: dict[str, bool] = {}  # per process; the word lists never change


def _never_a_name(word: str, gaz: Gazetteer) -> bool:
    """A word that alone is no entity wherever it stands (``_not_an_entity``'s own tests)."""
    never = (
        word in DIRECTIONS or len(word) == 1 or word in NUMBER_WORDS or _demonym_like(word, gaz)
        or word in EVENT_SUFFIXES or not any(map(str.isalpha, word))
        or not _CURRENCY_SIGNS.isdisjoint(word)
    )
    if len(_NO_NAME_WORDS) < 100_000:  # a long-running process stops adding past it
        _NO_NAME_WORDS[word] = never
    return never


def _followed_by_number(tokens: Sequence[str], end: int) -> bool:
    """A number or a score ("Eastport 5-4") right after the name."""
    return end < len(tokens) and (tokens[end].isdigit() or bool(_SCORE.fullmatch(tokens[end])))


def _team_context(tokens: Sequence[str], start: int, end: int) -> bool:
    before = tokens[start - 1].lower() if start > 0 else ""
    after = tokens[end].lower() if end < len(tokens) else ""
    return before in TEAM_CUES or after in TEAM_CUES


def score_line(tokens: Sequence[str], start: int, end: int) -> bool:
    """A name right before a score ("Eastport 5-4", "Leeds 2 Everton 1"): surely a sports side."""
    return end + 1 < len(tokens) and (
        bool(_SCORE.fullmatch(tokens[end]))
        or (tokens[end].isdigit() and len(tokens[end]) == 1 and tokens[end + 1][:1].isupper())
    )


def _team_or_place(tokens: Sequence[str], start: int, end: int) -> str:
    """A city named in a score line or after 'beat' is its sports club (CoNLL ORG)."""
    if _followed_by_number(tokens, end) or _team_context(tokens, start, end):
        return ORG
    return LOC


# A typed run: (start, end, kind or None or NOT_ENTITY, whether _fallback_kind may type it).
_Typed = tuple[int, int, str | None, bool]


def _type_runs(
    tokens: Sequence[str], headline: bool, memory: DocumentMemory, gaz: Gazetteer,
    candidates: Sequence[tuple[int, int]],
) -> list[list[_Typed]]:
    """Per candidate run, its name spans with their types (a headline's: all in one group).

    `candidates` are the sentence's ``_candidate_runs``, the same in both passes.
    """
    if headline:
        return [[(start, end, kind, False) for start, end, kind in
                 _headline_spans(tokens, memory, gaz)]]
    return [_type_run(tokens, start, end, memory, gaz) for start, end in candidates]


def _type_run(
    tokens: Sequence[str], run_start: int, run_end: int, memory: DocumentMemory, gaz: Gazetteer,
) -> list[_Typed]:
    """One candidate run's name spans with their types, before the final pass's fallback.

    Memory is read only under names made of the run's own words.
    """
    if run_end - run_start == 1 and (run_start == 0 or tokens[run_start - 1] in _OPENERS):
        word = tokens[run_start]
        opener = _OPENING_WORDS.get(word)
        if opener is None:
            opener = _opening_word(word, gaz)
        if opener and word not in memory.types:
            return []  # "The", "He", "But": a fifth of all runs, dropped by _strip_edges
    typed: list[_Typed] = []
    # A one-word run has nothing to split off; most runs are one word, so skip the call.
    parts = (
        [piece for part in _split_at_titles(tokens, run_start, run_end)
         for piece in _split_at_places(tokens, *part, gaz, memory)]
        if run_end - run_start > 2 else
        _split_at_places(tokens, run_start, run_end, gaz, memory)
        if run_end - run_start > 1 else ((run_start, run_end),)
    )
    for part_start, part_end in parts:
        at_start = part_start == 0 or tokens[part_start - 1] in _OPENERS
        start, end, hint, titled = _strip_edges(tokens, part_start, part_end, at_start, gaz,
                                                memory)
        if start >= end:
            continue
        words = tokens[start:end]
        if _portfolio(tokens, part_start) and not (
            gaz.given(words[0]) or _is_place(" ".join(words), gaz, memory)
        ):
            continue  # "Minister for Coastal Planning": part of a title, not a name
        kind = _type_span(words, tokens, start, end, hint, titled, gaz, memory)
        ambiguous = (  # a lone sentence-initial word; the length is the cheapest question
            end - start == 1
            and (start == 0 or tokens[start - 1] in _OPENERS)
            and not _acts_next(tokens, end)
        )
        typed.append((start, end, kind, not ambiguous))
    return typed


_OPENING_WORDS: dict[str, bool] = {}  # per process; the word lists never change


def _opening_word(word: str, gaz: Gazetteer) -> bool:
    """A word that, alone at a sentence's start, ``_strip_edges`` always drops as a common word,
    unless the document's memory knows it as a name ("The", "However")."""
    low = word.lower()
    opener = (low in FUNCTION_WORDS or low in gaz.stopwords) and not (
        _place_kind(word, gaz) or gaz.given(word) or (word.isupper() and len(word) > 1)
    )
    if len(_OPENING_WORDS) < 100_000:  # a long-running process stops adding past it
        _OPENING_WORDS[word] = opener
    return opener


def _spans(
    tokens: Sequence[str], typed: Iterable[_Typed], memory: DocumentMemory, final: bool
) -> list[Span]:
    """The typed runs that are names; in the final pass, untyped ones get a fallback type."""
    spans: list[Span] = []
    for start, end, kind, may_fall_back in typed:
        if kind is None and final and may_fall_back:
            kind = _fallback_kind(tokens[start:end], memory)
        if kind is None or kind == NOT_ENTITY:
            continue
        spans.append((start, end, kind))
    return spans


def _confident_spans(typed: Iterable[_Typed]) -> tuple[list[Span], bool]:
    """The first pass's spans (``_spans`` not final), and whether a run waits for the fallback."""
    spans: list[Span] = []
    waits = False
    for start, end, kind, may_fall_back in typed:
        if kind is None:
            waits = waits or may_fall_back
        elif kind != NOT_ENTITY:
            spans.append((start, end, kind))
    return spans, waits


def _headline_words(tokens: Sequence[str]) -> set[str]:
    """The words under which ``_headline_spans`` may look a headline's names up in the memory."""
    return {*tokens, *(_title_case(t) for t in tokens)}


def _portfolio(tokens: Sequence[str], start: int) -> bool:
    """A run right after "Minister for", "Secretary of": the rest of a job title."""
    return start >= 2 and tokens[start - 1] in ("for", "of") and tokens[start - 2] in PERSON_TITLES


def _is_place(name: str, gaz: Gazetteer, memory: DocumentMemory) -> bool:
    return name in gaz.countries or name in gaz.places or memory.types.get(name) == LOC


def _split_at_places(
    tokens: Sequence[str], start: int, end: int, gaz: Gazetteer, memory: DocumentMemory
) -> list[tuple[int, int]]:
    """Split a place off the front of a longer run: "U.S. Labor Day", "Denver PMI".

    Runs that name an organisation ("U.S. Labor Department"), a known whole ("New York") or
    a team ("New York Yankees") stay whole.
    """
    if end - start < 2:
        return [(start, end)]
    words = tokens[start:end]
    whole = " ".join(words)
    if (
        whole in memory.types or _is_place(whole, gaz, memory)
        or words[-1] in ORG_SUFFIXES or words[0] in ORG_PREFIXES or words[-1] in LOC_SUFFIXES
        or words[-1] in EVENT_SUFFIXES or words[-1] in TEAM_NAMES
    ):
        return [(start, end)]
    for length in (2, 1):
        if end - start <= length:
            continue
        head = " ".join(tokens[start : start + length])
        rest = tokens[start + length : end]
        if not _is_place(head, gaz, memory) or not rest[0][:1].isupper():
            continue
        if len(rest) == 1 and rest[0].endswith("s") and rest[0][1:].islower():
            return [(start, end)]  # a team: "Toledo Herons"
        if _common_nouns(rest, memory):
            return [(start, end)]  # a company named after its country: "Ireland Steel", "Air Asia"
        if end - start == 2 and start > 0 and tokens[start - 1] in PERSON_NOUNS:
            return [(start, end)]  # "wing Austin Pellow": a person, whatever "Austin" is
        return [(start, start + length), *_split_at_places(tokens, start + length, end, gaz,
                                                           memory)]
    return [(start, end)]


def _common_nouns(words: Sequence[str], memory: DocumentMemory) -> bool:
    """Capitalised words the document also writes in lower case ("Coal" and "coal"): after a
    place they make one organisation's name, not a place and a fragment."""
    return all(
        w[1:].islower() and w.lower() in memory.body_words and w not in memory.types
        for w in words
    )


def _split_at_titles(tokens: Sequence[str], start: int, end: int) -> list[tuple[int, int]]:
    """Split a run at a person's title inside it, or at a given name after an acronym:
    "Stanhope Polytechnic Professor Anil Varma" is a university and a professor, "Norvik Pierre
    Lamotte" a company and its chief. A run of titles, demonyms or places before the title
    ("Israeli Prime Minister ...") is the title's own description and stays."""
    gaz = gazetteer()
    for k in range(start + 1, end - 1):
        if tokens[k] in STRONG_PERSON_TITLES and tokens[k + 1][:1].isupper() and any(
            w not in PERSON_TITLES and w not in gaz.demonyms and not _place_kind(w, gaz)
            for w in tokens[start:k]
        ):
            return [(start, k), (k, end)]
        if _is_upper_word(tokens[k - 1]) and gaz.given(tokens[k]) and tokens[k + 1][1:].islower():
            return [(start, k), (k, end)]  # "Norvik Pierre Lamotte": a company, then its man
    return [(start, end)]


def _acts_next(tokens: Sequence[str], end: int) -> bool:
    """A reporting verb right after a sentence-initial word shows it is a name ("Sullivan said").

    "Nike has" shows it too, but "Students had" does not: a word that looks like a plural
    needs a reporting verb.
    """
    if end >= len(tokens):
        return False
    word, after = tokens[end - 1], tokens[end]
    plural = word.endswith("s") and not word.endswith(("ss", "us", "is"))
    return after in SPEECH_VERBS or (after in NAME_FOLLOWERS and not plural)


def display_form(words: Sequence[str]) -> str:
    """How a name from an all-caps sentence is written for readers: "PUTIN" -> "Putin".
    Short words stay as they are, being mostly acronyms ("NATO", "US")."""
    return " ".join(_title_case(w) if len(w) > 4 else w for w in words)


def _title_case(word: str) -> str:
    if not word.isalpha():
        return word  # U.S., 1996-08-30
    return word[:1] + word[1:].lower()


def _headline_spans(tokens: Sequence[str], memory: DocumentMemory, gaz: Gazetteer) -> list[Span]:
    """All-caps text has no case to go by: keep only the longest names already known, from
    the gazetteer or from the document's mixed-case sentences."""
    view = [_title_case(t) for t in tokens]
    spans: list[Span] = []
    i = 0
    while i < len(view):
        for length in range(min(4, len(view) - i), 0, -1):
            name = " ".join(view[i : i + length])
            kind = memory.types.get(name) or memory.types.get(" ".join(tokens[i : i + length]))
            if kind is None and (name in gaz.countries or name in gaz.places):
                kind = _type_span(view[i : i + length], view, i, i + length, None, False, gaz,
                                  memory)
            if kind:
                spans.append((i, i + length, kind))
                i += length
                break
        else:
            i += 1
    return spans


def _fallback_kind(words: Sequence[str], memory: DocumentMemory) -> str | None:
    """Untyped capitalised names: a word seen in another typed name lends its type."""
    for word in reversed(words):
        if word in memory.word_kinds:
            return memory.word_kinds[word]
    if len(words) == 1:
        return PER if words[0][1:].islower() else ORG
    return ORG


def _learn(tokens: Sequence[str], spans: Sequence[Span], memory: DocumentMemory) -> set[str]:
    """Remember the spans' types; return the words of every name the memory did not know."""
    taught: set[str] = set()
    types = memory.types
    for start, end, kind in spans:
        name = tokens[start] if end - start == 1 else " ".join(tokens[start:end])
        if name not in types:  # a name seen before, as most are, teaches nothing new
            taught.update(tokens[start:end])
            memory.remember(name, kind)
        if kind == PER and end - start > 1:
            surname = tokens[end - 1]
            if surname not in memory.surnames or surname not in memory.types:
                taught.add(surname)
            memory.surnames.add(surname)
            memory.remember(surname, PER)
            memory.first_names.add(tokens[start])
    return taught


def tag_document(
    sentences: Sequence[Sequence[str]],
    known: KnownNames | None = None,
    headlines: Sequence[bool] | None = None,
) -> list[list[Span]]:
    """Tag every sentence of one document, keeping each name's type consistent throughout.

    Two passes: the first learns confident types (titles, gazetteers, cue words); the second
    tags again with that memory, so "Putin" after "Vladimir Putin" is a person and a headline
    in capitals reuses the names the body spelled in mixed case. `headlines` are the
    sentences' ``is_headline``, when the caller has them already.
    """
    gaz = gazetteer()
    memory = DocumentMemory()
    if known is not None:  # copied whole, which is faster than adding them one by one
        memory.types = dict(known.types)
        memory.word_kinds = dict(known.word_kinds)
    if headlines is None:
        headlines = [is_headline(tokens) for tokens in sentences]
    runs = [() if headline else _candidate_runs(tokens)
            for tokens, headline in zip(sentences, headlines, strict=True)]
    # All body words, lower case or not: asking only about the words looked up is cheaper
    # than picking out the lower-case ones from all of them.
    for tokens, headline in zip(sentences, headlines, strict=True):
        if not headline:
            memory.body_words.update(itertools.islice(tokens, 1, None))
    first: list[list[list[_Typed]]] = []
    first_spans: list[list[Span]] = []
    waiting: list[bool] = []  # whether a run of the sentence waits for the fallback
    taught: list[set[str]] = []
    for tokens, headline, candidates in zip(sentences, headlines, runs, strict=True):
        groups = _type_runs(tokens, headline, memory, gaz, candidates)
        first.append(groups)
        spans, waits = _confident_spans(itertools.chain.from_iterable(groups))
        first_spans.append(spans)
        waiting.append(waits)
        taught.append(_learn(tokens, spans, memory))
    # The final pass, last sentence first. A run (a headline: a sentence) none of whose words
    # the memory learnt anything about since the first pass read it would be typed the same
    # again (the memory only gains names), so only the fallback is new for it: most runs,
    # in news. A sentence with no such word and no run left for the fallback keeps the
    # first pass's spans.
    tagged: list[list[Span]] = [[] for _ in sentences]
    learnt_since: set[str] = set()
    for i in range(len(sentences) - 1, -1, -1):
        tokens, headline, candidates = sentences[i], headlines[i], runs[i]
        learnt_since |= taught[i]
        groups = first[i]
        if headline:
            if learnt_since.isdisjoint(_headline_words(tokens)):
                if not waiting[i]:
                    tagged[i] = first_spans[i]
                    continue
            else:
                groups = _type_runs(tokens, headline, memory, gaz, candidates)
        elif learnt_since.isdisjoint(tokens):
            if not waiting[i]:
                tagged[i] = first_spans[i]
                continue
        else:
            groups = [
                group if learnt_since.isdisjoint(tokens[start:end])
                else _type_run(tokens, start, end, memory, gaz)
                for (start, end), group in zip(candidates, groups, strict=True)
            ]
        typed = itertools.chain.from_iterable(groups)
        tagged[i] = _spans(tokens, typed, memory, final=True)
    return tagged


@dataclass(frozen=True)
class Tagging:
    """One document as the tagger read it: per sentence, its tokens, whether it is a headline,
    and its name spans. The summarizer and the actors stage both read names; they share one."""

    tokens: list[list[str]]
    headlines: list[bool]
    spans: list[list[Span]]


def tag_texts(sentences: Sequence[str], known: KnownNames | None = None) -> Tagging:
    """Tokenize and tag the sentences of one document (see ``tag_document``)."""
    tokens = [tokenize(text) for text in sentences]
    headlines = [is_headline(sentence) for sentence in tokens]
    return Tagging(tokens, headlines, tag_document(tokens, known, headlines))


def tag_tokens(tokens: Sequence[str]) -> list[Span]:
    """For the bench on pre-tokenised text: entity spans (start token, end token exclusive,
    kind)."""
    return tag_document([tokens])[0]
