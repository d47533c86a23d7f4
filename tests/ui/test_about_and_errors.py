"""The About box, the application icon and the error dialog's way to the log."""

from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from scholar_desk import __version__
from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import ScholarDeskError
from scholar_desk.ui import errors
from scholar_desk.ui.app import set_identity
from scholar_desk.ui.dialogs.about_dialog import AboutDialog


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SCHOLAR_DESK_HOME", str(tmp_path))
    return tmp_path


def test_about_names_version_database_and_copies_support_facts(qtbot, home: Path) -> None:
    db = home / "fellowship.sqlite3"
    with Library.open(db) as library:
        dialog = AboutDialog(library)
        qtbot.addWidget(dialog)
        texts = {label.objectName(): label.text() for label in dialog.findChildren(QLabel)}
        assert texts["about_version"] == __version__
        assert texts["about_database"] == str(db)
        assert texts["about_licence"] == "MIT License"
        assert texts["about_data_folder"] == str(home / "data")
        assert "PySide6" in texts["about_qt"]
        dialog.copy_button.click()
        copied = QGuiApplication.clipboard().text()
        assert f"Version: {__version__}" in copied
        assert f"Database: {db}" in copied
        assert "Python: " in copied


def test_every_window_gets_the_application_icon(qtbot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    set_identity(app)  # what configure_application does first, without changing the theme
    icon = app.windowIcon()
    assert not icon.isNull()
    assert icon.pixmap(48, 48).width() == 48


def test_unexpected_error_dialog_points_to_the_log(qtbot, home: Path, monkeypatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(
        errors.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True
    )
    try:
        {}["the broken thing"]
    except KeyError as exc:
        box = errors.show_error(None, exc)
    qtbot.addWidget(box)
    log_file = home / "data" / "logs" / "scholar-desk.log"
    assert str(log_file) in box.informativeText()
    assert "the broken thing" in log_file.read_text(encoding="utf-8")
    buttons = {b.text(): b for b in box.buttons()}
    buttons["Open log folder"].click()
    assert opened == [str(log_file.parent)]
    buttons["Copy details"].click()
    assert "KeyError" in QGuiApplication.clipboard().text()
    assert box.isVisible()  # neither button closes the box
    box.close()


def test_user_errors_offer_no_log(qtbot, home: Path) -> None:
    box = errors.show_error(None, ScholarDeskError("The file is not a BibTeX file."))
    qtbot.addWidget(box)
    assert box.icon() == QMessageBox.Icon.Warning
    assert "Open log folder" not in {b.text() for b in box.buttons()}
    assert not (home / "data" / "logs" / "scholar-desk.log").exists()
    box.close()
