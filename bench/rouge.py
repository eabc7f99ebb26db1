"""ROUGE benchmark of every summarizer on JSONL files of articles with reference summaries.

    python bench/rouge.py [DATA.jsonl ...] [--limit N] [--algorithms a,b] [--join NAMES]

Each line of a file holds `id`, `title` (may be missing or empty), `text`
(paragraphs separated by blank lines) and `summary` (reference sentences, one
per line). With no file named, the three development files in ../shared/data
are read. A file whose rows are partly untitled is scored as two sets, titled
and untitled; a file named in --join (dailymail-dev by default) is scored
again with its paragraphs joined by one space, as plain text often arrives.
For every set it prints one row per algorithm:

- ROUGE-1/2 F1 of the 3 best points and their total length in words;
- ROUGE-1/2 recall of the best-first points concatenated and cut to 75 words,
  which compares algorithms at an equal length;
- mean and longest point in words, the share of points that open with an
  unattributed pronoun or connective (dangling), the share that contain page
  furniture (patterns in bench/furniture.txt);
- CPU milliseconds per article for `summarize` alone (after splitting).

Then one table in the issue's form: per set and measure, lead, the best sumy
algorithm, and the default.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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
from briefing.summarize import ALGORITHMS, DEFAULT_ALGORITHM, summarize  # noqa: E402
from briefing.summarize.readable import is_dangling  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
DEV_FILES = ("cnndm-dev.jsonl", "bbc-dev.jsonl", "dailymail-dev.jsonl")
DEFAULT_FILES = [DATA / name for name in DEV_FILES]
FURNITURE_FILE = Path(__file__).with_name("furniture.txt")
POINTS = 3
BUDGET_WORDS = 75
ANCHORS = ("lead", DEFAULT_ALGORITHM)  # every other algorithm is sumy's

Pairs = list[tuple[Document, str]]


@dataclass(frozen=True)
class Row:
    """One algorithm's averages over one set."""

    algorithm: str
    r1_f: float
    r2_f: float
    words: float
    r1_budget: float
    r2_budget: float
    point_mean: float
    point_max: int
    dangling: float
    furniture: float
    ms: float


def furniture_patterns(path: Path = FURNITURE_FILE) -> list[re.Pattern[str]]:
    """The furniture patterns, one regular expression a line, `#` lines left out."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [re.compile(line) for line in lines if line.strip() and not line.startswith("#")]


def read_records(path: Path, limit: int | None) -> list[dict]:
    """The first `limit` rows of a JSONL file (all when None)."""
    records = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if limit is not None and len(records) >= limit:
                break
            if line.strip():
                records.append(json.loads(line))
    return records


def to_pairs(records: list[dict], language: str, joined: bool = False) -> Pairs:
    """Documents built by the text stage, each with its reference summary."""
    pairs = []
    for record in records:
        text = " ".join(record["text"].split()) if joined else record["text"]
        article = Article(id=str(record["id"]), title=record.get("title") or "", text=text)
        pairs.append((to_document(article, language), record["summary"]))
    return pairs


def sets_of(
    path: Path, limit: int | None, language: str, join: set[str]
) -> list[tuple[str, Pairs]]:
    """The named sets one file is scored as: titled and untitled apart, and joined."""
    records = read_records(path, limit)
    titled = [r for r in records if (r.get("title") or "").strip()]
    untitled = [r for r in records if not (r.get("title") or "").strip()]
    sets = []
    if titled and untitled:
        sets.append((f"{path.stem} ({len(titled)} titled)", to_pairs(titled, language)))
        sets.append((f"{path.stem} ({len(untitled)} untitled)", to_pairs(untitled, language)))
    else:
        sets.append((path.stem, to_pairs(records, language)))
    if path.stem in join:
        sets.append((f"{path.stem} joined", to_pairs(records, language, joined=True)))
    return sets


def cut(text: str, words: int) -> str:
    """The first `words` words of `text`."""
    return " ".join(text.split()[:words])


def evaluate(algorithm: str, pairs: Pairs, language: str) -> Row:
    """Score one algorithm on every document; time only the `summarize` call for 3 points."""
    scorer = RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
    patterns = furniture_patterns()
    r1, r2, words, b1, b2, lengths, dangling, furniture = [], [], [], [], [], [], [], []
    elapsed = 0.0
    for document, reference in pairs:
        start = time.process_time()
        points = summarize(document, POINTS, algorithm, language)
        elapsed += time.process_time() - start
        text = " ".join(point.text for point in points)
        scores = scorer.score(reference, text)
        r1.append(scores["rouge1"].fmeasure)
        r2.append(scores["rouge2"].fmeasure)
        words.append(len(text.split()))
        lengths.extend(len(point.text.split()) for point in points)
        dangling.extend(is_dangling(point.text, language) for point in points)
        furniture.extend(any(p.search(point.text) for p in patterns) for point in points)

        every = summarize(document, len(document.sentences), algorithm, language)
        budget = scorer.score(reference, cut(" ".join(p.text for p in every), BUDGET_WORDS))
        b1.append(budget["rouge1"].recall)
        b2.append(budget["rouge2"].recall)
    return Row(
        algorithm,
        100 * mean(r1),
        100 * mean(r2),
        mean(words),
        100 * mean(b1),
        100 * mean(b2),
        mean(lengths) if lengths else 0.0,
        max(lengths, default=0),
        100 * mean(dangling) if dangling else 0.0,
        100 * mean(furniture) if furniture else 0.0,
        1000 * elapsed / len(pairs),
    )


def table(rows: list[Row]) -> str:
    """One set's rows as a Markdown table."""
    header = (
        f"| algorithm | R1 F1@{POINTS} | R2 F1@{POINTS} | words@{POINTS} "
        f"| R1 recall@{BUDGET_WORDS}w | R2 recall@{BUDGET_WORDS}w "
        "| point words mean | max | dangling % | furniture % | ms/article |"
    )
    lines = [header, "|" + "---|" * 11]
    for r in rows:
        lines.append(
            f"| {r.algorithm} | {r.r1_f:.1f} | {r.r2_f:.1f} | {r.words:.0f} "
            f"| {r.r1_budget:.1f} | {r.r2_budget:.1f} | {r.point_mean:.1f} | {r.point_max} "
            f"| {r.dangling:.1f} | {r.furniture:.1f} | {r.ms:.2f} |"
        )
    return "\n".join(lines)


