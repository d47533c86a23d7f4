from PySide6.QtGui import QPalette

from scholar_desk.ui import icons
from scholar_desk.ui.app import is_dark, make_palette
from scholar_desk.ui.main_window import PAGES


def test_light_and_dark_palettes_keep_text_readable():
    for dark in (False, True):
        palette = make_palette(dark)
        text = palette.color(QPalette.ColorRole.Text).lightnessF()
        base = palette.color(QPalette.ColorRole.Base).lightnessF()
        assert abs(text - base) > 0.7
        assert (base < 0.5) is dark


def test_an_explicit_theme_wins_over_the_system():
    assert is_dark("dark") is True
    assert is_dark("light") is False


def test_every_navigation_icon_is_drawn(qapp):
    for spec in PAGES:
        assert spec.icon in icons.names(), spec.key
        pixmap = icons.icon(spec.icon).pixmap(24, 24)
        image = pixmap.toImage()
        assert any(image.pixelColor(x, y).alpha() for x in range(24) for y in range(24)), spec.icon


def test_an_exception_in_a_slot_becomes_a_dialog(qtbot, monkeypatch):
    import sys

    from PySide6.QtWidgets import QApplication, QMessageBox

    from scholar_desk.core.errors import ScholarDeskError
    from scholar_desk.ui import app

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    app.install_excepthook()
    before = set(QApplication.allWidgets())
    exc = ScholarDeskError("The database is busy in another window.")
    sys.excepthook(type(exc), exc, None)
    boxes = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w not in before
    ]
    for box in boxes:
        if box.parent() is None:
            qtbot.addWidget(box)
    assert [b.text() for b in boxes] == ["The database is busy in another window."]
