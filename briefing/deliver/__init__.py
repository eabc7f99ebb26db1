"""Delivery: the briefing handed to an SMTP server once, never lost, never twice.

State lives in one folder (BRIEFING_STATE_DIR):

    outbox/briefing-D.eml    written atomically before any connection; sent as-is
    sent/briefing-D.eml      moved here once the server accepted it
    failed/briefing-D.eml    moved here after a permanent refusal, with
    failed/briefing-D.reason the server's reason beside it
    ledger.json              date -> Message-ID, server reply, time, refusals
    damaged/                 what could not be read, moved aside: a ledger that is
                             not JSON, an outbox file that is not a briefing

State heals: a damaged ledger is moved to damaged/ and rebuilt from sent/, so a
day already sent is not sent again; a stray file in the outbox is moved aside
instead of stopping every later send.

A date counts as sent only once it is in the ledger, and the ledger is written
the moment the server answers 250 to the end of DATA, before QUIT. The one
window left is between that 250 and the ledger's rename: a crash exactly there
sends the message again on the next run, with the same Message-ID so that
receiving servers and clients can recognise the copy. No SMTP client can
close that window; we keep it to one local file write.
"""

from __future__ import annotations

import datetime as dt
import email
import fcntl
import json
import logging
import random
import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.utils import getaddresses, parseaddr
from pathlib import Path

from briefing.app.config import Config
from briefing.network import is_loopback
from briefing.storage import move_aside, move_into, write_atomic

log = logging.getLogger(__name__)

SECURITY_MODES = ("starttls", "ssl", "none")

# Outcome statuses.
SENT = "sent"  # the server accepted it just now
ALREADY_SENT = "already-sent"  # the ledger has this date; nothing was sent
KEPT = "kept"  # still in the outbox: a later run sends it
FAILED = "failed"  # refused for good; moved to failed/ with the reason
DRY_RUN = "dry-run"  # written to the outbox, nothing connected


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to reach the mail server. The password never appears in repr()."""

    host: str
    port: int = 587
    security: str = "starttls"  # one of SECURITY_MODES
    username: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 30.0
    ca_file: Path | None = None
    allow_insecure: bool = False  # allow security "none" to a host that is not loopback


@dataclass(frozen=True)
class RetryPolicy:
    """How hard one run tries before leaving the message for the next run."""

    attempts: int = 5
    backoff: float = 2.0  # seconds before the second attempt; doubles each time
    backoff_max: float = 300.0


@dataclass(frozen=True)
class StateDirs:
    """The outbox, archive, failed folder and ledger under one root."""

    root: Path

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    @property
    def sent(self) -> Path:
        return self.root / "sent"

    @property
    def failed(self) -> Path:
        return self.root / "failed"

    @property
    def ledger(self) -> Path:
        return self.root / "ledger.json"

    @property
    def damaged(self) -> Path:
        return self.root / "damaged"

    def file_name(self, date: dt.date) -> str:
        return f"briefing-{date.isoformat()}.eml"

    def queued(self, date: dt.date) -> Path:
        return self.outbox / self.file_name(date)


@dataclass(frozen=True)
class Envelope:
    """What SMTP needs from a stored message: who from, who to, and its identity."""

    date: dt.date
    message_id: str
    sender: str
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class Accepted:
    """The server's 250 to DATA, and the recipients it refused one by one."""

    reply: str
    accepted: tuple[str, ...]
    refused: dict[str, str]  # recipient -> "550 5.1.1 no such user"


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


class DeliveryFailure(Exception):
    """One attempt failed; the subclass says whether trying again can help."""

    @property
    def reason(self) -> str:
        return str(self)


class TransientFailure(DeliveryFailure):
    """4xx, refused or dropped connection, timeout: try again later."""


class PermanentFailure(DeliveryFailure):
    """5xx or bad credentials: the message is set aside with this reason."""


class SetupFailure(DeliveryFailure):
    """The connection itself is wrong (untrusted certificate, no TLS offered):
    nothing is sent, the message stays queued until the settings are fixed."""


class Busy(Exception):
    """Another run holds the state folder's lock."""


