"""The actors stage: who the day's key points are about, under one name per actor.

Three steps, each a small function over plain data:

1. *Detect* names in every sentence (``briefing.ner``: capitalised runs typed by gazetteers,
   cue words and document consistency; the alias book's names are known to it).
2. *Name* each actor once across the briefing: the alias book maps spellings to a canonical
   name ("Mr Putin" -> "Vladimir Putin", "U.S." -> "United States"), institutions and capitals
   stand for their country ("the Kremlin" -> "Russia"), and a surname alone joins the fullest
   name with that surname when only one fits.
3. *Attribute* each key point to the actor who speaks or acts in it: the speaker of a
   "said"/"told"/"according to" pattern or of the quotation the sentence belongs to (news
   quotes run on over paragraphs), else the grammatical subject; "he"/"she" resolve to the
   most recent fitting person.
"""

from __future__ import annotations

import functools
import tomllib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from briefing.actors import pronouns
from briefing.actors import tagger as ner
from briefing.actors.headings import Context, Evidence, is_outlet, refusals, settled_kind
from briefing.actors.tagger import tag_tokens
from briefing.models import (
    ORGANISATION,
    PERSON,
    PLACE,
    Actor,
    Attribution,
    Document,
    KeyPoint,
    PointActors,
)
from briefing.nlp.wordlists import word_set

__all__ = [
    "AliasBook", "KnownActor", "NameReader", "NamedSentence", "Reading", "find_actors",
    "known_tags", "load_aliases", "name_reader", "read_names", "tag_names", "tag_tokens",
]

_SECTIONS = {"people": PERSON, "organisations": ORGANISATION, "places": PLACE}
_KIND_OF_TAG = {ner.PER: PERSON, ner.ORG: ORGANISATION, ner.LOC: PLACE}
_TAG_OF_KIND = {kind: tag for tag, kind in _KIND_OF_TAG.items()}


# ----------------------------------------------------------------------------- alias book


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


def _strip_article(name: str) -> str:
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
            names[_strip_article(alias)] = actor.name
        for other in (*actor.demonyms, *actor.institutions):
            stands_for[_strip_article(other)] = actor.name
            names.pop(_strip_article(other), None)
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
def _default_book() -> AliasBook:
    return load_aliases()


def known_tags(book: AliasBook) -> ner.KnownNames:
    """Names the tagger should know with their type: every spelling in the alias book.

    Institutions are organisations ("Kremlin") unless the gazetteer knows them as places
    ("Moscow"); demonyms stay out, they are adjectives, not names.
    """
    known = {alias: _TAG_OF_KIND[book.actors[name].kind] for alias, name in book.names.items()}
    demonyms = {d for actor in book.actors.values() for d in actor.demonyms}
    gaz = ner.gazetteer()
    for other in book.stands_for:
        if other[:1].isupper() and other not in demonyms:
            place = other in gaz.places or other in gaz.countries
            known.setdefault(other, ner.LOC if place else ner.ORG)
    return ner.known_names(known)


# ----------------------------------------------------------------------------- mentions


class Mention(NamedTuple):
    """A name found in a sentence: its tokens, its surface form and the actor it names.

    A NamedTuple rather than a dataclass: a day's articles hold tens of thousands, and they
    pass between processes (see ``read_names``), where tuples travel several times faster.
    """

    sentence: int  # position in Document.sentences
    start: int  # first token
    end: int  # token after the last
    surface: str
    kind: str
    modifier: bool = False  # a demonym or a country used as an adjective ("Russian", "US")
    gender: str | None = None


class NamedSentence(NamedTuple):
    """A sentence as the actors stage reads it: its tokens and the names found in them."""

    tokens: list[str]
    paragraph: int
    mentions: list[Mention]
    headline: bool = False  # all in capitals: a headline or a dateline


Reading = tuple[NamedSentence, ...]  # one document's sentences, in order


@dataclass(frozen=True)
class NameReader:
    """What reading a document's names needs: the alias book and the tagger's index of it.

    Built once per briefing (``name_reader``) and handed to every process that reads.
    """

    book: AliasBook
    known: ner.KnownNames
    modifier_heads: frozenset[str]  # words that may start a demonym or adjectival country


def name_reader(aliases: AliasBook | None = None) -> NameReader:
    """The reader for an alias book (the bundled one when None)."""
    book = aliases or _default_book()
    places = {alias for alias, name in book.names.items() if book.kind_of(name) == PLACE}
    heads = {other.split(" ")[0] for other in book.stands_for} | set(book.stands_for) | places
    return NameReader(book, known_tags(book), frozenset(heads))


