"""Run something once a widget has painted, so that it never holds back what a user waits for."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget
from typing_extensions import override


class _AfterPaint(QObject):
    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._then = then
        widget.installEventFilter(self)

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._then)
            self.deleteLater()
        return False


def after_paint(widget: QWidget, then: Callable[[], None]) -> None:
    """Call ``then`` once, in the event loop's turn after ``widget`` next paints.

    Children paint in the same pass as their parent, so a window's paint is followed by
    the paint of everything shown in it before ``then`` runs.
    """
    _AfterPaint(widget, then)
