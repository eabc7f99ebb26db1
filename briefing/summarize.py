"""Summarize stage: pick an article's key points, best first.

Every algorithm sits behind one interface and one name -> implementation
table (`_CHOOSERS`), as sumy does: a chooser takes a Document, a count and a
language and returns `(position, score)` pairs, best first. The sumy
algorithms are run on a sumy document model built from our own sentences and
tokenizer, so nothing ever needs downloadable NLTK data.

Our default, "briefing", scores each sentence by how much of it the rest of
the article repeats (centrality), its position (lead bias), the title words
it repeats and its length, then picks greedily: sentences a reader can use
alone before any that open with "He", "But" or an unattributed quote, and
never two points that share most of their words.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from functools import cache, lru_cache
from itertools import groupby

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
from sumy.utils import get_stop_words, normalize_language

from .models import Document, KeyPoint
from .sentences import Tokenizer, split_words

# (document, count, language) -> [(position in document.sentences, score)], best first
Chooser = Callable[[Document, int, str], list[tuple[int, float]]]

MIN_WORDS = 5  # shorter sentences are bylines, credits or link lines, never points


# --- shared language resources ---------------------------------------------------------------


@cache
def stop_words(language: str) -> frozenset[str]:
    """Lower-case stop words of `language`; empty when sumy has none for it."""
    try:
        return frozenset(get_stop_words(language))
    except LookupError:
        return frozenset()


@cache
def stemmer(language: str) -> Callable[[str], str]:
    """sumy's stemmer for `language`, or plain lower-casing when it has none."""
    try:
        return Stemmer(language)
    except LookupError:
        return null_stemmer


@lru_cache(maxsize=200_000)
def _stem(language: str, word: str) -> str:
    # Snowball stemming is the slowest step; news repeats its words, so memoise.
    return stemmer(language)(word)


def content_stems(text: str, language: str) -> list[str]:
    """Stems of the words of `text` that are not stop words, in order."""
    stops = stop_words(language)
    lowered = (word.lower() for word in split_words(text, language))
    return [_stem(language, word) for word in lowered if word not in stops]


def word_count(text: str, language: str = "english") -> int:
    """Number of words in `text`."""
    return len(split_words(text, language))


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
_SPEECH_VERBS = frozenset(
    "said says told added explained warned insisted argued announced "
    "sagte sagt erklärte betonte sagten meinte "
    "déclaré dit affirme explique ajouté".split()
)


def is_dangling(text: str, language: str = "english") -> bool:
    """True when a sentence cannot be read alone.

    It opens with a pronoun or connective whose referent is elsewhere ("He
    told...", "But...", "However, ..."), or it opens a quotation that does
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
        return not (named and _SPEECH_VERBS.intersection(said))
    return words[0].lower() in openers


@cache
def _openers(language: str) -> frozenset[str]:
    """Dangling first words of `language` ("en" and "English" find "english")."""
    return _DANGLING_OPENERS.get(normalize_language(language).lower(), frozenset())


def _after_quote(text: str, closers: str) -> str:
    """What follows the last closing quotation mark of a sentence opening with a quote."""
    for position in range(len(text) - 1, 0, -1):
        after = text[position + 1 : position + 2]
        if text[position] in closers and not after.isalnum():
            return text[position + 1 :]
    return ""


# --- ranking helpers shared by all algorithms -----------------------------------------------


def _candidates(document: Document, language: str) -> list[int]:
    """Positions of sentences long enough to be points (all of them if none is)."""
    sentences = document.sentences
    long_enough = [i for i, s in enumerate(sentences) if word_count(s.text, language) >= MIN_WORDS]
    return long_enough or list(range(len(sentences)))


def rank_by_score(
    document: Document, scores: Sequence[float], count: int, language: str
) -> list[tuple[int, float]]:
    """The `count` best candidate sentences by score, best first; ties go to the earlier."""
    ranked = sorted(_candidates(document, language), key=lambda i: (-scores[i], i))
    return [(i, float(scores[i])) for i in ranked[:count]]


# --- lead baseline ---------------------------------------------------------------------------


def choose_lead(document: Document, count: int, language: str) -> list[tuple[int, float]]:
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

    def choose(document: Document, count: int, language: str) -> list[tuple[int, float]]:
        sumy_document = to_sumy_document(document, language, with_title)
        scores = sumy_ratings(build(document, language), sumy_document)
        return rank_by_score(document, scores, count, language)

    return choose


# --- our default -----------------------------------------------------------------------------

# Weights of the default's score, chosen as round values that hold for news in
# general rather than fitted to one collection's references.
CENTRALITY_LENGTH_POWER = 0.4  # 0 favours long sentences, 1 favours dense short ones
POSITION_WEIGHT = 0.25  # lead bias: the first sentence gets this much, the n-th 1/n of it
TITLE_WEIGHT = 0.05  # share of the title's words a sentence repeats
FULL_LENGTH = 15  # words; shorter sentences lose score in proportion
REDUNDANT = 0.5  # word overlap (Jaccard) from which two points say the same thing


def centrality(stems: Sequence[Sequence[str]]) -> list[float]:
    """How much of each sentence the rest of the article repeats, scaled to [0, 1].

    For every word and every two-word phrase of a sentence, count the other
    sentences that use it too. Shared phrases ("interest rate", "Anna Berg")
    count on top of their words. The sum is divided by the sentence's length
    to the power CENTRALITY_LENGTH_POWER, so long sentences do not win by
    length alone. This is degree centrality in the word-overlap graph,
    computed in O(words) rather than by comparing every pair of sentences.
    """
    terms = [{*words, *zip(words, words[1:], strict=False)} for words in stems]
    spread: Counter[object] = Counter(term for sentence in terms for term in sentence)
    raw = [
        sum(spread[term] - 1 for term in sentence) / max(1, len(words)) ** CENTRALITY_LENGTH_POWER
        for sentence, words in zip(terms, stems, strict=True)
    ]
    top = max(raw, default=0.0)
    return [value / top for value in raw] if top > 0 else [0.0] * len(raw)


def title_overlap(stem_sets: Sequence[frozenset[str]], title: frozenset[str]) -> list[float]:
    """Share of the title's content words each sentence repeats."""
    if not title:
        return [0.0] * len(stem_sets)
    return [len(stems & title) / len(title) for stems in stem_sets]


