"""A project's outputs and timeline gather everything it produced."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from scholar_desk.core import clock
from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import PermissionDeniedError, ValidationError
from scholar_desk.core.records import Role
from scholar_desk.core.services import items, projects, submissions
from scholar_desk.core.services.session import SINGLE_USER, Actor

D = dt.date


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    clock.set_clock(lambda: dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC))
    yield
    clock.set_clock(None)


@pytest.fixture
def project_id(library: Library) -> int:
    u = SINGLE_USER
    with library.transaction() as s:
        ana = items.create_item(s, u, "person", {"given_name": "Ana", "family_name": "Lopez"})
        proj = items.create_item(
            s,
            u,
            "project",
            {
                "title": "Genicular nerve RFA outcomes",
                "kind": "retrospective review",
                "status": "writing",
                "owner_id": ana.id,
                "irb_number": "IRB-2024-118",
                "irb_approved_on": "2024-08-01",
                "irb_expires_on": "2026-08-01",
                "started_on": "2024-07-15",
            },
        )
        asra = items.create_item(s, u, "conference", {"name": "ASRA", "acronym": "ASRA PM"})
        items.create_item(
            s,
            u,
            "abstract",
            {
                "title": "RFA at 12 months",
                "project_id": proj.id,
                "conference_id": asra.id,
                "status": "draft",
            },
        )
        items.create_item(
            s,
            u,
            "presentation",
            {
                "title": "Genicular RFA: what we learned",
                "kind": "grand rounds",
                "project_id": proj.id,
                "venue": "Dept. of Anesthesiology",
                "presented_on": "2025-05-10",
            },
        )
        pain = items.create_item(s, u, "journal", {"name": "PAIN"})
        rapm = items.create_item(s, u, "journal", {"name": "RAPM"})
        ms = items.create_item(
            s, u, "manuscript", {"title": "RFA outcomes paper", "project_id": proj.id}
        )
        sub = items.create_item(
            s, u, "submission", {"manuscript_id": ms.id, "journal_id": pain.id}
        )
        submissions.change_status(s, u, sub.id, "submitted", D(2025, 6, 1))
        submissions.change_status(s, u, sub.id, "rejected", D(2025, 7, 1))
        new = submissions.resubmit(s, u, sub.id, rapm.id, D(2025, 8, 1))
        submissions.change_status(s, u, new.id, "under review", D(2025, 8, 10))
        submissions.change_status(s, u, new.id, "accepted", D(2025, 11, 1))
        submissions.change_status(s, u, new.id, "published", D(2026, 1, 15))
        items.update_item(
            s, u, "manuscript", ms.id, {"pmid": "39000001", "published_on": "2026-01-15"}
        )
    return proj.id


def test_outputs(library: Library, project_id: int) -> None:
    with library.reading() as s:
        out = projects.project_outputs(s, SINGLE_USER, project_id)
    assert out.project.owner_name == "Ana Lopez"
    assert out.project.irb_number == "IRB-2024-118"
    assert not out.project.irb_expired
    assert [a.title for a in out.abstracts] == ["RFA at 12 months"]
    assert out.abstracts[0].venue == "ASRA"
    assert [p.venue for p in out.presentations] == ["Dept. of Anesthesiology"]
    (ms,) = out.manuscripts
    assert [[c.journal_name for c in chain] for chain in ms.chains] == [["PAIN", "RAPM"]]
    assert ms.current is not None
    assert ms.current.status == "published"
    assert out.pmids == ("39000001",)


def test_timeline_in_date_order(library: Library, project_id: int) -> None:
    with library.reading() as s:
        events = projects.project_timeline(s, SINGLE_USER, project_id)
    titles = [e.title for e in events]
    assert titles[:3] == [
        "Project started",
        "IRB approved",
        "Grand rounds at Dept. of Anesthesiology",
    ]
    assert "Submitted to PAIN" in titles
    assert "Rejected by PAIN" in titles
    assert titles.index("Rejected by PAIN") < titles.index("Submitted to RAPM")
    assert "Published (PMID 39000001)" in titles
    assert [e.on for e in events] == sorted(e.on for e in events)
    expiry = next(e for e in events if e.title == "IRB expires")
    assert expiry.upcoming
    assert events[-1] is expiry


def test_mentors_and_tags(library: Library, project_id: int) -> None:
    with library.transaction() as s:
        raj = items.create_item(
            s, SINGLE_USER, "person", {"given_name": "Raj", "family_name": "Patel"}
        )
        summary = projects.set_project_mentors(s, SINGLE_USER, project_id, [raj.id, raj.id])
        assert summary.mentors == ("Raj Patel",)
        summary = projects.set_project_tags(
            s, SINGLE_USER, project_id, ["knee", " RFA ", "knee", ""]
        )
        assert summary.tags == ("RFA", "knee")
    with library.transaction() as s:
        summary = projects.set_project_tags(s, SINGLE_USER, project_id, ["knee"])
        assert summary.tags == ("knee",)
        with pytest.raises(ValidationError):
            projects.set_project_mentors(s, SINGLE_USER, project_id, [999])


def test_other_fellow_cannot_read(library: Library, project_id: int) -> None:
    other = Actor(username="bkim", role=Role.FELLOW, person_id=None)
    with library.reading() as s, pytest.raises(PermissionDeniedError):
        projects.project_outputs(s, other, project_id)
