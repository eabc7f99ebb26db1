"""Word lists that are data, not code: one file per list, one folder per language.

Every list lives in `briefing/data/words/<language>/<name>.txt`: words
separated by white space, `#` starting a comment, `_` standing for a space
inside one entry ("Great_Britain"). Each list is read once per process. A
stage asks for a list by name; no module keeps its own copy.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from briefing.nlp.languages import language_name

WORDS_FOLDER = "data/words"


@cache
def word_list(name: str, language: str = "english") -> tuple[str, ...]:
    """The entries of list `name` for `language`, in file order; () if that language has none."""
    resource = resources.files("briefing").joinpath(
        f"{WORDS_FOLDER}/{language_name(language)}/{name}.txt")
    try:
        text = resource.read_text("utf-8")
    except FileNotFoundError:
        return ()
    entries: list[str] = []
    for line in text.splitlines():
        entries.extend(word.replace("_", " ") for word in line.split("#", 1)[0].split())
    return tuple(entries)


@cache
def word_set(name: str, language: str = "english") -> frozenset[str]:
    """List `name` as a set, for membership tests."""
    return frozenset(word_list(name, language))


@cache
def stop_words(language: str = "english") -> frozenset[str]:
    """Lower-case stop words of `language`, from the lists sumy ships; empty when it has none.

    Read from sumy's data folder directly: `sumy.utils` would bring in `requests`.
    """
    resource = resources.files("sumy").joinpath(f"data/stopwords/{language_name(language)}.txt")
    try:
        return frozenset(word.lower() for word in resource.read_text("utf-8").split())
    except FileNotFoundError:
        return frozenset()
