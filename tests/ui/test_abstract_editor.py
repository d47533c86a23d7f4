"""The abstract editor: live count turning red past the limit, save, conflicts, byline."""

from __future__ import annotations

import importlib.machinery
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor, QUndoStack
from PySide6.QtWidgets import QMessageBox

from scholar_desk.core.db.library import Library
from scholar_desk.core.services import abstracts, items
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.dialogs.conflict_dialog import ConflictDialog
from scholar_desk.ui.pages import abstract_editor
from scholar_desk.ui.pages.abstract_editor import OVER_COLOR, AbstractEditor
from scholar_desk.ui.workers import make_pool


@pytest.fixture
def ctx(library: Library) -> Iterator[AppContext]:
    pool = make_pool()
    yield AppContext(library, SINGLE_USER, pool, QUndoStack())
    assert pool.waitForDone(5000)


@pytest.fixture
def ids(library: Library) -> dict[str, int]:
    with library.transaction() as s:
        maya = items.create_item(
            s, SINGLE_USER, "person", {"given_name": "Maya", "family_name": "Patel"}
        )
        ruth = items.create_item(
            s, SINGLE_USER, "person", {"given_name": "Ruth", "family_name": "Hammond"}
        )
        conf = items.create_item(
            s,
            SINGLE_USER,
            "conference",
            {
                "name": "Tiny Meeting",
                "limit_unit": "words",
                "body_limit": 10,
                "counts_headings": False,
                "title_limit": 20,
                "title_limit_unit": "characters",
                "required_sections": "Background, Methods, Results",
            },
        )
        ab = items.create_item(
            s, SINGLE_USER, "abstract", {"title": "SCS", "conference_id": conf.id}
        )
    return {"maya": maya.id, "ruth": ruth.id, "conf": conf.id, "abstract": ab.id}


def _type_at_end(qtbot, edit, text: str) -> None:
    edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(edit, text)


def _editor(qtbot, ctx, ids) -> AbstractEditor:
    editor = AbstractEditor(ctx, ids["abstract"])
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def test_starts_with_required_sections_and_rule(qtbot, ctx, ids) -> None:
    editor = _editor(qtbot, ctx, ids)
    assert [e.heading_edit.text() for e in editor.sections] == ["Background", "Methods", "Results"]
    assert editor.count_label.text() == "0 / 10 words"
    assert editor.title_count_label.text() == "3 / 20 characters"
    assert "Tiny Meeting" in editor.meeting_label.text()
    assert "10 words" in editor.rule_label.text()
    assert not editor.dirty


def test_typing_counts_live_and_turns_red_past_the_limit(qtbot, ctx, ids) -> None:
    editor = _editor(qtbot, ctx, ids)
    body = editor.sections[1].body_edit
    qtbot.keyClicks(body, "We reviewed 214 knees after genicular RFA")
    assert editor.count_label.text() == "7 / 10 words"
    assert editor.sections[1].count_label.text() == "7 words"
    assert OVER_COLOR not in editor.count_label.styleSheet()
    assert editor.dirty
    assert editor.save_button.isEnabled()
    qtbot.keyClicks(body, " at 12-month follow-up")
    assert editor.count_label.text() == "10 / 10 words"
    assert OVER_COLOR not in editor.count_label.styleSheet()
    with qtbot.waitSignal(editor.count_changed, timeout=1000, check_params_cb=lambda r: r.over):
        qtbot.keyClicks(body, " today")
    assert editor.count_label.text() == "11 / 10 words"
    assert OVER_COLOR in editor.count_label.styleSheet()
    assert editor.count_label.property("over") is True
    assert editor.count_hint.text() == "1 words over the limit"
    qtbot.keyClick(body, Qt.Key.Key_Backspace)
    assert editor.count_label.text() == "11 / 10 words"  # "toda" is still a word
    for _ in range(5):
        qtbot.keyClick(body, Qt.Key.Key_Backspace)
    assert editor.count_label.text() == "10 / 10 words"
    assert OVER_COLOR not in editor.count_label.styleSheet()


