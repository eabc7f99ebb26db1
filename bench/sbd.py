"""Benchmark the sentence splitter: Golden Rules score and articles per second.

Usage: python bench/sbd.py [--golden PATH] [--articles PATH]

Prints the English Golden Rules score, the rules that fail, and the speed of
splitting every paragraph of the BBC articles (best of three passes on one
core). When pySBD is installed it is measured the same way for comparison.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
sys.path.insert(0, str(ROOT))

from briefing.nlp.sentences import split_sentences  # noqa: E402

Splitter = Callable[[str], list[str]]
PASSES = 3


def read_jsonl(path: Path) -> list[dict]:
    """One dict per non-blank line of a JSON Lines file."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def golden_failures(split: Splitter, rules: Iterable[dict]) -> tuple[int, list[dict]]:
    """How many rules the splitter passes, and the rules it fails."""
    passed, failed = 0, []
    for rule in rules:
        got = [sentence.strip() for sentence in split(rule["text"])]
        want = [sentence.strip() for sentence in rule["sentences"]]
        if got == want:
            passed += 1
        else:
            failed.append(rule)
    return passed, failed


def paragraphs_of(articles: Iterable[dict]) -> list[list[str]]:
    """Each article's paragraphs: its text cut at blank lines, blanks dropped."""
    return [
        [paragraph for paragraph in article["text"].split("\n\n") if paragraph.strip()]
        for article in articles
    ]


def best_time(split: Splitter, articles: list[list[str]]) -> tuple[float, int]:
    """Fastest of PASSES runs over all articles, in seconds, and the sentences found."""
    best, sentences = float("inf"), 0
    for _ in range(PASSES):
        started = time.perf_counter()
        sentences = sum(len(split(paragraph)) for article in articles for paragraph in article)
        best = min(best, time.perf_counter() - started)
    return best, sentences


def report(name: str, split: Splitter, rules: list[dict], articles: list[list[str]]) -> None:
    """Print one splitter's score, failed rules and speed."""
    passed, failed = golden_failures(split, rules)
    seconds, sentences = best_time(split, articles)
    print(f"{name}")
    print(f"  Golden Rules (English): {passed}/{len(rules)}")
    for rule in failed:
        print(f"  failed: {rule.get('id', '?')} {rule['rule']}")
    print(
        f"  {len(articles)} articles, {sentences} sentences in {seconds:.3f} s: "
        f"{len(articles) / seconds:,.0f} articles/s, {sentences / seconds:,.0f} sentences/s"
    )


def pysbd_splitter() -> Splitter | None:
    """pySBD's English segmenter for comparison, or None when it is not installed."""
    try:
        import pysbd
    except ImportError:
        return None
    segmenter = pysbd.Segmenter(language="en", clean=False)
    return lambda text: [s.strip() for s in segmenter.segment(text) if s.strip()]


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--golden", type=Path, default=DATA / "sbd-golden-en.jsonl")
    parser.add_argument("--articles", type=Path, default=DATA / "bbc-dev.jsonl")
    args = parser.parse_args(argv)

    rules = read_jsonl(args.golden)
    articles = paragraphs_of(read_jsonl(args.articles))
    report("briefing.nlp.sentences", split_sentences, rules, articles)
    other = pysbd_splitter()
    if other is not None:
        report("pysbd (comparison)", other, rules, articles)


if __name__ == "__main__":
    main()
