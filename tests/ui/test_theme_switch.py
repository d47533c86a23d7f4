"""Switching between light and dark while the window is open keeps every icon visible."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction, QGuiApplication, QIcon, QUndoStack

from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.main_window import MainWindow
from scholar_desk.ui.theme import apply_theme, is_dark
from scholar_desk.ui.workers import make_pool


@pytest.fixture
def themed(qapp):
    style, palette, sheet = qapp.style().name(), qapp.palette(), qapp.styleSheet()
    apply_theme("light")
    yield
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    qapp.setStyle(style)


@pytest.fixture
def window(qtbot, library, themed):
    pool = make_pool()
    ctx = AppContext(library, SINGLE_USER, pool, QUndoStack(), DataEvents())
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    assert pool.waitForDone(5000)


def _ink(icon: QIcon) -> tuple[int, int]:
    """(dark pixels, light pixels) drawn by a 24 px icon."""
    image = icon.pixmap(24, 24).toImage()
    dark = light = 0
    for x in range(image.width()):
        for y in range(image.height()):
            color = image.pixelColor(x, y)
            if color.alpha() > 128:
                dark += color.lightness() < 100
                light += color.lightness() > 150
    return dark, light


def _theme_action(window, value) -> QAction:
    (action,) = [a for a in window.theme_group.actions() if a.data() == value]
    return action


def test_icons_follow_the_theme_while_the_window_is_open(qtbot, window):
    nav_icon = window.nav.item(1).icon()
    toolbar_icons = [a.icon() for a in window.toolbar.actions() if not a.isSeparator()]
    dark_ink, light_ink = _ink(nav_icon)
    assert dark_ink > 20
    assert light_ink == 0

    _theme_action(window, "dark").trigger()
    # The same icons, without being set again, are now drawn light on the dark window.
    dark_ink, light_ink = _ink(window.nav.item(1).icon())
    assert light_ink > 20
    assert dark_ink == 0
    for icon in toolbar_icons:
        assert _ink(icon)[1] > 0
    assert window.palette().window().color().lightness() < 80

    _theme_action(window, "light").trigger()
    assert _ink(window.nav.item(1).icon())[0] > 20


def test_follow_the_system_reads_the_color_scheme(qtbot, window):
    scheme = QGuiApplication.styleHints().colorScheme()
    _theme_action(window, "system").trigger()
    assert is_dark("system") == (scheme.name == "Dark")
    assert (window.palette().window().color().lightness() < 80) == is_dark("system")


def test_dark_theme_draws_edges_for_text_boxes_and_check_boxes(qapp, themed):
    apply_theme("dark")
    sheet = qapp.styleSheet()
    assert 'QLineEdit[frame="true"]' in sheet
    assert "QCheckBox::indicator" in sheet
    palette = qapp.palette()
    disabled = palette.color(palette.ColorGroup.Disabled, palette.ColorRole.Button)
    assert disabled == palette.color(palette.ColorRole.Window)
