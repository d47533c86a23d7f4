"""Record a mentor meeting: when, who, what was discussed and the actions agreed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class MeetingInput:
    """What the dialog collected."""

    held_on: dt.date
    attendees: str
    notes: str
    actions: tuple[tuple[str, dt.date], ...]


def parse_actions(text: str) -> tuple[list[tuple[str, dt.date]], str]:
    """Lines of ``YYYY-MM-DD: what`` -> actions, and the first line at fault (or ``""``)."""
    actions = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        day, sep, what = line.partition(":")
        try:
            due = dt.date.fromisoformat(day.strip())
        except ValueError:
            due = None
        if not sep or due is None or not what.strip():
            return [], f"Action line {n}: write it as 2026-12-15: Send the draft."
        actions.append((what.strip(), due))
    return actions, ""


class MeetingDialog(QDialog):
    """A form for one meeting; actions one per line, each with its due date."""

    def __init__(self, fellow: str, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Mentor meeting: {fellow}")
        self.resize(560, 460)
        self.held_on = QDateEdit(self)
        self.held_on.setAccessibleName("Date held")
        self.held_on.setCalendarPopup(True)
        self.held_on.setDisplayFormat("yyyy-MM-dd")
        self.held_on.setDate(QDate(today.year, today.month, today.day))
        self.attendees = QLineEdit(self)
        self.attendees.setAccessibleName("Attendees")
        self.notes = QPlainTextEdit(self)
        self.notes.setAccessibleName("Notes")
        self.actions = QPlainTextEdit(self)
        self.actions.setAccessibleName("Agreed actions")
        self.actions.setPlaceholderText("2026-12-15: Send the protocol draft")
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #d32f2f;")
        hint = QLabel("One action per line, its due date first; each becomes a task.", self)
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Date:", self.held_on)
        form.addRow("Attendees:", self.attendees)
        form.addRow("Notes:", self.notes)
        form.addRow("Actions:", self.actions)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def value(self) -> MeetingInput:
        """The meeting as entered (actions already checked by `accept`)."""
        actions, _ = parse_actions(self.actions.toPlainText())
        return MeetingInput(
            self.held_on.date().toPython(),  # type: ignore[arg-type]
            self.attendees.text().strip(),
            self.notes.toPlainText().strip(),
            tuple(actions),
        )

    def accept(self) -> None:
        _, problem = parse_actions(self.actions.toPlainText())
        if problem:
            self.error.setText(problem)
            return
        super().accept()

    @classmethod
    def ask(cls, parent: QWidget | None, fellow: str, today: dt.date) -> MeetingInput | None:
        """The meeting entered, or ``None`` when cancelled (tests monkeypatch this)."""
        dialog = cls(fellow, today, parent)
        # A modal form opened by the user's own action; tests patch ask().
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None
