"""Placeholder splitter, replaced by the real one on the sentences branch."""

import re

_END = re.compile(r"(?<=[.!?])\s+(?=[\"“A-Z0-9])")
_WORDS = re.compile(r"\w+(?:['’-]\w+)*")


def split_sentences(paragraph: str, language: str = "english") -> list[str]:
    return [s.strip() for s in _END.split(paragraph) if s.strip()]


def split_words(text: str, language: str = "english") -> list[str]:
    return _WORDS.findall(text)


class Tokenizer:
    def __init__(self, language: str = "english") -> None:
        self.language = language

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(split_sentences(paragraph, self.language))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(split_words(sentence, self.language))
