"""Summarize stage: pick an article's key points, best first.

Every algorithm sits behind one interface and one name -> implementation
table (`_CHOOSERS`), as sumy does: a chooser takes a Document, a count and a
language and returns Choices (position, score, and the point's wording when
it is not the sentence's own), best first. The sumy algorithms are run on a
sumy document model built from our own sentences and tokenizer, so nothing
ever needs downloadable NLTK data.

Our default, "briefing", scores each sentence by how much of it the rest of
the article repeats (centrality), its position (a lead bias weighed by how
central the opening is and how long the article is), the title words it
repeats and its length, less for quotations and questions (`briefing_scores`,
with the handful of `Weights` shipped in briefing/data/summarize_weights.json
and refitted by bench/fit_weights.py), then picks greedily, never two points
that share most of their words nor one over MAX_POINT_WORDS, and only points a
reader can use alone: a sentence opening with "But" loses it, one opening with
"He" gets the person's name when the sentence before leaves no doubt who is
meant (`Readable`), and any other that leans on an earlier one is never a point.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from functools import cache, lru_cache
from importlib import resources
from itertools import chain, groupby
from typing import NamedTuple

import Stemmer as snowball
from sumy.models.dom import ObjectDocumentModel, Paragraph
from sumy.models.dom import Sentence as SumySentence
from sumy.nlp.stemmers import Stemmer, null_stemmer
from sumy.summarizers.edmundson import EdmundsonSummarizer
from sumy.summarizers.kl import KLSummarizer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.lsa import LsaSummarizer
from sumy.summarizers.luhn import LuhnSummarizer
from sumy.summarizers.reduction import ReductionSummarizer
from sumy.summarizers.sum_basic import SumBasicSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer

from briefing.actors import tagger as ner
from briefing.models import Document, KeyPoint
from briefing.nlp.languages import language_name
from briefing.nlp.sentences import Tokenizer, count_words, split_words
from briefing.nlp.wordlists import stop_words, word_set


class Choice(NamedTuple):
    """A sentence chosen as a point: its position in document.sentences and its score."""

    position: int
    score: float
    text: str | None = None  # the point's wording when it is not the sentence's own


# (document, count, language, the tagger's reading of the document if the caller has one)
# -> choices, best first
Chooser = Callable[[Document, int, str, "ner.Tagging | None"], list[Choice]]

MIN_WORDS = 5  # shorter sentences are bylines, credits or link lines, never points


# --- shared language resources ---------------------------------------------------------------


@cache
def stemmer(language: str) -> Callable[[str], str]:
    """sumy's stemmer for `language`, or plain lower-casing when it has none."""
    try:
        return Stemmer(language)
    except LookupError:
        return null_stemmer


@cache
def word_stemmer(language: str) -> Callable[[str], str]:
    """The stemmer of our own summarizer and the stories stage: the Snowball project's C
    stemmer (PyStemmer), five times faster than the pure-Python one sumy's algorithms use
    and of the current Snowball rules ("added" -> "add", not "ad"); sumy's otherwise."""
    try:
        return snowball.Stemmer(language).stemWord
    except KeyError:
        return stemmer(language)


@lru_cache(maxsize=200_000)
def _stem(language: str, word: str) -> str:
    # News repeats its words: a dictionary look-up is cheaper still than stemming again.
    return word_stemmer(language)(word)


# The summarizer, the stories stage and point merging read the same sentences of one
# article in turn: a small cache lets them split and stem each sentence once.
@lru_cache(maxsize=1024)
def content_words(text: str, language: str) -> tuple[str, ...]:
    """The words of `text` that are not stop words, lower-cased, in order."""
    stops = stop_words(language)
    return tuple([word for word in map(str.lower, split_words(text, language))
                  if word not in stops])


@lru_cache(maxsize=1024)
def content_stems(text: str, language: str) -> tuple[str, ...]:
    """Stems of the words of `text` that are not stop words, in order."""
    return tuple([_stem(language, word) for word in content_words(text, language)])


