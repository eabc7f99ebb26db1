"""The daily schedule: the clock moves (time-machine), the briefing goes out once a day.

Europe/Berlin changes to summer time on 2026-03-29 (02:00 -> 03:00) and back on
2026-10-25 (03:00 -> 02:00).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import time_machine
from mailservers import HOST, mail_server
from test_deliver import ARTICLE, READERS, SENDER, settings

from briefing.app.cli import main
from briefing.app.scheduler import (
    Plan,
    build_scheduler,
    check,
    due_date,
    next_send,
    run_forever,
    stop_on_signals,
)
from briefing.deliver import SENT, Accepted, Envelope, Outcome, StateDirs, record_sent

ROOT = Path(__file__).resolve().parent.parent
UTC = dt.UTC
BERLIN = "Europe/Berlin"
PLAN = Plan("07:00", BERLIN, check_minutes=15)


@pytest.fixture(autouse=True)
def budget_article(tmp_path):
    """One small article to brief (conftest already isolates the settings)."""
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "budget.txt").write_text(ARTICLE)


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=UTC)


class FakeSend:
    """Stands in for an SMTP send: notes the date and the moment, and writes the ledger."""

    def __init__(self, state: StateDirs) -> None:
        self.state = state
        self.sent: list[tuple[dt.date, dt.datetime]] = []

    def __call__(self, date: dt.date) -> Outcome:
        self.sent.append((date, dt.datetime.now(UTC)))
        envelope = Envelope(date, f"<{date}@example.test>", SENDER, READERS)
        record_sent(self.state, envelope, Accepted("250 OK", READERS, {}))
        return Outcome(date, SENT, self.state.queued(date))

    @property
    def dates(self) -> list[dt.date]:
        return [date for date, _ in self.sent]


def daily(state: StateDirs, plan: Plan = PLAN):
    """What `schedule` runs: the due check with a fake send, and its timer."""
    sender = FakeSend(state)

    def job() -> list[Outcome]:
        return check(plan, state, sender, flush=lambda: [])

    return sender, job, build_scheduler(plan, job)


def start(scheduler, job, plan: Plan = PLAN) -> None:
    """A process start: run_forever's start-up check, stopping before the first nap."""
    stop = threading.Event()
    stop.set()
    run_forever(scheduler, plan, job, stop)


def test_due_only_from_the_send_time_on():
    assert due_date(dt.datetime(2026, 11, 28, 6, 59), "07:00") is None
    assert due_date(dt.datetime(2026, 11, 28, 7, 0), "07:00") == dt.date(2026, 11, 28)


def test_missed_morning_is_caught_up_on_waking_and_sent_once(tmp_path):
    with time_machine.travel(utc(2026, 11, 27, 5, 0), tick=False) as clock:  # 06:00 Berlin
        sender, job, scheduler = daily(StateDirs(tmp_path))
        start(scheduler, job)
        assert sender.sent == []
        clock.move_to(utc(2026, 11, 27, 8, 30))  # asleep through 07:00, woke at 09:30
        scheduler.run_pending()
        assert sender.sent == [(dt.date(2026, 11, 27), utc(2026, 11, 27, 8, 30))]
        for minutes in range(15, 24 * 60, 15):  # the rest of the day: checks, no resend
            clock.move_to(utc(2026, 11, 27, 8, 30) + dt.timedelta(minutes=minutes))
            scheduler.run_pending()
        assert sender.dates == [dt.date(2026, 11, 27), dt.date(2026, 11, 28)]
        assert sender.sent[1][1] == utc(2026, 11, 28, 6, 0)  # 07:00 Berlin


def test_restart_after_the_send_time_sends_once(tmp_path):
    state = StateDirs(tmp_path)
    with time_machine.travel(utc(2026, 11, 27, 10, 0), tick=False) as clock:
        sender, job, scheduler = daily(state)
        start(scheduler, job)
        assert sender.dates == [dt.date(2026, 11, 27)]
        clock.move_to(utc(2026, 11, 27, 11, 0))
        again, job, scheduler = daily(state)  # restarted an hour later
        start(scheduler, job)
        scheduler.run_pending()
        assert again.sent == []


