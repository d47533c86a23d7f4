import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox, QWidget

from scholar_desk.core.services import items
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.dialogs import record_editor
from scholar_desk.ui.dialogs.record_editor import RecordEditor
from scholar_desk.ui.main_window import PAGES, MainWindow, PageSpec
from scholar_desk.ui.pages import record_list_page
from scholar_desk.ui.pages.record_list_page import RecordListPage
from scholar_desk.ui.workers import make_pool


@pytest.fixture
def app_ctx(qtbot, library):
    pool = make_pool()
    ctx = AppContext(library, SINGLE_USER, pool, QUndoStack(), DataEvents())
    yield ctx
    assert pool.waitForDone(5000)
    ctx.undo.clear()


@pytest.fixture
def window(qtbot, app_ctx):
    win = MainWindow(app_ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def _titles(ctx, kind="project"):
    with ctx.library.reading() as session:
        return sorted(r.label for r in items.list_items(session, ctx.actor, kind))


def _create(ctx, kind_name, /, **values):
    with ctx.library.transaction() as session:
        return items.create_item(session, ctx.actor, kind_name, values)


def _choose(combo: QComboBox, value) -> None:
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def _save(qtbot, editor: RecordEditor) -> None:
    with qtbot.waitSignal(editor.finished, timeout=5000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)


def test_every_page_opens(window):
    # The single user has no mentees; every other page is there.
    assert window.page_keys() == [spec.key for spec in PAGES if spec.key != "mentees"]
    for key in window.page_keys():
        page = window.show_page(key)
        assert isinstance(page, QWidget)
        assert window.current_key() == key
        assert window.stack.currentWidget() is page
    projects = window.show_page("projects")
    assert isinstance(projects, RecordListPage)
    assert projects.kind.name == "project"


def test_pages_are_built_only_when_first_shown(window):
    assert window.page("journals") is None
    window.show_page("journals")
    assert window.page("journals") is not None


def test_create_a_project_through_the_editor(qtbot, window, app_ctx):
    person = _create(app_ctx, "person", given_name="Maya", family_name="Patel", degrees="MD")
    window.show_page("projects")
    editor = window.new_item()
    assert isinstance(editor, RecordEditor)
    assert editor.isVisible()
    title = editor.fields["title"].widget
    assert isinstance(title, QLineEdit)
    qtbot.keyClicks(title, "Genicular RFA outcomes")
    _choose(editor.fields["kind"].widget, "retrospective review")
    _choose(editor.fields["status"].widget, "IRB approved")
    _choose(editor.fields["owner_id"].widget, person.id)
    editor.fields["irb_number"].widget.setText("RUH-2026-0001")
    editor.fields["irb_approved_on"].widget.line_edit.setText("2026-01-15")
    _save(qtbot, editor)

    with app_ctx.library.reading() as session:
        (project,) = items.list_items(session, app_ctx.actor, "project")
    assert project["title"] == "Genicular RFA outcomes"
    assert project["kind"] == "retrospective review"
    assert project["status"] == "IRB approved"
    assert project["owner_id"] == person.id
    assert project["irb_approved_on"] == dt.date(2026, 1, 15)
    page = window.current_page()
    assert page.model.rowCount() == 1
    assert page.current_record().id == project.id


def test_edit_a_project_and_undo_redo_the_edit(qtbot, window, app_ctx):
    made = _create(app_ctx, "project", title="Old title", kind="education", status="idea")
    page = window.show_page("projects")
    assert page.select_id(made.id)
    editor = window.edit_current()
    assert editor.fields["title"].widget.text() == "Old title"
    editor.fields["title"].widget.setText("New title")
    _save(qtbot, editor)
    assert _titles(app_ctx) == ["New title"]
    assert page.model.record_at(0).label == "New title"

    app_ctx.undo.undo()
    assert _titles(app_ctx) == ["Old title"]
    assert page.model.record_at(0).label == "Old title"
    app_ctx.undo.redo()
    assert _titles(app_ctx) == ["New title"]


def test_validation_errors_show_next_to_the_field_and_nothing_is_saved(qtbot, window, app_ctx):
    window.show_page("projects")
    editor = window.new_item()
    editor.fields["irb_approved_on"].widget.line_edit.setText("2026-02-30")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    assert editor.isVisible()
    assert editor.error_text("title") == "Title is required."
    assert "not a date" in editor.error_text("irb_approved_on")
    assert editor.error_text("irb_number") == ""
    assert editor.fields["title"].widget.property("invalid") is True
    assert editor.fields["title"].error.isVisible()
    assert _titles(app_ctx) == []
    assert app_ctx.undo.count() == 0

    editor.fields["title"].widget.setText("Now valid")
    editor.fields["irb_approved_on"].widget.line_edit.setText("")
    _save(qtbot, editor)
    assert _titles(app_ctx) == ["Now valid"]


def test_date_order_error_is_shown_under_the_later_date(qtbot, window, app_ctx):
    made = _create(app_ctx, "project", title="IRB study", kind="clinical study", status="idea")
    page = window.show_page("projects")
    page.select_id(made.id)
    editor = page.edit_current()
    editor.fields["irb_approved_on"].widget.line_edit.setText("2026-05-01")
    editor.fields["irb_expires_on"].widget.line_edit.setText("2026-04-01")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.isVisible()
    assert editor.error_text("irb_expires_on") == "IRB expiry must be after its approval."
    with app_ctx.library.reading() as session:
        assert items.get_item(session, app_ctx.actor, "project", made.id)["irb_expires_on"] is None


def test_delete_asks_first_and_can_be_undone(qtbot, window, app_ctx, monkeypatch):
    keep = _create(app_ctx, "project", title="Keep me", kind="education", status="idea")
    gone = _create(app_ctx, "project", title="Delete me", kind="education", status="idea")
    page = window.show_page("projects")
    page.select_id(gone.id)

    asked = []
    monkeypatch.setattr(
        record_list_page.ConfirmDelete, "ask", lambda *a: asked.append(a[-1]) or False
    )
    window.delete_action.trigger()
    assert asked == ["Delete the project “Delete me”?"]
    assert _titles(app_ctx) == ["Delete me", "Keep me"]

    monkeypatch.setattr(record_list_page.ConfirmDelete, "ask", lambda *a: True)
    window.delete_action.trigger()
    assert _titles(app_ctx) == ["Keep me"]
    assert page.model.rowCount() == 1
    assert page.model.record_at(0).id == keep.id

    window.undo_action.trigger()
    assert _titles(app_ctx) == ["Delete me", "Keep me"]
    with app_ctx.library.reading() as session:
        assert items.get_item(session, app_ctx.actor, "project", gone.id).label == "Delete me"
    window.redo_action.trigger()
    assert _titles(app_ctx) == ["Keep me"]


def test_undo_of_a_create_removes_it_and_redo_brings_back_the_same_id(qtbot, window, app_ctx):
    window.show_page("journals")
    editor = window.new_item()
    editor.fields["name"].widget.setText("Pain Medicine")
    editor.fields["word_limit"].widget.setValue(3500)
    _save(qtbot, editor)
    created = editor.result_record
    assert created["word_limit"] == 3500
    assert window.undo_action.text() == "&Undo New journal “Pain Medicine”"

    window.undo_action.trigger()
    assert _titles(app_ctx, "journal") == []
    window.redo_action.trigger()
    with app_ctx.library.reading() as session:
        assert (
            items.get_item(session, app_ctx.actor, "journal", created.id).label == "Pain Medicine"
        )


def test_delete_refused_by_the_service_is_shown_and_changes_nothing(
    qtbot, window, app_ctx, monkeypatch
):
    manuscript = _create(app_ctx, "manuscript", title="A paper", article_type="review")
    journal = _create(app_ctx, "journal", name="PAIN")
    _create(
        app_ctx, "submission", manuscript_id=manuscript.id, journal_id=journal.id, status="draft"
    )
    page = window.show_page("journals")
    page.select_id(journal.id)
    monkeypatch.setattr(record_list_page.ConfirmDelete, "ask", lambda *a: True)
    assert page.delete_selected() is False
    boxes = [b for b in page.findChildren(QMessageBox) if b.isVisible()]
    assert boxes
    assert "still used" in boxes[-1].text()
    assert _titles(app_ctx, "journal") == ["PAIN"]
    assert app_ctx.undo.count() == 0


def test_a_stale_edit_of_another_field_merges_without_asking(qtbot, window, app_ctx, monkeypatch):
    def never(*_a, **_k):
        raise AssertionError("nothing to ask: the fields differ")

    monkeypatch.setattr(record_editor.ConflictDialog, "ask", never)
    made = _create(app_ctx, "project", title="Shared", kind="education", status="idea")
    page = window.show_page("projects")
    page.select_id(made.id)
    editor = page.edit_current()
    with app_ctx.library.transaction() as session:  # another window saves first
        items.update_item(session, app_ctx.actor, "project", made.id, {"irb_number": "X-1"})
    editor.fields["title"].widget.setText("Mine")
    _save(qtbot, editor)
    with app_ctx.library.reading() as session:
        saved = items.get_item(session, app_ctx.actor, "project", made.id)
    assert (saved["title"], saved["irb_number"]) == ("Mine", "X-1")


def test_ref_fields_list_the_other_kind_and_tables_show_labels(qtbot, window, app_ctx):
    project = _create(app_ctx, "project", title="SCS series", kind="education", status="idea")
    window.show_page("manuscripts")
    editor = window.new_item()
    combo = editor.fields["project_id"].widget
    assert [combo.itemText(i) for i in range(combo.count())] == ["—", "SCS series"]
    editor.fields["title"].widget.setText("SCS in diabetic neuropathy")
    _choose(combo, project.id)
    _save(qtbot, editor)
    page = window.current_page()
    column = next(
        c
        for c in range(page.model.columnCount())
        if page.model.headerData(c, Qt.Orientation.Horizontal) == "Project"
    )
    assert page.model.index(0, column).data() == "SCS series"

    # Renaming the project reloads the manuscripts' labels too.
    with app_ctx.library.transaction() as session:
        items.update_item(session, app_ctx.actor, "project", project.id, {"title": "SCS"})
    app_ctx.events.changed.emit("project")
    assert page.model.index(0, column).data() == "SCS"


def test_filter_as_you_type_and_ctrl_f(qtbot, window, app_ctx):
    for title in ("Genicular RFA", "SCS case series", "Opioid tapering"):
        _create(app_ctx, "project", title=title, kind="education", status="idea")
    page = window.show_page("projects")
    assert window.find_action.shortcut() == QKeySequence.StandardKey.Find or (
        window.find_action.shortcut().toString() == "Ctrl+F"
    )
    window.find_action.trigger()
    assert page.filter_edit.hasFocus()
    qtbot.keyClicks(page.filter_edit, "ser")
    assert page.proxy.rowCount() == 1
    assert page.count_label.text() == "1 of 3 projects"
    page.filter_edit.clear()
    assert page.proxy.rowCount() == 3


def test_standard_shortcuts_are_bound(window):
    assert window.new_action.shortcut().toString() == "Ctrl+N"
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"
    assert window.redo_action.shortcut().toString() == "Ctrl+Shift+Z"
    assert window.delete_action.shortcut().toString() == "Del"


def test_window_layout_is_remembered(qtbot, app_ctx):
    first = MainWindow(app_ctx)
    qtbot.addWidget(first)
    first.show()
    first.resize(760, 520)
    first.show_page("conferences")
    first.close()

    second = MainWindow(app_ctx)
    qtbot.addWidget(second)
    second.show()
    assert second.current_key() == "conferences"
    assert second.size() == first.size()
    second.close()


class _FakeReferences(QWidget):
    def __init__(self, ctx):
        super().__init__()
        self.imported = []

    def import_files(self, paths):
        self.imported.append(paths)


def test_dropped_reference_files_go_to_the_references_page(qtbot, app_ctx, tmp_path):
    pages = (*[p for p in PAGES if p.key != "references"],
             PageSpec("references", "References", "reference", _FakeReferences))  # fmt: skip
    win = MainWindow(app_ctx, pages=pages)
    qtbot.addWidget(win)
    win.show()
    bib = tmp_path / "review.bib"
    bib.write_text("@article{a, title={A}}\n", encoding="utf-8")
    other = tmp_path / "notes.docx"
    other.write_bytes(b"")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(bib)), QUrl.fromLocalFile(str(other))])
    event = QDropEvent(
        QPoint(10, 10).toPointF(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    win.dropEvent(event)
    page = win.page("references")
    assert win.current_key() == "references"
    assert page.imported == [[Path(bib)]]


def test_detail_factory_opens_a_richer_widget_and_back_returns(qtbot, window, app_ctx):
    made = _create(app_ctx, "project", title="Detail me", kind="education", status="idea")
    opened = []

    def detail(ctx, record):
        opened.append(record.id)
        widget = QWidget()
        widget.setObjectName("projectDetail")
        return widget

    page = RecordListPage(app_ctx, "project", detail_factory=detail)
    qtbot.addWidget(page)
    page.show()
    page.select_id(made.id)
    page.open_current()
    assert opened == [made.id]
    assert page.stack.currentWidget() is page.detail
    page.close_detail()
    assert page.stack.currentWidget() is page.list_panel


def test_a_conflict_resolved_in_the_conflict_dialog_is_saved(qtbot, window, app_ctx, monkeypatch):
    asked = []

    def ask(parent, what, clashes, kept_theirs=(), *, show=None):
        asked.append(([c.name for c in clashes], list(kept_theirs)))
        return {"title": "mine"}

    monkeypatch.setattr(record_editor.ConflictDialog, "ask", ask)
    made = _create(app_ctx, "project", title="Shared", kind="education", status="idea")
    page = window.show_page("projects")
    page.select_id(made.id)
    editor = page.edit_current()
    with app_ctx.library.transaction() as session:
        items.update_item(
            session, app_ctx.actor, "project", made.id, {"irb_number": "X-1", "title": "Theirs"}
        )
    editor.fields["title"].widget.setText("Mine")
    with qtbot.waitSignal(editor.finished, timeout=5000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert asked == [(["title"], ["IRB number"])]
    with app_ctx.library.reading() as session:
        saved = items.get_item(session, app_ctx.actor, "project", made.id)
    assert (saved["title"], saved["irb_number"]) == ("Mine", "X-1")
    app_ctx.undo.undo()
    with app_ctx.library.reading() as session:
        undone = items.get_item(session, app_ctx.actor, "project", made.id)
    assert (undone["title"], undone["irb_number"]) == ("Theirs", "X-1")


def test_status_column_is_painted_as_a_chip(qtbot, window, app_ctx):
    from scholar_desk.ui.widgets.status_delegate import StatusDelegate

    _create(app_ctx, "project", title="Chip", kind="education", status="on hold")
    page = window.show_page("projects")
    column = next(
        c
        for c in range(page.model.columnCount())
        if page.model.headerData(c, Qt.Orientation.Horizontal) == "Status"
    )
    assert isinstance(page.table.itemDelegateForColumn(column), StatusDelegate)
    page.table.selectRow(0)
    assert not page.table.grab().isNull()


def test_the_remembered_page_is_built_after_the_first_paint(qtbot, app_ctx):
    first = MainWindow(app_ctx)
    qtbot.addWidget(first)
    first.show()
    first.show_page("journals")
    first.close()

    second = MainWindow(app_ctx)
    qtbot.addWidget(second)
    assert second.current_key() == "journals"
    assert second.page("journals") is None
    second.show()
    qtbot.waitUntil(lambda: second.page("journals") is not None)
    assert second.stack.currentWidget() is second.page("journals")


def _submission(app_ctx):
    manuscript = _create(app_ctx, "manuscript", title="A paper", article_type="review")
    journal = _create(app_ctx, "journal", name="PAIN")
    return _create(
        app_ctx, "submission", manuscript_id=manuscript.id, journal_id=journal.id, status="draft"
    )


def _status(app_ctx, sub_id):
    with app_ctx.library.reading() as session:
        return items.get_item(session, app_ctx.actor, "submission", sub_id)["status"]


def test_undo_of_a_status_move_takes_it_back_and_redo_moves_again(qtbot, window, app_ctx):
    from scholar_desk.ui.commands import UpdateCommand

    sub = _submission(app_ctx)
    UpdateCommand(app_ctx, "submission", sub, {"status": "submitted"}).push()
    assert _status(app_ctx, sub.id) == "submitted"
    app_ctx.undo.undo()
    assert _status(app_ctx, sub.id) == "draft"
    with app_ctx.library.reading() as session:
        assert items.get_item(session, app_ctx.actor, "submission", sub.id)["submitted_on"] is None
    app_ctx.undo.redo()
    assert _status(app_ctx, sub.id) == "submitted"
    assert app_ctx.undo.count() == 1


def test_an_undo_that_can_no_longer_apply_is_shown_and_dropped(qtbot, window, app_ctx):
    from PySide6.QtWidgets import QApplication

    from scholar_desk.ui.commands import UpdateCommand

    sub = _submission(app_ctx)
    UpdateCommand(app_ctx, "submission", sub, {"status": "submitted"}).push()
    with app_ctx.library.transaction() as session:  # another window moves it on
        items.update_item(session, app_ctx.actor, "submission", sub.id, {"status": "under review"})
    before = set(QApplication.allWidgets())
    app_ctx.undo.undo()
    boxes = [
        w for w in QApplication.allWidgets() if isinstance(w, QMessageBox) and w not in before
    ]
    for box in boxes:
        if box.parent() is None:
            qtbot.addWidget(box)
    assert any("no longer the latest" in b.text() for b in boxes)
    assert app_ctx.undo.count() == 0
    assert _status(app_ctx, sub.id) == "under review"


@pytest.mark.parametrize(
    ("role", "mentees", "audit"),
    [
        (None, False, True),
        ("fellow", False, False),
        ("mentor", True, False),
        ("director", True, True),
    ],
)
def test_navigation_shows_review_pages_only_to_roles_that_use_them(
    qtbot, library, role, mentees, audit
):
    from PySide6.QtGui import QUndoStack

    from scholar_desk.core.records import Role
    from scholar_desk.core.services.session import SINGLE_USER, Actor
    from scholar_desk.ui.context import AppContext, DataEvents
    from scholar_desk.ui.main_window import MainWindow
    from scholar_desk.ui.workers import make_pool

    actor = SINGLE_USER if role is None else Actor("someone", Role(role), None, 1)
    pool = make_pool()
    window = MainWindow(AppContext(library, actor, pool, QUndoStack(), DataEvents()))
    qtbot.addWidget(window)
    keys = window.page_keys()
    assert ("mentees" in keys) is mentees
    assert ("audit" in keys) is audit
    assert "dashboard" in keys
    assert pool.waitForDone(5000)


def test_open_database_starts_a_window_of_its_own(window, monkeypatch, tmp_path):
    from PySide6.QtCore import QProcess

    started = []

    def fake_start(program, args):
        started.append((program, list(args)))
        return True, 4242

    target = str(tmp_path / "other.sqlite3")
    monkeypatch.setattr(QProcess, "startDetached", fake_start)
    monkeypatch.setattr(window, "ask_database_path", lambda *, new: target)
    window.open_db_action.trigger()
    window.new_db_action.trigger()
    assert [args for _, args in started] == [["-m", "scholar_desk", "--db", target]] * 2


def test_cancelled_open_database_starts_nothing(window, monkeypatch):
    from PySide6.QtCore import QProcess

    monkeypatch.setattr(QProcess, "startDetached", lambda *a: pytest.fail("started"))
    monkeypatch.setattr(window, "ask_database_path", lambda *, new: None)
    window.open_db_action.trigger()


@pytest.mark.parametrize(
    ("role", "enabled"), [("mentor", False), ("fellow", True), ("director", True)]
)
def test_import_action_follows_what_the_role_may_do(qtbot, library, role, enabled):
    from PySide6.QtGui import QUndoStack

    from scholar_desk.core.records import Role
    from scholar_desk.core.services import accounts
    from scholar_desk.core.services.session import SINGLE_USER, Actor
    from scholar_desk.ui.context import AppContext, DataEvents
    from scholar_desk.ui.main_window import MainWindow
    from scholar_desk.ui.workers import make_pool

    with library.transaction() as s:  # two accounts turn login on
        accounts.create_account(s, SINGLE_USER, "first", "password123", "fellow")
        accounts.create_account(s, SINGLE_USER, "second", "password123", "fellow")
    pool = make_pool()
    actor = Actor("someone", Role(role), None, 1)
    window = MainWindow(AppContext(library, actor, pool, QUndoStack(), DataEvents()))
    qtbot.addWidget(window)
    assert window.import_action.isEnabled() is enabled
    assert pool.waitForDone(5000)
