"""Reading names: every sentence's tokens and the names in them, one document at a time.

Depends on nothing but the document and the alias book, so it runs per article, in parallel,
before the briefing-wide steps (naming, attribution).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from briefing.actors import tagger as ner
from briefing.actors.aliases import KIND_OF_TAG, AliasBook, default_book, known_tags
from briefing.models import PERSON, PLACE, Document


class Mention(NamedTuple):
    """A name found in a sentence: its tokens, its surface form and the actor it names.

    A NamedTuple rather than a dataclass: a day's articles hold tens of thousands, and they
    pass between processes (see ``read_names``), where tuples travel several times faster.
    """

    sentence: int  # position in Document.sentences
    start: int  # first token
    end: int  # token after the last
    surface: str
    kind: str
    modifier: bool = False  # a demonym or a country used as an adjective ("Russian", "US")
    gender: str | None = None


class NamedSentence(NamedTuple):
    """A sentence as the actors stage reads it: its tokens and the names found in them."""

    tokens: list[str]
    paragraph: int
    mentions: list[Mention]
    headline: bool = False  # all in capitals: a headline or a dateline


Reading = tuple[NamedSentence, ...]  # one document's sentences, in order


class Tagger(Protocol):
    """A named-entity tagger: one document's sentences (and the alias book's names, which it
    should type as the book says) in, its tokens, headlines and PER/ORG/LOC spans out."""

    def __call__(
        self, sentences: Sequence[str], known: ner.KnownNames | None = None
    ) -> ner.Tagging: ...


# Taggers by name. Ours is rule-based and offline (`tagger.py`); another (a statistical model
# shipped inside a package, say) is one entry here, picked by `name_reader(tagger=...)`.
TAGGERS: dict[str, Tagger] = {"rules": ner.tag_texts}
DEFAULT_TAGGER = "rules"


@dataclass(frozen=True)
class NameReader:
    """What reading a document's names needs: the alias book and the tagger's index of it.

    Built once per briefing (``name_reader``) and handed to every process that reads.
    """

    book: AliasBook
    known: ner.KnownNames
    modifier_heads: frozenset[str]  # words that may start a demonym or adjectival country
    tagger: str = DEFAULT_TAGGER  # a name in TAGGERS


def name_reader(aliases: AliasBook | None = None, tagger: str = DEFAULT_TAGGER) -> NameReader:
    """The reader for an alias book (the bundled one when None), tagging with `tagger`."""
    if tagger not in TAGGERS:
        raise ValueError(f"unknown tagger {tagger!r}; choose one of {', '.join(TAGGERS)}")
    book = aliases or default_book()
    places = {alias for alias, name in book.names.items() if book.kind_of(name) == PLACE}
    heads = {other.split(" ")[0] for other in book.stands_for} | set(book.stands_for) | places
    return NameReader(book, known_tags(book), frozenset(heads), tagger)


def _sentence_mentions(
    position: int, tokens: list[str], spans: Sequence[ner.Span], reader: NameReader,
    headline: bool,
) -> list[Mention]:
    """Names from the tagger, plus demonyms and adjectival country names it left out."""
    mentions = []
    for start, end, tag in spans:
        if end - start == 1 and not headline:
            surface = tokens[start]  # most names: a word, which holds no space to join at
        else:
            words = tokens[start:end]
            surface = ner.display_form(words) if headline else ner.joined(words)
        kind = KIND_OF_TAG[tag]
        gender = ner.title_gender(tokens, start) if kind == PERSON else None
        mentions.append(Mention(position, start, end, surface, kind, False, gender))
    heads = reader.modifier_heads  # most tokens, and many sentences, have none
    if heads.isdisjoint(tokens):
        return mentions  # the tagger's spans, in order
    book = reader.book
    covered = {i for start, end, _ in spans for i in range(start, end)}
    tagged = len(mentions)
    for i in [i for i, t in enumerate(tokens) if t in heads]:
        token = tokens[i]
        if i in covered or not token[:1].isupper():
            continue
        two = f"{token} {tokens[i + 1]}" if i + 1 < len(tokens) else ""
        if two in book.stands_for and i + 1 not in covered:  # "North Korean"
            mentions.append(Mention(position, i, i + 2, two, PLACE, modifier=True))
            covered.update((i, i + 1))
        elif token in book.stands_for or book.kind_of(book.names.get(token, "")) == PLACE:
            mentions.append(Mention(position, i, i + 1, token, PLACE, modifier=True))
    if len(mentions) > tagged:  # a modifier among them: back in reading order
        mentions.sort(key=lambda m: m.start)
    return mentions


def tag_names(document: Document, reader: NameReader) -> ner.Tagging:
    """The tagger's reading of a document, knowing the alias book's names."""
    tag = TAGGERS[reader.tagger]
    return tag([sentence.text for sentence in document.sentences], reader.known)


def read_names(
    document: Document, reader: NameReader, tagging: ner.Tagging | None = None
) -> Reading:
    """Step 1 for one document: every sentence's tokens and the names in them.

    Depends on nothing but the document and the alias book, so it can run per article, in
    parallel, before the briefing-wide steps of ``find_actors``. `tagging` is the document's
    ``tag_names`` when the caller has it already.
    """
    if tagging is None:
        tagging = tag_names(document, reader)
    return tuple(
        NamedSentence(
            tokens, sentence.paragraph,
            _sentence_mentions(i, tokens, sentence_spans, reader, headline), headline,
        )
        for i, (sentence, tokens, sentence_spans, headline) in enumerate(
            zip(document.sentences, tagging.tokens, tagging.spans, tagging.headlines,
                strict=True)
        )
    )
