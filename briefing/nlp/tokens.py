"""Tokens: the one place that cuts text into words, in the two views the stages need.

- `tokenize`: every token, punctuation included, with the possessive "'s" apart
  ("BA's" -> "BA", "'s") and dotted initials whole ("U.S."). The tagger reads
  names from these: a name ends before "'s", and a comma or quote bounds a span.
- `split_words`: words and numbers only, for bags of words (summarizers, stories,
  point merging). Contractions ("don't"), possessives ("BA's"), hyphenated words
  ("long-haul") and numbers ("4.3", "1,000") stay one word, so counts and
  overlaps compare what a reader would call the same word.

Both rules hold for every language written with spaces between words.
"""

from __future__ import annotations

import re
from functools import lru_cache

# The lookahead rejects whitespace before any alternative is tried, and the possessive
# quantifiers (nothing follows them that could fail) spare the engine its backtracking
# bookkeeping: the same tokens, a quarter faster.
_TOKEN = re.compile(
    r"(?=\S)(?:"
    r"[A-Za-z]\.(?:[A-Za-z]\.)++"  # U.S., U.N.
    r"|\w++(?:[-&]\w++)*+(?:['’](?!s\b)\w++)*+"  # words, hyphenated words, O'Neill, don't
    r"|['’]s\b"  # possessive 's as its own token
    r"|\S)"
)
# Possessive too: each run stops where the next part must begin with a character it cannot
# hold (a separator after digits or letters), so giving some back never finds another match.
_WORD = re.compile(r"(?:\d++(?:[.,]\d++)++\w*+|[^\W_]\w*+)(?:['’-][^\W_]\w*+)*+")


def tokenize(text: str) -> list[str]:
    """Split text into word and punctuation tokens, the possessive 's kept apart."""
    return _TOKEN.findall(text)


def split_words(text: str, language: str = "english") -> tuple[str, ...]:
    """The words and numbers of `text`, in order (sumy's Tokenizer.to_words).

    The tuple is cached: the summarizers and the story terms ask for one sentence's
    words four or five times in a row.
    """
    return _words(text)


def first_word(text: str) -> str | None:
    """The first of ``split_words`` of `text`, None when it has none; found without the rest."""
    match = _WORD.search(text)
    return match.group() if match else None


def count_words(text: str) -> int:
    """Number of ``split_words`` words in `text`."""
    return len(_words(text))


# _WORD for lower-case text of ASCII and _PLAIN_PUNCTUATION, where plain letters and digits
# stand for \w and \d: the engine tests a bitmap instead of Unicode tables, and as the pattern
# opens with a class (the digits' branch looks back at the first character) it skips straight
# to the next word's start. The same words, in a third less time.
_LOWER_PLAIN_WORD = re.compile(
    r"[a-z0-9](?:(?<=[0-9])[0-9]*+(?:[.,][0-9]++)++[a-z0-9_]*+|[a-z0-9_]*+)"
    r"(?:['’-][a-z0-9][a-z0-9_]*+)*+")
# Marks of news text outside ASCII that no word holds and lower-casing leaves as they are.
_PLAIN_PUNCTUATION = "‘’“”–—…£€"
_NOT_PLAIN = re.compile(f"[^\x00-\x7f{_PLAIN_PUNCTUATION}]")


def lower_words(text: str) -> list[str]:
    """``split_words`` of `text`, lower-cased."""
    if text.isascii() or _NOT_PLAIN.search(text) is None:
        # Lower-casing these characters moves no word boundary: one call for the text.
        return _LOWER_PLAIN_WORD.findall(text.lower())
    # Elsewhere it may ("İ" becomes "i" and a combining dot, which no word holds).
    return list(map(str.lower, _words(text)))


@lru_cache(maxsize=4096)  # an article's sentences fit in it
def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text))