def _sentence_mentions(
    position: int, tokens: list[str], spans: Sequence[ner.Span], reader: NameReader,
    headline: bool,
) -> list[Mention]:
    """Names from the tagger, plus demonyms and adjectival country names it left out."""
    book = reader.book
    mentions = []
    covered = set()
    for start, end, tag in spans:
        words = tokens[start:end]
        surface = ner.display_form(words) if headline else " ".join(words)
        kind = _KIND_OF_TAG[tag]
        gender = ner.title_gender(tokens, start) if kind == PERSON else None
        mentions.append(Mention(position, start, end, surface, kind, gender=gender))
        covered.update(range(start, end))
    heads = reader.modifier_heads  # most tokens, and many sentences, have none
    starts = [] if heads.isdisjoint(tokens) else [i for i, t in enumerate(tokens) if t in heads]
    for i in starts:
        token = tokens[i]
        if i in covered or not token[:1].isupper():
            continue
        two = f"{token} {tokens[i + 1]}" if i + 1 < len(tokens) else ""
        if two in book.stands_for and i + 1 not in covered:  # "North Korean"
            mentions.append(Mention(position, i, i + 2, two, PLACE, modifier=True))
            covered.update((i, i + 1))
        elif token in book.stands_for or book.kind_of(book.names.get(token, "")) == PLACE:
            mentions.append(Mention(position, i, i + 1, token, PLACE, modifier=True))
    mentions.sort(key=lambda m: m.start)
    return mentions


def tag_names(document: Document, reader: NameReader) -> ner.Tagging:
    """The tagger's reading of a document, knowing the alias book's names."""
    return ner.tag_texts([sentence.text for sentence in document.sentences], reader.known)


def read_names(
    document: Document, reader: NameReader, tagging: ner.Tagging | None = None
) -> Reading:
    """Step 1 for one document: every sentence's tokens and the names in them.

    Depends on nothing but the document and the alias book, so it can run per article, in
    parallel, before the briefing-wide steps of ``find_actors``. `tagging` is the document's
    ``tag_names`` when the caller has it already.
    """
    if tagging is None:
        tagging = tag_names(document, reader)
    return tuple(
        NamedSentence(
            tokens, sentence.paragraph,
            _sentence_mentions(i, tokens, sentence_spans, reader, headline), headline,
        )
        for i, (sentence, tokens, sentence_spans, headline) in enumerate(
            zip(document.sentences, tagging.tokens, tagging.spans, tagging.headlines,
                strict=True)
        )
    )


# ----------------------------------------------------------------------------- naming


def _book_name(surface: str, book: AliasBook) -> tuple[str, str] | None:
    """The canonical name and kind the alias book gives a surface form, institutions and
    capitals as their country."""
    bare = _strip_article(surface)
    if bare in book.names:
        name = book.names[bare]
        return name, book.actors[name].kind
    if bare in book.stands_for:
        return book.stands_for[bare], PLACE
    return None


def _document_names(
    sentences: Sequence[NamedSentence], book: AliasBook
) -> dict[str, tuple[str, str]]:
    """Surface form -> (canonical name, kind) within one document, before briefing-wide joins.

    A single word joins a longer name of the same document when only one fits: a person's
    whose surname (or, for a given name, first name) it is ("Sullivan" after "Jake
    Sullivan", "Gordon" after "Gordon Brown"; this beats the alias book, so
    "Washington" after "Denzel Washington" stays the actor), or an organisation's that
    contains it ("the Ministry" after "the Russian Ministry of Foreign Affairs").
    """
    acronyms = _bracketed_acronyms(sentences)

    def alone(mention: Mention) -> tuple[str, str]:
        if mention.surface in acronyms and _book_name(mention.surface, book) is None:
            return acronyms[mention.surface]
        return _book_name(mention.surface, book) or (mention.surface, mention.kind)

    mentions = [m for sentence in sentences for m in sentence.mentions]
    people: dict[str, set[tuple[str, str]]] = {}
    first_names: dict[str, set[tuple[str, str]]] = {}
    bodies: dict[str, set[tuple[str, str]]] = {}
    for mention in mentions:
        words = mention.surface.split()
        if len(words) > 1:
            resolved = alone(mention)
            if resolved[1] == PERSON:
                people.setdefault(words[-1], set()).add(resolved)
                first_names.setdefault(words[0], set()).add(resolved)
            elif resolved[1] == ORGANISATION:
                for word in words:
                    bodies.setdefault(word, set()).add(resolved)
    names: dict[str, tuple[str, str]] = {}
    for mention in mentions:
        resolved = alone(mention)
        if " " not in mention.surface and not mention.modifier:
            person = people.get(mention.surface, set())
            body = bodies.get(mention.surface, set())
            if not person and ner.gazetteer().given(mention.surface):
                person = first_names.get(mention.surface, set())  # "Gordon" for Gordon Brown
            if len(person) == 1:
                resolved = next(iter(person))
            elif mention.kind == ORGANISATION and resolved[0] == mention.surface and len(body) == 1:
                resolved = next(iter(body))
        names[mention.surface] = resolved
    return names


