"""What went to the journal: the current file versions recorded with a submission event.

Kept apart from the file service so the submission workflow (and the kinds that declare
it) can call it without importing the services above them.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from scholar_desk.core.db import models as m

SENDING_STATUSES = frozenset({"submitted", "revision submitted"})
"""Moves that send the manuscript's files to the journal."""


def current_versions(session: Session, manuscript_id: int) -> list[m.AttachedFile]:
    """The newest version of each of a manuscript's files (by role and number)."""
    rows = session.scalars(
        select(m.AttachedFile)
        .where(m.AttachedFile.manuscript_id == manuscript_id)
        .order_by(m.AttachedFile.role, m.AttachedFile.number, m.AttachedFile.version)
    )
    newest: dict[tuple[str, int], m.AttachedFile] = {}
    for row in rows:
        newest[(row.role, row.number)] = row
    return list(newest.values())


def record_sent(session: Session, event: m.SubmissionEvent) -> int:
    """Record the manuscript's current files with a move that sends them.

    Args:
        session: The unit of work.
        event: The submission event just added (a move to ``submitted`` or ``revision
            submitted``; other moves record nothing).

    Returns:
        How many files were recorded.
    """
    if event.to_status not in SENDING_STATUSES:
        return 0
    sub = event.submission if event.submission is not None else None
    if sub is None:
        sub = session.get(m.Submission, event.submission_id)
    if sub is None:
        return 0
    count = 0
    for row in current_versions(session, sub.manuscript_id):
        event.sent_files.append(
            m.SentFile(
                role=row.role,
                number=row.number,
                version=row.version,
                name=row.name,
                size=row.size,
                blob_sha256=row.blob_sha256,
            )
        )
        count += 1
    return count
