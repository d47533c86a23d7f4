"""Mentor page, comments panel, audit page, accounts and backup dialogs, live refresh."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack

from scholar_desk.core.db.library import Library
from scholar_desk.core.services import accounts, backups, comments, items
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.dialogs.accounts_dialog import AccountsDialog, ChangePasswordDialog
from scholar_desk.ui.dialogs.backup_dialog import BackupDialog
from scholar_desk.ui.live_refresh import LiveRefresh
from scholar_desk.ui.pages.audit_page import AuditPage
from scholar_desk.ui.pages.mentor_page import MentorPage
from scholar_desk.ui.widgets.comments_panel import CommentsPanel
from scholar_desk.ui.workers import make_pool


@pytest.fixture
def demo_library(library):
    """Two fellows with a project each, a mentor of both and a director (password demo)."""
    with library.transaction() as s:
        ids = [
            items.create_item(s, SINGLE_USER, "person", {"given_name": g, "family_name": f}).id
            for g, f in (("Maya", "Patel"), ("Dan", "Okafor"), ("Ingrid", "Lind"), ("Ruth", "Wh"))
        ]
        for owner, title in ((ids[0], "Opioid taper outcomes"), (ids[1], "Nerve block QI")):
            items.create_item(
                s, SINGLE_USER, "project", {"title": title, "owner_id": owner, "status": "writing"}
            )
        accounts.create_demo_accounts(s, *ids)
    return library


@pytest.fixture
def contexts(qtbot, demo_library):
    made = []

    def make(username: str | None) -> AppContext:
        actor = SINGLE_USER
        if username is not None:
            with demo_library.transaction() as s:
                actor = accounts.login(s, username, "demo")
        ctx = AppContext(demo_library, actor, make_pool(), QUndoStack(), DataEvents())
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        assert ctx.pool.waitForDone(10_000)


def _fellow_project(library: Library, actor_name: str) -> int:
    with library.transaction() as s:
        actor = accounts.login(s, actor_name, "demo")
        return items.list_items(s, actor, "project")[0].id


def test_mentor_page_lists_mentees_and_opens_items_read_only(qtbot, contexts):
    ctx = contexts("mentor")
    page = MentorPage(ctx)
    qtbot.addWidget(page)
    assert page.mentees.count() == 2
    assert "Projects:" in page.detail.toHtml()
    assert page.items.count() > 0
    first = page.summaries[page.mentees.currentRow()].items[0]
    viewer = page.open_item(first.kind, first.item_id)
    assert viewer is not None
    qtbot.addWidget(viewer)
    panel = viewer.comments
    assert panel.can_comment
    assert not panel.editor.isHidden()
    panel.editor.setPlainText("Please add the power calculation.")
    with qtbot.waitSignal(panel.comment_added):
        panel.add_comment()
    assert any("power calculation" in panel.list.item(i).text() for i in range(panel.list.count()))


def test_comments_panel_by_role(qtbot, contexts, demo_library):
    project = _fellow_project(demo_library, "fellow1")
    mentor_ctx = contexts("mentor")
    with demo_library.transaction() as s:
        comments.add_comment(s, mentor_ctx.actor, "project", project, "Clarify the aims")
    fellow_ctx = contexts("fellow1")
    panel = CommentsPanel(fellow_ctx, "project", project)
    qtbot.addWidget(panel)
    assert panel.can_resolve
    assert "1 open" in panel.heading.text()
    assert panel.list.item(0).font().bold()  # new to the owner
    panel.list.setCurrentRow(0)
    with qtbot.waitSignal(panel.comment_resolved):
        assert panel.resolve_selected()
    assert "0 open" in panel.heading.text()
    # The other fellow cannot even read it.
    other = CommentsPanel(contexts("fellow2"), "project", project)
    qtbot.addWidget(other)
    assert other.list.count() == 0
    assert other.add_button.isHidden()
    assert other.resolve_button.isHidden()


def test_audit_page_model_and_filters(qtbot, qtmodeltester, contexts, demo_library):
    director = contexts("director")
    with demo_library.transaction() as s:
        fellow = accounts.login(s, "fellow1", "demo")
        project = items.list_items(s, fellow, "project")[0]
        items.update_item(s, fellow, "project", project.id, {"notes": "needle"})
    page = AuditPage(director)
    qtbot.addWidget(page)
    qtmodeltester.check(page.model)
    assert page.model.rowCount() > 0
    page.search.setText("needle")
    assert page.model.rowCount() == 1
    page.search.clear()
    page.user_combo.setCurrentText("fellow1")
    assert {e.actor for e in page.model.rows} == {"fellow1"}
    refused = AuditPage(contexts("mentor"))
    qtbot.addWidget(refused)
    assert refused.model.rowCount() == 0
    assert "Only a director can read the audit log." in refused.status.text()


def test_accounts_dialog_adds_and_resets(qtbot, contexts, demo_library):
    ctx = contexts("director")
    dlg = AccountsDialog(ctx)
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 4
    dlg.name_edit.setText("coordinator")
    dlg.role_combo.setCurrentText("director")
    dlg.password_edit.setText("password123")
    assert dlg.add_account()
    assert dlg.table.rowCount() == 5
    dlg.select("fellow2")
    dlg.reset_edit.setText("brand-new-pass")
    assert dlg.reset_password()
    with demo_library.transaction() as s:
        assert accounts.try_login(s, "fellow2", "brand-new-pass").ok
    dlg.idle_spin.setValue(5)
    assert dlg.save_idle_minutes()
    with demo_library.reading() as s:
        assert accounts.idle_minutes(s) == 5
    fellow_dlg = AccountsDialog(contexts("fellow1"))
    qtbot.addWidget(fellow_dlg)
    assert not fellow_dlg.isEnabled()


def test_change_password_dialog(qtbot, contexts, demo_library):
    dlg = ChangePasswordDialog(contexts("fellow1"))
    qtbot.addWidget(dlg)
    dlg.open()
    dlg.old_edit.setText("wrong")
    dlg.new_edit.setText("longer-password")
    dlg.again_edit.setText("longer-password")
    assert not dlg.save()
    assert "current password" in dlg.message.text()
    dlg.old_edit.setText("demo")
    dlg.new_edit.setText("longer-password")
    dlg.again_edit.setText("longer-password")
    with qtbot.waitSignal(dlg.finished):
        assert dlg.save()
    with demo_library.transaction() as s:
        assert accounts.try_login(s, "fellow1", "longer-password").ok


def test_backup_dialog_backs_up_and_restores(qtbot, contexts, demo_library):
    ctx = contexts("director")
    dlg = BackupDialog(ctx)
    qtbot.addWidget(dlg)
    with qtbot.waitSignal(dlg.finished_job, timeout=20_000):
        dlg.back_up_now()
    assert dlg.list.count() == 1
    with demo_library.transaction() as s:
        items.create_item(s, ctx.actor, "journal", {"name": "Added later"})
    dlg.list.setCurrentRow(0)
    with (
        qtbot.waitSignal(ctx.events.changed, timeout=20_000),
        qtbot.waitSignal(dlg.finished_job, timeout=20_000),
    ):
        dlg.restore_from(dlg.selected_path())
    with demo_library.reading() as s:
        names = {r.label for r in items.list_items(s, ctx.actor, "journal")}
    assert "Added later" not in names
    assert len(backups.list_backups(demo_library.path)) == 2


def test_live_refresh_sees_another_connection(qtbot, contexts, demo_library):
    ctx = contexts(None)
    refresh = LiveRefresh(ctx, interval_ms=50)
    other = Library(demo_library.path)
    try:
        with (
            qtbot.waitSignal(ctx.events.changed, timeout=3000) as seen,
            other.transaction() as s,
        ):
            director = accounts.login(s, "director", "demo")
            items.create_item(s, director, "journal", {"name": "From the other window"})
        assert seen.args == [""]
        assert not refresh.check()  # nothing new since
    finally:
        refresh.stop()
        other.close()


def test_start_up_recovery_offers_the_latest_backup(qtbot, tmp_path, monkeypatch):
    from scholar_desk.ui import shared_machine
    from scholar_desk.ui.dialogs import backup_dialog

    path = tmp_path / "lib.sqlite3"
    with Library.open(path) as lib:
        with lib.transaction() as s:
            items.create_item(s, SINGLE_USER, "journal", {"name": "Kept"})
        backups.create_backup(lib, SINGLE_USER)
    path.write_bytes(b"garbage" * 1000)
    asked = []
    monkeypatch.setattr(
        backup_dialog,
        "ask_restore_after_damage",
        lambda parent, check: asked.append(check) or True,
    )
    shared_machine.recover_if_damaged(str(path))
    assert asked[0].status == "corrupt"
    assert list(tmp_path.glob("lib.corrupt-*.sqlite3"))
    with Library.open(path) as lib, lib.reading() as s:
        assert [r.label for r in items.list_items(s, SINGLE_USER, "journal")] == ["Kept"]


def test_window_account_menu_by_role(qtbot, contexts):
    from scholar_desk.ui.main_window import MainWindow
    from scholar_desk.ui.shared_machine import start_services

    fellow_window = MainWindow(contexts("fellow1"))
    qtbot.addWidget(fellow_window)
    assert fellow_window.change_password_action.isEnabled()
    assert not fellow_window.manage_accounts_action.isVisible()
    director_window = MainWindow(contexts("director"))
    qtbot.addWidget(director_window)
    director_window.show()
    assert director_window.backups_action.isVisible()
    services = start_services(director_window.ctx, director_window)
    # The daily backup (on its own thread), live refresh, the account watch and the idle lock.
    assert sorted(type(s).__name__ for s in services) == [
        "AccountWatch",
        "DailyBackup",
        "IdleLock",
        "LiveRefresh",
    ]
    for service in services:
        service.stop()


def test_start_up_never_moves_a_healthy_live_database(qtbot, tmp_path, monkeypatch):
    """Under a folder named with '%', '#' and '?', with another window's WAL still there."""
    import sqlite3

    from scholar_desk.ui import shared_machine
    from scholar_desk.ui.dialogs import backup_dialog

    folder = tmp_path / "odd %41 #1 ?x"
    folder.mkdir()
    path = folder / "lib.sqlite3"
    with Library.open(path) as lib, lib.transaction() as s:
        items.create_item(s, SINGLE_USER, "journal", {"name": "Live"})
    other_window = sqlite3.connect(path)
    other_window.execute("PRAGMA wal_autocheckpoint=0")
    other_window.execute("INSERT INTO tags (name) VALUES ('open elsewhere')")
    other_window.commit()
    told = []
    monkeypatch.setattr(backup_dialog, "ask_restore_after_damage", lambda *a: told.append(a))
    monkeypatch.setattr(backup_dialog, "tell_damaged", lambda *a: told.append(a))
    try:
        assert shared_machine.recover_if_damaged(str(path)) is None
    finally:
        other_window.close()
    assert told == []
    assert path.exists()
    assert not list(folder.glob("*.corrupt-*"))
