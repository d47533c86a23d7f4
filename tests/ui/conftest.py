"""UI fixtures: the demo database (built once per run, copied per test) and a window on it."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack

from scholar_desk.core.db.library import Library
from scholar_desk.core.services import accounts, demo
from scholar_desk.core.services.session import Actor
from scholar_desk.ui import unsaved
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.workers import make_pool


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database, filled once for the whole run (tests use copies)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    with Library.open(path) as library, library.transaction() as session:
        demo.fill(session)
    return path


@pytest.fixture
def open_copy(tmp_path: Path) -> Iterator[Callable[[Path], Library]]:
    """``open_copy(path)``: a library on a fresh copy of a database file, closed after."""
    opened: list[Library] = []

    def make(source: Path) -> Library:
        copy = tmp_path / f"copy{len(opened)}-{source.name}"
        shutil.copy(source, copy)
        opened.append(Library.open(copy))
        return opened[-1]

    yield make
    for library in opened:
        library.close()


@pytest.fixture
def demo_ctx(qtbot, demo_file: Path, tmp_path: Path) -> Iterator[Callable[[str], AppContext]]:
    """``demo_ctx("mentor")``: a context signed in to a fresh copy of the demo database."""
    copy = tmp_path / "demo.sqlite3"
    shutil.copy(demo_file, copy)
    library = Library.open(copy)
    made: list[AppContext] = []

    def make(username: str) -> AppContext:
        with library.transaction() as session:
            actor: Actor = accounts.login(session, username, accounts.DEMO_PASSWORD)
        ctx = AppContext(library, actor, make_pool(), QUndoStack(), DataEvents())
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        assert ctx.pool.waitForDone(10_000)
        ctx.undo.clear()
    library.close()


@pytest.fixture(autouse=True)
def _unanswered_questions_discard(monkeypatch: pytest.MonkeyPatch) -> None:
    """Closing widgets at the end of a test must never wait on a modal question.

    A question about unsaved edits that a test does not answer means Discard.
    """
    monkeypatch.setattr(
        unsaved.UnsavedChangesDialog, "ask", staticmethod(lambda _p, _w: unsaved.Choice.DISCARD)
    )
    monkeypatch.setattr(unsaved.RestoreDraftDialog, "ask", staticmethod(lambda _p, _w: False))


@pytest.fixture(autouse=True)
def _no_box_left_open(qapp) -> Iterator[None]:
    """A message box a test left open (answered by nobody) is closed after it, so that the
    next test's count of open boxes starts from none."""
    yield
    from PySide6.QtWidgets import QMessageBox

    for box in qapp.topLevelWidgets():
        if isinstance(box, QMessageBox) and box.isVisible():
            box.close()
            box.deleteLater()
