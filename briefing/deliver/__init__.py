"""Delivery: the briefing handed to an SMTP server once, never lost, never twice.

`smtp` knows the server (one transaction, what its failures mean), `outbox`
the state folder (outbox, ledger, sent/, failed/, damaged/); this module sends
a day's briefing with retries and decides what becomes of it. Every name the
application uses is importable from `briefing.deliver`.

A date counts as sent only once it is in the ledger, and the ledger is written
the moment the server answers 250 to the end of DATA, before QUIT. The one
window left is between that 250 and the ledger's rename: a crash exactly there
sends the message again on the next run, with the same Message-ID so that
receiving servers and clients can recognise the copy. No SMTP client can
close that window; we keep it to one local file write.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

from briefing.app.config import Config
from briefing.deliver.outbox import (
    Busy,
    Envelope,
    StateDirs,
    briefing_date,
    has_failed,
    is_sent,
    locked,
    pending,
    queue,
    read_envelope,
    read_ledger,
    rebuild_ledger,
    record_sent,
    set_aside,
)
from briefing.deliver.smtp import (
    SECURITY_MODES,
    Accepted,
    DeliveryFailure,
    PermanentFailure,
    SetupFailure,
    SmtpSettings,
    TransientFailure,
    check_security,
    classify,
    ssl_context,
    transmit,
)
from briefing.storage import move_into

__all__ = [
    "ALREADY_SENT", "DRY_RUN", "FAILED", "KEPT", "SECURITY_MODES", "SENT", "Accepted", "Busy",
    "DeliveryFailure", "Envelope", "Outcome", "PermanentFailure", "RetryPolicy",
    "SetupFailure", "SmtpSettings", "StateDirs", "TransientFailure", "backoff_delays",
    "briefing_date", "check_security", "classify", "deliver_file", "delivery_settings",
    "flush_outbox", "has_failed", "is_sent", "locked", "pending", "queue", "read_envelope",
    "read_ledger", "rebuild_ledger", "record_sent", "send_day", "set_aside", "ssl_context",
    "transmit",
]

log = logging.getLogger(__name__)

# Outcome statuses.
SENT = "sent"  # the server accepted it just now
ALREADY_SENT = "already-sent"  # the ledger has this date; nothing was sent
KEPT = "kept"  # still in the outbox: a later run sends it
FAILED = "failed"  # refused for good; moved to failed/ with the reason
DRY_RUN = "dry-run"  # written to the outbox, nothing connected


@dataclass(frozen=True)
class RetryPolicy:
    """How hard one run tries before leaving the message for the next run."""

    attempts: int = 5
    backoff: float = 2.0  # seconds before the second attempt; doubles each time
    backoff_max: float = 300.0


@dataclass(frozen=True)
class Outcome:
    """What happened to one date's briefing in this run."""

    date: dt.date
    status: str  # SENT, ALREADY_SENT, KEPT, FAILED or DRY_RUN
    path: Path
    message_id: str = ""
    reason: str = ""  # why it is KEPT or FAILED
    reply: str = ""  # the server's acceptance
    refused: dict[str, str] = field(default_factory=dict)
    attempts: int = 0
    transient: bool = False  # KEPT because of a passing fault, not a setup problem

    @property
    def delivered(self) -> bool:
        return self.status in (SENT, ALREADY_SENT)


def delivery_settings(config: Config) -> tuple[SmtpSettings, RetryPolicy, StateDirs]:
    """The SMTP settings, retry policy and state folder that the configuration describes."""
    smtp = SmtpSettings(
        host=config.smtp_host, port=config.smtp_port, security=config.smtp_security,
        username=config.smtp_username, password=config.smtp_password,
        timeout=config.smtp_timeout, ca_file=config.smtp_ca_file,
        allow_insecure=config.smtp_allow_insecure,
    )
    retry = RetryPolicy(config.send_attempts, config.send_backoff, config.send_backoff_max)
    state = StateDirs(config.state_dir)
    return smtp, retry, state


def backoff_delays(retry: RetryPolicy, rand: Callable[[], float] = random.random) -> list[float]:
    """Waits between attempts: doubling from `backoff`, capped, each jittered to 50-100 %.

    Jitter keeps several clients (or a restarted one) from hitting a recovering
    server in lockstep.
    """
    delays = []
    for attempt in range(max(retry.attempts - 1, 0)):
        ceiling = min(retry.backoff_max, retry.backoff * 2**attempt)
        delays.append(ceiling * (0.5 + rand() / 2))
    return delays