def _bracketed_acronyms(sentences: Sequence[NamedSentence]) -> dict[str, tuple[str, str]]:
    """'the UK Independence Party (UKIP)': the acronym names the same organisation."""
    acronyms: dict[str, tuple[str, str]] = {}
    for sentence in sentences:
        tokens = sentence.tokens
        by_start = {m.start: m for m in sentence.mentions}
        for mention in sentence.mentions:
            end = mention.end
            if (
                mention.kind == ORGANISATION and " " in mention.surface
                and tokens[end : end + 1] == ["("] and tokens[end + 2 : end + 3] == [")"]
                and end + 1 in by_start and tokens[end + 1].isupper()
            ):
                acronyms.setdefault(tokens[end + 1], (mention.surface, ORGANISATION))
    return acronyms


def _join_surnames(
    per_document: Sequence[dict[str, tuple[str, str]]],
) -> list[dict[str, tuple[str, str]]]:
    """A lone surname joins the one full name with that surname anywhere in the briefing."""
    by_surname: dict[str, set[str]] = {}
    for names in per_document:
        for canonical, kind in names.values():
            if kind == PERSON and " " in canonical:
                by_surname.setdefault(canonical.split()[-1], set()).add(canonical)
    joined = []
    for names in per_document:
        updated = {}
        for surface, (canonical, kind) in names.items():
            fullest = by_surname.get(canonical, set()) if " " not in canonical else set()
            if kind == PERSON and len(fullest) == 1:
                canonical = next(iter(fullest))
            updated[surface] = (canonical, kind)
        joined.append(updated)
    return joined


# ----------------------------------------------------------------------------- attribution

_SPEECH_VERBS = word_set("speech_verbs")  # one list with the tagger and summarize
_SKIPPABLE = frozenset(
    "also has had have later then again previously earlier recently today yesterday "
    "repeatedly publicly once reportedly would will could may might should not never already "
    "just has last on Friday Monday Tuesday Wednesday Thursday Saturday Sunday".split()
)
_LEADING = frozenset(
    "after before earlier later ahead speaking according in on at for during while when as "
    "despite although though following since with without under over by from meanwhile "
    "however last this next once if unlike like amid among separately instead indeed "
    "yesterday today afterwards".split()
)
# Words that join two actors rather than describe one ("France and Germany").
_LINKING_WORDS = frozenset(
    "and or nor but with without to of in on at for by from than as against versus v vs "
    "after before over under between".split()
)
_CONJUNCTIONS = frozenset("and but so yet or then now still also nor".split())
_MAIN_VERBS = frozenset(
    "is are was were has have had will would can could may might must shall should do does "
    "did came comes went goes gave gives took takes made makes met meets held holds won wins "
    "lost loses beat beats left leaves saw sees got gets became becomes began begins brought "
    "brings found finds kept keeps led leads ran runs set sets sent sends spent spends stood "
    "stands thought thinks wrote writes agreed agrees rose fell falls rises cut cuts hit hits "
    "put puts paid pays sold sells bought buys built builds chose chooses drew draws spoke "
    "speaks told tells said says".split()
)
_APPOSITIVE_OPENERS = frozenset("the a an who whose which its his her their".split())
_OPEN_QUOTES = frozenset("“")
_CLOSE_QUOTES = frozenset("”")
_STRAIGHT = '"'
_QUOTE_MARKS = _OPEN_QUOTES | _CLOSE_QUOTES | {_STRAIGHT}
_CLAUSE_BREAKS = frozenset(", ; : “ ” \" — – ( )".split())
_PRONOUNS = pronouns.SUBJECT_PRONOUNS
_POSSESSIVES = pronouns.POSSESSIVES
_PLURAL = pronouns.PLURALS


