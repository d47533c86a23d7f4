"""Deadlines on a calendar: busy days of a month, the start-up reminder, the .ics export."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from scholar_desk.core import clock, files
from scholar_desk.core.db import models as m
from scholar_desk.core.formats.ical import CalendarEvent, write_calendar
from scholar_desk.core.services import deadlines, zones
from scholar_desk.core.services.deadlines import DeadlineItem
from scholar_desk.core.services.kinds import person_name
from scholar_desk.core.services.session import Actor

REMINDER_DAYS = 7
"""The start-up reminder shows what is overdue or due within this many days."""


@dataclass(frozen=True)
class Reminder:
    """What the start-up reminder shows.

    Attributes:
        today: The day it was computed for.
        overdue: Deadlines that have passed and still concern someone.
        soon: Deadlines due today or within `REMINDER_DAYS` days.
    """

    today: dt.date
    overdue: tuple[DeadlineItem, ...] = ()
    soon: tuple[DeadlineItem, ...] = ()

    @property
    def empty(self) -> bool:
        """Whether there is nothing to remind of."""
        return not self.overdue and not self.soon


def reminder(session: Session, actor: Actor, today: dt.date | None = None) -> Reminder:
    """Deadlines overdue or due within a week, for the reminder at start-up."""
    today = today or clock.today()
    overdue, soon = deadlines.upcoming(session, actor, days=REMINDER_DAYS, today=today)
    return Reminder(today, tuple(overdue), tuple(soon))


def by_day(items: Iterable[DeadlineItem]) -> dict[dt.date, list[DeadlineItem]]:
    """Group deadlines by their due date (for marking busy days on a month view)."""
    days: dict[dt.date, list[DeadlineItem]] = defaultdict(list)
    for item in items:
        days[item.due_on].append(item)
    return dict(days)


def month_days(
    items: Iterable[DeadlineItem], year: int, month: int
) -> dict[dt.date, list[DeadlineItem]]:
    """The busy days of one month and what is due on each."""
    return {
        day: due for day, due in by_day(items).items() if day.year == year and day.month == month
    }


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "item"


def uid_key(item: DeadlineItem) -> str:
    """A key that stays the same across exports for the same deadline.

    A custom deadline keeps its key when its kind is edited; a derived one is keyed by
    its source record and kind, since one conference yields several dates.
    """
    if item.source_kind == "deadline":
        return f"deadline-{item.source_id}"
    return f"{item.source_kind}-{item.source_id}-{_slug(item.kind)}"


def calendar_events(
    session: Session, actor: Actor, *, include_done: bool = False
) -> list[CalendarEvent]:
    """Every deadline the actor may see, as calendar events.

    Args:
        session: The unit of work.
        actor: Who exports; a mentor or director gets their fellows' deadlines, each
            marked with the fellow's name.
        include_done: Whether ticked-off custom tasks are exported too.
    """
    items = deadlines.all_deadlines(session, actor, include_done=include_done)
    owner_ids = {i.owner_id for i in items if i.owner_id is not None}
    several = len(owner_ids) > 1
    names = {
        p.id: person_name(p)
        for p in session.scalars(select(m.Person).where(m.Person.id.in_(owner_ids)))
    }
    meeting_zones = {
        c.id: c.deadline_timezone
        for c in session.scalars(
            select(m.Conference).where(m.Conference.abstract_deadline.is_not(None))
        )
    }
    events = []
    for item in items:
        lines = [f"{item.kind.capitalize()} deadline, from Scholar Desk."]
        owner = names.get(item.owner_id) if item.owner_id is not None else None
        summary = item.title
        if owner:
            lines.append(f"Fellow: {owner}")
            if several:
                summary = f"{item.title} ({owner})"
        if item.done:
            lines.append("Done.")
        zone = (
            meeting_zones.get(item.source_id, "UTC") if item.source_kind == "conference" else "UTC"
        )
        if item.due_at is not None:
            where = zones.zone(zone).key
            lines.append(f"Due {zones.format_in_zone(item.due_at, zone)} ({where}).")
        events.append(
            CalendarEvent(
                uid_key=uid_key(item),
                summary=summary,
                on=item.due_on,
                at=item.due_at,
                timezone=zone,
                description="\n".join(lines),
                category=item.kind,
                remind_days=None if item.done else REMINDER_DAYS,
            )
        )
    return events


def export_calendar(
    session: Session, actor: Actor, path: Path, *, include_done: bool = False, force: bool = False
) -> int:
    """Write the actor's deadlines to an .ics file and return how many were written.

    Raises:
        ExportError: The file cannot be written (nothing is left behind).
        OutputExistsError: ``path`` exists and ``force`` is false.
    """
    files.check_target(path, force=force)
    events = calendar_events(session, actor, include_done=include_done)
    return write_calendar(events, path, stamp=clock.now(), force=force)


def deadline_rows(items: Iterable[DeadlineItem], today: dt.date) -> list[dict[str, object]]:
    """Deadlines as JSON-ready rows (as ``list deadlines`` prints them, plus urgency).

    Custom deadlines carry their own ``id``; derived ones a negative running number, as
    in ``scholar-desk list deadlines``; ``uid`` is stable across calls for both.
    """
    rows: list[dict[str, object]] = []
    for number, item in enumerate(items, start=1):
        rows.append(
            {
                "id": item.source_id if not item.derived else -number,
                "uid": uid_key(item),
                "due_on": item.due_on.isoformat(),
                "due_at": item.due_at.isoformat() if item.due_at else None,
                "days_left": item.days_left(today),
                "urgency": item.urgency(today),
                "title": item.title,
                "kind": item.kind,
                "source_kind": item.source_kind,
                "source_id": item.source_id,
                "owner_id": item.owner_id,
                "derived": item.derived,
                "done": item.done,
            }
        )
    return rows
