"""Asks for a database server's password when libpq found none (PGPASSWORD, ~/.pgpass)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


class ServerPasswordDialog(QDialog):
    """One password field for the server it names; the answer is kept in memory only."""

    def __init__(self, server: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Database server password")
        self.server = server
        intro = QLabel(
            f"The database server {server} needs a password. It is used for this session "
            "only and never saved (to avoid typing it, put it in ~/.pgpass)."
        )
        intro.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Server password")
        form = QFormLayout()
        form.addRow("&Password:", self.password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def answer(self) -> str | None:
        """The password typed, or ``None`` when the dialog was cancelled."""
        return self.password.text() if self.result() == QDialog.DialogCode.Accepted else None

    @classmethod
    def ask(cls, parent: QWidget | None, server: str) -> str | None:
        """The password for ``server``, or ``None`` when the person cancelled."""
        dialog = cls(server, parent)
        try:
            dialog.exec()  # a blocking convenience at start-up; callers' tests patch ask()
            return dialog.answer()
        finally:
            dialog.deleteLater()
