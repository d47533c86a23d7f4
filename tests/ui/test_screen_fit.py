"""The window and its dialogs never open larger than the screen they are on."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication, QUndoStack
from PySide6.QtWidgets import QWidget

from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui import screens
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.dialogs.record_editor import RecordEditor
from scholar_desk.ui.main_window import MainWindow
from scholar_desk.ui.workers import make_pool


@pytest.fixture
def app_ctx(qtbot, library):
    pool = make_pool()
    ctx = AppContext(library, SINGLE_USER, pool, QUndoStack(), DataEvents())
    yield ctx
    assert pool.waitForDone(5000)


def _available():
    return QGuiApplication.primaryScreen().availableGeometry()


def test_the_main_window_opens_within_the_available_screen(qtbot, app_ctx):
    area = _available()
    # The preferred first size is larger than this screen (as 1240 x 780 is at a scale
    # factor of 2 on a 1600 x 1000 monitor), so the window must shrink to fit.
    assert (area.width(), area.height()) < (1240, 780)
    window = MainWindow(app_ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.width() <= area.width()
    assert window.height() <= area.height()
    assert window.minimumWidth() <= area.width()
    assert area.contains(window.geometry().topLeft())


def test_fit_to_screen_shrinks_and_moves_a_saved_oversized_window(qtbot):
    area = _available()
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.setMinimumSize(area.width() + 100, 200)
    widget.move(area.right() - 50, area.top())
    screens.fit_to_screen(widget, QSize(area.width() * 2, area.height() * 2))
    assert widget.width() <= area.width()
    assert widget.height() <= area.height()
    assert widget.x() + widget.width() <= area.right() + 1


def test_the_record_editor_fits_the_screen(qtbot, app_ctx):
    editor = RecordEditor(app_ctx, "conference")
    qtbot.addWidget(editor)
    area = _available()
    assert editor.height() <= area.height()
    assert editor.width() <= area.width()


@pytest.fixture
def themed(qapp):
    """The application's own style sheet (its padding is what squeezed the calendar)."""
    from scholar_desk.ui.theme import apply_theme

    style, palette, sheet = qapp.style().name(), qapp.palette(), qapp.styleSheet()
    apply_theme("light")
    yield
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    qapp.setStyle(style)


def test_the_deadline_calendar_shows_its_last_week_whole(qtbot, app_ctx, themed):
    from PySide6.QtWidgets import QTableView

    window = MainWindow(app_ctx)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("deadlines")
    qtbot.waitExposed(window)
    view = page.calendar.findChild(QTableView)
    last = view.model().rowCount() - 1
    assert last == 6  # the day names and six weeks
    assert view.rowViewportPosition(last) + view.rowHeight(last) <= view.viewport().height()
