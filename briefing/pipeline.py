"""The whole pipeline in one call: articles in, a composed Briefing out.

sources -> text -> summarize -> actors -> compose; rendering and delivery
take the Briefing from here.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from .actors import AliasBook, find_actors, load_aliases
from .compose import compose
from .config import Config
from .files import write_briefing
from .message import build_message
from .models import Article, Briefing, Document, KeyPoint, Problem
from .render import Rendered, render
from .sources import read_inputs
from .summarize import DEFAULT_ALGORITHM, summarize
from .text import to_document

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def build_briefing(
    articles: Sequence[Article],
    date: dt.date,
    *,
    algorithm: str = DEFAULT_ALGORITHM,
    points: int = 3,
    language: str = "english",
    aliases: AliasBook | None = None,
    problems: Sequence[Problem] = (),
    progress: Progress | None = None,
) -> Briefing:
    """Summarize each article, find the actors, and compose the day's briefing.

    An article that fails any stage is reported as a Problem and left out;
    the others still make the briefing.
    """
    problems = list(problems)
    documents: list[Document] = []
    chosen: dict[str, list[KeyPoint]] = {}
    for done, article in enumerate(articles, start=1):
        try:
            document = to_document(article, language)
            if not document.sentences:
                raise ValueError("no sentences left after removing page furniture")
            chosen[article.id] = summarize(document, points, algorithm, language)
            documents.append(document)
        except Exception as error:  # one broken article must not sink the briefing
            problems.append(Problem(article.origin or article.id, str(error) or repr(error)))
            log.warning("skipped %s: %s", article.origin or article.id, error)
            log.debug("details", exc_info=True)
        if progress:
            progress("summarize", done, len(articles))
    all_points = [point for document in documents for point in chosen[document.id]]
    attribution = find_actors(documents, all_points, aliases)
    kept = [document.article for document in documents]
    return compose(date, kept, chosen, attribution, problems)


@dataclass(frozen=True)
class Edition:
    """One generated briefing: the data, its renderings, the message and where it was written."""

    briefing: Briefing
    rendered: Rendered
    message: EmailMessage
    paths: dict[str, Path]


LANGUAGE_CODES = {
    "english": "en", "german": "de", "french": "fr", "spanish": "es", "italian": "it",
    "portuguese": "pt", "czech": "cs", "slovak": "sk", "dutch": "nl", "ukrainian": "uk",
    "russian": "ru", "greek": "el", "hebrew": "he", "japanese": "ja", "chinese": "zh",
    "korean": "ko", "arabic": "ar", "swedish": "sv", "danish": "da", "norwegian": "no",
    "finnish": "fi", "hungarian": "hu", "polish": "pl", "romanian": "ro", "turkish": "tr",
}


def generate(
    config: Config,
    date: dt.date,
    inputs: Sequence[Path] | None = None,
    out_dir: Path | None = None,
    *,
    algorithm: str | None = None,
    points: int | None = None,
    progress: Progress | None = None,
    extra_articles: Sequence[Article] = (),
    extra_problems: Sequence[Problem] = (),
) -> Edition:
    """Read the inputs, build the briefing, render it and write its four files.

    Arguments left as None take their value from the configuration.
    """
    files = config.briefing_inputs if inputs is None else inputs  # [] means web sources only
    harvest = read_inputs(files, config.max_article_bytes)
    for problem in harvest.problems:
        log.warning("skipped %s: %s", problem.source, problem.reason)
    briefing = build_briefing(
        [*harvest.articles, *extra_articles],
        date,
        algorithm=algorithm or config.algorithm or DEFAULT_ALGORITHM,
        points=points or config.points,
        language=config.language,
        aliases=load_aliases(config.aliases_file),
        problems=[*harvest.problems, *extra_problems],
        progress=progress,
    )
    subject = config.briefing_subject.replace("{date}", date.isoformat())
    rendered = render(
        briefing, subject, config.templates_dir, LANGUAGE_CODES.get(config.language, "en")
    )
    message = build_message(rendered, date, config.briefing_from, config.briefing_to)
    paths = write_briefing(rendered, message, out_dir or config.output_dir)
    return Edition(briefing, rendered, message, paths)
