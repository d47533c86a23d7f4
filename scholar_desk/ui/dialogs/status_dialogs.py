"""Small dialogs of the submission workflow: change status, resubmit elsewhere."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from scholar_desk.core.errors import ScholarDeskError, ValidationError
from scholar_desk.core.services.submissions import REVISION_STATUSES
from scholar_desk.ui.unsaved import settle
from scholar_desk.ui.widgets.status_chip import StatusChip


@dataclass(frozen=True)
class StatusChange:
    """What the user chose in `ChangeStatusDialog`.

    Attributes:
        status: The new status.
        on: When it happened.
        note: A note for the history.
        revision_due_on: For a revision decision, when the revision is due.
        applied: Whether the dialog made the move already (through its parent's
            `MovesStatus.try_status_change`), so the caller only shows the result.
    """

    status: str
    on: dt.date
    note: str = ""
    revision_due_on: dt.date | None = None
    applied: bool = False


@runtime_checkable
class MovesStatus(Protocol):
    """A parent that makes the move while the dialog is open, so a refusal keeps it open."""

    def try_status_change(self, change: StatusChange) -> ScholarDeskError | None: ...


FIELD_LABELS = {
    "status": "Move to",
    "on": "On",
    "revision_due_on": "Revision due",
    "note": "Note",
}
"""The dialog's label of each value the workflow may refuse."""


def to_qdate(day: dt.date) -> QDate:
    """A Python date as a QDate."""
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> dt.date:
    """A QDate as a Python date."""
    return dt.date(day.year(), day.month(), day.day())


def date_edit(
    parent: QWidget, value: dt.date, earliest: dt.date | None, latest: dt.date | None
) -> QDateEdit:
    """A calendar-popup date field limited to ``earliest``..``latest``."""
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    if earliest is not None:
        edit.setMinimumDate(to_qdate(earliest))
    if latest is not None:
        edit.setMaximumDate(to_qdate(latest))
    edit.setDate(to_qdate(value))
    return edit


