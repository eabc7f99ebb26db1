"""Pairwise benchmark of story clustering on a JSONL file of articles labelled by story.

    python bench/stories.py [DATA_PATH] [--threshold T ...] [--window-hours H]
                            [--language english] [--show-errors]

Each line of DATA_PATH holds `id`, `title`, `text` (paragraphs separated by
blank lines), `source`, `url`, `published` (ISO 8601) and `story`, the label:
articles with the same label report the same event. The default file is
`bench/data/stories-labelled.jsonl`, written for this project.

Every unordered pair of articles counts once: it is a true pair when both
share a label and a predicted pair when `cluster_articles` puts both in one
group. Prints a Markdown table, one row per threshold (the library default
first, then the sweep or the `--threshold` values): pairwise precision,
recall and F1, clusters found against true stories, and milliseconds per
article for `cluster_articles` alone, best of 3 runs. Asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from briefing import stories  # noqa: E402  (briefing/stories.py is the code under test)
from briefing.models import Article, Document  # noqa: E402
from briefing.nlp.text import to_document  # noqa: E402

DEFAULT_DATA = ROOT / "bench" / "data" / "stories-labelled.jsonl"
SWEEP = tuple(round(0.10 + 0.05 * step, 2) for step in range(11))  # 0.10 .. 0.60
RUNS = 3

Clusters = list[tuple[str, ...]]


@dataclass(frozen=True)
class Row:
    """Scores of one clustering run at one threshold."""

    threshold: float
    is_default: bool
    precision: float
    recall: float
    f1: float
    clusters: int
    ms_per_article: float
    unplaced: int  # article ids missing from the result, scored as singletons


def load(path: Path, language: str) -> tuple[list[Document], dict[str, str]]:
    """Documents built by the text stage, and each article's story label by id."""
    documents: list[Document] = []
    labels: dict[str, str] = {}
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            record = json.loads(line)
            article = Article(
                id=str(record["id"]),
                title=record["title"],
                text=record["text"],
                url=record.get("url"),
                source=record.get("source"),
                published=dt.datetime.fromisoformat(record["published"]),
                origin=f"{path.name}:{number}",
            )
            documents.append(to_document(article, language))
            labels[article.id] = str(record["story"])
    return documents, labels


def cluster_of(clusters: Clusters, ids: Sequence[str]) -> dict[str, int]:
    """Each article id's cluster number; ids the clustering left out get their own."""
    placed = {article_id: number for number, group in enumerate(clusters) for article_id in group}
    for article_id in ids:
        placed.setdefault(article_id, len(placed) + len(clusters))
    return placed


def pairwise_scores(labels: dict[str, str], clusters: Clusters) -> tuple[float, float, float]:
    """Precision, recall and F1 over all unordered article pairs.

    With no predicted (or no true) pairs, precision (or recall) is 1.0: nothing
    was claimed wrongly (or nothing could be missed).
    """
    predicted = cluster_of(clusters, list(labels))
    true_pairs = predicted_pairs = both = 0
    for first, second in combinations(labels, 2):
        same_story = labels[first] == labels[second]
        same_cluster = predicted[first] == predicted[second]
        true_pairs += same_story
        predicted_pairs += same_cluster
        both += same_story and same_cluster
    precision = both / predicted_pairs if predicted_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def timed_clustering(
    documents: list[Document], threshold: float, window_hours: float, language: str
) -> tuple[Clusters, float]:
    """The clusters, and the best of RUNS wall-clock times in seconds."""
    best = float("inf")
    clusters: Clusters = []
    for _ in range(RUNS):
        start = time.perf_counter()
        clusters = stories.cluster_articles(documents, threshold, window_hours, language)
        best = min(best, time.perf_counter() - start)
    return clusters, best


def evaluate(
    documents: list[Document],
    labels: dict[str, str],
    threshold: float,
    window_hours: float,
    language: str,
) -> tuple[Row, Clusters]:
    """Cluster at one threshold and score the result."""
    clusters, seconds = timed_clustering(documents, threshold, window_hours, language)
    precision, recall, f1 = pairwise_scores(labels, clusters)
    placed = {article_id for group in clusters for article_id in group}
    row = Row(
        threshold=threshold,
        is_default=threshold == stories.DEFAULT_THRESHOLD,
        precision=precision,
        recall=recall,
        f1=f1,
        clusters=len(clusters),
        ms_per_article=1000 * seconds / len(documents),
        unplaced=sum(article_id not in placed for article_id in labels),
    )
    return row, clusters


def table(rows: list[Row], true_stories: int) -> str:
    """The rows as a Markdown table."""
    lines = [
        "| threshold | precision | recall | F1 | clusters / stories | ms/article |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        name = f"{r.threshold:.2f}" + (" (default)" if r.is_default else "")
        lines.append(
            f"| {name} | {r.precision:.3f} | {r.recall:.3f} | {r.f1:.3f} "
            f"| {r.clusters} / {true_stories} | {r.ms_per_article:.3f} |"
        )
    return "\n".join(lines)


def errors(labels: dict[str, str], clusters: Clusters) -> list[str]:
    """One line per predicted cluster that mixes stories and per story split across clusters."""
    predicted = cluster_of(clusters, list(labels))
    lines = []
    for group in clusters:
        mixed = sorted({labels.get(article_id, "?") for article_id in group})
        if len(mixed) > 1:
            lines.append(f"merged: {', '.join(mixed)}  <- {', '.join(group)}")
    by_story: dict[str, set[int]] = {}
    for article_id, story in labels.items():
        by_story.setdefault(story, set()).add(predicted[article_id])
    for story, numbers in sorted(by_story.items()):
        if len(numbers) > 1:
            lines.append(f"split:  {story} into {len(numbers)} clusters")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Parse options, score the default threshold and the sweep, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--threshold",
        type=float,
        nargs="+",
        default=list(SWEEP),
        help="thresholds to sweep (default 0.10 to 0.60 step 0.05)",
    )
    parser.add_argument("--window-hours", type=float, default=stories.DEFAULT_WINDOW_HOURS)
    parser.add_argument("--language", default="english")
    parser.add_argument(
        "--show-errors",
        action="store_true",
        help="list merged and split stories at the default threshold",
    )
    args = parser.parse_args(argv)

    documents, labels = load(args.data, args.language)
    story_count = len(set(labels.values()))
    default_row, default_clusters = evaluate(
        documents, labels, stories.DEFAULT_THRESHOLD, args.window_hours, args.language
    )
    rows = [default_row]
    for threshold in args.threshold:
        if threshold != stories.DEFAULT_THRESHOLD:
            rows.append(evaluate(documents, labels, threshold, args.window_hours, args.language)[0])

    true_pairs = sum(labels[a] == labels[b] for a, b in combinations(labels, 2))
    print(
        f"{len(documents)} articles, {story_count} stories, {true_pairs} same-story pairs "
        f"from {args.data.name}; window {args.window_hours:g} h\n"
    )
    print(table(rows, story_count))
    unplaced = max(row.unplaced for row in rows)
    if unplaced:
        print(
            f"\nnote: up to {unplaced} article ids were missing from the clusters "
            "and were scored as singletons"
        )
    if args.show_errors:
        print(f"\nAt the default threshold {stories.DEFAULT_THRESHOLD:.2f}:")
        for line in errors(labels, default_clusters) or ["no merged or split stories"]:
            print(f"- {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
