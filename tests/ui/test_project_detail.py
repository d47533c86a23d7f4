"""The project page: outputs grouped with their chains, a timeline, outputs one click away."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from scholar_desk.core import clock
from scholar_desk.core.db.library import Library
from scholar_desk.core.services import items, projects, submissions
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.pages.abstract_editor import AbstractEditor
from scholar_desk.ui.pages.project_detail import ProjectDetail
from scholar_desk.ui.pages.submission_detail import SubmissionDetail
from scholar_desk.ui.workers import make_pool

D = dt.date


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    clock.set_clock(lambda: dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC))
    yield
    clock.set_clock(None)


@pytest.fixture
def ctx(library: Library) -> Iterator[AppContext]:
    pool = make_pool()
    yield AppContext(library, SINGLE_USER, pool, QUndoStack())
    assert pool.waitForDone(5000)


@pytest.fixture
def ids(library: Library) -> dict[str, int]:
    u = SINGLE_USER
    with library.transaction() as s:
        maya = items.create_item(
            s, u, "person", {"given_name": "Maya", "family_name": "Patel", "degrees": "MD"}
        )
        ruth = items.create_item(s, u, "person", {"given_name": "Ruth", "family_name": "Hammond"})
        proj = items.create_item(
            s,
            u,
            "project",
            {
                "title": "Opioid tapering quality improvement",
                "kind": "quality improvement",
                "status": "analysis",
                "owner_id": maya.id,
                "irb_number": "2025-044",
                "irb_approved_on": "2025-01-10",
                "irb_expires_on": "2026-04-01",
                "started_on": "2024-12-01",
            },
        )
        projects.set_project_mentors(s, u, proj.id, [ruth.id])
        projects.set_project_tags(s, u, proj.id, ["opioids", "QI"])
        conf = items.create_item(
            s, u, "conference", {"name": "AAPM Annual Meeting", "acronym": "AAPM"}
        )
        ab = items.create_item(
            s,
            u,
            "abstract",
            {
                "title": "Tapering outcomes at one year",
                "project_id": proj.id,
                "conference_id": conf.id,
            },
        )
        items.create_item(
            s,
            u,
            "presentation",
            {
                "title": "Safer tapering",
                "kind": "grand rounds",
                "project_id": proj.id,
                "venue": "Medicine Grand Rounds",
                "presented_on": "2025-11-05",
            },
        )
        pain = items.create_item(s, u, "journal", {"name": "Pain Medicine"})
        pp = items.create_item(s, u, "journal", {"name": "Pain Practice"})
        ms = items.create_item(
            s, u, "manuscript", {"title": "Tapering QI report", "project_id": proj.id}
        )
        sub = items.create_item(
            s, u, "submission", {"manuscript_id": ms.id, "journal_id": pain.id}
        )
        submissions.change_status(s, u, sub.id, "submitted", D(2025, 9, 1))
        submissions.change_status(s, u, sub.id, "rejected", D(2025, 10, 1))
        new = submissions.resubmit(s, u, sub.id, pp.id, D(2025, 10, 20))
    return {"project": proj.id, "abstract": ab.id, "sub": sub.id, "new": new.id}


def test_header_outputs_and_timeline(qtbot, ctx, ids) -> None:
    page = ProjectDetail(ctx, ids["project"])
    qtbot.addWidget(page)
    assert page.title_label.text() == "Opioid tapering quality improvement"
    assert page.status_chip.text() == "analysis"
    assert "Mentors: Ruth Hammond" in page.facts_label.text()
    assert "expires 1 Apr 2026" in page.irb_label.text()
    assert "in 30 days" in page.irb_label.text()
    assert page.irb_label.property("tone") == "#b45309"  # expiring soon
    assert page.summary_label.text() == "1 abstract  ·  1 talk  ·  1 manuscript"
    kinds = [(r.kind, r.title_label.text()) for r in page.output_rows]
    assert kinds == [
        ("manuscript", "Tapering QI report"),
        ("abstract", "Tapering outcomes at one year"),
        ("presentation", "Safer tapering"),
    ]
    assert [s.text().split(" · ")[0] for s in page.chain_steps] == [
        "1. Pain Medicine",
        "2. Pain Practice",
    ]
    titles = [label.text() for label in page.timeline.title_labels]
    assert titles[:3] == ["Project started", "IRB approved", "Submitted to Pain Medicine"]
    assert "Rejected by Pain Medicine" in titles
    assert titles[-1] == "IRB expires"
    assert page.timeline.entries()[-1].upcoming


def test_clicking_outputs_opens_them_in_place(qtbot, ctx, ids) -> None:
    page = ProjectDetail(ctx, ids["project"])
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.open_requested, timeout=1000) as blocker:
        qtbot.mouseClick(page.output_rows[1], Qt.MouseButton.LeftButton)
    assert blocker.args == ["abstract", ids["abstract"]]
    assert isinstance(page.child_widget, AbstractEditor)
    assert page.stack.currentWidget() is page.child
    page.close_child()
    assert page.stack.currentWidget() is page.overview
    qtbot.mouseClick(page.chain_steps[1], Qt.MouseButton.LeftButton)
    assert isinstance(page.child_widget, SubmissionDetail)
    assert page.child_widget.submission_id == ids["new"]
    page.close_child()


def test_reloads_when_an_output_changes(qtbot, ctx, ids, library) -> None:
    page = ProjectDetail(ctx, ids["project"])
    qtbot.addWidget(page)
    with library.transaction() as s:
        submissions.change_status(s, SINGLE_USER, ids["new"], "under review", D(2025, 11, 1))
    ctx.events.changed.emit("submission")
    assert "Under review at Pain Practice" in [lbl.text() for lbl in page.timeline.title_labels]


def test_project_without_outputs(qtbot, ctx, library) -> None:
    with library.transaction() as s:
        proj = items.create_item(
            s, SINGLE_USER, "project", {"title": "Idea", "kind": "education", "status": "idea"}
        )
    page = ProjectDetail(ctx, proj)
    qtbot.addWidget(page)
    assert page.irb_label.text() == "No IRB recorded"
    assert page.output_rows == []
    assert page.summary_label.text() == "0 abstracts  ·  0 talks  ·  0 manuscripts"
