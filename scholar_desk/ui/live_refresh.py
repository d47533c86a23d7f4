"""Notice changes made by another window or program and tell every view to reload.

SQLite's ``PRAGMA data_version`` changes on a connection whenever another connection
commits, so one cheap query a second is enough (other backends: the newest audit id).
A restore from a backup in another window is told apart (it leaves a mark in the
database): this window then reloads, clears its undo stack and says why.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy import func, select

from scholar_desk.core.db import models as m
from scholar_desk.core.db.sqlite import connect_readonly
from scholar_desk.core.errors import ScholarDeskError
from scholar_desk.core.services import backups
from scholar_desk.ui.context import AppContext


def window_origin(ctx: AppContext) -> str:
    """A label for this window's connection, left with a restore it makes."""
    return f"{os.getpid()}:{id(ctx.library)}"


def _restore_mark(ctx: AppContext) -> backups.RestoreMark | None:
    try:
        return backups.last_restore(ctx.library)
    except ScholarDeskError:
        return None


class LiveRefresh(QObject):
    """Polls for outside changes every ``interval_ms`` and emits ``ctx.events.changed("")``.

    Start it once per window: ``LiveRefresh(ctx, parent=window)``. Own saves are seen
    too (they commit on another connection); pages reload as after any change.
    """

    detected = Signal()
    restored = Signal(str)  # the message shown to the user

    def __init__(
        self, ctx: AppContext, interval_ms: int = 1000, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._conn: sqlite3.Connection | None = None
        path = ctx.library.path
        if path is not None:
            self._conn = connect_readonly(path, timeout=1.0)  # the path escaped
        self._last = self._stamp()
        self._restore = _restore_mark(ctx)
        self.message_box: QMessageBox | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def _stamp(self) -> int | None:
        try:
            if self._conn is not None:
                row = self._conn.execute("PRAGMA data_version").fetchone()
                return int(row[0])
            with self.ctx.library.reading() as session:
                return session.scalar(select(func.max(m.AuditEvent.id)))
        except Exception:  # noqa: BLE001 - a failed poll just waits for the next one
            return self._last if hasattr(self, "_last") else None

    def check(self) -> bool:
        """Look once; whether a change was found (and announced)."""
        stamp = self._stamp()
        if stamp == self._last:
            return False
        self._last = stamp
        self.detected.emit()
        mark = _restore_mark(self.ctx)
        if mark is not None and mark != self._restore:
            self._restore = mark
            if mark.origin != window_origin(self.ctx):
                self._on_restored_elsewhere(mark)
        self.ctx.events.changed.emit("")
        return True

    def _on_restored_elsewhere(self, mark: backups.RestoreMark) -> None:
        """Another window replaced the database: drop undo steps that no longer apply."""
        steps = self.ctx.undo.count()
        self.ctx.undo.clear()
        undo = (
            f" Your {steps} undo step{'s' if steps != 1 else ''} referred to the database "
            "before the restore, so Undo was cleared."
            if steps
            else ""
        )
        message = (
            f"{mark.by} restored the database from the backup {mark.source} in another "
            f"window. Every page now shows the restored data.{undo} Anything made or changed "
            "after that backup is in the copy kept in the backups folder."
        )
        self.restored.emit(message)
        parent = self.parent()
        if self.message_box is not None:
            self.message_box.close()
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Database restored",
            message,
            QMessageBox.StandardButton.Ok,
            parent if isinstance(parent, QWidget) else None,
        )
        box.finished.connect(box.deleteLater)
        box.open()
        self.message_box = box

    def stop(self) -> None:
        """Stop polling and close the connection."""
        self.timer.stop()
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None
