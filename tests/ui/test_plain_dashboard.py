"""A window reopening on the dashboard paints it from the SQLite file before SQLAlchemy loads.

The summary read through the plain reader is the one the ordinary session gives, for
every role; the program's requirements fill in once the library opens, and nothing else
on the page is built again.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLabel

from scholar_desk.core import clock
from scholar_desk.core.db.library import Library
from scholar_desk.core.db.plain import PlainReader
from scholar_desk.core.services import dashboard, demo, items
from scholar_desk.core.services.session import SINGLE_USER, Actor
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.pages.dashboard_page import DashboardPage
from scholar_desk.ui.workers import make_pool
from tests.ui.plain_window import assert_painted_before_sqlalchemy, pending_context, sign_in

TODAY = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def dated_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database filled for a fixed day (its dates fall around ``TODAY``)."""
    path = tmp_path_factory.mktemp("dashdemo") / "demo.sqlite3"
    with Library.open(path) as library, library.transaction() as session:
        demo.fill(session, today=TODAY)
    return path


@pytest.fixture
def demo_copy(open_copy: Callable[[Path], Library], dated_demo: Path) -> Library:
    return open_copy(dated_demo)


def test_the_dashboard_paints_before_sqlalchemy_is_imported(tmp_path: Path) -> None:
    db = tmp_path / "lib.sqlite3"
    with Library.open(db) as library, library.transaction() as session:
        fellow = items.create_item(
            session, SINGLE_USER, "person", {"given_name": "Maya", "family_name": "Patel"}
        )
        items.create_item(
            session,
            SINGLE_USER,
            "project",
            {"title": "Blocks", "kind": "clinical study", "owner_id": fellow.id},
        )
        items.create_item(
            session, SINGLE_USER, "deadline", {"title": "Draft", "due_on": "2020-01-01"}
        )
    assert_painted_before_sqlalchemy(tmp_path, db, "dashboard")


@pytest.mark.parametrize("username", ["fellow1", "mentor", "director"])
def test_the_plain_summary_is_what_the_session_gives(demo_copy: Library, username: str) -> None:
    actor = sign_in(demo_copy, username)
    assert demo_copy.path is not None
    with PlainReader.open_current(str(demo_copy.path)) as reader:
        assert reader is not None
        plain = dashboard.summary(reader, actor, TODAY, days=30)
        plain_people = dashboard.people_labels(reader, actor)
    with demo_copy.reading() as session:
        ordinary = dashboard.summary(session, actor, TODAY, days=30)
        people = dashboard.people_labels(session, actor)
        # The counts are those of the records the item service lets this role read.
        projects = items.list_items(session, actor, "project")
        submissions = items.list_items(session, actor, "submission")
        labels = {p.id: p.label for p in items.list_items(session, actor, "person")}
    assert plain == ordinary
    assert plain_people == people == labels
    assert plain.projects_by_status == dict(Counter(p.values["status"] for p in projects))
    assert plain.submissions_by_status == dict(Counter(s.values["status"] for s in submissions))
    assert plain.upcoming, plain  # the demo's day has something of each
    assert plain.overdue, plain
    assert plain.stalled, plain


def test_a_signed_out_actor_sees_nothing_on_either_way(demo_copy: Library) -> None:
    assert demo_copy.path is not None
    nobody = Actor(username="nobody")
    with PlainReader.open_current(str(demo_copy.path)) as reader:
        assert reader is not None
        plain = dashboard.summary(reader, nobody, TODAY)
    with demo_copy.reading() as session:
        ordinary = dashboard.summary(session, nobody, TODAY)
    assert plain == ordinary
    assert not plain.projects_by_status
    assert not plain.stalled
    assert all(d.owner_id is None for d in plain.upcoming + plain.overdue)


@pytest.mark.parametrize("username", ["fellow1", "mentor", "director"])
def test_the_requirements_fill_in_when_the_library_opens(
    qtbot, demo_copy: Library, username: str
) -> None:
    clock.set_clock(lambda: dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC))
    actor = sign_in(demo_copy, username)
    ordinary_ctx = AppContext(demo_copy, actor, make_pool(), QUndoStack(), DataEvents())
    ordinary = DashboardPage(ordinary_ctx)
    qtbot.addWidget(ordinary)
    ordinary.show()

    ctx = pending_context(demo_copy, actor)
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    assert not ctx.library_open  # everything shown came through the plain reader
    assert page.summary == ordinary.summary
    # The card holds its lines (program, then each requirement or fellow) with no state yet.
    waiting = page.requirements.text()
    assert waiting != ordinary.requirements.text()
    assert waiting.count("<br>") == ordinary.requirements.text().count("<br>") > 1
    assert waiting.split("<br>")[0] == ordinary.requirements.text().split("<br>")[0]
    # As tall as the filled card wherever its lines fit the width (a long state may wrap).
    height = page.requirements.heightForWidth(4000)
    assert page.status_text() == ordinary.status_text()
    shown = {
        name: getattr(page, name).number.text()
        for name in ("active_projects", "open_submissions", "due_soon", "overdue_count")
    }
    pipeline_labels = page.projects_pipeline.body.findChildren(QLabel)
    upcoming_rows = page.upcoming_table.rowCount()

    with qtbot.waitSignal(ctx.events.library_opened, timeout=10_000):
        ctx.set_library(demo_copy)
    assert page.requirements.text() == ordinary.requirements.text()
    assert page.requirements.heightForWidth(4000) == height  # the cards below stay put
    # The other cards stay as they were painted: nothing is read or built again.
    assert page.projects_pipeline.body.findChildren(QLabel) == pipeline_labels
    assert page.upcoming_table.rowCount() == upcoming_rows
    assert shown == {
        name: getattr(ordinary, name).number.text()
        for name in ("active_projects", "open_submissions", "due_soon", "overdue_count")
    }
    # After the switch the page reloads through the library as usual.
    ctx.events.changed.emit("project")
    assert page.summary == ordinary.summary
    assert page.requirements.text() == ordinary.requirements.text()
    assert ctx.pool.waitForDone(5_000)
    assert ordinary_ctx.pool.waitForDone(5_000)
