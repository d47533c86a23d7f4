"""The mentor dashboard: each mentee's pipeline, what is late or stuck, what comes next."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scholar_desk.core import clock
from scholar_desk.core.db import models as m
from scholar_desk.core.records import PersonKind, Role
from scholar_desk.core.services import comments, dashboard, items, permissions
from scholar_desk.core.services.deadlines import DeadlineItem
from scholar_desk.core.services.kinds import get_kind, person_name
from scholar_desk.core.services.session import Actor

PIPELINE_KINDS = ("project", "manuscript", "submission", "abstract")
NEXT_DEADLINES = 5


@dataclass(frozen=True)
class MenteeItem:
    """One of a mentee's items, for a list that opens it read-only.

    Attributes:
        kind: ``project``, ``manuscript``, ``submission`` or ``abstract``.
        item_id: Its id.
        label: Its short name.
        status: Its status (``""`` for kinds without one).
        version: The version read, so an editor can open it.
    """

    kind: str
    item_id: int
    label: str
    status: str
    version: int


@dataclass(frozen=True)
class MenteeSummary:
    """One mentee at a glance.

    Attributes:
        person_id: The fellow.
        name: Their display name.
        projects_by_status: Pipeline counts of projects.
        submissions_by_status: Pipeline counts of submissions.
        abstracts_by_status: Pipeline counts of abstracts.
        overdue: Deadlines already past.
        stalled: Projects and submissions that have not moved for too long.
        next_deadlines: The next few deadlines.
        unresolved_comments: Open review comments on their items.
        items: Their projects, manuscripts, submissions and abstracts.
    """

    person_id: int
    name: str
    projects_by_status: dict[str, int] = field(default_factory=dict)
    submissions_by_status: dict[str, int] = field(default_factory=dict)
    abstracts_by_status: dict[str, int] = field(default_factory=dict)
    overdue: list[DeadlineItem] = field(default_factory=list)
    stalled: list[dashboard.StalledItem] = field(default_factory=list)
    next_deadlines: list[DeadlineItem] = field(default_factory=list)
    unresolved_comments: list[comments.CommentInfo] = field(default_factory=list)
    items: list[MenteeItem] = field(default_factory=list)

    @property
    def attention(self) -> int:
        """How many things need a look: overdue, stalled and open comments."""
        return len(self.overdue) + len(self.stalled) + len(self.unresolved_comments)


def mentee_people(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """The fellows the actor reviews, as ``(person_id, name)`` sorted by name.

    A mentor gets their assigned mentees, a fellow themselves, a director (and the
    single user) every person marked as a fellow or owning a project.
    """
    visible = permissions.visible_owner_ids(session, actor)
    if visible is None:
        owners = set(
            session.scalars(select(m.Project.owner_id).where(m.Project.owner_id.is_not(None)))
        )
        fellows = set(
            session.scalars(select(m.Person.id).where(m.Person.kind == PersonKind.FELLOW))
        )
        ids: set[Any] = owners | fellows
    elif (now := permissions.current(session, actor)) is not None and now.role == Role.MENTOR:
        ids = set(permissions.mentee_ids(session, actor))
    else:
        ids = set(visible)
    people = list(session.scalars(select(m.Person).where(m.Person.id.in_(ids)))) if ids else []
    rows = [(p.id, person_name(p)) for p in people]
    rows.sort(key=lambda r: r[1].lower())
    return rows


def mentor_dashboard(
    session: Session, actor: Actor, today: dt.date | None = None
) -> list[MenteeSummary]:
    """A summary per mentee of ``actor`` (see `mentee_people`), read-only.

    Args:
        session: The unit of work.
        actor: The mentor (or director, or fellow for themselves).
        today: The day to judge overdue and stalled against (default: today).

    Returns:
        One summary per mentee, those needing most attention first.
    """
    today = today or clock.today()
    out = [
        _summary(session, actor, pid, name, today) for pid, name in mentee_people(session, actor)
    ]
    out.sort(key=lambda s: (-s.attention, s.name.lower()))
    return out


def mentee_summary(
    session: Session, actor: Actor, person_id: int, today: dt.date | None = None
) -> MenteeSummary:
    """One fellow at a glance (overdue, stalled, next deadlines, open comments).

    Raises:
        NotFoundError: No such person.
        PermissionDeniedError: The actor may not read the fellow's records.
    """
    from scholar_desk.core.errors import NotFoundError

    person = session.get(m.Person, person_id)
    if person is None:
        raise NotFoundError(f"There is no person with id {person_id}.")
    permissions.require(session, actor, permissions.READ, "project", person_id)
    return _summary(session, actor, person_id, person_name(person), today or clock.today())


def _summary(
    session: Session, actor: Actor, person_id: int, name: str, today: dt.date
) -> MenteeSummary:
    # The dashboard service filters by its actor's visibility; a view as this one fellow
    # narrows it to their records, which `actor` may read (checked by mentee_people).
    as_fellow = Actor(username=actor.username, role=Role.FELLOW, person_id=person_id)
    picture = dashboard.summary(session, as_fellow, today, days=90)
    mentee_items: list[MenteeItem] = []
    open_conferences: set[int] = set()
    for kind_name in PIPELINE_KINDS:
        model: Any = get_kind(kind_name).model
        for record in items.list_items(
            session, actor, kind_name, where=[model.owner_id == person_id]
        ):
            mentee_items.append(
                MenteeItem(
                    kind_name,
                    record.id,
                    record.label,
                    str(record.get("status") or ""),
                    record.version,
                )
            )
            if kind_name == "abstract" and record.get("status") == "draft":
                conference = record.get("conference_id")
                if conference is not None:
                    open_conferences.add(int(conference))
    upcoming = [
        d
        for d in picture.upcoming
        if d.owner_id == person_id
        or (d.source_kind == "conference" and d.source_id in open_conferences)
    ]
    open_comments = [
        c
        for c in comments.list_comments(session, actor, unresolved_only=True)
        if c.owner_id == person_id
    ]
    return MenteeSummary(
        person_id=person_id,
        name=name,
        projects_by_status=picture.projects_by_status,
        submissions_by_status=picture.submissions_by_status,
        abstracts_by_status=picture.abstracts_by_status,
        overdue=[d for d in picture.overdue if d.owner_id == person_id],
        stalled=list(picture.stalled),
        next_deadlines=upcoming[:NEXT_DEADLINES],
        unresolved_comments=open_comments,
        items=mentee_items,
    )
