"""Paints a status cell as a small tinted chip, in the colours of `StatusChip`."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem
from typing_extensions import override

from scholar_desk.ui.widgets.status_chip import status_color

_PAD_X = 9
_MARGIN_X = 6


class StatusDelegate(QStyledItemDelegate):
    """Draws the cell's text as a rounded chip; selection and focus look as usual."""

    @override
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        if not text:
            return
        color = QColor(status_color(text))
        dark = opt.palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5
        if dark:
            color = color.lighter(160)
        metrics = opt.fontMetrics
        height = metrics.height() + 4
        width = min(metrics.horizontalAdvance(text) + 2 * _PAD_X, opt.rect.width() - _MARGIN_X)
        rect = QRectF(
            opt.rect.x() + _MARGIN_X,
            opt.rect.y() + (opt.rect.height() - height) / 2,
            width,
            height,
        )
        painter.save()
        painter.setFont(opt.font)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        fill = QColor(opt.palette.color(QPalette.ColorRole.HighlightedText) if selected else color)
        fill.setAlphaF(0.22 if selected else 0.14)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(
            opt.palette.color(QPalette.ColorRole.HighlightedText) if selected else color
        )
        room = int(width) - 2 * _PAD_X
        if metrics.horizontalAdvance(text) > room:
            text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    @override
    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width() + 2 * _PAD_X, hint.height())
