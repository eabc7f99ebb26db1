"""Command line: parse arguments, call the edition service, print results.

The only module, with config, that looks at `sys.argv` and the terminal. Every
command that makes a briefing asks `briefing.app.edition.make_edition` for it,
so `generate`, `preview`, `send` and `schedule` agree on its content. Modules
are imported when a command needs them, so `--help` starts fast.
`python run_briefing.py` with no command generates today's briefing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.app.config import ConfigError, load_config

if TYPE_CHECKING:  # imported when a command runs: `--help` loads none of the pipeline
    from briefing.app.edition import Edition
    from briefing.deliver import Outcome, SmtpSettings
    from briefing.models import Article

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
    from briefing.summarize import ALGORITHMS

    if text not in ALGORITHMS:
        choices = ", ".join(ALGORITHMS)
        raise argparse.ArgumentTypeError(f"unknown algorithm {text!r}; choose from {choices}")
    return text


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("briefing")
    except PackageNotFoundError:
        return "(not installed)"


class _VersionAction(argparse.Action):
    """`--version`, looked up only when asked for: package metadata is slow to read."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        parser.exit(message=f"{parser.prog} {_version()}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        # As the user started it: `run_briefing.py` from a clone, `briefing` once installed.
        prog="briefing" if Path(sys.argv[0]).name == "briefing" else "run_briefing.py",
        description="Turn a day's news articles into a short briefing grouped by actor. "
        "With no command, generates today's briefing from the configured inputs "
        "(default: seeds/) into out/.",
        epilog="examples:\n"
        "  run_briefing.py                              today's briefing from seeds/ into out/\n"
        "  run_briefing.py generate news/ --points 4    from a folder of articles\n"
        "  run_briefing.py generate --feed URL          from an RSS or Atom feed\n"
        "  run_briefing.py preview                      see it in your browser\n"
        "  run_briefing.py send --dry-run               build the e-mail, send nothing\n"
        "  run_briefing.py schedule                     send it every day at BRIEFING_TIME\n\n"
        "Settings come from .env and the environment; see config.example.env.\n"
        "Each command has its own --help.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_VersionAction, nargs=0,
                        help="show the version and exit")
    parser.add_argument("--env-file", type=Path, default=Path(".env"),
                        help="settings file to read (default: .env)")
    _add_verbosity(parser, default=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    # -v and -q work after the command name too: `generate ... -q`.
    common = argparse.ArgumentParser(add_help=False)
    _add_verbosity(common, default=argparse.SUPPRESS)
    original_add_parser = commands.add_parser

    def add_parser(name: str, **kwargs):  # every command takes the common options
        return original_add_parser(name, parents=[common], **kwargs)

    commands.add_parser = add_parser  # type: ignore[method-assign]

    generate = commands.add_parser(
        "generate", help="build a briefing and write it to files",
        description="Build a briefing from files and folders of articles and write "
        "briefing-DATE.html, .txt, .json and .eml into the output folder.",
    )
    generate.add_argument("inputs", nargs="*", type=Path, metavar="INPUT",
                          help="article files or folders (.txt .md .html .jsonl); "
                          "default: BRIEFING_INPUTS")
    generate.add_argument("--out", type=Path, help="output folder (default: OUTPUT_DIR)")
    generate.add_argument("--date", type=_date, help="briefing date, YYYY-MM-DD "
                          "(default: today in BRIEFING_TIMEZONE)")
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
    _add_delivery_commands(commands)
    return parser


def _add_verbosity(parser: argparse.ArgumentParser, default: object) -> None:
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-v", "--verbose", action="store_true", default=default,
                           help="log debug detail")
    verbosity.add_argument("-q", "--quiet", action="store_true", default=default,
                           help="only errors; no progress output")


def _add_summary_options(parser: argparse.ArgumentParser) -> None:
    from briefing.summarize import ALGORITHMS, DEFAULT_ALGORITHM

    parser.add_argument("--algorithm", type=_algorithm, metavar="NAME",
                        help=f"summarizer: {', '.join(ALGORITHMS)} "
                        f"(default: {DEFAULT_ALGORITHM})")
    parser.add_argument("--points", type=_positive, metavar="N",
                        help="key points per article (default: POINTS, 3)")
    _add_workers_option(parser)


