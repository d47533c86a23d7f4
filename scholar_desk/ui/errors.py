"""The one place an exception becomes a dialog."""

from __future__ import annotations

import logging
import traceback

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from scholar_desk.core.errors import ScholarDeskError

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    """Show a non-blocking message box for ``exc`` and return it (tests read its text)."""
    box = QMessageBox(parent)
    box.setWindowTitle("Scholar Desk")
    if isinstance(exc, ScholarDeskError):
        box.setIcon(QMessageBox.Icon.Warning)
        box.setText(exc.user_message)
        if exc.detail:
            box.setDetailedText(exc.detail)
    else:
        log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
        box.setIcon(QMessageBox.Icon.Critical)
        box.setText("Sorry, something went wrong. Your saved work is safe.")
        details = "".join(traceback.format_exception(exc))
        box.setDetailedText(details)
        copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
        copy.clicked.disconnect()
        copy.clicked.connect(lambda: QApplication.clipboard().setText(details))
    box.addButton(QMessageBox.StandardButton.Ok)
    box.open()
    return box
