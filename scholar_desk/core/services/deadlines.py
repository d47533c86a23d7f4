"""Deadlines: the custom ones users enter, and those derived from what the tracker holds.

Derived deadlines (abstract deadlines, registration and e-poster dates, revision due
dates, IRB expiry) are computed on every call, so they can never go stale.

The reads are plain SQL run by `plain.fetch`, so the same code answers on a session or
on a `PlainReader` (the dashboard's first paint, before SQLAlchemy loads).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from scholar_desk.core import clock
from scholar_desk.core.db import plain
from scholar_desk.core.db.plain import Unit
from scholar_desk.core.records import SubmissionStatus
from scholar_desk.core.services import permissions, zones
from scholar_desk.core.services.session import Actor

REVISION_STATUSES = frozenset({SubmissionStatus.MAJOR_REVISION, SubmissionStatus.MINOR_REVISION})
CLOSED_ABSTRACT_STATUSES = frozenset({"rejected", "withdrawn", "presented"})
IRB_ACTIVE_PROJECT_STATUSES = frozenset({"IRB approved", "data collection", "analysis", "writing"})


@dataclass(frozen=True)
class DeadlineItem:
    """One deadline, stored or derived.

    Attributes:
        due_on: The local date it falls due.
        title: What is due.
        kind: abstract, registration, e-poster, revision, IRB, or a custom kind.
        source_kind: The record it comes from (``deadline`` for custom ones).
        source_id: That record's id.
        owner_id: The fellow it concerns (``None`` for meeting-wide dates).
        derived: Whether it is computed rather than entered.
        done: Whether a custom task is ticked off.
        due_at: The exact moment, where the source has one (abstract deadlines).
    """

    due_on: dt.date
    title: str
    kind: str
    source_kind: str
    source_id: int
    owner_id: int | None
    derived: bool
    done: bool = False
    due_at: dt.datetime | None = None

    def days_left(self, today: dt.date) -> int:
        """Days until due (negative when overdue)."""
        return (self.due_on - today).days

    def urgency(self, today: dt.date) -> str:
        """``overdue``, ``week`` (7 days or less), ``month`` (30 or less), or ``later``."""
        if self.done:
            return "done"
        days = self.days_left(today)
        if days < 0:
            return "overdue"
        if days <= 7:
            return "week"
        if days <= 30:
            return "month"
        return "later"


def local_deadline_date(moment: dt.datetime, zone_name: str) -> dt.date:
    """The date of ``moment`` in the conference's time zone (UTC when the zone is unknown)."""
    return zones.in_zone(moment, zone_name).date()


