"""Revision rounds and the reviewers' points in them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from scholar_desk.core import clock
from scholar_desk.core.db import models as m
from scholar_desk.core.errors import ValidationError
from scholar_desk.core.services import audit, items, merge, permissions
from scholar_desk.core.services.session import Actor
from scholar_desk.core.services.submissions.records import (
    PointRecord,
    RoundRecord,
    _point,
    _require,
    _round,
    _submission,
)
from scholar_desk.core.services.submissions.status import _open_round


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
    sub = _submission(session, submission_id, actor)
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
    sub = _submission(session, submission_id, actor)
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
    before = {"received_on": rnd.received_on, "due_on": rnd.due_on}
    old_due = rnd.submission.revision_due_on
    rnd.received_on = received
    rnd.due_on = due
    if due_on is not None and rnd.submitted_on is None:
        rnd.submission.revision_due_on = due_on
    session.flush()
    sub_id = rnd.submission_id
    for name, value in (("received_on", received), ("due_on", due)):
        if before[name] != value:
            field = f"round {rnd.number} {name}"
            items.audit(session, actor, "update", "submission", sub_id, field, before[name], value)
    if rnd.submission.revision_due_on != old_due:
        new_due = rnd.submission.revision_due_on
        items.audit(
            session, actor, "update", "submission", sub_id, "revision_due_on", old_due, new_due
        )
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


_POINT_LABELS = {
    "reviewer": "Reviewer",
    "comment": "Comment",
    "response": "Response",
    "change_location": "Where changed",
    "done": "Done",
}


def step_point(
    session: Session,
    actor: Actor,
    point_id: int,
    base: Mapping[str, object],
    want: Mapping[str, object],
    *,
    verb: str,
) -> PointRecord:
    """Undo or redo an edit of a reviewer point over what is stored now.

    The edit is applied backwards (undo: ``base`` is what it wrote, ``want`` what it
    replaced) or forwards (redo) as a three-way merge: a field another window changed
    since and the step does not touch is kept; a field both changed refuses the step.

    Returns:
        The point as stored afterwards.

    Raises:
        merge.StepBlockedError: A field the step changes was changed again elsewhere;
            nothing is written.
        NotFoundError: The point was deleted.
        PermissionDeniedError: The actor may not change this submission.
    """
    point = _point(session, point_id)
    _require(session, actor, permissions.READ, point.round.submission)
    stored = _point_record(point)
    trail = audit.last_changes(session, "submission", point.round.submission_id)
    prefix = f"point {point.position} "
    result = merge.merge_fields(
        base,
        want,
        {name: getattr(stored, name) for name in _POINT_LABELS},
        labels={
            name: f"{label} of point {point.position}" for name, label in _POINT_LABELS.items()
        },
        who=lambda name: trail.get(prefix + name, ("", None)),
    )
    if result.clashes:
        raise merge.StepBlockedError(verb, "reviewer point", result.clashes)
    if not result.values:
        return stored
    return update_point(session, actor, point_id, **result.values)


def delete_point(session: Session, actor: Actor, point_id: int) -> PointRecord:
    """Remove a reviewer point and close the gap in the numbering.

    Returns:
        The point as it was, for `restore_point`.

    Raises:
        PermissionDeniedError: The actor may not change this submission.
    """
    point = _point(session, point_id)
    gone = _point_record(point)
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
    return gone


def restore_point(session: Session, actor: Actor, point: PointRecord) -> PointRecord:
    """Put a deleted reviewer point back in its place (the undo of `delete_point`).

    It comes back with its id (while free), its texts and done flag, at its old
    position; the points after it move down one.

    Raises:
        NotFoundError: Its round is gone.
        PermissionDeniedError: The actor may not change this submission.
    """
    rnd = _round(session, point.round_id)
    _require(session, actor, permissions.UPDATE, rnd.submission)
    ordered = sorted(rnd.points, key=lambda p: p.position)
    place = min(max(point.position, 1), len(ordered) + 1)
    free = session.get(m.ReviewerPoint, point.id) is None
    row = m.ReviewerPoint(
        round_id=rnd.id,
        position=place,
        reviewer=point.reviewer,
        comment=point.comment,
        response=point.response,
        change_location=point.change_location,
        done=point.done,
    )
    if free:
        row.id = point.id
    for index, other in enumerate(ordered, start=1):
        other.position = index if index < place else index + 1
    session.add(row)
    rnd.points.append(row)
    session.flush()
    items.audit(
        session,
        actor,
        "restore",
        "submission",
        rnd.submission_id,
        "reviewer point",
        None,
        point.comment,
    )
    return _point_record(row)


def remove_round(session: Session, actor: Actor, round_id: int) -> RoundRecord:
    """Take back a revision round opened by hand (the undo of `add_round`).

    Only the submission's latest round goes, and only while it holds no points, so
    nothing typed into it is lost.

    Returns:
        The round as it was.

    Raises:
        ValidationError: It is not the latest round, or it holds reviewer points.
        PermissionDeniedError: The actor may not change this submission.
    """
    rnd = _round(session, round_id)
    sub = rnd.submission
    _require(session, actor, permissions.UPDATE, sub)
    if rnd.number != max(r.number for r in sub.rounds):
        raise ValidationError(
            {"": f"Round {rnd.number} is no longer the latest round, so it stays."}
        )
    if rnd.points:
        raise ValidationError(
            {
                "": f"Round {rnd.number} holds {len(rnd.points)} reviewer points now; "
                "delete them first if the round should go."
            }
        )
    gone = _round_record(session, rnd)
    items.audit(session, actor, "update", "submission", sub.id, "revision round", rnd.number, None)
    sub.rounds.remove(rnd)
    session.delete(rnd)
    session.flush()
    return gone


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
    before = [p.id for p in sorted(rnd.points, key=lambda p: p.position)]
    for index, pid in enumerate(point_ids, start=1):
        by_id[pid].position = index
    session.flush()
    if before != list(point_ids):
        field = f"round {rnd.number} point order"
        items.audit(
            session,
            actor,
            "update",
            "submission",
            rnd.submission_id,
            field,
            before,
            list(point_ids),
        )
    session.refresh(rnd)
    return [_point_record(p) for p in sorted(rnd.points, key=lambda p: p.position)]