@dataclass(frozen=True)
class _Quotes:
    """Where a sentence stands towards quotation marks."""

    starts_inside: bool  # continues a quotation opened earlier
    quoted: list[bool]  # per token: inside quotation marks (the marks included)
    open_at_end: bool  # the quotation runs on into the next sentence or paragraph

    @property
    def opens_with_quote(self) -> bool:
        return bool(self.quoted) and self.quoted[0]


def _quote_flags(sentences: Sequence[NamedSentence]) -> list[_Quotes]:
    """For each sentence: does it start inside a quotation, and which tokens are quoted.

    News convention: a quotation running over paragraphs leaves the paragraph unclosed and
    opens the next one with a quote mark again, so an open quote continues only into a
    paragraph that starts with a quote mark.
    """
    flags = []
    open_ = False
    paragraph = None
    for sentence in sentences:
        tokens = sentence.tokens
        first = tokens[0] if tokens else ""
        skip_first = False
        if sentence.paragraph != paragraph:
            paragraph = sentence.paragraph
            if open_ and (first in _OPEN_QUOTES or first == _STRAIGHT):
                skip_first = True  # the paragraph re-opens the running quote
            elif open_:
                open_ = False
        starts_inside = open_
        if not skip_first and _QUOTE_MARKS.isdisjoint(tokens):  # most sentences: no marks
            flags.append(_Quotes(starts_inside, [open_] * len(tokens), open_))
            continue
        quoted = []
        for i, token in enumerate(tokens):
            if i == 0 and skip_first:
                quoted.append(True)
            elif token in _OPEN_QUOTES:
                open_ = True
                quoted.append(True)
            elif token in _CLOSE_QUOTES:
                quoted.append(True)
                open_ = False
            elif token == _STRAIGHT:
                quoted.append(True)
                open_ = not open_
            else:
                quoted.append(open_)
        flags.append(_Quotes(starts_inside or skip_first, quoted, open_))
    return flags


@dataclass(frozen=True)
class _Ref:
    """Who a rule pointed at: a mention in the sentence, or a pronoun to resolve."""

    mention: Mention | None = None
    pronoun: str | None = None
    rule: str = ""


def _mention_ending_at(mentions: Sequence[Mention], end: int) -> Mention | None:
    for mention in mentions:
        if mention.end == end and not mention.modifier:
            return mention
    return None


def _mention_starting_near(
    mentions: Sequence[Mention], tokens: Sequence[str], start: int, reach: int = 4
) -> Mention | None:
    """The name starting at ``start`` after articles and titles, within ``reach`` tokens."""
    i = start
    while i < len(tokens) and i < start + reach and (
        tokens[i] in ("the", "The", "a", "A") or tokens[i] in ner.PERSON_TITLES
        or tokens[i] in _OPEN_QUOTES or tokens[i] == _STRAIGHT
    ):
        i += 1
    candidates = [m for m in mentions if m.start == i]
    if not candidates:
        return None
    first = candidates[0]
    if first.modifier or first.kind in (PLACE, ORGANISATION):
        # "US National Security Adviser Jake Sullivan", "US aircraft firm Boeing", "BPI
        # chairman Peter Jamieson": the name a country or a body describes is the actor,
        # when only a title or a noun stands between.
        wanted = (PERSON,) if first.kind == ORGANISATION and not first.modifier else (
            PERSON, ORGANISATION)
        after = [m for m in mentions if m.start >= first.end and m.kind in wanted]
        between = tokens[first.end : after[0].start] if after else []
        if after and len(between) <= 6 and all(
            t[:1].isupper() or t in ("'s", "’s")
            or (_common_noun(t) and t not in _LINKING_WORDS)
            # "oil and gas company": "and" joining two nouns of the description
            or (t in ("and", "&") and 0 < k < len(between) - 1
                and _common_noun(between[k - 1]) and _common_noun(between[k + 1]))
            for k, t in enumerate(between)
        ):
            return after[0]
    return first


def _common_noun(token: str) -> bool:
    """A lower-case word that may describe a name: "oil", "electro-rock", not "said"."""
    word = token.replace("-", "")
    return word.isalpha() and word.islower() and token not in _MAIN_VERBS and not _past(token)


