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


def test_every_window_the_application_opens_fits_the_screen(qtbot, demo_ctx, data_dir, qapp):
    """Each dialog class, Qt's own boxes and the main window, fitted in one place."""
    import os

    from dialog_walk import every_window, window_classes

    fitter = screens.install(qapp)
    try:
        ctx = demo_ctx("director")
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.show()
        openers = every_window(ctx, window, data_dir)
        missing = {name for name in window_classes() if name not in openers}
        assert not missing, f"add these to tests/ui/dialog_walk.py: {sorted(missing)}"
        area = _available()
        expected = os.environ.get("SCHOLAR_DESK_TEST_SCREEN")
        if expected:  # the run at a scale factor of 2 on a small screen, below
            assert f"{area.width()}x{area.height()}" == expected
        outside = {}
        for name, open_window in openers.items():
            shown = open_window()
            qtbot.addWidget(shown)
            shown.show()
            if not area.contains(shown.frameGeometry()):
                outside[name] = (shown.frameGeometry().getRect(), area.getRect())
            shown.close()
        assert outside == {}
    finally:
        qapp.removeEventFilter(fitter)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("pixels", "logical"), [((1600, 1000), "800x500"), ((1280, 720), "640x360")]
)
def test_every_window_fits_at_scale_factor_2_on_a_small_screen(tmp_path, pixels, logical):
    """The walk above in a fresh process at 200 %: 1600 x 1000 pixels is 800 x 500."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    config = tmp_path / "screen.json"
    width, height = pixels
    screen = {"name": "small", "x": 0, "y": 0, "width": width, "height": height}
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    env = dict(
        os.environ,
        QT_SCALE_FACTOR="2",
        QT_QPA_PLATFORM=f"offscreen:configfile={config}",
        SCHOLAR_DESK_TEST_SCREEN=logical,
    )
    test = Path(__file__).resolve()
    node = f"{test}::test_every_window_the_application_opens_fits_the_screen"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", node, "-q", "-p", "no:cacheprovider", "-x"],
        cwd=test.parents[2],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "1 passed" in done.stdout


def test_the_application_fits_every_window_it_shows(qapp, themed):
    from scholar_desk.ui import app

    app.configure_application(qapp)
    fitter = qapp.findChild(screens.ScreenFitter)
    try:
        assert fitter is not None
        area = _available()
        from PySide6.QtWidgets import QDialog

        dialog = QDialog()
        dialog.resize(area.width() * 2, area.height() + 300)
        dialog.show()
        assert area.contains(dialog.frameGeometry())
        dialog.resize(area.width() + 50, 100)  # a dialog that grows after it is shown
        assert dialog.width() <= area.width()
        dialog.close()
        dialog.deleteLater()
    finally:
        qapp.removeEventFilter(fitter)


def test_a_maximized_window_is_left_to_the_window_manager(qtbot, qapp):
    fitter = screens.install(qapp)
    try:
        widget = QWidget()
        qtbot.addWidget(widget)
        widget.showMaximized()
        qtbot.waitExposed(widget)
        # Fitting it would make it a normal window again (the offscreen platform does not
        # size maximized windows, so the state is what can be checked here).
        assert widget.isMaximized()
    finally:
        qapp.removeEventFilter(fitter)


def test_windows_shown_while_the_main_window_opens_are_fitted_once_it_has_painted(
    qapp, themed, qtbot
):
    from PySide6.QtWidgets import QDialog, QSpinBox, QVBoxLayout

    from scholar_desk.ui import app

    app.configure_application(qapp)
    resume = app._hold_application_filters(qapp)  # as run() does while the window opens
    fitter = qapp.findChild(screens.ScreenFitter)
    try:
        area = _available()
        dialog = QDialog()
        qtbot.addWidget(dialog)
        spin = QSpinBox(dialog)
        QVBoxLayout(dialog).addWidget(spin)
        dialog.resize(area.width() * 2, area.height() + 300)
        dialog.show()
        assert spin.lineEdit().textMargins().left() == 0
        resume()  # the window has painted
        assert area.contains(dialog.frameGeometry())
        assert spin.lineEdit().textMargins().left() == 4
        later = QDialog()
        qtbot.addWidget(later)
        later.resize(area.width() * 2, 100)
        later.show()
        assert later.width() <= area.width()
    finally:
        if fitter is not None:
            qapp.removeEventFilter(fitter)
