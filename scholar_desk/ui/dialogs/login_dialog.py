"""Sign in to a shared database (and unlock a locked window) with a password."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import ScholarDeskError
from scholar_desk.core.services import accounts
from scholar_desk.core.services.session import Actor


class LoginDialog(QDialog):
    """Asks for a user name and password; OK checks them and stays open on failure.

    With ``locked_user`` the name is fixed (unlocking after idle time) and the dialog
    cannot be cancelled.
    """

    signed_in = Signal(object)  # the Actor

    def __init__(
        self,
        library: Library,
        username: str | None = None,
        parent: QWidget | None = None,
        *,
        locked_user: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.actor: Actor | None = None
        self.locked_user = locked_user
        self.setWindowTitle("Unlock Scholar Desk" if locked_user else "Sign in to Scholar Desk")
        self.user_edit = QLineEdit(locked_user or username or "", self)
        self.user_edit.setReadOnly(locked_user is not None)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: palette(highlight);")
        intro = QLabel(
            f"The window was locked after a while without use. Enter the password of "
            f"{locked_user} to go on; nothing you were editing was lost."
            if locked_user
            else "This database is shared. Sign in with your account.",
            self,
        )
        intro.setWordWrap(True)
        heading = QLabel("Scholar Desk", self)
        heading.setObjectName("loginHeading")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        heading.setFont(font)
        where = QLabel(_database_name(library), self)
        where.setObjectName("loginDatabase")
        where.setStyleSheet("color: palette(placeholder-text);")
        form = QFormLayout()
        form.addRow("&User name", self.user_edit)
        form.addRow("&Password", self.password_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        if locked_user is None:
            buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Unlock" if locked_user else "Sign in")
        buttons.accepted.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(where)
        layout.addSpacing(4)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._retry_timer = QTimer(self)
        self._retry_timer.setSingleShot(True)
        self._retry_timer.timeout.connect(self._on_retry_timer_timeout)
        self.setMinimumWidth(380)
        (self.password_edit if self.user_edit.text() else self.user_edit).setFocus()

    def try_sign_in(self) -> bool:
        """Check the password; accept on success, else say why and stay open."""
        username = self.user_edit.text().strip()
        password = self.password_edit.text()
        self.password_edit.clear()
        # Signing in runs before any window and its context exist (at start, and for the
        # idle lock, where the password is asked again as at start), so there is no
        # operation object to go through: the dialog words the failure itself.
        try:
            result = accounts.sign_in(self.library, username, password)
        except ScholarDeskError as exc:
            self.message.setText(exc.user_message)
            return False
        if result.actor is None or (
            self.locked_user is not None and result.actor.username != self.locked_user
        ):
            self.message.setText(result.message or "Wrong user name or password.")
            if result.retry_after > 0:
                self.ok_button.setEnabled(False)
                self._retry_timer.start(int(result.retry_after * 1000))
            self.password_edit.setFocus()
            return False
        self.actor = result.actor
        self.message.clear()
        self.signed_in.emit(result.actor)
        self.accept()
        return True

    def _on_retry_timer_timeout(self) -> None:
        self.ok_button.setEnabled(True)
        self.message.setText("You can try again now.")

    @override
    def reject(self) -> None:
        if self.locked_user is None:
            super().reject()

    @override
    def keyPressEvent(self, event: object) -> None:
        from PySide6.QtGui import QKeyEvent

        if (
            isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and self.locked_user is not None
        ):
            return
        super().keyPressEvent(event)  # type: ignore[arg-type]

    @classmethod
    def ask(
        cls, parent: QWidget | None, library: Library, username: str | None = None
    ) -> Actor | None:
        """Sign in and return the actor, or ``None`` when the user cancelled."""
        dialog = cls(library, username, parent)
        try:
            dialog.exec()  # a blocking convenience at start-up; callers' tests patch ask()
            return dialog.actor
        finally:
            dialog.deleteLater()


def _database_name(library: Library) -> str:
    """The database file's name (or the server URL) the sign-in is for."""
    if library.path is not None:
        return f"Database: {library.path.name}"
    return f"Database: {library.url.render_as_string(hide_password=True)}"
