"""Someone saved the record first: show both versions and choose per field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from scholar_desk.core.errors import ConflictError
from scholar_desk.core.services.kinds import KINDS

MINE = "mine"
THEIRS = "theirs"


def _text(value: Any) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value) if str(value) != "" else "(empty)"


def _same(a: Any, b: Any) -> bool:
    return _text(a) == _text(b)


class ConflictDialog(QDialog):
    """A row per field you changed: your value, the saved value, and which to keep."""

    def __init__(self, conflict: ConflictError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflict = conflict
        self.setWindowTitle("Changed elsewhere")
        kind = KINDS.get(conflict.kind)
        labels = {f.name: f.label for f in kind.fields} if kind else {}
        self.fields = list(conflict.mine)
        intro = QLabel(
            f"This {conflict.kind} was saved in another window or by someone else after you "
            "opened it. For each field, choose which value to keep, then save again."
            if self.fields
            else f"This {conflict.kind} was changed elsewhere. Close this, reload it and "
            "make your change again.",
            self,
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(self.fields), 4, self)
        self.table.setHorizontalHeaderLabels(["Field", "Yours", "Saved elsewhere", "Keep"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.choices: dict[str, QComboBox] = {}
        for row, name in enumerate(self.fields):
            mine = conflict.mine.get(name)
            theirs = conflict.theirs.get(name)
            for col, text in enumerate((labels.get(name, name), _text(mine), _text(theirs))):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, col, item)
            combo = QComboBox(self.table)
            combo.addItem("Yours", MINE)
            combo.addItem("Saved elsewhere", THEIRS)
            if _same(mine, theirs):
                combo.setCurrentIndex(1)
                combo.setEnabled(False)
            self.table.setCellWidget(row, 3, combo)
            self.choices[name] = combo
        all_mine = QPushButton("Keep all &mine", self)
        all_theirs = QPushButton("Keep all &theirs", self)
        all_mine.clicked.connect(lambda: self.choose_all(MINE))
        all_theirs.clicked.connect(lambda: self.choose_all(THEIRS))
        quick = QHBoxLayout()
        quick.addWidget(all_mine)
        quick.addWidget(all_theirs)
        quick.addStretch()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addLayout(quick)
        layout.addWidget(buttons)
        self.resize(720, 120 + 36 * max(1, len(self.fields)))

    def choose(self, name: str, which: str) -> None:
        """Pick ``mine`` or ``theirs`` for one field."""
        combo = self.choices[name]
        combo.setCurrentIndex(combo.findData(which))

    def choose_all(self, which: str) -> None:
        """Pick the same side for every field that differs."""
        for name, combo in self.choices.items():
            if combo.isEnabled():
                self.choose(name, which)

    def chosen_values(self) -> dict[str, Any]:
        """The value to keep for each field, by name."""
        out: dict[str, Any] = {}
        for name, combo in self.choices.items():
            source: Mapping[str, Any] = (
                self.conflict.mine if combo.currentData() == MINE else self.conflict.theirs
            )
            out[name] = source.get(name)
        return out

    def changes_to_save(self) -> dict[str, Any]:
        """Only the fields where the kept value differs from what is stored now."""
        return {
            name: value
            for name, value in self.chosen_values().items()
            if not _same(value, self.conflict.theirs.get(name))
        }

    @classmethod
    def ask(cls, parent: QWidget | None, conflict: ConflictError) -> dict[str, Any] | None:
        """Show the conflict; return the value to keep per field, or ``None`` on Cancel.

        Save the result with ``expected_version=conflict.theirs_version``.
        """
        dialog = cls(conflict, parent)
        try:
            accepted = dialog.exec() == QDialog.DialogCode.Accepted  # callers' tests patch ask()
            return dialog.chosen_values() if accepted and dialog.fields else None
        finally:
            dialog.deleteLater()
