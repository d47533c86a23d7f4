"""Asks before an export replaces a file that already exists."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget


class ReplaceDialog:
    """The window's counterpart of the command line's ``--force``."""

    @classmethod
    def ask(cls, parent: QWidget | None, path: str | Path) -> bool:
        """Whether ``path`` may be written: it does not exist, or the user agreed to replace it."""
        target = Path(path)
        if not target.exists():
            return True
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Replace file?",
            f"{target.name} already exists in {target.parent}. Replace it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            parent,
        )
        box.setDefaultButton(QMessageBox.StandardButton.No)
        # A modal question in the middle of the user's own save action; tests patch ask().
        return box.exec() == QMessageBox.StandardButton.Yes
