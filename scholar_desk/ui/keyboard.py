"""Keyboard paths between a filter box and its results, shared by every list page."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QWidget
from typing_extensions import override

# Shortcuts that a line edit would otherwise take for itself (Ctrl+E moves to the end of
# the line on Linux) but that mean a window action while a filter box has the focus.
_WINDOW_KEYS = (QKeySequence("Ctrl+E"),)


class _FilterKeys(QObject):
    """Down or Enter in the filter box goes to the results; Ctrl+E reaches the window."""

    def __init__(self, edit: QLineEdit, view: QAbstractItemView) -> None:
        super().__init__(edit)
        self._view = view

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            pressed = QKeySequence(event.keyCombination())
            if any(pressed.matches(key) == QKeySequence.SequenceMatch.ExactMatch
                   for key in _WINDOW_KEYS):  # fmt: skip
                # Give the action a record to work on (the first match) before it fires.
                select_first_row(self._view)
                event.ignore()
                return True
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.modifiers()
            in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self._view.model() is not None
            and self._view.model().rowCount() > 0
        ):
            self._view.setFocus(Qt.FocusReason.TabFocusReason)
            select_first_row(self._view)
            return True
        return False


class _FirstRowOnFocus(QObject):
    """Tabbing into a table selects its first row, so Enter and Ctrl+E have a target."""

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.FocusIn
            and isinstance(event, QFocusEvent)
            and event.reason()
            in (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason)
            and isinstance(watched, QAbstractItemView)
        ):
            select_first_row(watched)
        return False


def select_first_row(view: QAbstractItemView) -> None:
    """Make the first row current and selected, unless a row already is."""
    model = view.model()
    selection = view.selectionModel()
    if model is None or selection is None or model.rowCount() == 0:
        return
    if selection.hasSelection() and view.currentIndex().isValid():
        return
    first = model.index(0, 0)
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
    if view.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows:
        flags |= QItemSelectionModel.SelectionFlag.Rows
    selection.setCurrentIndex(first, flags)
    view.scrollTo(first)


def link_filter_to_results(edit: QLineEdit, view: QAbstractItemView) -> None:
    """Wire the keyboard path from a filter box into its table or list.

    Down or Enter moves into the results with the first row selected; Tab reaches the
    results next; tabbing into them selects the first row; Ctrl+E in the box still
    opens the current (or first) record.
    """
    edit.installEventFilter(_FilterKeys(edit, view))
    follow_focus_to_first_row(view)
    QWidget.setTabOrder(edit, view)


def follow_focus_to_first_row(view: QAbstractItemView) -> None:
    """Tabbing into ``view`` selects its first row when nothing is selected."""
    view.installEventFilter(_FirstRowOnFocus(view))


def with_mnemonics(titles: list[str], reserved: str = "") -> list[str]:
    """Each title with an ``&`` before a letter no earlier title (nor ``reserved``) took.

    The first letter is preferred, then the first letter of a later word, then any
    letter; a title with no free letter keeps none.
    """
    taken = set(reserved.casefold())
    out = []
    for title in titles:
        starts = [0] + [i + 1 for i, ch in enumerate(title) if ch == " "]
        order = starts + [i for i in range(len(title)) if i not in starts]
        chosen = next(
            (i for i in order if title[i].isalnum() and title[i].casefold() not in taken), None
        )
        if chosen is None:
            out.append(title)
            continue
        taken.add(title[chosen].casefold())
        out.append(f"{title[:chosen]}&{title[chosen:]}")
    return out


def page_shortcut(number: int, menu_text: str) -> QKeySequence:
    """Ctrl+1 to Ctrl+9 and Ctrl+0 for the first ten pages, Ctrl+Shift+mnemonic after."""
    if number <= 10:
        return QKeySequence(f"Ctrl+{number % 10}")
    index = menu_text.find("&")
    letter = menu_text[index + 1].upper() if 0 <= index < len(menu_text) - 1 else ""
    return QKeySequence(f"Ctrl+Shift+{letter}") if letter else QKeySequence()