# --- points a reader can use alone -----------------------------------------------------------

# First words that point at something outside the sentence: a pronoun whose
# referent came earlier, or a connective continuing the previous sentence.
_DANGLING_OPENERS: dict[str, frozenset[str]] = {
    "english": frozenset(
        "he she it they we this these those that his her its their him them "
        "but however also and or so yet still then thus therefore moreover furthermore "
        "meanwhile instead nevertheless nonetheless besides such likewise".split()
    ),
    "german": frozenset(
        "er sie es dies diese dieser dieses das sein seine ihr ihre ihm ihn ihnen "
        "aber jedoch auch und oder doch dennoch deshalb daher zudem außerdem trotzdem "
        "dann allerdings".split()
    ),
    "french": frozenset(
        "il elle ils elles ce cet cette ces cela ceci son sa ses leur leurs lui "
        "mais cependant aussi et ou donc pourtant toutefois ensuite puis "
        "néanmoins a-t-il a-t-elle ont-ils ont-elles".split()
    ),
}
# Opening quotation marks and the marks that may close them.
_CLOSING_QUOTES = {
    '"': '"”',
    "“": '”"',
    "„": '“"',
    "«": "»",
    "‘": "’'",
    "'": "'’",
    "‚": "‘’'",
}


def is_dangling(text: str, language: str = "english") -> bool:
    """True when a sentence cannot be read alone.

    It opens with a pronoun or connective whose referent is elsewhere ("He
    told...", "It's ...", "But...", "However, ..."), or it opens a quotation that does
    not name its speaker in the same sentence: `"We will win," said Ms Lee.`
    stands alone; `"We will win," he said.` and a quote running on from the
    previous paragraph do not. Languages without an opener list only get the
    quotation check.
    """
    stripped = text.lstrip()
    words = split_words(stripped, language)
    if not words:
        return False
    openers = _openers(language)
    if stripped[0] in _CLOSING_QUOTES:
        attribution = _after_quote(stripped, _CLOSING_QUOTES[stripped[0]])
        said = [word.lower() for word in split_words(attribution, language)]
        # The speaker stands next to the verb: "he said", "said Ms Lee", "sagte er".
        named = not openers.intersection(said[:3])
        return not (named and word_set("speech_verbs", language).intersection(said))
    # "It's", "That’s", "They're": a contracted pronoun points back as the pronoun does.
    return _APOSTROPHE.split(words[0].lower(), 1)[0] in openers


_APOSTROPHE = re.compile(r"['’]")


@cache
def _openers(language: str) -> frozenset[str]:
    """Dangling first words of `language` ("en" and "English" find "english")."""
    return _DANGLING_OPENERS.get(language_name(language), frozenset())


def _after_quote(text: str, closers: str) -> str:
    """What follows the last closing quotation mark of a sentence opening with a quote."""
    end = _quote_end(text, closers)
    return text[end:] if end else ""


def _quote_end(text: str, closers: str) -> int:
    """Position just after the last closing quotation mark; 0 when the quote is not closed."""
    for position in range(len(text) - 1, 0, -1):
        after = text[position + 1 : position + 2]
        if text[position] in closers and not after.isalnum():
            return position + 1
    return 0


# --- making dangling sentences read alone ----------------------------------------------------

# A leading connective only links the sentence to the one before; without it
# the sentence says the same. "But" and "And" go as they are; adverbs only
# when a comma sets them off ("However, ..."). Words that carry meaning of
# their own ("Instead", "Then", "Therefore") stay, and so the sentence dangles.
_CONJUNCTIONS = {"english": frozenset({"but", "and"})}
_ADVERBS = {
    "english": frozenset(
        "however meanwhile also nevertheless nonetheless besides moreover furthermore".split()
    )
}
# The pronoun table and the gender rule are the actors stage's (one resolver for both
# stages); imported here rather than at the top, where the ranking code is being edited.
from briefing.actors import pronouns  # noqa: E402
from briefing.actors.pronouns import Person  # noqa: E402

