"""A window reopening on the references paints from the SQLite file before SQLAlchemy loads.

The first screen read through the plain reader is the one the ordinary session gives
(rows, order, counts, flags) for every role, and the page goes on through the library
once it opens, keeping what the user did meanwhile.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import insert, select

from scholar_desk.core.db.library import Library
from scholar_desk.core.db.models import Reference, ReferenceNotice, Tag
from scholar_desk.core.db.plain import PlainReader
from scholar_desk.core.errors import PermissionDeniedError
from scholar_desk.core.services import accounts
from scholar_desk.core.services.references import table
from scholar_desk.core.services.session import SINGLE_USER, Actor
from scholar_desk.ui.models.reference_table import ReferenceTableModel
from scholar_desk.ui.pages.references_page import ReferencesPage
from tests.ui.plain_window import (
    assert_painted_before_sqlalchemy,
    pending_context,
    run_window,
    sign_in,
)

REFERENCES = 400


def _fill(library: Library, count: int = REFERENCES) -> None:
    rows = [
        {
            "entry_type": ("article", "book")[i % 2],
            "citation_key": f"key{i}",
            "authors": f"Author{i % 37}, Ana",
            "first_author": f"Author{i % 37}",
            "title": f"Outcome {i} of nerve blocks",
            "title_key": f"outcome {i % 50:03d} of nerve blocks",  # ties: the id decides
            "journal": ("Pain", "Pain Medicine", "")[i % 3],
            "year": None if i % 11 == 0 else 2000 + i % 25,
            "doi": f"10.5555/t.{i}",
            "extra_fields": {},
        }
        for i in range(count)
    ]
    with library.transaction() as session:
        session.execute(insert(Reference), rows)
        first = session.scalars(select(Reference.id).order_by(Reference.id)).first()
        session.add(ReferenceNotice(reference_id=first, kind="retraction", notice_doi="10.1/r"))


def test_the_references_page_paints_before_sqlalchemy_is_imported(tmp_path: Path) -> None:
    # A folder with '%', '#' and '?' in its name: a file URI built without escaping breaks.
    db = tmp_path / "odd %41 #1 ?x" / "lib.sqlite3"
    with Library.open(db) as library:
        _fill(library)
    assert_painted_before_sqlalchemy(tmp_path, db, "references")


def test_what_the_plain_reader_cannot_do_starts_the_ordinary_way(
    tmp_path: Path, demo_file: Path
) -> None:
    # Accounts (signing in goes through the library), and a page without a plain read.
    db = tmp_path / "demo.sqlite3"
    shutil.copy(demo_file, db)
    signed = run_window(
        tmp_path / "home", db, "references", "--user", "fellow1", password=accounts.DEMO_PASSWORD
    )
    assert signed.returncode == 0, signed.stderr
    assert signed.stdout.splitlines()[0].endswith("sqlalchemy loaded: yes)")
    other = run_window(tmp_path / "home2", tmp_path / "new.sqlite3", "references")
    assert other.returncode == 0, other.stderr  # a new file: created and migrated first
    assert other.stdout.splitlines()[0].endswith("sqlalchemy loaded: yes)")


@pytest.fixture
def demo_copy(open_copy: Callable[[Path], Library], demo_file: Path) -> Library:
    library = open_copy(demo_file)
    _fill(library)
    return library


def _shown(model: ReferenceTableModel, rows: int) -> list[tuple[object, ...]]:
    return [
        (
            *(model.index(r, c).data() for c in range(model.columnCount())),
            model.index(r, 3).data(Qt.ItemDataRole.UserRole + 2),
        )
        for r in range(rows)
    ]


@pytest.mark.parametrize("username", ["fellow1", "mentor", "director"])
@pytest.mark.parametrize(
    ("sort", "descending", "tag"),
    [("title", False, None), ("year", True, None), ("journal", False, "a tag")],
)
def test_the_plain_first_screen_is_what_the_session_shows(
    qtbot, demo_copy: Library, username: str, sort: str, descending: bool, tag: str | None
) -> None:
    actor = sign_in(demo_copy, username)
    if tag is not None:
        with demo_copy.reading() as session:
            tag = session.scalars(select(Tag.name).order_by(Tag.name)).first()
        assert tag is not None
    ctx = pending_context(demo_copy, actor)
    plain = ReferenceTableModel(ctx, actor=actor)
    ordinary = ReferenceTableModel(demo_copy, actor=actor)
    for model in (plain, ordinary):
        model.sort_key, model.descending, model.tag = sort, descending, tag
        model.show_first_screen(rows=60)
    assert not ctx.library_open  # everything above came through the plain reader
    assert plain.rowCount() == ordinary.rowCount() > 0
    assert plain.flagged == ordinary.flagged
    if tag is None:
        assert plain.flagged  # the retraction flags a row on both ways
    assert _shown(plain, 60) == _shown(ordinary, 60)
    plain.complete()
    ordinary.complete()
    assert not ctx.library_open
    assert plain.ids() == ordinary.ids()
    assert len(plain.ids()) == plain.rowCount()
    ctx.close()


def test_a_signed_out_actor_reads_nothing_on_either_way(demo_copy: Library) -> None:
    assert demo_copy.path is not None
    nobody = Actor(username="nobody")
    with PlainReader.open_current(str(demo_copy.path)) as reader:
        assert reader is not None
        with pytest.raises(PermissionDeniedError):
            table.first_screen(reader, nobody, rows=10)
    with demo_copy.reading() as session, pytest.raises(PermissionDeniedError):
        table.first_screen(session, nobody, rows=10)


def test_the_page_goes_on_through_the_library_keeping_what_was_done(qtbot, tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.sqlite3") as library:
        _fill(library, 2000)
        ctx = pending_context(library, SINGLE_USER)
        page = ReferencesPage(ctx)
        qtbot.addWidget(page)
        page.resize(1200, 700)
        page.show()
        qtbot.waitUntil(lambda: not page.model.partial, timeout=10_000)
        # Before the library opens: sort by year (newest first), scroll.
        page.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        page.table.verticalScrollBar().setValue(40)
        shown = _shown(page.model, 30)
        order = page.model.ids()
        assert not ctx.library_open
        with qtbot.waitSignal(ctx.events.library_opened, timeout=10_000):
            ctx.set_library(library)
        assert ctx.library_open
        header = page.table.horizontalHeader()
        assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
            2,
            Qt.SortOrder.DescendingOrder,
        )
        assert page.table.verticalScrollBar().value() == 40
        assert _shown(page.model, 30) == shown
        assert page.model.ids() == order
        page.table.selectRow(7)
        chosen = page.selected_ids()
        assert chosen == [order[7]]
        # Edits work: the detail pane saves through the library.
        assert page.detail.detail is not None
        assert page.detail.detail.id == chosen[0]
        page.detail.edits["title"].setText("A title saved after the switch")
        page.detail.save_button.click()
        with library.reading() as session:
            title = session.scalar(select(Reference.title).where(Reference.id == chosen[0]))
        assert title == "A title saved after the switch"
        # Searching goes through the session now, over the same order.
        page.search.setText("saved after")
        qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5_000)
        assert page.model.id_at(0) == chosen[0]
        assert ctx.pool.waitForDone(10_000)
        ctx.undo.clear()


def test_a_row_chosen_before_the_library_opened_opens_it_and_keeps_the_view(
    qtbot, tmp_path: Path
) -> None:
    with Library.open(tmp_path / "lib.sqlite3") as library:
        _fill(library, 2000)
        ctx = pending_context(library, SINGLE_USER)
        page = ReferencesPage(ctx)
        qtbot.addWidget(page)
        page.resize(1200, 700)
        page.show()
        qtbot.waitUntil(lambda: not page.model.partial, timeout=10_000)
        page.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        page.table.verticalScrollBar().setValue(25)
        order = page.model.ids()
        assert not ctx.library_open
        page.table.selectRow(30)  # the detail pane reads through the session: it opens
        assert ctx.library_open
        assert page.selected_ids() == [order[30]]
        assert page.detail.detail is not None
        assert page.detail.detail.id == order[30]
        assert page.table.verticalScrollBar().value() == 25
        assert page.model.ids() == order
        assert ctx.pool.waitForDone(10_000)
