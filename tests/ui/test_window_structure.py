"""The window's modules: no import cycle between start-up and the window; actions in one table."""

from __future__ import annotations

import grimp
import pytest
from PySide6.QtGui import QUndoStack

from scholar_desk.core.services.session import SINGLE_USER, Actor
from scholar_desk.ui.actions import ACTIONS, MENUS, TOOLBAR
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.main_window import MainWindow
from scholar_desk.ui.workers import make_pool


def test_app_and_main_window_do_not_import_each_other() -> None:
    graph = grimp.build_graph("scholar_desk")
    assert (
        graph.find_shortest_chain(
            importer="scholar_desk.ui.main_window", imported="scholar_desk.ui.app"
        )
        is None
    )
    assert (
        graph.find_shortest_chain(importer="scholar_desk.ui.theme", imported="scholar_desk.ui.app")
        is None
    )


@pytest.fixture
def make_window(qtbot, library):
    pools = []

    def make(actor: Actor) -> MainWindow:
        pool = make_pool()
        pools.append(pool)
        win = MainWindow(AppContext(library, actor, pool, QUndoStack(), DataEvents()))
        qtbot.addWidget(win)
        return win

    yield make
    for pool in pools:
        assert pool.waitForDone(5000)


def test_every_action_of_the_table_is_in_its_menu(make_window) -> None:
    window = make_window(SINGLE_USER)
    menus = {key for key, _title in MENUS}
    for spec in ACTIONS:
        assert spec.menu in menus
        action = window.actions_by_id[spec.id]
        assert getattr(window, f"{spec.id}_action") is action
        assert action in window.menus[spec.menu].actions()
        typed = [s for s in spec.shortcuts if isinstance(s, str)]  # standard keys vary
        assert [k.toString() for k in action.shortcuts()][: len(typed)] == typed
    on_toolbar = [a for a in window.toolbar.actions() if not a.isSeparator()]
    twins = {"undo": window.toolbar_undo, "redo": window.toolbar_redo}  # short fixed labels
    expected = [twins.get(i, window.actions_by_id.get(i)) for i in TOOLBAR if i is not None]
    assert on_toolbar == expected


def test_actions_a_role_may_not_use_are_hidden_or_greyed(make_window, library) -> None:
    from sqlalchemy import select

    from scholar_desk.core.db.models import Account
    from scholar_desk.core.services import accounts

    with library.transaction() as session:
        accounts.create_account(session, SINGLE_USER, "boss", "password123", "director")
        accounts.create_account(session, SINGLE_USER, "men", "password123", "mentor")
        row = session.scalars(select(Account).where(Account.username == "men")).one()
        mentor = accounts.actor_of(row)
    window = make_window(mentor)
    assert not window.manage_accounts_action.isVisible()
    assert not window.backups_action.isVisible()
    assert window.change_password_action.isEnabled()
    solo = make_window(SINGLE_USER)
    assert solo.backups_action.isVisible()
    assert not solo.change_password_action.isEnabled()
