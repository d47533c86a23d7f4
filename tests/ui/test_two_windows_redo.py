"""Two windows on one database: a redo after the other window saved is merged like a save."""

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