def _speaker_left(sentence: NamedSentence, quoted: Sequence[bool], verb: int) -> _Ref | None:
    tokens, mentions = sentence.tokens, sentence.mentions
    j = verb
    while j > 0 and tokens[j - 1] in _SKIPPABLE:
        j -= 1
    if j > 2 and tokens[j - 1] == ")" and "(" in tokens[max(j - 6, 0) : j]:
        j = max(i for i in range(max(j - 6, 0), j) if tokens[i] == "(")  # "the ONS (...) said"
    if j > 0 and not quoted[j - 1]:
        mention = _mention_ending_at(mentions, j)
        if mention:
            # "France and Germany vowed": the first of joined speakers leads.
            while mention.start > 1 and tokens[mention.start - 1] in ("and", ","):
                earlier = _mention_ending_at(mentions, mention.start - 1)
                if earlier is None:
                    break
                mention = earlier
            return _Ref(mention, rule="X said")
        previous = tokens[j - 1]
        if previous in _PRONOUNS or previous in _PLURAL:
            return _Ref(pronoun=previous, rule="he said")
        if previous == ",":  # "Jake Sullivan, the national security adviser, said"
            for k in range(j - 2, max(j - 14, 0), -1):
                if tokens[k] == ",":
                    mention = _mention_ending_at(mentions, k)
                    opener = tokens[k + 1]
                    if mention and (
                        opener.lower() in _APPOSITIVE_OPENERS or opener in ner.PERSON_TITLES
                    ):
                        return _Ref(mention, rule="X, who..., said")
                    break
    return None


def _speaker_right(sentence: NamedSentence, quoted: Sequence[bool], verb: int) -> _Ref | None:
    tokens = sentence.tokens
    if verb == 0 or tokens[verb - 1] not in (",", "”", _STRAIGHT):
        return None
    mention = _mention_starting_near(sentence.mentions, tokens, verb + 1)
    if mention and not quoted[mention.start]:
        return _Ref(mention, rule="said X")
    return None


def _according_to(sentence: NamedSentence, quoted: Sequence[bool]) -> _Ref | None:
    tokens = sentence.tokens
    for i, token in enumerate(tokens[:-1]):
        if token.lower() == "according" and tokens[i + 1] == "to" and not quoted[i]:
            mention = _mention_starting_near(sentence.mentions, tokens, i + 2)
            if mention:
                return _Ref(mention, rule="according to X")
    return None


def _quote_subject(sentence: NamedSentence, quoted: Sequence[bool], after: int) -> _Ref | None:
    """'A statement ... read: “President Biden was clear ...”': the quoted sentence's subject."""
    tokens = sentence.tokens
    for i in range(after, min(after + 3, len(tokens))):
        if tokens[i] in _OPEN_QUOTES or tokens[i] == _STRAIGHT:
            mention = _mention_starting_near(sentence.mentions, tokens, i + 1)
            if mention and mention.start <= i + 4:
                return _Ref(mention, rule="statement read: “X ...")
    return None


def _reports(ref: _Ref) -> bool:
    """The speaker found is a news outlet ("the Financial Times has reported", "according to
    Reuters"): the source of the point, not whom it is about, so the other rules decide."""
    return ref.mention is not None and is_outlet(ref.mention.surface)


def _speaker(sentence: NamedSentence, quoted: Sequence[bool]) -> _Ref | None:
    """Who speaks in a sentence, by the patterns of reported speech outside quotation marks."""
    tokens = sentence.tokens
    verbs = [
        i for i, t in enumerate(tokens)
        if not quoted[i]
        and (t in _SPEECH_VERBS or (t == "read" and tokens[i + 1 : i + 2] == [":"]))
    ]
    for verb in verbs:
        ref = _speaker_left(sentence, quoted, verb) or _speaker_right(sentence, quoted, verb)
        if ref and not _reports(ref):
            return ref
    ref = _according_to(sentence, quoted)
    if ref and not _reports(ref):
        return ref
    for verb in verbs:
        if verb + 1 < len(tokens) and tokens[verb + 1] in (":", ",", "“", _STRAIGHT):
            ref = _quote_subject(sentence, quoted, verb + 1)
            if ref:
                return ref
    return None


DATELINE_REACH = 8  # tokens a dateline may take: "Lagos, Nigeria (CNN)"


def _after_dateline(tokens: Sequence[str]) -> int:
    """Where the sentence proper starts after a dateline: places, then an outlet in brackets."""
    for i in range(1, min(DATELINE_REACH, len(tokens) - 1)):
        if tokens[i] == ")" and tokens[i - 2] == "(" and is_outlet(tokens[i - 1]):
            return i + 1
    return 0


