"""Every control a screen reader can reach has a name: every page, detail page and dialog.

The name is what Qt's accessibility interface reports (QAccessible), so a buddy label
counts exactly when Qt exposes it, and an icon-only button needs its own name.
"""

from __future__ import annotations

import datetime as dt

import pytest
from dialog_walk import _dialog_classes, _dialogs
from PySide6.QtGui import QAccessible, QUndoStack
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QCalendarWidget,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QSlider,
    QTextEdit,
    QWidget,
)

from scholar_desk.core.services import accounts, demo
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.main_window import MainWindow
from scholar_desk.ui.pages.record_list_page import RecordListPage
from scholar_desk.ui.workers import make_pool

INTERACTIVE = (
    QLineEdit,
    QTextEdit,
    QPlainTextEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractButton,
    QAbstractItemView,
    QSlider,
)


def _inside_a_control(widget: QWidget) -> bool:
    """Parts Qt names itself: a combo's line edit, a spin box's, a calendar's, headers."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox | QAbstractSpinBox | QCalendarWidget | QLineEdit):
            return True
        if isinstance(parent, QAbstractItemView) and isinstance(
            widget, QAbstractButton | QAbstractItemView
        ):
            return True  # header views and the corner button
        parent = parent.parentWidget()
    return widget.objectName().startswith("qt_")


def unnamed_controls(root: QWidget) -> list[str]:
    """Interactive widgets under ``root`` whose accessible name is empty."""
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or _inside_a_control(widget):
            continue
        iface = QAccessible.queryAccessibleInterface(widget)
        name = iface.text(QAccessible.Text.Name) if iface is not None else ""
        if not name.strip():
            found.append(
                f"{type(widget).__name__} {widget.objectName()!r} in "
                f"{type(widget.parentWidget()).__name__} (tooltip {widget.toolTip()!r})"
            )
    return found


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    from scholar_desk.core.db.library import Library

    path = tmp_path_factory.mktemp("a11y") / "demo.sqlite3"
    lib = Library.open(path)
    with lib.transaction() as s:
        demo.fill(s, today=dt.date(2026, 11, 27))
    lib.close()
    return path


@pytest.fixture
def ctx(qtbot, demo_file):
    from scholar_desk.core.db.library import Library

    lib = Library.open(demo_file)
    with lib.transaction() as s:
        director = accounts.try_login(s, "director", "demo").actor
    assert director is not None
    pool = make_pool()
    context = AppContext(lib, director, pool, QUndoStack(), DataEvents())
    yield context
    assert pool.waitForDone(5000)
    context.undo.clear()
    lib.close()


@pytest.fixture
def window(qtbot, ctx):
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_every_page_and_detail_page_names_its_controls(qtbot, window):
    problems: dict[str, list[str]] = {}
    for key in window.page_keys():
        page = window.show_page(key)
        problems[key] = unnamed_controls(page)
        if isinstance(page, RecordListPage) and page.detail_factory is not None:
            assert page.proxy.rowCount() > 0, key
            page.table.selectRow(0)
            page.open_current()
            problems[f"{key} detail"] = unnamed_controls(page)
            page.close_detail()
    problems["window"] = unnamed_controls(window)
    assert [f"{k}: {w}" for k, v in problems.items() for w in v] == []
    assert {"projects detail", "submissions detail", "abstracts detail"} <= set(problems)


def test_every_dialog_names_its_controls(qtbot, window, ctx, data_dir):
    openers = _dialogs(ctx, window, data_dir)
    missing = _dialog_classes() - set(openers)
    assert not missing, f"add these dialogs to the walk: {sorted(missing)}"
    problems = {}
    for name, open_dialog in openers.items():
        dialog = open_dialog()
        qtbot.addWidget(dialog)
        dialog.show()
        problems[name] = unnamed_controls(dialog)
        dialog.hide()
    assert [f"{k}: {w}" for k, v in problems.items() for w in v] == []


def test_every_kind_of_editor_names_its_fields(qtbot, ctx):
    from scholar_desk.core.services.kinds import KINDS
    from scholar_desk.ui.dialogs.record_editor import RecordEditor

    for kind in KINDS:
        editor = RecordEditor(ctx, kind)
        qtbot.addWidget(editor)
        assert unnamed_controls(editor) == [], kind
        for spec in editor.kind.fields:
            assert editor.fields[spec.name].widget.accessibleName() == spec.label


def test_the_walk_finds_an_unnamed_control(qtbot):
    root = QWidget()
    qtbot.addWidget(root)
    QLineEdit(root)
    named = QLineEdit(root)
    named.setAccessibleName("Named")
    assert len(unnamed_controls(root)) == 1
