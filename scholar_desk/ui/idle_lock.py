"""Lock the window after idle minutes and ask the password again.

The lock is a curtain over the window plus a window-modal password dialog: nothing
is closed or rebuilt, so open editors and unsaved text are exactly as they were.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget
from typing_extensions import override

from scholar_desk.core import clock
from scholar_desk.core.services import accounts
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.dialogs.login_dialog import LoginDialog
from scholar_desk.ui.unsaved import keep_drafts

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class _Curtain(QWidget):
    """Hides the window's content while locked (the widgets below stay untouched)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("background: palette(window);")
        label = QLabel("Scholar Desk is locked.", self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        window.installEventFilter(self)
        self.setGeometry(window.rect())

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parent() and event.type() == QEvent.Type.Resize:
            parent = self.parentWidget()
            if parent is not None:
                self.setGeometry(parent.rect())
        return False


class IdleLock(QObject):
    """Watches input application-wide; after ``minutes`` without any, locks ``window``.

    Install it once the window exists (in signed-in sessions only: the single user has
    no password to ask)::

        lock = IdleLock(ctx, window)          # minutes from the director's setting
        lock.locked.connect(...); lock.unlocked.connect(...)
    """

    locked = Signal()
    unlocked = Signal()

    def __init__(
        self,
        ctx: AppContext,
        window: QWidget,
        minutes: int | None = None,
        *,
        now: Callable[[], dt.datetime] = clock.now,
        check_ms: int = 5_000,
    ) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        if minutes is None:
            with ctx.library.reading() as session:
                minutes = accounts.idle_minutes(session)
        self.timer = accounts.IdleTimer(minutes, now)
        self.dialog: LoginDialog | None = None
        self.curtain: _Curtain | None = None
        self._check = QTimer(self)
        self._check.setInterval(check_ms)
        self._check.timeout.connect(self.check)
        self._check.start()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @property
    def is_locked(self) -> bool:
        """Whether the window is locked now."""
        return self.dialog is not None

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS and not self.is_locked:
            self.timer.touch()
        return False

    def check(self) -> bool:
        """Lock if the idle time has passed; whether the window is locked."""
        if not self.is_locked and self.timer.due():
            self.lock()
        return self.is_locked

    def lock(self) -> None:
        """Cover the window and ask for the password (window-modal, not blocking)."""
        if self.is_locked:
            return
        self.timer.locked = True
        # What is typed stays in its editor behind the curtain; its draft goes to disk now,
        # so even a window killed while locked loses nothing.
        keep_drafts(self.window)
        self.curtain = _Curtain(self.window)
        self.curtain.show()
        self.curtain.raise_()
        dialog = LoginDialog(
            self.ctx.library, parent=self.window, locked_user=self.ctx.actor.username
        )
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.signed_in.connect(self._on_dialog_signed_in)
        self.dialog = dialog
        dialog.open()
        self.locked.emit()

    def _on_dialog_signed_in(self, _actor: object) -> None:
        if self.curtain is not None:
            self.curtain.hide()
            self.curtain.deleteLater()
            self.curtain = None
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None
        self.timer.unlock()
        self.unlocked.emit()

    def stop(self) -> None:
        """Stop watching (before the window closes)."""
        self._check.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
