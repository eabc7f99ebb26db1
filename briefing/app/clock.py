"""One notion of "now" and "today" for every command: the reader's, in BRIEFING_TIMEZONE."""

from __future__ import annotations

import datetime as dt


def now_in(timezone: str | None) -> dt.datetime:
    """The current time, aware, in `timezone` (an IANA name) or the machine's own zone."""
    if timezone:
        import pytz  # the zone database the schedule library uses too

        return dt.datetime.now(pytz.timezone(timezone))
    return dt.datetime.now().astimezone()


def today_in(timezone: str | None) -> dt.date:
    """Today's date where the reader lives, which is not always the machine's."""
    return now_in(timezone).date()
