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
from .archive import EarlierIndex, archive_path, earlier_points
from .compose import DEFAULT_SHAPE, Shape, compose
from .config import Config
from .files import write_atomic, write_briefing
from .message import build_message
from .models import Article, Briefing, Document, KeyPoint, Problem
from .render import Rendered, render
from .sources import read_inputs
from .stories import DEFAULT_THRESHOLD, DEFAULT_WINDOW_HOURS, build_stories
from .summarize import DEFAULT_ALGORITHM, content_stems, summarize
from .text import to_document

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, done, total)
CANDIDATE_SPARE = 2


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
    cluster: bool = True,
    threshold: float = DEFAULT_THRESHOLD,
    window_hours: float = DEFAULT_WINDOW_HOURS,
    shape: Shape = DEFAULT_SHAPE,
    recent: Sequence[tuple[str, str]] = (),
) -> Briefing:
    """Summarize each article, group stories, find the actors, and compose the day's briefing.

    An article that fails any stage is reported as a Problem and left out;
    the others still make the briefing. `recent` holds (date, text) of the
    points of recent briefings, so repeats are marked or dropped.
    """
    # A story pools candidates from all its articles, so take a few spare ones.
    candidates = points + CANDIDATE_SPARE if cluster else points
    problems = list(problems)
    documents: list[Document] = []
    chosen: dict[str, list[KeyPoint]] = {}
    for done, article in enumerate(articles, start=1):
        try:
            document = to_document(article, language)
            if not document.sentences:
                raise ValueError("no sentences left after removing page furniture")
            chosen[article.id] = summarize(document, candidates, algorithm, language)
            documents.append(document)
        except Exception as error:  # one broken article must not sink the briefing
            problems.append(Problem(article.origin or article.id, str(error) or repr(error)))
            log.warning("skipped %s: %s", article.origin or article.id, error)
            log.debug("details", exc_info=True)
        if progress:
            progress("summarize", done, len(articles))
    stories = build_stories(documents, chosen, points, cluster=cluster, threshold=threshold,
                            window_hours=window_hours, language=language)
    story_points = [story_point.point for story in stories for story_point in story.points]
    attribution = find_actors(documents, story_points, aliases)
    earlier = EarlierIndex((day, frozenset(content_stems(text, language))) for day, text in recent)

    def earlier_date(point: KeyPoint) -> str | None:
        return earlier.when(frozenset(content_stems(point.text, language)))

    kept = [document.article for document in documents]
    own_points = {article_id: ranked[:points] for article_id, ranked in chosen.items()}
    return compose(date, kept, own_points, stories, attribution, problems, shape, earlier_date)


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
    cluster: bool | None = None,
    extra_articles: Sequence[Article] = (),
    extra_problems: Sequence[Problem] = (),
) -> Edition:
    """Read the inputs, build the briefing, render it and write its four files.

    Arguments left as None take their value from the configuration.
    """
    out_dir = out_dir or config.output_dir
    harvest = read_inputs(inputs or config.briefing_inputs, config.max_article_bytes)
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
        cluster=config.cluster_stories if cluster is None else cluster,
        threshold=config.story_threshold,
        window_hours=config.story_window_hours,
        shape=Shape(config.points_per_actor, config.actors_per_briefing, config.repeats),
        recent=earlier_points(out_dir, date, config.repeat_days),
    )
    subject = config.briefing_subject.replace("{date}", date.isoformat())
    rendered = render(
        briefing, subject, config.templates_dir, LANGUAGE_CODES.get(config.language, "en")
    )
    message = build_message(rendered, date, config.briefing_from, config.briefing_to)
    paths = write_briefing(rendered, message, out_dir)
    # The archive is what later briefings compare against to say what is new.
    write_atomic(archive_path(out_dir, date), paths["json"].read_bytes())
    return Edition(briefing, rendered, message, paths)