def _clause_start(tokens: Sequence[str], quoted: Sequence[bool]) -> int:
    """Skip a dateline ("London (CNN)") and leading adverbial clauses ("Earlier on Saturday,
    before talking to X, ...")."""
    start = _after_dateline(tokens)
    for _ in range(3):
        while start < len(tokens) and tokens[start].lower() in _CONJUNCTIONS:
            start += 1  # "And he ...", "But Mr Blair ..."
        if start < len(tokens) and tokens[start] == ",":
            start += 1  # "Then, as if ..."
        if start >= len(tokens):
            break
        word = tokens[start].lower()
        if word not in _LEADING and not (word.endswith("ing") and len(word) > 5):
            break
        commas = [i for i in range(start + 1, len(tokens)) if tokens[i] == "," and not quoted[i]]
        if not commas:
            break
        start = commas[0] + 1
    return start


def _passive_agent(sentence: NamedSentence) -> _Ref | None:
    tokens = sentence.tokens
    for i in range(2, len(tokens) - 1):
        if tokens[i] == "by" and tokens[i - 2] in ("was", "were", "been", "be", "is", "are"):
            mention = _mention_starting_near(sentence.mentions, tokens, i + 1, reach=2)
            if mention:
                return _Ref(mention, rule="was done by X")
    return None


def _past(word: str) -> bool:
    """A past-tense or participle verb form by its ending ("unveiled"; not "seed", "red")."""
    return len(word) > 4 and word.endswith("ed") and word.islower()


def _subject(sentence: NamedSentence, quoted: Sequence[bool]) -> _Ref | None:
    """The grammatical subject when it is an actor: the name that opens the main clause."""
    tokens = sentence.tokens
    start = _clause_start(tokens, quoted)
    while start < len(tokens) and (tokens[start] in _OPEN_QUOTES or tokens[start] == _STRAIGHT):
        start += 1
    if start < len(tokens):
        word = tokens[start]
        if word in _PRONOUNS or word in _POSSESSIVES or word in ("They", "they"):
            return _Ref(pronoun=word, rule="pronoun subject")
    mention = _mention_starting_near(sentence.mentions, tokens, start, reach=2)
    if mention:
        return _Ref(mention, rule="subject")
    agent = _passive_agent(sentence)
    if agent:
        return agent
    for i in range(start, len(tokens)):
        token = tokens[i]
        if token in _MAIN_VERBS or _past(token):
            before = [m for m in sentence.mentions if start <= m.start < i and not m.modifier]
            if before:
                described = _mention_starting_near(sentence.mentions, tokens, before[0].start, 1)
                return _Ref(described or before[0], rule="first actor before the verb")
            break
    return None


def _primaries(
    sentences: Sequence[NamedSentence],
    names: Mapping[str, tuple[str, str]],
    genders: Mapping[str, str | None],
) -> list[str | None]:
    """The primary actor of every sentence of a document, in reading order.

    Each sentence's depends only on the sentences before it and FORWARD_REACH after it.
    """
    flags = _quote_flags(sentences)
    own = [_speaker(s, q.quoted) for s, q in zip(sentences, flags, strict=True)]
    history = pronouns.History([], [])
    kinds = {canonical: kind for canonical, kind in names.values()}
    result: list[str | None] = []
    open_speaker: str | None = None  # who speaks in the quotation still open
    last_speaker: str | None = None  # who spoke in the quotation just before

    def name_of(ref: _Ref | None, sentence: NamedSentence) -> str | None:
        if ref is None:
            return None
        if ref.mention is not None:
            return names[ref.mention.surface][0]
        limit = sentence.tokens.index(ref.pronoun) if ref.pronoun in sentence.tokens else 0
        current = [
            names[m.surface][0] for m in sentence.mentions
            if m.start < limit and names[m.surface][1] == PERSON
        ]
        return pronouns.loose_referent(ref.pronoun or "", history, current, genders)

    for i, sentence in enumerate(sentences):
        quotes = flags[i]
        primary = name_of(own[i], sentence)
        if primary is None and quotes.starts_inside:
            primary = open_speaker
        if primary is None and (quotes.starts_inside or quotes.opens_with_quote):
            primary = _forward_speaker(i, sentences, flags, own, name_of)
        if primary is None and quotes.opens_with_quote:
            primary = last_speaker  # “We are disappointed,” he said. “We will appeal.”
        if primary is None:
            primary = name_of(_subject(sentence, quotes.quoted), sentence)
        if quotes.open_at_end:
            if own[i] is not None or not quotes.starts_inside:
                open_speaker = primary
        else:
            open_speaker = None
        has_quote = any(quotes.quoted)
        last_speaker = primary if has_quote else None
        result.append(primary)
        history.primaries.append((primary, kinds.get(primary) if primary else None))
        history.people.append(
            [names[m.surface][0] for m in sentence.mentions if names[m.surface][1] == PERSON]
        )
    return result