def test_title_limit_turns_red(qtbot, ctx, ids) -> None:
    editor = _editor(qtbot, ctx, ids)
    _type_at_end(qtbot, editor.title_edit, " for knee pain!!")
    assert editor.title_count_label.text() == "19 / 20 characters"
    assert OVER_COLOR not in editor.title_count_label.styleSheet()
    qtbot.keyClicks(editor.title_edit, "??")
    assert editor.title_count_label.text() == "21 / 20 characters"
    assert OVER_COLOR in editor.title_count_label.styleSheet()


def test_save_writes_title_and_sections(qtbot, ctx, ids, library) -> None:
    editor = _editor(qtbot, ctx, ids)
    version = editor.version
    _type_at_end(qtbot, editor.title_edit, " outcomes")
    qtbot.keyClicks(editor.sections[0].body_edit, "Spinal cord stimulation helps.")
    editor.sections[2].heading_edit.clear()
    qtbot.keyClicks(editor.sections[2].heading_edit, "Findings")
    qtbot.mouseClick(editor.add_section_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(editor.sections[3].heading_edit, "Conclusions")
    with qtbot.waitSignal(ctx.events.changed, timeout=2000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert not editor.dirty
    assert editor.version == (version or 0) + 1
    with library.reading() as s:
        detail = abstracts.get_abstract_detail(s, SINGLE_USER, ids["abstract"])
    assert detail.title == "SCS outcomes"
    assert [(x.heading, x.body) for x in detail.sections] == [
        ("Background", "Spinal cord stimulation helps."),
        ("Methods", ""),
        ("Findings", ""),
        ("Conclusions", ""),
    ]


def test_removing_a_section(qtbot, ctx, ids) -> None:
    editor = _editor(qtbot, ctx, ids)
    qtbot.keyClicks(editor.sections[0].body_edit, "one two three")
    assert editor.count_label.text() == "3 / 10 words"
    qtbot.mouseClick(editor.sections[0].remove_button, Qt.MouseButton.LeftButton)
    assert [e.heading_edit.text() for e in editor.sections] == ["Methods", "Results"]
    assert editor.count_label.text() == "0 / 10 words"


def test_a_save_over_another_windows_save_merges_sections(
    qtbot, ctx, ids, library, monkeypatch
) -> None:
    editor = _editor(qtbot, ctx, ids)
    with library.transaction() as s:  # another window saves first
        abstracts.save_sections(
            s, SINGLE_USER, ids["abstract"], [("Background", ""), ("Methods", "theirs")]
        )
    qtbot.keyClicks(editor.sections[0].body_edit, "mine")
    monkeypatch.setattr(ConflictDialog, "ask", lambda *a, **k: pytest.fail("nothing to ask"))
    assert editor.save()
    with library.reading() as s:
        detail = abstracts.get_abstract_detail(s, SINGLE_USER, ids["abstract"])
    assert [(x.heading, x.body) for x in detail.sections] == [
        ("Background", "mine"),
        ("Methods", "theirs"),
    ]  # the other window removed the empty Results section; that is kept too
    assert not editor.dirty
    assert editor.sections[1].body_edit.toPlainText() == "theirs"


def test_validation_error_is_shown(qtbot, ctx, ids, library) -> None:
    editor = _editor(qtbot, ctx, ids)
    editor.title_edit.clear()
    assert not editor.save()
    box = editor.findChild(QMessageBox)
    assert box is not None
    assert "Title is required" in box.text()
    box.close()


def test_authors_and_presenter(qtbot, ctx, ids, library) -> None:
    editor = _editor(qtbot, ctx, ids)
    for person in ("maya", "ruth"):
        editor.person_combo.setCurrentIndex(editor.person_combo.findData(ids[person]))
        qtbot.mouseClick(editor.add_author_button, Qt.MouseButton.LeftButton)
    assert editor.authors_list.count() == 2
    assert editor.authors_list.item(0).text() == "1. Maya Patel  (presenting)"
    editor.authors_list.item(1).setCheckState(Qt.CheckState.Checked)
    with library.reading() as s:
        detail = abstracts.get_abstract_detail(s, SINGLE_USER, ids["abstract"])
    assert [(a.name, a.presenting) for a in detail.authors] == [
        ("Maya Patel", False),
        ("Ruth Hammond", True),
    ]
    editor.authors_list.setCurrentRow(1)
    editor.move_author(-1)
    assert editor.authors_list.item(0).text() == "1. Ruth Hammond  (presenting)"
    editor.authors_list.setCurrentRow(1)
    editor.remove_author()
    assert editor.authors_list.count() == 1


def test_figures(qtbot, ctx, ids, library, monkeypatch, tmp_path: Path) -> None:
    png = tmp_path / "nrs.png"
    Image.new("RGB", (60, 40), "navy").save(png)
    editor = _editor(qtbot, ctx, ids)
    monkeypatch.setattr(abstract_editor.ImagePicker, "ask", staticmethod(lambda parent: str(png)))
    qtbot.mouseClick(editor.add_image_button, Qt.MouseButton.LeftButton)
    assert editor.images_list.count() == 1
    assert not editor.images_list.item(0).icon().isNull()
    bad = tmp_path / "bad.png"
    bad.write_text("nope")
    monkeypatch.setattr(abstract_editor.ImagePicker, "ask", staticmethod(lambda parent: str(bad)))
    editor.add_image()
    box = editor.findChild(QMessageBox)
    assert box is not None
    assert "not an image" in box.text()
    box.close()
    editor.images_list.setCurrentRow(0)
    monkeypatch.setattr(
        abstract_editor.CaptionPrompt, "ask", staticmethod(lambda parent, current: " NRS by week ")
    )
    editor.edit_caption()
    assert editor.images_list.item(0).text() == "NRS by week"
    png.unlink()  # the figure is in the database: the thumbnail survives the file
    editor.reload()
    assert not editor.images_list.item(0).icon().isNull()
    with library.reading() as s:
        [figure] = abstracts.list_images(s, SINGLE_USER, ids["abstract"])
    assert figure.caption == "NRS by week"
    editor.images_list.setCurrentRow(0)
    editor.remove_image()
    assert editor.images_list.count() == 0
    logo = tmp_path / "logo.png"
    Image.new("RGB", (90, 30), "darkred").save(logo)
    monkeypatch.setattr(abstract_editor.ImagePicker, "ask", staticmethod(lambda parent: str(logo)))
    qtbot.mouseClick(editor.add_logo_button, Qt.MouseButton.LeftButton)
    assert editor.images_list.item(0).text() == "Logo: logo.png"


def test_export_buttons_call_export_dialog(qtbot, ctx, ids, monkeypatch) -> None:
    calls = []

    class FakeExportDialog:
        @staticmethod
        def ask(parent, ctx_, abstract_id, mode):
            calls.append((abstract_id, mode))

    fake = types.ModuleType(abstract_editor.EXPORT_MODULE)
    fake.__spec__ = importlib.machinery.ModuleSpec(abstract_editor.EXPORT_MODULE, None)
    fake.ExportDialog = FakeExportDialog  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, abstract_editor.EXPORT_MODULE, fake)
    editor = _editor(qtbot, ctx, ids)
    assert [b.text() for b in editor.export_buttons] == ["Slides…", "Poster…"]
    qtbot.keyClicks(editor.sections[0].body_edit, "unsaved")
    qtbot.mouseClick(editor.export_buttons[1], Qt.MouseButton.LeftButton)
    assert calls == [(ids["abstract"], "poster")]
    assert not editor.dirty  # saved before exporting
