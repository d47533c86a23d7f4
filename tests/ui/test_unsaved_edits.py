"""No edit is ever lost: dirty editors ask Save / Discard / Cancel, drafts survive a crash."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QTextCursor, QUndoStack
from PySide6.QtWidgets import QMainWindow

from scholar_desk.core import clock
from scholar_desk.core.db.library import Library
from scholar_desk.core.services import abstracts, items, submissions
from scholar_desk.core.services import references as svc
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui import unsaved
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.dialogs.record_editor import RecordEditor
from scholar_desk.ui.dialogs.status_dialogs import ChangeStatusDialog
from scholar_desk.ui.idle_lock import IdleLock
from scholar_desk.ui.main_window import MainWindow
from scholar_desk.ui.pages.abstract_editor import AbstractEditor
from scholar_desk.ui.pages.references_page import ReferencesPage
from scholar_desk.ui.pages.submission_detail import SubmissionDetail
from scholar_desk.ui.unsaved import Choice, UnsavedChangesDialog
from scholar_desk.ui.workers import make_pool

BIB = """
@article{Smith2020, author = {Smith, Anna}, title = {Spinal cord stimulation outcomes},
  journal = {PM}, year = {2020}}
@article{Doe2019, author = {Doe, John}, title = {Radiofrequency ablation}, journal = {A},
  year = {2019}}
