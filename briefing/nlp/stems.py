"""Each sentence's words and stems, read once for every stage that needs them.

The summarizer, the stories stage, point merging and the archive compare
sentences by their content words (not stop words) and their stems, and the
summarizer counts their words. All three come from one pass over the sentence
(`sentence_terms`), cached per sentence text, so a sentence is split and
stemmed once however many stages read it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache
from itertools import filterfalse
from typing import NamedTuple

import Stemmer as snowball

from briefing.nlp.tokens import lower_words
from briefing.nlp.wordlists import stop_words


@cache
def stemmer(language: str) -> Callable[[str], str]:
    """sumy's stemmer for `language`, or plain lower-casing when it has none.

    Only sumy's algorithms and languages Snowball lacks need it: it loads NLTK's stemmers.
    """
    from sumy.nlp.stemmers import Stemmer, null_stemmer

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
        stem = snowball.Stemmer(language)
    except KeyError:
        return stemmer(language)
    stem.maxCacheSize = 0  # _known_stems keeps every stem already: a second cache only costs
    return stem.stemWord


STEMS_KEPT = 200_000  # words whose stems stay known; a long-running process starts over past it


@cache
def _known_stems(language: str) -> dict[str, str]:
    """Stems already made in `language`, by word.

    News repeats its words, and a plain dictionary look-up is cheaper than stemming again,
    and than an lru_cache keyed by (language, word): content_stems asks for every word.
    """
    return {}


def _stems(words: tuple[str, ...], language: str) -> tuple[str, ...]:
    known = _known_stems(language)
    try:  # most sentences of a day's news hold no word not seen already
        return tuple(map(known.__getitem__, words))
    except KeyError:
        pass
    if len(known) > STEMS_KEPT:
        known.clear()
    stem = word_stemmer(language)
    for word in filterfalse(known.__contains__, words):  # a word twice is known the second time
        known[word] = stem(word)
    return tuple(map(known.__getitem__, words))


class Terms(NamedTuple):
    """What the bag-of-words stages read of one sentence, made in one pass over it."""

    word_count: int  # its words, stop words included: ``count_words``
    words: tuple[str, ...]  # its content words (not stop words), lower-cased, in order
    stems: tuple[str, ...]  # their stems, in order


# The summarizer, the stories stage and point merging read the same sentences of one
# article in turn: the cache lets them split and stem each sentence once. It holds the
# longest article's sentences and their rewordings.
@lru_cache(maxsize=4096)
def sentence_terms(text: str, language: str) -> Terms:
    """The word count, content words and content stems of `text`."""
    every = lower_words(text)
    words = tuple(filterfalse(stop_words(language).__contains__, every))
    return Terms(len(every), words, _stems(words, language))


def content_words(text: str, language: str) -> tuple[str, ...]:
    """The words of `text` that are not stop words, lower-cased, in order."""
    return sentence_terms(text, language).words


def content_stems(text: str, language: str) -> tuple[str, ...]:
    """Stems of the words of `text` that are not stop words, in order."""
    return sentence_terms(text, language).stems
