"""Entering a meeting's deadline in its own time zone through the conference editor."""

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from scholar_desk.core.services import items
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.dialogs.record_editor import RecordEditor, ZoneBox, ZonedDateTimeField
from scholar_desk.ui.main_window import MainWindow
from scholar_desk.ui.models.record_table import display_value
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


def test_zone_is_picked_from_the_iana_list_and_the_deadline_typed_in_it(qtbot, window, app_ctx):
    window.show_page("conferences")
    editor = window.new_item()
    assert isinstance(editor, RecordEditor)
    zone_box = editor.fields["deadline_timezone"].widget
    deadline = editor.fields["abstract_deadline"].widget
    assert isinstance(zone_box, ZoneBox)
    assert isinstance(deadline, ZonedDateTimeField)
    assert zone_box.findText("America/Phoenix") >= 0
    assert zone_box.findText("Arizona time") < 0
    assert zone_box.completer().filterMode() == Qt.MatchFlag.MatchContains

    qtbot.keyClicks(editor.fields["name"].widget, "Western Pain Society")
    zone_box.setEditText("Arizona time")  # typed; the completer's popup needs a real screen
    qtbot.keyClicks(deadline.line_edit, "2026-12-13 23:59")
    assert deadline.note.text() == "unknown time zone"
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.isVisible()
    assert editor.error_text("deadline_timezone") == (
        "'Arizona time' is not a time zone. Choose an IANA zone name such as America/Phoenix."
    )
    assert [f for f in editor.fields if editor.error_text(f)] == ["deadline_timezone"]

    zone_box.set_zone("America/Phoenix")
    assert deadline.note.text().startswith("MST (America/Phoenix)")
    with qtbot.waitSignal(editor.finished, timeout=5000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    with app_ctx.library.reading() as s:
        (conf,) = items.list_items(s, app_ctx.actor, "conference")
    assert conf["deadline_timezone"] == "America/Phoenix"
    assert conf["abstract_deadline"] == dt.datetime(2026, 12, 14, 6, 59, tzinfo=dt.UTC)

    page = window.current_page()
    column = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(4, 8)]
    col = 4 + column.index("Abstract deadline")
    assert page.model.index(0, col).data() == "2026-12-13 23:59 MST"

    # Opening it again shows the same wall-clock time, not UTC.
    again = RecordEditor(app_ctx, "conference", conf)
    qtbot.addWidget(again)
    assert again.fields["abstract_deadline"].widget.text() == "2026-12-13 23:59"
    assert again.fields["deadline_timezone"].widget.text() == "America/Phoenix"
    assert again.changed_values() == {}


def test_table_shows_utc_deadlines_with_their_zone():
    moment = dt.datetime(2026, 12, 13, 23, 59, tzinfo=dt.UTC)
    assert display_value(None, moment) == "2026-12-13 23:59"


@pytest.fixture
def in_new_york(monkeypatch):
    """The computer's clock in New York, two hours ahead of Phoenix in December."""
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_editor_shows_the_users_own_time_beside_the_meetings(qtbot, app_ctx, in_new_york):
    editor = RecordEditor(app_ctx, "conference")
    qtbot.addWidget(editor)
    editor.fields["deadline_timezone"].widget.set_zone("America/Phoenix")
    deadline = editor.fields["abstract_deadline"].widget
    qtbot.keyClicks(deadline.line_edit, "2026-12-13 23:59")
    assert deadline.note.text() == "MST (America/Phoenix), your time 2026-12-14 01:59 EST"
    editor.fields["deadline_timezone"].widget.set_zone("America/New_York")
    assert deadline.note.text() == "EST (America/New_York)"  # the same clock: no second time
