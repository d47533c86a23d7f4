"""The window on a PostgreSQL server: password prompt, refusals named, changes seen at once."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLabel

from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import DatabaseError
from scholar_desk.core.services import items
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui import app
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.dialogs.server_password_dialog import ServerPasswordDialog
from scholar_desk.ui.errors import show_error
from scholar_desk.ui.live_refresh import LiveRefresh
from scholar_desk.ui.workers import make_pool


def test_password_dialog_returns_what_was_typed_or_none(qtbot) -> None:
    dialog = ServerPasswordDialog("ana@db.example.org/fellowship")
    qtbot.addWidget(dialog)
    labels = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "ana@db.example.org/fellowship" in labels
    dialog.password.setText("typed")
    with qtbot.waitSignal(dialog.finished):
        dialog.accept()
    assert dialog.answer() == "typed"
    cancelled = ServerPasswordDialog("x")
    qtbot.addWidget(cancelled)
    with qtbot.waitSignal(cancelled.finished):
        cancelled.reject()
    assert cancelled.answer() is None


@pytest.fixture
def server_url(pg_databases):
    name, url = pg_databases.create()
    yield url
    pg_databases.drop(name)


def test_the_window_asks_the_server_password_once(qtbot, pg_databases, pg_server, monkeypatch):
    import pg_server as pgs

    name, url = pg_databases.create()
    try:
        pg_server.psql(
            f"GRANT USAGE ON SCHEMA public TO {pgs.PASSWORD_USER};"
            f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {pgs.PASSWORD_USER}",
            name,
        )
        monkeypatch.delenv("PGPASSWORD", raising=False)
        asked: list[str] = []
        monkeypatch.setattr(
            ServerPasswordDialog,
            "ask",
            classmethod(lambda _cls, _parent, server: asked.append(server) or pgs.PASSWORD),
        )
        library = app.open_library(url.replace("postgres@", f"{pgs.PASSWORD_USER}@"))
        library.close()
        assert len(asked) == 1
        assert name in asked[0]
    finally:
        pg_databases.drop(name)


def test_a_server_without_the_schema_is_a_dialog_naming_the_server(qtbot, pg_databases):
    name, url = pg_databases.create(empty=True)
    try:
        with pytest.raises(DatabaseError) as caught:
            app.open_library(url)
        box = show_error(None, caught.value)
        qtbot.addWidget(box)
        assert f"/{name}" in box.text()
        assert "init" in box.text()
    finally:
        pg_databases.drop(name)


def test_a_change_on_the_server_reaches_another_window_within_two_seconds(qtbot, server_url):
    mine = Library.open(server_url)
    theirs = Library.open(server_url)
    ctx = AppContext(mine, SINGLE_USER, make_pool(), QUndoStack(), DataEvents())
    # A slow timer: the notice itself must wake the window.
    refresh = LiveRefresh(ctx, interval_ms=60_000)
    try:
        with qtbot.waitSignal(ctx.events.changed, timeout=2000), theirs.transaction() as s:
            items.create_item(s, SINGLE_USER, "journal", {"name": "From another machine"})
        assert not refresh.check()
    finally:
        refresh.stop()
        assert ctx.pool.waitForDone(10_000)
        mine.close()
        theirs.close()


def test_the_backup_dialog_on_a_server_backs_up_to_a_file_and_restores_from_it(
    qtbot, server_url, tmp_path
) -> None:
    from sqlalchemy import select

    from scholar_desk.core.db.models import Journal
    from scholar_desk.core.services.backups import verify_backup
    from scholar_desk.ui.dialogs.backup_dialog import BackupDialog

    library = Library.open(server_url)
    ctx = AppContext(library, SINGLE_USER, make_pool(), QUndoStack(), DataEvents())
    try:
        with library.transaction() as s:
            items.create_item(s, SINGLE_USER, "journal", {"name": "Kept by the backup"})
        dialog = BackupDialog(ctx)
        qtbot.addWidget(dialog)
        intro = " ".join(label.text() for label in dialog.findChildren(QLabel))
        assert library.where in intro
        assert dialog.isEnabled()
        assert dialog.backup_button.isEnabled()
        assert dialog.list.isHidden()
        assert dialog.restore_button.isHidden()

        target = tmp_path / "server-backup.sqlite3"
        with qtbot.waitSignal(dialog.finished_job, timeout=60_000):
            assert dialog.back_up_now(target) is not None
        assert verify_backup(target) == "ok"
        assert str(target) in dialog.message.text()

        with library.transaction() as s:
            items.create_item(s, SINGLE_USER, "journal", {"name": "Added after it"})
        with qtbot.waitSignal(dialog.finished_job, timeout=60_000):
            dialog.restore_from(target)
        assert dialog.message.text().startswith("Restored")
        with library.reading() as s:
            names = set(s.scalars(select(Journal.name)))
        assert "Kept by the backup" in names
        assert "Added after it" not in names
    finally:
        assert ctx.pool.waitForDone(10_000)
        library.close()
