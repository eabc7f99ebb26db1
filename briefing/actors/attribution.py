"""Attribution: who speaks or acts in each sentence of a document.

The speaker of a "said"/"told"/"according to" pattern or of the quotation the sentence belongs
to (news quotes run on over paragraphs), else the grammatical subject after any dateline and
leading clause; a pronoun resolves through the one resolver (``pronouns``, loose mode). A news
outlet is never the speaker: it is where the point comes from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from briefing.actors import pronouns
from briefing.actors import tagger as ner
from briefing.actors.headings import is_outlet
from briefing.actors.lexicon import (
    APPOSITIVE_OPENERS,
    CLAUSE_OPENERS,
    LEADING_CONJUNCTIONS,
    LINKING_WORDS,
    MAIN_VERBS,
    SPEAKER_SKIPPABLE,
    SPEECH_VERBS,
)
from briefing.actors.reading import Mention, NamedSentence
from briefing.models import ORGANISATION, PERSON, PLACE

_OPEN_QUOTES = frozenset("“")
_CLOSE_QUOTES = frozenset("”")
_STRAIGHT = '"'
QUOTE_MARKS = _OPEN_QUOTES | _CLOSE_QUOTES | {_STRAIGHT}
_CLAUSE_BREAKS = frozenset(", ; : “ ” \" — – ( )".split())
_PRONOUNS = pronouns.SUBJECT_PRONOUNS
_POSSESSIVES = pronouns.POSSESSIVES
_PLURAL = pronouns.PLURALS


class _Quotes(NamedTuple):
    """Where a sentence stands towards quotation marks (a tuple: one is made per sentence)."""

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
        if not skip_first and QUOTE_MARKS.isdisjoint(tokens):  # most sentences: no marks
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


class _Ref(NamedTuple):
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
        # "US National Security Adviser Jake Sullivan", "US aircraft firm Boeing", "Norvik
        # chairman Owen Ferris": the name a country or a body describes is the actor,
        # when only a title or a noun stands between.
        wanted = (PERSON,) if first.kind == ORGANISATION and not first.modifier else (
            PERSON, ORGANISATION)
        after = [m for m in mentions if m.start >= first.end and m.kind in wanted]
        between = tokens[first.end : after[0].start] if after else []
        if after and len(between) <= 6 and all(
            t[:1].isupper() or t in ("'s", "’s")
            or (_common_noun(t) and t not in LINKING_WORDS)
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
    return word.isalpha() and word.islower() and token not in MAIN_VERBS and not _past(token)


def _speaker_left(sentence: NamedSentence, quoted: Sequence[bool], verb: int) -> _Ref | None:
    tokens, mentions = sentence.tokens, sentence.mentions
    j = verb
    while j > 0 and tokens[j - 1] in SPEAKER_SKIPPABLE:
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
                        opener.lower() in APPOSITIVE_OPENERS or opener in ner.PERSON_TITLES
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
    if "to" not in tokens:  # most sentences
        return None
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
    verbs = [] if SPEECH_VERBS.isdisjoint(tokens) and "read" not in tokens else [
        i for i, t in enumerate(tokens)
        if not quoted[i]
        and (t in SPEECH_VERBS or (t == "read" and tokens[i + 1 : i + 2] == [":"]))
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
        while start < len(tokens) and tokens[start].lower() in LEADING_CONJUNCTIONS:
            start += 1  # "And he ...", "But Mr Blair ..."
        if start < len(tokens) and tokens[start] == ",":
            start += 1  # "Then, as if ..."
        if start >= len(tokens):
            break
        word = tokens[start].lower()
        if word not in CLAUSE_OPENERS and not (word.endswith("ing") and len(word) > 5):
            break
        commas = [i for i in range(start + 1, len(tokens)) if tokens[i] == "," and not quoted[i]]
        if not commas:
            break
        start = commas[0] + 1
    return start


def _passive_agent(sentence: NamedSentence) -> _Ref | None:
    tokens = sentence.tokens
    if "by" not in tokens:  # most sentences
        return None
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
        if token in MAIN_VERBS or _past(token):
            before = [m for m in sentence.mentions if start <= m.start < i and not m.modifier]
            if before:
                described = _mention_starting_near(sentence.mentions, tokens, before[0].start, 1)
                return _Ref(described or before[0], rule="first actor before the verb")
            break
    return None


def sentence_primaries(
    sentences: Sequence[NamedSentence],
    names: Mapping[str, tuple[str, str]],
    genders: Mapping[str, str | None],
) -> list[str | None]:
    """The primary actor of every sentence of a document, in reading order.

    Each sentence's depends only on the sentences before it and FORWARD_REACH after it.
    """
    primaries = Primaries(sentences, names, genders)
    return [primaries.of(i) for i in range(len(sentences))]


_LEANS = object()  # a sentence whose primary depends on the sentences before it


class Primaries:
    """The primary actor of a document's sentences, worked out for the sentences asked about.

    A sentence whose speaker or subject is named in it needs nothing else, and most key
    points are such sentences (a point must read alone). One that leans on what came
    before (a pronoun, a quotation running on or opening it) is found by reading the
    document in order up to it, from where the last such reading stopped: the same
    answer as reading every sentence, for a fraction of the sentences.
    """

    def __init__(
        self,
        sentences: Sequence[NamedSentence],
        names: Mapping[str, tuple[str, str]],
        genders: Mapping[str, str | None],
    ) -> None:
        self.sentences = sentences
        self.names = names
        self.genders = genders
        self.flags = _quote_flags(sentences)
        self.kinds = {canonical: kind for canonical, kind in names.values()}
        self.found: dict[int, str | None] = {}  # position -> primary
        self._own: dict[int, _Ref | None] = {}  # position -> its speaker (``_speaker``)
        # The reading in order: the next sentence to read, and what it knows there.
        self.next = 0
        self.history = pronouns.History([], [])
        self.open_speaker: str | None = None  # who speaks in the quotation still open
        self.last_speaker: str | None = None  # who spoke in the quotation just before

    def of(self, position: int) -> str | None:
        """The primary actor of the sentence at `position`, or None when nobody acts in it."""
        if position in self.found:
            return self.found[position]
        if position >= self.next:
            alone = self._alone(position)
            if alone is not _LEANS:
                self.found[position] = alone
                return alone
        while self.next <= position:
            self._read_next()
        return self.found[position]

    def own(self, position: int) -> _Ref | None:
        """Who speaks in the sentence by its own words (``_speaker``), read once."""
        if position not in self._own:
            self._own[position] = _speaker(self.sentences[position], self.flags[position].quoted)
        return self._own[position]

    def _name_of(self, ref: _Ref | None, sentence: NamedSentence) -> str | None:
        """The actor a rule pointed at; a pronoun through what the reading knows so far."""
        if ref is None:
            return None
        names = self.names
        if ref.mention is not None:
            return names[ref.mention.surface][0]
        limit = sentence.tokens.index(ref.pronoun) if ref.pronoun in sentence.tokens else 0
        current = [
            names[m.surface][0] for m in sentence.mentions
            if m.start < limit and names[m.surface][1] == PERSON
        ]
        return pronouns.loose_referent(ref.pronoun or "", self.history, current, self.genders)

    def _alone(self, position: int) -> object:
        """The primary when the sentence names it itself, else _LEANS."""
        ref = self.own(position)
        if ref is not None:
            return self.names[ref.mention.surface][0] if ref.mention is not None else _LEANS
        quotes = self.flags[position]
        if quotes.starts_inside or quotes.opens_with_quote:
            return _LEANS
        ref = _subject(self.sentences[position], quotes.quoted)
        if ref is None:
            return None
        return self.names[ref.mention.surface][0] if ref.mention is not None else _LEANS

    def _read_next(self) -> None:
        """Read the next sentence in order: its primary (unless known) and what it teaches."""
        i = self.next
        sentence, quotes, names = self.sentences[i], self.flags[i], self.names
        if i in self.found:
            primary = self.found[i]
        else:
            primary = self._name_of(self.own(i), sentence)
            if primary is None and quotes.starts_inside:
                primary = self.open_speaker
            if primary is None and (quotes.starts_inside or quotes.opens_with_quote):
                primary = _forward_speaker(i, self.sentences, self.flags, self.own,
                                           self._name_of)
            if primary is None and quotes.opens_with_quote:
                primary = self.last_speaker  # “We are disappointed,” he said. “We will appeal.”
            if primary is None:
                primary = self._name_of(_subject(sentence, quotes.quoted), sentence)
            self.found[i] = primary
        if quotes.open_at_end:
            if not quotes.starts_inside or self.own(i) is not None:
                self.open_speaker = primary
        else:
            self.open_speaker = None
        self.last_speaker = primary if any(quotes.quoted) else None
        self.history.primaries.append((primary, self.kinds.get(primary) if primary else None))
        self.history.people.append(
            [names[m.surface][0] for m in sentence.mentions if names[m.surface][1] == PERSON]
        )
        self.next = i + 1


FORWARD_REACH = 3  # sentences after a quote that may still name its speaker


def _forward_speaker(
    i: int,
    sentences: Sequence[NamedSentence],
    flags: Sequence[_Quotes],
    own: Callable[[int], _Ref | None],
    name_of: Callable[[_Ref | None, NamedSentence], str | None],
) -> str | None:
    """A quote attributed later: “We will win. We always do,” he said. (same paragraph)."""
    paragraph = sentences[i].paragraph
    for j in range(i + 1, min(i + 1 + FORWARD_REACH, len(sentences))):
        if sentences[j].paragraph != paragraph or not flags[j].starts_inside:
            return None
        if own(j) is not None:
            return name_of(own(j), sentences[j])
    return None