"""


@pytest.fixture
def ctx(library: Library) -> Iterator[AppContext]:
    pool = make_pool()
    context = AppContext(library, SINGLE_USER, pool, QUndoStack(), DataEvents())
    yield context
    assert pool.waitForDone(10000)
    context.undo.clear()


@pytest.fixture
def abstract_id(library: Library) -> int:
    with library.transaction() as s:
        first = items.create_item(s, SINGLE_USER, "abstract", {"title": "SCS outcomes"})
        items.create_item(s, SINGLE_USER, "abstract", {"title": "Second abstract"})
    return first.id


def _answer(monkeypatch, *answers: Choice) -> list[str]:
    """Answer the unsaved-changes questions in turn; returns what was asked about."""
    asked: list[str] = []
    queue = list(answers)

    def ask(_parent, what: str) -> Choice:
        asked.append(what)
        return queue.pop(0) if queue else Choice.DISCARD  # closing at the end of the test

    monkeypatch.setattr(UnsavedChangesDialog, "ask", staticmethod(ask))
    return asked


def _type_at_end(qtbot, edit, text: str) -> None:
    edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(edit, text)


def _stored_title(library: Library, abstract_id: int) -> str:
    with library.reading() as s:
        return abstracts.get_abstract_detail(s, SINGLE_USER, abstract_id).title


def _window_on_abstract(
    qtbot, ctx: AppContext, abstract_id: int
) -> tuple[MainWindow, AbstractEditor]:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    page = window.show_page("abstracts")
    page.select_id(abstract_id)
    page.open_current()
    editor = page.detail.findChild(AbstractEditor)
    assert editor is not None
    return window, editor


# The abstract editor -----------------------------------------------------------------------


def test_undo_back_to_the_saved_text_offers_no_save(qtbot, ctx, abstract_id) -> None:
    editor = AbstractEditor(ctx, abstract_id)
    qtbot.addWidget(editor)
    editor.show()
    assert not editor.save_button.isEnabled()
    _type_at_end(qtbot, editor.title_edit, "!!")
    assert editor.has_unsaved_edits()
    assert editor.save_button.isEnabled()
    editor.title_edit.setFocus()
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.title_edit.toPlainText() == "SCS outcomes"
    assert not editor.has_unsaved_edits()
    assert not editor.save_button.isEnabled()


def test_ctrl_s_confirms_in_the_status_bar(qtbot, ctx, abstract_id, library) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    editor = AbstractEditor(ctx, abstract_id)
    window.setCentralWidget(editor)
    window.show()
    qtbot.waitExposed(window)
    _type_at_end(qtbot, editor.title_edit, " v2")
    assert editor.save_shortcut.key() == QKeySequence(QKeySequence.StandardKey.Save)
    editor.save_shortcut.activated.emit()  # Ctrl+S (offscreen windows never become active)
    assert window.statusBar().currentMessage() == "Abstract saved."
    assert _stored_title(library, abstract_id) == "SCS outcomes v2"
    assert not editor.save_button.isEnabled()
    editor.save_shortcut.activated.emit()
    assert window.statusBar().currentMessage() == "Nothing to save: the abstract is saved."


def test_quitting_with_unsaved_edits_asks(qtbot, ctx, abstract_id, library, monkeypatch):
    window, editor = _window_on_abstract(qtbot, ctx, abstract_id)
    _type_at_end(qtbot, editor.title_edit, " edited")
    asked = _answer(monkeypatch, Choice.CANCEL, Choice.SAVE)
    window.quit_action.trigger()  # Ctrl+Q
    assert window.isVisible()
    assert editor.title_edit.toPlainText() == "SCS outcomes edited"
    assert asked == ["the abstract “SCS outcomes”"]
    window.close()
    assert not window.isVisible()
    assert _stored_title(library, abstract_id) == "SCS outcomes edited"


def test_discard_on_close_keeps_the_stored_text(qtbot, ctx, abstract_id, library, monkeypatch):
    window, editor = _window_on_abstract(qtbot, ctx, abstract_id)
    _type_at_end(qtbot, editor.title_edit, " never saved")
    _answer(monkeypatch, Choice.DISCARD)
    window.close()
    assert not window.isVisible()
    assert _stored_title(library, abstract_id) == "SCS outcomes"


def test_switching_page_or_record_asks(qtbot, ctx, abstract_id, library, monkeypatch) -> None:
    window, editor = _window_on_abstract(qtbot, ctx, abstract_id)
    _type_at_end(qtbot, editor.title_edit, " typed")
    asked = _answer(monkeypatch, Choice.CANCEL, Choice.CANCEL, Choice.SAVE)
    window.show_page("projects")
    assert window.current_key() == "abstracts"
    page = window.page("abstracts")
    with library.reading() as s:
        other = next(
            r for r in items.list_items(s, SINGLE_USER, "abstract") if r.id != abstract_id
        )
    page.open_record(other)  # another record
    assert page.detail.findChild(AbstractEditor) is editor
    assert len(asked) == 2
    window.show_page("projects")
    assert window.current_key() == "projects"
    assert _stored_title(library, abstract_id) == "SCS outcomes typed"


def test_opening_another_database_asks_first(qtbot, ctx, abstract_id, monkeypatch) -> None:
    window, editor = _window_on_abstract(qtbot, ctx, abstract_id)
    _type_at_end(qtbot, editor.title_edit, " typed")
    _answer(monkeypatch, Choice.CANCEL)
    chosen: list[bool] = []
    monkeypatch.setattr(MainWindow, "ask_database_path", lambda _self, *, new: chosen.append(new))
    window.open_db_action.trigger()
    assert chosen == []
    assert editor.has_unsaved_edits()


# Drafts on disk ----------------------------------------------------------------------------


def test_a_draft_is_offered_back_after_the_editor_is_dropped(
    qtbot, ctx, abstract_id, library, monkeypatch
) -> None:
    editor = AbstractEditor(ctx, abstract_id)
    editor.drafts.timer.setInterval(10)
    _type_at_end(qtbot, editor.title_edit, " draft")
    editor.sections[0].body_edit.setPlainText("Forty patients were treated.")
    path = unsaved._draft_path(ctx, f"abstract-{abstract_id}")
    qtbot.waitUntil(path.exists, timeout=5000)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # The crash: the editor is dropped without closeEvent, save or discard (a real kill
    # is test_a_draft_survives_sigkill).
    editor.drafts.timer.stop()
    editor.hide()
    qtbot.addWidget(editor)
    offered: list[str] = []
    monkeypatch.setattr(
        unsaved.RestoreDraftDialog,
        "ask",
        staticmethod(lambda _p, what: offered.append(what) or True),
    )
    again = AbstractEditor(ctx, abstract_id)
    qtbot.addWidget(again)
    assert offered == ["the abstract “SCS outcomes”"]
    assert again.title_edit.toPlainText() == "SCS outcomes draft"
    assert again.sections[0].body_edit.toPlainText() == "Forty patients were treated."
    assert again.has_unsaved_edits()
    assert again.save()
    assert not path.exists()  # removed once saved
    assert _stored_title(library, abstract_id) == "SCS outcomes draft"


def test_a_discarded_draft_is_removed(qtbot, ctx, abstract_id) -> None:
    editor = AbstractEditor(ctx, abstract_id)
    qtbot.addWidget(editor)
    _type_at_end(qtbot, editor.title_edit, " draft")
    editor.drafts.write_now()
    path = unsaved._draft_path(ctx, f"abstract-{abstract_id}")
    assert json.loads(path.read_text(encoding="utf-8"))["values"]["title"] == "SCS outcomes draft"
    editor.discard_edits()
    assert not path.exists()
    assert editor.title_edit.toPlainText() == "SCS outcomes"


KILLED_EDITOR = textwrap.dedent(
    """
    import sys
    from PySide6.QtGui import QKeySequence, QTextCursor, QUndoStack
    from PySide6.QtWidgets import QApplication
    from scholar_desk.core.db.library import Library
    from scholar_desk.core.services.session import SINGLE_USER
    from scholar_desk.ui.context import AppContext, DataEvents
    from scholar_desk.ui.pages.abstract_editor import AbstractEditor
    from scholar_desk.ui.workers import make_pool

    app = QApplication([])
    library = Library.open(sys.argv[1])
    ctx = AppContext(library, SINGLE_USER, make_pool(), QUndoStack(), DataEvents())
    editor = AbstractEditor(ctx, int(sys.argv[2]))
    editor.drafts.timer.setInterval(50)
    editor.title_edit.moveCursor(QTextCursor.MoveOperation.End)
    editor.title_edit.insertPlainText(" typed before the kill")
    editor.drafts.timer.timeout.connect(lambda: print("draft written", flush=True))
    app.exec()
    """
)


def test_a_draft_survives_sigkill(qtbot, ctx, abstract_id, library, monkeypatch) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH", "")]
    )
    with subprocess.Popen(
        [sys.executable, "-c", KILLED_EDITOR, str(library.path), str(abstract_id)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ) as process:
        assert process.stdout is not None
        line = process.stdout.readline()
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    assert line.strip() == "draft written"
    assert process.returncode == -signal.SIGKILL
    monkeypatch.setattr(unsaved.RestoreDraftDialog, "ask", staticmethod(lambda _p, _w: True))
    editor = AbstractEditor(ctx, abstract_id)
    qtbot.addWidget(editor)
    assert editor.title_edit.toPlainText() == "SCS outcomes typed before the kill"
    assert _stored_title(library, abstract_id) == "SCS outcomes"


def test_the_idle_lock_writes_drafts_and_keeps_the_edits(qtbot, ctx, abstract_id) -> None:
    window, editor = _window_on_abstract(qtbot, ctx, abstract_id)
    _type_at_end(qtbot, editor.title_edit, " locked")
    lock = IdleLock(ctx, window, minutes=5, check_ms=60_000)
    path = unsaved._draft_path(ctx, f"abstract-{abstract_id}")
    assert not path.exists()
    lock.lock()
    assert path.exists()
    assert editor.title_edit.toPlainText() == "SCS outcomes locked"
    lock.stop()
    if lock.dialog is not None:
        lock.dialog.close()


# Record editors, the reference pane, reviewer points -------------------------------------


def test_record_editor_validation_message_goes_once_fixed(qtbot, ctx, monkeypatch) -> None:
    editor = RecordEditor(ctx, "journal")
    qtbot.addWidget(editor)
    editor.show()
    assert editor.save() is None  # a journal needs its name
    assert editor.error_text("name")
    qtbot.keyClicks(editor.fields["name"].widget, "Pain Medicine")
    assert editor.error_text("name") == ""
    asked = _answer(monkeypatch, Choice.CANCEL, Choice.DISCARD)
    editor.reject()
    assert editor.isVisible()
    assert asked == ["the new journal"]
    editor.reject()
    assert not editor.isVisible()


def test_record_editor_saves_from_the_question(qtbot, ctx, library, monkeypatch) -> None:
    with library.transaction() as s:
        project = items.create_item(s, SINGLE_USER, "project", {"title": "Old title"})
    editor = RecordEditor(ctx, "project", project)
    qtbot.addWidget(editor)
    editor.show()
    title = editor.fields["title"].widget
    title.selectAll()
    qtbot.keyClicks(title, "New title")
    assert editor.has_unsaved_edits()
    asked = _answer(monkeypatch, Choice.SAVE)
    assert unsaved.settle(None, unsaved.dirty_editors(editor))
    assert asked == ["the project “Old title”"]
    with library.reading() as s:
        assert items.get_item(s, SINGLE_USER, "project", project.id)["title"] == "New title"


def test_reference_pane_asks_before_showing_another(qtbot, ctx, tmp_path, monkeypatch) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    with ctx.library.transaction() as session:
        svc.import_files(session, SINGLE_USER, [bib])
    page = ReferencesPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.table.selectRow(0)
    first = page.detail.detail.id
    page.detail.edits["title"].setText("Changed title")
    assert page.detail.has_unsaved_edits()
    asked = _answer(monkeypatch, Choice.CANCEL)
    page.table.selectRow(1)
    assert asked == [f"the reference “{page.detail.detail.ref.citation_key}”"]
    assert page.detail.detail.id == first
    assert page.detail.edits["title"].text() == "Changed title"
    assert page.selected_ids() == [first]


def test_a_typed_reviewer_point_is_not_lost(qtbot, ctx, library, monkeypatch) -> None:
    with library.transaction() as s:
        journal = items.create_item(s, SINGLE_USER, "journal", {"name": "PAIN"})
        ms = items.create_item(s, SINGLE_USER, "manuscript", {"title": "SCS series"})
        sub = items.create_item(
            s, SINGLE_USER, "submission", {"manuscript_id": ms.id, "journal_id": journal.id}
        )
        submissions.add_round(s, SINGLE_USER, sub.id, dt.date(2026, 2, 1))
    page = SubmissionDetail(ctx, sub.id)
    qtbot.addWidget(page)
    qtbot.keyClicks(page.comment_edit, "Justify the sample size.")
    asked = _answer(monkeypatch, Choice.SAVE)
    assert unsaved.settle(None, unsaved.dirty_editors(page))
    assert asked == ["the reviewer point you typed"]
    assert [p.comment for p in page.points_model.rows()] == ["Justify the sample size."]


# The status-change dialog ------------------------------------------------------------------


@pytest.fixture
def under_review(library: Library) -> Iterator[int]:
    clock.set_clock(lambda: dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC))
    with library.transaction() as s:
        journal = items.create_item(s, SINGLE_USER, "journal", {"name": "PAIN"})
        ms = items.create_item(s, SINGLE_USER, "manuscript", {"title": "SCS series"})
        sub = items.create_item(
            s, SINGLE_USER, "submission", {"manuscript_id": ms.id, "journal_id": journal.id}
        )
        submissions.change_status(s, SINGLE_USER, sub.id, "submitted", dt.date(2026, 1, 5))
        submissions.change_status(s, SINGLE_USER, sub.id, "under review", dt.date(2026, 1, 10))
    yield sub.id
    clock.set_clock(None)


def test_a_refused_move_keeps_what_was_typed_and_says_why_beside_the_field(
    qtbot, ctx, library, under_review
) -> None:
    page = SubmissionDetail(ctx, under_review)
    qtbot.addWidget(page)
    today = dt.date(2026, 3, 2)
    dialog = ChangeStatusDialog(
        page,
        "under review",
        submissions.allowed_moves("under review"),
        dt.date(2026, 1, 10),
        today,
    )
    qtbot.addWidget(dialog)
    dialog.status_combo.setCurrentText("major revision")
    dialog.date_edit.setDate(QDate(2026, 3, 1))
    dialog.due_check.setChecked(True)
    dialog.due_edit.setDate(QDate(2026, 2, 1))  # before the decision
    dialog.note_edit.setText("Decision letter from Dr. Smith")
    dialog.show()
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.note_edit.text() == "Decision letter from Dr. Smith"
    assert dialog.error_text("revision_due_on") == (
        "Revision due: A revision cannot be due before the decision."
    )
    with library.reading() as s:
        assert (
            items.get_item(s, SINGLE_USER, "submission", under_review)["status"] == "under review"
        )
    dialog.due_edit.setDate(QDate(2026, 4, 1))
    assert dialog.error_text("revision_due_on") == ""
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        dialog.accept()
    assert dialog.applied
    with library.reading() as s:
        record = items.get_item(s, SINGLE_USER, "submission", under_review)
    assert record["status"] == "major revision"
    assert ctx.undo.undoText() == "Move submission to “major revision”"


def test_a_record_editor_draft_is_offered_back(qtbot, ctx, library, monkeypatch) -> None:
    with library.transaction() as s:
        project = items.create_item(s, SINGLE_USER, "project", {"title": "Old title"})
    editor = RecordEditor(ctx, "project", project)
    qtbot.addWidget(editor)
    title = editor.fields["title"].widget
    title.selectAll()
    qtbot.keyClicks(title, "Typed before the crash")
    editor.drafts.write_now()
    editor.drafts.timer.stop()
    editor.hide()  # gone without Save, Cancel or closeEvent
    offered: list[str] = []
    monkeypatch.setattr(
        unsaved.RestoreDraftDialog,
        "ask",
        staticmethod(lambda _p, what: offered.append(what) or True),
    )
    again = RecordEditor(ctx, "project", project)
    qtbot.addWidget(again)
    assert offered == ["the project “Old title”"]
    assert again.fields["title"].raw() == "Typed before the crash"
    assert again.save() is not None
    assert again.drafts.recovered() is None
    with library.reading() as s:
        assert (
            items.get_item(s, SINGLE_USER, "project", project.id)["title"]
            == "Typed before the crash"
        )