def stored_day(value: Any) -> dt.date:
    """A stored date read in plain SQL as a date (SQLite gives its ``YYYY-MM-DD`` text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def stored_date(value: Any) -> dt.date | None:
    """`stored_day`, or ``None`` for a date not set."""
    return None if value is None else stored_day(value)


def all_deadlines(
    session: Unit, actor: Actor, *, include_done: bool = False
) -> list[DeadlineItem]:
    """Every deadline the actor may see, stored and derived, sorted by date."""
    visible = permissions.visible_owner_ids(session, actor)
    items: list[DeadlineItem] = []
    items.extend(_custom(session, visible, include_done))
    items.extend(_conference_dates(session))
    items.extend(_revisions(session, visible))
    items.extend(_irb_expiry(session, visible))
    items.sort(key=lambda d: (d.due_on, d.title))
    return items


def upcoming(
    session: Unit, actor: Actor, *, days: int = 30, today: dt.date | None = None
) -> tuple[list[DeadlineItem], list[DeadlineItem]]:
    """Deadlines overdue and due within ``days``, as ``(overdue, upcoming)``."""
    today = today or clock.today()
    horizon = today + dt.timedelta(days=days)
    overdue, soon = [], []
    for item in all_deadlines(session, actor):
        if item.due_on < today:
            # Meeting-wide dates that passed are history, not something overdue.
            if item.owner_id is not None or item.source_kind == "deadline":
                overdue.append(item)
        elif item.due_on <= horizon:
            soon.append(item)
    return overdue, soon


def _allowed(owner_id: int | None, visible: frozenset[int] | None) -> bool:
    return visible is None or owner_id in visible


def _custom(
    session: Unit, visible: frozenset[int] | None, include_done: bool
) -> Iterable[DeadlineItem]:
    sql = "SELECT id, due_on, title, kind, owner_id, done FROM deadlines"
    if not include_done:
        sql += " WHERE NOT done"
    for item_id, due_on, title, kind, owner_id, done in plain.fetch(session, sql + " ORDER BY id"):
        if _allowed(owner_id, visible):
            yield DeadlineItem(
                stored_day(due_on),
                title,
                kind,
                "deadline",
                item_id,
                owner_id,
                derived=False,
                done=bool(done),
            )


def _conference_dates(session: Unit) -> Iterable[DeadlineItem]:
    rows = plain.fetch(
        session,
        "SELECT id, name, acronym, abstract_deadline, deadline_timezone,"
        " registration_deadline, eposter_deadline FROM conferences ORDER BY id",
    )
    for conf_id, conf_name, acronym, abstract, zone, registration, eposter in rows:
        name = acronym or conf_name
        abstract_deadline = plain.parse_stamp(abstract)
        if abstract_deadline is not None:
            yield DeadlineItem(
                local_deadline_date(abstract_deadline, zone),
                f"{name} abstract deadline",
                "abstract",
                "conference",
                conf_id,
                None,
                derived=True,
                due_at=abstract_deadline,
            )
        registration_on = stored_date(registration)
        if registration_on is not None:
            yield DeadlineItem(
                registration_on,
                f"{name} registration",
                "registration",
                "conference",
                conf_id,
                None,
                derived=True,
            )
        eposter_on = stored_date(eposter)
        if eposter_on is not None:
            yield DeadlineItem(
                eposter_on,
                f"{name} e-poster upload",
                "e-poster",
                "conference",
                conf_id,
                None,
                derived=True,
            )


def _revisions(session: Unit, visible: frozenset[int] | None) -> Iterable[DeadlineItem]:
    rows = plain.fetch(
        session,
        "SELECT s.id, s.revision_due_on, s.owner_id, m.title, j.name FROM submissions s"
        " JOIN manuscripts m ON m.id = s.manuscript_id JOIN journals j ON j.id = s.journal_id"
        " WHERE s.revision_due_on IS NOT NULL AND s.status IN (:major, :minor) ORDER BY s.id",
        {
            "major": SubmissionStatus.MAJOR_REVISION.value,
            "minor": SubmissionStatus.MINOR_REVISION.value,
        },
    )
    for sub_id, due, owner_id, manuscript, journal in rows:
        due_on = stored_date(due)
        if _allowed(owner_id, visible) and due_on is not None:
            yield DeadlineItem(
                due_on,
                f"Revision due: {manuscript} ({journal})",
                "revision",
                "submission",
                sub_id,
                owner_id,
                derived=True,
            )


def _irb_expiry(session: Unit, visible: frozenset[int] | None) -> Iterable[DeadlineItem]:
    marks = ", ".join(f":s{i}" for i in range(len(IRB_ACTIVE_PROJECT_STATUSES)))
    rows = plain.fetch(
        session,
        "SELECT id, irb_expires_on, owner_id, title FROM projects"
        f" WHERE irb_expires_on IS NOT NULL AND status IN ({marks}) ORDER BY id",
        {f"s{i}": status for i, status in enumerate(sorted(IRB_ACTIVE_PROJECT_STATUSES))},
    )
    for project_id, expires, owner_id, title in rows:
        expires_on = stored_date(expires)
        if _allowed(owner_id, visible) and expires_on is not None:
            yield DeadlineItem(
                expires_on,
                f"IRB expires: {title}",
                "IRB",
                "project",
                project_id,
                owner_id,
                derived=True,
            )
