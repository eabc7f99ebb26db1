"""ROUGE benchmark of every summarizer on a JSONL file of articles with reference summaries.

    python bench/rouge.py [DATA_PATH] [--limit N] [--language english]

Each line of DATA_PATH holds `id`, `title`, `text` (paragraphs separated by
blank lines) and `summary` (reference sentences, one per line). Prints a
Markdown table, one row per algorithm:

- ROUGE-1/2/L F1 of the 3 best points, and their mean length in words;
- ROUGE-1/2 recall of the best-first points concatenated and cut to 75 words,
  which compares algorithms at an equal length;
- the share of points that start with an unattributed pronoun or connective;
- milliseconds per article for `summarize` alone (after splitting): CPU time
  of the one process running that algorithm, so other load on the machine
  does not inflate it; algorithms are spread over the CPU cores.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rouge_score.rouge_scorer import RougeScorer  # noqa: E402

from briefing.models import Article, Document  # noqa: E402
from briefing.nlp.text import to_document  # noqa: E402
from briefing.summarize import ALGORITHMS, is_dangling, summarize  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc-dev.jsonl"
POINTS = 3
BUDGET_WORDS = 75


@dataclass(frozen=True)
class Row:
    """One algorithm's averages over the file."""

    algorithm: str
    r1_f: float
    r2_f: float
    rl_f: float
    words: float
    r1_budget: float
    r2_budget: float
    dangling: float
    ms: float


def load(path: Path, limit: int | None, language: str) -> list[tuple[Document, str]]:
    """Documents built by the text stage, each with its reference summary."""
    pairs = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if limit is not None and len(pairs) >= limit:
                break
            record = json.loads(line)
            article = Article(id=str(record["id"]), title=record["title"], text=record["text"])
            pairs.append((to_document(article, language), record["summary"]))
    return pairs


def cut(text: str, words: int) -> str:
    """The first `words` words of `text`."""
    return " ".join(text.split()[:words])


def evaluate(algorithm: str, pairs: list[tuple[Document, str]], language: str) -> Row:
    """Score one algorithm on every document; time only the `summarize` call for 3 points."""
    scorer = RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    r1, r2, rl, words, b1, b2, dangling = [], [], [], [], [], [], []
    elapsed = 0.0
    for document, reference in pairs:
        start = time.process_time()
        points = summarize(document, POINTS, algorithm, language)
        elapsed += time.process_time() - start
        text = " ".join(point.text for point in points)
        scores = scorer.score(reference, text)
        r1.append(scores["rouge1"].fmeasure)
        r2.append(scores["rouge2"].fmeasure)
        rl.append(scores["rougeL"].fmeasure)
        words.append(len(text.split()))
        dangling.extend(is_dangling(point.text, language) for point in points)

        every = summarize(document, len(document.sentences), algorithm, language)
        budget = scorer.score(reference, cut(" ".join(p.text for p in every), BUDGET_WORDS))
        b1.append(budget["rouge1"].recall)
        b2.append(budget["rouge2"].recall)
    return Row(
        algorithm,
        100 * mean(r1),
        100 * mean(r2),
        100 * mean(rl),
        mean(words),
        100 * mean(b1),
        100 * mean(b2),
        100 * mean(dangling) if dangling else 0.0,
        1000 * elapsed / len(pairs),
    )


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    header = (
        f"| algorithm | R1 F1@{POINTS} | R2 F1@{POINTS} | RL F1@{POINTS} | words@{POINTS} "
        f"| R1 recall@{BUDGET_WORDS}w | R2 recall@{BUDGET_WORDS}w | dangling % | ms/article |"
    )
    lines = [header, "|" + "---|" * 9]
    for r in rows:
        lines.append(
            f"| {r.algorithm} | {r.r1_f:.1f} | {r.r2_f:.1f} | {r.rl_f:.1f} | {r.words:.0f} "
            f"| {r.r1_budget:.1f} | {r.r2_budget:.1f} | {r.dangling:.1f} | {r.ms:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="use the first N articles")
    parser.add_argument("--language", default="english")
    parser.add_argument(
        "--algorithms", default=",".join(ALGORITHMS), help="comma-separated names"
    )
    args = parser.parse_args(argv)

    pairs = load(args.data, args.limit, args.language)
    names = args.algorithms.split(",")
    workers = min(len(names), os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        rows = list(pool.map(evaluate, names, [pairs] * len(names), [args.language] * len(names)))
    print(f"{len(pairs)} articles from {args.data.name}\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
