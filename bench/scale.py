"""Scale benchmark: the whole briefing, articles in to e-mail files out, at 10 to 2,000 articles.

    python bench/scale.py [DATA_PATH] [--sizes 10 100 1000 2000] [--workers 2] [--repeat 3]

DATA_PATH is a JSONL file of articles (`id`, `title`, `text`); the default is
`../shared/data/bbc-dev.jsonl` beside the repository. For each size N the first
N articles are written to a temporary JSONL file, repeating the collection when
it has fewer. A repeat must not be a duplicate that story grouping or point
merging would fold into its original, or 2,000 articles would cost what 1,089
do, so copy k of an article (k >= 2) gets the id `ID~k`, is dated 3 days after
the previous copy (beyond the 48-hour story window; originals are dated
2026-01-05) and has every lower-case word outside the collection's 300
commonest swapped by a permutation of those words fixed per copy. Names,
numbers, punctuation and common words stay, so every stage sees text of the
same shape and size: a new article, not a copy.

Each measurement runs in a fresh process, so its peak memory (RSS) is its own:

- *one core*: the edition service (`make_edition`) with 1 worker, the process pinned to one
  CPU. Every stage function the pipeline calls is wrapped in a timer, which
  gives the time per stage: read (files to articles), split (furniture
  filter and sentences), summarize (key points), stories (term counts,
  point stems, clustering and point merging), actors (alias book and
  gazetteers, names per article, naming and attribution), compose, render
  and inline (Jinja2 and premailer), write (e-mail message and the five
  files, fsynced). "other" is the rest of the run, including the garbage
  collection `generate` defers (it pauses the collector). The total is the
  wall time of the `generate` call and that collection (imports excluded, also
  those a stage makes on first use, such as premailer and numpy).
- *workers*: the same call with `--workers` processes, not pinned; its files
  must equal the one-core run's byte for byte.
- *whole process*: `python run_briefing.py --quiet generate FILE --workers 1`, pinned to one
  CPU, timed by the wall clock from start to exit (interpreter start, imports, every stage
  and the files written), with its own peak RSS; and `run_briefing.py --help` alone.
- *lex-rank*: sumy's LexRankSummarizer alone, pinned to one CPU, picking 3
  sentences of every article from its text (sumy's PlaintextParser with our
  Tokenizer, a drop-in for sumy's own, which needs NLTK data downloaded).

Each is run `--repeat` times and the fastest run is shown (peak RSS: the
largest). Prints two Markdown tables and asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc-dev.jsonl"
SIZES = (10, 100, 1000, 2000)
STAGES = ("read", "split", "summarize", "stories", "actors", "compose", "render", "write")
COMMON_WORDS = 300  # the commonest words stay in a copy; rarer ones are permuted
COPY_DAYS = 3  # a copy is dated this many days after the previous one
DATE = "2026-01-08"
_LOWER_WORD = re.compile(r"\b[a-z]{3,}\b")


# --- the input ----------------------------------------------------------------------------


def write_input(records: Sequence[dict], size: int, path: Path) -> Path:
    """The first `size` articles as JSONL at `path`, repeated as described above if needed."""
    counts = Counter(w for r in records for w in _LOWER_WORD.findall(f"{r['title']} {r['text']}"))
    rare = sorted(word for word, _ in counts.most_common()[COMMON_WORDS:])
    swaps: dict[int, dict[str, str]] = {}
    with path.open("w", encoding="utf-8") as out:
        for i in range(size):
            record = records[i % len(records)]
            copy = i // len(records) + 1
            article = {"id": str(record["id"]), "title": record["title"], "text": record["text"],
                       "published": f"2026-01-{5 + COPY_DAYS * (copy - 1):02d}T06:00:00+00:00"}
            if copy > 1:
                swap = swaps.setdefault(copy, _permutation(rare, seed=copy))
                article["id"] = f"{record['id']}~{copy}"
                article["title"] = _swap_words(record["title"], swap)
                article["text"] = _swap_words(record["text"], swap)
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
    return path


def _permutation(words: Sequence[str], seed: int) -> dict[str, str]:
    shuffled = list(words)
    random.Random(seed).shuffle(shuffled)
    return dict(zip(words, shuffled, strict=True))


def _swap_words(text: str, swap: dict[str, str]) -> str:
    return _LOWER_WORD.sub(lambda m: swap.get(m.group(), m.group()), text)


# --- one measurement, in its own process ----------------------------------------------------


def _one_core() -> None:
    """Pin this process to one CPU, where the platform allows."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def _peak_rss_mb(who: int) -> float:
    import resource

    return resource.getrusage(who).ru_maxrss / 1024  # kilobytes on Linux


