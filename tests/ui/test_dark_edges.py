"""Dark (and light) mode: every input draws an edge, focus shows, a disabled button looks it.

The checks are on pixels grabbed from the real dialogs: the edge of each combo box, spin
box, date field and text box must stand out from the window behind it (WCAG's 3:1 for a
control's boundary), the focused field's edge takes the highlight color, and a disabled
button's label is dimmer than an enabled one's.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDateEdit,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from scholar_desk.core.services import accounts
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.contrast import contrast_ratio
from scholar_desk.ui.dialogs.accounts_dialog import AccountsDialog
from scholar_desk.ui.dialogs.record_editor import RecordEditor
from scholar_desk.ui.dialogs.status_dialogs import ChangeStatusDialog
from scholar_desk.ui.theme import apply_theme

INPUTS = (QComboBox, QAbstractSpinBox, QLineEdit, QPlainTextEdit)


@pytest.fixture(params=["dark", "light"])
def theme(request, qapp):
    style, palette, sheet = qapp.style().name(), qapp.palette(), qapp.styleSheet()
    apply_theme(request.param)
    yield request.param
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    qapp.setStyle(style)


def _window_color() -> QColor:
    return QApplication.palette().color(QPalette.ColorRole.Window)


def _edge(widget: QWidget) -> QColor:
    """The color of the widget's left edge, halfway down (clear of rounded corners)."""
    image = widget.grab().toImage()
    y = image.height() // 2
    ratio = image.devicePixelRatio()
    return image.pixelColor(round(0.5 * ratio), y)


def _inputs(root: QWidget) -> list[QWidget]:
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INPUTS) or not widget.isVisible():
            continue
        if isinstance(widget, QLineEdit) and not widget.hasFrame():
            continue  # the text part inside a combo or spin box: its owner draws the edge
        found.append(widget)
    return found


def _shown(qtbot, widget):
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_every_input_of_the_conference_editor_has_a_visible_edge(qtbot, library, theme):
    from PySide6.QtGui import QUndoStack

    from scholar_desk.ui.context import AppContext, DataEvents
    from scholar_desk.ui.workers import make_pool

    ctx = AppContext(library, SINGLE_USER, make_pool(), QUndoStack(), DataEvents())
    editor = _shown(qtbot, RecordEditor(ctx, "conference"))
    editor.resize(editor.width(), 2000)  # every field on screen, none scrolled away
    inputs = _inputs(editor)
    kinds = {type(w).__name__ for w in inputs}
    assert {"QComboBox", "QSpinBox", "QLineEdit", "QPlainTextEdit"} <= kinds
    assert any(isinstance(w, QComboBox) and w.isEditable() for w in inputs)  # time zone
    window = _window_color()
    faint = {
        f"{type(w).__name__} {w.accessibleName()!r}": round(contrast_ratio(_edge(w), window), 2)
        for w in inputs
        if contrast_ratio(_edge(w), window) < 3
    }
    assert faint == {}
    assert ctx.pool.waitForDone(5000)


def test_date_fields_combo_and_spin_boxes_edges_and_focus(qtbot, theme, library):
    today = dt.date(2026, 11, 27)
    dialog = _shown(qtbot, ChangeStatusDialog(None, "under review", ["rejected"], None, today))
    date = dialog.date_edit
    assert isinstance(date, QDateEdit)
    window = _window_color()
    highlight = QApplication.palette().color(QPalette.ColorRole.Highlight)
    for widget in (date, dialog.status_combo):
        resting = _edge(widget)
        assert contrast_ratio(resting, window) >= 3, type(widget).__name__
        widget.setFocus()
        qtbot.waitUntil(widget.hasFocus)
        focused = _edge(widget)
        # The focused edge is the highlight color, clearly not the resting edge.
        assert contrast_ratio(focused, highlight) < 1.2, type(widget).__name__
        assert focused != resting
        assert contrast_ratio(focused, window) >= 3


def test_a_disabled_button_looks_disabled(qtbot, library, theme):
    with library.transaction() as s:
        accounts.create_account(s, SINGLE_USER, "boss", "password123", "director")
    with library.transaction() as s:
        boss = accounts.try_login(s, "boss", "password123").actor
    from PySide6.QtGui import QUndoStack

    from scholar_desk.ui.context import AppContext, DataEvents
    from scholar_desk.ui.workers import make_pool

    ctx = AppContext(library, boss, make_pool(), QUndoStack(), DataEvents())
    dialog = _shown(qtbot, AccountsDialog(ctx))
    dialog.table.clearSelection()
    dialog.table.setCurrentCell(-1, -1)
    disabled = dialog.role_button
    enabled = next(b for b in dialog.findChildren(QPushButton) if b.isEnabled() and b.text())
    assert not disabled.isEnabled()

    def label_contrast(button: QPushButton) -> float:
        """The strongest contrast between the button's face and anything drawn on it."""
        image = button.grab().toImage()
        face = image.pixelColor(image.width() // 2, 3 * int(image.devicePixelRatio()))
        best = 1.0
        for x in range(4, image.width() - 4):
            for y in range(4, image.height() - 4):
                best = max(best, contrast_ratio(image.pixelColor(x, y), face))
        return best

    assert label_contrast(enabled) >= 4.5
    assert label_contrast(disabled) < 0.6 * label_contrast(enabled)
    face = disabled.grab().toImage()
    center_face = face.pixelColor(face.width() // 2, 3)
    assert contrast_ratio(center_face, _window_color()) < 1.1  # flat: no raised face
    assert ctx.pool.waitForDone(5000)
