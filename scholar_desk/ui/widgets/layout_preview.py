"""Paints a slide `Layout` with QPainter: the same boxes, lines and pictures as the file."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QImage,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget
from typing_extensions import override

from scholar_desk.core.formats.layout import (
    EMU_PER_PT,
    Color,
    Item,
    Layout,
    PictureBox,
    ShapeBox,
    Slide,
    TableBox,
    TextBox,
)
from scholar_desk.core.formats.text_fit import bullet_indent_pt, resolve_face, wrap_lines

_PAINT_FAMILY: dict[str, str] = {}


def _register_fonts() -> None:
    """Make the shipped Carlito available to Qt so Calibri text paints with its metrics."""
    if _PAINT_FAMILY:
        return
    folder = Path(str(resources.files("scholar_desk.resources"))) / "fonts"
    for path in sorted(folder.glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if families:
            _PAINT_FAMILY.setdefault("calibri", families[0])
    _PAINT_FAMILY.setdefault("calibri", "Sans Serif")


def _qcolor(color: Color) -> QColor:
    return QColor(color.r, color.g, color.b)


class LayoutPreview(QWidget):
    """Shows one page of a layout, scaled to fit, with the template's background."""

    page_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _register_fonts()
        self._layout: Layout | None = None
        self._page = 0
        self._images: dict[int, QImage] = {}
        self._message = ""
        self._map = (1.0, 0.0, 0.0)
        self.setMinimumSize(320, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_layout(self, layout: Layout | None) -> None:
        """Show ``layout`` from its first page (``None`` clears the preview)."""
        self._layout = layout
        self._images.clear()
        self._message = ""
        self._page = 0
        self.update()
        self.page_changed.emit(0)

    def set_message(self, text: str) -> None:
        """Show a sentence instead of a page (while building, or when it failed)."""
        self._message = text
        self._layout = None
        self.update()

    def page_count(self) -> int:
        """Number of pages in the layout."""
        return len(self._layout.slides) if self._layout else 0

    def page(self) -> int:
        """The page shown, from 0."""
        return self._page

    def set_page(self, index: int) -> None:
        """Show page ``index`` (clamped)."""
        count = self.page_count()
        if not count:
            return
        self._page = max(0, min(index, count - 1))
        self.update()
        self.page_changed.emit(self._page)

    @override
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.fillRect(self.rect(), self.palette().window())
        if self._layout is None or not self._layout.slides:
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self._message or "No preview",
            )
            painter.end()
            return
        layout = self._layout
        margin = 8.0
        scale = min(
            (self.width() - 2 * margin) / layout.width,
            (self.height() - 2 * margin) / layout.height,
        )
        ox = (self.width() - layout.width * scale) / 2
        oy = (self.height() - layout.height * scale) / 2
        # EMU are mapped to pixels by hand (`_rect`): text sized in EMU under a tiny
        # painter scale does not render.
        self._map = (scale, ox, oy)
        painter.fillRect(
            self._rect(0, 0, layout.width, layout.height), _qcolor(layout.background_color)
        )
        slide: Slide = layout.slides[self._page]
        for item in (*slide.background, *slide.items):
            self._paint_item(painter, item)
        painter.setPen(QPen(QColor(160, 160, 160), 0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(self._rect(0, 0, layout.width, layout.height))
        painter.end()

    def _rect(self, x: float, y: float, w: float, h: float) -> QRectF:
        scale, ox, oy = self._map
        return QRectF(ox + x * scale, oy + y * scale, w * scale, h * scale)

    def _paint_item(self, painter: QPainter, item: Item) -> None:
        rect = self._rect(item.x, item.y, item.w, item.h)
        if isinstance(item, ShapeBox):
            painter.setPen(QPen(_qcolor(item.line), 0) if item.line else Qt.PenStyle.NoPen)
            painter.setBrush(_qcolor(item.fill) if item.fill else Qt.BrushStyle.NoBrush)
            if item.rounded:
                radius = min(rect.width(), rect.height()) * 0.08
                painter.drawRoundedRect(rect, radius, radius)
            else:
                painter.drawRect(rect)
        elif isinstance(item, PictureBox):
            image = self._images.get(id(item.data))
            if image is None:
                image = QImage.fromData(item.data)
                self._images[id(item.data)] = image
            if not image.isNull():
                painter.drawImage(rect, image)
        elif isinstance(item, TextBox):
            self._paint_text(painter, item)
        elif isinstance(item, TableBox):
            self._paint_table(painter, item)

    def _paint_table(self, painter: QPainter, table: TableBox) -> None:
        y = table.y
        for r, height in enumerate(table.row_heights):
            fill = table.header_fill if r == 0 else (table.band_fill if r % 2 == 0 else None)
            x = table.x
            for c, width in enumerate(table.col_widths):
                self._paint_text(
                    painter,
                    TextBox(
                        x,
                        y,
                        width,
                        height,
                        table.cells[r][c],
                        font=table.font,
                        anchor="middle",
                        insets=table.insets,
                        fill=fill,
                        color=table.header_color if r == 0 else table.color,
                    ),
                )
                x += width
            y += height

    def _paint_text(self, painter: QPainter, box: TextBox) -> None:
        if box.fill is not None:
            painter.fillRect(self._rect(box.x, box.y, box.w, box.h), _qcolor(box.fill))
        face = resolve_face(box.font)
        family = _PAINT_FAMILY.get(box.font.lower(), box.font)
        inner_w = box.w - box.insets.left - box.insets.right
        blocks = []
        total = 0.0
        for i, paragraph in enumerate(box.paragraphs):
            before = paragraph.space_before_pt * EMU_PER_PT if i else 0.0
            lines = wrap_lines(paragraph, inner_w, face)
            blocks.append((paragraph, before, lines))
            total += before + len(lines) * paragraph.line_height_pt * EMU_PER_PT
        room = box.h - box.insets.top - box.insets.bottom
        y = float(box.y + box.insets.top)
        if box.anchor == "middle":
            y += max(0.0, (room - total) / 2)
        elif box.anchor == "bottom":
            y += max(0.0, room - total)
        scale, ox, oy = self._map
        for paragraph, before, lines in blocks:
            y += before
            size = paragraph.size_pt * EMU_PER_PT
            line_h = paragraph.line_height_pt * EMU_PER_PT
            indent = bullet_indent_pt(paragraph) * EMU_PER_PT
            color = _qcolor(paragraph.color or box.color)
            px = size * scale
            for n, segments in enumerate(lines):
                fonts = []
                width = 0.0
                for seg in segments:
                    font = QFont(family)
                    font.setPixelSize(max(1, round(px * (0.65 if seg.superscript else 1.0))))
                    font.setBold(seg.bold or paragraph.bold)
                    font.setItalic(seg.italic)
                    font.setUnderline(seg.underline)
                    advance = QFontMetricsF(font).horizontalAdvance(seg.text)
                    fonts.append((seg, font, advance))
                    width += advance
                avail = (inner_w - indent) * scale
                x = ox + (box.x + box.insets.left + indent) * scale
                if paragraph.align == "center":
                    x += max(0.0, (avail - width) / 2)
                elif paragraph.align == "right":
                    x += max(0.0, avail - width)
                top = oy + y * scale
                painter.setPen(color)
                if n == 0 and paragraph.bullet:
                    bullet_font = QFont(family)
                    bullet_font.setPixelSize(max(1, round(px)))
                    painter.setFont(bullet_font)
                    bx = ox + (box.x + box.insets.left + indent - size * 0.9) * scale
                    painter.drawText(
                        QRectF(bx, top, px, line_h * scale),
                        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                        "\u2022",
                    )
                for seg, font, advance in fonts:
                    painter.setFont(font)
                    shift = -px * 0.35 if seg.superscript else 0.0
                    painter.drawText(
                        QRectF(x, top + shift, advance + px, line_h * scale),
                        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                        seg.text,
                    )
                    x += advance
                y += line_h
