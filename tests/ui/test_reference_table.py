from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from scholar_desk.core.db.library import Library
from scholar_desk.core.services import references as svc
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.models.reference_table import ID_ROLE, ReferenceTableModel

BIB = "".join(
    f"@article{{k{i}, author = {{Author{i % 7}, A}}, title = {{Title {i:03d} about pain}}, "
    f"journal = {{J{i % 3}}}, year = {{{2000 + i % 20}}}}}\n"
    for i in range(600)
)


@pytest.fixture
def filled(library: Library, tmp_path: Path) -> Library:
    path = tmp_path / "a.bib"
    path.write_text(BIB, encoding="utf-8")
    with library.transaction() as session:
        svc.import_files(session, SINGLE_USER, [path])
    return library


def test_model_passes_qtmodeltester(qtmodeltester, filled: Library) -> None:
    model = ReferenceTableModel(filled)
    model.refresh()
    qtmodeltester.check(model)
    model.set_search("title 01")
    qtmodeltester.check(model)


def test_ids_sort_search_and_blocks(filled: Library) -> None:
    model = ReferenceTableModel(filled)
    model.refresh()
    assert model.rowCount() == 600
    assert model.index(0, 3).data() == "Title 000 about pain"
    assert isinstance(model.index(599, 0).data(ID_ROLE), int)
    assert model.index(599, 3).data() == "Title 599 about pain"
    model.sort(2, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 2).data() == "2019"
    model.set_search("title 599")
    assert model.rowCount() == 1
    model.set_search("")
    assert model.rowCount() == 600


def test_first_screen_then_the_full_order(qtmodeltester, filled: Library) -> None:
    model = ReferenceTableModel(filled)
    model.sort(2, Qt.SortOrder.DescendingOrder)  # before the first query: only remembered
    assert model.rowCount() == 0
    model.show_first_screen(rows=50)
    assert model.partial
    assert model.rowCount() == 600
    assert model.total() == 600
    assert model.index(0, 2).data() == "2019"
    assert model.index(49, 3).data() != ""
    qtmodeltester.check(model)
    model.complete()
    assert not model.partial
    with filled.reading() as session:
        full = svc.reference_ids(session, SINGLE_USER, sort="year", descending=True)
    assert model.ids() == full
    assert model.index(599, 0).data(ID_ROLE) == full[599]


def test_a_row_past_the_first_screen_reads_the_full_order(filled: Library) -> None:
    model = ReferenceTableModel(filled)
    model.show_first_screen(rows=20)
    with filled.reading() as session:
        full = svc.reference_ids(session, SINGLE_USER)
    assert model.row_of(full[500]) == 500
    assert not model.partial
    assert model.record_at(500) is not None


def test_a_change_between_first_screen_and_full_order_resets(
    qtbot, filled: Library, tmp_path: Path
) -> None:
    model = ReferenceTableModel(filled)
    model.show_first_screen(rows=20)
    path = tmp_path / "more.bib"
    path.write_text("@article{new1, title = {Aaa first by title}, year = 2001}\n", "utf-8")
    with filled.transaction() as session:
        svc.import_files(session, SINGLE_USER, [path])
    with qtbot.waitSignal(model.modelReset):
        model.complete()
    assert model.rowCount() == 601
    assert model.index(0, 3).data() == "Aaa first by title"


def test_every_name_of_the_references_facade_resolves() -> None:
    for name in svc.__all__:
        assert getattr(svc, name) is not None, name