_PRONOUN_GENDER = pronouns.PRONOUN_GENDER
_POSSESSIVE_PRONOUNS = frozenset({"his", "her"})
# "Mr Eddington": how an article names a person once introduced.
_HONORIFIC = re.compile(r"\b(Mr|Mrs|Ms|Miss|Dr)\.? ([A-Z][\w'’-]+)")
_FIRST_WORD = re.compile(r"[\w'’-]+")
_TAIL_PRONOUN = re.compile(r"^(\W*(?:\w+\W+){0,2}?)(he|she)\b")


def drop_connective(text: str, language: str = "english") -> str:
    """The sentence without a leading "But", "And" or "However," that ties it to the one before.

    The next word gets a capital letter. Sentences without one come back unchanged.
    """
    language = language_name(language)
    match = _FIRST_WORD.match(text.lstrip())
    if not match:
        return text
    stripped = text.lstrip()
    word = match.group().lower()
    rest = stripped[match.end() :]
    if word in _ADVERBS.get(language, ()) and rest.startswith(","):
        rest = rest[1:]
    elif word not in _CONJUNCTIONS.get(language, ()) or not rest.startswith(" "):
        return text
    rest = rest.lstrip()
    following = _FIRST_WORD.match(rest)
    if not following or following.group().lower() in word_set("speech_verbs", language):
        return text  # "Also, said Mr Trainor, ...": the rest is no sentence of its own
    return rest[:1].upper() + rest[1:]


class Readable:
    """An article's sentences as points a reader can use alone, when that can be made certain.

    A sentence that reads alone stays as it is. A dangling one loses a leading
    connective ("But", "However,"); then a "He", "She", "His" or "Her" that
    opens it, or the "he" of a closing `"...," he said`, becomes the person's
    name when `referent` is sure who is meant. Anything else stays dangling.
    """

    def __init__(
        self, document: Document, language: str = "english", tagging: ner.Tagging | None = None
    ) -> None:
        self.document = document
        self.language = language_name(language)
        self.tagging = tagging  # the tagger's reading, when the caller has it already
        self._people: list[list[Person]] | None = None  # per sentence, found when first needed

    def text(self, position: int) -> str | None:
        """The sentence at `position` worded to read alone, or None when it cannot be."""
        original = self.document.sentences[position].text
        if not is_dangling(original, self.language):
            return original
        if self.language not in _CONJUNCTIONS:
            return None
        text = drop_connective(original, self.language).lstrip()
        slot = _pronoun_slot(text)
        if slot is not None and is_dangling(text, self.language):
            start, end = slot
            pronoun = text[start:end].lower()
            person = self.referent(position, _PRONOUN_GENDER[pronoun])
            if person is not None:
                name = person.name + ("'s" if pronoun in _POSSESSIVE_PRONOUNS else "")
                text = text[:start] + name + text[end:]
        return None if is_dangling(text, self.language) else text

    def referent(self, position: int, gender: str, depth: int = 0) -> Person | None:
        """The one person a "he" or "she" at `position` can mean, or None when unsure.

        The strict mode of the one resolver (``pronouns.strict_referent``): only the
        sentence just before counts, and it must leave no doubt.
        """
        def opening_gender(i: int) -> str | None:
            previous = drop_connective(self.document.sentences[i].text, self.language).lstrip()
            slot = _pronoun_slot(previous)
            return _PRONOUN_GENDER[previous[slice(*slot)].lower()] if slot else None

        return pronouns.strict_referent(position, gender, self.people(), opening_gender, depth)

    def people(self) -> list[list[Person]]:
        """The people each sentence names."""
        if self._people is None:
            self._people = _people(self.document, self.tagging)
        return self._people