def delivery_settings(config: Config) -> tuple[SmtpSettings, RetryPolicy, StateDirs]:
    """The SMTP settings, retry policy and state folder that the configuration describes."""
    smtp = SmtpSettings(
        host=config.smtp_host, port=config.smtp_port, security=config.smtp_security,
        username=config.smtp_username, password=config.smtp_password,
        timeout=config.smtp_timeout, ca_file=config.smtp_ca_file,
        allow_insecure=config.smtp_allow_insecure,
    )
    retry = RetryPolicy(config.send_attempts, config.send_backoff, config.send_backoff_max)
    state = StateDirs(config.briefing_state_dir or config.output_dir / "state")
    return smtp, retry, state


# --- security ----------------------------------------------------------------




def check_security(settings: SmtpSettings) -> None:
    """Refuse plain-text SMTP to another machine unless the user allowed it explicitly."""
    if settings.security not in SECURITY_MODES:
        raise SetupFailure(f"SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}")
    if settings.security == "none" and not (
        is_loopback(settings.host) or settings.allow_insecure
    ):
        raise SetupFailure(
            f"SMTP_SECURITY=none would send the briefing and password to {settings.host} "
            "unencrypted; use starttls or ssl, or set SMTP_ALLOW_INSECURE=true"
        )


def ssl_context(ca_file: Path | None = None) -> ssl.SSLContext:
    """Verify certificates against the system store (plus `ca_file`) and check the hostname.

    smtplib alone verifies nothing, so every TLS connection gets this context.
    """
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    if ca_file is not None:
        try:
            context.load_verify_locations(cafile=str(ca_file))
        except (OSError, ssl.SSLError) as error:
            raise SetupFailure(f"SMTP_CA_FILE={ca_file} cannot be loaded "
                               f"({getattr(error, 'strerror', None) or error})") from None
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    return context


# --- one SMTP transaction ------------------------------------------------------


def classify(error: BaseException) -> DeliveryFailure:
    """Turn what smtplib or the socket raised into a transient, permanent or setup failure."""
    if isinstance(error, DeliveryFailure):
        return error
    if isinstance(error, ssl.SSLCertVerificationError):
        return SetupFailure("the server's certificate is not trusted: "
                            f"{error.verify_message or error.reason or error}")
    if isinstance(error, smtplib.SMTPAuthenticationError):
        if 400 <= error.smtp_code < 500:
            return TransientFailure(f"login deferred: {_reply(error.smtp_code, error.smtp_error)}")
        return PermanentFailure(
            f"login refused (check SMTP_USERNAME and SMTP_PASSWORD): "
            f"{_reply(error.smtp_code, error.smtp_error)}"
        )
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = {r: _reply(code, text) for r, (code, text) in error.recipients.items()}
        shown = "; ".join(f"{r}: {reply}" for r, reply in replies.items())
        if any(400 <= code < 500 for code, _ in error.recipients.values()):
            return TransientFailure(f"every recipient refused: {shown}")
        return PermanentFailure(f"every recipient refused: {shown}")
    if isinstance(error, smtplib.SMTPResponseException):
        reply = _reply(error.smtp_code, error.smtp_error)
        if 400 <= error.smtp_code < 500:
            return TransientFailure(f"server deferred: {reply}")
        if error.smtp_code >= 500:
            return PermanentFailure(f"server refused: {reply}")
        return TransientFailure(f"unexpected reply: {reply}")
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return TransientFailure(f"connection dropped: {error or 'server closed it'}")
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return SetupFailure(f"the server does not support it: {error}")
    if isinstance(error, TimeoutError | socket.timeout):
        return TransientFailure("timed out waiting for the server")
    if isinstance(error, ssl.SSLError):
        return SetupFailure(f"TLS failed: {error.reason or error}")
    if isinstance(error, ConnectionRefusedError):
        return TransientFailure("connection refused: is the server running?")
    if isinstance(error, OSError):
        return TransientFailure(f"network error: {error.strerror or error}")
    if isinstance(error, smtplib.SMTPException):
        return SetupFailure(str(error))
    if isinstance(error, UnicodeError):  # smtplib speaks ASCII; SMTPUTF8 is not supported
        return PermanentFailure("an address is not plain ASCII, which this sender cannot send")
    raise error


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}".strip()


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                context=ssl_context(settings.ca_file))
    client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        client.ehlo()
        if settings.security == "starttls":
            if not client.has_extn("starttls"):
                raise SetupFailure(f"{settings.host} does not offer STARTTLS; nothing was sent "
                                   "in the clear (check SMTP_PORT and SMTP_SECURITY)")
            client.starttls(context=ssl_context(settings.ca_file))
            client.ehlo()
    except BaseException:
        client.close()
        raise
    return client


