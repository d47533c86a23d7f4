"""The References page follows a .bib file and syncs it when it changes on disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QUndoStack
from sqlalchemy import select

from scholar_desk.core.db.models import Reference
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.main_window import MainWindow
from scholar_desk.ui.workers import make_pool

FIRST = """@article{Smith2020, author = {Smith, Jane}, title = {Epidural steroids}, year = {2020}}
@article{Doe2019, author = {Doe, John}, title = {Genicular ablation}, year = {2019}}
@article{Roe2018, author = {Roe, Rita}, title = {Stimulation outcomes}, year = {2018}}
"""
SECOND = """@article{Smith2020, author = {Smith, Jane}, title = {Epidural steroids}, year = {2021}}
@article{Doe2019, author = {Doe, John}, title = {Genicular ablation}, year = {2019}}
@article{Park2021, author = {Park, Soo}, title = {Buprenorphine rotation}, year = {2021}}
"""


@pytest.fixture
def window(qtbot, library) -> Any:
    ctx = AppContext(library, SINGLE_USER, make_pool(), QUndoStack(), DataEvents())
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    assert ctx.pool.waitForDone(10_000)
    ctx.undo.clear()


def _years(ctx: AppContext) -> dict[str, int | None]:
    with ctx.library.reading() as s:
        return {r.citation_key: r.year for r in s.scalars(select(Reference))}


def test_the_page_follows_a_file_and_picks_up_its_changes(
    qtbot, window: Any, tmp_path: Path
) -> None:
    ctx = window.ctx
    page = window.show_page("references")
    menu = page.import_button.menu()
    assert "Follow a .bib file…" in [a.text() for a in menu.actions()]
    bib = tmp_path / "zotero.bib"
    bib.write_text(FIRST, encoding="utf-8")
    with qtbot.waitSignal(page.follower.synced, timeout=20_000):
        page.follower.follow(bib)
    assert _years(ctx) == {"Smith2020": 2020, "Doe2019": 2019, "Roe2018": 2018}
    assert page.follower.followed_paths() == [str(bib.resolve())]
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10_000)

    shown: list[str] = []
    page.status_changed.connect(shown.append)
    with qtbot.waitSignal(page.follower.synced, timeout=20_000) as caught:
        bib.write_text(SECOND, encoding="utf-8")  # the exporter rewrites the file
    assert caught.args[0].summary().startswith("Synced zotero.bib: 1 added, 1 changed, 1 removed")
    assert _years(ctx) == {"Smith2020": 2021, "Doe2019": 2019, "Park2021": 2021}
    assert any("1 added, 1 changed, 1 removed" in text for text in shown)
    assert ctx.undo.undoText() == "Sync zotero.bib"

    ctx.undo.undo()  # one step takes the whole sync back
    assert _years(ctx) == {"Smith2020": 2020, "Doe2019": 2019, "Roe2018": 2018}
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10_000)


def test_a_broken_rewrite_says_so_and_changes_nothing(qtbot, window: Any, tmp_path: Path) -> None:
    ctx = window.ctx
    page = window.show_page("references")
    bib = tmp_path / "zotero.bib"
    bib.write_text(FIRST, encoding="utf-8")
    with qtbot.waitSignal(page.follower.synced, timeout=20_000):
        page.follower.follow(bib)
    with qtbot.waitSignal(
        page.status_changed,
        timeout=20_000,
        check_params_cb=lambda text: text.startswith("Not synced"),
    ) as caught:
        bib.write_text(FIRST + "@article{Bad1,\n title = {Open\n", encoding="utf-8")
    assert "line 4" in caught.args[0]
    assert _years(ctx) == {"Smith2020": 2020, "Doe2019": 2019, "Roe2018": 2018}
