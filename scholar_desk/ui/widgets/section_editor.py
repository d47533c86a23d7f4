"""One section of an abstract being edited: heading, text that grows, its own count."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent, QTextLayout
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from scholar_desk.ui import icons


class GrowingTextEdit(QPlainTextEdit):
    """A plain text box that grows with its text, so the page scrolls instead of the box."""

    def __init__(self, parent: QWidget, min_lines: int = 3) -> None:
        super().__init__(parent)
        self._min_lines = min_lines
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setTabChangesFocus(True)
        self.textChanged.connect(self._fit)
        self._fit()

    def _fit(self, *_: object) -> None:
        # Wrapped lines of every block, measured at the current width.
        width = max(50, self.viewport().width() - 2 * int(self.document().documentMargin()))
        metrics = self.fontMetrics()
        lines = 0
        block = self.document().begin()
        while block.isValid():
            layout = QTextLayout(block.text(), self.font())
            layout.beginLayout()
            while True:
                line = layout.createLine()
                if not line.isValid():
                    break
                line.setLineWidth(width)
                lines += 1
            layout.endLayout()
            block = block.next()
        lines = max(self._min_lines, lines)
        self.setFixedHeight(lines * metrics.lineSpacing() + 14)

    @override
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()


class SectionEditor(QFrame):
    """One section: a heading, its text and its own count."""

    changed = Signal()
    remove_requested = Signal(object)

    def __init__(self, heading: str, body: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("sectionEditor")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 6)
        layout.setSpacing(4)
        top = QHBoxLayout()
        top.setSpacing(6)
        self.heading_edit = QLineEdit(heading, self)
        self.heading_edit.setAccessibleName("Section heading")
        self.heading_edit.setPlaceholderText("Heading")
        self.heading_edit.setObjectName("sectionHeading")
        font = self.heading_edit.font()
        font.setBold(True)
        self.heading_edit.setFont(font)
        self.heading_edit.setFrame(False)
        self.heading_edit.setStyleSheet("QLineEdit#sectionHeading { background: transparent; }")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("hint")
        self.remove_button = QToolButton(self)
        self.remove_button.setIcon(icons.icon("delete"))
        self.remove_button.setAutoRaise(True)
        self.remove_button.setToolTip("Remove this section")
        self.remove_button.setAccessibleName(f"Remove section {heading}".rstrip())
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        top.addWidget(self.heading_edit, 1)
        top.addWidget(self.count_label)
        top.addWidget(self.remove_button)
        layout.addLayout(top)
        self.body_edit = GrowingTextEdit(self)
        self.body_edit.setPlainText(body)
        self.body_edit.setAccessibleName(f"{heading or 'Section'} text")
        self.body_edit.setPlaceholderText(f"Write the {heading.lower() or 'section'} here")
        layout.addWidget(self.body_edit)
        self.heading_edit.textChanged.connect(self.changed)
        self.body_edit.textChanged.connect(self.changed)

    def value(self) -> tuple[str, str]:
        """``(heading, body)`` as typed."""
        return self.heading_edit.text(), self.body_edit.toPlainText()
