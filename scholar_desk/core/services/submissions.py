"""The submission workflow: dated status moves, resubmission chains and revision rounds.

A submission's status moves only along `SUBMISSION_TRANSITIONS`. Each move is a dated
`SubmissionEvent` carrying who made it. A rejected (or withdrawn) manuscript goes on as
a new submission to another journal whose ``previous_id`` points back, so the whole
path of a manuscript across journals stays visible as a chain.

A decision asking for a revision opens a revision round (received that day); sending
the revision closes it. The round holds the reviewers' points, each with a response,
where the text was changed and a done flag.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from scholar_desk.core import clock
from scholar_desk.core.db import models as m
from scholar_desk.core.errors import InvalidTransitionError, NotFoundError, ValidationError
from scholar_desk.core.records import (
    DECISION_STATUSES,
    SUBMISSION_TRANSITIONS,
    Record,
    SubmissionStatus,
)
from scholar_desk.core.services import items, permissions
from scholar_desk.core.services.kinds import person_name
from scholar_desk.core.services.session import Actor

_S = SubmissionStatus
RESUBMITTABLE = frozenset({_S.REJECTED, _S.WITHDRAWN})
"""Statuses after which a manuscript may go on to another journal."""
REVISION_STATUSES = frozenset({_S.MAJOR_REVISION, _S.MINOR_REVISION})


# Plain records --------------------------------------------------------------------------


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


# Loading and permission helpers ---------------------------------------------------------


def _submission(session: Session, submission_id: int) -> m.Submission:
    sub: m.Submission = items.load(session, "submission", submission_id)
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


def earliest_move_date(session: Session, actor: Actor, submission_id: int) -> dt.date | None:
    """The earliest date the submission's next status change may carry.

    Raises:
        NotFoundError: No such submission.
        PermissionDeniedError: The actor may not read it.
    """
    sub = _submission(session, submission_id)
    _require(session, actor, permissions.READ, sub)
    return _last_event_date(sub)


def allowed_moves(status: str) -> list[str]:
    """The statuses a submission in ``status`` may move to, in workflow order.

    Args:
        status: The current status.

    Returns:
        Status values in the order of `SubmissionStatus`; empty for an unknown status.
    """
    try:
        allowed = SUBMISSION_TRANSITIONS[SubmissionStatus(status)]
    except ValueError:
        return []
    return [s.value for s in SubmissionStatus if s in allowed]


# Status ---------------------------------------------------------------------------------


def change_status(
    session: Session,
    actor: Actor,
    submission_id: int,
    new_status: str,
    on: dt.date | None = None,
    note: str = "",
    *,
    revision_due_on: dt.date | None = None,
) -> Record:
    """Move a submission to a new status on a given date and record the event.

    Moving to ``submitted`` sets the submission date; a decision (revision, acceptance,
    rejection) sets the decision date. A revision decision opens a revision round
    received that day (due ``revision_due_on``); ``revision submitted`` closes the open
    round.

    Args:
        session: The unit of work.
        actor: Who makes the change; their user name goes on the event.
        submission_id: The submission.
        new_status: The status to move to.
        on: When it happened; today when ``None``.
        note: A free note kept with the event.
        revision_due_on: For a revision decision, when the revision is due.

    Returns:
        The submission as it is now.

    Raises:
        InvalidTransitionError: The workflow does not allow this move; the message
            lists the moves that are allowed.
        ValidationError: The date is in the future or before the submission date or
            the previous event.
        PermissionDeniedError: The actor may not change this submission.
        NotFoundError: No such submission.
    """
    sub = _submission(session, submission_id)
    _require(session, actor, permissions.UPDATE, sub)
    message = items.transition_error("submission", sub.status, new_status)
    if message:
        raise InvalidTransitionError(message)
    target = SubmissionStatus(new_status)
    when = on or clock.today()
    _check_date(when, _last_event_date(sub), "the submission or its previous event")
    if revision_due_on is not None and revision_due_on < when:
        raise ValidationError({"revision_due_on": "A revision cannot be due before the decision."})
    old_status = sub.status
    old_values = {"status": sub.status, "submitted_on": sub.submitted_on}
    for event in sub.events:
        # A draft entered after the fact: its creation row must not sort after its moves.
        if event.from_status is None and event.on > when:
            event.on = when
    sub.status = target.value
    sub.status_changed_on = when
    if target == _S.SUBMITTED and sub.submitted_on is None:
        sub.submitted_on = when
    if target in DECISION_STATUSES:
        sub.decided_on = when
    if target in REVISION_STATUSES:
        _open_round(session, sub, when, revision_due_on)
        if revision_due_on is not None:
            sub.revision_due_on = revision_due_on
    if target == _S.REVISION_SUBMITTED:
        for rnd in sub.rounds:
            if rnd.submitted_on is None:
                rnd.submitted_on = when
    session.add(
        m.SubmissionEvent(
            submission_id=sub.id,
            from_status=old_status,
            to_status=target.value,
            on=when,
            by=actor.username,
            note=note.strip(),
        )
    )
    session.flush()
    items.audit(session, actor, "update", "submission", sub.id, "status", old_status, target.value)
    if old_values["submitted_on"] != sub.submitted_on:
        items.audit(
            session, actor, "update", "submission", sub.id, "submitted_on", None, sub.submitted_on
        )
    return items.get_item(session, actor, "submission", sub.id)


def undo_move(
    session: Session, actor: Actor, submission_id: int, moved_to: str, back_to: str
) -> Record:
    """Take back the latest status move, as if it had not been made.

    The latest event must be the move from ``back_to`` to ``moved_to`` (so a move someone
    else made meanwhile is never taken back). The dates the move set are recomputed from
    the events that remain; a revision round the move opened goes too, unless reviewer
    points were entered in it since.

    Raises:
        ValidationError: The latest move is not that one, or its round has points.
        PermissionDeniedError: The actor may not change this submission.
        NotFoundError: No such submission.
    """
    sub = _submission(session, submission_id)
    _require(session, actor, permissions.UPDATE, sub)
    moves = sorted(sub.events, key=lambda e: e.id)
    last = moves[-1] if moves else None
    if (
        last is None
        or last.from_status is None
        or last.to_status != moved_to
        or last.from_status != back_to
        or sub.status != moved_to
    ):
        raise ValidationError(
            {
                "status": f"The move from {back_to} to {moved_to} is no longer the latest "
                "change of this submission, so it cannot be taken back."
            }
        )
    if last.to_status in REVISION_STATUSES:
        opened = [r for r in sub.rounds if r.received_on == last.on and r.submitted_on is None]
        if any(r.points for r in opened):
            raise ValidationError(
                {
                    "status": "The revision round this decision opened already has reviewer "
                    "points; remove them first if the decision is to be taken back."
                }
            )
        for rnd in opened[-1:]:
            sub.rounds.remove(rnd)
    if last.to_status == _S.REVISION_SUBMITTED:
        for rnd in sub.rounds:
            if rnd.submitted_on == last.on:
                rnd.submitted_on = None
    sub.events.remove(last)
    remaining = sorted(sub.events, key=lambda e: (e.on, e.id))
    sub.status = back_to
    sub.status_changed_on = remaining[-1].on if remaining else None
    submitted = [e.on for e in remaining if e.to_status == _S.SUBMITTED]
    sub.submitted_on = submitted[0] if submitted else None
    decided = [e.on for e in remaining if e.to_status in DECISION_STATUSES]
    sub.decided_on = decided[-1] if decided else None
    session.flush()
    items.audit(session, actor, "undo", "submission", sub.id, "status", moved_to, back_to)
    return items.get_item(session, actor, "submission", sub.id)


def _open_round(
    session: Session, sub: m.Submission, received: dt.date, due: dt.date | None
) -> m.RevisionRound:
    number = max((r.number for r in sub.rounds), default=0) + 1
    rnd = m.RevisionRound(submission_id=sub.id, number=number, received_on=received, due_on=due)
    session.add(rnd)
    sub.rounds.append(rnd)
    session.flush()
    return rnd


def resubmit(
    session: Session,
    actor: Actor,
    submission_id: int,
    journal_id: int,
    on: dt.date | None = None,
) -> Record:
    """Send a rejected or withdrawn manuscript to another journal as the next link.

    Args:
        session: The unit of work.
        actor: Who does it.
        submission_id: The rejected or withdrawn submission.
        journal_id: The journal it now goes to.
        on: The new submission date; today when ``None``.

    Returns:
        The new submission (status ``submitted``, ``previous_id`` set).

    Raises:
        InvalidTransitionError: The submission is not rejected or withdrawn, or it was
            already resubmitted.
        ValidationError: The journal does not exist, or the date is impossible.
        PermissionDeniedError: The actor may not change this manuscript's submissions.
    """
    sub = _submission(session, submission_id)
    _require(session, actor, permissions.UPDATE, sub)
    if sub.status not in RESUBMITTABLE:
        raise InvalidTransitionError(
            f"Only a rejected or withdrawn submission can go to another journal; "
            f"this one is {sub.status}."
        )
    later = session.scalar(select(m.Submission.id).where(m.Submission.previous_id == sub.id))
    if later is not None:
        raise InvalidTransitionError(
            f"This submission was already resubmitted (submission #{later}); "
            "continue from that one."
        )
    journal = session.get(m.Journal, journal_id)
    if journal is None:
        raise ValidationError({"journal_id": f"There is no journal with id {journal_id}."})
    when = on or clock.today()
    _check_date(when, _last_event_date(sub), "the previous submission's last event")
    new = m.Submission(
        owner_id=sub.owner_id,
        manuscript_id=sub.manuscript_id,
        journal_id=journal.id,
        previous_id=sub.id,
        status=_S.SUBMITTED.value,
        submitted_on=when,
        status_changed_on=when,
    )
    permissions.require(session, actor, permissions.CREATE, "submission", new.owner_id)
    session.add(new)
    session.flush()
    old_journal = sub.journal.name if sub.journal else "the previous journal"
    session.add(
        m.SubmissionEvent(
            submission_id=new.id,
            from_status=None,
            to_status=_S.SUBMITTED.value,
            on=when,
            by=actor.username,
            note=f"resubmitted after {sub.status} at {old_journal}",
        )
    )
    session.flush()
    record = items.get_item(session, actor, "submission", new.id)
    items.audit(session, actor, "create", "submission", new.id, "", None, record.to_json())
    return record


# Chain and timeline ---------------------------------------------------------------------


def _chain_rows(session: Session, sub: m.Submission) -> list[m.Submission]:
    first = sub
    seen = {first.id}
    while first.previous is not None and first.previous.id not in seen:
        first = first.previous
        seen.add(first.id)
    rows = [first]
    current = first
    while True:
        nxt = session.scalars(
            select(m.Submission)
            .where(m.Submission.previous_id == current.id)
            .order_by(m.Submission.id)
        ).first()
        if nxt is None or nxt.id in {r.id for r in rows}:
            break
        rows.append(nxt)
        current = nxt
    return rows


def chain(session: Session, actor: Actor, submission_id: int) -> list[ChainEntry]:
    """Every submission of this manuscript's path, journal by journal, oldest first.

    Args:
        session: The unit of work.
        actor: Who asks.
        submission_id: Any submission of the chain.

    Returns:
        The chain; the asked-for submission has ``is_current`` set.

    Raises:
        NotFoundError: No such submission.
        PermissionDeniedError: The actor may not read it.
    """
    sub = _submission(session, submission_id)
    _require(session, actor, permissions.READ, sub)
    return [_chain_entry(row, row.id == sub.id) for row in _chain_rows(session, sub)]


def _chain_entry(row: m.Submission, current: bool) -> ChainEntry:
    return ChainEntry(
        submission_id=row.id,
        journal_id=row.journal_id,
        journal_name=row.journal.name if row.journal else "",
        status=row.status,
        manuscript_number=row.manuscript_number,
        submitted_on=row.submitted_on,
        decided_on=row.decided_on,
        previous_id=row.previous_id,
        is_current=current,
    )


def manuscript_chains(
    session: Session, actor: Actor, manuscript_id: int
) -> list[list[ChainEntry]]:
    """Every chain of submissions of one manuscript (usually one), oldest first.

    Raises:
        PermissionDeniedError: The actor may not read the manuscript.
    """
    manuscript = session.get(m.Manuscript, manuscript_id)
    if manuscript is None:
        raise NotFoundError(f"There is no manuscript with id {manuscript_id}.")
    permissions.require(session, actor, permissions.READ, "manuscript", manuscript.owner_id)
    return _manuscript_chains(session, manuscript)


def _manuscript_chains(session: Session, manuscript: m.Manuscript) -> list[list[ChainEntry]]:
    ids_in_chain = {s.id for s in manuscript.submissions}
    starts = [
        s
        for s in manuscript.submissions
        if s.previous_id is None or s.previous_id not in ids_in_chain
    ]
    return [[_chain_entry(row, False) for row in _chain_rows(session, start)] for start in starts]


def timeline(
    session: Session, actor: Actor, submission_id: int, *, whole_chain: bool = True
) -> list[TimelineEvent]:
    """The dated status events of a submission, oldest first.

    Args:
        session: The unit of work.
        actor: Who asks.
        submission_id: The submission.
        whole_chain: Include the events of the earlier and later journals of the chain.

    Raises:
        NotFoundError: No such submission.
        PermissionDeniedError: The actor may not read it.
    """
    sub = _submission(session, submission_id)
    _require(session, actor, permissions.READ, sub)
    rows = _chain_rows(session, sub) if whole_chain else [sub]
    return _events_of(rows)


def _events_of(rows: Sequence[m.Submission]) -> list[TimelineEvent]:
    out = [
        TimelineEvent(
            id=e.id,
            submission_id=row.id,
            journal_name=row.journal.name if row.journal else "",
            on=e.on,
            from_status=e.from_status,
            to_status=e.to_status,
            by=e.by,
            note=e.note,
        )
        for row in rows
        for e in row.events
    ]
    out.sort(key=lambda e: (e.on, e.submission_id, e.id))
    return out


# Revision rounds ------------------------------------------------------------------------


def _round_record(session: Session, rnd: m.RevisionRound) -> RoundRecord:
    total, done = session.execute(
        select(
            func.count(m.ReviewerPoint.id),
            func.coalesce(func.sum(case((m.ReviewerPoint.done, 1), else_=0)), 0),
        ).where(m.ReviewerPoint.round_id == rnd.id)
    ).one()
    return RoundRecord(
        id=rnd.id,
        submission_id=rnd.submission_id,
        number=rnd.number,
        received_on=rnd.received_on,
        due_on=rnd.due_on,
        submitted_on=rnd.submitted_on,
        done=int(done),
        total=int(total),
    )


def _point_record(point: m.ReviewerPoint) -> PointRecord:
    return PointRecord(
        id=point.id,
        round_id=point.round_id,
        position=point.position,
        reviewer=point.reviewer,
        comment=point.comment,
        response=point.response,
        change_location=point.change_location,
        done=point.done,
    )


def rounds(session: Session, actor: Actor, submission_id: int) -> list[RoundRecord]:
    """The revision rounds of a submission with their progress, first round first.

    Raises:
        NotFoundError: No such submission.
        PermissionDeniedError: The actor may not read it.
    """
    sub = _submission(session, submission_id)
    _require(session, actor, permissions.READ, sub)
    return [_round_record(session, rnd) for rnd in sub.rounds]


def add_round(
    session: Session,
    actor: Actor,
    submission_id: int,
    received_on: dt.date | None = None,
    due_on: dt.date | None = None,
) -> RoundRecord:
    """Open the next revision round by hand (a revision decision opens one by itself).

    Args:
        session: The unit of work.
        actor: Who does it.
        submission_id: The submission.
        received_on: When the reviews came; today when ``None``.
        due_on: When the revision is due.

    Raises:
        ValidationError: The due date is before the reviews came.
        PermissionDeniedError: The actor may not change this submission.
    """
    sub = _submission(session, submission_id)
    _require(session, actor, permissions.UPDATE, sub)
    received = received_on or clock.today()
    if due_on is not None and due_on < received:
        raise ValidationError({"due_on": "A revision cannot be due before the reviews came."})
    rnd = _open_round(session, sub, received, due_on)
    items.audit(session, actor, "update", "submission", sub.id, "revision round", None, rnd.number)
    return _round_record(session, rnd)


def update_round(
    session: Session,
    actor: Actor,
    round_id: int,
    *,
    received_on: dt.date | None = None,
    due_on: dt.date | None = None,
) -> RoundRecord:
    """Change a round's dates (only the ones given).

    Raises:
        ValidationError: The due date would be before the reviews came.
        PermissionDeniedError: The actor may not change this submission.
    """
    rnd = _round(session, round_id)
    _require(session, actor, permissions.UPDATE, rnd.submission)
    received = received_on or rnd.received_on
    due = due_on or rnd.due_on
    if received is not None and due is not None and due < received:
        raise ValidationError({"due_on": "A revision cannot be due before the reviews came."})
    rnd.received_on = received
    rnd.due_on = due
    if due_on is not None and rnd.submitted_on is None:
        rnd.submission.revision_due_on = due_on
    session.flush()
    return _round_record(session, rnd)


def round_points(session: Session, actor: Actor, round_id: int) -> list[PointRecord]:
    """The reviewer points of one round in order.

    Raises:
        NotFoundError: No such round.
        PermissionDeniedError: The actor may not read the submission.
    """
    rnd = _round(session, round_id)
    _require(session, actor, permissions.READ, rnd.submission)
    return [_point_record(p) for p in rnd.points]


def round_progress(session: Session, actor: Actor, round_id: int) -> tuple[int, int]:
    """``(done, total)`` points of one round.

    Raises:
        PermissionDeniedError: The actor may not read the submission.
    """
    rnd = _round(session, round_id)
    _require(session, actor, permissions.READ, rnd.submission)
    record = _round_record(session, rnd)
    return record.done, record.total


_POINT_FIELDS = ("reviewer", "comment", "response", "change_location", "done")


def _point_values(raw: dict[str, object]) -> dict[str, object]:
    unknown = set(raw) - set(_POINT_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "Reviewer points have no such field."))
    values: dict[str, object] = {}
    for name, value in raw.items():
        if name == "done":
            values[name] = bool(value)
        else:
            values[name] = "" if value is None else str(value).strip()
    if "reviewer" in values and not values["reviewer"]:
        values["reviewer"] = "Reviewer 1"
    if len(str(values.get("change_location", ""))) > 300:
        raise ValidationError({"change_location": "Keep where-changed under 300 characters."})
    return values


def add_point(
    session: Session,
    actor: Actor,
    round_id: int,
    comment: str,
    reviewer: str = "Reviewer 1",
    response: str = "",
    change_location: str = "",
) -> PointRecord:
    """Append a reviewer point to a round.

    Raises:
        ValidationError: The comment is empty.
        PermissionDeniedError: The actor may not change this submission.
    """
    rnd = _round(session, round_id)
    _require(session, actor, permissions.UPDATE, rnd.submission)
    values = _point_values(
        {
            "reviewer": reviewer,
            "comment": comment,
            "response": response,
            "change_location": change_location,
        }
    )
    if not values["comment"]:
        raise ValidationError({"comment": "Enter the reviewer's comment."})
    position = max((p.position for p in rnd.points), default=0) + 1
    point = m.ReviewerPoint(round_id=rnd.id, position=position, **values)
    session.add(point)
    rnd.points.append(point)
    session.flush()
    items.audit(
        session, actor, "update", "submission", rnd.submission_id, "reviewer point", None, comment
    )
    return _point_record(point)


def update_point(session: Session, actor: Actor, point_id: int, **changes: object) -> PointRecord:
    """Change a reviewer point's reviewer, comment, response, location or done flag.

    Raises:
        ValidationError: An unknown field, or an empty comment.
        PermissionDeniedError: The actor may not change this submission.
    """
    point = _point(session, point_id)
    _require(session, actor, permissions.UPDATE, point.round.submission)
    values = _point_values(dict(changes))
    if "comment" in values and not values["comment"]:
        raise ValidationError({"comment": "A point needs the reviewer's comment."})
    for name, value in values.items():
        old = getattr(point, name)
        if old != value:
            setattr(point, name, value)
            items.audit(
                session,
                actor,
                "update",
                "submission",
                point.round.submission_id,
                f"point {point.position} {name}",
                old,
                value,
            )
    session.flush()
    return _point_record(point)


def delete_point(session: Session, actor: Actor, point_id: int) -> None:
    """Remove a reviewer point and close the gap in the numbering.

    Raises:
        PermissionDeniedError: The actor may not change this submission.
    """
    point = _point(session, point_id)
    rnd = point.round
    _require(session, actor, permissions.UPDATE, rnd.submission)
    items.audit(
        session,
        actor,
        "update",
        "submission",
        rnd.submission_id,
        "reviewer point",
        point.comment,
        None,
    )
    rnd.points.remove(point)
    session.delete(point)
    session.flush()
    for index, other in enumerate(rnd.points, start=1):
        other.position = index
    session.flush()


def reorder_points(
    session: Session, actor: Actor, round_id: int, point_ids: Sequence[int]
) -> list[PointRecord]:
    """Put a round's points in the given order.

    Args:
        session: The unit of work.
        actor: Who does it.
        round_id: The round.
        point_ids: Every point id of the round, in the new order.

    Raises:
        ValidationError: The ids are not exactly the round's points.
        PermissionDeniedError: The actor may not change this submission.
    """
    rnd = _round(session, round_id)
    _require(session, actor, permissions.UPDATE, rnd.submission)
    by_id = {p.id: p for p in rnd.points}
    if sorted(point_ids) != sorted(by_id):
        raise ValidationError({"points": "Give every point of the round exactly once."})
    for index, pid in enumerate(point_ids, start=1):
        by_id[pid].position = index
    session.flush()
    session.refresh(rnd)
    return [_point_record(p) for p in sorted(rnd.points, key=lambda p: p.position)]


# Manuscript authors ---------------------------------------------------------------------


def manuscript_authors(session: Session, actor: Actor, manuscript_id: int) -> list[AuthorRecord]:
    """A manuscript's authors in byline order.

    Raises:
        NotFoundError: No such manuscript.
        PermissionDeniedError: The actor may not read it.
    """
    manuscript = session.get(m.Manuscript, manuscript_id)
    if manuscript is None:
        raise NotFoundError(f"There is no manuscript with id {manuscript_id}.")
    permissions.require(session, actor, permissions.READ, "manuscript", manuscript.owner_id)
    return [
        AuthorRecord(a.person_id, person_name(a.person), a.position, a.corresponding, a.senior)
        for a in manuscript.authors
    ]


def set_manuscript_authors(
    session: Session,
    actor: Actor,
    manuscript_id: int,
    authors: Sequence[tuple[int, bool, bool]],
) -> list[AuthorRecord]:
    """Replace a manuscript's byline.

    Args:
        session: The unit of work.
        actor: Who does it.
        manuscript_id: The manuscript.
        authors: ``(person_id, corresponding, senior)`` in byline order.

    Returns:
        The new byline.

    Raises:
        ValidationError: A person is missing or listed twice, or more than one senior
            author is marked.
        PermissionDeniedError: The actor may not change the manuscript.
    """
    manuscript = session.get(m.Manuscript, manuscript_id)
    if manuscript is None:
        raise NotFoundError(f"There is no manuscript with id {manuscript_id}.")
    permissions.require(session, actor, permissions.UPDATE, "manuscript", manuscript.owner_id)
    ids = [a[0] for a in authors]
    if len(set(ids)) != len(ids):
        raise ValidationError({"authors": "Each person can appear only once in the byline."})
    if sum(1 for a in authors if a[2]) > 1:
        raise ValidationError({"authors": "Mark one senior author at most."})
    found = set(session.scalars(select(m.Person.id).where(m.Person.id.in_(ids))))
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationError({"authors": f"No person with id {', '.join(missing)}."})
    old = [(a.person_id, a.corresponding, a.senior) for a in manuscript.authors]
    manuscript.authors.clear()
    session.flush()
    for position, (person_id, corresponding, senior) in enumerate(authors, start=1):
        manuscript.authors.append(
            m.ManuscriptAuthor(
                person_id=person_id,
                position=position,
                corresponding=bool(corresponding),
                senior=bool(senior),
            )
        )
    session.flush()
    items.audit(
        session,
        actor,
        "update",
        "manuscript",
        manuscript.id,
        "authors",
        [list(a) for a in old],
        [list(a) for a in authors],
    )
    return manuscript_authors(session, actor, manuscript_id)
