"""The dashboard's picture at a glance: pipeline counts, deadlines, overdue and stalled work.

The reads are plain SQL run by `plain.fetch`, so the same code answers on a session or
on a `PlainReader`: a window reopening on the dashboard paints it before SQLAlchemy loads.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from scholar_desk.core import clock
from scholar_desk.core.db import plain
from scholar_desk.core.db.plain import Unit
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
    session: Unit, actor: Actor, today: dt.date | None = None, *, days: int = 30
) -> DashboardSummary:
    """Build the dashboard for ``actor``: only records the actor may read are counted."""
    today = today or clock.today()
    visible = permissions.visible_owner_ids(session, actor)

    def mine(owner_id: int | None) -> bool:
        return visible is None or owner_id in visible

    projects = [
        row
        for row in plain.fetch(
            session,
            "SELECT id, owner_id, status, status_changed_on, title FROM projects ORDER BY id",
        )
        if mine(row[1])
    ]
    submissions = [
        row
        for row in plain.fetch(
            session,
            "SELECT s.id, s.owner_id, s.status, s.status_changed_on, s.submitted_on,"
            " m.title, j.name FROM submissions s"
            " JOIN manuscripts m ON m.id = s.manuscript_id"
            " JOIN journals j ON j.id = s.journal_id ORDER BY s.id",
        )
        if mine(row[1])
    ]
    abstracts = [
        row
        for row in plain.fetch(session, "SELECT owner_id, status FROM abstracts ORDER BY id")
        if mine(row[0])
    ]
    overdue, upcoming = deadlines.upcoming(session, actor, days=days, today=today)

    stalled: list[StalledItem] = []
    for sub_id, owner_id, status, changed_on, submitted_on, manuscript, journal in submissions:
        since = deadlines.stored_date(changed_on or submitted_on)
        if status in OPEN_SUBMISSION_STATUSES and since is not None:
            age = (today - since).days
            if age > STALLED_SUBMISSION_DAYS:
                stalled.append(
                    StalledItem(
                        "submission",
                        sub_id,
                        f"{manuscript} ({journal})",
                        status,
                        since,
                        age,
                        owner_id,
                    )
                )
    for project_id, owner_id, status, changed_on, title in projects:
        since = deadlines.stored_date(changed_on)
        if status in ACTIVE_PROJECT_STATUSES and since is not None:
            age = (today - since).days
            if age > STALLED_PROJECT_DAYS:
                stalled.append(
                    StalledItem("project", project_id, title, status, since, age, owner_id)
                )
    stalled.sort(key=lambda s: -s.days)
    return DashboardSummary(
        today=today,
        projects_by_status=_ordered(
            Counter(p[2] for p in projects), [s.value for s in ProjectStatus]
        ),
        submissions_by_status=_ordered(
            Counter(s[2] for s in submissions), [s.value for s in SubmissionStatus]
        ),
        abstracts_by_status=_ordered(
            Counter(a[1] for a in abstracts), [s.value for s in AbstractStatus]
        ),
        upcoming=upcoming,
        overdue=overdue,
        stalled=stalled,
    )


def people_labels(session: Unit, actor: Actor) -> dict[int, str]:
    """Each person's label (`kinds.person_name`) by id, as the dashboard names fellows.

    Everyone the actor may read people at all (the shared catalog); none otherwise.
    """
    if not permissions.allowed(session, actor, permissions.READ, "person", None):
        return {}
    from types import SimpleNamespace

    from scholar_desk.core.services.kinds import person_name

    rows = plain.fetch(session, "SELECT id, given_name, family_name, degrees FROM people")
    return {
        person_id: person_name(
            SimpleNamespace(given_name=given, family_name=family, degrees=degrees)  # type: ignore[arg-type]
        )
        for person_id, given, family, degrees in rows
    }
