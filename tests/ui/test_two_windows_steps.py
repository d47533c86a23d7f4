"""Two windows on one database: undo and redo of reviewer points and deadlines merge.

Window 1 edits a reviewer point (or ticks a deadline off), window 2 saves the same
record, and window 1 undoes or redoes: what only window 2 changed stays, and where both
changed the same field the step is refused in one sentence naming it and who changed it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QMessageBox

from scholar_desk.core.db.library import Library
from scholar_desk.core.services import items, submissions
from scholar_desk.core.services.session import Actor
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.dialogs.record_editor import RecordEditor
from scholar_desk.ui.models.reviewer_points import DONE_COLUMN
from scholar_desk.ui.pages.deadlines_page import DeadlinesPage
from scholar_desk.ui.pages.submission_detail import SubmissionDetail
from scholar_desk.ui.workers import make_pool

RESPONSE = 3


@pytest.fixture
def two(tmp_path):
    path = tmp_path / "shared.sqlite3"
    contexts = []
    for name in ("maya", "omar"):
        lib = Library.open(path)
        contexts.append(
            AppContext(lib, Actor(username=name), make_pool(), QUndoStack(), DataEvents())
        )
    yield contexts
    for ctx in contexts:
        assert ctx.pool.waitForDone(5000)
        ctx.undo.clear()
        ctx.library.close()


def _boxes() -> list[QMessageBox]:
    return [b for b in QApplication.allWidgets() if isinstance(b, QMessageBox) and b.isVisible()]


def _close_boxes() -> str:
    boxes = _boxes()
    texts = " ".join(b.text() for b in boxes)
    for box in boxes:
        box.close()
    return texts


# Reviewer points ------------------------------------------------------------------------


def _point_pages(qtbot, two):
    ctx1, _ctx2 = two
    with ctx1.library.transaction() as s:
        ms = items.create_item(s, ctx1.actor, "manuscript", {"title": "SCS case series"})
        journal = items.create_item(s, ctx1.actor, "journal", {"name": "PAIN"})
        sub = items.create_item(
            s, ctx1.actor, "submission", {"manuscript_id": ms.id, "journal_id": journal.id}
        )
        rnd = submissions.add_round(s, ctx1.actor, sub.id, dt.date(2026, 2, 1))
        point = submissions.add_point(s, ctx1.actor, rnd.id, "Justify the sample size.")
    pages = []
    for ctx in two:
        page = SubmissionDetail(ctx, sub.id)
        qtbot.addWidget(page)
        pages.append(page)
    return rnd.id, point.id, pages


def _point(ctx, round_id):
    with ctx.library.reading() as s:
        stored = submissions.round_points(s, ctx.actor, round_id)[0]
    return stored.response, stored.done


def _set_response(page, text):
    model = page.points_model
    assert model.setData(model.index(0, RESPONSE), text)


def test_point_undo_and_redo_keep_the_done_box_the_other_window_ticked(qtbot, two):
    ctx1, _ = two
    round_id, _point_id, (first, second) = _point_pages(qtbot, two)
    _set_response(first, "Powered for the primary outcome.")
    second.reload()
    model = second.points_model
    assert model.setData(
        model.index(0, DONE_COLUMN), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    ctx1.undo.undo()
    assert _point(ctx1, round_id) == ("", True)
    ctx1.undo.redo()
    assert _point(ctx1, round_id) == ("Powered for the primary outcome.", True)
    assert _boxes() == []


@pytest.mark.parametrize("verb", ["undo", "redo"])
def test_point_step_over_a_response_changed_elsewhere_says_why(qtbot, two, verb):
    ctx1, _ = two
    round_id, _point_id, (first, second) = _point_pages(qtbot, two)
    _set_response(first, "Powered for the primary outcome.")
    if verb == "redo":
        ctx1.undo.undo()
    second.reload()
    _set_response(second, "See the power calculation in Methods.")
    if verb == "undo":
        ctx1.undo.undo()
    else:
        ctx1.undo.redo()
    assert _point(ctx1, round_id) == ("See the power calculation in Methods.", False)
    texts = _close_boxes()
    assert f"Cannot {verb}: Response of point 1 (omar changed it at" in texts
    assert f"{verb}ing would erase that change" in texts


# Deadlines ------------------------------------------------------------------------------


def _deadline_pages(qtbot, two):
    ctx1, _ = two
    with ctx1.library.transaction() as s:
        made = items.create_item(
            s,
            ctx1.actor,
            "deadline",
            {"title": "Renew ACLS", "kind": "task", "due_on": dt.date(2026, 11, 20)},
        )
    pages = []
    for ctx in two:
        page = DeadlinesPage(ctx)
        qtbot.addWidget(page)
        page.reload()
        pages.append(page)
    return made.id, pages


def _deadline(ctx, deadline_id):
    with ctx.library.reading() as s:
        record = items.get_item(s, ctx.actor, "deadline", deadline_id)
    return record["title"], record["done"]


def _select(page, title):
    for row in range(page.proxy.rowCount()):
        if page.proxy.data(page.proxy.index(row, 3)) == title:
            page.table.selectRow(row)
            return
    pytest.fail(f"{title} is not listed")


def _edit_deadline(qtbot, ctx, deadline_id, *, title=None, done=None):
    with ctx.library.reading() as s:
        record = items.get_item(s, ctx.actor, "deadline", deadline_id)
    editor = RecordEditor.open_for(None, ctx, "deadline", record)
    qtbot.addWidget(editor)
    if title is not None:
        editor.fields["title"].widget.setText(title)
    if done is not None:
        editor.fields["done"].widget.setChecked(done)
    with qtbot.waitSignal(editor.finished, timeout=5000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)


def test_deadline_undo_and_redo_keep_the_title_the_other_window_saved(qtbot, two):
    ctx1, ctx2 = two
    deadline_id, (first, _second) = _deadline_pages(qtbot, two)
    _select(first, "Renew ACLS")
    first.mark_done()
    assert _deadline(ctx1, deadline_id) == ("Renew ACLS", True)
    _edit_deadline(qtbot, ctx2, deadline_id, title="Renew ACLS and PALS")
    ctx1.undo.undo()
    assert _deadline(ctx1, deadline_id) == ("Renew ACLS and PALS", False)
    ctx1.undo.redo()
    assert _deadline(ctx1, deadline_id) == ("Renew ACLS and PALS", True)
    assert _boxes() == []


def test_deadline_undo_after_the_other_window_unticked_it_writes_nothing(qtbot, two):
    ctx1, ctx2 = two
    deadline_id, (first, _second) = _deadline_pages(qtbot, two)
    _select(first, "Renew ACLS")
    first.mark_done()
    _edit_deadline(qtbot, ctx2, deadline_id, title="Renew ACLS and PALS", done=False)
    with ctx1.library.reading() as s:
        version = items.get_item(s, ctx1.actor, "deadline", deadline_id).version
    ctx1.undo.undo()
    with ctx1.library.reading() as s:
        record = items.get_item(s, ctx1.actor, "deadline", deadline_id)
    assert (record["title"], record["done"], record.version) == (
        "Renew ACLS and PALS",
        False,
        version,
    )
    assert _boxes() == []