def _add_workers_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=_positive, metavar="N",
                        help="processes that summarize articles in parallel; the briefing is "
                        "the same for any number (default: WORKERS, one per CPU core)")


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


def _settings(args: argparse.Namespace):
    """The settings with this command's `--out` applied, so every path (outputs, archive,
    state folder) follows it."""
    return args.config.with_values(output_dir=getattr(args, "out", None))


def _request(args: argparse.Namespace, **changes):
    """What the command line asks of the edition beyond the settings."""
    from briefing.app.edition import Request

    return Request(
        inputs=getattr(args, "inputs", None) or None,
        feeds=getattr(args, "feed", ()),
        pages=getattr(args, "url", ()),
        since=getattr(args, "since", None),
        algorithm=getattr(args, "algorithm", None),
        points=getattr(args, "points", None),
        cluster=getattr(args, "cluster", None),
        workers=getattr(args, "workers", None),
        **changes,
    )


def _make(args: argparse.Namespace, config, date: dt.date, **changes) -> Edition:
    """The day's edition, with a progress line on a terminal."""
    from briefing.app.edition import make_edition

    progress = TerminalProgress(enabled=not args.quiet)
    try:
        return make_edition(config, date, _request(args, **changes), progress)
    finally:
        progress.finish()


def run_generate(args: argparse.Namespace) -> int:
    from briefing.app.edition import nothing_to_brief, today

    config = _settings(args)
    date = args.date or today(config)
    edition = _make(args, config, date)
    edition.record_sources()  # written: the next briefing starts where this one ended
    reason = nothing_to_brief(edition, date)
    if reason:
        raise CommandError(reason)
    briefing = edition.briefing
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


def _summary_record(article: Article, count: int, algorithm: str, language: str) -> dict:
    """One article's line of `summarize` output; module-level so worker processes can run it."""
    from briefing.nlp.text import to_document
    from briefing.summarize import summarize

    document = to_document(article, language)
    points = summarize(document, count, algorithm, language)
    return {
        "id": article.id,
        "points": [{"text": p.text, "index": p.index, "score": p.score} for p in points],
    }


def run_summarize(args: argparse.Namespace) -> int:
    import functools

    from briefing.pipeline import map_articles
    from briefing.sources.files import UnusableInput, parse_jsonl, read_text
    from briefing.summarize import DEFAULT_ALGORITHM

    config = args.config
    algorithm = args.algorithm or config.algorithm or DEFAULT_ALGORITHM
    count = args.points or config.points
    try:
        text = read_text(args.file, config.max_article_bytes)  # refused by size before reading
    except (OSError, UnusableInput) as error:
        raise CommandError(f"{args.file}: {getattr(error, 'strerror', None) or error}") from None
    articles, problems = parse_jsonl(text, origin=str(args.file))
    for problem in problems:
        log.warning("skipped %s: %s", problem.source, problem.reason)
    work = functools.partial(_summary_record, count=count, algorithm=algorithm,
                             language=config.language)
    for record in map_articles(work, articles, args.workers or config.workers):
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


# The preview's address; here, so that `--help` need not load the HTTP server.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8025


