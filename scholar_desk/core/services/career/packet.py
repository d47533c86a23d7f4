"""The semiannual review packet of each fellow for one review period.

Requirements, outputs in the period, stalled items, next deadlines, open mentor comments
and the meeting log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from scholar_desk.core import clock, files
from scholar_desk.core.errors import ValidationError
from scholar_desk.core.formats.cv import SECTIONS, cite
from scholar_desk.core.formats.packet import MeetingLine, Packet, write_packets
from scholar_desk.core.formats.report_files import RequirementLine, long_date
from scholar_desk.core.services import mentor
from scholar_desk.core.services.career.cv import newest_first
from scholar_desk.core.services.career.meetings import list_meetings
from scholar_desk.core.services.career.program import fellow_progress, program_progress
from scholar_desk.core.services.career.works import works_of
from scholar_desk.core.services.session import Actor

REVIEW_DAYS = 182
"""A review period is half a year unless given."""


def review_period(
    start: dt.date | None, end: dt.date | None, today: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """The period a packet covers: by default the half year up to today.

    Raises:
        ValidationError: The period ends before it starts.
    """
    end = end or today or clock.today()
    start = start or end - dt.timedelta(days=REVIEW_DAYS)
    if start > end:
        raise ValidationError(
            {"": f"The review period is empty: {start.isoformat()} is after {end.isoformat()}."}
        )
    return start, end


def build_packet(
    session: Session,
    actor: Actor,
    fellow_id: int,
    start: dt.date,
    end: dt.date,
    *,
    today: dt.date | None = None,
) -> Packet:
    """One fellow's part of the review packet for the period ``start`` to ``end``.

    Raises:
        NotFoundError: No such person.
        PermissionDeniedError: The actor may not read the fellow's records.
    """
    today = today or clock.today()
    progress = fellow_progress(session, actor, fellow_id, today=today)
    works = works_of(session, actor, fellow_id, since=start, until=end)
    outputs = []
    for key, title in SECTIONS:
        lines = tuple(cite(w) for w in newest_first([w for w in works if w.section == key]))
        if lines:
            outputs.append((title, lines))
    glance = mentor.mentee_summary(session, actor, fellow_id, today)
    meetings = [
        MeetingLine(
            x.held_on,
            x.attendees,
            x.notes,
            tuple(
                f"{a.title} (due {a.due_on:%Y-%m-%d}{', done' if a.done else ''})"
                for a in x.actions
            ),
        )
        for x in list_meetings(session, actor, fellow_id)
        if start <= x.held_on <= end
    ]
    return Packet(
        fellow=progress.fellow,
        starts_on=start,
        ends_on=end,
        dated=today,
        program=progress.program,
        requirements=tuple(
            RequirementLine(r.title, r.state, r.summary) for r in progress.requirements
        ),
        outputs=tuple(outputs),
        stalled=tuple(
            f"{s.title}: {s.status} since {s.since:%Y-%m-%d} ({s.days} days)"
            for s in glance.stalled
        ),
        deadlines=tuple(
            [f"{d.due_on:%Y-%m-%d} {d.title} (overdue)" for d in glance.overdue]
            + [f"{d.due_on:%Y-%m-%d} {d.title}" for d in glance.next_deadlines]
        ),
        comments=tuple(
            f"{c.target_kind} \u201c{c.target_label}\u201d: {c.body} ({c.author})"
            for c in glance.unresolved_comments
        ),
        meetings=tuple(meetings),
    )


def export_packet(
    session: Session,
    actor: Actor,
    path: Path,
    fellow_ids: Sequence[int] | None = None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    force: bool = False,
    today: dt.date | None = None,
) -> list[Packet]:
    """Write the review packet PDF for some fellows (by default every one the actor sees).

    Raises:
        NotFoundError: No such person.
        PermissionDeniedError: The actor may not read a fellow's records.
        ValidationError: The period is empty, or nothing happened in it for any of the
            fellows; nothing is written.
        ExportError: The file cannot be written.
        OutputExistsError: ``path`` exists and ``force`` is false.
    """
    files.check_target(path, force=force)
    start, end = review_period(start, end, today)
    ids = (
        list(fellow_ids)
        if fellow_ids is not None
        else [p.fellow_id for p in program_progress(session, actor, today=today)]
    )
    packets = [build_packet(session, actor, f, start, end, today=today) for f in ids]
    if not packets or all(p.empty for p in packets):
        who = packets[0].fellow if len(packets) == 1 else "any fellow"
        raise ValidationError(
            {
                "": f"Nothing was recorded for {who} between {long_date(start)} and "
                f"{long_date(end)}; nothing was written."
            }
        )
    write_packets(packets, path, force=force)
    return packets