def _login(client: smtplib.SMTP, settings: SmtpSettings) -> None:
    """AUTH; smtplib can only send ASCII credentials, and says so with a bare UnicodeError."""
    try:
        client.login(settings.username, settings.password)
    except UnicodeError:
        raise SetupFailure(
            "SMTP_USERNAME or SMTP_PASSWORD has characters that are not plain ASCII, which "
            "SMTP login cannot send; use an ASCII password (an app password, say)"
        ) from None


def transmit(
    settings: SmtpSettings,
    data: bytes,
    sender: str,
    recipients: Sequence[str],
    on_accepted: Callable[[Accepted], None] = lambda accepted: None,
) -> Accepted:
    """One SMTP transaction; `on_accepted` runs right after the server's 250, before QUIT.

    Recipients refused one by one are returned while the others still get it;
    every other problem is raised as a DeliveryFailure.
    """
    check_security(settings)
    client: smtplib.SMTP | None = None
    try:
        client = _connect(settings)
        if settings.username:
            _login(client, settings)
        options = []
        if client.has_extn("size"):
            options.append(f"SIZE={len(data)}")
        if not data.isascii() and client.has_extn("8bitmime"):
            options.append("BODY=8BITMIME")
        code, text = client.mail(sender, options)
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, text, sender)
        refused: dict[str, tuple[int, bytes]] = {}
        for recipient in recipients:
            code, text = client.rcpt(recipient)
            if code not in (250, 251):
                refused[recipient] = (code, text)
        if len(refused) == len(recipients):
            raise smtplib.SMTPRecipientsRefused(refused)  # type: ignore[arg-type]
        code, text = client.data(data)
        if code != 250:
            raise smtplib.SMTPDataError(code, text)
    except Exception as error:
        if client is not None:
            client.close()
        raise classify(error) from error
    accepted = Accepted(
        reply=_reply(code, text),
        accepted=tuple(r for r in recipients if r not in refused),
        refused={r: _reply(c, t) for r, (c, t) in refused.items()},
    )
    try:
        on_accepted(accepted)
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()  # the message is accepted; a failed goodbye changes nothing
    return accepted


# --- outbox, ledger, archive ---------------------------------------------------