FORWARD_REACH = 3  # sentences after a quote that may still name its speaker


def _forward_speaker(
    i: int,
    sentences: Sequence[NamedSentence],
    flags: Sequence[_Quotes],
    own: Sequence[_Ref | None],
    name_of: Callable[[_Ref | None, NamedSentence], str | None],
) -> str | None:
    """A quote attributed later: “We will win. We always do,” he said. (same paragraph)."""
    paragraph = sentences[i].paragraph
    for j in range(i + 1, min(i + 1 + FORWARD_REACH, len(sentences))):
        if sentences[j].paragraph != paragraph or not flags[j].starts_inside:
            return None
        if own[j] is not None:
            return name_of(own[j], sentences[j])
    return None


# ----------------------------------------------------------------------------- the stage


def _genders(
    documents: Sequence[Reading],
    names: Sequence[Mapping[str, tuple[str, str]]],
    book: AliasBook,
) -> dict[str, str | None]:
    """Each person's gender where a title, a given name or the alias book tells it."""
    genders: dict[str, str | None] = {}
    for sentences, doc_names in zip(documents, names, strict=True):
        for sentence in sentences:
            for mention in sentence.mentions:
                canonical, kind = doc_names[mention.surface]
                if kind != PERSON:
                    continue
                known = book.actors.get(canonical)
                guess = pronouns.gender_of(known.gender if known else None, mention.gender,
                                           canonical.split()[:1])
                if guess or canonical not in genders:
                    genders[canonical] = guess or genders.get(canonical)
    return genders


def _settle_kinds(
    names: Mapping[str, tuple[str, str]], book: AliasBook, genders: Mapping[str, str | None]
) -> dict[str, tuple[str, str]]:
    """A one-word "person" never given a title or a first name anywhere in the briefing is far
    more often a company or a body in news ("Yukos", "Boeing"): treat it as one, so that
    "he" never points at it."""
    settled = {}
    for surface, (canonical, kind) in names.items():
        if (
            kind == PERSON and " " not in canonical and genders.get(canonical) is None
            and canonical not in book.actors
        ):
            kind = ORGANISATION
        settled[surface] = (canonical, kind)
    return settled


def _actor_kind(name: str, votes: Counter[str], book: AliasBook) -> str:
    """The alias book's kind, else the kind most of the actor's mentions had."""
    return book.kind_of(name) or votes.most_common(1)[0][0]


_ARTICLES = frozenset(("the", "The", "a", "A", "an", "An"))


def _gather(
    sentence: NamedSentence, doc_names: Mapping[str, tuple[str, str]],
    evidence: dict[str, Evidence],
) -> None:
    """Add what one sentence says about the names in it to their evidence."""
    tokens = sentence.tokens
    works = word_set("work_nouns")
    companies = word_set("company_nouns")
    followers = word_set("company_followers")
    team_words = word_set("team_followers")
    for mention in sentence.mentions:
        canonical, kind = doc_names[mention.surface]
        item = evidence.get(canonical)
        if item is None:
            item = evidence[canonical] = Evidence(canonical, kind)
        item.mentions += 1
        before = tokens[mention.start - 1] if mention.start else ""
        if before in _QUOTE_MARKS or before == "‘":
            before = tokens[mention.start - 2] if mention.start > 1 else ""
        item.titled = item.titled or before in ner.PERSON_TITLES
        item.after_article += before in _ARTICLES
        item.after_work_noun += before.lower() in works
        after = tokens[mention.end].lower() if mention.end < len(tokens) else ""
        item.after_company_noun += before in companies or after in followers
        item.tagged_person += mention.kind == PERSON
        item.in_score_line += ner.score_line(tokens, mention.start, mention.end) or (
            after in team_words)
        item.in_headline += sentence.headline