@pytest.mark.parametrize(
    ("day_before", "change_day", "send_utc"),
    [
        (utc(2026, 3, 28, 12, 0), dt.date(2026, 3, 29), utc(2026, 3, 29, 5, 0)),  # to CEST
        (utc(2026, 10, 24, 12, 0), dt.date(2026, 10, 25), utc(2026, 10, 25, 6, 0)),  # to CET
    ],
    ids=["spring-forward", "fall-back"],
)
def test_send_time_holds_across_daylight_saving_changes(tmp_path, day_before, change_day,
                                                        send_utc):
    with time_machine.travel(day_before, tick=False) as clock:
        sender, job, scheduler = daily(StateDirs(tmp_path))
        start(scheduler, job)
        assert sender.dates == [day_before.date()]
        when = next_send(scheduler, PLAN)
        assert (when.date(), when.strftime("%H:%M")) == (change_day, "07:00")
        assert when.astimezone(UTC) == send_utc
        clock.move_to(send_utc - dt.timedelta(seconds=1))
        scheduler.run_pending()
        assert sender.dates == [day_before.date()]  # 06:59:59: not yet
        clock.move_to(send_utc + dt.timedelta(seconds=1))
        scheduler.run_pending()
        assert sender.sent[-1] == (change_day, send_utc + dt.timedelta(seconds=1))
        following = next_send(scheduler, PLAN)
        assert following.strftime("%H:%M") == "07:00"
        assert following.date() == change_day + dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("start_utc", "change_day"),
    [(utc(2026, 3, 28, 20, 0), dt.date(2026, 3, 29)),  # 02:30 does not exist that night
     (utc(2026, 10, 24, 20, 0), dt.date(2026, 10, 25))],  # 02:30 happens twice
    ids=["skipped-hour", "repeated-hour"],
)
def test_send_time_inside_the_changing_hour_sends_exactly_once(tmp_path, start_utc,
                                                               change_day):
    plan = Plan("02:30", BERLIN, check_minutes=5)
    with time_machine.travel(start_utc, tick=False) as clock:
        sender, job, scheduler = daily(StateDirs(tmp_path), plan)
        start(scheduler, job, plan)
        sender.sent.clear()
        for minutes in range(0, 12 * 60, 5):
            clock.move_to(start_utc + dt.timedelta(minutes=minutes))
            scheduler.run_pending()
    assert sender.dates == [change_day]


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_failing_job_is_logged_and_the_loop_goes_on_until_stopped(tmp_path, caplog, stop_signal):
    calls: list[str] = []

    def job() -> None:
        calls.append("run")
        if len(calls) == 1:
            raise RuntimeError("generation broke")
        os.kill(os.getpid(), stop_signal)  # arrives mid-job
        calls.append("finished")  # ... and the job still completes

    caplog.set_level(logging.INFO)
    with time_machine.travel(utc(2026, 11, 27, 5, 0), tick=False) as clock:
        scheduler = build_scheduler(PLAN, job)
        with stop_on_signals(threading.Event()) as stop:
            run_forever(scheduler, PLAN, job, stop, nap=clock.shift)
    assert calls == ["run", "run", "finished"]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    messages = [record.getMessage() for record in caplog.records]
    assert "the briefing job failed (generation broke); the schedule goes on" in messages
    assert not any(record.exc_info for record in caplog.records)  # no traceback at INFO
    assert "next briefing at 2026-11-27 07:00+01:00" in messages
    assert "schedule stopped" == messages[-1]


def test_schedule_once_sends_a_due_briefing_once_for_cron(tmp_path, capsys):
    with mail_server() as (port, server), \
            time_machine.travel(utc(2026, 11, 28, 6, 0)) as clock:  # ticking: real servers
        env = settings(tmp_path, port, BRIEFING_TIME="07:00", BRIEFING_TIMEZONE="UTC")
        assert main(["--quiet", "--env-file", str(env), "schedule", "--once"]) == 0
        assert server.deliveries == []  # 06:00: not due yet
        clock.move_to(utc(2026, 11, 28, 7, 30))
        assert main(["--quiet", "--env-file", str(env), "schedule", "--once"]) == 0
        assert main(["--quiet", "--env-file", str(env), "schedule", "--once"]) == 0
    assert len(server.deliveries) == 1
    assert "Sent the briefing for 2026-11-28" in capsys.readouterr().out


