"""Bench the briefing's actor sections as a reader sees them: headings, stories, what is left out.

    python bench/sections.py [--labels FILE] [--days N] [--show-unlabelled] [--quiet]

Builds briefings for a fixed set of seeded days drawn from ``../shared/data/bbc-dev.jsonl``
and ``../shared/data/cnndm-dev.jsonl`` (40-60 articles each; one BBC day of business news
only), plus the seed article. For each day it prints every heading with its kind and point
count, the headings per shown story (mean, max), the stories shown and listed under "Also
today", and whether every article was summarised or listed by headline. Then it prints the
heading precision against the hand-checked label file ``bench/data/headings.jsonl``: each
heading a judge accepts or rejects, and why. A heading with no label counts as unlabelled,
not as right.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from briefing.models import Article, Briefing  # noqa: E402
from briefing.pipeline import build_briefing  # noqa: E402
from briefing.sources.files import read_inputs  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
LABELS = Path(__file__).resolve().parent / "data" / "headings.jsonl"
SEEDS = ROOT / "seeds"
DATE = dt.date(2026, 12, 1)


@dataclass(frozen=True)
class Day:
    """One bench day: a name and its articles."""

    name: str
    articles: tuple[Article, ...]


def _read(path: Path, source: str) -> list[Article]:
    articles = []
    for line in path.read_text("utf-8").splitlines():
        row = json.loads(line)
        if not row.get("title"):
            continue  # the untitled CNN/DM rows have no headline to list
        articles.append(Article(row["id"], row["title"], row["text"], url=row.get("url"),
                                source=source))
    return articles


def bench_days(count: int = 8) -> list[Day]:
    """The fixed days: seeded samples of 40-60 articles, alternating the two files."""
    bbc = _read(DATA / "bbc-dev.jsonl", "BBC News")
    cnndm = _read(DATA / "cnndm-dev.jsonl", "CNN")
    business = [a for a, row in zip(bbc, _rows(DATA / "bbc-dev.jsonl"), strict=True)
                if row.get("category") == "business"]
    days = []
    for number in range(count):
        rng = random.Random(1700 + number)
        size = 60 if number in (0, 1) else rng.randint(40, 60)
        if number == 2:
            pool, name = business, "bbc-business"
        else:
            pool, name = (bbc, "bbc") if number % 2 == 0 else (cnndm, "cnndm")
        days.append(Day(f"{name}-{number}-{size}", tuple(rng.sample(pool, size))))
    seed = read_inputs([SEEDS]).articles
    days.append(Day("seed", tuple(seed)))
    return days


def _rows(path: Path) -> list[dict]:
    return [row for row in map(json.loads, path.read_text("utf-8").splitlines())
            if row.get("title")]


def read_labels(path: Path) -> dict[tuple[str, str, str, tuple[str, ...]], dict]:
    """(day, heading, kind, story headlines) -> the label row: {"accept": bool, "why": str}.

    A heading is judged with the stories under it that day: "Russia" is right over a
    story about Russia and wrong over one about a Russian company. When the code files
    other stories under it, the old judgement no longer applies and it is unlabelled.
    """
    labels = {}
    if path.exists():
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                labels[(row["day"], row["heading"], row["kind"], tuple(row["stories"]))] = row
    return labels


@dataclass
class DayResult:
    """What one day's briefing showed."""

    name: str
    articles: int
    headings: list[tuple[str, str, int, int]]  # name, kind, stories, points
    shown: list[tuple[str, list[str]]]  # per heading: its stories' titles and first points
    headings_per_story: list[int]
    stories_shown: int
    stories_listed: int
    uncovered: int  # articles neither summarised nor listed by headline
    html_bytes: int
    seconds: float


