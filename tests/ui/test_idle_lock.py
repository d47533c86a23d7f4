"""The idle lock covers the window after the idle minutes; the password brings it back intact."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLineEdit, QMainWindow, QMessageBox

from scholar_desk.core.services import accounts
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.idle_lock import IdleLock
from scholar_desk.ui.workers import make_pool

T0 = dt.datetime(2026, 2, 2, 14, 0, tzinfo=dt.UTC)


class FakeClock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def signed_in(qtbot, library):
    with library.transaction() as s:
        accounts.set_idle_minutes(s, SINGLE_USER, 10)
        accounts.create_account(s, SINGLE_USER, "boss", "password123", "director")
        accounts.create_account(s, SINGLE_USER, "ann", "password123", "fellow")
    with library.transaction() as s:
        actor = accounts.login(s, "ann", "password123")
    pool = make_pool()
    ctx = AppContext(library, actor, pool, QUndoStack(), DataEvents())
    yield ctx
    assert pool.waitForDone(5000)


def test_locks_after_idle_minutes_and_unsaved_text_survives(qtbot, signed_in):
    fake = FakeClock()
    window = QMainWindow()
    qtbot.addWidget(window)
    editor = QLineEdit(window)
    window.setCentralWidget(editor)
    window.show()
    qtbot.waitExposed(window)
    editor.setText("half-written abstract")
    lock = IdleLock(signed_in, window, now=fake, check_ms=60_000)
    assert lock.timer.minutes == 10  # the director's setting
    fake.now = T0 + dt.timedelta(minutes=9, seconds=59)
    assert not lock.check()
    fake.now = T0 + dt.timedelta(minutes=10)
    with qtbot.waitSignal(lock.locked):
        assert lock.check()
    assert lock.is_locked
    assert lock.curtain is not None
    assert lock.curtain.isVisible()
    assert lock.dialog is not None
    assert lock.dialog.user_edit.text() == "ann"
    # A wrong password keeps it locked.
    lock.dialog.password_edit.setText("wrong")
    assert not lock.dialog.try_sign_in()
    assert lock.is_locked
    lock.dialog.password_edit.setText("password123")
    with qtbot.waitSignal(lock.unlocked):
        lock.dialog.try_sign_in()
    assert not lock.is_locked
    assert editor.text() == "half-written abstract"
    assert editor.isVisible()
    # The count starts again from the unlock.
    fake.now += dt.timedelta(minutes=9)
    assert not lock.check()
    lock.stop()


def test_input_postpones_the_lock(qtbot, signed_in):
    fake = FakeClock()
    window = QMainWindow()
    qtbot.addWidget(window)
    editor = QLineEdit(window)
    window.setCentralWidget(editor)
    window.show()
    qtbot.waitExposed(window)
    lock = IdleLock(signed_in, window, minutes=1, now=fake, check_ms=60_000)
    fake.now = T0 + dt.timedelta(seconds=50)
    qtbot.keyClick(editor, "a")
    fake.now = T0 + dt.timedelta(seconds=100)
    assert not lock.check()
    fake.now = T0 + dt.timedelta(seconds=111)
    assert lock.check()
    lock.stop()


# Unsaved edits when the lock comes ---------------------------------------------------------

TYPED = "Typed while nobody watched"


@pytest.fixture
def pane_window(qtbot, signed_in, tmp_path):
    """A window on the References page with a reference whose title was edited, unsaved."""
    from scholar_desk.core.services import references as svc
    from scholar_desk.ui.pages.references_page import ReferencesPage

    bib = tmp_path / "one.bib"
    bib.write_text(
        "@article{Kim2021, author = {Kim, Lee}, title = {Genicular nerve ablation},"
        " journal = {Pain}, year = 2021}\n",
        encoding="utf-8",
    )
    with signed_in.library.transaction() as s:
        report = svc.import_files(s, signed_in.actor, [bib])
    window = QMainWindow()
    qtbot.addWidget(window)
    page = ReferencesPage(signed_in)
    window.setCentralWidget(page)
    window.show()
    qtbot.waitExposed(window)
    page.select_id(report.imported_ids[0])
    pane = page.detail
    pane.edits["title"].setText(TYPED)
    assert pane.has_unsaved_edits()
    return window, pane, report.imported_ids[0]


def _stored_title(ctx, ref_id):
    from scholar_desk.core.services import references as svc

    with ctx.library.reading() as s:
        return svc.get_reference(s, ctx.actor, ref_id).ref.title


def _question_text(lock) -> str:
    assert lock.question is not None
    return lock.question.text() + " " + lock.question.informativeText()


def _due(lock, fake) -> None:
    fake.now += dt.timedelta(minutes=lock.timer.minutes, seconds=1)
    lock.check()


def test_the_lock_asks_about_unsaved_edits_naming_only_the_editor(
    qtbot, signed_in, pane_window
) -> None:
    window, pane, ref_id = pane_window
    fake = FakeClock()
    lock = IdleLock(signed_in, window, now=fake, check_ms=60_000)
    _due(lock, fake)
    assert not lock.is_locked  # asked first
    text = _question_text(lock)
    assert "Save the changes to the reference?" in text
    assert TYPED not in text
    assert "Kim2021" not in text  # not even the record's key
    assert "Genicular" not in text
    assert lock.curtain is not None
    assert lock.curtain.isVisible()  # nothing of the record shows while asking
    # Cancel postpones the lock and keeps the edits.
    lock.answer(QMessageBox.StandardButton.Cancel)
    assert lock.question is None
    assert not lock.is_locked
    assert lock.curtain is None
    assert pane.edits["title"].text() == TYPED
    fake.now += dt.timedelta(minutes=lock.timer.minutes - 1)
    assert not lock.check()
    assert lock.question is None
    # Save saves, then locks.
    _due(lock, fake)
    lock.answer(QMessageBox.StandardButton.Save)
    assert lock.is_locked
    assert _stored_title(signed_in, ref_id) == TYPED
    lock.stop()
    lock.dialog.close()


def test_discard_drops_the_edits_then_locks(qtbot, signed_in, pane_window) -> None:
    window, pane, ref_id = pane_window
    fake = FakeClock()
    lock = IdleLock(signed_in, window, now=fake, check_ms=60_000)
    _due(lock, fake)
    lock.answer(QMessageBox.StandardButton.Discard)
    assert lock.is_locked
    assert pane.edits["title"].text() == "Genicular nerve ablation"
    assert _stored_title(signed_in, ref_id) == "Genicular nerve ablation"
    lock.stop()
    lock.dialog.close()


def test_no_answer_keeps_drafts_locks_and_offers_them_back(
    qtbot, signed_in, pane_window, monkeypatch
) -> None:
    from scholar_desk.ui import unsaved

    window, pane, ref_id = pane_window
    offered: list[str] = []
    monkeypatch.setattr(
        unsaved.RestoreDraftDialog,
        "ask",
        staticmethod(lambda _parent, what: offered.append(what) or True),
    )
    fake = FakeClock()
    lock = IdleLock(signed_in, window, now=fake, check_ms=60_000)
    assert lock.answer_timer.interval() == 60_000
    _due(lock, fake)
    assert "60 seconds" in _question_text(lock)
    lock.answer_timer.timeout.emit()  # a minute without an answer
    assert lock.question is None
    assert lock.is_locked
    # The typed text left the window for the draft on disk; nothing was saved.
    assert pane.edits["title"].text() == "Genicular nerve ablation"
    assert not pane.has_unsaved_edits()
    assert _stored_title(signed_in, ref_id) == "Genicular nerve ablation"
    draft = unsaved.read_draft(signed_in, f"reference-{ref_id}")
    assert draft is not None
    assert draft["values"]["title"] == TYPED
    # The password brings the window back and offers the draft.
    lock.dialog.password_edit.setText("password123")
    with qtbot.waitSignal(lock.unlocked):
        lock.dialog.try_sign_in()
    assert offered == ["the reference “Kim2021”"]
    assert pane.edits["title"].text() == TYPED
    assert pane.has_unsaved_edits()
    lock.stop()
