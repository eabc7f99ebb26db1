"""Summarize stage: pick an article's key points, best first.

Every algorithm sits behind one interface, `Chooser`, and one name table
(`_CHOOSERS`), as sumy does: a chooser takes a Document, a count and a
language and returns Choices (position, score, and the point's wording when
it is not the sentence's own), best first. Adding an algorithm is a chooser in
its module and one entry in the table.

- `lead` (here): the first sentences;
- the sumy algorithms (`sumy_backed.py`), on sumy's document model built from
  our own sentences and tokenizer, so nothing needs downloadable NLTK data;
- our default, "briefing" (`default.py`), whose points all read alone
  (`readable.py`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from briefing.models import Document, KeyPoint
from briefing.nlp.stems import sentence_terms

if TYPE_CHECKING:
    from briefing.actors import tagger as ner


class Choice(NamedTuple):
    """A sentence chosen as a point: its position in document.sentences and its score."""

    position: int
    score: float
    text: str | None = None  # the point's wording when it is not the sentence's own


# (document, count, language, the tagger's reading of the document if the caller has one)
# -> choices, best first
Chooser = Callable[[Document, int, str, "ner.Tagging | None"], list[Choice]]

MIN_WORDS = 5  # shorter sentences are bylines, credits or link lines, never points


# --- ranking helpers shared by all algorithms -----------------------------------------------


def candidates(document: Document, language: str) -> list[int]:
    """Positions of sentences long enough to be points (all of them if none is)."""
    sentences = document.sentences
    long_enough = [i for i, s in enumerate(sentences)
                   if sentence_terms(s.text, language).word_count >= MIN_WORDS]
    return long_enough or list(range(len(sentences)))


def rank_by_score(
    document: Document, scores: Sequence[float], count: int, language: str
) -> list[Choice]:
    """The `count` best candidate sentences by score, best first; ties go to the earlier."""
    ranked = sorted(candidates(document, language), key=lambda i: (-scores[i], i))
    return [Choice(i, float(scores[i])) for i in ranked[:count]]


# --- lead baseline ---------------------------------------------------------------------------


def choose_lead(
    document: Document, count: int, language: str, tagging: ner.Tagging | None = None
) -> list[Choice]:
    """The first sentences: news puts the most important facts first."""
    scores = [1.0 / (1 + position) for position in range(len(document.sentences))]
    return rank_by_score(document, scores, count, language)


# --- the table and the entry point -----------------------------------------------------------

DEFAULT_ALGORITHM = "briefing"

# name -> where its chooser lives; a module is imported when its algorithm is first asked for,
# so the default never loads sumy (and NLTK and requests with it).
_CHOOSERS: dict[str, tuple[str, str]] = {
    "lead": (__name__, "choose_lead"),
    "lex-rank": ("briefing.summarize.sumy_backed", "lex_rank"),
    "text-rank": ("briefing.summarize.sumy_backed", "text_rank"),
    "lsa": ("briefing.summarize.sumy_backed", "lsa"),
    "luhn": ("briefing.summarize.sumy_backed", "luhn"),
    "edmundson": ("briefing.summarize.sumy_backed", "edmundson"),
    "sum-basic": ("briefing.summarize.sumy_backed", "sum_basic"),
    "kl": ("briefing.summarize.sumy_backed", "kl"),
    "reduction": ("briefing.summarize.sumy_backed", "reduction"),
    DEFAULT_ALGORITHM: ("briefing.summarize.default", "choose_briefing"),
}

ALGORITHMS: tuple[str, ...] = tuple(_CHOOSERS)


def chooser(algorithm: str) -> Chooser:
    """The chooser of `algorithm`, or ValueError naming the known ones."""
    try:
        module, name = _CHOOSERS[algorithm]
    except KeyError:
        raise ValueError(
            f"unknown summarizer {algorithm!r}; choose one of {', '.join(ALGORITHMS)}"
        ) from None
    return getattr(importlib.import_module(module), name)


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
    choose = chooser(algorithm)
    if count <= 0 or not document.sentences:
        return []
    points = []
    for position, score, text in choose(document, count, language, tagging):
        sentence = document.sentences[position]
        points.append(KeyPoint(document.id, sentence.index, text or sentence.text, score))
    return points