def _pronoun_slot(text: str) -> tuple[int, int] | None:
    """Where the pronoun is that opens `text`, or names the speaker after its opening quote.

    `text` starts with its first character. Only "he", "she", "his" and "her" count.
    """
    if text[:1] in _CLOSING_QUOTES:
        end = _quote_end(text, _CLOSING_QUOTES[text[0]])
        match = _TAIL_PRONOUN.match(text[end:]) if end else None
        return (end + match.start(2), end + match.end(2)) if match else None
    match = _FIRST_WORD.match(text)
    if match and match.group().lower() in _PRONOUN_GENDER:
        return match.span()
    return None


def _people(document: Document, tagging: ner.Tagging | None = None) -> list[list[Person]]:
    """For each sentence, the people it names, as the actors stage's tagger finds them.

    A person's gender comes from a title the article gives them ("Mr
    Eddington", "President Bush") or the given name of their full name
    ("Rod Eddington"), else it stays unknown. They are named as the article
    names them with a title, else by their full name. A lone capitalised
    word with none of these is left out: the tagger's guess, not a person.
    """
    if tagging is None:
        tagging = ner.tag_texts([sentence.text for sentence in document.sentences])
    sentences = tagging.tokens
    spans = [
        [(start, end) for start, end, kind in tagged if kind == ner.PER]
        for tagged in tagging.spans
    ]
    titles: dict[str, Counter[str]] = {}  # surname -> honorifics the article gives it
    for sentence in document.sentences:
        for title, surname in _HONORIFIC.findall(sentence.text):
            titles.setdefault(surname, Counter())[title] += 1
    full_names: dict[str, set[str]] = {}  # surname -> full names ending with it
    for tokens, found in zip(sentences, spans, strict=True):
        for start, end in found:
            if end - start > 1:
                full_names.setdefault(tokens[end - 1], set()).add(" ".join(tokens[start:end]))
    given = ner.gazetteer()

    def person(tokens: Sequence[str], start: int, end: int) -> Person | None:
        surname = tokens[end - 1]
        title = titles[surname].most_common(1)[0][0] if surname in titles else None
        full = full_names.get(surname, set())
        firsts = {name.split()[0] for name in full}
        gender = pronouns.gender_of(
            None, pronouns.title_gender(title) or ner.title_gender(tokens, start), firsts)
        if end - start == 1 and not (title or full or gender or given.given(surname)):
            return None  # "Commons", "Premiership": a bare word the tagger took for a name
        if title:
            name = f"{title} {surname}"
        elif end - start == 1 and len(full) == 1:
            name = next(iter(full))
        else:
            name = " ".join(tokens[start:end])
        possessive = end < len(tokens) and tokens[end] in ("'s", "’s")
        return Person(name, gender, possessive)

    people = []
    for tokens, found in zip(sentences, spans, strict=True):
        named = (person(tokens, start, end) for start, end in found)
        people.append([someone for someone in named if someone is not None])
    return people


# --- ranking helpers shared by all algorithms -----------------------------------------------


def _candidates(document: Document, language: str) -> list[int]:
    """Positions of sentences long enough to be points (all of them if none is)."""
    sentences = document.sentences
    long_enough = [i for i, s in enumerate(sentences) if count_words(s.text) >= MIN_WORDS]
    return long_enough or list(range(len(sentences)))


def rank_by_score(
    document: Document, scores: Sequence[float], count: int, language: str
) -> list[Choice]:
    """The `count` best candidate sentences by score, best first; ties go to the earlier."""
    ranked = sorted(_candidates(document, language), key=lambda i: (-scores[i], i))
    return [Choice(i, float(scores[i])) for i in ranked[:count]]


# --- lead baseline ---------------------------------------------------------------------------


