import datetime as dt

import pytest
from activity_data import seed_activity
from icalendar import Calendar
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QUndoStack

from scholar_desk.core import clock
from scholar_desk.core.db import models as m
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.dialogs.reminder_dialog import SHOW_DEADLINES, ReminderDialog
from scholar_desk.ui.pages.deadlines_page import (
    ITEM_ROLE,
    DeadlinesPage,
    DeadlineTableModel,
)
from scholar_desk.ui.workers import make_pool

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def app_ctx(qtbot, library):
    clock.set_clock(lambda: dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC))
    seed_activity(library)
    pool = make_pool()
    ctx = AppContext(library, SINGLE_USER, pool, QUndoStack(), DataEvents())
    yield ctx
    assert pool.waitForDone(5000)


@pytest.fixture
def page(qtbot, app_ctx):
    widget = DeadlinesPage(app_ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 600)
    widget.show()
    return widget


def _titles(page):
    return [page.proxy.data(page.proxy.index(r, 3)) for r in range(page.proxy.rowCount())]


def test_model_passes_qtmodeltester(qtmodeltester, app_ctx):
    from scholar_desk.core.services import deadlines

    model = DeadlineTableModel()
    with app_ctx.library.reading() as s:
        rows = deadlines.all_deadlines(s, SINGLE_USER)
    model.set_rows(rows, {1: "Ana Reyes"}, TODAY)
    qtmodeltester.check(model)


def test_table_is_sorted_and_coloured_by_urgency(page):
    assert _titles(page) == [
        "Renew ACLS",
        "Revision due: Ketamine in CRPS (Regional Anesthesia & Pain Medicine)",
    ]
    assert page.proxy.data(page.proxy.index(0, 1)) == "7 days overdue"
    assert page.proxy.data(page.proxy.index(1, 1)) == "in 4 days"
    overdue = page.proxy.data(page.proxy.index(0, 0), Qt.ItemDataRole.BackgroundRole)
    week = page.proxy.data(page.proxy.index(1, 0), Qt.ItemDataRole.BackgroundRole)
    assert overdue.color().red() > 200
    assert week.color().green() > 100
    assert overdue.color() != week.color()
    assert page.proxy.data(page.proxy.index(0, 4)) == "Ana Reyes"
    page.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert _titles(page)[0].startswith("Revision due")
    assert page.status_text() == "2 deadlines: 1 overdue, 1 within 7 days"


def test_passed_meeting_dates_are_history_not_overdue(page):
    page.show_done.setChecked(True)
    assert _titles(page)[:2] == ["ASRA Pain abstract deadline", "ASRA Pain registration"]
    assert page.proxy.data(page.proxy.index(0, 1)) == "passed"
    assert page.proxy.data(page.proxy.index(0, 0), Qt.ItemDataRole.BackgroundRole) is None
    assert page.status_text() == "4 deadlines: 1 overdue, 1 within 7 days"


def test_filter_by_kind_and_calendar_marks(page):
    page.calendar.setCurrentPage(2026, 11)
    assert page.busy_days() == [dt.date(2026, 11, 20)]
    fmt = page.calendar.dateTextFormat(QDate(2026, 11, 20))
    assert fmt.fontWeight() > 400
    assert "Renew ACLS" in fmt.toolTip()
    page.calendar.setCurrentPage(2026, 12)
    assert page.busy_days() == [dt.date(2026, 12, 1)]
    index = page.kind_filter.findData("task")
    page.kind_filter.setCurrentIndex(index)
    assert _titles(page) == ["Renew ACLS"]
    assert page.busy_days() == []
    assert not page.calendar.dateTextFormat(QDate(2026, 12, 1)).toolTip()


def test_calendar_click_selects_the_deadline(page):
    page.calendar.setSelectedDate(QDate(2026, 11, 20))
    assert page.current_item().title == "Renew ACLS"
    assert "Renew ACLS" in page.day_label.text()
    assert page.done_button.isEnabled()


