"""A drop-down whose chosen text ends in "…" when it is too long for it (whole in the tooltip)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QWidget,
)
from typing_extensions import override


class ElidedComboBox(QComboBox):
    """Long choices (manuscript titles) shorten in the closed box instead of being cut.

    The list that opens shows every choice whole; `shown_text` is what the closed box
    shows, and the tooltip holds the chosen text whenever that is shortened.
    """

    def __init__(self, parent: QWidget | None = None, *, min_letters: int = 16) -> None:
        super().__init__(parent)
        # Its width comes from the layout, not from the longest choice.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(min_letters)
        self.currentIndexChanged.connect(self._update_tip)

    def _field_width(self) -> int:
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        icon = option.iconSize.width() + 4 if not option.currentIcon.isNull() else 0
        return max(field.width() - icon, 0)

    def shown_text(self) -> str:
        """The chosen text as the closed box shows it."""
        text = self.currentText()
        metrics = self.fontMetrics()
        room = self._field_width()
        if metrics.horizontalAdvance(text) <= room:
            return text
        return metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)

    def _update_tip(self) -> None:
        text = self.currentText()
        self.setToolTip(text if self.shown_text() != text else "")

    @override
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_tip()

    @override
    def paintEvent(self, event: QPaintEvent) -> None:
        if self.isEditable():
            super().paintEvent(event)
            return
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        option.currentText = self.shown_text()
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)
