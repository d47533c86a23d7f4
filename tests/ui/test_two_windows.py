"""Two windows (two Library objects) on one SQLite file: stale saves merge, nothing is lost."""

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


def _editor(win, item_id):
    page = win.show_page("projects")
    page.reload()
    page.select_id(item_id)
    return page.edit_current()


def _save(qtbot, editor):
    with qtbot.waitSignal(editor.finished, timeout=5000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)


def test_other_window_changed_another_field_is_kept_silently(qtbot, two, monkeypatch):
    (win1, ctx1), (win2, _ctx2) = two
    made = _project(ctx1, title="Shared", notes="")
    monkeypatch.setattr(ConflictDialog, "ask", lambda *a, **k: pytest.fail("nothing to ask"))
    mine = _editor(win1, made.id)
    theirs = _editor(win2, made.id)
    theirs.fields["notes"].widget.setPlainText("Pharmacy agreed")
    _save(qtbot, theirs)
    mine.fields["title"].widget.setText("Shared, revised")
    _save(qtbot, mine)
    stored = _stored(ctx1, made.id)
    assert (stored["title"], stored["notes"]) == ("Shared, revised", "Pharmacy agreed")


@pytest.mark.parametrize("which", [MINE, THEIRS])
def test_both_changed_one_field_chooser_shows_both_with_who_and_when(
    qtbot, two, monkeypatch, which
):
    (win1, ctx1), (win2, _ctx2) = two
    made = _project(ctx1, title="Shared", irb_number="")
    shown = {}

    def ask(parent, what, clashes, kept_theirs=(), *, show=None):
        dialog = ConflictDialog(what, clashes, kept_theirs, parent, show=show)
        qtbot.addWidget(dialog)
        shown["texts"] = dict(dialog.texts)
        shown["kept"] = dialog.kept_label.text()
        shown["intro"] = [lbl.text() for lbl in dialog.findChildren(type(dialog.kept_label))]
        dialog.choose_all(which)
        return dialog.choices()

    monkeypatch.setattr(ConflictDialog, "ask", ask)
    mine = _editor(win1, made.id)
    theirs = _editor(win2, made.id)
    theirs.fields["title"].widget.setText("Omar's title")
    theirs.fields["irb_number"].widget.setText("IRB-7")
    _save(qtbot, theirs)
    mine.fields["title"].widget.setText("Maya's title")
    mine.fields["notes"].widget.setPlainText("Maya's notes")
    _save(qtbot, mine)

    mine_text, theirs_text, who = shown["texts"]["title"]
    assert (mine_text, theirs_text) == ("Maya's title", "Omar's title")
    assert who.startswith("Saved by omar, 20")
    assert "IRB number" in shown["kept"]
    assert not any("(empty)" in text for text in shown["intro"])
    assert not any("save again" in text for text in shown["intro"])
    stored = _stored(ctx1, made.id)
    expected = "Maya's title" if which == MINE else "Omar's title"
    # Either choice keeps the other side's untouched field and this side's other change.
    assert (stored["title"], stored["irb_number"], stored["notes"]) == (
        expected,
        "IRB-7",
        "Maya's notes",
    )


def test_undo_after_the_other_window_saved_merges(qtbot, two):
    (win1, ctx1), (win2, _ctx2) = two
    made = _project(ctx1, title="Shared")
    mine = _editor(win1, made.id)
    mine.fields["title"].widget.setText("Maya's title")
    _save(qtbot, mine)
    theirs = _editor(win2, made.id)
    theirs.fields["notes"].widget.setPlainText("Omar's notes")
    _save(qtbot, theirs)
    ctx1.undo.undo()
    stored = _stored(ctx1, made.id)
    assert (stored["title"], stored["notes"]) == ("Shared", "Omar's notes")


def test_undo_of_a_field_changed_again_elsewhere_says_why_and_keeps_it(qtbot, two):
    (win1, ctx1), (win2, _ctx2) = two
    made = _project(ctx1, title="Shared")
    mine = _editor(win1, made.id)
    mine.fields["title"].widget.setText("Maya's title")
    _save(qtbot, mine)
    theirs = _editor(win2, made.id)
    theirs.fields["title"].widget.setText("Omar's title")
    _save(qtbot, theirs)
    ctx1.undo.undo()
    assert _stored(ctx1, made.id)["title"] == "Omar's title"
    boxes = [b for b in QApplication.allWidgets() if isinstance(b, QMessageBox)]
    texts = " ".join(b.text() for b in boxes)
    assert "Cannot undo: Title (omar changed it at" in texts
    assert "would erase that change" in texts
    for box in boxes:
        box.close()