def choose_lead(
    document: Document, count: int, language: str, tagging: ner.Tagging | None = None
) -> list[Choice]:
    """The first sentences: news puts the most important facts first."""
    scores = [1.0 / (1 + position) for position in range(len(document.sentences))]
    return rank_by_score(document, scores, count, language)


# --- sumy algorithms -------------------------------------------------------------------------


def to_sumy_document(
    document: Document, language: str, with_title: bool = False
) -> ObjectDocumentModel:
    """sumy's document model of our sentences, tokenised by our Tokenizer.

    Its sentences are ours in the same order, so position k in sumy's
    `document.sentences` is our position k. With `with_title`, the title
    is a heading of the first paragraph (what Edmundson's title method reads).
    """
    tokenizer = Tokenizer(language)
    paragraphs = []
    for _paragraph, group in groupby(document.sentences, key=lambda s: s.paragraph):
        sentences = [SumySentence(s.text, tokenizer) for s in group]
        if with_title and not paragraphs and document.title.strip():
            sentences.insert(0, SumySentence(document.title, tokenizer, is_heading=True))
        paragraphs.append(Paragraph(sentences))
    return ObjectDocumentModel(paragraphs)


def sumy_ratings(summarizer: object, sumy_document: ObjectDocumentModel) -> list[float]:
    """The rating a sumy summarizer gives each sentence, in document order.

    sumy computes a rating per sentence, keeps the best and returns them in
    document order, dropping the rating. Every summarizer hands the rating
    (a dict, or a function with its extra arguments) to `_get_best_sentences`,
    so we catch it there and read it for every sentence.
    """
    captured: list[float] = []

    def capture(sentences, _count, rating, *args, **kwargs):
        for sentence in sentences:
            value = rating[sentence] if isinstance(rating, dict) else rating(
                sentence, *args, **kwargs
            )
            captured.append(float(value))
        return ()

    summarizer._get_best_sentences = capture  # type: ignore[attr-defined]
    sentences = sumy_document.sentences
    with warnings.catch_warnings():
        # LexRank divides by zero on a document without content words: NaN, rated 0 below.
        warnings.simplefilter("ignore", RuntimeWarning)
        summarizer(sumy_document, len(sentences))  # type: ignore[operator]
    if len(captured) != len(sentences):  # sumy returned early: nothing to rate
        return [0.0] * len(sentences)
    return [value if math.isfinite(value) else 0.0 for value in captured]


def _edmundson(document: Document, language: str) -> EdmundsonSummarizer:
    """Edmundson with title words as bonus words, stop words as null words, no stigma.

    sumy refuses empty word lists; the empty string matches no word, so adding
    it keeps a list that is empty in effect (no stigma, or no title) working.
    """
    summarizer = EdmundsonSummarizer(stemmer(language))
    summarizer.bonus_words = {*split_words(document.title, language)} - stop_words(language) | {""}
    summarizer.stigma_words = {""}
    summarizer.null_words = stop_words(language) | {""}
    return summarizer


def _plain(summarizer_class: type) -> Callable[[Document, str], object]:
    """A factory for a sumy summarizer that only needs a stemmer and stop words."""

    def build(_document: Document, language: str) -> object:
        summarizer = summarizer_class(stemmer(language))
        summarizer.stop_words = stop_words(language)
        return summarizer

    return build


def sumy_chooser(build: Callable[[Document, str], object], with_title: bool = False) -> Chooser:
    """A chooser ranking sentences by a sumy summarizer's own rating."""

    def choose(
        document: Document, count: int, language: str, tagging: ner.Tagging | None = None
    ) -> list[Choice]:
        sumy_document = to_sumy_document(document, language, with_title)
        scores = sumy_ratings(build(document, language), sumy_document)
        return rank_by_score(document, scores, count, language)

    return choose


