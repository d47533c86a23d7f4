"""The idle lock covers the window after the idle minutes; the password brings it back intact."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLineEdit, QMainWindow

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
