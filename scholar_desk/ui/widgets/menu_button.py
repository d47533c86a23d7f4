"""A button that does one thing when clicked and offers related ones in its menu."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton, QWidget


def menu_button(
    parent: QWidget,
    text: str,
    tooltip: str,
    slot: Callable[[], Any],
    more: Sequence[tuple[str, Callable[[], Any]]],
) -> QToolButton:
    """``text`` runs ``slot`` when clicked; its arrow opens a menu with it and ``more``."""
    button = QToolButton(parent)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
    action = QAction(text, parent)
    action.setToolTip(tooltip)
    action.triggered.connect(slot)
    button.setDefaultAction(action)
    menu = QMenu(button)
    menu.addAction(action)
    for label, extra in more:
        menu.addAction(label, extra)
    button.setMenu(menu)
    return button
