"""The clock: when a day's briefing is due, and the loop that sends it daily.

The `schedule` library fires a daily job at BRIEFING_TIME in BRIEFING_TIMEZONE
(through pytz, so the wall-clock time holds across daylight-saving changes)
and a check job every SCHEDULE_CHECK_MINUTES. Both run the same due check,
which asks the ledger rather than trusting the timer: whatever the clock did
(a laptop asleep at 07:00, a restart at noon, a DST jump) today's briefing is
sent once it is due and is not sent again, and the outbox is retried.

Days missed altogether (the machine was off) are caught up at the same due
check, oldest first, once each, up to CATCH_UP_DAYS back; older ones are
named in one warning and left alone. A day counts as missed only after the
first briefing this state folder ever settled, so a new installation does
not send a week of back issues.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytz
import schedule

from briefing.app.clock import now_in
from briefing.deliver import (
    Outcome,
    StateDirs,
    briefing_date,
    has_failed,
    is_sent,
    pending,
    read_ledger,
)

log = logging.getLogger(__name__)

MAX_NAP_SECONDS = 60.0  # the loop looks at the wall clock at least this often


@dataclass(frozen=True)
class Plan:
    """When the briefing goes out: a wall-clock time in a zone (None: the machine's)."""

    at: str = "07:00"  # HH:MM
    timezone: str | None = None
    check_minutes: int = 15
    catch_up_days: int = 0  # missed earlier days still sent, at most this far back


def due_date(now: dt.datetime, at: str) -> dt.date | None:
    """The date whose briefing is due at `now` (local), or None before the send time."""
    hour, minute = (int(part) for part in at.split(":"))
    return now.date() if now.time() >= dt.time(hour, minute) else None


def is_settled(state: StateDirs, date: dt.date) -> bool:
    """Sent, set aside after a refusal, or already queued: nothing new to build."""
    return (is_sent(state, date) or has_failed(state, date)
            or state.queued(date).exists())


def last_settled_before(state: StateDirs, day: dt.date) -> dt.date | None:
    """The latest date before `day` that was sent, set aside or queued; None if none ever was."""
    dates = set()
    for text in read_ledger(state):
        try:
            dates.add(dt.date.fromisoformat(text))
        except ValueError:
            continue
    failed = sorted(state.failed.glob("briefing-*.eml")) if state.failed.is_dir() else []
    dates.update(date for path in [*failed, *pending(state)]
                 if (date := briefing_date(path)) is not None)
    earlier = [date for date in dates if date < day]
    return max(earlier) if earlier else None


def missed_days(state: StateDirs, today: dt.date, limit: int
                ) -> tuple[list[dt.date], tuple[dt.date, dt.date] | None]:
    """Days between the last settled one and `today`: those to send, oldest first, and the
    first and last of those older than `limit` days, which are skipped."""
    last = last_settled_before(state, today)
    if last is None or (today - last).days <= 1:
        return [], None
    first_missed = last + dt.timedelta(days=1)
    first_sent = max(first_missed, today - dt.timedelta(days=limit))
    to_send = [first_sent + dt.timedelta(days=n) for n in range((today - first_sent).days)]
    skipped = (first_missed, first_sent - dt.timedelta(days=1)) \
        if first_sent > first_missed else None
    return to_send, skipped


def check(
    plan: Plan,
    state: StateDirs,
    send_today: Callable[[dt.date], Outcome],
    flush: Callable[[], list[Outcome]],
    now: dt.datetime | None = None,
) -> list[Outcome]:
    """One due check: retry the outbox; once today is due, send the missed days it may
    (oldest first) and then today's briefing, each only if not settled.

    `send_today(date)` makes and sends that date's briefing.
    """
    outcomes = flush()
    now = now or now_in(plan.timezone)
    date = due_date(now, plan.at)
    if date is None:
        log.debug("not due yet: %s is before %s", now.strftime("%H:%M"), plan.at)
        return outcomes
    if is_settled(state, date):
        log.debug("briefing %s is settled already", date)
        return outcomes
    to_send, skipped = missed_days(state, date, plan.catch_up_days)
    if skipped:
        first, last = skipped
        span = f"{first}" if first == last else f"{first} to {last}"
        log.warning("missed briefing(s) for %s not sent: more than CATCH_UP_DAYS=%d day(s) "
                    "ago", span, plan.catch_up_days)
    for missed in to_send:
        if not is_settled(state, missed):
            log.info("catching up the missed briefing for %s", missed)
            outcomes.append(send_today(missed))
    outcomes.append(send_today(date))
    return outcomes


def guarded(job: Callable[[], Any]) -> Callable[[], None]:
    """Log a failing job in one line and return, so that the loop and the timer go on.

    The schedule library does not reschedule a job that raised. The traceback
    is for developers: it is logged with -v (debug) only.
    """

    def run() -> None:
        try:
            job()
        except Exception as error:
            log.error("the briefing job failed (%s); the schedule goes on",
                      " ".join(str(error).split()) or type(error).__name__,
                      exc_info=log.isEnabledFor(logging.DEBUG))

    run.__name__ = getattr(job, "__name__", "briefing_job")
    return run


def build_scheduler(plan: Plan, job: Callable[[], Any]) -> schedule.Scheduler:
    """A daily job at the plan's time and zone, and a periodic check for catch-up and retries."""
    scheduler = schedule.Scheduler()
    safe = guarded(job)
    scheduler.every().day.at(plan.at, plan.timezone).do(safe).tag("daily")
    scheduler.every(plan.check_minutes).minutes.do(safe).tag("check")
    return scheduler


def next_send(scheduler: schedule.Scheduler, plan: Plan) -> dt.datetime | None:
    """When the daily job fires next, in the plan's zone."""
    moment = scheduler.get_next_run("daily")  # naive, the machine's local time
    if moment is None:
        return None
    moment = moment.astimezone()
    return moment.astimezone(pytz.timezone(plan.timezone)) if plan.timezone else moment


def run_forever(
    scheduler: schedule.Scheduler,
    plan: Plan,
    job: Callable[[], Any],
    stop: threading.Event,
    nap: Callable[[float], Any] | None = None,
) -> None:
    """Check once at start (catch-up after a restart), then run due jobs until `stop` is set.

    Naps are short so that a machine waking from suspend notices the time
    within a minute; `stop` is only looked at between jobs, never inside one.
    """
    nap = nap or stop.wait
    guarded(job)()
    announced = None
    while not stop.is_set():
        scheduler.run_pending()
        upcoming = next_send(scheduler, plan)
        if upcoming != announced:
            log.info("next briefing at %s", upcoming.isoformat(" ", "minutes")
                     if upcoming else "never")
            announced = upcoming
        if stop.is_set():
            break
        idle = scheduler.idle_seconds
        nap(min(max(idle if idle is not None else MAX_NAP_SECONDS, 0.0), MAX_NAP_SECONDS))
    log.info("schedule stopped")


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[threading.Event]:
    """SIGTERM and Ctrl-C set `stop` instead of killing a send halfway; restored on exit."""

    def handler(signum: int, frame: object) -> None:
        log.info("%s received: stopping after the current job", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