def _config():
    from briefing.app.config import load_config

    # No .env, default settings; one input file may hold the whole day.
    return load_config(env_file=Path(os.devnull), environ={"MAX_ARTICLE_BYTES": str(10**9)})


def _time_stages(seconds: dict[str, float]) -> None:
    """Wrap every stage function the edition service calls in a timer adding to `seconds`.

    The pipeline's per-article stages are patched where `briefing.pipeline` looks them up;
    the edition's own steps in their modules, which it imports when it runs.
    """
    import importlib

    stage_of = {
        "briefing.sources.files:read_inputs": "read",
        "briefing.pipeline:to_document": "split", "briefing.pipeline:summarize": "summarize",
        "briefing.pipeline:term_counts": "stories", "briefing.pipeline:point_words": "stories",
        "briefing.pipeline:build_stories": "stories", "briefing.actors:load_aliases": "actors",
        "briefing.pipeline:name_reader": "actors", "briefing.pipeline:tag_names": "actors",
        "briefing.pipeline:read_names": "actors", "briefing.pipeline:find_actors": "actors",
        "briefing.pipeline:compose": "compose", "briefing.output.render:render": "render",
        "briefing.output.message:build_message": "write",
        "briefing.output.files:write_briefing": "write", "briefing.storage:write_atomic": "write",
    }
    for where, stage in stage_of.items():
        module_name, name = where.split(":")
        module = importlib.import_module(module_name)
        setattr(module, name, _timed(getattr(module, name), stage, seconds))


def _timed(function: Callable, stage: str, seconds: dict[str, float]) -> Callable:
    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            seconds[stage] += time.perf_counter() - start

    return timed


def _import_on_first_use() -> None:
    """Import now what a run imports when a stage first needs it (premailer when the HTML is
    inlined, numpy for a big day's stories), so the in-process table times the stages' work;
    the whole-process table counts every import."""
    import numpy  # noqa: F401

    from briefing.output.render import _premailer

    _premailer()


def measure_generate(source: Path, out: Path, workers: int) -> dict:
    """Run `generate` once; with 1 worker on one core and stage by stage."""
    import datetime as dt

    from briefing.app.edition import Request, make_edition

    seconds: dict[str, float] = defaultdict(float)
    if workers == 1:
        _one_core()
        _time_stages(seconds)
    _import_on_first_use()
    config = _config()
    start = time.perf_counter()
    edition = make_edition(config.with_values(output_dir=out), dt.date.fromisoformat(DATE),
                           Request(inputs=[source], workers=workers))
    gc.collect()  # the collection generate put off (it pauses the collector) is its cost too
    total = time.perf_counter() - start
    return {
        "total": total, "stages": dict(seconds), "articles": len(edition.briefing.articles),
        "rss": _peak_rss_mb(0), "workers_rss": _peak_rss_mb(-1),  # RUSAGE_SELF, _CHILDREN
    }


def measure_lex_rank(source: Path) -> dict:
    """sumy's lex-rank alone over the same articles, 3 sentences each, on one core."""
    from sumy.nlp.stemmers import Stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.utils import get_stop_words

    from briefing.nlp.sentences import Tokenizer

    _one_core()
    texts = [json.loads(line)["text"] for line in source.read_text("utf-8").splitlines()]
    start = time.perf_counter()
    tokenizer = Tokenizer("english")
    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    for text in texts:
        summarizer(PlaintextParser.from_string(text, tokenizer).document, 3)
    return {"total": time.perf_counter() - start, "rss": _peak_rss_mb(0)}


def measure_process(*argv: str, work: Path) -> dict:
    """`run_briefing.py ARGV` as a user runs it, pinned to one CPU: wall time and peak RSS."""
    environment = {**os.environ, "MAX_ARTICLE_BYTES": str(10**9)}

    def pin() -> None:
        _one_core()

    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(ROOT / "run_briefing.py"), *argv], cwd=work,
                               env=environment, stdout=subprocess.DEVNULL, preexec_fn=pin)
    _, status, usage = os.wait4(process.pid, 0)
    total = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"run_briefing.py {' '.join(argv)} failed ({process.returncode})")
    return {"total": total, "rss": usage.ru_maxrss / 1024}


def best_process(repeat: int, *argv: str, work: Path) -> dict:
    runs = [measure_process(*argv, work=work) for _ in range(repeat)]
    return {"total": min(run["total"] for run in runs), "rss": max(run["rss"] for run in runs)}


