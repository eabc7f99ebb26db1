"""The outbox, the sent ledger and the archive: state that makes a send happen once.

    outbox/briefing-D.eml    written atomically before any connection; sent as-is
    sent/briefing-D.eml      moved here once the server accepted it
    failed/briefing-D.eml    moved here after a permanent refusal, with
    failed/briefing-D.reason the server's reason beside it
    ledger.json              date -> Message-ID, server reply, time, refusals
    damaged/                 what could not be read, moved aside

A damaged ledger is moved to damaged/ and rebuilt from sent/, so a day
already sent is not sent again; a stray file in the outbox is moved aside
instead of stopping every later send.
"""

from __future__ import annotations

import datetime as dt
import email
import fcntl
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import policy
from email.utils import getaddresses, parseaddr
from pathlib import Path

from briefing.deliver.smtp import Accepted
from briefing.storage import move_aside, move_into, write_atomic

log = logging.getLogger(__name__)


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


class Busy(Exception):
    """Another run holds the state folder's lock."""


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
