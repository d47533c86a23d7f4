"""Keyboard only: from a filter box into its results, and on to open or edit a record."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication

from scholar_desk.core.services import items
from scholar_desk.core.services import references as svc
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.dialogs.record_editor import RecordEditor
from scholar_desk.ui.main_window import MainWindow
from scholar_desk.ui.pages.references_page import ReferencesPage
from scholar_desk.ui.workers import make_pool

BIB = """@article{Smith2020, author={Smith, Jo and Lee, Kim}, title={Knee pain after surgery},
journal={Pain Med}, year={2020}}
@article{Jones2021, author={Jones, Al}, title={Back pain in adults}, journal={Pain}, year={2021}}
"""


@pytest.fixture
def app_ctx(qtbot, library):
    pool = make_pool()
    ctx = AppContext(library, SINGLE_USER, pool, QUndoStack(), DataEvents())
    yield ctx
    assert pool.waitForDone(5000)
    ctx.undo.clear()


@pytest.fixture
def window(qtbot, app_ctx):
    for name in ("Pain", "Pain Medicine", "Anesthesiology"):
        with app_ctx.library.transaction() as s:
            items.create_item(s, app_ctx.actor, "journal", {"name": name})
    win = MainWindow(app_ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    return win


def _selected_names(page):
    return [r["name"] for r in page.selected_records()]


def _focus_filter(qtbot, page):
    page.focus_filter()
    qtbot.waitUntil(page.filter_edit.hasFocus)


def test_down_moves_from_the_filter_box_into_its_results(qtbot, window):
    page = window.show_page("journals")
    _focus_filter(qtbot, page)
    qtbot.keyClicks(page.filter_edit, "pain")
    assert page.proxy.rowCount() == 2
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Down)
    assert page.table.hasFocus()
    assert _selected_names(page) == ["Pain"]
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert _selected_names(page) == ["Pain Medicine"]


def test_tabbing_into_a_table_selects_its_first_row_so_enter_opens_it(qtbot, window):
    page = window.show_page("journals")
    _focus_filter(qtbot, page)
    assert page.selected_records() == []
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.table
    assert _selected_names(page) == ["Anesthesiology"]
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    editor = page.editor
    assert isinstance(editor, RecordEditor)
    assert editor.fields["name"].widget.text() == "Anesthesiology"
    editor.reject()


def test_ctrl_e_from_the_filter_box_edits_the_first_match(qtbot, window):
    page = window.show_page("journals")
    _focus_filter(qtbot, page)
    qtbot.keyClicks(page.filter_edit, "medicine")
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    editor = page.editor
    assert isinstance(editor, RecordEditor)
    assert editor.isVisible()
    assert editor.fields["name"].widget.text() == "Pain Medicine"
    # The line edit did not take Ctrl+E for itself.
    assert page.filter_edit.text() == "medicine"
    editor.reject()


def test_references_search_reaches_the_table_in_one_tab(qtbot, app_ctx, tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    with app_ctx.library.transaction() as session:
        svc.import_files(session, SINGLE_USER, [bib])
    page = ReferencesPage(app_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    page.search.setFocus()
    qtbot.waitUntil(page.search.hasFocus)
    qtbot.keyClick(page.search, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.table
    assert page.table.selectionModel().selectedRows()
    assert page.detail.isEnabled()

    page.search.setFocus()
    qtbot.keyClicks(page.search, "back")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert page.table.hasFocus()
    assert page.detail.edits["citation_key"].text() == "Jones2021"


def test_every_page_has_a_menu_entry_with_its_own_mnemonic_and_a_shortcut(qtbot, window):
    texts = [a.text() for a in window.go_actions]
    assert len(texts) == len(window.page_keys())
    letters = [t[t.index("&") + 1].casefold() for t in texts]  # every entry has one
    assert len(set(letters)) == len(letters)
    shortcuts = [a.shortcut().toString() for a in window.go_actions]
    assert all(shortcuts)
    assert len(set(shortcuts)) == len(shortcuts)
    assert window.go_menu.title() == "&Go"
    for action, key in zip(window.go_actions, window.page_keys(), strict=True):
        action.trigger()
        assert window.current_key() == key
    window.show_page("dashboard")
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key() == window.page_keys()[4]
