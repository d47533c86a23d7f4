"""A vertical timeline: dates on the left, a rail with dots, what happened on the right."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a timeline.

    Attributes:
        on: The date.
        title: What happened (bold).
        detail: A second, quieter line.
        color: The dot's colour (``#rrggbb``).
        upcoming: Drawn hollow and muted: the date is still ahead.
        target: Anything the owner wants back when the entry is clicked.
    """

    on: dt.date
    title: str
    detail: str = ""
    color: str = "#2563eb"
    upcoming: bool = False
    target: object = None


def transparent_scroll(scroll: QScrollArea) -> QScrollArea:
    """Let a scroll area show the page's background instead of painting its own."""
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setStyleSheet("QScrollArea { background: transparent; }")
    scroll.viewport().setAutoFillBackground(False)
    inner = scroll.widget()
    if inner is not None:
        inner.setAutoFillBackground(False)
    return scroll


def format_date(day: dt.date | None) -> str:
    """``12 Mar 2026`` (unambiguous in every locale), or an empty string."""
    return "" if day is None else f"{day.day} {day:%b %Y}"


class _Rail(QWidget):
    """The dot and the line segments of one entry."""

    def __init__(
        self, color: str, upcoming: bool, first: bool, last: bool, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self._color = QColor(color)
        self._upcoming = upcoming
        self._first = first
        self._last = last
        self.setFixedWidth(22)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)

    @override
    def sizeHint(self) -> QSize:
        return QSize(22, 36)

    @override
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        x = self.width() / 2
        dot_y = 11.0
        line = self.palette().color(QPalette.ColorRole.Mid)
        painter.setPen(QPen(line, 2))
        if not self._first:
            painter.drawLine(QPointF(x, 0), QPointF(x, dot_y - 6))
        if not self._last:
            painter.drawLine(QPointF(x, dot_y + 6), QPointF(x, self.height()))
        radius = 5.0
        rect = QRectF(x - radius, dot_y - radius, radius * 2, radius * 2)
        painter.setPen(QPen(self._color, 2))
        if self._upcoming:
            painter.setBrush(self.palette().color(QPalette.ColorRole.Base))
        else:
            painter.setBrush(self._color)
        painter.drawEllipse(rect)
        painter.end()


class TimelineView(QWidget):
    """A read-only vertical timeline; `entry_clicked` gives back an entry's target."""

    entry_clicked = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, empty_text: str = "Nothing yet.") -> None:
        super().__init__(parent)
        self.setObjectName("timeline")
        self._entries: tuple[TimelineEntry, ...] = ()
        self._empty_text = empty_text
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self._body = QWidget(self)
        outer.addWidget(self._body)
        outer.addStretch(1)
        self._grid = QGridLayout(self._body)
        self._grid.setContentsMargins(0, 4, 0, 4)
        self._grid.setHorizontalSpacing(10)
        self._grid.setVerticalSpacing(0)
        self._grid.setColumnStretch(2, 1)
        self.title_labels: list[QLabel] = []
        self.set_entries(())

    def entries(self) -> tuple[TimelineEntry, ...]:
        """The entries shown."""
        return self._entries

    def set_entries(self, entries: Sequence[TimelineEntry]) -> None:
        """Show ``entries`` in the order given."""
        self._entries = tuple(entries)
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.title_labels = []
        if not self._entries:
            empty = QLabel(self._empty_text, self._body)
            empty.setObjectName("hint")
            self._grid.addWidget(empty, 0, 0, 1, 3)
            return
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        for row, entry in enumerate(self._entries):
            date = QLabel(format_date(entry.on), self._body)
            date.setObjectName("timelineDate")
            date.setStyleSheet(f"color: {muted}; padding-top: 2px;")
            date.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            rail = _Rail(
                entry.color, entry.upcoming, row == 0, row == len(self._entries) - 1, self._body
            )
            text = _EntryText(entry, muted, self._body)
            text.clicked.connect(self.entry_clicked)
            self.title_labels.append(text.title)
            self._grid.addWidget(date, row, 0)
            self._grid.addWidget(rail, row, 1)
            self._grid.addWidget(text, row, 2)


class _EntryText(QWidget):
    clicked = Signal(object)

    def __init__(self, entry: TimelineEntry, muted: str, parent: QWidget) -> None:
        super().__init__(parent)
        self._target = entry.target
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 12)
        layout.setSpacing(1)
        self.title = QLabel(entry.title, self)
        self.title.setWordWrap(True)
        style = "font-weight: 600;"
        if entry.upcoming:
            style += f" color: {muted};"
        self.title.setStyleSheet(style)
        layout.addWidget(self.title)
        if entry.detail:
            detail = QLabel(entry.detail, self)
            detail.setWordWrap(True)
            detail.setStyleSheet(f"color: {muted};")
            layout.addWidget(detail)
        if entry.target is not None:
            self.setCursor(Qt.CursorShape.PointingHandCursor)

    @override
    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._target is not None and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self._target)
        super().mouseReleaseEvent(event)
