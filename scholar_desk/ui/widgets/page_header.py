"""The heading every page starts with: a title and a quiet line beside it (counts, dates)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QWidget

PAGE_MARGINS = (24, 18, 24, 16)
"""Left, top, right, bottom margins of a page, as the list pages have them."""


def page_header(parent: QWidget, title: str) -> tuple[QHBoxLayout, QLabel, QLabel]:
    """A row with the page title and a subtitle label; returns (row, title, subtitle)."""
    row = QHBoxLayout()
    row.setSpacing(8)
    title_label = QLabel(title, parent)
    title_label.setObjectName("pageTitle")
    subtitle = QLabel(parent)
    subtitle.setObjectName("pageSubtitle")
    row.addWidget(title_label)
    row.addWidget(subtitle, 0, Qt.AlignmentFlag.AlignBottom)
    row.addStretch(1)
    return row, title_label, subtitle


def set_page_margins(layout: QBoxLayout) -> None:
    """Give a page's outer layout the margins and spacing every page uses."""
    layout.setContentsMargins(*PAGE_MARGINS)
    layout.setSpacing(12)
