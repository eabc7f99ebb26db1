"""Command line: parse arguments, call the library, print results.

The only module, with config, that looks at `sys.argv` and the terminal.
`python run_briefing.py` with no command generates today's briefing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from . import summarize as summarizers
from .config import ConfigError, load_config
from .sources import UnusableInput, decode_text, parse_jsonl
from .text import to_document

log = logging.getLogger("briefing")


class CommandError(Exception):
    """A failure the user can fix; shown as one line, exit code 1."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-28") from None


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return number


def _algorithm(text: str) -> str:
    if text not in summarizers.ALGORITHMS:
        choices = ", ".join(summarizers.ALGORITHMS)
        raise argparse.ArgumentTypeError(f"unknown algorithm {text!r}; choose from {choices}")
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="run_briefing.py",
        description="Turn a day's news articles into a short briefing grouped by actor. "
        "With no command, generates today's briefing from the configured inputs "
        "(default: seeds/) into out/.",
        epilog="Settings come from .env and the environment; see config.example.env.",
    )
    parser.add_argument("--env-file", type=Path, default=Path(".env"),
                        help="settings file to read (default: .env)")
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    verbosity.add_argument("-q", "--quiet", action="store_true",
                           help="only errors; no progress output")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    generate = commands.add_parser(
        "generate", help="build a briefing and write it to files",
        description="Build a briefing from files and folders of articles and write "
        "briefing-DATE.html, .txt, .json and .eml into the output folder.",
    )
    generate.add_argument("inputs", nargs="*", type=Path, metavar="INPUT",
                          help="article files or folders (.txt .md .html .jsonl); "
                          "default: BRIEFING_INPUTS")
    generate.add_argument("--out", type=Path, help="output folder (default: OUTPUT_DIR)")
    generate.add_argument("--date", type=_date, help="briefing date, YYYY-MM-DD (default: today)")
    generate.add_argument("--no-cluster", dest="cluster", action="store_false", default=None,
                          help="list each article on its own instead of grouping articles "
                          "about one event into a story (default: CLUSTER_STORIES)")
    _add_summary_options(generate)
    _add_web_options(generate)
    generate.set_defaults(handler=run_generate)

    summarize = commands.add_parser(
        "summarize", help="print key points of each article in a JSONL file",
        description="Print one JSON object per article: "
        '{"id": ..., "points": [{"text": ..., "index": ..., "score": ...}]}, best point first.',
    )
    summarize.add_argument("file", type=Path, metavar="FILE.jsonl",
                           help="one article a line: id, title, text")
    _add_summary_options(summarize)
    summarize.set_defaults(handler=run_summarize)

    _add_preview_command(commands)
    return parser


def _add_summary_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--algorithm", type=_algorithm, metavar="NAME",
                        help=f"summarizer: {', '.join(summarizers.ALGORITHMS)} "
                        f"(default: {summarizers.DEFAULT_ALGORITHM})")
    parser.add_argument("--points", type=_positive, metavar="N",
                        help="key points per article (default: POINTS, 3)")


def _web_url(text: str) -> str:
    if not text.lower().startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(f"{text!r} is not an http(s) URL")
    return text


def _since(text: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a time like 2026-11-27T18:00 or 2026-11-27") from None
    return when if when.tzinfo else when.astimezone()  # naive means local time


def _add_web_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--feed", action="append", default=[], type=_web_url, metavar="URL",
                        help="an RSS or Atom feed to read (repeatable; adds to FEEDS)")
    parser.add_argument("--url", action="append", default=[], type=_web_url, metavar="URL",
                        help="an article page to fetch (repeatable; adds to URLS)")
    parser.add_argument("--since", type=_since, metavar="TIME",
                        help="take feed entries published from TIME (ISO 8601; default: "
                        "the last briefing, else the last 24 hours)")


