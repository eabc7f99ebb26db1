"""Our default summarizer, "briefing": central, early, on-topic sentences that read alone.

Each sentence is scored by how much of it the rest of the article repeats
(centrality), its position (a lead bias weighed by how central the opening is
and how long the article is), the title words it repeats and its length, less
for quotations and questions (`briefing_scores`, with the handful of `Weights`
shipped in briefing/data/summarize_weights.json and refitted by
bench/fit_weights.py); then `select_points` picks greedily, never two points
that share most of their words nor one over MAX_POINT_WORDS, and only points a
reader can use alone (`Readable`).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources
from itertools import chain, repeat

from briefing.actors import tagger as ner
from briefing.models import Document
from briefing.nlp.stems import content_stems, sentence_terms
from briefing.summarize import Choice, candidates
from briefing.summarize.readable import Readable


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
    everywhere = Counter(chain.from_iterable(words))
    lengths = list(map(len, words))
    log_lengths = [math.log(n) if n else 0.0 for n in lengths]
    sentences = len(lengths) - lengths.count(0)
    # The empty sentences' zeros leave the sum as it was without them.
    mean_log = sum(log_lengths) / sentences if sentences else 0.0
    # Over a sentence's distinct words, n x (the word's count elsewhere): its every word's
    # article-wide count, less n² per word. Whole numbers: the same sums, all made in C.
    totals = map(sum, map(map, repeat(everywhere.__getitem__), words))
    distinct = map(len, map(set, words))
    raw = []
    for sentence, total, n, unique, log_n in zip(
            words, totals, lengths, distinct, log_lengths, strict=False):
        shared = total - (n if unique == n else _self_pairs(sentence))
        norm = log_n + mean_log
        raw.append(shared / norm if norm > 0 else 0.0)
    top = max(raw, default=0.0)
    return [value / top for value in raw] if top > 0 else [0.0] * len(raw)


def _self_pairs(words: Sequence[str]) -> int:
    """The sum of n² over the distinct words, n being how often each occurs in `words`."""
    return sum(n * n for n in Counter(words).values())


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
    terms = [sentence_terms(text, language) for text in texts]
    stem_sets = [frozenset(sentence.stems) for sentence in terms]
    title = frozenset(content_stems(document.title, language))
    return Features(
        central=centrality([sentence.words for sentence in terms]),
        on_topic=title_overlap(stem_sets, title),
        words=[sentence.word_count for sentence in terms],
        stem_sets=stem_sets,
        lede=next(iter(candidates(document, language)), None),
        titled=bool(title),
        quoted=[quoted_share(text) for text in texts],
        question=[text.rstrip(_CLOSERS).endswith("?") for text in texts],
    )


# A quotation: an opening mark at a word's start, the shortest run to a closing mark at a
# word's end. Apostrophes inside words ("don't") neither open nor close one. Each pattern
# starts with the marks themselves and looks back from there, so the engine skips straight
# to the next mark instead of trying every position: four times faster.
_QUOTATION = re.compile(r"[\"“‘'«„](?<!\w[\"“‘'«„])([^\"“”‘’«»„]+?)[\"”’'»](?!\w)")
_CLOSERS = "\"'”’»)] "


_QUOTE_MARKS = re.compile(r"[\"“«„'‘](?<!\w['‘])")


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
    for i in sorted(candidates(document, language), key=lambda i: (-scores[i], i)):
        if len(chosen) == count:
            break
        if sentence_terms(document.sentences[i].text, language).word_count > MAX_POINT_WORDS:
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
    if not (a or b):
        return 1.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)  # the union's size, without making the union


def _non_increasing(points: list[Choice]) -> list[Choice]:
    """Scores capped by the previous one, so a point never outscores one ranked above it."""
    capped: list[Choice] = []
    ceiling = math.inf
    for position, score, text in points:  # a new Choice: _replace costs five times as much
        ceiling = float(min(score, ceiling))
        capped.append(Choice(position, ceiling, text))
    return capped
