"""Notice changes made by another window or program and tell every view to reload.

SQLite's ``PRAGMA data_version`` changes on a connection whenever another connection
commits, so one cheap query a second is enough (other backends: the newest audit id).
"""

from __future__ import annotations

import contextlib
import sqlite3

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy import func, select

from scholar_desk.core.db import models as m
from scholar_desk.core.db.sqlite import connect_readonly
from scholar_desk.ui.context import AppContext


class LiveRefresh(QObject):
    """Polls for outside changes every ``interval_ms`` and emits ``ctx.events.changed("")``.

    Start it once per window: ``LiveRefresh(ctx, parent=window)``. Own saves are seen
    too (they commit on another connection); pages reload as after any change.
    """

    detected = Signal()

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
        self.ctx.events.changed.emit("")
        return True

    def stop(self) -> None:
        """Stop polling and close the connection."""
        self.timer.stop()
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None
