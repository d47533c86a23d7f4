"""The submission workflow's plain records, and loading and permission helpers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from scholar_desk.core import clock
from scholar_desk.core.db import models as m
from scholar_desk.core.errors import NotFoundError, ValidationError
from scholar_desk.core.records import (
    SubmissionStatus,
)
from scholar_desk.core.services import items, permissions
from scholar_desk.core.services.session import Actor

_S = SubmissionStatus
RESUBMITTABLE = frozenset({_S.REJECTED, _S.WITHDRAWN})
"""Statuses after which a manuscript may go on to another journal."""


@dataclass(frozen=True)
class ChainEntry:
    """One submission in a manuscript's path across journals.

    Attributes:
        submission_id: The submission.
        journal_id: The journal it went to.
        journal_name: The journal's name.
        status: Its current status.
        manuscript_number: The journal's manuscript ID.
        submitted_on: When it was sent.
        decided_on: When the last decision came.
        previous_id: The submission it followed, if any.
        is_current: Whether this is the one asked about.
    """

    submission_id: int
    journal_id: int
    journal_name: str
    status: str
    manuscript_number: str
    submitted_on: dt.date | None
    decided_on: dt.date | None
    previous_id: int | None
    is_current: bool = False


@dataclass(frozen=True)
class TimelineEvent:
    """One dated status change.

    Attributes:
        id: The event row.
        submission_id: The submission it belongs to.
        journal_name: That submission's journal.
        on: The date of the change.
        from_status: The status before (``None`` when the submission was created).
        to_status: The status after.
        by: Who recorded it.
        note: A free note.
    """

    id: int
    submission_id: int
    journal_name: str
    on: dt.date
    from_status: str | None
    to_status: str
    by: str
    note: str


@dataclass(frozen=True)
class PointRecord:
    """One reviewer point.

    Attributes:
        id: The point.
        round_id: Its round.
        position: Its place in the round, from 1.
        reviewer: Who raised it (``Reviewer 1``, ``Editor``...).
        comment: What they said.
        response: The authors' answer.
        change_location: Where the manuscript was changed (page, line, section).
        done: Whether it is dealt with.
    """

    id: int
    round_id: int
    position: int
    reviewer: str
    comment: str
    response: str
    change_location: str
    done: bool


@dataclass(frozen=True)
class RoundRecord:
    """A revision round and how far its points are.

    Attributes:
        id: The round.
        submission_id: Its submission.
        number: 1 for the first revision, and so on.
        received_on: When the decision letter came.
        due_on: When the revision is due.
        submitted_on: When the revision went back (``None`` while open).
        done: Points marked done.
        total: All points.
    """

    id: int
    submission_id: int
    number: int
    received_on: dt.date | None
    due_on: dt.date | None
    submitted_on: dt.date | None
    done: int
    total: int

    @property
    def is_open(self) -> bool:
        """Whether the revision has not been sent yet."""
        return self.submitted_on is None


@dataclass(frozen=True)
class AuthorRecord:
    """One manuscript author in byline order.

    Attributes:
        person_id: The person.
        name: ``Given Family, Degrees``.
        position: Byline position from 1.
        corresponding: Whether they are the corresponding author.
        senior: Whether they are the senior (last) author.
    """

    person_id: int
    name: str
    position: int
    corresponding: bool
    senior: bool


def _submission(session: Session, submission_id: int, actor: Actor | None = None) -> m.Submission:
    # With the actor: another fellow's submission reads exactly as a missing one.
    sub: m.Submission = items.load(session, "submission", submission_id, actor)
    return sub


def _round(session: Session, round_id: int) -> m.RevisionRound:
    rnd = session.get(m.RevisionRound, round_id)
    if rnd is None:
        raise NotFoundError(f"There is no revision round with id {round_id}.")
    return rnd


def _point(session: Session, point_id: int) -> m.ReviewerPoint:
    point = session.get(m.ReviewerPoint, point_id)
    if point is None:
        raise NotFoundError(f"There is no reviewer point with id {point_id}.")
    return point


def _require(session: Session, actor: Actor, action: str, sub: m.Submission) -> None:
    permissions.require(session, actor, action, "submission", sub.owner_id)


def _check_date(on: dt.date, earliest: dt.date | None, what: str) -> None:
    if on > clock.today():
        raise ValidationError({"on": f"{on.isoformat()} is in the future; enter the actual date."})
    if earliest is not None and on < earliest:
        raise ValidationError(
            {"on": f"The date cannot be before {what} ({earliest.isoformat()})."}
        )


def _last_event_date(sub: m.Submission) -> dt.date | None:
    # The row written at creation is dated "today" for drafts; it says nothing about when
    # things happened, so only real moves (and the submission date) bound later dates.
    dates = [e.on for e in sub.events if e.from_status is not None]
    if sub.submitted_on is not None:
        dates.append(sub.submitted_on)
    return max(dates) if dates else None
