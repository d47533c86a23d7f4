"""Two windows on one database: undo and redo after the other window saved are merged.

A project's redo goes through the conflict chooser like a save; an abstract's undo and
redo keep the sections the other window changed, and refuse in plain words where both
changed the same section.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QMessageBox

from scholar_desk.core.db.library import Library
from scholar_desk.core.services import items
from scholar_desk.core.services.session import Actor
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.dialogs.conflict_dialog import MINE, THEIRS, ConflictDialog
from scholar_desk.ui.main_window import MainWindow
from scholar_desk.ui.workers import make_pool


@pytest.fixture
def two(qtbot, tmp_path):
    path = tmp_path / "shared.sqlite3"
    windows = []
    for name in ("maya", "omar"):
        lib = Library.open(path)
        ctx = AppContext(lib, Actor(username=name), make_pool(), QUndoStack(), DataEvents())
        win = MainWindow(ctx)
        qtbot.addWidget(win)
        win.show()
        windows.append((win, ctx))
    yield windows
    for win, ctx in windows:
        win.close()
        assert ctx.pool.waitForDone(5000)
        ctx.undo.clear()
        ctx.library.close()


def _project(ctx, **values):
    with ctx.library.transaction() as session:
        return items.create_item(
            session, ctx.actor, "project", {"kind": "education", "status": "idea", **values}
        )


def _stored(ctx, item_id):
    with ctx.library.reading() as session:
        return items.get_item(session, ctx.actor, "project", item_id)


def _edit(qtbot, win, item_id, **texts):
    page = win.show_page("projects")
    page.reload()
    page.select_id(item_id)
    editor = page.edit_current()
    for name, text in texts.items():
        widget = editor.fields[name].widget
        if hasattr(widget, "setPlainText"):
            widget.setPlainText(text)
        else:
            widget.setText(text)
    with qtbot.waitSignal(editor.finished, timeout=5000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)


def _boxes() -> list[QMessageBox]:
    return [b for b in QApplication.allWidgets() if isinstance(b, QMessageBox) and b.isVisible()]


def test_redo_after_the_other_window_saved_other_fields_keeps_theirs(qtbot, two, monkeypatch):
    (win1, ctx1), (win2, _ctx2) = two
    made = _project(ctx1, title="Shared", notes="", irb_number="")
    monkeypatch.setattr(ConflictDialog, "ask", lambda *a, **k: pytest.fail("nothing to ask"))
    _edit(qtbot, win1, made.id, title="Maya's title", notes="Maya's notes")
    ctx1.undo.undo()
    assert _stored(ctx1, made.id)["title"] == "Shared"
    _edit(qtbot, win2, made.id, irb_number="IRB-7")
    ctx1.undo.redo()
    stored = _stored(ctx1, made.id)
    assert (stored["title"], stored["notes"], stored["irb_number"]) == (
        "Maya's title",
        "Maya's notes",
        "IRB-7",
    )
    assert _boxes() == []
    assert ctx1.undo.canUndo()
    # Undo again takes back only this edit; the other window's IRB number stays.
    ctx1.undo.undo()
    stored = _stored(ctx1, made.id)
    assert (stored["title"], stored["notes"], stored["irb_number"]) == ("Shared", "", "IRB-7")


@pytest.mark.parametrize("which", [MINE, THEIRS])
def test_redo_over_a_field_the_other_window_changed_asks_in_the_chooser(
    qtbot, two, monkeypatch, which
):
    (win1, ctx1), (win2, _ctx2) = two
    made = _project(ctx1, title="Shared", notes="", irb_number="")
    _edit(qtbot, win1, made.id, title="Maya's title", notes="Maya's notes")
    ctx1.undo.undo()
    _edit(qtbot, win2, made.id, title="Omar's title", irb_number="IRB-7")
    shown = {}

    def ask(parent, what, clashes, kept_theirs=(), *, show=None):
        dialog = ConflictDialog(what, clashes, kept_theirs, parent, show=show)
        qtbot.addWidget(dialog)
        shown.update(dialog.texts)
        dialog.choose_all(which)
        return dialog.choices()

    monkeypatch.setattr(ConflictDialog, "ask", ask)
    ctx1.undo.redo()
    assert list(shown) == ["title"]  # notes: only this side changed it, no question
    mine_text, theirs_text, who = shown["title"]
    assert (mine_text, theirs_text) == ("Maya's title", "Omar's title")
    assert who.startswith("Saved by omar, 20")
    stored = _stored(ctx1, made.id)
    title = "Maya's title" if which == MINE else "Omar's title"
    assert (stored["title"], stored["notes"], stored["irb_number"]) == (
        title,
        "Maya's notes",
        "IRB-7",
    )
    assert _boxes() == []
    # Undo takes back what the redo wrote, never the value the user chose to keep.
    ctx1.undo.undo()
    stored = _stored(ctx1, made.id)
    expected_title = "Shared" if which == MINE else "Omar's title"
    assert (stored["title"], stored["notes"], stored["irb_number"]) == (
        expected_title,
        "",
        "IRB-7",
    )


def test_cancelled_redo_keeps_theirs_and_says_so(qtbot, two, monkeypatch):
    (win1, ctx1), (win2, _ctx2) = two
    made = _project(ctx1, title="Shared")
    _edit(qtbot, win1, made.id, title="Maya's title")
    ctx1.undo.undo()
    _edit(qtbot, win2, made.id, title="Omar's title")
    monkeypatch.setattr(ConflictDialog, "ask", lambda *a, **k: None)
    ctx1.undo.redo()
    assert _stored(ctx1, made.id)["title"] == "Omar's title"
    texts = " ".join(b.text() for b in _boxes())
    assert "Redo was not made: Title of the project changed elsewhere" in texts
    assert not ctx1.undo.canRedo()  # the stack no longer claims a redo it did not make
    for box in _boxes():
        box.close()


def _abstract(qtbot, two):
    from scholar_desk.core.services import abstracts
    from scholar_desk.ui.pages.abstract_editor import AbstractEditor

    (_w1, ctx1), (_w2, ctx2) = two
    with ctx1.library.transaction() as session:
        made = items.create_item(session, ctx1.actor, "abstract", {"title": "GNRFA"})
        abstracts.save_sections(
            session, ctx1.actor, made.id, [("Methods", "m0"), ("Results", "r0")]
        )
    editors = []
    for ctx in (ctx1, ctx2):
        editor = AbstractEditor(ctx, made.id)
        qtbot.addWidget(editor)
        editors.append(editor)
    return made.id, editors


def _sections(ctx, abstract_id):
    from scholar_desk.core.services import abstracts

    with ctx.library.reading() as session:
        detail = abstracts.get_abstract_detail(session, ctx.actor, abstract_id)
    return [(s.heading, s.body) for s in detail.sections]


def _set_body(editor, heading, text):
    section = next(s for s in editor.sections if s.heading_edit.text() == heading)
    section.body_edit.setPlainText(text)


def test_abstract_undo_and_redo_keep_the_section_the_other_window_saved(qtbot, two):
    (_w1, ctx1), _ = two
    abstract_id, (first, second) = _abstract(qtbot, two)
    _set_body(first, "Methods", "m-maya")
    assert first.save()
    _set_body(second, "Results", "r-omar")
    assert second.save()  # merged with Maya's Methods, no question
    ctx1.undo.undo()
    assert _sections(ctx1, abstract_id) == [("Methods", "m0"), ("Results", "r-omar")]
    second.reload()
    _set_body(second, "Results", "r-omar-2")
    assert second.save()
    ctx1.undo.redo()
    assert _sections(ctx1, abstract_id) == [("Methods", "m-maya"), ("Results", "r-omar-2")]
    assert _boxes() == []


def test_abstract_undo_of_a_section_changed_again_elsewhere_says_why(qtbot, two):
    (_w1, ctx1), _ = two
    abstract_id, (first, second) = _abstract(qtbot, two)
    _set_body(first, "Results", "r-maya")
    assert first.save()
    second.reload()
    _set_body(second, "Results", "r-omar")
    assert second.save()
    ctx1.undo.undo()
    assert _sections(ctx1, abstract_id) == [("Methods", "m0"), ("Results", "r-omar")]
    texts = " ".join(b.text() for b in _boxes())
    assert "Cannot undo: Results (omar changed it at" in texts
    assert "undoing would erase that change" in texts
    for box in _boxes():
        box.close()


def _reference_panes(qtbot, two):
    from scholar_desk.core.db import models as m
    from scholar_desk.ui.pages.reference_detail import ReferenceDetailPane

    (_w1, ctx1), (_w2, ctx2) = two
    with ctx1.library.transaction() as session:
        row = m.Reference(
            citation_key="lee2020", title="Genicular RFA", journal="", extra_fields={}
        )
        session.add(row)
        session.flush()
        ref_id = row.id
    panes = []
    for ctx in (ctx1, ctx2):
        pane = ReferenceDetailPane(ctx)
        qtbot.addWidget(pane)
        pane.show_reference(ref_id)
        panes.append(pane)
    return ref_id, panes


def _reference(ctx, ref_id):
    from scholar_desk.core.services import references

    with ctx.library.reading() as session:
        ref = references.get_reference(session, ctx.actor, ref_id).ref
    return ref.title, ref.journal


def test_reference_undo_and_redo_keep_the_field_the_other_window_saved(qtbot, two):
    (_w1, ctx1), _ = two
    ref_id, (first, second) = _reference_panes(qtbot, two)
    first.edits["journal"].setText("Pain Med")
    qtbot.mouseClick(first.save_button, Qt.MouseButton.LeftButton)
    second.show_reference(ref_id)
    second.edits["title"].setText("Genicular radiofrequency ablation")
    qtbot.mouseClick(second.save_button, Qt.MouseButton.LeftButton)
    ctx1.undo.undo()
    assert _reference(ctx1, ref_id) == ("Genicular radiofrequency ablation", "")
    ctx1.undo.redo()
    assert _reference(ctx1, ref_id) == ("Genicular radiofrequency ablation", "Pain Med")
    assert _boxes() == []


def test_reference_undo_of_a_field_changed_again_elsewhere_says_why(qtbot, two):
    (_w1, ctx1), _ = two
    ref_id, (first, second) = _reference_panes(qtbot, two)
    first.edits["title"].setText("Genicular RFA: a trial")
    qtbot.mouseClick(first.save_button, Qt.MouseButton.LeftButton)
    second.show_reference(ref_id)
    second.edits["title"].setText("Genicular radiofrequency ablation")
    qtbot.mouseClick(second.save_button, Qt.MouseButton.LeftButton)
    ctx1.undo.undo()
    assert _reference(ctx1, ref_id) == ("Genicular radiofrequency ablation", "")
    texts = " ".join(b.text() for b in _boxes())
    assert "Cannot undo: Title (omar changed it at" in texts
    for box in _boxes():
        box.close()
