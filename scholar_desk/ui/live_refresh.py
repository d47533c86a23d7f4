"""Notice changes made by another window or program and tell every view to reload.

The database's change watch (``Library.change_watch``: SQLite's ``data_version`` looked
at once a second; a PostgreSQL server's notices, which also wake the window at once)
says when anything was committed elsewhere.
A restore from a backup in another window is told apart (it leaves a mark in the
database): this window then reloads, clears its undo stack and says why.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from scholar_desk.core.db.changes import ChangeWatch
from scholar_desk.core.services import backups
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.operations import Unit, read


def window_origin(ctx: AppContext) -> str:
    """A label for this window's connection, left with a restore it makes."""
    return f"{os.getpid()}:{id(ctx.library)}"


def _restore_mark(ctx: AppContext) -> backups.RestoreMark | None:
    library = ctx.library
    return read(
        ctx,
        None,
        lambda _session, _actor: backups.last_restore(library),
        lambda _exc: None,  # unreadable now: the next poll looks again
        unit=Unit.NONE,
    )


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
        self._watch: ChangeWatch | None = None
        self._notifier: QSocketNotifier | None = None
        self._connect()
        self._restore = _restore_mark(ctx)
        self.message_box: QMessageBox | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def _connect(self) -> None:
        library = self.ctx.library
        self._watch = read(
            self.ctx,
            None,
            lambda _session, _actor: library.change_watch(),
            lambda _exc: None,  # the server is away: the next look tries again
            unit=Unit.NONE,
        )
        if self._watch is None:
            return
        socket = self._watch.fileno()
        if socket is not None:
            self._notifier = QSocketNotifier(socket, QSocketNotifier.Type.Read, self)
            self._notifier.activated.connect(self.check)

    def check(self) -> bool:
        """Look once; whether a change was found (and announced)."""
        if self._watch is None:
            self._connect()
            return False
        if not self._watch.changed():
            return False
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
        """Stop looking and close the watch's connection."""
        self.timer.stop()
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier = None
        if self._watch is not None:
            self._watch.close()
            self._watch = None