def _add_preview_command(commands: argparse._SubParsersAction) -> None:
    """Register `preview`: build the briefing and serve it to a browser on loopback."""
    preview = commands.add_parser(
        "preview", help="serve the briefing to your browser, rebuilt as you edit",
        description="Build the briefing, serve it on http://127.0.0.1:PORT/ and open it in "
        "a browser. The page shows exactly the e-mailed HTML, with a switch to the plain "
        "text; after you edit a template or an input, reload to see the change. Ctrl-C stops.",
    )
    preview.add_argument("inputs", nargs="*", type=Path, metavar="INPUT",
                         help="article files or folders; default: BRIEFING_INPUTS")
    preview.add_argument("--out", type=Path, help="output folder (default: OUTPUT_DIR)")
    preview.add_argument("--date", type=_date, help="briefing date, YYYY-MM-DD "
                         "(default: today in BRIEFING_TIMEZONE)")
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

    from briefing.app.edition import Request, make_edition, today
    from briefing.app.preview import (
        LiveEdition,
        bind,
        make_handler,
        server_url,
        watched_paths,
    )
    from briefing.network import is_loopback
    from briefing.sources import configured_inputs
    from briefing.sources.web import FETCHED_FILE

    config = _settings(args)
    date = args.date or today(config)
    # Files as the edition reads them; feeds and pages are never fetched on a reload: the
    # articles the last `generate` or `send` fetched are shown again.
    inputs = configured_inputs(config, Request(inputs=args.inputs))
    request = _request(args, fetch=False)
    live = LiveEdition(
        lambda: make_edition(config, date, request),
        watch=[*watched_paths(inputs, config.templates_dir, config.aliases_file),
               config.state_dir / FETCHED_FILE],
        exclude=[config.output_dir],
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


# --- delivery: `send` and `schedule` ------------------------------------------

EX_TEMPFAIL = 75  # sysexits.h: try again later; the message waits in the outbox


def _add_delivery_commands(commands: argparse._SubParsersAction) -> None:
    send = commands.add_parser(
        "send", help="e-mail a day's briefing once (outbox, ledger, retries)",
        description="Build the day's briefing, put it in the outbox and send it through "
        "SMTP_HOST; retry messages left in the outbox by earlier runs. A date in the "
        "sent ledger is not sent again without --force. Exit 0 when sent, 75 when kept "
        "in the outbox for a later run, 1 on a refusal or a setup problem.",
    )
    send.add_argument("--date", type=_date,
                      help="briefing date, YYYY-MM-DD (default: today in BRIEFING_TIMEZONE)")
    send.add_argument("--force", action="store_true",
                      help="send even if the ledger says this date was sent")
    send.add_argument("--dry-run", action="store_true",
                      help="build and write the outbox file; connect to nothing")
    _add_workers_option(send)
    send.set_defaults(handler=run_send)

    plan = commands.add_parser(
        "schedule", help="stay running and send each day's briefing at BRIEFING_TIME",
        description="Send today's briefing daily at BRIEFING_TIME in BRIEFING_TIMEZONE, "
        "catch up on a missed one after sleep or restart, and retry the outbox every "
        "SCHEDULE_CHECK_MINUTES. Stops cleanly on SIGTERM or Ctrl-C.",
    )
    plan.add_argument("--once", action="store_true",
                      help="run one due check and exit (for cron)")
    _add_workers_option(plan)
    plan.set_defaults(handler=run_schedule)


def _require_mail_settings(smtp: SmtpSettings, sender: str, recipients: tuple[str, ...]) -> None:
    from briefing.deliver import DeliveryFailure, check_security

    if not smtp.host:
        raise CommandError("SMTP_HOST is not set: nowhere to send the briefing "
                           "(see config.example.env; `generate` only writes files)")
    if not sender or not recipients:
        raise CommandError("BRIEFING_FROM and BRIEFING_TO must be set to send the briefing")
    try:
        check_security(smtp)
    except DeliveryFailure as failure:
        raise CommandError(failure.reason) from None


class _Editions:
    """Makes a day's edition for the outbox, and moves the feed state on once it is queued.

    `send_day` calls `bytes_for` only when the day is not in the ledger or the outbox yet,
    and writes what it returns to the outbox before it connects; `queued` then records the
    feeds, so entries are never skipped for a briefing that did not reach the outbox.
    """

    def __init__(self, args: argparse.Namespace, config) -> None:
        self.args, self.config = args, config
        self.made: list[Edition] = []

    def bytes_for(self, date: dt.date) -> bytes:
        from briefing.app.edition import nothing_to_brief

        edition = _make(self.args, self.config, date)
        reason = nothing_to_brief(edition, date)
        if reason:
            raise CommandError(f"{reason}: nothing to send")
        self.made.append(edition)
        return edition.message.as_bytes()

    def queued(self) -> None:
        for edition in self.made:
            edition.record_sources()
        self.made.clear()


def _report(outcome: Outcome) -> int:
    """One line per outcome (plus refused recipients); the exit code it deserves.

    Flushed at once: under systemd stdout is a pipe, and a day's result should
    reach the journal when it happens.
    """
    from briefing.deliver import ALREADY_SENT, DRY_RUN, FAILED, SENT

    date = outcome.date
    if outcome.status == SENT:
        print(f"Sent the briefing for {date}: {outcome.reply} ({outcome.message_id})", flush=True)
        for recipient, reply in outcome.refused.items():
            print(f"  refused by the server for {recipient}: {reply}", file=sys.stderr)
        return 0
    if outcome.status == ALREADY_SENT:
        print(f"The briefing for {date} was sent already ({outcome.reply or 'see the ledger'}); "
              "--force sends it again.", flush=True)
        return 0
    if outcome.status == DRY_RUN:
        print(f"Dry run: the briefing for {date} is in the outbox at {outcome.path} "
              f"({outcome.message_id}); nothing was sent.", flush=True)
        return 0
    if outcome.status == FAILED:
        print(f"error: the briefing for {date} was refused: {outcome.reason}; "
              f"set aside in {outcome.path}", file=sys.stderr)
        return 1
    print(f"error: the briefing for {date} was not sent: {outcome.reason}; it stays in "
          f"{outcome.path} for the next run", file=sys.stderr)
    return EX_TEMPFAIL if outcome.transient else 1


def run_send(args: argparse.Namespace) -> int:
    from briefing.app.edition import today
    from briefing.deliver import Busy, delivery_settings, flush_outbox, locked, send_day

    config = _settings(args)
    smtp, retry, state = delivery_settings(config)
    if not args.dry_run:
        _require_mail_settings(smtp, config.briefing_from, config.briefing_to)
    date = args.date or today(config)
    editions = _Editions(args, config)
    try:
        with locked(state):
            outcomes = [] if args.dry_run else flush_outbox(state, smtp, retry, skip={date})
            outcome = send_day(state, date, lambda: editions.bytes_for(date), smtp, retry,
                               force=args.force, dry_run=args.dry_run)
            editions.queued()
            outcomes.append(outcome)
    except Busy as busy:
        raise CommandError(str(busy)) from None
    return _exit_code([_report(outcome) for outcome in outcomes])


def _exit_code(codes: list[int]) -> int:
    """A refusal (1) outranks a message kept for later (75), which outranks success."""
    return 1 if 1 in codes else EX_TEMPFAIL if EX_TEMPFAIL in codes else 0


def run_schedule(args: argparse.Namespace) -> int:
    from briefing.app.scheduler import Plan, build_scheduler, check, run_forever, stop_on_signals
    from briefing.deliver import Busy, delivery_settings, flush_outbox, locked, send_day

    config = _settings(args)
    smtp, retry, state = delivery_settings(config)
    _require_mail_settings(smtp, config.briefing_from, config.briefing_to)
    plan = Plan(config.briefing_time, config.briefing_timezone, config.schedule_check_minutes,
                config.catch_up_days)
    editions = _Editions(args, config)

    def send_today(date: dt.date) -> Outcome:
        outcome = send_day(state, date, lambda: editions.bytes_for(date), smtp, retry)
        editions.queued()
        return outcome

    def due_check() -> int:
        try:
            with locked(state):
                outcomes = check(plan, state, send_today=send_today,
                                 flush=lambda: flush_outbox(state, smtp, retry))
        except Busy as busy:
            log.warning("%s; skipping this check", busy)
            return 0
        except CommandError as error:  # nothing to brief today: said, and tried again later
            log.error("%s", error)
            return 1
        return _exit_code([_report(outcome) for outcome in outcomes])

    if args.once:
        return due_check()
    log.info("sending the briefing daily at %s %s to %s via %s:%d", plan.at,
             plan.timezone or "(machine's time zone)", ", ".join(config.briefing_to),
             smtp.host, smtp.port)
    scheduler = build_scheduler(plan, due_check)
    with stop_on_signals(threading.Event()) as stop:
        run_forever(scheduler, plan, due_check, stop)
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
        # The preview shows a template that does not compile in the page, and keeps serving.
        args.config = load_config(env_file=args.env_file, checked=args.command != "preview")
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    configure_logging(args.verbose, args.quiet, args.config.log_level)
    try:
        code = args.handler(args)
        sys.stdout.flush()  # here, so that a closed pipe is caught below, not at exit
        return code
    except CommandError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader left (`generate | head -1`): stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as error:  # a full disk, a folder gone: the file and the reason
        where = f"{error.filename}: " if error.filename else ""
        print(f"error: {where}{error.strerror or error}", file=sys.stderr)
        return 1
