"""Deadlines: the custom ones users enter, and those derived from what the tracker holds.

Derived deadlines (abstract deadlines, registration and e-poster dates, revision due
dates, IRB expiry) are computed on every call, so they can never go stale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from scholar_desk.core import clock
from scholar_desk.core.db import models as m
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


def all_deadlines(
    session: Session, actor: Actor, *, include_done: bool = False
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
    session: Session, actor: Actor, *, days: int = 30, today: dt.date | None = None
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
    session: Session, visible: frozenset[int] | None, include_done: bool
) -> Iterable[DeadlineItem]:
    query = select(m.Deadline)
    if not include_done:
        query = query.where(m.Deadline.done.is_(False))
    for row in session.scalars(query):
        if _allowed(row.owner_id, visible):
            yield DeadlineItem(
                row.due_on,
                row.title,
                row.kind,
                "deadline",
                row.id,
                row.owner_id,
                derived=False,
                done=row.done,
            )


def _conference_dates(session: Session) -> Iterable[DeadlineItem]:
    for conf in session.scalars(select(m.Conference)):
        name = conf.acronym or conf.name
        if conf.abstract_deadline is not None:
            yield DeadlineItem(
                local_deadline_date(conf.abstract_deadline, conf.deadline_timezone),
                f"{name} abstract deadline",
                "abstract",
                "conference",
                conf.id,
                None,
                derived=True,
                due_at=conf.abstract_deadline,
            )
        if conf.registration_deadline is not None:
            yield DeadlineItem(
                conf.registration_deadline,
                f"{name} registration",
                "registration",
                "conference",
                conf.id,
                None,
                derived=True,
            )
        if conf.eposter_deadline is not None:
            yield DeadlineItem(
                conf.eposter_deadline,
                f"{name} e-poster upload",
                "e-poster",
                "conference",
                conf.id,
                None,
                derived=True,
            )


def _revisions(session: Session, visible: frozenset[int] | None) -> Iterable[DeadlineItem]:
    query = select(m.Submission).where(
        m.Submission.revision_due_on.is_not(None),
        m.Submission.status.in_([s.value for s in REVISION_STATUSES]),
    )
    for sub in session.scalars(query):
        if _allowed(sub.owner_id, visible) and sub.revision_due_on is not None:
            yield DeadlineItem(
                sub.revision_due_on,
                f"Revision due: {sub.manuscript.title} ({sub.journal.name})",
                "revision",
                "submission",
                sub.id,
                sub.owner_id,
                derived=True,
            )


def _irb_expiry(session: Session, visible: frozenset[int] | None) -> Iterable[DeadlineItem]:
    query = select(m.Project).where(
        m.Project.irb_expires_on.is_not(None),
        m.Project.status.in_(IRB_ACTIVE_PROJECT_STATUSES),
    )
    for project in session.scalars(query):
        if _allowed(project.owner_id, visible) and project.irb_expires_on is not None:
            yield DeadlineItem(
                project.irb_expires_on,
                f"IRB expires: {project.title}",
                "IRB",
                "project",
                project.id,
                project.owner_id,
                derived=True,
            )
