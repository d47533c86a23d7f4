"""The one place an exception becomes a dialog."""

from __future__ import annotations

import logging
import traceback

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from scholar_desk.core.errors import ScholarDeskError
from scholar_desk.core.logs import log_folder, log_unexpected

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
        log.error("unexpected error: %s", exc)
        log_file = log_unexpected(exc, "unexpected error in the window")
        box.setIcon(QMessageBox.Icon.Critical)
        box.setText("Sorry, something went wrong. Your saved work is safe.")
        if log_file is not None:
            box.setInformativeText(f"The details are in the log file {log_file}.")
        details = "".join(traceback.format_exception(exc))
        box.setDetailedText(details)
        copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
        copy.clicked.disconnect()  # keep the box open after copying
        copy.clicked.connect(lambda: QApplication.clipboard().setText(details))
        folder = box.addButton("Open log folder", QMessageBox.ButtonRole.ActionRole)
        folder.clicked.disconnect()
        folder.clicked.connect(open_log_folder)
    box.addButton(QMessageBox.StandardButton.Ok)
    box.open()
    return box


def open_log_folder() -> bool:
    """Show the log folder in the system's file manager; ``False`` when none could open it."""
    folder = log_folder()
    folder.mkdir(parents=True, exist_ok=True)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