# --- our default -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Weights:
    """The handful of numbers the default's score is made of (see `briefing_scores`).

    Shipped in briefing/data/summarize_weights.json, refitted by
    bench/fit_weights.py on the development files; the defaults here are the
    round values used before any fit.
    """

    position: float = 0.25  # lead bias: the first sentence gets this much, the n-th 1/n of it
    decay: float = 1.0  # the lead bias falls as 1 / (1 + position) ** decay
    pyramid: float = 0.0  # share of the lead bias that depends on how central the opening is
    spread: float = 0.0  # the lead bias grows as (sentences / TYPICAL_SENTENCES) ** spread
    title: float = 0.05  # share of the title's words a sentence repeats
    full_length: float = 15.0  # words; shorter sentences lose score in proportion
    long_length: float = 60.0  # words; longer ones lose score as (long_length / words) ** ...
    long_power: float = 1.0  # ... this power
    lede_first: bool = True  # the lede leads the points when it is on the title's topic ...
    lede_central: float = 0.0  # ... and at least this central (1 = the article's most central)
    redundant: float = 0.5  # word overlap (Jaccard) from which two points say the same thing
    quoted: float = 0.0  # score lost by a sentence that is all quotation, in proportion
    question: float = 0.0  # score lost by a question: a hook, not a finding


WEIGHTS_FILE = "data/summarize_weights.json"
TYPICAL_SENTENCES = 20  # a news article's length, the unit of `spread`
MAX_POINT_WORDS = 60  # a longer "sentence" is a run-on of captions and body, never a point


@cache
def shipped_weights() -> Weights:
    """The default's weights as shipped; the dataclass defaults when the file is missing."""
    resource = resources.files("briefing").joinpath(WEIGHTS_FILE)
    try:
        values = json.loads(resource.read_text("utf-8"))
    except FileNotFoundError:
        return Weights()
    known = {field.name for field in fields(Weights)}
    return Weights(**{key: value for key, value in values.items() if key in known})


def centrality(words: Sequence[Sequence[str]]) -> list[float]:
    """How much of each sentence the rest of the article repeats, scaled to [0, 1].

    Degree centrality in the graph of sentences that share words: a
    sentence's score is the sum, over the other sentences, of the words they
    share (each pair of equal words once), divided by the logarithms of the
    two lengths as TextRank and Reduction weigh an edge. Log lengths let a
    sentence that covers more of the article score higher without letting
    length alone win. The other sentence's log length is taken as the
    article's mean, which turns the sum over pairs into one pass over the
    article's word counts: O(words), not O(sentences²).
    """
    counts = [Counter(sentence) for sentence in words]
    everywhere = Counter(chain.from_iterable(words))
    logs = [math.log(len(sentence)) for sentence in words if sentence]
    mean_log = sum(logs) / len(logs) if logs else 0.0
    raw = []
    for sentence, own in zip(words, counts, strict=True):
        shared = sum(n * (everywhere[word] - n) for word, n in own.items())
        norm = (math.log(len(sentence)) if sentence else 0.0) + mean_log
        raw.append(shared / norm if norm > 0 else 0.0)
    top = max(raw, default=0.0)
    return [value / top for value in raw] if top > 0 else [0.0] * len(raw)


def title_overlap(stem_sets: Sequence[frozenset[str]], title: frozenset[str]) -> list[float]:
    """Share of the title's content words each sentence repeats."""
    if not title:
        return [0.0] * len(stem_sets)
    return [len(stems & title) / len(title) for stems in stem_sets]


@dataclass(frozen=True)
class Features:
    """What the default knows of each sentence of one document before weighing it."""

    central: list[float]  # centrality, scaled to [0, 1]
    on_topic: list[float]  # share of the title's content words it repeats
    words: list[int]  # its length in words
    stem_sets: list[frozenset[str]]  # its content stems, for redundancy
    lede: int | None  # position of the first candidate sentence
    titled: bool  # whether the document has a title to compare with
    quoted: list[float]  # share of its characters inside quotation marks
    question: list[bool]  # whether it asks rather than states


