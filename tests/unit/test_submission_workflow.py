"""The submission workflow: transitions, dates, resubmission chains, rounds, authors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from scholar_desk.core import clock
from scholar_desk.core.db import models as m
from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import (
    InvalidTransitionError,
    NotFoundError,
    ValidationError,
)
from scholar_desk.core.records import SUBMISSION_TRANSITIONS, Role, SubmissionStatus
from scholar_desk.core.services import items, submissions
from scholar_desk.core.services.session import SINGLE_USER, Actor

TODAY = dt.date(2026, 3, 2)
D = dt.date


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    clock.set_clock(lambda: dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC))
    yield
    clock.set_clock(None)


@pytest.fixture
def ids(library: Library) -> dict[str, int]:
    with library.transaction() as s:
        fellow = items.create_item(
            s,
            SINGLE_USER,
            "person",
            {"given_name": "Ana", "family_name": "Lopez", "degrees": "MD"},
        )
        mentor = items.create_item(
            s, SINGLE_USER, "person", {"given_name": "Raj", "family_name": "Patel"}
        )
        pain = items.create_item(s, SINGLE_USER, "journal", {"name": "PAIN"})
        rapm = items.create_item(
            s, SINGLE_USER, "journal", {"name": "Regional Anesthesia & Pain Medicine"}
        )
        ms = items.create_item(
            s,
            SINGLE_USER,
            "manuscript",
            {"title": "Genicular RFA outcomes", "owner_id": fellow.id},
        )
        sub = items.create_item(
            s, SINGLE_USER, "submission", {"manuscript_id": ms.id, "journal_id": pain.id}
        )
    return {
        "fellow": fellow.id,
        "mentor": mentor.id,
        "pain": pain.id,
        "rapm": rapm.id,
        "ms": ms.id,
        "sub": sub.id,
    }


def move(library: Library, sub_id: int, status: str, on: dt.date, **kw: object) -> None:
    with library.transaction() as s:
        submissions.change_status(s, SINGLE_USER, sub_id, status, on, **kw)  # type: ignore[arg-type]


def _path_to(target: SubmissionStatus) -> list[SubmissionStatus]:
    """Shortest path of allowed moves from draft to ``target``."""
    start = SubmissionStatus.DRAFT
    frontier = [[start]]
    seen = {start}
    while frontier:
        path = frontier.pop(0)
        if path[-1] == target:
            return path
        for nxt in sorted(SUBMISSION_TRANSITIONS[path[-1]]):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append([*path, nxt])
    raise AssertionError(target)


ALL_MOVES = [(a, b) for a, targets in SUBMISSION_TRANSITIONS.items() for b in sorted(targets)]


@pytest.mark.parametrize(("source", "target"), ALL_MOVES, ids=lambda s: s.value)
def test_every_allowed_transition(library: Library, ids: dict[str, int], source, target) -> None:
    day = D(2026, 1, 1)
    for status in _path_to(source)[1:]:
        move(library, ids["sub"], status.value, day)
        day += dt.timedelta(days=1)
    move(library, ids["sub"], target.value, day, note="step")
    with library.reading() as s:
        sub = s.get(m.Submission, ids["sub"])
        assert sub is not None
        assert sub.status == target.value
        assert sub.status_changed_on == day
        last = max(sub.events, key=lambda e: e.id)
        assert (last.from_status, last.to_status, last.on, last.note) == (
            source.value,
            target.value,
            day,
            "step",
        )


@pytest.mark.parametrize(
    ("path", "forbidden"),
    [
        ([], "accepted"),
        ([], "under review"),
        (["submitted"], "published"),
        (["submitted"], "draft"),
        (["submitted", "under review"], "revision submitted"),
        (["submitted", "rejected"], "under review"),
        (["submitted", "under review", "accepted"], "rejected"),
        (["submitted", "withdrawn"], "submitted"),
    ],
)
def test_forbidden_transitions(
    library: Library, ids: dict[str, int], path: list[str], forbidden: str
) -> None:
    for i, status in enumerate(path):
        move(library, ids["sub"], status, D(2026, 1, 1 + i))
    with library.transaction() as s, pytest.raises(InvalidTransitionError) as info:
        submissions.change_status(s, SINGLE_USER, ids["sub"], forbidden, D(2026, 2, 1))
    current = path[-1] if path else "draft"
    allowed = submissions.allowed_moves(current)
    for option in allowed:
        assert option in info.value.user_message
    if current == "rejected":
        assert "Resubmit" in info.value.user_message


def test_unknown_status_is_refused(library: Library, ids: dict[str, int]) -> None:
    with library.transaction() as s, pytest.raises(InvalidTransitionError, match="not a status"):
        submissions.change_status(s, SINGLE_USER, ids["sub"], "lost in the mail")


def test_submitting_sets_date_and_decision_sets_decided_on(
    library: Library, ids: dict[str, int]
) -> None:
    move(library, ids["sub"], "submitted", D(2026, 1, 5))
    move(library, ids["sub"], "under review", D(2026, 1, 20))
    move(library, ids["sub"], "minor revision", D(2026, 2, 10), revision_due_on=D(2026, 3, 10))
    with library.reading() as s:
        rec = items.get_item(s, SINGLE_USER, "submission", ids["sub"])
        assert rec["submitted_on"] == D(2026, 1, 5)
        assert rec["decided_on"] == D(2026, 2, 10)
        assert rec["revision_due_on"] == D(2026, 3, 10)


def test_date_before_submission_or_previous_event_is_refused(
    library: Library, ids: dict[str, int]
) -> None:
    move(library, ids["sub"], "submitted", D(2026, 1, 5))
    with library.transaction() as s, pytest.raises(ValidationError, match="before") as info:
        submissions.change_status(s, SINGLE_USER, ids["sub"], "under review", D(2026, 1, 4))
    assert "on" in info.value.fields
    move(library, ids["sub"], "under review", D(2026, 1, 20))
    with library.transaction() as s, pytest.raises(ValidationError, match="2026-01-20"):
        submissions.change_status(s, SINGLE_USER, ids["sub"], "rejected", D(2026, 1, 19))
    move(library, ids["sub"], "rejected", D(2026, 1, 20))  # same day is fine


def test_future_date_is_refused(library: Library, ids: dict[str, int]) -> None:
    with library.transaction() as s, pytest.raises(ValidationError, match="future"):
        submissions.change_status(s, SINGLE_USER, ids["sub"], "submitted", TODAY + dt.timedelta(1))


def test_default_date_is_today_and_events_carry_who(library: Library, ids: dict[str, int]) -> None:
    with library.transaction() as s:
        submissions.change_status(s, Actor(username="alopez"), ids["sub"], "submitted")
    with library.reading() as s:
        events = submissions.timeline(s, SINGLE_USER, ids["sub"])
    assert [(e.from_status, e.to_status) for e in events] == [
        (None, "draft"),
        ("draft", "submitted"),
    ]
    assert events[-1].on == TODAY
    assert events[-1].by == "alopez"
    assert events[-1].journal_name == "PAIN"


def test_nothing_written_when_refused(library: Library, ids: dict[str, int]) -> None:
    with pytest.raises(InvalidTransitionError), library.transaction() as s:
        submissions.change_status(s, SINGLE_USER, ids["sub"], "accepted")
    with library.reading() as s:
        assert len(s.scalars(select(m.SubmissionEvent)).all()) == 1


def test_resubmission_chain_after_rejection(library: Library, ids: dict[str, int]) -> None:
    move(library, ids["sub"], "submitted", D(2025, 9, 1))
    move(library, ids["sub"], "under review", D(2025, 9, 15))
    move(library, ids["sub"], "rejected", D(2025, 11, 2))
    with library.transaction() as s:
        new = submissions.resubmit(
            s, Actor(username="alopez"), ids["sub"], ids["rapm"], D(2025, 12, 1)
        )
    assert new["status"] == "submitted"
    assert new["previous_id"] == ids["sub"]
    assert new["manuscript_id"] == ids["ms"]
    assert new["submitted_on"] == D(2025, 12, 1)
    with library.reading() as s:
        chain = submissions.chain(s, SINGLE_USER, new.id)
        assert [c.journal_name for c in chain] == ["PAIN", "Regional Anesthesia & Pain Medicine"]
        assert [c.status for c in chain] == ["rejected", "submitted"]
        assert [c.is_current for c in chain] == [False, True]
        assert submissions.chain(s, SINGLE_USER, ids["sub"])[0].is_current
        events = submissions.timeline(s, SINGLE_USER, new.id)
        assert events[-1].by == "alopez"
        assert "resubmitted after rejected at PAIN" in events[-1].note
        assert len(submissions.timeline(s, SINGLE_USER, new.id, whole_chain=False)) == 1
        assert [len(c) for c in submissions.manuscript_chains(s, SINGLE_USER, ids["ms"])] == [2]


def test_resubmit_only_after_rejection_or_withdrawal(
    library: Library, ids: dict[str, int]
) -> None:
    move(library, ids["sub"], "submitted", D(2026, 1, 5))
    with library.transaction() as s, pytest.raises(InvalidTransitionError, match="rejected"):
        submissions.resubmit(s, SINGLE_USER, ids["sub"], ids["rapm"])
    move(library, ids["sub"], "withdrawn", D(2026, 1, 6))
    with library.transaction() as s:
        submissions.resubmit(s, SINGLE_USER, ids["sub"], ids["rapm"], D(2026, 1, 7))
    with library.transaction() as s, pytest.raises(InvalidTransitionError, match="already"):
        submissions.resubmit(s, SINGLE_USER, ids["sub"], ids["rapm"])


def test_resubmit_checks_journal_and_date(library: Library, ids: dict[str, int]) -> None:
    move(library, ids["sub"], "submitted", D(2026, 1, 5))
    move(library, ids["sub"], "rejected", D(2026, 1, 10))
    with library.transaction() as s, pytest.raises(ValidationError, match="no journal"):
        submissions.resubmit(s, SINGLE_USER, ids["sub"], 999)
    with library.transaction() as s, pytest.raises(ValidationError, match="before"):
        submissions.resubmit(s, SINGLE_USER, ids["sub"], ids["rapm"], D(2026, 1, 9))


def test_revision_decision_opens_round_and_sending_closes_it(
    library: Library, ids: dict[str, int]
) -> None:
    move(library, ids["sub"], "submitted", D(2025, 10, 1))
    move(library, ids["sub"], "under review", D(2025, 10, 10))
    move(library, ids["sub"], "major revision", D(2025, 12, 1), revision_due_on=D(2026, 1, 30))
    with library.reading() as s:
        (rnd,) = submissions.rounds(s, SINGLE_USER, ids["sub"])
    assert (rnd.number, rnd.received_on, rnd.due_on, rnd.is_open) == (
        1,
        D(2025, 12, 1),
        D(2026, 1, 30),
        True,
    )
    with library.transaction() as s:
        p1 = submissions.add_point(s, SINGLE_USER, rnd.id, "Define the RFA protocol.")
        p2 = submissions.add_point(
            s, SINGLE_USER, rnd.id, "Report losses to follow-up.", reviewer="Reviewer 2"
        )
        p3 = submissions.add_point(s, SINGLE_USER, rnd.id, "Typo in Table 2.", reviewer="Editor")
        submissions.update_point(
            s,
            SINGLE_USER,
            p1.id,
            response="Added cannula size and lesion temperature.",
            change_location="Methods, p. 6",
            done=True,
        )
    with library.reading() as s:
        assert submissions.round_progress(s, SINGLE_USER, rnd.id) == (1, 3)
        points = submissions.round_points(s, SINGLE_USER, rnd.id)
    assert [p.position for p in points] == [1, 2, 3]
    assert points[0].response.startswith("Added")
    assert points[1].reviewer == "Reviewer 2"
    with library.transaction() as s:
        reordered = submissions.reorder_points(s, SINGLE_USER, rnd.id, [p3.id, p1.id, p2.id])
    assert [p.id for p in reordered] == [p3.id, p1.id, p2.id]
    with library.transaction() as s:
        submissions.delete_point(s, SINGLE_USER, p1.id)
    with library.reading() as s:
        points = submissions.round_points(s, SINGLE_USER, rnd.id)
    assert [(p.id, p.position) for p in points] == [(p3.id, 1), (p2.id, 2)]
    move(library, ids["sub"], "revision submitted", D(2026, 1, 20))
    move(library, ids["sub"], "minor revision", D(2026, 2, 15))
    with library.reading() as s:
        r1, r2 = submissions.rounds(s, SINGLE_USER, ids["sub"])
    assert r1.submitted_on == D(2026, 1, 20)
    assert not r1.is_open
    assert (r2.number, r2.is_open, r2.total) == (2, True, 0)


def test_point_validation(library: Library, ids: dict[str, int]) -> None:
    with library.transaction() as s:
        rnd = submissions.add_round(s, SINGLE_USER, ids["sub"], D(2026, 2, 1), D(2026, 3, 1))
    with library.transaction() as s, pytest.raises(ValidationError, match="comment"):
        submissions.add_point(s, SINGLE_USER, rnd.id, "   ")
    with library.transaction() as s:
        p = submissions.add_point(s, SINGLE_USER, rnd.id, "ok", reviewer="")
        assert p.reviewer == "Reviewer 1"
    with library.transaction() as s, pytest.raises(ValidationError):
        submissions.update_point(s, SINGLE_USER, p.id, colour="red")
    with library.transaction() as s, pytest.raises(ValidationError):
        submissions.reorder_points(s, SINGLE_USER, rnd.id, [p.id, p.id])
    with library.transaction() as s, pytest.raises(ValidationError, match="before"):
        submissions.add_round(s, SINGLE_USER, ids["sub"], D(2026, 2, 1), D(2026, 1, 1))


def test_manuscript_authors(library: Library, ids: dict[str, int]) -> None:
    with library.transaction() as s:
        byline = submissions.set_manuscript_authors(
            s, SINGLE_USER, ids["ms"], [(ids["fellow"], True, False), (ids["mentor"], False, True)]
        )
    assert [(a.name, a.position, a.corresponding, a.senior) for a in byline] == [
        ("Ana Lopez, MD", 1, True, False),
        ("Raj Patel", 2, False, True),
    ]
    with library.transaction() as s:
        submissions.set_manuscript_authors(s, SINGLE_USER, ids["ms"], [(ids["mentor"], 1, 1)])
    with library.reading() as s:
        assert [
            a.person_id for a in submissions.manuscript_authors(s, SINGLE_USER, ids["ms"])
        ] == [ids["mentor"]]
    with library.transaction() as s, pytest.raises(ValidationError, match="once"):
        submissions.set_manuscript_authors(
            s, SINGLE_USER, ids["ms"], [(ids["fellow"], 0, 0), (ids["fellow"], 0, 0)]
        )
    with library.transaction() as s, pytest.raises(ValidationError, match="999"):
        submissions.set_manuscript_authors(s, SINGLE_USER, ids["ms"], [(999, 0, 0)])


def test_permissions_other_fellow_cannot_move_or_read(
    library: Library, ids: dict[str, int]
) -> None:
    stranger = Actor(username="bkim", role=Role.FELLOW, person_id=ids["mentor"])
    owner = Actor(username="alopez", role=Role.FELLOW, person_id=ids["fellow"])
    # Another fellow's submission reads exactly as a missing one.
    missing = f"There is no submission with id {ids['sub']}."
    with library.transaction() as s, pytest.raises(NotFoundError, match=missing):
        submissions.change_status(s, stranger, ids["sub"], "submitted")
    with library.reading() as s, pytest.raises(NotFoundError, match=missing):
        submissions.timeline(s, stranger, ids["sub"])
    with library.transaction() as s:
        submissions.change_status(s, owner, ids["sub"], "submitted")
    with library.reading() as s:
        assert submissions.timeline(s, owner, ids["sub"])[-1].by == "alopez"


def test_audit_records_status_change(library: Library, ids: dict[str, int]) -> None:
    move(library, ids["sub"], "submitted", D(2026, 1, 5))
    with library.reading() as s:
        rows = s.scalars(
            select(m.AuditEvent).where(
                m.AuditEvent.kind == "submission", m.AuditEvent.field == "status"
            )
        ).all()
    assert [(r.old_value, r.new_value) for r in rows] == [("draft", "submitted")]
