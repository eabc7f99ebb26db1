"""Naming: one canonical name per actor, within a document and across the briefing.

The alias book maps spellings to a canonical name, institutions and capitals stand for their
country, a bracketed acronym names the organisation before it, and a surname or given name
alone joins the one full name that fits.
"""

from __future__ import annotations

from collections.abc import Sequence

from briefing.actors import tagger as ner
from briefing.actors.aliases import AliasBook, strip_article
from briefing.actors.reading import Mention, NamedSentence
from briefing.models import ORGANISATION, PERSON, PLACE


def book_name(surface: str, book: AliasBook) -> tuple[str, str] | None:
    """The canonical name and kind the alias book gives a surface form, institutions and
    capitals as their country."""
    bare = strip_article(surface)
    if bare in book.names:
        name = book.names[bare]
        return name, book.actors[name].kind
    if bare in book.stands_for:
        return book.stands_for[bare], PLACE
    return None


def document_names(
    sentences: Sequence[NamedSentence], book: AliasBook
) -> dict[str, tuple[str, str]]:
    """Surface form -> (canonical name, kind) within one document, before briefing-wide joins.

    A single word joins a longer name of the same document when only one fits: a person's
    whose surname (or, for a given name, first name) it is ("Sullivan" after "Jake
    Sullivan", "Gordon" after "Gordon Brown"; this beats the alias book, so
    "Washington" after "Marcus Washington" stays the actor), or an organisation's that
    contains it ("the Ministry" after "the Russian Ministry of Foreign Affairs").
    """
    acronyms = _bracketed_acronyms(sentences)
    alone_names: dict[tuple[str, str], tuple[str, str]] = {}  # an article repeats its names

    def alone(mention: Mention) -> tuple[str, str]:
        key = (mention.surface, mention.kind)
        resolved = alone_names.get(key)
        if resolved is None:
            in_book = book_name(mention.surface, book)
            if mention.surface in acronyms and in_book is None:
                resolved = acronyms[mention.surface]
            else:
                resolved = in_book or key
            alone_names[key] = resolved
        return resolved

    mentions = [m for sentence in sentences for m in sentence.mentions]
    people: dict[str, set[tuple[str, str]]] = {}
    first_names: dict[str, set[tuple[str, str]]] = {}
    bodies: dict[str, set[tuple[str, str]]] = {}
    for mention in mentions:
        words = mention.surface.split()
        if len(words) > 1:
            resolved = alone(mention)
            if resolved[1] == PERSON:
                people.setdefault(words[-1], set()).add(resolved)
                first_names.setdefault(words[0], set()).add(resolved)
            elif resolved[1] == ORGANISATION:
                for word in words:
                    bodies.setdefault(word, set()).add(resolved)

    def joined(mention: Mention) -> tuple[str, str]:
        resolved = alone(mention)
        if " " not in mention.surface and not mention.modifier:
            person = people.get(mention.surface, set())
            body = bodies.get(mention.surface, set())
            if not person and ner.gazetteer().given(mention.surface):
                person = first_names.get(mention.surface, set())  # "Gordon" for Gordon Brown
            if len(person) == 1:
                resolved = next(iter(person))
            elif mention.kind == ORGANISATION and resolved[0] == mention.surface and len(body) == 1:
                resolved = next(iter(body))
        return resolved

    # An article names its actors again and again: resolve each spelling, kind and use once.
    # The last mention of a spelling decides, as it always has.
    by_use: dict[tuple[str, str, bool], tuple[str, str]] = {}
    names: dict[str, tuple[str, str]] = {}
    for mention in mentions:
        use = (mention.surface, mention.kind, mention.modifier)
        resolved = by_use.get(use)
        if resolved is None:
            resolved = by_use[use] = joined(mention)
        names[mention.surface] = resolved
    return names


def _bracketed_acronyms(sentences: Sequence[NamedSentence]) -> dict[str, tuple[str, str]]:
    """'the UK Independence Party (UKIP)': the acronym names the same organisation."""
    acronyms: dict[str, tuple[str, str]] = {}
    for sentence in sentences:
        tokens = sentence.tokens
        if "(" not in tokens:  # most sentences
            continue
        by_start = {m.start: m for m in sentence.mentions}
        for mention in sentence.mentions:
            end = mention.end
            if (
                mention.kind == ORGANISATION and " " in mention.surface
                and tokens[end : end + 1] == ["("] and tokens[end + 2 : end + 3] == [")"]
                and end + 1 in by_start and tokens[end + 1].isupper()
            ):
                acronyms.setdefault(tokens[end + 1], (mention.surface, ORGANISATION))
    return acronyms


def join_surnames(
    per_document: Sequence[dict[str, tuple[str, str]]],
) -> list[dict[str, tuple[str, str]]]:
    """A lone surname joins the one full name with that surname anywhere in the briefing."""
    by_surname: dict[str, set[str]] = {}
    for names in per_document:
        for canonical, kind in names.values():
            if kind == PERSON and " " in canonical:
                by_surname.setdefault(canonical.split()[-1], set()).add(canonical)
    joined = []
    for names in per_document:
        updated = {}
        for surface, (canonical, kind) in names.items():
            fullest = by_surname.get(canonical, set()) if " " not in canonical else set()
            if kind == PERSON and len(fullest) == 1:
                canonical = next(iter(fullest))
            updated[surface] = (canonical, kind)
        joined.append(updated)
    return joined