def test_mark_done_hides_a_custom_deadline(page, app_ctx, qtbot):
    page.calendar.setSelectedDate(QDate(2026, 11, 20))
    with qtbot.waitSignal(app_ctx.events.changed, timeout=2000):
        page.mark_done()
    assert "Renew ACLS" not in _titles(page)
    with app_ctx.library.reading() as s:
        assert s.get(m.Deadline, 1).done
    page.show_done.setChecked(True)
    assert "Renew ACLS" in _titles(page)
    row = _titles(page).index("Renew ACLS")
    assert page.proxy.data(page.proxy.index(row, 1)) == "done"


def test_derived_deadlines_cannot_be_ticked(page):
    page.table.selectRow(1)
    assert page.current_item().derived
    assert not page.done_button.isEnabled()


def test_export_calendar_in_background(page, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "mine"
    monkeypatch.setattr(page, "ask_export_path", lambda: str(target))
    with qtbot.waitSignal(page.export_finished, timeout=5000) as blocker:
        qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [str(tmp_path / "mine.ics")]
    events = Calendar.from_ical((tmp_path / "mine.ics").read_bytes()).walk("VEVENT")
    assert len(events) == 4
    assert page.status_text() == "Exported 4 deadlines to mine.ics"
    assert page.export_button.isEnabled()


def test_export_failure_shows_an_error(page, qtbot, tmp_path, monkeypatch):
    from scholar_desk.ui.pages import deadlines_page

    shown = []
    monkeypatch.setattr(deadlines_page, "show_error", lambda parent, exc: shown.append(exc))
    job = page.export_calendar(tmp_path / "missing" / "x.ics")
    with qtbot.waitSignal(job.signals.finished, timeout=5000):
        pass
    qtbot.waitUntil(lambda: bool(shown), timeout=2000)
    assert "does not exist" in shown[0].user_message


def test_new_deadline_opens_the_editor_on_the_selected_day(page, qtbot):
    page.calendar.setSelectedDate(QDate(2026, 12, 24))
    editor = page.new_item()
    qtbot.addWidget(editor)
    assert editor.raw_values()["due_on"] in ("2026-12-24", dt.date(2026, 12, 24))
    editor.reject()


def test_reminder_dialog_lists_overdue_and_soon(qtbot, app_ctx):
    reminder = ReminderDialog.reminder_for(app_ctx)
    dialog = ReminderDialog(reminder)
    qtbot.addWidget(dialog)
    assert "1 overdue and 1 due within 7 days" in dialog.summary.text()
    texts = [dialog.tree.topLevelItem(i).text(0) for i in range(dialog.tree.topLevelItemCount())]
    assert texts == ["7 days overdue", "in 4 days"]
    with qtbot.waitSignal(dialog.finished, timeout=2000) as blocker:
        dialog.show_button.click()
    assert blocker.args == [SHOW_DEADLINES]


def test_reminder_ask_is_silent_when_nothing_is_due(qtbot, library):
    ctx = AppContext(library, SINGLE_USER, make_pool(), QUndoStack(), DataEvents())
    assert ReminderDialog.ask(None, ctx) is False


def test_item_role_carries_the_deadline(page):
    item = page.proxy.data(page.proxy.index(0, 0), ITEM_ROLE)
    assert item.kind == "task"


def test_reminder_opens_without_blocking_and_show_calls_back(qtbot, app_ctx):
    shown = []
    dialog = ReminderDialog.open_for(None, app_ctx, lambda: shown.append(True))
    assert dialog is not None
    assert dialog.isVisible()
    with qtbot.waitSignal(dialog.finished, timeout=2000):
        dialog.show_button.click()
    assert shown == [True]


def test_reminder_open_for_is_silent_when_nothing_is_due(qtbot, library):
    ctx = AppContext(library, SINGLE_USER, make_pool(), QUndoStack(), DataEvents())
    assert ReminderDialog.open_for(None, ctx, lambda: None) is None
