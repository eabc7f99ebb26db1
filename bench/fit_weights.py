"""Refit the default summarizer's weights on the development files and print what it fitted.

    python bench/fit_weights.py [--limit N] [--write]

The default (`briefing.summarize.choose_briefing`) scores a sentence from a
handful of weights (`Weights`). This script reads cnndm-dev (editors'
highlights, news written to the inverted pyramid) and bbc-dev (long extracts
of central sentences), and searches the weights one at a time over a grid,
a few rounds, for the setting whose worst margin over the issue's targets is
largest: ROUGE-1 F1 of 3 points and ROUGE-1 recall at 75 words, at least
lead-3 + 1 on cnndm-dev and the best sumy algorithm - 1 on bbc-dev. With
--write the result goes to briefing/data/summarize_weights.json, which the
default reads. dailymail-dev is never read here: it stays a held-out check
for bench/rouge.py.

ROUGE-1 is computed here with rouge-score's own tokenizer and stemmer, as
bench/rouge.py does, but counted directly so one setting takes seconds.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from statistics import mean

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from rouge import BUDGET_WORDS, DATA, POINTS, read_records, to_pairs  # noqa: E402
from rouge_score.rouge_scorer import RougeScorer  # noqa: E402

from briefing.models import Document  # noqa: E402
from briefing.summarize import Choice, choose_lead  # noqa: E402
from briefing.summarize.default import (  # noqa: E402
    WEIGHTS_FILE,
    Features,
    Weights,
    briefing_features,
    briefing_scores,
    select_points,
    shipped_weights,
)
from briefing.summarize.readable import Readable  # noqa: E402

# bbc-dev's best sumy algorithm (reduction) as bench/rouge.py measures it: F1@3, recall@75.
BBC_BEST_SUMY = (59.7, 48.6)
GRID: dict[str, tuple[float, ...]] = {
    "position": (0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0),
    "decay": (0.5, 1.0, 1.5, 2.0),
    "pyramid": (0.0, 0.25, 0.5, 0.75, 1.0),
    "spread": (0.0, 0.5, 1.0, 1.5, 2.0),
    "title": (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0),
    "full_length": (8.0, 10.0, 15.0, 20.0),
    "long_length": (25.0, 30.0, 35.0, 40.0, 60.0),
    "long_power": (1.0, 2.0, 3.0),
    "lede_first": (0.0, 1.0),
    "lede_central": (0.0, 0.25, 0.5, 0.75),
    "redundant": (0.3, 0.4, 0.5, 0.6),
    "quoted": (0.0, 0.25, 0.5, 0.75, 1.0),
    "question": (0.0, 0.5, 1.0),
}
ROUNDS = 3  # passes over the weights; fewer when a pass changes nothing


class CachedReadable(Readable):
    """A Readable that remembers each sentence's wording: a fit asks for it many times."""

    def __init__(self, document: Document, language: str = "english") -> None:
        super().__init__(document, language)
        self._texts: dict[int, str | None] = {}

    def text(self, position: int) -> str | None:
        if position not in self._texts:
            self._texts[position] = super().text(position)
        return self._texts[position]


@dataclass
class Article:
    """One development article as the fit sees it, computed once."""

    document: Document
    features: Features
    readable: CachedReadable
    reference: Counter[str]
    reference_size: int


class Rouge1:
    """ROUGE-1 of rouge-score's tokenizer with stemming, with every tokenisation cached."""

    def __init__(self) -> None:
        self._tokenize = RougeScorer(["rouge1"], use_stemmer=True)._tokenizer.tokenize
        self._cache: dict[str, list[str]] = {}

    def tokens(self, text: str) -> list[str]:
        if text not in self._cache:
            self._cache[text] = self._tokenize(text)
        return self._cache[text]

    def f1(self, article: Article, texts: list[str]) -> float:
        predicted = Counter(token for text in texts for token in self.tokens(text))
        overlap = sum((predicted & article.reference).values())
        size = sum(predicted.values())
        if not overlap:
            return 0.0
        precision, recall = overlap / size, overlap / article.reference_size
        return 2 * precision * recall / (precision + recall)

    def recall_at(self, article: Article, texts: list[str], words: int) -> float:
        cut = " ".join(" ".join(texts).split()[:words])
        overlap = sum((Counter(self.tokens(cut)) & article.reference).values())
        return overlap / article.reference_size if article.reference_size else 0.0


