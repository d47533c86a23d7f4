"""Writes that gained a core inverse: revision rounds, reviewer points, comments, merges."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import func, select

from scholar_desk.core.db.library import Library
from scholar_desk.core.db.models import Comment, Reference, ReferenceLink
from scholar_desk.core.services import citations, comments, items, submissions
from scholar_desk.core.services import references as svc
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.pages.references_page import ReferencesPage
from scholar_desk.ui.pages.submission_detail import SubmissionDetail
from scholar_desk.ui.widgets.comments_panel import CommentsPanel
from scholar_desk.ui.workers import make_pool


@pytest.fixture
def ctx(library: Library) -> Iterator[AppContext]:
    pool = make_pool()
    context = AppContext(library, SINGLE_USER, pool, QUndoStack(), DataEvents())
    yield context
    assert pool.waitForDone(5000)
    context.undo.clear()


@pytest.fixture
def submission(library: Library) -> int:
    with library.transaction() as s:
        journal = items.create_item(s, SINGLE_USER, "journal", {"name": "PAIN"})
        ms = items.create_item(s, SINGLE_USER, "manuscript", {"title": "SCS case series"})
        sub = items.create_item(
            s, SINGLE_USER, "submission", {"manuscript_id": ms.id, "journal_id": journal.id}
        )
    return sub.id


def _rounds(library: Library, sub: int) -> list[int]:
    with library.reading() as s:
        return [r.number for r in submissions.rounds(s, SINGLE_USER, sub)]


def test_adding_a_revision_round_is_undone_and_redone(qtbot, ctx, library, submission) -> None:
    page = SubmissionDetail(ctx, submission)
    qtbot.addWidget(page)
    page.add_round()
    assert _rounds(library, submission) == [1]
    assert ctx.undo.undoText() == "Add a revision round"
    ctx.undo.undo()
    assert _rounds(library, submission) == []
    ctx.undo.redo()
    assert _rounds(library, submission) == [1]


def test_a_round_with_points_is_not_taken_back(qtbot, ctx, library, submission) -> None:
    page = SubmissionDetail(ctx, submission)
    qtbot.addWidget(page)
    page.add_round()
    with library.transaction() as s:
        rnd = submissions.rounds(s, SINGLE_USER, submission)[0]
        submissions.add_point(s, SINGLE_USER, rnd.id, "Typed after the round was added")
    ctx.undo.undo()
    assert _rounds(library, submission) == [1]  # the round and its point stay
    with library.reading() as s:
        assert len(submissions.round_points(s, SINGLE_USER, rnd.id)) == 1
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
    assert any("holds 1 reviewer points now" in b.text() for b in boxes)
    for box in boxes:
        box.close()
    assert ctx.undo.count() == 0  # the refused step left the stack


def test_deleting_a_reviewer_point_is_undone_in_place(qtbot, ctx, library, submission) -> None:
    with library.transaction() as s:
        rnd = submissions.add_round(s, SINGLE_USER, submission)
        for n, text in enumerate(("First point", "Second point", "Third point"), start=1):
            p = submissions.add_point(s, SINGLE_USER, rnd.id, text, reviewer=f"Reviewer {n}")
            submissions.update_point(s, SINGLE_USER, p.id, response=f"Answer {n}", done=n == 2)
    page = SubmissionDetail(ctx, submission)
    qtbot.addWidget(page)
    before = [(p.id, p.position, p.comment, p.response, p.done) for p in page.points_model.rows()]
    page.table.selectRow(1)
    page.delete_point()
    with library.reading() as s:
        assert [p.comment for p in submissions.round_points(s, SINGLE_USER, rnd.id)] == [
            "First point",
            "Third point",
        ]
    ctx.undo.undo()
    with library.reading() as s:
        after = [
            (p.id, p.position, p.comment, p.response, p.done)
            for p in submissions.round_points(s, SINGLE_USER, rnd.id)
        ]
    assert after == before
    assert [p.comment for p in page.points_model.rows()] == [b[2] for b in before]
    ctx.undo.redo()
    with library.reading() as s:
        assert len(submissions.round_points(s, SINGLE_USER, rnd.id)) == 2


def test_a_comment_and_its_resolving_are_undone(qtbot, ctx, library) -> None:
    with library.transaction() as s:
        project = items.create_item(s, SINGLE_USER, "project", {"title": "Knee study"})
    panel = CommentsPanel(ctx, "project", project.id)
    qtbot.addWidget(panel)
    panel.editor.setPlainText("Please add the IRB number.")
    made = panel.add_comment()
    assert made is not None
    ctx.undo.undo()
    with library.reading() as s:
        assert s.scalar(select(func.count()).select_from(Comment)) == 0
    assert panel.list.count() == 0
    ctx.undo.redo()
    with library.reading() as s:
        (info,) = comments.list_comments(s, SINGLE_USER, "project", project.id)
    panel.reload()
    panel.list.setCurrentRow(0)
    assert panel.resolve_selected()
    with library.reading() as s:
        assert s.get(Comment, info.id).resolved
    ctx.undo.undo()
    with library.reading() as s:
        assert not s.get(Comment, info.id).resolved


def test_merging_duplicates_is_undone(qtbot, ctx, library, tmp_path: Path) -> None:
    path = tmp_path / "twins.bib"
    path.write_text(
        "@article{Smith2020, author = {Smith, John}, title = {Knee pain}, year = 2020,"
        " doi = {10.1000/x.1}}\n"
        "@article{Smith2020b, author = {Smith, John}, title = {Knee pain}, year = 2020,"
        " doi = {10.1000/x.1}, volume = {7}}\n",
        encoding="utf-8",
    )
    with library.transaction() as s:
        svc.import_files(s, SINGLE_USER, [path], on_duplicate="keep")
        twin = s.scalar(select(Reference.id).where(Reference.citation_key == "Smith2020b"))
        project = items.create_item(s, SINGLE_USER, "project", {"title": "Knee study"})
        citations.cite(s, SINGLE_USER, "project", project.id, [twin])
    page = ReferencesPage(ctx)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 2
    summary = page.merge_duplicates()
    assert summary is not None
    assert summary.removed == 1
    assert page.model.rowCount() == 1
    ctx.undo.undo()
    assert page.model.rowCount() == 2
    with library.reading() as s:
        keys = sorted(s.scalars(select(Reference.citation_key)))
        links = [(x.reference_id, x.target_id) for x in s.scalars(select(ReferenceLink))]
    assert keys == ["Smith2020", "Smith2020b"]
    assert links == [(twin, project.id)]
