"""The results table in the abstract editor: typed or pasted from a spreadsheet, undoable."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QTableWidgetItem

from scholar_desk.core.db.library import Library
from scholar_desk.core.formats.results_table import ResultsTable
from scholar_desk.core.services import abstract_table, items
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.dialogs.table_dialog import REMOVE, TableDialog
from scholar_desk.ui.pages.abstract_editor import AbstractEditor
from scholar_desk.ui.workers import make_pool

SPREADSHEET = "Outcome\tBaseline\t12 months\r\nNRS pain\t7.4\t4.3\r\nWOMAC\t58\t40\r\n"


@pytest.fixture
def ctx(library: Library) -> Iterator[AppContext]:
    pool = make_pool()
    yield AppContext(library, SINGLE_USER, pool, QUndoStack())
    assert pool.waitForDone(5000)


def test_paste_from_a_spreadsheet_gives_the_table(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = TableDialog(None)
    qtbot.addWidget(dialog)
    dialog.grid.setCurrentCell(0, 0)
    dialog.paste_text(SPREADSHEET)
    dialog.caption_edit.setText("Outcomes")
    with qtbot.waitSignal(dialog.finished):
        dialog.accept()
    table = dialog.table()
    assert table.rows == (
        ("Outcome", "Baseline", "12 months"),
        ("NRS pain", "7.4", "4.3"),
        ("WOMAC", "58", "40"),
    )
    assert table.caption == "Outcomes"


def test_too_long_cell_is_refused_in_the_dialog(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = TableDialog(ResultsTable((("A", "B"), ("1", "2"))))
    qtbot.addWidget(dialog)
    dialog.grid.setItem(1, 1, QTableWidgetItem("x" * 200))
    dialog.accept()
    assert dialog.result() == 0  # still open
    assert "line 2: a cell has 200 characters" in dialog.error.text()


def test_editor_stores_the_table_and_undo_takes_it_back(
    qtbot,
    ctx: AppContext,
    library: Library,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    with library.transaction() as s:
        abstract_id = items.create_item(s, SINGLE_USER, "abstract", {"title": "SCS"}).id
    editor = AbstractEditor(ctx, abstract_id)
    qtbot.addWidget(editor)
    assert editor.table_label.text().startswith("None")
    table = ResultsTable((("Outcome", "Baseline"), ("NRS", "7.4")), "Pain")
    monkeypatch.setattr(TableDialog, "ask", classmethod(lambda cls, parent, current: table))
    editor.edit_table()
    with library.reading() as s:
        assert abstract_table.get_table(s, SINGLE_USER, abstract_id) == table
    assert editor.table_label.text() == "2 rows \u00d7 2 columns: Pain"
    ctx.undo.undo()
    with library.reading() as s:
        assert abstract_table.get_table(s, SINGLE_USER, abstract_id) is None
    ctx.undo.redo()
    monkeypatch.setattr(TableDialog, "ask", classmethod(lambda cls, parent, current: REMOVE))
    editor.edit_table()
    with library.reading() as s:
        assert abstract_table.get_table(s, SINGLE_USER, abstract_id) is None