def deliver_file(
    state: StateDirs,
    path: Path,
    settings: SmtpSettings,
    retry: RetryPolicy = RetryPolicy(),
    *,
    force: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    rand: Callable[[], float] = random.random,
) -> Outcome:
    """Send one outbox file, retrying passing faults; it leaves the outbox only when settled.

    Unless `force`, a date already in the ledger is not sent again: its file
    (left behind by a crash after the ledger write) just moves to sent/.
    """
    data = path.read_bytes()
    envelope = read_envelope(path, data)
    outcome = _outcome_for(envelope, path)
    if not force and is_sent(state, envelope.date):
        log.info("briefing %s is in the ledger already; archiving, not sending", envelope.date)
        return outcome(ALREADY_SENT, path=move_into(path, state.sent))
    if not envelope.recipients:
        reason = "the message has no recipients (To)"
        return outcome(FAILED, path=set_aside(state, path, reason), reason=reason)

    delays = backoff_delays(retry, rand)
    for attempt in range(1, retry.attempts + 1):
        log.info("sending briefing %s to %d recipient(s) via %s:%d (%s), attempt %d/%d",
                 envelope.date, len(envelope.recipients), settings.host, settings.port,
                 settings.security, attempt, retry.attempts)
        try:
            accepted = transmit(settings, data, envelope.sender, envelope.recipients,
                                on_accepted=lambda a: record_sent(state, envelope, a))
        except TransientFailure as failure:
            log.warning("briefing %s, attempt %d/%d: %s", envelope.date, attempt,
                        retry.attempts, failure.reason)
            if attempt == retry.attempts:
                return outcome(KEPT, reason=failure.reason, attempts=attempt, transient=True)
            sleep(delays[attempt - 1])
        except PermanentFailure as failure:
            log.debug("briefing %s refused: %s", envelope.date, failure.reason)
            return outcome(FAILED, path=set_aside(state, path, failure.reason),
                           reason=failure.reason, attempts=attempt)
        except SetupFailure as failure:
            log.debug("briefing %s not sent: %s", envelope.date, failure.reason)
            return outcome(KEPT, reason=failure.reason, attempts=attempt)
        else:
            log.debug("briefing %s accepted: %s; refused: %s", envelope.date,
                      accepted.reply, accepted.refused or "nobody")
            return outcome(SENT, path=move_into(path, state.sent), reply=accepted.reply,
                           refused=accepted.refused, attempts=attempt)
    raise AssertionError("unreachable: the last attempt returns")


def _outcome_for(envelope: Envelope, path: Path) -> Callable[..., Outcome]:
    def make(status: str, **details: object) -> Outcome:
        details.setdefault("path", path)
        return Outcome(envelope.date, status, message_id=envelope.message_id,
                       **details)  # type: ignore[arg-type]

    return make


def send_day(
    state: StateDirs,
    date: dt.date,
    build: Callable[[], bytes],
    settings: SmtpSettings,
    retry: RetryPolicy = RetryPolicy(),
    *,
    force: bool = False,
    dry_run: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    rand: Callable[[], float] = random.random,
) -> Outcome:
    """Send one date's briefing unless the ledger has it; `build` makes the message bytes.

    A message already in the outbox (from a run that was interrupted) is sent
    as-is, not rebuilt, so its Message-ID and Date stay those first written.
    """
    path = state.queued(date)
    if is_sent(state, date) and not force:
        if path.exists():  # crashed between the ledger write and the move
            path = move_into(path, state.sent)
        entry = read_ledger(state)[date.isoformat()]
        return Outcome(date, ALREADY_SENT, path, message_id=entry.get("message_id", ""),
                       reply=entry.get("reply", ""))
    if not path.exists():
        queue(state, date, build())
        log.info("briefing %s written to the outbox: %s", date, path)
    if dry_run:
        envelope = read_envelope(path, path.read_bytes())
        return Outcome(date, DRY_RUN, path, message_id=envelope.message_id)
    return deliver_file(state, path, settings, retry, force=force, sleep=sleep, rand=rand)


def flush_outbox(
    state: StateDirs,
    settings: SmtpSettings,
    retry: RetryPolicy = RetryPolicy(),
    *,
    skip: Collection[dt.date] = (),
    sleep: Callable[[float], None] = time.sleep,
    rand: Callable[[], float] = random.random,
) -> list[Outcome]:
    """Try every message left in the outbox by earlier runs, oldest first, but `skip`'s dates."""
    names = {state.file_name(date) for date in skip}
    return [deliver_file(state, path, settings, retry, sleep=sleep, rand=rand)
            for path in pending(state) if path.name not in names]