def _abstract_editors(qtbot, two):
    from scholar_desk.core.services import abstracts
    from scholar_desk.ui.pages.abstract_editor import AbstractEditor

    (_w1, ctx1), (_w2, ctx2) = two
    with ctx1.library.transaction() as session:
        made = items.create_item(session, ctx1.actor, "abstract", {"title": "GNRFA"})
        abstracts.save_sections(
            session,
            ctx1.actor,
            made.id,
            [("Background", "b0"), ("Methods", "m0"), ("Results", "r0")],
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


@pytest.mark.parametrize("which", [MINE, THEIRS])
def test_abstract_results_changed_in_both_methods_in_one_nothing_lost(
    qtbot, two, monkeypatch, which
):
    """Window 1 saves Results, then Methods; window 2 changed only Results and saves."""
    (_w1, ctx1), _ = two
    abstract_id, (first, second) = _abstract_editors(qtbot, two)
    _set_body(first, "Results", "r-maya")
    assert first.save()
    _set_body(first, "Methods", "m-maya")
    assert first.save()
    _set_body(second, "Results", "r-omar")
    shown = {}

    def ask(parent, what, clashes, kept_theirs=(), *, show=None):
        dialog = ConflictDialog(what, clashes, kept_theirs, parent, show=show)
        qtbot.addWidget(dialog)
        shown.update(dialog.texts)
        dialog.choose_all(which)
        return dialog.choices()

    monkeypatch.setattr(ConflictDialog, "ask", ask)
    assert second.save()
    (_name, (mine_text, theirs_text, who)) = next(iter(shown.items()))
    assert len(shown) == 1
    assert (mine_text, theirs_text) == ("r-omar", "r-maya")
    assert who.startswith("Saved by maya, 20")
    results = "r-omar" if which == MINE else "r-maya"
    assert _sections(ctx1, abstract_id) == [
        ("Background", "b0"),
        ("Methods", "m-maya"),
        ("Results", results),
    ]


def test_abstract_sections_changed_on_different_sides_merge_silently(qtbot, two, monkeypatch):
    (_w1, ctx1), _ = two
    abstract_id, (first, second) = _abstract_editors(qtbot, two)
    _set_body(first, "Methods", "m-maya")
    assert first.save()
    _set_body(second, "Results", "r-omar")
    monkeypatch.setattr(ConflictDialog, "ask", lambda *a, **k: pytest.fail("nothing to ask"))
    assert second.save()
    assert _sections(ctx1, abstract_id) == [
        ("Background", "b0"),
        ("Methods", "m-maya"),
        ("Results", "r-omar"),
    ]


def test_restore_while_another_window_is_open(qtbot, two):
    """Window 2 made a project after the backup; window 1 restores: window 2 is told."""
    from scholar_desk.core.services import backups
    from scholar_desk.ui.commands import CreateCommand
    from scholar_desk.ui.dialogs.backup_dialog import BackupDialog
    from scholar_desk.ui.live_refresh import LiveRefresh

    (win1, ctx1), (win2, ctx2) = two
    _project(ctx1, title="Before the backup")
    dialog = BackupDialog(ctx1, win1)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.finished_job, timeout=20_000):
        dialog.back_up_now()
    refresh = LiveRefresh(ctx2, interval_ms=50, parent=win2)
    own = LiveRefresh(ctx1, interval_ms=50, parent=win1)
    try:
        made = CreateCommand(ctx2, "project", {"title": "New after backup"}).push()
        assert ctx2.undo.count() == 1
        source = backups.list_backups(ctx1.library.path)[0].path

        box = dialog._confirm_restore(source)
        assert box is not None
        assert "Since this backup, 1 project created; a restore loses that." in box.text()
        assert "Other open windows reload" in box.informativeText()
        box.close()

        with qtbot.waitSignal(refresh.restored, timeout=20_000) as told:
            dialog.restore_from(source)
        assert "restored the database from the backup" in told.args[0]
        assert "Undo was cleared" in told.args[0]
        assert ctx2.undo.count() == 0
        assert refresh.message_box is not None
        assert refresh.message_box.isVisible()
        assert "Undo was cleared" in refresh.message_box.text()
        qtbot.waitUntil(lambda: own.check() is False, timeout=5000)
        assert own.message_box is None  # the window that restored does not tell itself
        page = win2.show_page("projects")
        page.reload()
        assert not page.select_id(made.id)
        with ctx2.library.reading() as session:
            titles = [r.label for r in items.list_items(session, ctx2.actor, "project")]
        assert titles == ["Before the backup"]
    finally:
        refresh.stop()
        own.stop()


@pytest.mark.parametrize("both_change_title", [False, True])
def test_reference_pane_merges_a_stale_save(qtbot, two, monkeypatch, both_change_title):
    from scholar_desk.core.db import models as m
    from scholar_desk.core.services import references
    from scholar_desk.ui.pages.references_page import ReferenceDetailPane

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
    first, second = panes
    first.edits["journal"].setText("Pain Med")
    if both_change_title:
        first.edits["title"].setText("Genicular RFA: a trial")
    qtbot.mouseClick(first.save_button, Qt.MouseButton.LeftButton)
    second.edits["title"].setText("Genicular radiofrequency ablation")
    asked = []

    def ask(parent, what, clashes, kept_theirs=(), *, show=None):
        asked.append(([c.label for c in clashes], list(kept_theirs)))
        return {c.name: MINE for c in clashes}

    monkeypatch.setattr(ConflictDialog, "ask", ask)
    qtbot.mouseClick(second.save_button, Qt.MouseButton.LeftButton)
    with ctx1.library.reading() as session:
        ref = references.get_reference(session, ctx1.actor, ref_id).ref
    assert (ref.title, ref.journal) == ("Genicular radiofrequency ablation", "Pain Med")
    assert asked == ([(["Title"], ["Journal"])] if both_change_title else [])
