"""References page: no sideways jump on a click, a detail pane that follows the current row,
Save in sight, and a Delete question that says what cites the references."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QSize, Qt

from scholar_desk.core.services import citations, items
from scholar_desk.core.services import references as svc
from scholar_desk.ui.pages.references_page import ReferencesPage


def _page(qtbot, ctx) -> ReferencesPage:
    page = ReferencesPage(ctx)
    qtbot.addWidget(page)
    page.resize(QSize(820, 560))
    page.show()
    qtbot.waitExposed(page)
    return page


def test_clicking_a_row_does_not_scroll_sideways(qtbot, demo_ctx):
    page = _page(qtbot, demo_ctx("fellow1"))
    for column in range(page.model.columnCount()):
        page.table.setColumnWidth(column, 260)  # wider than the view: it can scroll
    bar = page.table.horizontalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(0)
    last = page.model.columnCount() - 1
    rect = page.table.visualRect(page.model.index(2, last))
    click_at = rect.center()
    click_at.setX(min(click_at.x(), page.table.viewport().width() - 3))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=click_at)
    assert page.table.currentIndex().row() == 2
    assert bar.value() == 0


def test_the_detail_follows_the_current_row_and_clears_when_it_leaves(qtbot, demo_ctx):
    page = _page(qtbot, demo_ctx("fellow1"))
    page.table.selectRow(0)
    first = page.model.id_at(0)
    assert page.detail.detail.id == first
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert page.detail.detail.id == page.model.id_at(1)
    # Shift+Down extends the selection: the pane shows the row the cursor is on.
    qtbot.keyClick(page.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert page.detail.detail.id == page.model.id_at(2)
    shown = page.detail.detail
    page.model.set_search("zzzz-nothing-matches")
    assert page.model.row_of(shown.id) < 0
    assert page.detail.detail is None
    assert not page.detail.isEnabled()


def test_save_is_in_sight_without_scrolling(qtbot, demo_ctx):
    page = _page(qtbot, demo_ctx("fellow1"))
    page.table.selectionModel().setCurrentIndex(
        page.model.index(0, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    save = page.detail.save_button
    assert save.isVisible()
    top_left = save.mapTo(page.detail, save.rect().topLeft())
    bottom_right = save.mapTo(page.detail, save.rect().bottomRight())
    assert page.detail.rect().contains(top_left)
    assert page.detail.rect().contains(bottom_right)
    assert not page.detail._scroll.isAncestorOf(save)


def test_delete_says_how_many_are_cited_and_by_what(qtbot, demo_ctx):
    ctx = demo_ctx("fellow1")
    page = _page(qtbot, ctx)
    with ctx.library.reading() as session:
        abstract = next(
            a for a in items.list_items(session, ctx.actor, "abstract")
            if citations.citations(session, ctx.actor, "abstract", a.id)
        )  # fmt: skip
        cited = [
            c.reference_id
            for c in citations.citations(session, ctx.actor, "abstract", abstract.id)
        ]
        listed = [page.model.id_at(r) for r in range(page.model.rowCount())]
        uncited = [i for i in listed if not svc.links_of(session, ctx.actor, i)]
    question = page.delete_question([cited[0], cited[1]])
    assert question.startswith("Delete 2 references? 2 of them are cited by abstract “")
    assert abstract.label[:20] in question
    assert question.endswith("those citations are removed too.")
    if uncited:
        one = page.delete_question([cited[0], uncited[0]])
        assert one.startswith("Delete 2 references? 1 of them is cited by ")
        assert page.delete_question(uncited[:1]) == (
            "Delete 1 reference? It is not cited; its tags go with it."
        )


def test_duplicates_show_both_titles_side_by_side(qtbot, demo_ctx, tmp_path):
    ctx = demo_ctx("fellow1")
    page = _page(qtbot, ctx)
    with ctx.library.reading() as session:
        path = tmp_path / "again.bib"
        svc.export_bib(session, ctx.actor, path, ids=[page.model.id_at(0)])
    dialog = page.import_files([path])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10000)
    table = dialog._duplicates
    assert table.rowCount() == 1
    incoming, there = table.item(0, 1).text(), table.item(0, 2).text()
    assert incoming
    assert incoming == there
    width = table.viewport().width()
    assert table.columnWidth(1) >= width // 4
    assert table.columnWidth(2) >= width // 4
    assert table.item(0, 0).text().startswith("again.bib, line ")
    assert "Key: " in table.item(0, 2).toolTip()
    dialog.reject()


def test_import_problems_name_entry_field_and_line_with_the_raw_text(qtbot, demo_ctx, data_dir):
    page = _page(qtbot, demo_ctx("fellow1"))
    dialog = page.import_files([data_dir / "bib" / "traps.bib"])
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10000)
    messages = [dialog._problems.item(r, 3).text() for r in range(dialog._problems.rowCount())]
    assert "Entry Broken2020: unbalanced brace in `title`, line 22; skipped." in messages
    row = messages.index("Entry Broken2020: unbalanced brace in `title`, line 22; skipped.")
    dialog._problems.setCurrentCell(row, 3)
    assert dialog.raw_text.toPlainText().startswith("@article{Broken2020,")
    assert "title = {This entry is broken" in dialog.raw_text.toPlainText()
    dialog.reject()