def _refused_headings(
    evidence: dict[str, Evidence],
    kinds: Mapping[str, str],
    seen: Mapping[str, set[str]],
    genders: Mapping[str, str | None],
    book: AliasBook,
    lower_words: set[str],
) -> dict[str, str]:
    """Which actors may not head a section, and the rule that says why (see ``headings``)."""
    gaz = ner.gazetteer()
    countries = set(book.stands_for.values())
    for name, item in evidence.items():
        item.kind = kinds[name]
        item.surfaces = seen[name]
        item.in_book = name in book.actors or name in countries
        item.gendered = genders.get(name) is not None
        item.known_place = name in gaz.countries or name in gaz.places
        item.country = name in gaz.countries or book.kind_of(name) == PLACE
        item.first_word_common = name.split(" ", 1)[0].lower() in lower_words
        item.kind = settled_kind(item)
    return refusals(evidence, Context(frozenset(lower_words)))


def find_actors(
    documents: Sequence[Document],
    points: Sequence[KeyPoint],
    aliases: AliasBook | None = None,
    readings: Sequence[Reading] | None = None,
) -> Attribution:
    """Detect actors in all documents, merge their names across the whole briefing, and say for
    each point (keyed (article_id, index)) its primary actor (who acts or speaks in it) and the
    others it names.

    Attribution.actors: every actor found in the documents (canonical name -> Actor with kind,
    aliases seen, and mentions = how many times the day's articles name it). Every point gets a
    PointActors entry (primary None when nobody acts in it).

    `readings` are the documents' ``read_names`` results when the caller has them already
    (read per article, perhaps in other processes); they must come from the same alias book.
    """
    book = aliases or _default_book()
    if readings is None:
        reader = name_reader(book)
        readings = [read_names(document, reader) for document in documents]
    read = readings
    names = _join_surnames([_document_names(sentences, book) for sentences in read])
    genders = _genders(read, names, book)
    names = [_settle_kinds(doc_names, book, genders) for doc_names in names]

    counts: Counter[str] = Counter()
    votes: defaultdict[str, Counter[str]] = defaultdict(Counter)
    seen: dict[str, set[str]] = {}
    evidence: dict[str, Evidence] = {}
    named_by_article: dict[str, dict[str, int]] = {}
    for document, sentences, doc_names in zip(documents, read, names, strict=True):
        in_document: Counter[str] = Counter()
        for sentence in sentences:
            if sentence.mentions:
                _gather(sentence, doc_names, evidence)
            for mention in sentence.mentions:
                canonical, kind = doc_names[mention.surface]
                in_document[canonical] += 1
                counts[canonical] += 1
                votes[canonical][kind] += 1
                seen.setdefault(canonical, set()).add(mention.surface)
        named_by_article[document.id] = dict(in_document.most_common())
    kinds = {name: _actor_kind(name, votes[name], book) for name in counts}
    # Which names' first words the day's articles also use in lower case ("coal", "finding").
    single = {name.split(" ", 1)[0].lower() for name in counts}
    lower_words: set[str] = set()
    for sentences in read:
        for sentence in sentences:
            lower_words.update(single.intersection(sentence.tokens))
    refused = _refused_headings(evidence, kinds, seen, genders, book, lower_words)
    kinds.update((name, item.kind) for name, item in evidence.items())
    actors = {
        name: Actor(
            name=name,
            kind=kinds[name],
            aliases=tuple(sorted(seen[name] - {name})),
            mentions=counts[name],
            not_a_heading=refused.get(name),
        )
        for name in counts
    }

    wanted: dict[str, set[int]] = {}
    for point in points:
        wanted.setdefault(point.article_id, set()).add(point.index)
    by_point: dict[tuple[str, int], PointActors] = {}
    for document, sentences, doc_names in zip(documents, read, names, strict=True):
        indexes = wanted.get(document.id)
        if not indexes:
            continue
        positions = [i for i, s in enumerate(document.sentences) if s.index in indexes]
        # Reading stops after the last point: what follows cannot change who acts in it,
        # but for a quote attributed up to FORWARD_REACH sentences later.
        primaries = _primaries(sentences[: positions[-1] + 1 + FORWARD_REACH] if positions
                               else (), doc_names, genders)
        for position in positions:
            sentence_data = document.sentences[position]
            primary = primaries[position]
            if primary is not None and primary not in actors:
                primary = None
            named = [doc_names[m.surface][0] for m in sentences[position].mentions]
            others = tuple(dict.fromkeys(n for n in named if n != primary))
            by_point[(document.id, sentence_data.index)] = PointActors(primary, others)
    for point in points:
        by_point.setdefault((point.article_id, point.index), PointActors(None))
    return Attribution(actors=actors, points=by_point, named=named_by_article)
