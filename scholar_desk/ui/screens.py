"""Windows that fit the screen they open on, whatever its size and scale factor."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# Room left for the window manager's title bar and borders, in logical pixels.
_FRAME_ALLOWANCE = QSize(16, 40)


def available_rect(widget: QWidget) -> QRect:
    """The part of the widget's screen (or the primary one) not taken by panels and docks."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 640)


def fit_to_screen(widget: QWidget, preferred: QSize | None = None) -> None:
    """Resize (to ``preferred``, if given) without exceeding the available screen.

    The minimum size is lowered where the screen is smaller than it, and the window is
    moved back onto the screen if a saved position puts it partly off.
    """
    area = available_rect(widget)
    room = QSize(
        max(area.width() - _FRAME_ALLOWANCE.width(), 200),
        max(area.height() - _FRAME_ALLOWANCE.height(), 150),
    )
    minimum = widget.minimumSize()
    if minimum.width() > room.width() or minimum.height() > room.height():
        widget.setMinimumSize(minimum.boundedTo(room))
    size = (preferred or widget.size()).boundedTo(room)
    if size != widget.size():
        widget.resize(size)
    if widget.isWindow():
        x = min(max(widget.x(), area.left()), area.right() - size.width())
        y = min(max(widget.y(), area.top()), area.bottom() - size.height() - 24)
        if (x, y) != (widget.x(), widget.y()):
            widget.move(max(x, area.left()), max(y, area.top()))