def run_day(day: Day) -> tuple[DayResult, Briefing]:
    """Build and render one day's briefing and measure its sections."""
    from briefing.output.render import render

    started = time.perf_counter()
    briefing = build_briefing(day.articles, DATE)
    seconds = time.perf_counter() - started
    html = render(briefing, "bench").html
    headings = []
    shown_text = []
    under: dict[str, set[str]] = {}
    for section in briefing.sections:
        if section.actor is None:
            continue
        headings.append((section.actor.name, section.actor.kind, len(section.stories),
                         len(section.points)))
        shown_text.append((section.actor.name, [
            f"{story.title} | {story.points[0].point.text[:160]}" for story in section.stories]))
        for story in section.stories:
            under.setdefault(story.story, set()).add(section.actor.name)
    shown = {source for s in briefing.sections for story in s.stories for source in story.sources}
    stories = {story.id: story for story in briefing.stories}
    listed = {a for i in briefing.left_out for a in stories[i].article_ids}
    uncovered = sum(1 for a in briefing.articles if a.id not in shown and a.id not in listed)
    shown_stories = sum(len(s.stories) for s in briefing.sections)
    per_story = [len(v) for v in under.values()]
    return DayResult(day.name, len(day.articles), headings, shown_text, per_story,
                     shown_stories, len(briefing.left_out), uncovered,
                     len(html.encode("utf-8")), seconds), briefing


def _label_key(result: DayResult, name: str, kind: str) -> tuple[str, str, str, tuple[str, ...]]:
    titles = tuple(line.split(" | ", 1)[0] for line in dict(result.shown)[name])
    return result.name, name, kind, titles


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--days", type=int, default=8, help="sampled days (the seed is added)")
    parser.add_argument("--show-unlabelled", action="store_true",
                        help="print unlabelled headings as JSON lines to label")
    parser.add_argument("--quiet", action="store_true", help="print the summary only")
    parser.add_argument("--stories", action="store_true",
                        help="under each heading, print its stories' titles and first points")
    args = parser.parse_args(argv)
    labels = read_labels(args.labels)
    results = []
    unlabelled: dict[tuple[str, str, str], list[str]] = {}
    for day in bench_days(args.days):
        result, _ = run_day(day)
        results.append(result)
        if not args.quiet:
            print(f"\n{result.name}: {result.articles} articles, {result.stories_shown} stories "
                  f"shown, {result.stories_listed} listed under 'Also today', "
                  f"{result.uncovered} uncovered, HTML {result.html_bytes / 1000:.1f} KB")
        for name, kind, stories, points in result.headings:
            label = labels.get(_label_key(result, name, kind))
            mark = "?" if label is None else ("ok" if label["accept"] else "REJECT")
            if label is None:
                unlabelled[(result.name, name, kind)] = dict(result.shown)[name]
            if not args.quiet:
                print(f"  {mark:6} {name} ({kind}): {stories} stories, {points} points")
            if args.stories:
                for line in dict(result.shown)[name]:
                    print(f"           - {line}")
    headings = [_label_key(r, n, k) for r in results for n, k, _, _ in r.headings]
    judged = [labels[h] for h in headings if h in labels]
    accepted = sum(1 for label in judged if label["accept"])
    per_story = [n for r in results for n in r.headings_per_story]
    print("\nsummary over", len(results), "days (", sum(r.articles for r in results),
          "articles)")
    print(f"  headings shown: {len(headings)}; labelled {len(judged)}, "
          f"accepted {accepted}, rejected {len(judged) - accepted}, "
          f"unlabelled {len(headings) - len(judged)}")
    if judged:
        print(f"  heading precision: {100 * accepted / len(judged):.1f}% of labelled headings")
    if per_story:
        print(f"  headings per shown story: mean {sum(per_story) / len(per_story):.2f}, "
              f"max {max(per_story)}")
    print(f"  stories shown {sum(r.stories_shown for r in results)}, listed under 'Also "
          f"today' {sum(r.stories_listed for r in results)}; articles neither summarised nor "
          f"listed: {sum(r.uncovered for r in results)}")
    print(f"  largest HTML {max(r.html_bytes for r in results) / 1000:.1f} KB; "
          f"build time {sum(r.seconds for r in results):.1f} s")
    if args.show_unlabelled:
        for (day, name, kind), stories in unlabelled.items():
            print(json.dumps({"day": day, "heading": name, "kind": kind, "accept": None,
                              "why": "", "stories": stories}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