@contextmanager
def locked(state: StateDirs) -> Iterator[None]:
    """Hold the state folder's lock so that two runs never send the same outbox file."""
    state.root.mkdir(parents=True, exist_ok=True)
    with open(state.root / ".lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(f"another briefing run is using {state.root}") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def queue(state: StateDirs, date: dt.date, data: bytes) -> Path:
    """Put a message in the outbox atomically: a crash leaves it whole or absent."""
    return write_atomic(state.queued(date), data)


def read_ledger(state: StateDirs) -> dict[str, dict]:
    """The sent ledger: ISO date -> what the server said when it accepted that date's briefing.

    A ledger that cannot be read as one is moved to damaged/ and rebuilt from
    sent/ (see `rebuild_ledger`), so a damaged file costs a warning, not every run.
    """
    try:
        ledger = json.loads(state.ledger.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, RecursionError) as error:
        return rebuild_ledger(state, _short(error))
    if not isinstance(ledger, dict) or not all(
            isinstance(entry, dict) for entry in ledger.values()):
        return rebuild_ledger(state, "not a JSON object of dates")
    return ledger


def rebuild_ledger(state: StateDirs, why: str) -> dict[str, dict]:
    """Move the damaged ledger aside and write a new one from the archive in sent/.

    Every date in sent/ was accepted by the server (files move there only
    after the 250), so each is recorded as sent and never goes out again.
    What the outbox holds was not sent and stays queued.
    """
    moved = move_aside(state.ledger, state.damaged)
    ledger: dict[str, dict] = {}
    for path in sorted(state.sent.glob("briefing-*.eml")) if state.sent.is_dir() else []:
        date = briefing_date(path)
        if date is None:
            continue
        try:
            envelope = read_envelope(path, path.read_bytes())
        except (OSError, ValueError):
            continue
        ledger[date.isoformat()] = {
            "message_id": envelope.message_id,
            "sent_at": dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
            .isoformat(timespec="seconds"),
            "reply": "(rebuilt from sent/ after the ledger was damaged)",
            "recipients": list(envelope.recipients),
            "refused": {},
        }
    _write_ledger(state, ledger)
    log.warning("%s was damaged (%s); moved to %s and rebuilt from %d briefing(s) in %s",
                state.ledger, why, moved, len(ledger), state.sent)
    return ledger


def _short(error: BaseException) -> str:
    return " ".join(str(error).split())[:120] or type(error).__name__


def record_sent(state: StateDirs, envelope: Envelope, accepted: Accepted) -> None:
    """Add a date to the ledger, atomically; called only after the server's 250."""
    ledger = read_ledger(state)
    ledger[envelope.date.isoformat()] = {
        "message_id": envelope.message_id,
        "sent_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "reply": accepted.reply,
        "recipients": list(accepted.accepted),
        "refused": accepted.refused,
    }
    _write_ledger(state, ledger)


def _write_ledger(state: StateDirs, ledger: dict[str, dict]) -> None:
    text = json.dumps(ledger, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    write_atomic(state.ledger, text.encode("utf-8"))


def is_sent(state: StateDirs, date: dt.date) -> bool:
    return date.isoformat() in read_ledger(state)


def has_failed(state: StateDirs, date: dt.date) -> bool:
    """True when that date's briefing was refused for good and set aside."""
    return (state.failed / state.file_name(date)).exists()


def set_aside(state: StateDirs, path: Path, reason: str) -> Path:
    """Move a refused message to failed/ with its reason beside it; never delete it."""
    state.failed.mkdir(parents=True, exist_ok=True)
    write_atomic(state.failed / (Path(path.name).stem + ".reason"), (reason + "\n").encode())
    return move_into(path, state.failed)


_BRIEFING_NAME = re.compile(r"^briefing-(\d{4}-\d{2}-\d{2})\.eml$")


def briefing_date(path: Path) -> dt.date | None:
    """The date in a briefing-YYYY-MM-DD.eml file name, or None for any other name."""
    match = _BRIEFING_NAME.match(path.name)
    if not match:
        return None
    try:
        return dt.date.fromisoformat(match[1])
    except ValueError:
        return None


def read_envelope(path: Path, data: bytes) -> Envelope:
    """Sender, recipients and Message-ID from a stored message; its date from the file name.

    ValueError when the name is not a briefing's.
    """
    date = briefing_date(path)
    if date is None:
        raise ValueError(f"{path.name} is not named like briefing-YYYY-MM-DD.eml")
    message = email.message_from_bytes(data, policy=policy.default)
    recipients = tuple(address for _, address in getaddresses(
        [str(value) for header in ("To", "Cc") for value in message.get_all(header, [])]
    ) if address)
    return Envelope(
        date=date,
        message_id=str(message.get("Message-ID", "")).strip(),
        sender=parseaddr(str(message.get("From", "")))[1],
        recipients=recipients,
    )


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


def pending(state: StateDirs) -> list[Path]:
    """Outbox briefings, oldest date first; anything else there is moved to damaged/.

    A stray file (`touch outbox/briefing-latest.eml`, an editor's backup) is
    not ours to send or delete, and must not stop the briefings behind it.
    """
    if not state.outbox.is_dir():
        return []
    queued = []
    for path in sorted(state.outbox.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue  # our own temporary files while a write is under way
        if briefing_date(path) is None:
            log.warning("%s in the outbox is not a briefing; moved to %s", path.name,
                        move_aside(path, state.damaged))
            continue
        queued.append(path)
    return queued


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