class ChangeStatusDialog(QDialog):
    """Offers only the moves the workflow allows, with the date they happened."""

    def __init__(
        self,
        parent: QWidget | None,
        current: str,
        allowed: Sequence[str],
        earliest: dt.date | None,
        today: dt.date,
    ) -> None:
        super().__init__(parent)
        self.applied = False
        self.setWindowTitle("Change status")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(14)
        heading = QLabel("Change the submission's status", self)
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)

        form = QFormLayout()
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(10)
        now = QHBoxLayout()
        now.addWidget(StatusChip(current, self))
        now.addStretch(1)
        form.addRow("Now", now)
        self.status_combo = QComboBox(self)
        self.status_combo.addItems(list(allowed))
        form.addRow("Move to", self.status_combo)
        self.date_edit = date_edit(self, today, earliest, today)
        form.addRow("On", self.date_edit)
        self.due_check = QCheckBox("Revision due", self)
        self.due_edit = date_edit(
            self, today + dt.timedelta(days=30), today - dt.timedelta(3650), None
        )
        due_row = QHBoxLayout()
        due_row.addWidget(self.due_check)
        due_row.addWidget(self.due_edit, 1)
        self.due_edit.setAccessibleName("Revision due date")
        self.due_label = QLabel("Due", self)
        form.addRow(self.due_label, due_row)
        self.note_edit = QLineEdit(self)
        self.note_edit.setPlaceholderText("Optional, e.g. decision letter from Dr. Smith")
        form.addRow("Note", self.note_edit)
        self.form = form
        self.field_widgets: dict[str, QWidget] = {
            "status": self.status_combo,
            "on": self.date_edit,
            "revision_due_on": self.due_edit,
            "note": self.note_edit,
        }
        self.error_labels: dict[str, QLabel] = {}
        for name, widget in self.field_widgets.items():
            label = QLabel(self)
            label.setObjectName("fieldError")
            label.setWordWrap(True)
            label.hide()
            self.error_labels[name] = label
            row = form.getWidgetPosition(widget)[0]
            if row < 0:  # the due date sits in a row of its own layout
                row = form.getLayoutPosition(due_row)[0]
            form.insertRow(row + 1, "", label)
        self.general_error = QLabel(self)
        self.general_error.setObjectName("fieldError")
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        self._error_values: dict[str, object] = {}
        hint = QLabel(
            "Only the moves allowed from this status are listed. "
            "The date cannot be in the future or before the previous step.",
            self,
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Change status")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(bool(allowed))
        layout.addWidget(buttons)
        self.status_combo.currentTextChanged.connect(self._on_status_combo_current_text_changed)
        self.due_check.toggled.connect(self.due_edit.setEnabled)
        self.due_edit.setEnabled(False)
        self._on_status_combo_current_text_changed(self.status_combo.currentText())
        self._initial = self.change()
        self.status_combo.currentTextChanged.connect(self._on_value_changed)
        self.date_edit.dateChanged.connect(self._on_value_changed)
        self.due_edit.dateChanged.connect(self._on_value_changed)
        self.due_check.toggled.connect(self._on_value_changed)
        self.note_edit.textChanged.connect(self._on_value_changed)

    # Errors beside their field ---------------------------------------------------------

    def _value_of(self, name: str) -> object:
        return getattr(self.change(), name)

    def show_error(self, exc: ScholarDeskError) -> None:
        """Show why the move was refused beside the field it is about (with its label)."""
        self.clear_errors()
        fields = dict(exc.fields) if isinstance(exc, ValidationError) else {}
        general = []
        for name, message in fields.items():
            label = self.error_labels.get(name)
            if label is None:
                general.append(message)
                continue
            label.setText(f"{FIELD_LABELS[name]}: {message}")
            label.show()
            self._error_values[name] = self._value_of(name)
            self.field_widgets[name].setFocus()
        if not fields:
            general.append(exc.user_message)
        if general:
            self.general_error.setText("\n".join(general))
            self.general_error.show()
            self._error_values["*"] = self.change()

    def clear_errors(self) -> None:
        """Hide every message."""
        for label in self.error_labels.values():
            label.hide()
            label.clear()
        self.general_error.hide()
        self._error_values.clear()

    def error_text(self, name: str) -> str:
        """The message beside a field ('' when none); ``*`` for the general one."""
        label = self.general_error if name == "*" else self.error_labels[name]
        return label.text() if not label.isHidden() else ""

    def _on_value_changed(self, *_: object) -> None:
        # A message goes as soon as the value it was about is changed.
        for name in list(self._error_values):
            now = self.change() if name == "*" else self._value_of(name)
            if now != self._error_values[name]:
                del self._error_values[name]
                label = self.general_error if name == "*" else self.error_labels[name]
                label.hide()

    # Unsaved edits (see ui/unsaved.py) --------------------------------------------------

    def has_unsaved_edits(self) -> bool:
        """Whether anything was chosen or typed."""
        return self.result() != QDialog.DialogCode.Accepted and self.change() != self._initial

    def unsaved_what(self) -> str:
        """How the question about unsaved edits names the move."""
        return "the status change"

    def save(self) -> bool:
        """Try the move; whether it was made."""
        self.accept()
        return self.result() == QDialog.DialogCode.Accepted

    def discard_edits(self) -> None:
        """Close without moving."""
        super().reject()

    @override
    def accept(self) -> None:
        parent = self.parentWidget()
        if isinstance(parent, MovesStatus):
            refused = parent.try_status_change(self.change())
            if refused is not None:
                self.show_error(refused)  # the dialog stays open with what was typed
                return
            self.applied = True
        super().accept()

    @override
    def reject(self) -> None:
        if self.has_unsaved_edits() and not settle(self, [self]):
            return
        super().reject()

    def _on_status_combo_current_text_changed(self, status: str) -> None:
        revision = status in REVISION_STATUSES
        for widget in (self.due_check, self.due_edit, self.due_label):
            widget.setVisible(revision)

    def change(self) -> StatusChange:
        """The values chosen."""
        status = self.status_combo.currentText()
        due = None
        if status in REVISION_STATUSES and self.due_check.isChecked():
            due = from_qdate(self.due_edit.date())
        return StatusChange(status, from_qdate(self.date_edit.date()), self.note_edit.text(), due)

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        current: str,
        allowed: Sequence[str],
        earliest: dt.date | None,
        today: dt.date,
    ) -> StatusChange | None:
        """Ask for the new status and its date; ``None`` when cancelled."""
        dialog = cls(parent, current, allowed, earliest, today)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted  # tests monkeypatch ask()
        result = dialog.change() if accepted else None
        if result is not None and dialog.applied:
            result = replace(result, applied=True)
        dialog.deleteLater()
        return result


class ResubmitDialog(QDialog):
    """Choose the next journal for a rejected or withdrawn manuscript."""

    def __init__(
        self,
        parent: QWidget | None,
        journals: Sequence[tuple[int, str]],
        previous_journal: str,
        earliest: dt.date | None,
        today: dt.date,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Resubmit elsewhere")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(14)
        heading = QLabel("Send the manuscript to another journal", self)
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        intro = QLabel(
            f"The new submission follows the one at {previous_journal}, "
            "so the manuscript's path across journals stays in one chain.",
            self,
        )
        intro.setObjectName("hint")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(10)
        self.journal_combo = QComboBox(self)
        for journal_id, name in journals:
            self.journal_combo.addItem(name, journal_id)
        form.addRow("Journal", self.journal_combo)
        self.date_edit = date_edit(self, today, earliest, today)
        form.addRow("Submitted on", self.date_edit)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Resubmit")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(journals))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def choice(self) -> tuple[int, dt.date]:
        """``(journal_id, submitted_on)``."""
        return int(self.journal_combo.currentData()), from_qdate(self.date_edit.date())

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        journals: Sequence[tuple[int, str]],
        previous_journal: str,
        earliest: dt.date | None,
        today: dt.date,
    ) -> tuple[int, dt.date] | None:
        """Ask for the journal and date; ``None`` when cancelled."""
        dialog = cls(parent, journals, previous_journal, earliest, today)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted  # tests monkeypatch ask()
        result = dialog.choice() if accepted else None
        dialog.deleteLater()
        return result
