"""Mentor meetings: dated notes of a fellow with their mentors, and the actions agreed.

A meeting is a tracker record (kind ``meeting``) that the fellow, their mentors and a
director write. Each agreed action becomes a task (a `Deadline`) of the fellow with its
due date, pointing back to the meeting, so it shows among the fellow's deadlines; the
mentor who records it needs no right to the fellow's deadlines for that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from scholar_desk.core.db import models as m
from scholar_desk.core.errors import ValidationError
from scholar_desk.core.services import items, permissions
from scholar_desk.core.services.kinds import person_name
from scholar_desk.core.services.session import Actor

MEETING = "meeting"
MAX_ACTION = 300


@dataclass(frozen=True)
class MeetingAction:
    """An action agreed at a meeting: a task of the fellow.

    Attributes:
        deadline_id: The task's id among the deadlines.
        title: What is to be done.
        due_on: By when.
        done: Whether it is done.
    """

    deadline_id: int
    title: str
    due_on: dt.date
    done: bool


@dataclass(frozen=True)
class MeetingInfo:
    """One meeting as the window and the command line show it.

    Attributes:
        id: The meeting's id.
        owner_id: The fellow.
        fellow: The fellow's name.
        held_on: When it was held.
        attendees: Who was there.
        notes: What was discussed.
        actions: The actions agreed, by due date.
        version: The version read.
    """

    id: int
    owner_id: int | None
    fellow: str
    held_on: dt.date
    attendees: str
    notes: str
    actions: tuple[MeetingAction, ...]
    version: int

    @property
    def open_actions(self) -> list[MeetingAction]:
        """Actions not done yet."""
        return [a for a in self.actions if not a.done]


def add_action(
    session: Session, actor: Actor, meeting_id: int, title: str, due_on: dt.date
) -> MeetingAction:
    """Record an action agreed at a meeting: a task of the fellow, due on ``due_on``.

    Raises:
        NotFoundError: No such meeting (or one the actor may not read).
        PermissionDeniedError: The actor may not change the meeting.
        ValidationError: No title, or one too long.
    """
    meeting: m.MentorMeeting = items.load(session, MEETING, meeting_id, actor)
    permissions.require(session, actor, permissions.UPDATE, MEETING, meeting.owner_id)
    text = " ".join(title.split())
    if not text:
        raise ValidationError({"action": "Say what is to be done."})
    if len(text) > MAX_ACTION:
        raise ValidationError({"action": f"Keep an action under {MAX_ACTION} characters."})
    task = m.Deadline(
        owner_id=meeting.owner_id,
        title=text,
        kind="task",
        due_on=due_on,
        target_kind=MEETING,
        target_id=meeting.id,
        notes=f"Agreed at the mentor meeting on {meeting.held_on:%Y-%m-%d}.",
    )
    session.add(task)
    session.flush()
    items.audit(
        session,
        actor,
        "create",
        "deadline",
        task.id,
        "",
        None,
        {"title": text, "due_on": due_on.isoformat(), "meeting_id": meeting.id},
    )
    return MeetingAction(task.id, text, due_on, False)


def record_meeting(
    session: Session,
    actor: Actor,
    fellow_id: int,
    held_on: dt.date,
    *,
    attendees: str = "",
    notes: str = "",
    actions: Iterable[tuple[str, dt.date]] = (),
) -> MeetingInfo:
    """Record a meeting of a fellow with the actions agreed, in one unit of work.

    Raises:
        PermissionDeniedError: The actor is not the fellow, one of their mentors or a
            director.
        ValidationError: A field or an action at fault; nothing is written.
    """
    record = items.create_item(
        session,
        actor,
        MEETING,
        {"owner_id": fellow_id, "held_on": held_on, "attendees": attendees, "notes": notes},
    )
    for title, due_on in actions:
        add_action(session, actor, record.id, title, due_on)
    return _info(session, session.get_one(m.MentorMeeting, record.id))


def list_meetings(
    session: Session, actor: Actor, fellow_id: int | None = None
) -> list[MeetingInfo]:
    """Meetings the actor may read (of one fellow, if given), newest first."""
    query = select(m.MentorMeeting).order_by(m.MentorMeeting.held_on.desc(), m.MentorMeeting.id)
    if fellow_id is not None:
        query = query.where(m.MentorMeeting.owner_id == fellow_id)
    visible = permissions.visible_owner_ids(session, actor)
    if visible is not None:
        query = query.where(m.MentorMeeting.owner_id.in_(visible))
    return [_info(session, row) for row in session.scalars(query)]


def _info(session: Session, row: m.MentorMeeting) -> MeetingInfo:
    tasks = session.scalars(
        select(m.Deadline)
        .where(m.Deadline.target_kind == MEETING, m.Deadline.target_id == row.id)
        .order_by(m.Deadline.due_on, m.Deadline.id)
    )
    person = session.get(m.Person, row.owner_id) if row.owner_id is not None else None
    return MeetingInfo(
        id=row.id,
        owner_id=row.owner_id,
        fellow=person_name(person),
        held_on=row.held_on,
        attendees=row.attendees,
        notes=row.notes,
        actions=tuple(MeetingAction(t.id, t.title, t.due_on, t.done) for t in tasks),
        version=row.version,
    )