def position_prior(count: int) -> list[float]:
    """Lead bias: news states its main facts first, so earlier sentences score higher."""
    return [1.0 / (1 + position) for position in range(count)]


def length_factor(words: int) -> float:
    """1 for sentences of FULL_LENGTH words or more, less for shorter, less informative ones."""
    return min(1.0, words / FULL_LENGTH)


def choose_briefing(document: Document, count: int, language: str) -> list[tuple[int, float]]:
    """Our default: central, early, on-topic sentences that read alone, without repeats.

    Score = (centrality + POSITION_WEIGHT x lead prior + TITLE_WEIGHT x title
    overlap) x length factor; then a greedy pick that leaves dangling
    sentences for last and skips near-duplicates.
    """
    texts = [s.text for s in document.sentences]
    stems = [content_stems(text, language) for text in texts]
    stem_sets = [frozenset(words) for words in stems]
    central = centrality(stems)
    on_topic = title_overlap(stem_sets, frozenset(content_stems(document.title, language)))
    lead = position_prior(len(texts))
    scores = [
        (central[i] + POSITION_WEIGHT * lead[i] + TITLE_WEIGHT * on_topic[i])
        * length_factor(word_count(texts[i], language))
        for i in range(len(texts))
    ]
    return select_points(document, scores, stem_sets, count, language)


def select_points(
    document: Document,
    scores: Sequence[float],
    stem_sets: Sequence[frozenset[str]],
    count: int,
    language: str,
) -> list[tuple[int, float]]:
    """Greedy pick by score: sentences that read alone before any that dangle, no repeats.

    A dangling sentence is only chosen when no standalone one is left; a
    sentence sharing REDUNDANT of its words with a chosen one is never chosen.
    """
    by_score = sorted(_candidates(document, language), key=lambda i: (-scores[i], i))
    dangling = {i for i in by_score if is_dangling(document.sentences[i].text, language)}
    order = [i for i in by_score if i not in dangling] + [i for i in by_score if i in dangling]
    chosen: list[int] = []
    for i in order:
        if len(chosen) == count:
            break
        if all(jaccard(stem_sets[i], stem_sets[j]) < REDUNDANT for j in chosen):
            chosen.append(i)
    return _non_increasing([(i, scores[i]) for i in chosen])


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of words two sentences have in common."""
    return len(a & b) / len(a | b) if a or b else 1.0


def _non_increasing(points: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """Scores capped by the previous one, so a point never outscores one ranked above it."""
    capped: list[tuple[int, float]] = []
    for index, score in points:
        if capped and score > capped[-1][1]:
            score = capped[-1][1]
        capped.append((index, float(score)))
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
) -> list[KeyPoint]:
    """Best `count` sentences of `document` as key points, best first.

    Scores are higher for better points and comparable within the article only.
    Fewer points when the document is short, [] when it has no sentences.
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
    for position, score in choose(document, count, language):
        sentence = document.sentences[position]
        points.append(KeyPoint(document.id, sentence.index, sentence.text, score))
    return points
