import datetime as dt

import pytest
from PySide6.QtGui import QUndoStack

from scholar_desk.core import clock
from scholar_desk.core.services import items
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.main_window import MainWindow
from scholar_desk.ui.pages.dashboard_page import DashboardPage
from scholar_desk.ui.workers import make_pool

TODAY = dt.date(2026, 9, 1)


@pytest.fixture
def app_ctx(qtbot, library):
    clock.set_clock(lambda: dt.datetime(2026, 9, 1, 12, tzinfo=dt.UTC))
    pool = make_pool()
    ctx = AppContext(library, SINGLE_USER, pool, QUndoStack(), DataEvents())
    yield ctx
    assert pool.waitForDone(5000)


def _create(ctx, kind_name, /, **values):
    with ctx.library.transaction() as session:
        return items.create_item(session, ctx.actor, kind_name, values)


def _rows(table):
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_dashboard_shows_counts_deadlines_overdue_and_stalled(qtbot, app_ctx):
    fellow = _create(app_ctx, "person", given_name="Maya", family_name="Patel", degrees="MD")
    _create(app_ctx, "project", title="A", kind="education", status="analysis", owner_id=fellow.id)
    _create(app_ctx, "project", title="B", kind="education", status="idea", owner_id=fellow.id)
    _create(app_ctx, "deadline", title="Poster draft", due_on="2026-09-05", owner_id=fellow.id)
    _create(app_ctx, "deadline", title="Data pull", due_on="2026-08-20", owner_id=fellow.id)
    manuscript = _create(
        app_ctx, "manuscript", title="RFA outcomes", article_type="review", owner_id=fellow.id
    )
    journal = _create(app_ctx, "journal", name="PAIN")
    clock.set_clock(lambda: dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC))
    stuck = _create(
        app_ctx,
        "submission",
        manuscript_id=manuscript.id,
        journal_id=journal.id,
        status="draft",
        owner_id=fellow.id,
    )
    with app_ctx.library.transaction() as session:
        items.update_item(session, app_ctx.actor, "submission", stuck.id, {"status": "submitted"})
        items.update_item(
            session, app_ctx.actor, "submission", stuck.id, {"status": "under review"}
        )
    clock.set_clock(lambda: dt.datetime(2026, 9, 1, 12, tzinfo=dt.UTC))

    page = DashboardPage(app_ctx)
    qtbot.addWidget(page)
    page.show()

    assert page.active_projects.number.text() == "1"
    assert page.projects_pipeline.counts == {"idea": 1, "analysis": 1}
    assert page.submissions_pipeline.counts == {"under review": 1}
    assert page.overdue_count.number.text() == "1"
    assert _rows(page.upcoming_table)[0][:3] == ["Poster draft", "2026-09-05", "4 days"]
    assert _rows(page.overdue_table) == [
        ["Data pull", "2026-08-20", "12 days", "task", "Maya Patel, MD"]
    ]
    (stalled,) = _rows(page.stalled_table)
    assert stalled[0] == "RFA outcomes (PAIN)"
    assert stalled[1] == "under review"
    assert "1 overdue" in page.status_text()

    # A change anywhere refreshes the visible dashboard.
    _create(app_ctx, "project", title="C", kind="education", status="writing", owner_id=fellow.id)
    app_ctx.events.changed.emit("project")
    assert page.active_projects.number.text() == "2"

    with qtbot.waitSignal(page.open_requested) as opened:
        page.stalled_table.cellDoubleClicked.emit(0, 0)
    assert opened.args == ["submission", stuck.id]


def test_an_empty_database_says_so(qtbot, app_ctx):
    page = DashboardPage(app_ctx)
    qtbot.addWidget(page)
    page.show()
    assert page.overdue_section["empty"].text() == "Nothing overdue."
    assert not page.overdue_table.isVisibleTo(page)
    assert page.active_projects.number.text() == "0"


def test_the_window_opens_a_dashboard_item_on_its_page(qtbot, app_ctx):
    project = _create(app_ctx, "project", title="Stuck", kind="education", status="analysis")
    window = MainWindow(app_ctx)
    qtbot.addWidget(window)
    window.show()
    dashboard = window.show_page("dashboard")
    assert isinstance(dashboard, DashboardPage)
    dashboard.open_requested.emit("project", project.id)
    assert window.current_key() == "projects"
    assert window.current_page().current_record().id == project.id