def run_child(*args: str) -> dict:
    """One measurement in a fresh interpreter; its result is the last line it prints."""
    done = subprocess.run([sys.executable, __file__, "--child", *args], check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.splitlines()[-1])


def best_of(repeat: int, *args: str) -> dict:
    """The fastest of `repeat` runs, with the largest peak memory seen."""
    runs = [run_child(*args) for _ in range(repeat)]
    best = min(runs, key=lambda run: run["total"])
    return {**best, "rss": max(run["rss"] for run in runs),
            "workers_rss": max(run.get("workers_rss", 0.0) for run in runs)}


def same_files(first: Path, second: Path) -> bool:
    names = [f"briefing-{DATE}.{kind}" for kind in ("html", "txt", "json")]
    return all((first / n).read_bytes() == (second / n).read_bytes() for n in names)


# --- the tables ---------------------------------------------------------------------------


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    records = [json.loads(line) for line in args.data.read_text("utf-8").splitlines() if line]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{len(records)} articles in {args.data.name}; {cores} CPU cores; best of "
          f"{args.repeat} runs; times in seconds\n")
    rows = []
    with tempfile.TemporaryDirectory(prefix="briefing-scale-") as folder:
        for size in args.sizes:
            work = Path(folder) / str(size)
            work.mkdir()
            source = write_input(records, size, work / "day.jsonl")
            one = best_of(args.repeat, "generate", str(source), str(work / "one"), "1")
            many = best_of(args.repeat, "generate", str(source), str(work / "many"),
                           str(args.workers))
            lex = best_of(args.repeat, "lex-rank", str(source))
            whole = best_process(args.repeat, "--quiet", "generate", str(source), "--workers", "1",
                                 "--out", str(work / "process"), "--date", DATE, work=work)
            rows.append((size, one, many, lex, same_files(work / "one", work / "many"), whole))
            print(f"N={size}: done", file=sys.stderr)

    header = ["N", *STAGES, "other", "total"]
    print("Time per stage, 1 worker on one core:\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---:" for _ in header) + "|")
    for size, one, *_ in rows:
        stages = [one["stages"].get(stage, 0.0) for stage in STAGES]
        other = one["total"] - sum(stages)
        cells = [f"{size:,}", *(f"{s:.3f}" for s in stages), f"{other:.3f}", f"{one['total']:.2f}"]
        print("| " + " | ".join(cells) + " |")

    header = ["N", "total, 1 worker", "articles/s", "peak RSS MB",
              f"total, {args.workers} workers", "speed-up", "peak RSS MB (main / worker)",
              "same output",
              "sumy lex-rank alone", "ratio (1 worker / lex-rank)"]
    print("\nWhole briefing against sumy's lex-rank alone:\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---:" for _ in header) + "|")
    for size, one, many, lex, same, _ in rows:
        cells = [
            f"{size:,}", f"{one['total']:.2f}", f"{one['articles'] / one['total']:,.0f}",
            f"{one['rss']:.0f}", f"{many['total']:.2f}", f"{one['total'] / many['total']:.2f}x",
            f"{many['rss']:.0f} / {many['workers_rss']:.0f}", "yes" if same else "NO",
            f"{lex['total']:.2f}", f"{one['total'] / lex['total']:.2f}",
        ]
        print("| " + " | ".join(cells) + " |")

    with tempfile.TemporaryDirectory(prefix="briefing-help-") as folder:
        helped = best_process(max(args.repeat, 5), "--help", work=Path(folder))
    header = ["N", "whole process, 1 worker", "articles/s", "peak RSS MB",
              "sumy lex-rank alone", "ratio (process / lex-rank)"]
    print("\nWhole process (`run_briefing.py generate FILE --workers 1`, start to exit, "
          "one core):\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---:" for _ in header) + "|")
    for size, one, _, lex, _, whole in rows:
        seconds = whole["total"]
        cells = [f"{size:,}", f"{seconds:.2f}", f"{one['articles'] / seconds:,.0f}",
                 f"{whole['rss']:.0f}", f"{lex['total']:.2f}", f"{seconds / lex['total']:.2f}"]
        print("| " + " | ".join(cells) + " |")
    print(f"\n`run_briefing.py --help`: {helped['total']:.3f} s (best of {max(args.repeat, 5)}), "
          f"peak RSS {helped['rss']:.0f} MB")


def child(args: Sequence[str]) -> None:
    if args[0] == "generate":
        result = measure_generate(Path(args[1]), Path(args[2]), int(args[3]))
    else:
        result = measure_lex_rank(Path(args[1]))
    print(json.dumps(result))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2:])
    else:
        main(sys.argv[1:])