def briefing_features(document: Document, language: str) -> Features:
    """Centrality, title overlap and length of every sentence.

    Centrality compares exact word forms: a sentence central to the article
    repeats its very words (names, numbers, terms), and stems also tie words
    that merely share a root ("general", "generation"). Redundancy and the
    title are judged on stems. An untitled document has no title signal.
    """
    texts = [s.text for s in document.sentences]
    words = [content_words(text, language) for text in texts]
    stem_sets = [frozenset(content_stems(text, language)) for text in texts]
    title = frozenset(content_stems(document.title, language))
    return Features(
        central=centrality(words),
        on_topic=title_overlap(stem_sets, title),
        words=[count_words(text) for text in texts],
        stem_sets=stem_sets,
        lede=next(iter(_candidates(document, language)), None),
        titled=bool(title),
        quoted=[quoted_share(text) for text in texts],
        question=[text.rstrip(_CLOSERS).endswith("?") for text in texts],
    )


# A quotation: an opening mark at a word's start, the shortest run to a closing mark at a
# word's end. Apostrophes inside words ("don't") neither open nor close one.
_QUOTATION = re.compile(r"(?<!\w)[\"“‘'«„]([^\"“”‘’«»„]+?)[\"”’'»](?!\w)")
_CLOSERS = "\"'”’»)] "


_QUOTE_MARKS = re.compile(r"[\"“«„]|(?<!\w)['‘]")


def quoted_share(text: str) -> float:
    """Share of a sentence's characters inside quotation marks: what it quotes, not reports."""
    if _QUOTE_MARKS.search(text) is None:  # most sentences: no need to pair marks
        return 0.0
    inside = sum(len(match.group(1)) for match in _QUOTATION.finditer(text))
    return inside / len(text) if text else 0.0


def length_factor(words: int, weights: Weights) -> float:
    """1 between full_length and long_length words; less for shorter, less informative
    sentences and for longer ones, which make poor bullet points."""
    factor = min(1.0, words / weights.full_length)
    if words > weights.long_length:
        factor *= (weights.long_length / words) ** weights.long_power
    return factor


def briefing_scores(features: Features, weights: Weights) -> list[float]:
    """Each sentence's score: (centrality + lead bias + title) x length factor, less for
    quotations and questions (a key point reports what happened).

    The lead bias is weights.position / (1 + i) ** decay, scaled by how
    strongly the article follows the inverted pyramid: with `pyramid` p, by
    (1 - p + p x the lede's centrality), so an opening the rest of the article
    does not return to (a feature's anecdote, a column's hook) pulls less.
    With `spread`, it also grows with the article's length: the longer the
    article, the more its repeated words spread over side stories, and the
    more its opening is the safer guess.
    With lede_first, the lede leads when it repeats a title word (or when
    there is no title to ask) and is at least lede_central central: news
    written to the inverted pyramid states its main fact first.
    """
    lede = features.lede
    strength = features.central[lede] if lede is not None else 0.0
    position = weights.position * (1 - weights.pyramid + weights.pyramid * strength)
    position *= (len(features.central) / TYPICAL_SENTENCES) ** weights.spread
    scores = [
        (central + position / (1 + i) ** weights.decay + weights.title * on_topic)
        * length_factor(words, weights)
        * (1 - weights.quoted * quoted) * (1 - weights.question * asks)
        for i, (central, on_topic, words, quoted, asks) in enumerate(zip(
            features.central, features.on_topic, features.words, features.quoted,
            features.question, strict=True))
    ]
    if weights.lede_first and lede is not None and strength >= weights.lede_central and (
            features.on_topic[lede] > 0 or not features.titled):
        scores[lede] = max(scores) + weights.position
    return scores


