"""What keeps controls legible in both themes: borders, check boxes, focus, disabled looks.

Fusion draws frames and check boxes a shade darker than the window, which vanishes on a
dark palette; these rules draw them from palette roles instead, so light and dark (and
a theme switched while the window is open) get the same visible edges.
"""

from __future__ import annotations

import importlib.resources

from PySide6.QtGui import QColor, QPalette


def _check_mark() -> str:
    path = importlib.resources.files("scholar_desk.resources") / "ui" / "check.svg"
    return str(path).replace("\\", "/")


def style_sheet(dark: bool) -> str:
    """Rules appended to the application's style sheet for the light or dark palette."""
    edge = "#8b939e" if dark else "#8a9099"  # check box edges: a clear step from the base
    return f"""
QLineEdit[frame="true"], QPlainTextEdit, QTextEdit, QListView, QTreeView {{
    border: 1px solid palette(mid);
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
}}
QListWidget#navigation, QListWidget#navigation:focus {{ border: none; }}
QCheckBox::indicator, QGroupBox::indicator {{
    width: 14px;
    height: 14px;
    border: 1px solid {edge};
    border-radius: 3px;
    background: palette(base);
}}
QCheckBox::indicator:hover {{ border-color: palette(highlight); }}
QCheckBox::indicator:focus {{ border: 2px solid palette(highlight); width: 12px; height: 12px; }}
QCheckBox::indicator:checked {{
    background: palette(highlight);
    border-color: palette(highlight);
    image: url("{_check_mark()}");
}}
QCheckBox::indicator:disabled {{ background: palette(window); border-color: palette(mid); }}
QCheckBox::indicator:checked:disabled {{ background: palette(mid); }}
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
