"""Help ▸ About: version, licence, where the data is, and what it runs on, to copy for support."""

from __future__ import annotations

import platform
import sys

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scholar_desk import __version__
from scholar_desk.core.db.library import Library
from scholar_desk.core.settings import data_dir
from scholar_desk.ui.app_icon import app_icon

LICENCE = "MIT License"


def database_location(library: Library) -> str:
    """The open database as a person would name it: a file path, or the server URL."""
    if library.path is not None:
        return str(library.path)
    return library.url.render_as_string(hide_password=True)


def support_facts(library: Library) -> list[tuple[str, str]]:
    """The facts a support request needs, in the order the dialog shows them."""
    log_folder = data_dir() / "logs"
    return [
        ("Version", __version__),
        ("Licence", LICENCE),
        ("Database", database_location(library)),
        ("Data folder", str(data_dir())),
        ("Log folder", str(log_folder)),
        ("Qt", f"{qVersion()} (PySide6 {pyside_version})"),
        ("Python", f"{platform.python_version()} ({sys.executable})"),
        ("System", f"{platform.system()} {platform.release()} {platform.machine()}"),
    ]


def support_text(library: Library) -> str:
    """The facts as plain text, one per line, for the clipboard."""
    return "\n".join(f"{name}: {value}" for name, value in support_facts(library))


class AboutDialog(QDialog):
    """The About box; "Copy" puts the support facts on the clipboard."""

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Scholar Desk")
        self.library = library
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(72, 72))
        icon.setAccessibleName("Scholar Desk icon")
        title = QLabel(f"<h2>Scholar Desk {__version__}</h2>")
        blurb = QLabel(
            "Research projects, manuscripts, submissions, abstracts and references for "
            "fellows and their mentors, kept on this computer or your department's server."
        )
        blurb.setWordWrap(True)
        head = QHBoxLayout()
        head.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.addWidget(title)
        text.addWidget(blurb)
        head.addLayout(text, 1)

        form = QFormLayout()
        for name, value in support_facts(library):
            label = QLabel(value)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            label.setObjectName(f"about_{name.lower().replace(' ', '_')}")
            form.addRow(f"{name}:", label)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy these details for a support request")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self._on_copy_clicked)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def _on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(support_text(self.library))
        self.copy_button.setText("Copied")

    @classmethod
    def show_for(cls, library: Library, parent: QWidget | None) -> AboutDialog:
        """Open the About box (non-blocking) and return it."""
        dialog = cls(library, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog
