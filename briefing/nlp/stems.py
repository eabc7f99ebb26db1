"""Each sentence's words and stems, read once for every stage that needs them.

The summarizer, the stories stage, point merging and the archive compare
sentences by their content words (not stop words) and their stems. Both are
cached per sentence text, so a sentence is split and stemmed once however many
stages read it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache

import Stemmer as snowball

from briefing.nlp.tokens import split_words
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
        return snowball.Stemmer(language).stemWord
    except KeyError:
        return stemmer(language)


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
    if len(known) > STEMS_KEPT:
        known.clear()
    stem = word_stemmer(language)
    return tuple([known[w] if w in known else known.setdefault(w, stem(w)) for w in words])


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
    return _stems(content_words(text, language), language)
