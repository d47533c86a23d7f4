"""Edit the program's requirements (program.toml): checked before it is kept."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scholar_desk.core.errors import ImportFileError
from scholar_desk.core.formats.program import parse_program


class ProgramDialog(QDialog):
    """A text editor for program.toml; OK only once every requirement reads."""

    def __init__(self, text: str, example: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Program requirements")
        self.resize(720, 560)
        self._example = example
        hint = QLabel(
            "Each [[requirement]] names what it asks (title), what counts (kind, filters) "
            "and the stage that meets it (met_when). The comments at the top of the "
            "example list the choices.",
            self,
        )
        hint.setWordWrap(True)
        hint.setObjectName("hint")
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("programText")
        self.editor.setAccessibleName("program.toml")
        font: QFont = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.editor.setFont(font)
        self.editor.setPlainText(text)
        self.error = QLabel(self)
        self.error.setObjectName("programError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #d32f2f;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        restore = QPushButton("Start from the example", self)
        self.buttons.addButton(restore, QDialogButtonBox.ButtonRole.ResetRole)
        restore.clicked.connect(lambda: self.editor.setPlainText(self._example))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def text(self) -> str:
        """The text as edited."""
        return self.editor.toPlainText()

    def accept(self) -> None:
        try:
            parse_program(self.text())
        except ImportFileError as exc:
            self.error.setText(exc.user_message)
            self._go_to_line(exc.user_message)
            return
        self.error.clear()
        super().accept()

    def _go_to_line(self, message: str) -> None:
        import re

        found = re.search(r"line (\d+)", message)
        if not found:
            return
        block = self.editor.document().findBlockByLineNumber(int(found.group(1)) - 1)
        cursor = QTextCursor(block)
        self.editor.setTextCursor(cursor)
        self.editor.setFocus()

    @classmethod
    def ask(cls, parent: QWidget | None, text: str, example: str) -> str | None:
        """The new program.toml, or ``None`` when cancelled (tests monkeypatch this)."""
        dialog = cls(text, example, parent)
        # A modal editor opened by the user's own action; tests patch ask().
        return dialog.text() if dialog.exec() == QDialog.DialogCode.Accepted else None