def test_schedule_process_sends_then_stops_cleanly_on_sigterm(tmp_path):
    with mail_server() as (port, server):
        env = settings(tmp_path, port, BRIEFING_TIME="00:00")
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "run_briefing.py"), "--env-file", str(env), "schedule"],
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            deadline = time.monotonic() + 30
            while not server.deliveries and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.3)  # into the nap after the start-up check
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=10)
        finally:
            process.kill()
    assert process.returncode == 0, err
    assert len(server.deliveries) == 1
    assert "Sent the briefing" in out
    assert "next briefing at" in err and "SIGTERM received" in err
    assert err.rstrip().endswith("schedule stopped")
    assert HOST in err and "PASSWORD" not in err


# --- a hostile day (issue 16): missed days are caught up, or named -------------------


def _sent_on(state: StateDirs, date: dt.date) -> None:
    envelope = Envelope(date, f"<{date}@example.test>", SENDER, READERS)
    record_sent(state, envelope, Accepted("250 OK", READERS, {}))


def test_missed_days_are_sent_oldest_first_and_once_each_up_to_the_limit(tmp_path, caplog):
    state = StateDirs(tmp_path)
    _sent_on(state, dt.date(2026, 11, 20))  # then the machine was off for four days
    plan = Plan("07:00", BERLIN, catch_up_days=3)
    sender = FakeSend(state)
    caplog.set_level(logging.INFO, "briefing")
    with time_machine.travel(utc(2026, 11, 25, 5, 0), tick=False) as clock:  # 06:00
        check(plan, state, sender, flush=lambda: [])
        assert sender.dates == []  # nothing before the send time
        clock.move_to(utc(2026, 11, 25, 7, 30))
        check(plan, state, sender, flush=lambda: [])
        check(plan, state, sender, flush=lambda: [])
    assert sender.dates == [dt.date(2026, 11, 22), dt.date(2026, 11, 23),
                            dt.date(2026, 11, 24), dt.date(2026, 11, 25)]
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warning == ("missed briefing(s) for 2026-11-21 not sent: more than "
                       "CATCH_UP_DAYS=3 day(s) ago")


def test_with_no_catch_up_the_skipped_days_are_named(tmp_path, caplog):
    state = StateDirs(tmp_path)
    _sent_on(state, dt.date(2026, 11, 20))
    sender = FakeSend(state)
    caplog.set_level(logging.WARNING, "briefing")
    with time_machine.travel(utc(2026, 11, 25, 7, 30), tick=False):
        check(Plan("07:00", BERLIN, catch_up_days=0), state, sender, flush=lambda: [])
    assert sender.dates == [dt.date(2026, 11, 25)]
    assert "missed briefing(s) for 2026-11-21 to 2026-11-24 not sent" in caplog.text


def test_a_new_installation_sends_no_back_issues(tmp_path):
    state = StateDirs(tmp_path)
    sender = FakeSend(state)
    with time_machine.travel(utc(2026, 11, 25, 7, 30), tick=False):
        check(Plan("07:00", BERLIN, catch_up_days=3), state, sender, flush=lambda: [])
    assert sender.dates == [dt.date(2026, 11, 25)]


def test_schedule_once_catches_up_a_missed_day_through_smtp(tmp_path, capsys):
    state = StateDirs(tmp_path / "out" / "state")
    yesterday = dt.date.today() - dt.timedelta(days=2)
    _sent_on(state, yesterday - dt.timedelta(days=1))
    with mail_server() as (port, server):
        env = settings(tmp_path, port, BRIEFING_TIME="00:00", CATCH_UP_DAYS=3)
        assert main(["--quiet", "--env-file", str(env), "schedule", "--once"]) == 0
        assert main(["--quiet", "--env-file", str(env), "schedule", "--once"]) == 0
    subjects = [d.message["Subject"] for d in server.deliveries]
    assert subjects == [f"Daily briefing for {yesterday + dt.timedelta(days=n)}"
                        for n in range(3)]
