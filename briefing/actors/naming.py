"""Naming: one canonical name per actor, within a document and across the briefing.

The alias book maps spellings to a canonical name, institutions and capitals stand for their
country, a bracketed acronym names the organisation before it, and a surname or given name
alone joins the one full name that fits.
"""

from __future__ import annotations

from collections.abc import Sequence

from briefing.actors import tagger as ner
from briefing.actors.aliases import AliasBook, strip_article
from briefing.actors.reading import NamedSentence
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

    def alone(surface: str, kind: str) -> tuple[str, str]:
        key = (surface, kind)
        resolved = alone_names.get(key)
        if resolved is None:
            in_book = book_name(surface, book)
            if surface in acronyms and in_book is None:
                resolved = acronyms[surface]
            else:
                resolved = in_book or key
            alone_names[key] = resolved
        return resolved

    # An article names its actors again and again, and a name's reading depends on nothing
    # but its spelling, kind and use: read each once. The last mention of a spelling decides,
    # as it always has, and the spellings keep the order they first appear in.
    last_use = {m.surface: (m.kind, m.modifier)
                for sentence in sentences for m in sentence.mentions}
    kinds = dict.fromkeys((m.surface, m.kind)
                          for sentence in sentences for m in sentence.mentions
                          if " " in m.surface)  # the names that can have a part standing alone
    people: dict[str, set[tuple[str, str]]] = {}
    first_names: dict[str, set[tuple[str, str]]] = {}
    bodies: dict[str, set[tuple[str, str]]] = {}
    for surface, kind in kinds:
        words = surface.split()
        if len(words) > 1:
            resolved = alone(surface, kind)
            if resolved[1] == PERSON:
                people.setdefault(words[-1], set()).add(resolved)
                first_names.setdefault(words[0], set()).add(resolved)
            elif resolved[1] == ORGANISATION:
                for word in words:
                    bodies.setdefault(word, set()).add(resolved)

    def joined(surface: str, kind: str, modifier: bool) -> tuple[str, str]:
        resolved = alone(surface, kind)
        if " " not in surface and not modifier:
            person = people.get(surface, set())
            body = bodies.get(surface, set())
            if not person and ner.gazetteer().given(surface):
                person = first_names.get(surface, set())  # "Gordon" for Gordon Brown
            if len(person) == 1:
                resolved = next(iter(person))
            elif kind == ORGANISATION and resolved[0] == surface and len(body) == 1:
                resolved = next(iter(body))
        return resolved

    return {surface: joined(surface, kind, modifier)
            for surface, (kind, modifier) in last_use.items()}


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
