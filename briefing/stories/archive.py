"""What earlier briefings said, so a briefing can say what is new.

Every generated briefing's JSON is archived under the output folder; a point
whose words largely repeat a point of the last few days' briefings is an
"earlier" point.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable
from pathlib import Path

from briefing.stories import PointIndex

log = logging.getLogger(__name__)

ARCHIVE_FOLDER = "archive"


def archive_path(out_dir: Path, date: dt.date) -> Path:
    return out_dir / ARCHIVE_FOLDER / f"briefing-{date.isoformat()}.json"


def earlier_points(out_dir: Path, date: dt.date, days: int) -> list[tuple[str, str]]:
    """(date, text) of every point shown in the briefings of the `days` days before `date`.

    A damaged archive file is moved aside into `archive/damaged/` and reported, and the
    archive is rebuilt from that day's `briefing-DATE.json` when it is whole.
    """
    found: list[tuple[str, str]] = []
    for back in range(1, days + 1):
        day = date - dt.timedelta(days=back)
        path = archive_path(out_dir, day)
        if not path.is_file():
            continue
        data = _read(path)
        if data is None:
            data = _heal(path, out_dir / f"briefing-{day.isoformat()}.json")
        if data is not None:
            found.extend((day.isoformat(), text) for text in data)
    return found


def _read(path: Path) -> list[str] | None:
    """The texts of the points an archived briefing showed as new; None when damaged."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [
            point["text"]
            for section in data.get("sections", ())
            for point in section.get("points", ())
            if not point.get("earlier")
        ]
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None


def _heal(path: Path, briefing_json: Path) -> list[str] | None:
    """Move a damaged archive file aside; restore it from the day's briefing JSON if whole."""
    from briefing.storage import move_aside, write_atomic

    aside = move_aside(path, path.parent / "damaged")
    texts = _read(briefing_json) if briefing_json.is_file() else None
    if texts is None:
        log.warning("moved the damaged archive %s aside to %s; its points count as new", path,
                    aside)
        return None
    write_atomic(path, briefing_json.read_bytes())
    log.warning("moved the damaged archive %s aside to %s and rebuilt it from %s", path, aside,
                briefing_json)
    return texts


class EarlierIndex:
    """Finds whether a point's words were already in a recent briefing, and when."""

    def __init__(self, points: Iterable[tuple[str, frozenset[str]]]) -> None:
        self._dates: list[str] = []
        self._index = PointIndex()
        for date, words in points:
            self._dates.append(date)
            self._index.add(words)

    def when(self, words: frozenset[str]) -> str | None:
        """The date of the most recent briefing that had this point, if any."""
        matches = self._index.matches(words)
        return max((self._dates[i] for i in matches), default=None)
