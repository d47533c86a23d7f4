"""Deadlines as an iCalendar file that Outlook, Google Calendar and Apple Calendar import.

Dates become all-day events; an abstract deadline with a moment becomes a timed event in
its conference's own time zone (with the VTIMEZONE that Outlook needs). Every event has
a UID derived from the record it comes from, so importing a newer file updates the
events instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Alarm, Calendar, Event

from scholar_desk.core import files

PRODID = "-//Scholar Desk//Deadlines//EN"
UID_DOMAIN = "scholar-desk"


@dataclass(frozen=True)
class CalendarEvent:
    """One deadline on the calendar.

    Attributes:
        uid_key: A key stable across exports, e.g. ``conference-3-abstract``.
        summary: The event's title.
        on: The local date it falls due (an all-day event when ``at`` is ``None``).
        at: The exact moment, timezone-aware (a timed event).
        timezone: The IANA zone to show ``at`` in, e.g. ``America/Chicago``.
        description: Free text shown in the event.
        category: A calendar category, such as the deadline's kind.
        remind_days: Days before the event for a reminder (``None`` for none).
    """

    uid_key: str
    summary: str
    on: dt.date
    at: dt.datetime | None = None
    timezone: str = "UTC"
    description: str = ""
    category: str = ""
    remind_days: int | None = 7

    @property
    def uid(self) -> str:
        """The stable UID that calendars match on when re-importing."""
        return f"{self.uid_key}@{UID_DOMAIN}"


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def build_calendar(
    events: Sequence[CalendarEvent], *, name: str = "Scholar Desk deadlines", stamp: dt.datetime
) -> Calendar:
    """An iCalendar object with one VEVENT per deadline.

    Args:
        events: The deadlines.
        name: The calendar's display name (``X-WR-CALNAME``).
        stamp: ``DTSTAMP`` of every event (when the file was made, UTC).

    Returns:
        The calendar, with VTIMEZONE components for every zone used.
    """
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp.astimezone(dt.UTC))
        event.add("summary", item.summary)
        if item.at is not None:
            # RFC 5545: a timed event without DTEND ends when it starts, which is what
            # a deadline is; calendars show it as a point in time.
            event.add("dtstart", item.at.astimezone(_zone(item.timezone)))
        else:
            event.add("dtstart", item.on)
            event.add("dtend", item.on + dt.timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        if item.description:
            event.add("description", item.description)
        if item.category:
            event.add("categories", [item.category])
        if item.remind_days is not None:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"Due: {item.summary}")
            alarm.add("trigger", dt.timedelta(days=-item.remind_days))
            event.add_component(alarm)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal


def write_calendar(
    events: Sequence[CalendarEvent],
    path: Path,
    *,
    stamp: dt.datetime,
    name: str = "Scholar Desk deadlines",
    force: bool = False,
) -> int:
    """Write ``events`` to an .ics file, atomically.

    Returns:
        The number of events written.

    Raises:
        ExportError: The file cannot be written.
    """
    data = build_calendar(events, name=name, stamp=stamp).to_ical()
    files.write_bytes(path, data, force=force)
    return len(events)
