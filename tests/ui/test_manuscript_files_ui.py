"""The manuscript page: files dropped on it are kept, versioned, opened, compared, undone."""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QUndoStack
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from scholar_desk.core.db.library import Library
from scholar_desk.core.services import items, manuscript_files, submissions
from scholar_desk.core.services.manuscript_files import JournalLimits
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.pages.manuscript_detail import OVER_COLOR, ManuscriptDetail
from scholar_desk.ui.pages.project_detail import ProjectDetail
from scholar_desk.ui.widgets import files_panel
from scholar_desk.ui.widgets.files_panel import FilesPanel
from scholar_desk.ui.workers import make_pool
from tests.manuscript_data import EXPECTED, write_manuscript


@pytest.fixture
def ctx(library: Library) -> Iterator[AppContext]:
    pool = make_pool()
    yield AppContext(library, SINGLE_USER, pool, QUndoStack())
    assert pool.waitForDone(5000)


@pytest.fixture
def manuscript(library: Library) -> int:
    with library.transaction() as s:
        journal = items.create_item(s, SINGLE_USER, "journal", {"name": "Pain Medicine"}).id
        ms = items.create_item(s, SINGLE_USER, "manuscript", {"title": "GNRFA for knee OA"}).id
        sub = items.create_item(
            s, SINGLE_USER, "submission", {"manuscript_id": ms, "journal_id": journal}
        ).id
        manuscript_files.set_journal_limits(
            s, SINGLE_USER, JournalLimits(journal, "original research", words=20, tables=3)
        )
    return ms * 1000 + sub  # both ids in one int: manuscript, submission


