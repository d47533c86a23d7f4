"""A director changes roles and disables accounts in the window; a disabled account is told so."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from scholar_desk.core.services import accounts
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.dialogs.accounts_dialog import AccountsDialog
from scholar_desk.ui.dialogs.login_dialog import LoginDialog
from scholar_desk.ui.workers import make_pool


@pytest.fixture
def director_ctx(qtbot, library):
    with library.transaction() as s:
        accounts.create_account(s, SINGLE_USER, "boss", "password123", "director")
        accounts.create_account(s, SINGLE_USER, "ann", "password123", "fellow")
    with library.transaction() as s:
        boss = accounts.try_login(s, "boss", "password123").actor
    assert boss is not None
    pool = make_pool()
    ctx = AppContext(library, boss, pool, QUndoStack(), DataEvents())
    yield ctx
    assert pool.waitForDone(5000)


def _account(ctx, name):
    with ctx.library.reading() as s:
        return {a.username: a for a in accounts.list_accounts(s, ctx.actor)}[name]


def _state(dialog, username):
    row = [r.username for r in dialog.rows].index(username)
    return dialog.table.item(row, 1).text(), dialog.table.item(row, 4).text()


@pytest.fixture
def dialog(qtbot, director_ctx):
    dlg = AccountsDialog(director_ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def test_nothing_selected_greys_the_per_account_buttons(dialog):
    dialog.table.clearSelection()
    dialog.table.setCurrentCell(-1, -1)
    assert not dialog.role_button.isEnabled()
    assert not dialog.toggle_button.isEnabled()


def test_director_changes_a_role_in_the_window(qtbot, dialog, director_ctx):
    dialog.select("ann")
    assert dialog.change_role_combo.currentText() == "fellow"
    dialog.change_role_combo.setCurrentText("mentor")
    qtbot.mouseClick(dialog.role_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "ann is now a mentor."
    assert _account(director_ctx, "ann").role == "mentor"
    assert _state(dialog, "ann") == ("mentor", "active")
    # The selection stays on ann, so the next action is about her too.
    assert dialog.selected().username == "ann"
    assert dialog.change_role_combo.currentText() == "mentor"


def test_the_last_director_cannot_be_demoted(qtbot, dialog, director_ctx):
    dialog.select("boss")
    dialog.change_role_combo.setCurrentText("fellow")
    qtbot.mouseClick(dialog.role_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Keep at least one active director account."
    assert _account(director_ctx, "boss").role == "director"


def test_disable_enable_is_one_toggle_whose_label_follows_the_state(qtbot, dialog, director_ctx):
    dialog.select("ann")
    assert dialog.toggle_button.text() == "&Disable"
    qtbot.mouseClick(dialog.toggle_button, Qt.MouseButton.LeftButton)
    assert not _account(director_ctx, "ann").active
    assert _state(dialog, "ann") == ("fellow", "disabled")
    assert dialog.toggle_button.text() == "&Enable"
    assert dialog.toggle_button.accessibleName() == "Enable ann"

    login = LoginDialog(director_ctx.library, "ann")
    qtbot.addWidget(login)
    login.open()
    login.password_edit.setText("password123")
    assert not login.try_sign_in()
    assert login.message.text() == "This account is disabled. Ask a director to enable it."

    qtbot.mouseClick(dialog.toggle_button, Qt.MouseButton.LeftButton)
    assert dialog.toggle_button.text() == "&Disable"
    assert _account(director_ctx, "ann").active
    login.password_edit.setText("password123")
    assert login.try_sign_in()


def test_account_changes_say_they_stay_out_of_undo(qtbot, dialog, director_ctx):
    assert dialog.not_undoable.isVisible()
    assert "not undone by Undo (Ctrl+Z)" in dialog.not_undoable.text()
    dialog.select("ann")
    qtbot.mouseClick(dialog.toggle_button, Qt.MouseButton.LeftButton)
    assert not _account(director_ctx, "ann").active
    assert director_ctx.undo.count() == 0  # a disabled account never comes back by Undo


def test_a_refused_read_shows_its_sentence_in_the_dialog(qtbot, library):
    # Signed in as a fellow, the accounts cannot be read: the dialog says so in its own
    # words (operations.read) instead of an error box, and offers nothing to change.
    with library.transaction() as s:
        accounts.create_account(s, SINGLE_USER, "boss", "password123", "director")
        accounts.create_account(s, SINGLE_USER, "ann", "password123", "fellow")
    with library.transaction() as s:
        ann = accounts.try_login(s, "ann", "password123").actor
    ctx = AppContext(library, ann, make_pool(), QUndoStack(), DataEvents())
    dlg = AccountsDialog(ctx)
    qtbot.addWidget(dlg)
    assert not dlg.isEnabled()
    assert dlg.message.text()
    assert ctx.pool.waitForDone(5000)
