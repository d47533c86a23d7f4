"""What keeps controls legible in both themes: borders, check boxes, focus, disabled looks.

Fusion draws frames and check boxes a shade darker than the window, which vanishes on a
dark palette; these rules draw them from palette roles instead, so light and dark (and
a theme switched while the window is open) get the same visible edges. Every input's
edge keeps at least the 3:1 contrast WCAG asks of a control's boundary, against both
the window and the field's own background (`contrast_ratio` measures it).
"""

from __future__ import annotations

import importlib.resources

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QDateTimeEdit, QLineEdit
from typing_extensions import override

#: Edges of inputs, check boxes and radio buttons: 3:1 or more against base and window.
EDGE = {"light": "#7c838d", "dark": "#8b939e"}
_ARROW_DIR = "arrow-{which}-{theme}.svg"


def _resource(name: str) -> str:
    path = importlib.resources.files("scholar_desk.resources") / "ui" / name
    return str(path).replace("\\", "/")


def _check_mark() -> str:
    return _resource("check.svg")


def relative_luminance(color: QColor) -> float:
    """WCAG 2 relative luminance of a color (0 black to 1 white)."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two colors, from 1 (same) to 21 (black on white)."""
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def style_sheet(dark: bool) -> str:
    """Rules appended to the application's style sheet for the light or dark palette."""
    theme = "dark" if dark else "light"
    edge = EDGE[theme]
    up = _resource(_ARROW_DIR.format(which="up", theme=theme))
    down = _resource(_ARROW_DIR.format(which="down", theme=theme))
    dot = "#ffffff"
    accent = "#3b82f6" if dark else "#2563eb"
    return f"""
QLineEdit[frame="true"], QPlainTextEdit, QTextEdit, QListView, QTreeView {{
    border: 1px solid {edge};
    border-radius: 4px;
    background: palette(base);
}}
QLineEdit[frame="true"] {{ padding: 2px 4px; }}
QLineEdit[frame="true"]:focus {{ border: 2px solid palette(highlight); padding: 1px 3px; }}
QPlainTextEdit:focus, QTextEdit:focus, QListView:focus, QTreeView:focus, QTableView:focus {{
    border: 2px solid palette(highlight);
}}
QLineEdit[frame="true"]:disabled, QPlainTextEdit:disabled, QTextEdit:disabled {{
    background: palette(window);
    border-color: palette(mid);
}}
QComboBox, QAbstractSpinBox {{
    border: 1px solid {edge};
    border-radius: 4px;
    padding: 2px 6px;
    background: palette(base);
}}
QComboBox:!editable {{ background: palette(button); }}
QComboBox:focus, QAbstractSpinBox:focus {{
    border: 2px solid palette(highlight);
    padding: 1px 5px;
}}
QComboBox:disabled, QAbstractSpinBox:disabled {{
    background: palette(window);
    border-color: palette(mid);
}}
QAbstractSpinBox {{ padding: 2px 20px 2px 6px; }}
QAbstractSpinBox:focus {{ padding: 1px 19px 1px 5px; }}
QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {{
    subcontrol-origin: padding;
    width: 18px;
    border: none;
    border-left: 1px solid palette(mid);
    background: palette(button);
}}
QAbstractSpinBox::up-button {{ subcontrol-position: top right; border-top-right-radius: 3px; }}
QAbstractSpinBox::down-button {{
    subcontrol-position: bottom right;
    border-bottom-right-radius: 3px;
}}
QAbstractSpinBox::up-button:hover, QAbstractSpinBox::down-button:hover {{
    background: palette(midlight);
}}
QAbstractSpinBox::up-arrow {{ image: url("{up}"); width: 10px; height: 10px; }}
QAbstractSpinBox::down-arrow {{ image: url("{down}"); width: 10px; height: 10px; }}
QAbstractSpinBox::up-arrow:disabled, QAbstractSpinBox::up-arrow:off,
QAbstractSpinBox::down-arrow:disabled, QAbstractSpinBox::down-arrow:off {{ image: none; }}
QComboBox {{ padding-right: 22px; }}
QComboBox:focus {{ padding-right: 21px; }}
QComboBox::drop-down, QDateTimeEdit::drop-down {{
    subcontrol-origin: padding;
    subcontrol-position: top right;
    width: 20px;
    border: none;
    border-top-right-radius: 3px;
    border-bottom-right-radius: 3px;
}}
QComboBox::down-arrow, QDateTimeEdit::down-arrow {{
    image: url("{down}");
    width: 10px;
    height: 10px;
}}
QComboBox::down-arrow:disabled, QDateTimeEdit::down-arrow:disabled {{ image: none; }}
QDateTimeEdit[calendarPopup="true"] {{ padding-right: 22px; }}
QPushButton:disabled, QToolButton:disabled {{ color: palette(placeholder-text); }}
QPushButton:disabled {{
    background: palette(window);
    border: 1px dashed palette(mid);
    border-radius: 4px;
    padding: 0 7px;  /* the native margins: the same room for the label as enabled */
}}
QPushButton:focus {{ outline: none; }}
QListWidget#navigation, QListWidget#navigation:focus {{ border: none; }}
QCheckBox::indicator, QGroupBox::indicator {{
    width: 14px;
    height: 14px;
    border: 1px solid {edge};
    border-radius: 3px;
    background: palette(base);
}}
QAbstractItemView::indicator {{
    width: 11px;
    height: 11px;
    border: 1px solid {edge};
    border-radius: 2px;
    background: palette(base);
}}
QCheckBox::indicator:hover {{ border-color: palette(highlight); }}
QCheckBox::indicator:focus {{ border: 2px solid palette(highlight); width: 12px; height: 12px; }}
QCheckBox::indicator:checked, QAbstractItemView::indicator:checked {{
    background: palette(highlight);
    border-color: palette(highlight);
    image: url("{_check_mark()}");
}}
QCheckBox::indicator:disabled {{ background: palette(window); border-color: palette(mid); }}
QCheckBox::indicator:checked:disabled {{ background: palette(mid); }}
QRadioButton::indicator {{
    width: 14px;
    height: 14px;
    border: 1px solid {edge};
    border-radius: 8px;
    background: palette(base);
}}
QRadioButton::indicator:hover {{ border-color: palette(highlight); }}
QRadioButton::indicator:focus {{ border: 2px solid palette(highlight); width: 12px; height: 12px; }}
QRadioButton::indicator:checked {{
    border-color: {accent};
    background: qradialgradient(cx: 0.5, cy: 0.5, radius: 0.5, fx: 0.5, fy: 0.5,
        stop: 0 {dot}, stop: 0.38 {dot}, stop: 0.48 {accent}, stop: 1 {accent});
}}
QRadioButton::indicator:disabled {{ background: palette(window); border-color: palette(mid); }}
"""