class TerminalProgress:
    """A one-line progress counter on a terminal; silent elsewhere."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.enabled and (done == total or done % 10 == 0):
            unit = {"feeds": "feeds", "pages": "pages"}.get(stage, "articles")
            sys.stderr.write(f"\r{stage}: {done}/{total} {unit}\x1b[K")
            sys.stderr.flush()
            self.shown = True
            if done == total:  # a finished stage keeps its line; logs start below it
                self.finish()

    def finish(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            self.shown = False


def run_generate(args: argparse.Namespace) -> int:
    from .feeds import collect, record_briefing
    from .pipeline import generate

    config = args.config
    date = args.date or dt.date.today()
    progress = TerminalProgress(enabled=not args.quiet)
    try:
        web = collect(config, args.feed, args.url, since=args.since, out_dir=args.out,
                      progress=progress)
        files = args.inputs or ([] if web else None)  # web sources replace the default seeds
        edition = generate(config, date, files, args.out,
                           algorithm=args.algorithm, points=args.points, progress=progress,
                           cluster=args.cluster,
                           extra_articles=web.harvest.articles if web else (),
                           extra_problems=web.harvest.problems if web else ())
    finally:
        progress.finish()
    if web and edition.briefing.articles:
        record_briefing(web.state_dir, web.started, web.behind)
    briefing = edition.briefing
    if not briefing.articles and web and not briefing.problems:
        raise CommandError("no usable articles: nothing new in the feeds since "
                           f"{web.since:%Y-%m-%d %H:%M %Z} and nothing else to brief")
    if not briefing.articles:
        raise CommandError("no usable articles: nothing to brief (see the lines above)")
    actors = sum(1 for section in briefing.sections if section.actor)
    points = sum(len(section.points) for section in briefing.sections)
    print(f"Briefing for {date}: {points} key points from {len(briefing.articles)} "
          f"article(s) in {len(briefing.stories)} story(ies), {actors} actor group(s), "
          f"{len(briefing.problems)} input(s) skipped.")
    for kind, path in edition.paths.items():
        print(f"  {kind:4} {path}")
    print(f"Open {edition.paths['html']} in a browser to read it. Not e-mailed: "
          "this command only writes files.")
    return 0


def run_summarize(args: argparse.Namespace) -> int:
    config = args.config
    algorithm = args.algorithm or config.algorithm or summarizers.DEFAULT_ALGORITHM
    count = args.points or config.points
    try:
        text = decode_text(args.file.read_bytes(), config.max_article_bytes)
    except (OSError, UnusableInput) as error:
        raise CommandError(f"{args.file}: {getattr(error, 'strerror', None) or error}") from None
    articles, problems = parse_jsonl(text, origin=str(args.file))
    for problem in problems:
        log.warning("skipped %s: %s", problem.source, problem.reason)
    for article in articles:
        document = to_document(article, config.language)
        points = summarizers.summarize(document, count, algorithm, config.language)
        record = {
            "id": article.id,
            "points": [{"text": p.text, "index": p.index, "score": p.score} for p in points],
        }
        print(json.dumps(record, ensure_ascii=False), flush=False)
    if not articles:
        raise CommandError(f"{args.file}: no usable articles")
    return 0


def _port(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = -1
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number from 0 to 65535")
    return number


def _add_preview_command(commands: argparse._SubParsersAction) -> None:
    """Register `preview`: build the briefing and serve it to a browser on loopback."""
    from .preview import DEFAULT_HOST, DEFAULT_PORT

    preview = commands.add_parser(
        "preview", help="serve the briefing to your browser, rebuilt as you edit",
        description="Build the briefing, serve it on http://127.0.0.1:PORT/ and open it in "
        "a browser. The page shows exactly the e-mailed HTML, with a switch to the plain "
        "text; after you edit a template or an input, reload to see the change. Ctrl-C stops.",
    )
    preview.add_argument("inputs", nargs="*", type=Path, metavar="INPUT",
                         help="article files or folders; default: BRIEFING_INPUTS")
    preview.add_argument("--out", type=Path, help="output folder (default: OUTPUT_DIR)")
    preview.add_argument("--date", type=_date, help="briefing date, YYYY-MM-DD (default: today)")
    _add_summary_options(preview)
    preview.add_argument("--port", type=_port, default=DEFAULT_PORT,
                         help=f"port to listen on; a free one if taken, 0 for any "
                         f"(default: {DEFAULT_PORT})")
    preview.add_argument("--host", default=DEFAULT_HOST,
                         help=f"address to listen on (default: {DEFAULT_HOST}, this machine only)")
    preview.add_argument("--no-open", action="store_true", help="do not open a browser")
    preview.set_defaults(handler=run_preview)


def run_preview(args: argparse.Namespace) -> int:
    import webbrowser

    from .pipeline import generate
    from .preview import LiveEdition, bind, is_loopback, make_handler, server_url, watched_paths

    config = args.config
    date = args.date or dt.date.today()
    inputs = list(args.inputs or config.briefing_inputs)
    out_dir = args.out or config.output_dir
    live = LiveEdition(
        lambda: generate(config, date, inputs, out_dir,
                         algorithm=args.algorithm, points=args.points),
        watch=watched_paths(inputs, config.templates_dir, config.aliases_file),
        exclude=[out_dir],
    )
    first = live.current()
    if isinstance(first, Exception):
        print(f"The briefing could not be built yet: {first}", flush=True)
    try:
        server = bind(args.host, args.port, make_handler(live))
    except OSError as error:
        raise CommandError(f"cannot listen on {args.host}:{args.port}: {error.strerror}") from None
    if not is_loopback(args.host):
        log.warning("listening on %s: other machines can read this briefing", args.host)
    url = server_url(server)
    if server.server_address[1] != args.port and args.port != 0:
        print(f"Port {args.port} is taken; using {server.server_address[1]}.")
    print(f"Previewing the briefing for {date} at {url}  (Ctrl-C to stop)", flush=True)
    if not args.no_open:
        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("Preview stopped.", flush=True)
    finally:
        server.server_close()
    return 0


def configure_logging(verbose: bool, quiet: bool, level_name: str) -> None:
    level = logging.DEBUG if verbose else logging.ERROR if quiet else getattr(
        logging, level_name.upper(), logging.INFO)
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s",
                        stream=sys.stderr, force=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args([*(argv if argv is not None else sys.argv[1:]), "generate"])
    try:
        args.config = load_config(env_file=args.env_file)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    configure_logging(args.verbose, args.quiet, args.config.log_level)
    try:
        return args.handler(args)
    except CommandError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