def summary_table(results: dict[str, list[Row]]) -> str:
    """The issue's table: per set and measure, lead, the best sumy algorithm and the default."""
    lines = [
        "| set | measure | lead-3 | best sumy | default |",
        "|---|---|---|---|---|",
    ]
    measures = (("R1 F1 @3 points", "r1_f"), (f"R1 recall @{BUDGET_WORDS} words", "r1_budget"))
    for name, rows in results.items():
        by_name = {row.algorithm: row for row in rows}
        sumy = [row for row in rows if row.algorithm not in ANCHORS]
        for number, (label, field) in enumerate(measures):
            lead = by_name.get("lead")
            default = by_name.get(DEFAULT_ALGORITHM)
            best = max(sumy, key=lambda row: getattr(row, field), default=None)
            cells = [
                f"{getattr(lead, field):.1f}" if lead else "-",
                f"{getattr(best, field):.1f} ({best.algorithm})" if best else "-",
                f"{getattr(default, field):.1f}" if default else "-",
            ]
            lines.append(f"| {name if number == 0 else ''} | {label} | {' | '.join(cells)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="*", type=Path, default=DEFAULT_FILES)
    parser.add_argument("--limit", type=int, default=None, help="use the first N rows of a file")
    parser.add_argument("--language", default="english")
    parser.add_argument(
        "--algorithms", default=",".join(ALGORITHMS), help="comma-separated names"
    )
    parser.add_argument(
        "--join", default="dailymail-dev",
        help="comma-separated file names (without .jsonl) also scored with paragraphs joined",
    )
    args = parser.parse_args(argv)

    join = set(filter(None, args.join.split(",")))
    sets = [s for path in args.data for s in sets_of(path, args.limit, args.language, join)]
    names = args.algorithms.split(",")
    tasks = [(set_name, pairs, name) for set_name, pairs in sets for name in names]
    with ProcessPoolExecutor(max_workers=min(len(tasks), os.cpu_count() or 1)) as pool:
        rows = list(pool.map(
            evaluate, [t[2] for t in tasks], [t[1] for t in tasks],
            [args.language] * len(tasks), chunksize=1,
        ))
    results: dict[str, list[Row]] = {}
    for (set_name, _pairs, _name), row in zip(tasks, rows, strict=True):
        results.setdefault(set_name, []).append(row)
    for set_name, pairs in sets:
        print(f"{set_name}: {len(pairs)} articles\n")
        print(table(results[set_name]) + "\n")
    print(summary_table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
