"""Ctrl+Z on the References page: a delete of several references and a whole import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from scholar_desk.core.db.models import BibBlock, Reference, ReferenceLink, Tag
from scholar_desk.core.services import citations, items
from scholar_desk.core.services import references as svc
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.main_window import MainWindow
from scholar_desk.ui.workers import make_pool

LIBRARY = """@article{Smith2020, author = {Smith, John}, title = {Knee pain after surgery},
  journal = {Pain Med}, year = {2020}, doi = {10.1000/pm.1}}
@article{Doe2019, author = {Doe, Jane}, title = {Nerve blocks in the emergency department},
  journal = {Anesthesiology}, year = 2019}
@article{Roe2018, author = {Roe, Rick}, title = {Opioid tapering in primary care},
  journal = {JAMA}, year = 2018}
@article{Poe2017, author = {Poe, Pat}, title = {Sleep and chronic pain},
  journal = {Sleep}, year = 2017}
"""

SMALL = """@string{jp = {Journal of Pain}}
@article{Smith2020again, author = {Smith, John}, title = {Knee pain after surgery},
  journal = {Pain Med}, year = {2020}, doi = {10.1000/PM.1}, volume = {21}}
@article{New2023, author = {New, Nora}, title = {Spinal cord stimulation outcomes},
  journal = jp, year = 2023}
@article{New2024, author = {Nu, Ned}, title = {Pulsed radiofrequency of the genicular nerves},
  journal = jp, year = 2024}
"""


@pytest.fixture
def window(qtbot, library) -> Any:
    ctx = AppContext(library, SINGLE_USER, make_pool(), QUndoStack(), DataEvents())
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    assert ctx.pool.waitForDone(10_000)
    ctx.undo.clear()


def _library(ctx: AppContext) -> dict[str, Any]:
    with ctx.library.reading() as s:
        return {
            "refs": sorted(
                (r.id, r.citation_key, r.volume, sorted(t.name for t in r.tags))
                for r in s.scalars(select(Reference))
            ),
            "links": sorted(
                (x.reference_id, x.target_kind, x.target_id)
                for x in s.scalars(select(ReferenceLink))
            ),
            "blocks": sorted(s.scalars(select(BibBlock.text))),
            "tags": sorted(s.scalars(select(Tag.name))),
        }


def _seed(ctx: AppContext, tmp_path: Path) -> dict[str, int]:
    path = tmp_path / "library.bib"
    path.write_text(LIBRARY, encoding="utf-8")
    with ctx.library.transaction() as s:
        svc.import_files(s, SINGLE_USER, [path], tags=["mine"])
        ids = dict(s.execute(select(Reference.citation_key, Reference.id)).all())
        project = items.create_item(s, SINGLE_USER, "project", {"title": "Knee study"})
        citations.cite(s, SINGLE_USER, "project", project.id, [ids["Smith2020"], ids["Doe2019"]])
    return ids


def _ctrl_z(qtbot, window: Any) -> None:
    # The import dialog was the active window; the window is again once it closed.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.centralWidget(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def test_delete_three_selected_then_ctrl_z(qtbot, window, tmp_path: Path, monkeypatch) -> None:
    ctx = window.ctx
    ids = _seed(ctx, tmp_path)
    before = _library(ctx)
    page = window.show_page("references")
    page.reload()
    chosen = [ids["Smith2020"], ids["Doe2019"], ids["Roe2018"]]
    selection = page.table.selectionModel()
    for ref_id in chosen:
        row = page.model.row_of(ref_id)
        selection.select(
            page.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    assert sorted(page.selected_ids()) == sorted(chosen)
    boxes: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "open", lambda box: boxes.append(box))
    page.delete_selected()
    (box,) = boxes
    assert "cannot be undone" not in box.text()
    assert "Undo (Ctrl+Z) brings them back" in box.text()
    assert "2 of them are cited" in box.text()
    box.accepted.emit()
    assert page.model.rowCount() == 1
    gone = _library(ctx)
    assert [r[1] for r in gone["refs"]] == ["Poe2017"]
    assert gone["links"] == []
    assert ctx.undo.undoText() == "Delete 3 references"

    _ctrl_z(qtbot, window)
    assert _library(ctx) == before
    qtbot.waitUntil(lambda: page.model.rowCount() == 4)
    with ctx.library.reading() as s:
        cited = {link.reference_id for link in s.scalars(select(ReferenceLink))}
    assert cited == {ids["Smith2020"], ids["Doe2019"]}
    window.redo_action.trigger()
    assert [r[1] for r in _library(ctx)["refs"]] == ["Poe2017"]


def test_import_a_small_bib_then_ctrl_z(qtbot, window, tmp_path: Path) -> None:
    ctx = window.ctx
    _seed(ctx, tmp_path)
    before = _library(ctx)
    small = tmp_path / "small.bib"
    small.write_text(SMALL, encoding="utf-8")
    page = window.show_page("references")
    dialog = page.import_files([small])
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10_000)
    assert "Undo (Ctrl+Z) takes the whole import back" in dialog._summary.text()
    dialog.set_choice(svc.OnDuplicate.MERGE)
    with qtbot.waitSignal(page.import_finished, timeout=10_000):
        dialog._buttons.accepted.emit()
    after = _library(ctx)
    assert len(after["refs"]) == len(before["refs"]) + 2
    assert ("Smith2020", "21") in [(r[1], r[2]) for r in after["refs"]]  # merged in
    assert len(after["blocks"]) == 1
    assert ctx.undo.count() == 1
    _ctrl_z(qtbot, window)
    assert _library(ctx) == before
    qtbot.waitUntil(lambda: page.model.rowCount() == 4)
    window.redo_action.trigger()
    again = _library(ctx)
    assert sorted(r[1] for r in again["refs"]) == sorted(r[1] for r in after["refs"])
    assert ("Smith2020", "21") in [(r[1], r[2]) for r in again["refs"]]
