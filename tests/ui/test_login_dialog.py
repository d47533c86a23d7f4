"""The sign-in dialog: wrong password stays open, lockout waits, success returns the actor."""

from __future__ import annotations

import datetime as dt

import pytest

from scholar_desk.core import clock
from scholar_desk.core.services import accounts
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.dialogs.login_dialog import LoginDialog


@pytest.fixture
def shared(library):
    with library.transaction() as s:
        accounts.create_account(s, SINGLE_USER, "boss", "password123", "director")
        accounts.create_account(s, SINGLE_USER, "ann", "password123", "fellow")
    return library


def test_wrong_password_stays_open_and_says_so(qtbot, shared):
    dlg = LoginDialog(shared, "ann")
    qtbot.addWidget(dlg)
    dlg.open()
    dlg.password_edit.setText("nope")
    assert not dlg.try_sign_in()
    assert dlg.isVisible()
    assert dlg.message.text() == "Wrong user name or password."
    assert dlg.password_edit.text() == ""
    assert dlg.actor is None


def test_right_password_signs_in(qtbot, shared):
    dlg = LoginDialog(shared)
    qtbot.addWidget(dlg)
    dlg.open()
    dlg.user_edit.setText("boss")
    dlg.password_edit.setText("password123")
    with qtbot.waitSignal(dlg.signed_in) as signed, qtbot.waitSignal(dlg.finished):
        dlg.ok_button.click()
    assert signed.args[0].username == "boss"
    assert dlg.actor is not None
    assert dlg.actor.role == "director"
    assert dlg.result() == LoginDialog.DialogCode.Accepted


def test_lockout_disables_sign_in_until_the_delay_passes(qtbot, shared):
    t0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    clock.set_clock(lambda: t0)
    dlg = LoginDialog(shared, "ann")
    qtbot.addWidget(dlg)
    dlg.open()
    for attempt in range(3):
        dlg.password_edit.setText(f"bad{attempt}")
        dlg.try_sign_in()
    assert "try again in 5 seconds" in dlg.message.text()
    assert not dlg.ok_button.isEnabled()
    # The timer re-enables the button; fire it rather than wait the seconds.
    dlg._retry_timer.timeout.emit()
    assert dlg.ok_button.isEnabled()


def test_unlock_mode_cannot_be_cancelled_or_switch_user(qtbot, shared):
    dlg = LoginDialog(shared, locked_user="ann")
    qtbot.addWidget(dlg)
    dlg.open()
    assert dlg.user_edit.isReadOnly()
    dlg.reject()
    assert dlg.isVisible()
    dlg.user_edit.setText("boss")  # read-only in the UI; even if forced, the name is checked
    dlg.password_edit.setText("password123")
    assert not dlg.try_sign_in()
    dlg.user_edit.setText("ann")
    dlg.password_edit.setText("password123")
    with qtbot.waitSignal(dlg.finished):
        assert dlg.try_sign_in()
