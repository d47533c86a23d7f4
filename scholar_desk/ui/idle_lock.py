"""Lock the window after idle minutes and ask the password again.

The lock is a curtain over the window plus a window-modal password dialog: nothing
is closed or rebuilt. When editors hold unsaved edits, the lock first asks Save /
Discard / Cancel like quitting does, naming only the editors (never what they hold, as
the question is on screen for anyone passing by). Cancel postpones the lock. When
nobody answers within `ANSWER_MS`, the edits go to their drafts on disk, the editors
go back to what is stored, and the window locks; after the password each editor offers
its draft back.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QVBoxLayout, QWidget
from typing_extensions import override

from scholar_desk.core import clock
from scholar_desk.core.services import accounts
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.dialogs.login_dialog import LoginDialog
from scholar_desk.ui.unsaved import (
    DraftKeeper,
    dirty_editors,
    editor_name,
    keep_drafts,
    write_draft,
)

ANSWER_MS = 60_000
"""How long the question before the lock waits for an answer."""

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
        answer_ms: int = ANSWER_MS,
    ) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        self.question: QMessageBox | None = None
        self.answer_timer = QTimer(self)
        self.answer_timer.setSingleShot(True)
        self.answer_timer.setInterval(answer_ms)
        self.answer_timer.timeout.connect(self._on_answer_timer_timeout)
        self._questioned: list[Any] = []
        self._kept: list[weakref.ref[Any]] = []  # editors whose edits went to drafts
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
        if not self.is_locked and self.question is None and self.timer.due():
            self.lock()
        return self.is_locked

    def lock(self) -> None:
        """Lock now, or first ask about unsaved edits (then the answer decides)."""
        if self.is_locked or self.question is not None:
            return
        editors = dirty_editors(self.window)
        if editors:
            self._ask(editors)
            return
        self._lock_now()

    # The question before the lock -------------------------------------------------------

    def _ask(self, editors: list[Any]) -> None:
        names = list(dict.fromkeys(editor_name(e) for e in editors))
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Scholar Desk is about to lock")
        box.setText(
            f"The window locks after {self.timer.minutes} minutes without use. Save the changes to {listed}?"
        )
        seconds = self.answer_timer.interval() // 1000
        box.setInformativeText(
            f"Without an answer within {seconds} seconds, the changes are kept as drafts "
            "and offered back after you sign in again. Cancel keeps working unlocked."
        )
        box.setStandardButtons(
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.finished.connect(self._on_question_finished)
        self.question = box
        self._questioned = editors
        keep_drafts(self.window)  # a kill while asking loses nothing either
        self._cover()  # the question names the editors; what they hold stays hidden
        self.answer_timer.start()
        box.open()

    def answer(self, button: QMessageBox.StandardButton) -> None:
        """Answer the question as if that button was clicked (the keyboard, tests)."""
        if self.question is not None:
            self.question.done(int(button))

    def _on_question_finished(self, result: int) -> None:
        self.answer_timer.stop()
        box, self.question = self.question, None
        editors, self._questioned = self._questioned, []
        if box is not None:
            box.deleteLater()
        if result == int(QMessageBox.StandardButton.Save):
            self._uncover()  # a refused save shows its message in the editor
            for editor in editors:
                if editor.has_unsaved_edits() and (
                    not editor.save() or editor.has_unsaved_edits()
                ):
                    self.timer.unlock()  # no lock now: the user is here to fix it
                    return
        elif result == int(QMessageBox.StandardButton.Discard):
            for editor in editors:
                editor.discard_edits()
        else:
            self._uncover()
            self.timer.unlock()  # Cancel: the idle count starts again
            return
        self._lock_now()

    def _on_answer_timer_timeout(self) -> None:
        """Nobody answered: the edits go to their drafts, the editors back to stored values."""
        box, self.question = self.question, None
        editors, self._questioned = self._questioned, []
        if box is not None:
            box.finished.disconnect(self._on_question_finished)
            box.done(int(QMessageBox.StandardButton.Cancel))
            box.deleteLater()
        self._kept = []
        for editor in editors:
            keeper = getattr(editor, "drafts", None)
            if not isinstance(keeper, DraftKeeper) or not editor.has_unsaved_edits():
                continue  # no draft to keep it in: the text stays, behind the curtain
            values = editor.draft_values()
            editor.discard_edits()  # forgets the draft: write it again just below
            write_draft(self.ctx, keeper.key, values)
            self._kept.append(weakref.ref(editor))
        self._lock_now()

    def _offer_kept_drafts(self) -> None:
        kept, self._kept = self._kept, []
        for ref in kept:
            editor = ref()
            offer = getattr(editor, "_offer_draft", None)
            if editor is not None and offer is not None and editor.isVisible():
                offer()

    # The lock itself ----------------------------------------------------------------------

    def _cover(self) -> None:
        if self.curtain is None:
            self.curtain = _Curtain(self.window)
        self.curtain.show()
        self.curtain.raise_()

    def _uncover(self) -> None:
        if self.curtain is not None:
            self.curtain.hide()
            self.curtain.deleteLater()
            self.curtain = None

    def _lock_now(self) -> None:
        """Cover the window and ask for the password (window-modal, not blocking)."""
        if self.is_locked:
            return
        self.timer.locked = True
        # What is typed stays in its editor behind the curtain; its draft goes to disk now,
        # so even a window killed while locked loses nothing.
        keep_drafts(self.window)
        self._cover()
        dialog = LoginDialog(
            self.ctx.library, parent=self.window, locked_user=self.ctx.actor.username
        )
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.signed_in.connect(self._on_dialog_signed_in)
        self.dialog = dialog
        dialog.open()
        self.locked.emit()

    def _on_dialog_signed_in(self, _actor: object) -> None:
        self._uncover()
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None
        self.timer.unlock()
        self.unlocked.emit()
        self._offer_kept_drafts()

    def stop(self) -> None:
        """Stop watching (before the window closes)."""
        self._check.stop()
        self.answer_timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
