"""A manuscript's path across journals (the chain) and a submission's timeline."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from scholar_desk.core.db import models as m
from scholar_desk.core.errors import NotFoundError
from scholar_desk.core.services import permissions
from scholar_desk.core.services.session import Actor
from scholar_desk.core.services.submissions.records import (
    ChainEntry,
    TimelineEvent,
    _require,
    _submission,
)


def _chain_rows(session: Session, actor: Actor, sub: m.Submission) -> list[m.Submission]:
    # A chain that crosses owners can only come from before login was on: links the
    # actor may not read are left out.
    visible = permissions.visible_owner_ids(session, actor)
    return [
        row
        for row in _whole_chain(session, sub)
        if row.id == sub.id or visible is None or row.owner_id in visible
    ]


def _whole_chain(session: Session, sub: m.Submission) -> list[m.Submission]:
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
    sub = _submission(session, submission_id, actor)
    _require(session, actor, permissions.READ, sub)
    return [_chain_entry(row, row.id == sub.id) for row in _chain_rows(session, actor, sub)]


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
    return _manuscript_chains(session, actor, manuscript)


def _manuscript_chains(
    session: Session, actor: Actor, manuscript: m.Manuscript
) -> list[list[ChainEntry]]:
    visible = permissions.visible_owner_ids(session, actor)
    subs = [s for s in manuscript.submissions if visible is None or s.owner_id in visible]
    ids_in_chain = {s.id for s in subs}
    starts = [s for s in subs if s.previous_id is None or s.previous_id not in ids_in_chain]
    return [
        [_chain_entry(row, False) for row in _chain_rows(session, actor, start)]
        for start in starts
    ]


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
    sub = _submission(session, submission_id, actor)
    _require(session, actor, permissions.READ, sub)
    rows = _chain_rows(session, actor, sub) if whole_chain else [sub]
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
