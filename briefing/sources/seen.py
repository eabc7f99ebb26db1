"""Feed state: what the last briefing covered, so the next one takes only what is new.

One small file in the state folder, written atomically once a briefing is
written (never before, so a run that fails covers the same stretch again):

    generated_at   when the last briefing was made; the next window starts there
    behind         feeds that could not be read, with the window they still owe
    seen           per feed, the keys of its undated entries, so each comes once
    gone           feeds that answered 410 Gone, with the date; not fetched again

A damaged file is moved aside with a warning and the run starts as a first run.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from briefing.sources.feeds import FeedEntry
from briefing.storage import move_aside, write_atomic

log = logging.getLogger(__name__)

DEFAULT_WINDOW = dt.timedelta(hours=24)
STATE_FILE = "last-briefing.json"
DAMAGED_FOLDER = "damaged"


@dataclass(frozen=True)
class FeedState:
    """The feed state file's contents; the empty state is a first run."""

    generated_at: dt.datetime | None = None
    behind: Mapping[str, dt.datetime] = field(default_factory=dict)
    seen: Mapping[str, frozenset[str]] = field(default_factory=dict)
    gone: Mapping[str, str] = field(default_factory=dict)  # feed -> ISO date of the 410


def load_state(state_dir: Path) -> FeedState:
    """The recorded state; a missing file is a first run, a damaged one is moved aside."""
    path = state_dir / STATE_FILE
    try:
        record = json.loads(path.read_text("utf-8"))
        return FeedState(
            generated_at=_aware(dt.datetime.fromisoformat(record["generated_at"])),
            behind={str(url): _aware(dt.datetime.fromisoformat(when))
                    for url, when in record.get("behind", {}).items()},
            seen={str(url): frozenset(map(str, keys))
                  for url, keys in record.get("seen", {}).items()},
            gone={str(url): str(when) for url, when in record.get("gone", {}).items()},
        )
    except FileNotFoundError:
        return FeedState()
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        try:
            moved = move_aside(path, state_dir / DAMAGED_FOLDER)
        except OSError:
            moved = None
        log.warning("%s was damaged (%s); %s; this run takes the last 24 hours", path,
                    type(error).__name__, f"moved to {moved}" if moved else "left in place")
        return FeedState()


def window_start(state_dir: Path, now: dt.datetime) -> dt.datetime:
    """When the last briefing was generated, or 24 hours before `now` if never."""
    return load_state(state_dir).generated_at or now - DEFAULT_WINDOW


def feeds_behind(state_dir: Path) -> dict[str, dt.datetime]:
    """Feeds that failed last time, with the start of the window they still owe."""
    return dict(load_state(state_dir).behind)


def _aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def record_briefing(
    state_dir: Path,
    when: dt.datetime,
    behind: Mapping[str, dt.datetime] | None = None,
    *,
    seen: Mapping[str, Iterable[str]] | None = None,
    gone: Mapping[str, str] | None = None,
) -> Path:
    """Remember that a briefing covered everything up to `when` (atomically).

    `behind` names feeds that could not be read, with where their window
    started, so the next briefing still covers what they missed; `seen` the
    undated entries each feed now carries (taken once); `gone` the feeds
    that answered 410.
    """
    record = {
        "generated_at": when.isoformat(),
        "behind": {url: start.isoformat() for url, start in (behind or {}).items()},
        "seen": {url: sorted(keys) for url, keys in (seen or {}).items()},
        "gone": dict(gone or {}),
    }
    return write_atomic(state_dir / STATE_FILE, json.dumps(record).encode("utf-8"))


def in_window(entry: FeedEntry, since: dt.datetime, seen: frozenset[str] = frozenset()
              ) -> bool:
    """Published at or after `since`; an undated entry only if it was not seen before."""
    if entry.published is None:
        return entry.key not in seen
    return entry.published >= since
