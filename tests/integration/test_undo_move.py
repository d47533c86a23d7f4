"""Taking back the latest status move of a submission, dates and rounds included."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from scholar_desk.core import clock
from scholar_desk.core.db import models as m
from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import ValidationError
from scholar_desk.core.services import items, submissions
from scholar_desk.core.services.session import SINGLE_USER as ME

D = dt.date


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    clock.set_clock(lambda: dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC))
    yield
    clock.set_clock(None)


@pytest.fixture
def sub(library: Library) -> int:
    with library.transaction() as s:
        journal = items.create_item(s, ME, "journal", {"name": "PAIN"})
        ms = items.create_item(s, ME, "manuscript", {"title": "Genicular RFA outcomes"})
        made = items.create_item(
            s, ME, "submission", {"manuscript_id": ms.id, "journal_id": journal.id}
        )
        submissions.change_status(s, ME, made.id, "submitted", D(2026, 1, 5))
        submissions.change_status(s, ME, made.id, "under review", D(2026, 1, 12))
    return made.id


def _state(
    library: Library, sub_id: int
) -> tuple[str, dt.date | None, dt.date | None, list[str], int]:
    with library.reading() as s:
        row = s.get(m.Submission, sub_id)
        events = [e.to_status for e in sorted(row.events, key=lambda e: e.id)]
        rounds = len(
            s.scalars(select(m.RevisionRound).where(m.RevisionRound.submission_id == sub_id)).all()
        )
        return row.status, row.submitted_on, row.decided_on, events, rounds


def test_undo_a_decision_restores_status_dates_and_round(library: Library, sub: int) -> None:
    before = _state(library, sub)
    with library.transaction() as s:
        submissions.change_status(
            s, ME, sub, "major revision", D(2026, 2, 20), revision_due_on=D(2026, 4, 1)
        )
    assert _state(library, sub)[2] == D(2026, 2, 20)
    assert _state(library, sub)[4] == 1
    with library.transaction() as s:
        record = submissions.undo_move(s, ME, sub, "major revision", "under review")
    assert record["status"] == "under review"
    assert _state(library, sub) == before


def test_undo_submitted_clears_the_submission_date(library: Library) -> None:
    with library.transaction() as s:
        journal = items.create_item(s, ME, "journal", {"name": "Pain Medicine"})
        ms = items.create_item(s, ME, "manuscript", {"title": "SCS case series"})
        made = items.create_item(
            s, ME, "submission", {"manuscript_id": ms.id, "journal_id": journal.id}
        )
        submissions.change_status(s, ME, made.id, "submitted", D(2026, 2, 1))
        submissions.undo_move(s, ME, made.id, "submitted", "draft")
    status, submitted_on, _, events, _ = _state(library, made.id)
    assert (status, submitted_on, events) == ("draft", None, ["draft"])


def test_only_the_latest_move_can_be_taken_back(library: Library, sub: int) -> None:
    before = _state(library, sub)
    with pytest.raises(ValidationError, match="no longer the latest"), library.transaction() as s:
        submissions.undo_move(s, ME, sub, "submitted", "draft")
    assert _state(library, sub) == before


def test_a_round_with_points_keeps_its_decision(library: Library, sub: int) -> None:
    with library.transaction() as s:
        submissions.change_status(s, ME, sub, "minor revision", D(2026, 2, 20))
        round_id = submissions.rounds(s, ME, sub)[0].id
        submissions.add_point(s, ME, round_id, "Clarify the follow-up")
    with pytest.raises(ValidationError, match="reviewer points"), library.transaction() as s:
        submissions.undo_move(s, ME, sub, "minor revision", "under review")
    assert _state(library, sub)[0] == "minor revision"
