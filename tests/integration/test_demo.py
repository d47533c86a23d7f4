"""The demo covers every state a fellow's work can be in, with dates around today."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from scholar_desk.core.db.library import Library
from scholar_desk.core.db.models import (
    Abstract,
    Account,
    Project,
    Reference,
    ReferenceLink,
    Submission,
    SubmissionEvent,
)
from scholar_desk.core.records import AbstractStatus, ProjectStatus, SubmissionStatus
from scholar_desk.core.services import accounts, dashboard, demo
from scholar_desk.core.services.session import SINGLE_USER

TODAY = dt.date(2026, 11, 27)


def test_demo_covers_every_state(library: Library) -> None:
    with library.transaction() as s:
        demo.fill(s, today=TODAY)
    with library.reading() as s:
        assert {p.status for p in s.scalars(select(Project))} == {x.value for x in ProjectStatus}
        assert {a.status for a in s.scalars(select(Abstract))} == {x.value for x in AbstractStatus}
        seen = {e.to_status for e in s.scalars(select(SubmissionEvent))}
        assert seen == {x.value for x in SubmissionStatus}
        chains = [sub for sub in s.scalars(select(Submission)) if sub.previous_id is not None]
        rejected_then_published = [
            sub
            for sub in chains
            if sub.previous.status == "rejected" and sub.status == "published"
        ]
        assert len(rejected_then_published) == 1
        assert (
            rejected_then_published[0].journal.name
            != rejected_then_published[0].previous.journal.name
        )
        assert {a.username for a in s.scalars(select(Account))} == {
            "fellow1",
            "fellow2",
            "mentor",
            "director",
        }
        assert len(s.scalars(select(Reference)).all()) == 8
        assert s.scalars(select(ReferenceLink)).all()


def test_demo_dashboard_has_something_in_every_box(library: Library) -> None:
    with library.transaction() as s:
        demo.fill(s, today=TODAY)
    with library.transaction() as s:
        director = accounts.login(s, "director", "demo")
        board = dashboard.summary(s, director, TODAY)
        assert dashboard.summary(s, SINGLE_USER, TODAY).projects_by_status == {}
    assert sum(board.projects_by_status.values()) == 10
    assert board.upcoming
    assert board.overdue
    assert any(item.kind == "submission" and item.days > 90 for item in board.stalled)
