"""The application's own icon, drawn from resources/icons/scholar-desk.svg."""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

_SIZES = (16, 24, 32, 48, 64, 128, 256)


def icon_svg() -> bytes:
    """The icon's SVG source as shipped in the package."""
    return (resources.files("scholar_desk.resources") / "icons" / "scholar-desk.svg").read_bytes()


@cache
def app_icon() -> QIcon:
    """The application icon at the usual sizes (rendered here, so no SVG plugin is needed)."""
    renderer = QSvgRenderer(QByteArray(icon_svg()))
    result = QIcon()
    for size in _SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        result.addPixmap(QPixmap.fromImage(image))
    return result
