"""Dated status moves, their undo, and resubmission to another journal."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from scholar_desk.core import clock
from scholar_desk.core.db import models as m
from scholar_desk.core.errors import InvalidTransitionError, ValidationError
from scholar_desk.core.records import (
    DECISION_STATUSES,
    REVISION_STATUSES,
    SUBMISSION_TRANSITIONS,
    Record,
    SubmissionStatus,
)
from scholar_desk.core.services import items, permissions, sent_files
from scholar_desk.core.services.session import Actor
from scholar_desk.core.services.submissions.records import (
    _S,
    RESUBMITTABLE,
    _check_date,
    _last_event_date,
    _require,
    _submission,
)


def earliest_move_date(session: Session, actor: Actor, submission_id: int) -> dt.date | None:
    """The earliest date the submission's next status change may carry.

    Raises:
        NotFoundError: No such submission.
        PermissionDeniedError: The actor may not read it.
    """
    sub = _submission(session, submission_id, actor)
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
    sub = _submission(session, submission_id, actor)
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
    event = m.SubmissionEvent(
        submission_id=sub.id,
        from_status=old_status,
        to_status=target.value,
        on=when,
        by=actor.username,
        note=note.strip(),
    )
    session.add(event)
    sent_files.record_sent(session, event)
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
    points were entered in it since (the submission kind's workflow does this).

    Raises:
        ValidationError: The latest move is not that one, or its round has points.
        PermissionDeniedError: The actor may not change this submission.
        NotFoundError: No such submission.
    """
    return items.take_back_move(session, actor, "submission", submission_id, moved_to, back_to)


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
    sub = _submission(session, submission_id, actor)
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
    event = m.SubmissionEvent(
        submission_id=new.id,
        from_status=None,
        to_status=_S.SUBMITTED.value,
        on=when,
        by=actor.username,
        note=f"resubmitted after {sub.status} at {old_journal}",
    )
    session.add(event)
    sent_files.record_sent(session, event)
    session.flush()
    record = items.get_item(session, actor, "submission", new.id)
    items.audit(session, actor, "create", "submission", new.id, "", None, record.to_json())
    return record
