"""Placeholder actors stage (capitalised runs); replaced by the actors branch."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from .models import PERSON, Actor, Attribution, Document, KeyPoint, PointActors

AliasBook = dict
_RUN = re.compile(r"\b(?:[A-Z][a-z]+\s)*[A-Z][a-z]+\b")


def load_aliases(extra: Path | None = None) -> AliasBook:
    return {}


def find_actors(documents: Sequence[Document], points: Sequence[KeyPoint],
                aliases: AliasBook | None = None) -> Attribution:
    counts: Counter[str] = Counter()
    for document in documents:
        for sentence in document.sentences:
            counts.update(_RUN.findall(sentence.text))
    by_point = {}
    for point in points:
        names = _RUN.findall(point.text)
        by_point[(point.article_id, point.index)] = PointActors(
            names[0] if names else None, tuple(dict.fromkeys(names[1:])))
    actors = {name: Actor(name, PERSON, (), n) for name, n in counts.items()}
    return Attribution(actors, by_point)