def choose_briefing(
    document: Document, count: int, language: str, tagging: ner.Tagging | None = None
) -> list[Choice]:
    """Our default: central, early, on-topic sentences that read alone, without repeats.

    Scores by `briefing_scores` with the shipped weights, then `select_points`.
    """
    features = briefing_features(document, language)
    weights = shipped_weights()
    return select_points(document, briefing_scores(features, weights), features.stem_sets,
                         count, language, Readable(document, language, tagging),
                         weights.redundant)


def select_points(
    document: Document,
    scores: Sequence[float],
    stem_sets: Sequence[frozenset[str]],
    count: int,
    language: str,
    readable: Readable,
    redundant: float = 0.5,
) -> list[Choice]:
    """Greedy pick by score of sentences that read alone (see Readable), without repeats.

    A sentence that cannot be made to read alone is never a point, and
    neither is one over MAX_POINT_WORDS words or one sharing `redundant` of
    its words (Jaccard) with a point already chosen: an article may give fewer points
    than asked rather than those.
    """
    chosen: list[Choice] = []
    for i in sorted(_candidates(document, language), key=lambda i: (-scores[i], i)):
        if len(chosen) == count:
            break
        if count_words(document.sentences[i].text) > MAX_POINT_WORDS:
            continue
        if any(jaccard(stem_sets[i], stem_sets[j]) >= redundant for j, _, _ in chosen):
            continue
        text = readable.text(i)
        if text is not None:
            original = document.sentences[i].text
            chosen.append(Choice(i, scores[i], None if text == original else text))
    return _non_increasing(chosen)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of words two sentences have in common."""
    return len(a & b) / len(a | b) if a or b else 1.0


def _non_increasing(points: list[Choice]) -> list[Choice]:
    """Scores capped by the previous one, so a point never outscores one ranked above it."""
    capped: list[Choice] = []
    for point in points:
        score = min(point.score, capped[-1].score) if capped else point.score
        capped.append(point._replace(score=float(score)))
    return capped


# --- the table and the entry point -----------------------------------------------------------

DEFAULT_ALGORITHM = "briefing"

_CHOOSERS: dict[str, Chooser] = {
    "lead": choose_lead,
    "lex-rank": sumy_chooser(_plain(LexRankSummarizer)),
    "text-rank": sumy_chooser(_plain(TextRankSummarizer)),
    "lsa": sumy_chooser(_plain(LsaSummarizer)),
    "luhn": sumy_chooser(_plain(LuhnSummarizer)),
    "edmundson": sumy_chooser(_edmundson, with_title=True),
    "sum-basic": sumy_chooser(_plain(SumBasicSummarizer)),
    "kl": sumy_chooser(_plain(KLSummarizer)),
    "reduction": sumy_chooser(_plain(ReductionSummarizer)),
    DEFAULT_ALGORITHM: choose_briefing,
}

ALGORITHMS: tuple[str, ...] = tuple(_CHOOSERS)


def summarize(
    document: Document,
    count: int = 3,
    algorithm: str = DEFAULT_ALGORITHM,
    language: str = "english",
    tagging: ner.Tagging | None = None,
) -> list[KeyPoint]:
    """Best `count` sentences of `document` as key points, best first.

    Scores are higher for better points and comparable within the article only.
    Fewer points when the document is short, [] when it has no sentences; the
    default also leaves out sentences that cannot be made to read alone, and
    words a point as `Readable` does, so KeyPoint.text may differ from the
    sentence at KeyPoint.index ("He said ..." -> "Mr Smith said ..."). `tagging` is
    the tagger's reading of the document (``ner.tag_texts``) when the caller has one.
    """
    try:
        choose = _CHOOSERS[algorithm]
    except KeyError:
        raise ValueError(
            f"unknown summarizer {algorithm!r}; choose one of {', '.join(ALGORITHMS)}"
        ) from None
    if count <= 0 or not document.sentences:
        return []
    points = []
    for position, score, text in choose(document, count, language, tagging):
        sentence = document.sentences[position]
        points.append(KeyPoint(document.id, sentence.index, text or sentence.text, score))
    return points
