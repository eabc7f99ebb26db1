"""The actors stage: who the day's key points are about, under one name per actor.

Three steps, each a small function over plain data:

1. *Detect* names in every sentence (``reading``, with ``tagger``: capitalised runs typed by
   gazetteers, cue words and document consistency; the alias book's names, ``aliases``, are
   known to it).
2. *Name* each actor once across the briefing: the alias book maps spellings to a canonical
   name ("Mr Putin" -> "Vladimir Putin", "U.S." -> "United States"), institutions and capitals
   stand for their country ("the Kremlin" -> "Russia"), and a surname alone joins the fullest
   name with that surname when only one fits (``naming``).
3. *Attribute* each key point to the actor who speaks or acts in it: the speaker of a
   "said"/"told"/"according to" pattern or of the quotation the sentence belongs to (news
   quotes run on over paragraphs), else the grammatical subject; "he"/"she" resolve to the
   most recent fitting person (``attribution``, ``pronouns``).

Then each actor's evidence decides whether it may head a section (``headings``). This module
is the stage itself, ``find_actors``, and the names the rest of the package imports.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence

from briefing.actors import pronouns
from briefing.actors import tagger as ner
from briefing.actors.aliases import AliasBook, KnownActor, default_book, known_tags, load_aliases
from briefing.actors.attribution import FORWARD_REACH, QUOTE_MARKS, Primaries
from briefing.actors.headings import Context, Evidence, refusals, settled_kind
from briefing.actors.lexicon import (
    COMPANY_FOLLOWERS,
    COMPANY_NOUNS,
    TEAM_FOLLOWERS,
    WORK_NOUNS,
)
from briefing.actors.naming import document_names, join_surnames
from briefing.actors.reading import (
    NamedSentence,
    NameReader,
    Reading,
    name_reader,
    read_names,
    tag_names,
)
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

__all__ = [
    "AliasBook", "KnownActor", "NameReader", "NamedSentence", "Reading", "find_actors",
    "known_tags", "load_aliases", "name_reader", "read_names", "tag_names", "tag_tokens",
]


def _genders(
    documents: Sequence[Reading],
    names: Sequence[Mapping[str, tuple[str, str]]],
    book: AliasBook,
) -> dict[str, str | None]:
    """Each person's gender where a title, a given name or the alias book tells it."""
    genders: dict[str, str | None] = {}
    guesses: dict[tuple[str, str | None], str | None] = {}  # (person, title's gender) -> guess
    for sentences, doc_names in zip(documents, names, strict=True):
        for sentence in sentences:
            for mention in sentence.mentions:
                canonical, kind = doc_names[mention.surface]
                if kind != PERSON:
                    continue
                key = (canonical, mention.gender)
                if key in guesses:
                    guess = guesses[key]
                else:
                    known = book.actors.get(canonical)
                    guess = guesses[key] = pronouns.gender_of(
                        known.gender if known else None, mention.gender, canonical.split()[:1])
                if guess or canonical not in genders:
                    genders[canonical] = guess or genders.get(canonical)
    return genders


def _settle_kinds(
    names: Mapping[str, tuple[str, str]], book: AliasBook, genders: Mapping[str, str | None]
) -> dict[str, tuple[str, str]]:
    """A one-word "person" never given a title or a first name anywhere in the briefing is far
    more often a company or a body in news ("Veltrox", "Boeing"): treat it as one, so that
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
    evidence: dict[str, Evidence], wanted: Collection[str],
) -> None:
    """Add what one sentence says about the `wanted` names in it to their evidence."""
    tokens = sentence.tokens
    count = len(tokens)
    headline = sentence.headline
    for mention in sentence.mentions:
        canonical, kind = doc_names[mention.surface]
        if canonical not in wanted:
            continue
        item = evidence.get(canonical)
        if item is None:
            item = evidence[canonical] = Evidence(canonical, kind)
        item.mentions += 1
        start, end = mention.start, mention.end
        before = tokens[start - 1] if start else ""
        if before in QUOTE_MARKS or before == "‘":
            before = tokens[start - 2] if start > 1 else ""
        described = before  # the noun a name is described by, past "the": "group The Lanterns"
        if before in _ARTICLES:
            item.after_article += 1
            if start > 1:
                described = tokens[start - 2]
        if before in ner.PERSON_TITLES:
            item.titled = True
        after = tokens[end].lower() if end < count else ""
        if described.lower() in WORK_NOUNS:
            item.after_work_noun += 1
        if described in COMPANY_NOUNS or after in COMPANY_FOLLOWERS:
            item.after_company_noun += 1
        if mention.kind == PERSON:
            item.tagged_person += 1
        # A score line needs a digit right after the name: most names have none.
        if after in TEAM_FOLLOWERS or (
            after[:1].isdigit() and ner.score_line(tokens, start, end)
        ):
            item.in_score_line += 1
        if headline:
            item.in_headline += 1


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


def _attribute(
    documents: Sequence[Document],
    points: Sequence[KeyPoint],
    read: Sequence[Reading],
    names: Sequence[Mapping[str, tuple[str, str]]],
    genders: Mapping[str, str | None],
    known: Mapping[str, int],
) -> dict[tuple[str, int], PointActors]:
    """Each point's primary actor and the others it names, keyed (article_id, index)."""
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
        primaries = Primaries(sentences[: positions[-1] + 1 + FORWARD_REACH]
                              if positions else (), doc_names, genders)
        for position in positions:
            sentence_data = document.sentences[position]
            primary = primaries.of(position)
            if primary is not None and primary not in known:
                primary = None
            named = [doc_names[m.surface][0] for m in sentences[position].mentions]
            others = tuple(dict.fromkeys(n for n in named if n != primary))
            by_point[(document.id, sentence_data.index)] = PointActors(primary, others)
    for point in points:
        by_point.setdefault((point.article_id, point.index), PointActors(None))
    return by_point


