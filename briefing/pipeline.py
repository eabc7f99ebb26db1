"""The whole pipeline in one call: articles in, a composed Briefing out.

sources -> text -> summarize -> actors -> compose; rendering and delivery
take the Briefing from here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import logging
import multiprocessing
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from briefing.actors import (
    AliasBook,
    NameReader,
    Reading,
    find_actors,
    name_reader,
    read_names,
    tag_names,
)
from briefing.compose import DEFAULT_SHAPE, Shape, compose
from briefing.models import Article, Briefing, Document, KeyPoint, Problem, Progress
from briefing.nlp.stems import content_stems
from briefing.nlp.text import to_document
from briefing.stories import (
    DEFAULT_THRESHOLD,
    DEFAULT_WINDOW_HOURS,
    build_stories,
    point_stems,
    point_words,
    term_counts,
)
from briefing.stories.archive import EarlierIndex
from briefing.summarize import DEFAULT_ALGORITHM, summarize

log = logging.getLogger(__name__)
T = TypeVar("T")

CANDIDATE_SPARE = 2
ARTICLES_PER_WORKER = 100  # fewer articles than this per process do not pay for starting one
CHUNKS_PER_WORKER = 16  # small enough chunks that no process waits long for the last one


@dataclass(frozen=True)
class Summary:
    """One article after the per-article stages, ready for the briefing-wide ones."""

    document: Document
    points: tuple[KeyPoint, ...]  # candidate key points, best first
    names: Reading | None = None  # what the actors stage reads in it
    terms: Counter[str] | None = None  # its stems, for grouping articles into stories
    words: dict[tuple[str, int], frozenset[str]] | None = None  # each point's stems


def summarize_article(
    article: Article,
    count: int,
    algorithm: str = DEFAULT_ALGORITHM,
    language: str = "english",
    reader: NameReader | None = None,
    cluster: bool = False,
) -> Summary | Problem:
    """Everything one article needs that no other article does: split, summarize, read names.

    A module-level function of picklable data, so a process pool (or a cluster engine such as
    Dask or Spark) can map it over articles; a broken article comes back as a Problem.
    """
    try:
        document = to_document(article, language)
        if not document.sentences:
            raise ValueError("no sentences left after removing page furniture")
        # Tagged once: the summarizer resolves "He said" with the names the actors stage reads.
        tagging = tag_names(document, reader) if reader is not None else None
        points = tuple(summarize(document, count, algorithm, language, tagging))
        names = read_names(document, reader, tagging) if reader is not None else None
        terms = term_counts(document, language) if cluster else None
        words = point_words(points, language)
    except Exception as error:  # one broken article must not sink the briefing
        log.debug("details of %s", article.origin or article.id, exc_info=True)
        return Problem(article.origin or article.id, str(error) or repr(error))
    return Summary(document, points, names, terms, words)


def map_articles(
    work: Callable[[Article], T], articles: Sequence[Article], workers: int = 1
) -> Iterator[T]:
    """`work` over the articles, results in input order, spread over up to `workers` processes.

    Each process takes the articles in a few large chunks, so little time goes to passing
    data between them; with one worker, or too few articles to share, no process is started.
    """
    workers = min(workers, len(articles) // ARTICLES_PER_WORKER)
    if workers <= 1:
        yield from map(work, articles)
        return
    chunk = -(-len(articles) // (workers * CHUNKS_PER_WORKER))
    # Forked workers inherit the name lists already loaded here instead of reading them again.
    context = multiprocessing.get_context("fork") if sys.platform == "linux" else None
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        yield from pool.map(work, articles, chunksize=chunk)


def summarize_articles(
    articles: Sequence[Article],
    count: int,
    *,
    algorithm: str = DEFAULT_ALGORITHM,
    language: str = "english",
    reader: NameReader | None = None,
    cluster: bool = False,
    workers: int = 1,
    progress: Progress | None = None,
) -> tuple[list[Summary], list[Problem]]:
    """``summarize_article`` over every article, on `workers` processes; the same result on any
    number of them. Returns the summaries and the problems, each in input order."""
    work = functools.partial(summarize_article, count=count, algorithm=algorithm,
                             language=language, reader=reader, cluster=cluster)
    summaries: list[Summary] = []
    problems: list[Problem] = []
    for done, result in enumerate(map_articles(work, articles, workers), start=1):
        if isinstance(result, Problem):
            problems.append(result)
            log.warning("skipped %s: %s", result.source, result.reason)
        else:
            summaries.append(result)
        if progress:
            progress("summarize", done, len(articles))
    return summaries, problems


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a briefing is built.

    The stages make millions of small objects (tokens, names, stems) that form no cycles and
    live until the briefing is composed; the collector would walk them all again and again,
    a sixth of the whole run at 2,000 articles. Reference counting still frees them, forked
    workers inherit the pause, and whatever cycles appear are collected once it ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@collector_paused()
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
    workers: int = 1,
) -> Briefing:
    """Summarize each article, group stories, find the actors, and compose the day's briefing.

    An article that fails any stage is reported as a Problem and left out;
    the others still make the briefing. `recent` holds (date, text) of the
    points of recent briefings, so repeats are marked or dropped. `workers`
    processes share the per-article work; the briefing is the same for any number.
    """
    # A story pools candidates from all its articles, so take a few spare ones.
    candidates = points + CANDIDATE_SPARE if cluster else points
    reader = name_reader(aliases)
    summaries, failed = summarize_articles(
        articles, candidates, algorithm=algorithm, language=language, reader=reader,
        cluster=cluster, workers=workers, progress=progress,
    )
    problems = [*problems, *failed]
    documents = [summary.document for summary in summaries]
    chosen = {summary.document.id: list(summary.points) for summary in summaries}
    counts = [summary.terms for summary in summaries] if cluster else None
    words = {key: stems for summary in summaries for key, stems in (summary.words or {}).items()}
    stories = build_stories(documents, chosen, points, cluster=cluster, threshold=threshold,
                            window_hours=window_hours, language=language, counts=counts,
                            words=words)
    story_points = [story_point.point for story in stories for story_point in story.points]
    attribution = find_actors(documents, story_points, reader.book,
                              readings=[summary.names for summary in summaries])
    earlier = EarlierIndex((day, frozenset(content_stems(text, language))) for day, text in recent)

    def earlier_date(point: KeyPoint) -> str | None:
        return earlier.when(point_stems(point, words, language))

    kept = [document.article for document in documents]
    own_points = {article_id: ranked[:points] for article_id, ranked in chosen.items()}
    return compose(date, kept, own_points, stories, attribution, problems, shape, earlier_date)