def prepare(name: str, limit: int | None, rouge: Rouge1) -> list[Article]:
    """The articles of one development file with their features and references."""
    records = read_records(DATA / f"{name}.jsonl", None)
    if limit is not None and limit < len(records):  # an even sample: the files are sorted
        records = [records[i * len(records) // limit] for i in range(limit)]
    articles = []
    for document, summary in to_pairs(records, "english"):
        reference = Counter(rouge.tokens(summary))
        articles.append(Article(document, briefing_features(document, "english"),
                                CachedReadable(document), reference,
                                sum(reference.values())))
    return articles


Chooser = Callable[[Article, int], list[Choice]]


def score_set(articles: list[Article], choose: Chooser, rouge: Rouge1) -> tuple[float, float]:
    """Mean ROUGE-1 F1 of 3 points and recall of the best-first points cut to 75 words."""
    f1s, recalls = [], []
    for article in articles:
        texts = [c.text or article.document.sentences[c.position].text
                 for c in choose(article, POINTS + 7)]
        f1s.append(rouge.f1(article, texts[:POINTS]))
        recalls.append(rouge.recall_at(article, texts, BUDGET_WORDS))
    return 100 * mean(f1s), 100 * mean(recalls)


def default_chooser(weights: Weights) -> Chooser:
    """The default with `weights`, on an article's precomputed features."""

    def choose(article: Article, count: int) -> list[Choice]:
        scores = briefing_scores(article.features, weights)
        return select_points(article.document, scores, article.features.stem_sets, count,
                             "english", article.readable, weights.redundant)

    return choose


def lead_chooser(article: Article, count: int) -> list[Choice]:
    """Lead-n, as bench/rouge.py's `lead` row."""
    return choose_lead(article.document, count, "english")


def margins(scores: dict[str, tuple[float, float]], targets: dict[str, tuple[float, float]]
            ) -> list[float]:
    """How far each measure of each set is above its target (negative: below)."""
    return [score - target for name in targets
            for score, target in zip(scores[name], targets[name], strict=True)]


def fit(sets: dict[str, list[Article]], targets: dict[str, tuple[float, float]],
        start: Weights, rouge: Rouge1, rounds: int = ROUNDS
        ) -> tuple[Weights, dict[str, tuple[float, float]]]:
    """Coordinate search: each weight in turn over its grid, keeping the best worst margin."""

    def evaluate(weights: Weights) -> tuple[float, float, dict[str, tuple[float, float]]]:
        scores = {name: score_set(articles, default_chooser(weights), rouge)
                  for name, articles in sets.items()}
        found = margins(scores, targets)
        return min(found), sum(found), scores

    best = start
    best_key = evaluate(best)
    for round_number in range(rounds):
        changed = False
        for field in fields(Weights):
            for value in GRID[field.name]:
                value = bool(value) if field.type in (bool, "bool") else value
                if getattr(best, field.name) == value:
                    continue
                candidate = replace(best, **{field.name: value})
                key = evaluate(candidate)
                if key[:2] > best_key[:2]:
                    best, best_key, changed = candidate, key, True
                    print(f"  round {round_number + 1}: {field.name} = {value}: worst margin "
                          f"{key[0]:+.2f}, {key[2]}", flush=True)
        if not changed:
            break
    return best, best_key[2]


def random_start(sets: dict[str, list[Article]], targets: dict[str, tuple[float, float]],
                 start: Weights, rouge: Rouge1, draws: int, seed: int = 18) -> Weights:
    """The best of `start` and `draws` settings drawn from the grid (a fixed seed): a
    start for the coordinate search away from the one it would otherwise creep from."""
    chance = random.Random(seed)

    def worst(weights: Weights) -> float:
        scores = {name: score_set(articles, default_chooser(weights), rouge)
                  for name, articles in sets.items()}
        return min(margins(scores, targets))

    best, best_worst = start, worst(start)
    for _ in range(draws):
        drawn = {field.name: chance.choice(GRID[field.name]) for field in fields(Weights)}
        drawn["lede_first"] = bool(drawn["lede_first"])
        candidate = Weights(**drawn)
        found = worst(candidate)
        if found > best_worst:
            best, best_worst = candidate, found
            print(f"  draw: worst margin {found:+.2f}: {json.dumps(asdict(candidate))}",
                  flush=True)
    return best


def sweep(sets: dict[str, list[Article]], targets: dict[str, tuple[float, float]],
          start: Weights, name: str, rouge: Rouge1) -> str:
    """A Markdown table of every set's scores with one weight moved over its grid: where the
    two kinds of reference pull apart, and whether any value meets every target."""
    if name not in GRID:
        raise SystemExit(f"--sweep: unknown weight {name!r}; choose one of {', '.join(GRID)}")
    header = " | ".join(f"{set_name} F1@{POINTS} | {set_name} R@{BUDGET_WORDS}w"
                        for set_name in sets)
    lines = [f"| {name} | {header} | worst margin |",
             "|---" * (2 + 2 * len(sets)) + "|"]
    for value in GRID[name]:
        value = bool(value) if isinstance(getattr(start, name), bool) else value
        scores = {set_name: score_set(articles, default_chooser(replace(start, **{name: value})),
                                      rouge)
                  for set_name, articles in sets.items()}
        cells = " | ".join(f"{score:.1f}" for set_name in sets for score in scores[set_name])
        shipped = " (shipped)" if value == getattr(start, name) else ""
        lines.append(f"| {value}{shipped} | {cells} | {min(margins(scores, targets)):+.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None,
                        help="use N rows of each file, evenly spread")
    parser.add_argument("--write", action="store_true", help=f"write briefing/{WEIGHTS_FILE}")
    parser.add_argument("--start", default="shipped",
                        help='"shipped", "round" (the pre-fit values) or weights as JSON')
    parser.add_argument("--sets", default="cnndm-dev,bbc-dev",
                        help="fit on these files only (to see how far one kind of news goes)")
    parser.add_argument("--rounds", type=int, default=ROUNDS,
                        help="passes over the weights (0: only score the start)")
    parser.add_argument("--random", type=int, default=0,
                        help="first try N settings drawn from the grid, start from the best")
    parser.add_argument("--sweep", metavar="WEIGHT", default=None,
                        help="only print the trade-off: the start with WEIGHT at each grid value")
    args = parser.parse_args(argv)

    rouge = Rouge1()
    names = args.sets.split(",")
    sets = {name: prepare(name, args.limit, rouge) for name in names}
    targets = {}
    if "cnndm-dev" in sets:
        lead = score_set(sets["cnndm-dev"], lead_chooser, rouge)
        targets["cnndm-dev"] = (lead[0] + 1, lead[1] + 1)
    if "bbc-dev" in sets:
        targets["bbc-dev"] = (BBC_BEST_SUMY[0] - 1, BBC_BEST_SUMY[1] - 1)
    print(f"targets (F1@{POINTS}, recall@{BUDGET_WORDS}w): {targets}")
    if args.start in ("shipped", "round"):
        start = shipped_weights() if args.start == "shipped" else Weights()
    else:
        start = Weights(**json.loads(args.start))
    if args.sweep:
        print(sweep(sets, targets, start, args.sweep, rouge))
        return 0
    if args.random:
        start = random_start(sets, targets, start, rouge, args.random)
    weights, scores = fit(sets, targets, start, rouge, args.rounds)
    print(f"fitted: {json.dumps(asdict(weights))}")
    print(f"scores: {scores}; margins: {[round(m, 2) for m in margins(scores, targets)]}")
    if args.write:
        path = ROOT / "briefing" / WEIGHTS_FILE
        path.write_text(json.dumps(asdict(weights), indent=2) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
