"""The operation object through the real widgets: writes that were not undoable now are."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget

from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import ValidationError
from scholar_desk.core.services import abstracts, items
from scholar_desk.core.services import references as svc
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.operations import Operation, Unit
from scholar_desk.ui.pages import abstract_editor
from scholar_desk.ui.pages.abstract_editor import AbstractEditor
from scholar_desk.ui.pages.references_page import ReferencesPage
from scholar_desk.ui.workers import make_pool

BIB = """
@article{Smith2020, author = {Smith, Anna}, title = {Spinal cord stimulation outcomes},
  journal = {PM}, year = {2020}}
@article{Doe2019, author = {Doe, John}, title = {Radiofrequency ablation}, journal = {A},
  year = {2019}}
"""


@pytest.fixture
def ctx(library: Library) -> Iterator[AppContext]:
    pool = make_pool()
    context = AppContext(library, SINGLE_USER, pool, QUndoStack())
    yield context
    assert pool.waitForDone(10000)
    context.undo.clear()


@pytest.fixture
def abstract_ids(library: Library) -> dict[str, int]:
    with library.transaction() as s:
        maya = items.create_item(
            s, SINGLE_USER, "person", {"given_name": "Maya", "family_name": "Patel"}
        )
        ruth = items.create_item(
            s, SINGLE_USER, "person", {"given_name": "Ruth", "family_name": "Hammond"}
        )
        ab = items.create_item(s, SINGLE_USER, "abstract", {"title": "SCS"})
    return {"maya": maya.id, "ruth": ruth.id, "abstract": ab.id}


def _editor(qtbot, ctx: AppContext, abstract_id: int) -> AbstractEditor:
    editor = AbstractEditor(ctx, abstract_id)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def _byline(library: Library, abstract_id: int) -> list[tuple[str, bool]]:
    with library.reading() as s:
        detail = abstracts.get_abstract_detail(s, SINGLE_USER, abstract_id)
    return [(a.name, a.presenting) for a in detail.authors]


def _shown(editor: AbstractEditor) -> list[str]:
    return [editor.authors_list.item(i).text() for i in range(editor.authors_list.count())]


def test_author_edits_in_the_abstract_editor_are_undoable(qtbot, ctx, abstract_ids, library):
    editor = _editor(qtbot, ctx, abstract_ids["abstract"])
    for person in ("maya", "ruth"):
        editor.person_combo.setCurrentIndex(editor.person_combo.findData(abstract_ids[person]))
        qtbot.mouseClick(editor.add_author_button, Qt.MouseButton.LeftButton)
    editor.authors_list.setCurrentRow(1)
    editor.move_author(-1)
    assert _byline(library, abstract_ids["abstract"]) == [
        ("Ruth Hammond", False),
        ("Maya Patel", True),
    ]
    assert ctx.undo.count() == 3
    assert ctx.undo.undoText() == "Change the abstract's authors"

    ctx.undo.undo()  # the move
    assert _byline(library, abstract_ids["abstract"]) == [
        ("Maya Patel", True),
        ("Ruth Hammond", False),
    ]
    assert _shown(editor) == ["1. Maya Patel  (presenting)", "2. Ruth Hammond"]
    ctx.undo.undo()  # Ruth added
    ctx.undo.undo()  # Maya added
    assert _byline(library, abstract_ids["abstract"]) == []
    assert editor.authors_list.count() == 0
    ctx.undo.redo()
    ctx.undo.redo()
    ctx.undo.redo()
    assert _byline(library, abstract_ids["abstract"])[0] == ("Ruth Hammond", False)
    assert _shown(editor)[0] == "1. Ruth Hammond"


def test_figure_edits_in_the_abstract_editor_are_undoable(
    qtbot, ctx, abstract_ids, library, monkeypatch, tmp_path: Path
):
    png = tmp_path / "nrs.png"
    Image.new("RGB", (60, 40), "navy").save(png)
    editor = _editor(qtbot, ctx, abstract_ids["abstract"])
    monkeypatch.setattr(abstract_editor.ImagePicker, "ask", staticmethod(lambda parent: str(png)))
    qtbot.mouseClick(editor.add_image_button, Qt.MouseButton.LeftButton)
    assert editor.images_list.count() == 1
    assert ctx.undo.undoText() == "Add a figure"
    ctx.undo.undo()
    assert editor.images_list.count() == 0
    ctx.undo.redo()
    assert editor.images_list.count() == 1

    editor.images_list.setCurrentRow(0)
    editor.remove_image()
    assert editor.images_list.count() == 0
    assert ctx.undo.undoText() == "Remove a figure"
    ctx.undo.undo()
    assert editor.images_list.count() == 1
    with library.reading() as s:
        detail = abstracts.get_abstract_detail(s, SINGLE_USER, abstract_ids["abstract"])
    assert [Path(i.path).name for i in detail.images] == ["nrs.png"]
    ctx.undo.redo()
    assert editor.images_list.count() == 0


def _keys(ctx: AppContext) -> list[str]:
    with ctx.library.reading() as session:
        return sorted(row["citation_key"] for row in svc.list_references(session, SINGLE_USER))


def test_rekey_is_undoable(qtbot, ctx, tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    with ctx.library.transaction() as session:
        svc.import_files(session, SINGLE_USER, [bib])
    page = ReferencesPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.table.selectAll()
    dialog = page.rekey_selected()
    assert dialog is not None
    dialog.pattern_edit.setText("{journal}{year}")
    with qtbot.waitSignal(page.status_changed, timeout=3000):
        dialog.accept()
    after = _keys(ctx)
    assert after[0] == "A2019"
    assert "Smith2020" not in after
    assert ctx.undo.undoText() == "Regenerate 2 citation keys"
    ctx.undo.undo()
    assert _keys(ctx) == ["Doe2019", "Smith2020"]
    ctx.undo.redo()
    assert _keys(ctx) == after


def test_restoring_keys_lets_two_references_swap_them(library: Library, tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    with library.transaction() as session:
        svc.import_files(session, SINGLE_USER, [bib])
        ids = {row["citation_key"]: row["id"] for row in svc.list_references(session, SINGLE_USER)}
        before = svc.restore_keys(
            session, SINGLE_USER, {ids["Smith2020"]: "Doe2019", ids["Doe2019"]: "Smith2020"}
        )
        assert before == {ids["Smith2020"]: "Smith2020", ids["Doe2019"]: "Doe2019"}
        swapped = {
            row["id"]: row["citation_key"] for row in svc.list_references(session, SINGLE_USER)
        }
        assert swapped == {ids["Smith2020"]: "Doe2019", ids["Doe2019"]: "Smith2020"}
        with pytest.raises(ValidationError):
            svc.restore_keys(session, SINGLE_USER, {ids["Smith2020"]: "Smith2020"})


def test_an_operation_announces_shows_errors_and_runs_in_the_background(qtbot, ctx) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[tuple[str, object]] = []
    ctx.events.changed.connect(lambda kind: seen.append((kind, ctx.events.origin)))
    made = Operation(
        ctx,
        parent,
        lambda s, a: items.create_item(s, a, "journal", {"name": "Pain"}),
        changes=("journal",),
    ).run()
    assert made is not None
    assert seen == [("journal", parent)]
    assert ctx.undo.count() == 0  # no undo given: nothing on the stack

    failed = Operation(
        ctx, parent, lambda s, a: items.create_item(s, a, "journal", {}), changes=("journal",)
    )
    assert failed.run() is None
    assert isinstance(failed.error, ValidationError)
    box = parent.findChild(QMessageBox)
    assert box is not None
    assert box.isVisible()
    assert len(seen) == 1  # a failed write announces nothing

    progressed: list[str] = []

    def task(session, actor, progress, cancel) -> int:
        progress(1, 1, "counted")
        return len(items.list_items(session, actor, "journal"))

    background = Operation(ctx, parent, task, unit=Unit.READ).progress(
        lambda _d, _t, message: progressed.append(message)
    )
    results: list[int] = []
    background.success(results.append)
    background.run_in_background()
    qtbot.waitUntil(lambda: results == [1], timeout=5000)
    assert progressed == ["counted"]


def test_read_words_its_own_failure_without_an_error_box(qtbot, ctx, monkeypatch) -> None:
    from scholar_desk.core.errors import NotFoundError
    from scholar_desk.ui import operations

    boxes: list[object] = []
    monkeypatch.setattr(operations, "show_error", lambda parent, exc: boxes.append(exc))

    def missing(_session, _actor):
        raise NotFoundError("That project no longer exists.")

    said = operations.read(ctx, None, missing, lambda exc: f"Cannot show it: {exc.user_message}")
    assert said == "Cannot show it: That project no longer exists."
    assert boxes == []
    assert operations.read(ctx, None, lambda _s, _a: 7, lambda _exc: 0) == 7
