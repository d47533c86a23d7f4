"""Windows that fit the screen they open on, whatever its size and scale factor.

`install` puts one filter on the application: every window and dialog, ours or Qt's
(message boxes, file and progress dialogs), is fitted to the available part of its
screen as it is shown, so no dialog needs to remember to do it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget
from typing_extensions import override

# Room left for the window manager's title bar and borders, in logical pixels.
_FRAME_ALLOWANCE = QSize(16, 40)
_FITTED_TYPES = (Qt.WindowType.Window, Qt.WindowType.Dialog, Qt.WindowType.Sheet)


def available_rect(widget: QWidget) -> QRect:
    """The part of the widget's screen (or the primary one) not taken by panels and docks."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 640)


def room(widget: QWidget) -> QSize:
    """The largest size a window may take on the widget's screen."""
    area = available_rect(widget)
    return QSize(
        max(area.width() - _FRAME_ALLOWANCE.width(), 200),
        max(area.height() - _FRAME_ALLOWANCE.height(), 150),
    )


def fits(widget: QWidget) -> bool:
    """Whether the window lies wholly inside the available part of its screen."""
    return available_rect(widget).contains(widget.geometry())


def fit_to_screen(widget: QWidget, preferred: QSize | None = None) -> None:
    """Resize (to ``preferred``, if given) without exceeding the available screen.

    The minimum size is lowered where the screen is smaller than it, and the window is
    moved back onto the screen if a saved position puts it partly off.
    """
    if widget.isMaximized() or widget.isFullScreen():
        return  # the window manager sizes these to the screen itself
    area = available_rect(widget)
    limit = room(widget)
    minimum = widget.minimumSize()
    if minimum.width() > limit.width() or minimum.height() > limit.height():
        widget.setMinimumSize(minimum.boundedTo(limit))
    size = (preferred or widget.size()).boundedTo(limit)
    if size != widget.size():
        widget.resize(size)
    if widget.isWindow():
        x = min(max(widget.x(), area.left()), area.right() - size.width())
        y = min(max(widget.y(), area.top()), area.bottom() - size.height() - 24)
        if (x, y) != (widget.x(), widget.y()):
            widget.move(max(x, area.left()), max(y, area.top()))


class ScreenFitter(QObject):
    """Fits each window to its screen when it is shown, and when it grows past the screen."""

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if (
            kind in (QEvent.Type.Show, QEvent.Type.Resize)
            and isinstance(watched, QWidget)
            and watched.isWindow()
            and watched.windowType() in _FITTED_TYPES
            and (
                kind == QEvent.Type.Show
                or (watched.isVisible() and not _within(watched.size(), room(watched)))
            )
        ):
            # On Show, and when a shown dialog grows past the screen (a message box with
            # a long text sizes itself after it is shown).
            fit_to_screen(watched)
        return False


def _within(size: QSize, limit: QSize) -> bool:
    return size.width() <= limit.width() and size.height() <= limit.height()


def install(app: QApplication) -> ScreenFitter:
    """Fit every window the application shows from now on; safe to call twice."""
    fitter = app.findChild(ScreenFitter)
    if not isinstance(fitter, ScreenFitter):
        fitter = ScreenFitter(app)
    app.installEventFilter(fitter)  # once: installing it again only moves it to the front
    return fitter


def fit_shown_windows(app: QApplication) -> None:
    """Fit the windows shown already (while the fitter was off) to their screens."""
    for widget in app.topLevelWidgets():
        if widget.isVisible() and widget.windowType() in _FITTED_TYPES:
            fit_to_screen(widget)