def adjust_palette(palette: QPalette, dark: bool) -> None:
    """Disabled buttons flat and dim; a table without focus shows its selection muted."""
    window = palette.color(QPalette.ColorRole.Window)
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Button, window)
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base, window)
    muted = QColor("#2f3e5c" if dark else "#dbe4f5")
    palette.setColor(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Highlight, muted)
    text = palette.color(QPalette.ColorRole.Text)
    palette.setColor(QPalette.ColorGroup.Inactive, QPalette.ColorRole.HighlightedText, text)


class SpinBoxInset(QObject):
    """Keeps a spin box's (or date edit's) text off its left edge.

    A style sheet's padding moves the buttons of a spin box but not its text field, so
    the text sat on the border; the field's own margin is set as each one is polished.
    """

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Polish and isinstance(watched, QAbstractSpinBox):
            _inset(watched)
        return False


def _inset(box: QAbstractSpinBox) -> None:
    # A date field with a calendar button keeps the padding: its text is clear.
    if isinstance(box, QDateTimeEdit) and box.calendarPopup():
        return
    edit = box.findChild(QLineEdit)
    if edit is not None:
        edit.setTextMargins(4, 0, 0, 0)


def install(app: QApplication) -> None:
    """Inset every spin box's text from now on; safe to call again."""
    inset = app.findChild(SpinBoxInset)
    if not isinstance(inset, SpinBoxInset):
        inset = SpinBoxInset(app)
    app.installEventFilter(inset)


def inset_spin_boxes(app: QApplication) -> None:
    """Inset the spin boxes that exist already (made while the filter was off)."""
    for widget in app.allWidgets():
        if isinstance(widget, QAbstractSpinBox):
            _inset(widget)
