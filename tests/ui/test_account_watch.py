"""An open window follows its account: deactivated signs out, a changed role applies at once.

A second "window" is played by the services on another connection, as a director at
another desk would be; the watch runs from the real live refresh.
"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox

from scholar_desk.core.db.library import Library
from scholar_desk.core.services import accounts, items
from scholar_desk.core.services.session import SINGLE_USER, Actor
from scholar_desk.ui.account_watch import AccountWatch
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.live_refresh import LiveRefresh
from scholar_desk.ui.main_window import MainWindow
from scholar_desk.ui.workers import make_pool


def _accounts(library: Library) -> tuple[Actor, Actor]:
    with library.transaction() as s:
        person = items.create_item(
            s, SINGLE_USER, "person", {"given_name": "Dee", "family_name": "Doe"}
        )
        accounts.create_account(s, SINGLE_USER, "boss", "password123", "director")
        boss = accounts.login(s, "boss", "password123")
        accounts.create_account(s, boss, "dee", "password123", "director", person.id)
    with library.transaction() as s:
        return accounts.login(s, "boss", "password123"), accounts.login(s, "dee", "password123")


@pytest.fixture
def open_window(qtbot, library):
    boss, dee = _accounts(library)
    ctx = AppContext(library, dee, make_pool(), QUndoStack(), DataEvents())
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    refresh = LiveRefresh(ctx, interval_ms=60_000, parent=window)
    watch = AccountWatch(ctx, window, parent=window)
    refresh.detected.connect(watch.check)
    yield window, refresh, boss
    refresh.stop()
    assert ctx.pool.waitForDone(5000)


def test_a_demoted_director_loses_director_pages_and_menus_at_once(qtbot, open_window, library):
    window, refresh, boss = open_window
    window.show_page("audit")
    assert "audit" in window.page_keys()
    assert window.manage_accounts_action.isVisible()
    with library.transaction() as s:
        accounts.update_account(s, boss, "dee", role="fellow")
    assert refresh.check()
    assert "audit" not in window.page_keys()
    assert window.current_key() != "audit"
    assert not window.manage_accounts_action.isVisible()
    assert not window.backups_action.isVisible()
    assert "(fellow)" in window.database_label.text()
    assert window.ctx.actor.role == "fellow"


def test_a_deactivated_account_is_signed_out_with_a_message(qtbot, open_window, library):
    window, refresh, boss = open_window
    with library.transaction() as s:
        accounts.update_account(s, boss, "dee", active=False)
    assert refresh.check()
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1
    assert "signed you out" in boxes[0].text()
    assert not window.centralWidget().isVisible()
    assert not window.import_action.isEnabled()
    with qtbot.waitSignal(boxes[0].finished, timeout=2000):
        boxes[0].accept()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=2000)
