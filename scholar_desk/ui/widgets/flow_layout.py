"""A layout that places its items left to right and wraps onto a new line when full."""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget
from typing_extensions import override


class FlowLayout(QLayout):
    """Items in reading order, wrapping at the right edge (a chain of journals, chips).

    An item wider than the whole line gets the line's width: a widget that elides its
    text (see `project_detail._ChainStep`) then shortens itself instead of being cut.
    """

    def __init__(self, parent: QWidget | None = None, spacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._height = 0  # the height the last placing took, at the width it was given
        self.setSpacing(spacing)
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    @override
    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def addLayout(self, layout: QLayout) -> None:  # as QBoxLayout names it
        """Place a nested layout (a row of chips) as one item."""
        self.addChildLayout(layout)
        self.addItem(layout)

    @override
    def count(self) -> int:
        return len(self._items)

    @override
    def itemAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items[index] if 0 <= index < len(self._items) else None

    @override
    def takeAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    @override
    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    @override
    def hasHeightForWidth(self) -> bool:
        return True

    @override
    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), move=False)

    @override
    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        height = self._place(rect, move=True)
        if height != self._height:
            # Wrapped onto more (or fewer) lines: the minimum height below changed, so
            # the layouts above make room once this pass is over.
            self._height = height
            # With the layout as the timer's context: no call once it is deleted.
            QTimer.singleShot(0, self, self.update)

    @override
    def sizeHint(self) -> QSize:
        width = sum(i.sizeHint().width() for i in self._items)
        width += self.spacing() * max(len(self._items) - 1, 0)
        height = max((i.sizeHint().height() for i in self._items), default=0)
        margins = self.contentsMargins()
        return QSize(
            width + margins.left() + margins.right(), height + margins.top() + margins.bottom()
        )

    @override
    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        size += QSize(margins.left() + margins.right(), margins.top() + margins.bottom())
        # The lines it wraps onto at its present width: a box layout above that knows no
        # height-for-width (a scroll area, a splitter) still keeps that room.
        return QSize(size.width(), max(size.height(), self._height))

    def _place(self, rect: QRect, *, move: bool) -> int:
        """Lay the items out in ``rect`` (or only measure); returns the height used.

        Items of a line are centred on it (a small arrow beside a tall chip).
        """
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        gap = self.spacing()
        lines: list[list[tuple[QLayoutItem, QSize]]] = [[]]
        x = area.x()
        for item in self._items:
            hint = item.sizeHint()
            size = QSize(min(hint.width(), max(area.width(), 1)), hint.height())
            if lines[-1] and x + size.width() > area.x() + area.width():
                lines.append([])
                x = area.x()
            lines[-1].append((item, size))
            x += size.width() + gap
        y = area.y()
        for number, line in enumerate(lines):
            height = max((size.height() for _, size in line), default=0)
            x = area.x()
            for item, size in line:
                if move:
                    top = y + (height - size.height()) // 2
                    item.setGeometry(QRect(QPoint(x, top), size))
                x += size.width() + gap
            y += height + (gap if number < len(lines) - 1 else 0)
        return y - rect.y() + margins.bottom()
