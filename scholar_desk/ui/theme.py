"""The window's look: palette, style sheet, light or dark."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

# A restrained palette: neutral greys, one blue accent, enough contrast for long sessions.
_LIGHT = {
    "Window": "#f4f5f7",
    "WindowText": "#1f2328",
    "Base": "#ffffff",
    "AlternateBase": "#f7f8fa",
    "ToolTipBase": "#1f2328",
    "ToolTipText": "#ffffff",
    "PlaceholderText": "#8a9099",
    "Text": "#1f2328",
    "Button": "#f8f9fb",
    "ButtonText": "#1f2328",
    "BrightText": "#c62828",
    "Light": "#ffffff",
    "Midlight": "#e9ebef",
    "Mid": "#c9ced6",
    "Dark": "#9aa1ab",
    "Shadow": "#6b7280",
    "Highlight": "#2563eb",
    "HighlightedText": "#ffffff",
    "Link": "#1d4ed8",
    "LinkVisited": "#6d28d9",
    "Accent": "#2563eb",
}
_DARK = {
    "Window": "#1e2126",
    "WindowText": "#e6e8eb",
    "Base": "#16181c",
    "AlternateBase": "#1b1e23",
    "ToolTipBase": "#e6e8eb",
    "ToolTipText": "#16181c",
    "PlaceholderText": "#7d848e",
    "Text": "#e6e8eb",
    "Button": "#2a2e35",
    "ButtonText": "#e6e8eb",
    "BrightText": "#ff6b6b",
    "Light": "#3a3f47",
    "Midlight": "#30343b",
    "Mid": "#464c55",
    "Dark": "#121417",
    "Shadow": "#000000",
    "Highlight": "#3b82f6",
    "HighlightedText": "#ffffff",
    "Link": "#7aa7ff",
    "LinkVisited": "#b59cff",
    "Accent": "#3b82f6",
}
_DISABLED_TEXT = {"light": "#a0a6ae", "dark": "#6b717a"}

STYLE_SHEET = """
QListWidget#navigation {
    background: palette(window);
    border: none;
    padding: 10px 8px;
    outline: 0;
}
QListWidget#navigation::item {
    padding: 0 10px;
    border-radius: 6px;
    margin: 1px 0;
}
QListWidget#navigation::item:disabled {
    color: palette(placeholder-text);
    padding-top: 8px;
}
QListWidget#navigation::item:hover:!selected:enabled {
    background: palette(midlight);
}
QListWidget#navigation::item:selected {
    background: palette(highlight);
    color: palette(highlighted-text);
}
QSplitter#mainSplitter::handle { background: palette(midlight); }
QStackedWidget#pageStack { background: palette(base); }
QLabel#pageTitle { font-size: 20px; font-weight: 600; }
QLabel#pageSubtitle, QLabel#hint, QLabel#statusInfo { color: palette(placeholder-text); }
QLabel#sectionTitle { font-size: 14px; font-weight: 600; }
QLabel#dialogHeading { font-size: 16px; font-weight: 600; }
QLabel#detailTitle { font-size: 16px; font-weight: 600; }
QWidget#detailBar { border-bottom: 1px solid palette(midlight); }
QLabel#emptyHint { color: palette(placeholder-text); font-size: 14px; padding: 24px; }
QLabel#fieldError { color: #d32f2f; }
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"], QComboBox[invalid="true"],
QSpinBox[invalid="true"] {
    border: 1px solid #d32f2f;
    border-radius: 3px;
}
QToolButton#primaryButton {
    background: palette(highlight);
    color: palette(highlighted-text);
    border: none;
    border-radius: 5px;
    padding: 5px 12px 5px 8px;
    font-weight: 600;
}
QToolButton#primaryButton:hover { background: palette(link); }
QToolButton#primaryButton:disabled { background: palette(mid); }
QToolButton#dateButton::menu-indicator { image: none; width: 0; }
QLineEdit#filterEdit { padding: 4px 6px; border-radius: 5px; }
QTableView {
    border: 1px solid palette(midlight);
    border-radius: 6px;
    gridline-color: palette(midlight);
    selection-background-color: palette(highlight);
    selection-color: palette(highlighted-text);
}
QTableView::item { padding: 0 6px; }
QHeaderView::section {
    background: palette(window);
    border: none;
    border-bottom: 1px solid palette(mid);
    padding: 5px 6px;
    font-weight: 600;
}
QFrame#card {
    background: palette(base);
    border: 1px solid palette(midlight);
    border-radius: 8px;
}
QLabel#cardNumber { font-size: 26px; font-weight: 600; }
QLabel#cardTitle { color: palette(placeholder-text); font-weight: 600; }
QFrame#separator { color: palette(midlight); }
QToolBar#mainToolbar { border: none; border-bottom: 1px solid palette(midlight); spacing: 4px; }
QStatusBar { border-top: 1px solid palette(midlight); }
QStatusBar QLabel { padding: 0 8px; }
"""


def is_dark(theme: str) -> bool:
    """Whether ``theme`` (system, light, dark) means dark right now."""
    if theme in ("light", "dark"):
        return theme == "dark"
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    return scheme is not None and scheme() == Qt.ColorScheme.Dark


def make_palette(dark: bool) -> QPalette:
    """The light or dark palette."""
    palette = QPalette()
    colors = _DARK if dark else _LIGHT
    for name, value in colors.items():
        role = getattr(QPalette.ColorRole, name, None)
        if role is not None:
            palette.setColor(role, QColor(value))
    disabled = QColor(_DISABLED_TEXT["dark" if dark else "light"])
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def apply_theme(theme: str = "system") -> None:
    """Fusion with our palette and style sheet, light or dark as ``theme`` says."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    from scholar_desk.ui import contrast, icons

    app.setStyle("Fusion")
    dark = is_dark(theme)
    palette = make_palette(dark)
    contrast.adjust_palette(palette, dark)
    app.setPalette(palette)
    contrast.install(app)
    app.setStyleSheet(STYLE_SHEET + contrast.style_sheet(dark))
    icons.clear_cache()