def _drop(widget: QWidget, paths: list[Path]) -> bool:
    """Drag files onto ``widget`` and drop them, as a file manager does."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    copy, left, none = (
        Qt.DropAction.CopyAction,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with warnings.catch_warnings():
        # PySide6 marks the event constructors deprecated; a test has no other way to drop.
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(QPoint(10, 10), copy, mime, left, none)
        drop = QDropEvent(QPointF(10, 10), copy, mime, left, none)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    QApplication.sendEvent(widget, drop)
    return drop.isAccepted()


def test_drop_versions_history_counts_sent_and_undo(
    qtbot, ctx: AppContext, library: Library, manuscript: int, tmp_path: Path
) -> None:
    ms, sub = divmod(manuscript, 1000)
    page = ManuscriptDetail(ctx, ms)
    qtbot.addWidget(page)
    panel = page.files_panel
    assert page.count_labels["words"].text() == "-"
    v1 = write_manuscript(tmp_path / "draft v1.docx")
    assert _drop(panel, [v1])
    assert [(f.slot, f.version) for f in panel.files] == [("draft", 1)]
    # The draft's numbers against the journal's limits, red past a limit.
    assert page.count_labels["words"].text() == f"{EXPECTED.main_words} / 20  over the limit"
    assert page.count_labels["words"].property("over") is True
    assert OVER_COLOR in page.count_labels["words"].styleSheet()
    assert page.count_labels["tables"].text() == "1 / 3"
    assert page.count_labels["tables"].property("over") is False
    assert page.count_labels["refs"].text() == str(EXPECTED.references)
    # A second draft is a new version with its label; the history shows both.
    panel.role_combo.setCurrentIndex(panel.role_combo.findData("draft"))
    panel.label_edit.setText("v2, after co-author comments")
    v2 = write_manuscript(tmp_path / "draft v2.docx", extra="Five more words right here.")
    assert _drop(panel, [v2])
    assert [(f.version, f.current, f.label) for f in panel.files] == [
        (2, True, "v2, after co-author comments"),
        (1, False, ""),
    ]
    group = panel.tree.topLevelItem(0)
    assert group.text(0) == "Draft"
    assert group.childCount() == 2
    assert group.child(0).text(1) == "v2 (current)"
    assert group.child(0).text(3) == SINGLE_USER.username
    # Compare the word counts of the two versions.
    panel.select_ids([f.id for f in panel.files])
    text = panel.compare_selected()
    assert f"Main text words: {EXPECTED.main_words} → {EXPECTED.main_words + 5} (+5)" in text
    # Open a version: a read-only copy handed to the system's application.
    opened: list[QUrl] = []
    original = files_panel.open_url
    files_panel.open_url = lambda url: opened.append(url) or True  # type: ignore[assignment]
    try:
        panel.select_ids([panel.files[1].id])
        copy = panel.open_selected()
    finally:
        files_panel.open_url = original  # type: ignore[assignment]
    assert copy is not None
    assert opened == [QUrl.fromLocalFile(str(copy))]
    assert copy.read_bytes() == v1.read_bytes()
    assert copy.stat().st_mode & 0o777 == 0o400
    # Sending the submission records what went.
    with library.transaction() as s:
        submissions.change_status(s, SINGLE_USER, sub, "submitted")
    page.reload()
    sent = page.sent_tree.topLevelItem(0)
    assert "submitted to Pain Medicine" in sent.text(0)
    assert sent.child(0).text(0) == "draft v2: draft v2.docx"
    # Remove the current version, then undo brings it back with its id.
    current = panel.files[0]
    panel.select_ids([current.id])
    panel.remove_selected()
    assert [f.version for f in panel.files] == [1]
    ctx.undo.undo()
    panel.reload()
    assert [f.id for f in panel.files] == [current.id, panel.files[1].id]
    # Undo of the drop itself takes the version back out.
    ctx.undo.undo()  # the remove was undone; next is the second drop
    panel.reload()
    assert [f.version for f in panel.files] == [1]


def test_save_copy_and_package(
    qtbot, ctx: AppContext, manuscript: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ms, _sub = divmod(manuscript, 1000)
    page = ManuscriptDetail(ctx, ms)
    qtbot.addWidget(page)
    draft = write_manuscript(tmp_path / "draft.docx")
    figure = tmp_path / "Figure 1.png"
    figure.write_bytes(b"\x89PNG fake figure bytes")
    assert _drop(page.files_panel, [draft, figure])
    out = tmp_path / "saved.docx"
    monkeypatch.setattr(FilesPanel, "ask_save_path", staticmethod(lambda _p, _n: str(out)))
    page.files_panel.select_ids([page.files_panel.files[0].id])
    assert page.files_panel.save_selected() == out
    assert out.read_bytes() == draft.read_bytes()
    # Dropped anywhere on the page, not only on the list.
    cover = tmp_path / "cover letter.pdf"
    cover.write_bytes(b"%PDF cover")
    assert _drop(page, [cover])
    assert [f.role for f in page.files_panel.files][-1] == "cover-letter"
    target = tmp_path / "package.zip"
    monkeypatch.setattr(
        ManuscriptDetail, "ask_package_path", staticmethod(lambda _p, _n: str(target))
    )
    page.files_panel.tree.clearSelection()
    assert page.make_package() == target
    with zipfile.ZipFile(target) as archive:
        assert archive.namelist() == [
            "Manuscript - draft.docx",
            "Figure 1 - Figure 1.png",
            "Cover letter - cover letter.pdf",
        ]
        assert archive.read("Figure 1 - Figure 1.png") == figure.read_bytes()
    figure_id = next(f.id for f in page.files_panel.files if f.role == "figure")
    page.files_panel.select_ids([figure_id])
    assert page.make_package() == target  # the dialog asked before replacing it
    with zipfile.ZipFile(target) as archive:
        assert archive.namelist() == ["Figure 1 - Figure 1.png"]


def test_a_bad_drop_stores_nothing_and_says_why(
    qtbot, ctx: AppContext, manuscript: int, tmp_path: Path
) -> None:
    ms, _sub = divmod(manuscript, 1000)
    panel = FilesPanel(ctx, "manuscript", ms)
    qtbot.addWidget(panel)
    fake = tmp_path / "fake.docx"
    fake.write_text("not a Word file")
    _drop(panel, [write_manuscript(tmp_path / "good.docx"), fake])
    [box] = panel.findChildren(QMessageBox)
    assert box.text() == "fake.docx is not a Word document (.docx); save it from Word as .docx."
    box.close()
    assert panel.files == []
    assert ctx.undo.count() == 0


def test_a_mentor_reads_but_cannot_drop(qtbot, demo_ctx, tmp_path: Path) -> None:
    mentor = demo_ctx("mentor")
    with mentor.library.reading() as s:
        ms = items.list_items(s, mentor.actor, "manuscript")[0].id
    panel = FilesPanel(mentor, "manuscript", ms)
    qtbot.addWidget(panel)
    assert not panel.can_change
    assert not panel.acceptDrops()
    assert "Mentors" in panel.hint.text()
    assert not _drop(panel, [write_manuscript(tmp_path / "d.docx")])


def test_project_page_keeps_files_too(
    qtbot, ctx: AppContext, library: Library, tmp_path: Path
) -> None:
    with library.transaction() as s:
        project = items.create_item(
            s, SINGLE_USER, "project", {"title": "Knee study", "kind": "clinical study"}
        ).id
    page = ProjectDetail(ctx, project)
    qtbot.addWidget(page)
    protocol = tmp_path / "protocol.pdf"
    protocol.write_bytes(b"%PDF-1.4 protocol")
    assert _drop(page.files_panel, [protocol])
    with library.reading() as s:
        [kept] = manuscript_files.list_files(s, SINGLE_USER, "project", project)
    assert (kept.name, kept.role) == ("protocol.pdf", "supplement")


def test_journal_editor_sets_limits_per_article_type_with_undo(
    qtbot, ctx: AppContext, library: Library, manuscript: int
) -> None:
    from scholar_desk.ui.dialogs.record_editor import RecordEditor
    from scholar_desk.ui.widgets.record_extras import JournalLimitsEditor

    with library.reading() as s:
        journal = items.list_items(s, SINGLE_USER, "journal")[0]
    editor = RecordEditor(ctx, "journal", journal)
    qtbot.addWidget(editor)
    [limits] = editor.extras
    assert isinstance(limits, JournalLimitsEditor)
    rows = [limits.table.verticalHeaderItem(r).text() for r in range(limits.table.rowCount())]
    original, case = rows.index("original research"), rows.index("case report")
    assert limits.table.item(original, 0).text() == "20"  # set by the fixture
    limits.table.item(case, 0).setText("1,800")
    limits.table.item(case, 4).setText("15")
    limits.table.item(case, 5).setCheckState(Qt.CheckState.Checked)
    assert limits.is_dirty()
    limits.table.item(case, 1).setText("many")
    assert limits.error() == "case report, Abstract: enter a whole number or leave it empty."
    limits.table.item(case, 1).setText("")
    with qtbot.waitSignal(editor.finished, timeout=5000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    with library.reading() as s:
        stored = {
            x.article_type: x for x in manuscript_files.journal_limits(s, SINGLE_USER, journal.id)
        }
    assert stored["case report"] == JournalLimits(
        journal.id, "case report", words=1800, refs=15, legends_count=True
    )
    assert stored["original research"].words == 20
    ctx.undo.undo()
    with library.reading() as s:
        stored = {
            x.article_type: x for x in manuscript_files.journal_limits(s, SINGLE_USER, journal.id)
        }
    assert stored["case report"] == JournalLimits(journal.id, "case report")
