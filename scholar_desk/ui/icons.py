"""Line icons drawn from inline SVG in the palette's text colour, so they suit light and dark."""

from __future__ import annotations

from functools import cache, lru_cache

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QIconEngine, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication
from typing_extensions import override

# 24x24 outline shapes in the manner of common open icon sets; stroke comes from the palette.
_SHAPES: dict[str, str] = {
    "dashboard": '<rect x="3" y="3" width="7" height="9" rx="1"/><rect x="14" y="3" width="7" '
    'height="5" rx="1"/><rect x="14" y="12" width="7" height="9" rx="1"/><rect x="3" y="16" '
    'width="7" height="5" rx="1"/>',
    "project": '<path d="M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H5a2 2 0 0 '
    '1-2-2z"/>',
    "manuscript": '<path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z"/>'
    '<path d="M14 3v5h5"/><path d="M9 13h6M9 17h6M9 9h2"/>',
    "submission": '<path d="M22 2 11 13"/><path d="M22 2 15 22l-4-9-9-4z"/>',
    "abstract": '<path d="M4 6h16M4 10h16M4 14h10M4 18h7"/>',
    "conference": '<rect x="3" y="5" width="18" height="16" rx="2"/><path d="M16 3v4M8 3v4M3 '
    '10h18"/><path d="M8 14h2M14 14h2M8 17h2"/>',
    "presentation": '<rect x="3" y="4" width="18" height="12" rx="1.5"/><path d="M12 16v4M8 '
    '20h8"/><path d="M8 12l3-3 2 2 3-3"/>',
    "person": '<circle cx="12" cy="8" r="4"/><path d="M4 21a8 8 0 0 1 16 0"/>',
    "people": '<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20a6.5 6.5 0 0 1 13 0"/><path '
    'd="M16 4.5a3.5 3.5 0 0 1 0 7M18 14a6.5 6.5 0 0 1 3.5 6"/>',
    "journal": '<path d="M4 19.5A2.5 2.5 0 0 1 6.5 17H20V3H6.5A2.5 2.5 0 0 0 4 5.5z"/><path '
    'd="M4 19.5A2.5 2.5 0 0 0 6.5 22H20v-5"/>',
    "deadline": '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>',
    "reference": '<path d="M6 3h12a1 1 0 0 1 1 1v17l-7-4-7 4V4a1 1 0 0 1 1-1z"/>',
    "chart": '<path d="M4 20V10M10 20V4M16 20v-7M22 20H2"/>',
    "report": '<path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z"/><path '
    'd="M14 3v5h5"/><path d="M9 17v-3M12 17v-5M15 17v-2"/>',
    "shield": '<path d="M12 3 4 6v6c0 5 3.5 8 8 9 4.5-1 8-4 8-9V6z"/>',
    "settings": '<circle cx="12" cy="12" r="3"/><path d="M12 2v3M12 19v3M2 12h3M19 12h3M4.9 '
    '4.9l2.1 2.1M17 17l2.1 2.1M4.9 19.1 7 17M17 7l2.1-2.1"/>',
    "new": '<path d="M12 5v14M5 12h14"/>',
    "edit": '<path d="M4 20h4L19 9l-4-4L4 16z"/><path d="M13.5 6.5l4 4"/>',
    "delete": '<path d="M4 7h16M10 11v6M14 11v6"/><path d="M6 7l1 13h10l1-13M9 7V4h6v3"/>',
    "undo": '<path d="M9 14 4 9l5-5"/><path d="M4 9h11a5 5 0 0 1 0 10h-3"/>',
    "redo": '<path d="m15 14 5-5-5-5"/><path d="M20 9H9a5 5 0 0 0 0 10h3"/>',
    "search": '<circle cx="11" cy="11" r="7"/><path d="m20 20-4-4"/>',
    "import": '<path d="M12 3v12M7 10l5 5 5-5"/><path d="M4 17v3h16v-3"/>',
    "export": '<path d="M12 15V3M7 8l5-5 5 5"/><path d="M4 17v3h16v-3"/>',
    "back": '<path d="M19 12H5M11 6l-6 6 6 6"/>',
    "refresh": '<path d="M20 11a8 8 0 1 0-2.3 5.7"/><path d="M20 4v7h-7"/>',
    "open": '<path d="M14 4h6v6M20 4l-9 9"/><path d="M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 '
    '1-1-1V7a1 1 0 0 1 1-1h5"/>',
    "warning": '<path d="M12 3 2 20h20z"/><path d="M12 10v4M12 17v.5"/>',
    "mentor": '<path d="M2 9l10-5 10 5-10 5z"/><path d="M6 11v5c3 2 9 2 12 0v-5"/>',
    "blank": "",
}


def names() -> tuple[str, ...]:
    """Every icon name, for tests and the page registry."""
    return tuple(_SHAPES)


def icon(name: str, color: QColor | None = None) -> QIcon:
    """An icon by name in ``color``; unknown names are blank.

    Without ``color`` the icon is drawn in the palette's text colour at paint time, so it
    stays visible when the theme changes while the window is open. The disabled state is
    drawn in the palette's disabled text colour.
    """
    if color is None:
        return QIcon(_engine(name))
    palette = QApplication.palette()
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
    return _icon(name, color.name(), disabled.name())


@cache
def _icon(name: str, color: str, disabled: str) -> QIcon:
    result = QIcon()
    for size in (16, 20, 24, 32, 48):
        result.addPixmap(_pixmap(name, color, size), QIcon.Mode.Normal)
        result.addPixmap(_pixmap(name, disabled, size), QIcon.Mode.Disabled)
    return result


class _PaletteIconEngine(QIconEngine):
    """Draws a named line icon in whatever the application palette's text colour is now."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self._name = name

    @override
    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        ratio = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        side = max(1, round(min(rect.width(), rect.height()) * ratio))
        pixmap = QPixmap(_pixmap(self._name, _current_color(mode), side))
        pixmap.setDevicePixelRatio(ratio)
        painter.drawPixmap(rect.topLeft(), pixmap)

    @override
    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return QPixmap(
            _pixmap(self._name, _current_color(mode), max(1, min(size.width(), size.height())))
        )

    @override
    def scaledPixmap(
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        side = max(1, round(min(size.width(), size.height()) * scale))
        pixmap = QPixmap(_pixmap(self._name, _current_color(mode), side))
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    @override
    def clone(self) -> QIconEngine:
        return _engine(self._name)

    @override
    def key(self) -> str:
        return "scholar-desk-palette"

    @override
    def isNull(self) -> bool:
        return False


def _engine(name: str) -> _PaletteIconEngine:
    # A new engine each time: the QIcon owns it and deletes it with its last copy.
    return _PaletteIconEngine(name)


def _current_color(mode: QIcon.Mode) -> str:
    palette = QApplication.palette()
    if mode == QIcon.Mode.Disabled:
        return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText).name()
    if mode == QIcon.Mode.Selected:
        return palette.color(QPalette.ColorRole.HighlightedText).name()
    return palette.color(QPalette.ColorRole.WindowText).name()


@lru_cache(maxsize=2048)
def _pixmap(name: str, color: str, size: int) -> QPixmap:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" '
        f'stroke="{color}" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">'
        f"{_SHAPES.get(name, '')}</svg>"
    )
    renderer = QSvgRenderer(QByteArray(svg.encode()))
    image = QImage(QSize(size, size), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return QPixmap.fromImage(image)


def clear_cache() -> None:
    """Forget drawn icons, after the palette changes between light and dark."""
    _icon.cache_clear()
    _pixmap.cache_clear()
