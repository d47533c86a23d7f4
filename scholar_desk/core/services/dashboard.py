"""The dashboard's picture at a glance: pipeline counts, deadlines, overdue and stalled work."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from scholar_desk.core import clock
from scholar_desk.core.db import models as m
from scholar_desk.core.records import (
    OPEN_SUBMISSION_STATUSES,
    AbstractStatus,
    ProjectStatus,
    SubmissionStatus,
)
from scholar_desk.core.services import deadlines, permissions
from scholar_desk.core.services.session import Actor

STALLED_SUBMISSION_DAYS = 90
STALLED_PROJECT_DAYS = 180
ACTIVE_PROJECT_STATUSES = frozenset(
    {
        ProjectStatus.PROTOCOL,
        ProjectStatus.IRB_SUBMITTED,
        ProjectStatus.IRB_APPROVED,
        ProjectStatus.DATA_COLLECTION,
        ProjectStatus.ANALYSIS,
        ProjectStatus.WRITING,
    }
)


@dataclass(frozen=True)
class StalledItem:
    """Something that has not moved for too long.

    Attributes:
        kind: ``submission`` or ``project``.
        item_id: Its id.
        title: What it is.
        status: The status it is stuck in.
        since: The date it entered that status.
        days: How many days ago that was.
        owner_id: The fellow it belongs to.
    """

    kind: str
    item_id: int
    title: str
    status: str
    since: dt.date
    days: int
    owner_id: int | None


@dataclass(frozen=True)
class DashboardSummary:
    """Everything the dashboard shows, for one actor on one day."""

    today: dt.date
    projects_by_status: dict[str, int] = field(default_factory=dict)
    submissions_by_status: dict[str, int] = field(default_factory=dict)
    abstracts_by_status: dict[str, int] = field(default_factory=dict)
    upcoming: list[deadlines.DeadlineItem] = field(default_factory=list)
    overdue: list[deadlines.DeadlineItem] = field(default_factory=list)
    stalled: list[StalledItem] = field(default_factory=list)


def _ordered(counter: Counter[str], order: list[str]) -> dict[str, int]:
    return {status: counter[status] for status in order if counter[status]}


def summary(
    session: Session, actor: Actor, today: dt.date | None = None, *, days: int = 30
) -> DashboardSummary:
    """Build the dashboard for ``actor``: only records the actor may read are counted."""
    today = today or clock.today()
    visible = permissions.visible_owner_ids(session, actor)

    def mine(owner_id: int | None) -> bool:
        return visible is None or owner_id in visible

    projects = [p for p in session.scalars(select(m.Project)) if mine(p.owner_id)]
    submissions = [s for s in session.scalars(select(m.Submission)) if mine(s.owner_id)]
    abstracts = [a for a in session.scalars(select(m.Abstract)) if mine(a.owner_id)]
    overdue, upcoming = deadlines.upcoming(session, actor, days=days, today=today)

    stalled: list[StalledItem] = []
    for sub in submissions:
        since = sub.status_changed_on or sub.submitted_on
        if sub.status in OPEN_SUBMISSION_STATUSES and since is not None:
            age = (today - since).days
            if age > STALLED_SUBMISSION_DAYS:
                stalled.append(
                    StalledItem(
                        "submission",
                        sub.id,
                        f"{sub.manuscript.title} ({sub.journal.name})",
                        sub.status,
                        since,
                        age,
                        sub.owner_id,
                    )
                )
    for project in projects:
        since = project.status_changed_on
        if project.status in ACTIVE_PROJECT_STATUSES and since is not None:
            age = (today - since).days
            if age > STALLED_PROJECT_DAYS:
                stalled.append(
                    StalledItem(
                        "project",
                        project.id,
                        project.title,
                        project.status,
                        since,
                        age,
                        project.owner_id,
                    )
                )
    stalled.sort(key=lambda s: -s.days)
    return DashboardSummary(
        today=today,
        projects_by_status=_ordered(
            Counter(p.status for p in projects), [s.value for s in ProjectStatus]
        ),
        submissions_by_status=_ordered(
            Counter(s.status for s in submissions), [s.value for s in SubmissionStatus]
        ),
        abstracts_by_status=_ordered(
            Counter(a.status for a in abstracts), [s.value for s in AbstractStatus]
        ),
        upcoming=upcoming,
        overdue=overdue,
        stalled=stalled,
    )
