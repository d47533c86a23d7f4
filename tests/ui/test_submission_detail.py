"""The submission page: status changes, resubmission and the reviewer-point table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox

from scholar_desk.core import clock
from scholar_desk.core.db.library import Library
from scholar_desk.core.services import items, submissions
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.core.services.submissions import PointRecord
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.dialogs.status_dialogs import (
    ChangeStatusDialog,
    ResubmitDialog,
    StatusChange,
)
from scholar_desk.ui.models.reviewer_points import DONE_COLUMN, ReviewerPointModel
from scholar_desk.ui.pages.submission_detail import SubmissionDetail
from scholar_desk.ui.workers import make_pool

D = dt.date
TODAY = D(2026, 3, 2)


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
    with library.transaction() as s:
        pain = items.create_item(s, SINGLE_USER, "journal", {"name": "PAIN"})
        rapm = items.create_item(
            s, SINGLE_USER, "journal", {"name": "Regional Anesthesia & Pain Medicine"}
        )
        ms = items.create_item(s, SINGLE_USER, "manuscript", {"title": "SCS case series"})
        sub = items.create_item(
            s, SINGLE_USER, "submission", {"manuscript_id": ms.id, "journal_id": pain.id}
        )
    return {"pain": pain.id, "rapm": rapm.id, "ms": ms.id, "sub": sub.id}


def _points() -> list[PointRecord]:
    return [
        PointRecord(1, 9, 1, "Reviewer 1", "Justify the sample size.", "", "", False),
        PointRecord(2, 9, 2, "Editor", "Shorten the abstract.", "Done.", "Abstract", True),
    ]


def test_point_model_passes_qt_model_tester(qtmodeltester) -> None:
    model = ReviewerPointModel()
    model.set_rows(_points())
    qtmodeltester.check(model)
    assert model.setData(
        model.index(0, DONE_COLUMN), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert model.done_count() == (2, 2)
    model.set_rows([])
    qtmodeltester.check(model)


def test_point_model_flags_and_data() -> None:
    model = ReviewerPointModel()
    model.set_rows(_points())
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(0, 2)) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(0, DONE_COLUMN)) & Qt.ItemFlag.ItemIsUserCheckable
    assert (
        model.index(1, DONE_COLUMN).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    )
    assert model.headerData(4, Qt.Orientation.Horizontal) == "Where changed"
    assert not model.setData(model.index(0, 0), 5)


def test_change_status_through_the_widget(qtbot, ctx, ids, library, monkeypatch) -> None:
    asked = {}

    def fake_ask(parent, current, allowed, earliest, today):
        asked.update(current=current, allowed=list(allowed), today=today)
        return StatusChange("submitted", D(2026, 2, 20), "via portal")

    monkeypatch.setattr(ChangeStatusDialog, "ask", staticmethod(fake_ask))
    page = SubmissionDetail(ctx, ids["sub"])
    qtbot.addWidget(page)
    assert page.status_chip.text() == "draft"
    assert not page.resubmit_button.isVisibleTo(page)
    with qtbot.waitSignal(ctx.events.changed, timeout=2000):
        qtbot.mouseClick(page.change_button, Qt.MouseButton.LeftButton)
    assert asked == {"current": "draft", "allowed": ["submitted", "withdrawn"], "today": TODAY}
    assert page.status_chip.text() == "submitted"
    with library.reading() as s:
        record = items.get_item(s, SINGLE_USER, "submission", ids["sub"])
        events = submissions.timeline(s, SINGLE_USER, ids["sub"])
    assert record["status"] == "submitted"
    assert record["submitted_on"] == D(2026, 2, 20)
    assert (events[-1].to_status, events[-1].note, events[-1].by) == (
        "submitted",
        "via portal",
        "me",
    )
    titles = [label.text() for label in page.timeline.title_labels]
    assert titles == ["Submitted to PAIN"]
    # Ctrl+Z takes the move back; the page follows the database.
    assert ctx.undo.undoText() == "Move submission to “submitted”"
    ctx.undo.undo()
    qtbot.waitUntil(lambda: page.status_chip.text() == "draft", timeout=2000)
    with library.reading() as s:
        record = items.get_item(s, SINGLE_USER, "submission", ids["sub"])
    assert (record["status"], record["submitted_on"]) == ("draft", None)
    ctx.undo.redo()
    qtbot.waitUntil(lambda: page.status_chip.text() == "submitted", timeout=2000)


def test_refused_date_shows_error_and_changes_nothing(qtbot, ctx, ids, library, monkeypatch):
    with library.transaction() as s:
        submissions.change_status(s, SINGLE_USER, ids["sub"], "submitted", D(2026, 2, 1))
    monkeypatch.setattr(
        ChangeStatusDialog,
        "ask",
        staticmethod(lambda *a: StatusChange("under review", D(2026, 1, 1))),
    )
    page = SubmissionDetail(ctx, ids["sub"])
    qtbot.addWidget(page)
    assert not page.change_status()
    box = page.findChild(QMessageBox)
    assert box is not None
    assert "before" in box.text()
    box.close()
    with library.reading() as s:
        assert items.get_item(s, SINGLE_USER, "submission", ids["sub"])["status"] == "submitted"


def test_resubmit_elsewhere_after_rejection(qtbot, ctx, ids, library, monkeypatch) -> None:
    with library.transaction() as s:
        submissions.change_status(s, SINGLE_USER, ids["sub"], "submitted", D(2026, 1, 5))
        submissions.change_status(s, SINGLE_USER, ids["sub"], "rejected", D(2026, 2, 1))
    offered = {}

    def fake_ask(parent, journals, previous, earliest, today):
        offered.update(journals=list(journals), previous=previous, earliest=earliest)
        return ids["rapm"], D(2026, 2, 10)

    monkeypatch.setattr(ResubmitDialog, "ask", staticmethod(fake_ask))
    page = SubmissionDetail(ctx, ids["sub"])
    qtbot.addWidget(page)
    assert page.resubmit_button.isVisibleTo(page)
    assert not page.change_button.isEnabled()  # rejected is final
    qtbot.mouseClick(page.resubmit_button, Qt.MouseButton.LeftButton)
    assert offered == {
        "journals": [(ids["rapm"], "Regional Anesthesia & Pain Medicine")],
        "previous": "PAIN",
        "earliest": D(2026, 2, 1),
    }
    assert page.submission_id != ids["sub"]
    assert [c.journal_name for c in page.chain] == ["PAIN", "Regional Anesthesia & Pain Medicine"]
    assert len(page.chain_links) == 2
    assert page.status_chip.text() == "submitted"
    qtbot.mouseClick(page.chain_links[0], Qt.MouseButton.LeftButton)
    assert page.submission_id == ids["sub"]
    assert not page.resubmit_button.isVisibleTo(page)  # already went on


def test_add_edit_and_tick_reviewer_points(qtbot, ctx, ids, library) -> None:
    with library.transaction() as s:
        submissions.change_status(s, SINGLE_USER, ids["sub"], "submitted", D(2025, 12, 1))
        submissions.change_status(s, SINGLE_USER, ids["sub"], "under review", D(2025, 12, 5))
        submissions.change_status(
            s,
            SINGLE_USER,
            ids["sub"],
            "major revision",
            D(2026, 2, 1),
            revision_due_on=D(2026, 3, 30),
        )
    page = SubmissionDetail(ctx, ids["sub"])
    qtbot.addWidget(page)
    page.show()
    assert page.round_combo.count() == 1
    assert "due 30 Mar 2026" in page.round_combo.currentText()
    qtbot.keyClicks(page.comment_edit, "Report the lead placement levels.")
    with qtbot.waitSignal(ctx.events.changed, timeout=2000):
        qtbot.keyClick(page.comment_edit, Qt.Key.Key_Return)
    page.reviewer_combo.setCurrentText("Reviewer 2")
    qtbot.keyClicks(page.comment_edit, "Add a CONSORT-style flow diagram.")
    qtbot.mouseClick(page.add_point_button, Qt.MouseButton.LeftButton)
    model = page.points_model
    assert [(p.position, p.reviewer) for p in model.rows()] == [
        (1, "Reviewer 1"),
        (2, "Reviewer 2"),
    ]
    assert page.comment_edit.text() == ""
    assert page.progress_label.text() == "0 of 2 points done"

    assert model.setData(model.index(0, 3), "T8-T9 in all patients.")
    assert model.setData(model.index(0, 4), "Methods, p. 5")
    assert model.setData(
        model.index(0, DONE_COLUMN), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert page.progress_label.text() == "1 of 2 points done"
    rnd = page.current_round()
    assert rnd is not None
    with library.reading() as s:
        stored = submissions.round_points(s, SINGLE_USER, rnd.id)
        assert submissions.round_progress(s, SINGLE_USER, rnd.id) == (1, 2)
    assert (stored[0].response, stored[0].change_location, stored[0].done) == (
        "T8-T9 in all patients.",
        "Methods, p. 5",
        True,
    )

    page.table.selectRow(1)
    page.move_up()
    assert [p.reviewer for p in model.rows()] == ["Reviewer 2", "Reviewer 1"]
    page.table.selectRow(0)
    page.delete_point()
    with library.reading() as s:
        assert [p.reviewer for p in submissions.round_points(s, SINGLE_USER, rnd.id)] == [
            "Reviewer 1"
        ]


def test_refused_point_edit_keeps_stored_value(qtbot, ctx, ids, library) -> None:
    with library.transaction() as s:
        rnd = submissions.add_round(s, SINGLE_USER, ids["sub"], D(2026, 2, 1))
        submissions.add_point(s, SINGLE_USER, rnd.id, "Original comment")
    page = SubmissionDetail(ctx, ids["sub"])
    qtbot.addWidget(page)
    model = page.points_model
    assert not model.setData(model.index(0, 2), "   ")  # a point needs its comment
    assert model.rows()[0].comment == "Original comment"
    box = page.findChild(QMessageBox)
    assert box is not None
    box.close()


def test_new_round_button(qtbot, ctx, ids) -> None:
    page = SubmissionDetail(ctx, ids["sub"])
    qtbot.addWidget(page)
    assert page.round_combo.count() == 0
    assert not page.comment_edit.isEnabled()
    qtbot.mouseClick(page.new_round_button, Qt.MouseButton.LeftButton)
    assert page.round_combo.count() == 1
    assert page.comment_edit.isEnabled()


def test_change_status_dialog_offers_only_allowed_moves(qtbot) -> None:
    dialog = ChangeStatusDialog(
        None, "under review", submissions.allowed_moves("under review"), D(2026, 1, 10), TODAY
    )
    qtbot.addWidget(dialog)
    combo = dialog.status_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "major revision",
        "minor revision",
        "accepted",
        "rejected",
        "withdrawn",
    ]
    assert dialog.date_edit.maximumDate().toPython() == TODAY
    assert dialog.date_edit.minimumDate().toPython() == D(2026, 1, 10)
    combo.setCurrentText("major revision")
    assert dialog.due_check.isVisibleTo(dialog)
    dialog.due_check.setChecked(True)
    dialog.note_edit.setText("two reviewers")
    dialog.open()
    with qtbot.waitSignal(dialog.finished, timeout=2000):
        dialog.accept()
    change = dialog.change()
    assert change.status == "major revision"
    assert change.on == TODAY
    assert change.note == "two reviewers"
    assert change.revision_due_on == TODAY + dt.timedelta(days=30)
    combo.setCurrentText("accepted")
    assert not dialog.due_check.isVisibleTo(dialog)
    assert dialog.change().revision_due_on is None


def test_resubmit_dialog_returns_choice(qtbot) -> None:
    dialog = ResubmitDialog(
        None, [(4, "Pain Medicine"), (5, "Pain Practice")], "PAIN", None, TODAY
    )
    qtbot.addWidget(dialog)
    dialog.journal_combo.setCurrentIndex(1)
    dialog.open()
    with qtbot.waitSignal(dialog.finished, timeout=2000):
        dialog.accept()
    assert dialog.choice() == (5, TODAY)