_TITLE_WORD = re.compile(r"[\w.-]+")


def _judge_headings(
    documents: Sequence[Document],
    read: Sequence[Reading],
    names: Sequence[Mapping[str, tuple[str, str]]],
    by_point: Mapping[tuple[str, int], PointActors],
    counts: Mapping[str, int],
    votes: Mapping[str, Counter[str]],
    seen: Mapping[str, set[str]],
    genders: Mapping[str, str | None],
    book: AliasBook,
) -> tuple[dict[str, str], dict[str, str]]:
    """Which actors may not head a section (name -> rule), and every actor's kind.

    Only the actors a section could be headed by are judged: those the points name and
    those a headline may name (a word of the name in some article's title); the others
    keep the kind most of their mentions had and ``not_a_heading`` None.
    """
    kinds = {name: _actor_kind(name, votes[name], book) for name in counts}
    title_words = {w for document in documents for w in _TITLE_WORD.findall(document.title.lower())}
    candidates = {name for who in by_point.values() for name in (who.primary, *who.others)
                  if name is not None}
    candidates.update(name for name in counts
                      if not title_words.isdisjoint(name.lower().split()))
    evidence: dict[str, Evidence] = {}
    for sentences, doc_names in zip(read, names, strict=True):
        for sentence in sentences:
            if sentence.mentions:
                _gather(sentence, doc_names, evidence, candidates)
    # Which names' first words the day's articles also use in lower case ("coal", "finding").
    single = {name.split(" ", 1)[0].lower() for name in evidence}
    every_token = (sentence.tokens for sentences in read for sentence in sentences)
    lower_words = single.intersection(itertools.chain.from_iterable(every_token))
    for name, item in evidence.items():  # every word of the name, in an article's title
        item.in_title = title_words.issuperset(name.lower().split())
    refused = _refused_headings(evidence, kinds, seen, genders, book, lower_words)
    kinds.update((name, item.kind) for name, item in evidence.items())
    return refused, kinds


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
    book = aliases or default_book()
    if readings is None:
        reader = name_reader(book)
        readings = [read_names(document, reader) for document in documents]
    read = readings
    names = join_surnames([document_names(sentences, book) for sentences in read])
    genders = _genders(read, names, book)
    names = [_settle_kinds(doc_names, book, genders) for doc_names in names]

    counts: Counter[str] = Counter()
    votes: defaultdict[str, Counter[str]] = defaultdict(Counter)
    seen: dict[str, set[str]] = {}
    named_by_article: dict[str, dict[str, int]] = {}
    for document, sentences, doc_names in zip(documents, read, names, strict=True):
        # Each spelling stands for one actor and kind in an article: count the spellings,
        # then add them up in the order they first appear, as counting each mention would.
        # Plain dicts' get, not a Counter's +=: its default for a new key is a Python call.
        spellings = Counter(m.surface for sentence in sentences for m in sentence.mentions)
        in_document: dict[str, int] = {}
        for surface, times in spellings.items():
            canonical, kind = doc_names[surface]
            in_document[canonical] = in_document.get(canonical, 0) + times
            kind_votes = votes[canonical]
            kind_votes[kind] = kind_votes.get(kind, 0) + times
            seen.setdefault(canonical, set()).add(surface)
        for canonical, times in in_document.items():
            counts[canonical] = counts.get(canonical, 0) + times
        named_by_article[document.id] = in_document

    by_point = _attribute(documents, points, read, names, genders, counts)
    refused, kinds = _judge_headings(documents, read, names, by_point, counts, votes, seen,
                                     genders, book)
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
    return Attribution(actors=actors, points=by_point, named=named_by_article)
