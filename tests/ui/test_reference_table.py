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


def _searched(library: Library, text: str) -> list[int]:
    with library.reading() as session:
        return svc.reference_ids(session, SINGLE_USER, search=text)


def test_typing_on_backspacing_and_retyping_shows_what_a_fresh_search_shows(
    filled: Library,
) -> None:
    model = ReferenceTableModel(filled)
    model.refresh()
    typed = [
        "ti",
        "tit",
        "title",
        "title ",
        "title 0",
        "title 01",
        "title 012",
        "title 01",
        "title 1",
        "title 19",
        "title 1",
        "author3 ti",
        "author3 title 05",
        "pain 2",
        "pain 20",
        "pain 201",
        "pain 2013",
        "",
        "x",
    ]
    for text in typed:
        model.set_search(text)
        assert model.ids() == _searched(filled, text), text
        assert model.search == text.strip()


def test_a_search_after_an_import_and_a_refresh_finds_the_new_rows(
    filled: Library, tmp_path: Path
) -> None:
    model = ReferenceTableModel(filled)
    model.refresh()
    model.set_search("title 0")
    path = tmp_path / "more.bib"
    path.write_text("@article{new1, title = {Title 0999 about pain}, year = 2001}\n", "utf-8")
    with filled.transaction() as session:
        svc.import_files(session, SINGLE_USER, [path])
    fresh = _searched(filled, "title 0999")
    assert len(fresh) == 1
    model.set_search("title 09")  # the order held was read before the import
    assert model.ids() == [i for i in _searched(filled, "title 09") if i not in fresh]
    model.set_search("title 0999")
    assert model.ids() == []
    model.refresh()
    assert model.ids() == fresh
    model.set_search("title 09")
    assert model.ids() == _searched(filled, "title 09")


def test_a_notice_stored_elsewhere_shows_once_the_rows_are_invalidated(
    filled: Library,
) -> None:
    from scholar_desk.core.db.library_models import ReferenceNotice
    from scholar_desk.ui.models.reference_table import FLAG_ROLE

    model = ReferenceTableModel(filled)
    model.refresh()
    ref_id = model.id_at(0)
    assert model.index(0, 3).data(FLAG_ROLE) is None
    with filled.transaction() as session:
        session.add(ReferenceNotice(reference_id=ref_id, kind="retraction", notice_doi="10.1/r"))
    model.set_search("title")  # a search leaves the notices as they were read
    model.invalidate_rows()  # what the page does when a reference changed elsewhere
    assert "retract" in (model.index(0, 3).data(FLAG_ROLE) or "").lower()


def test_typing_on_over_many_rows_drops_what_no_longer_matches(
    filled: Library, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from scholar_desk.ui.models import reference_table

    monkeypatch.setattr(reference_table, "DROP_FROM", 1)  # 600 rows count as many here
    path = tmp_path / "ti.bib"
    path.write_text("".join(f"@article{{ti{i}, title = {{Tiamat {i}}}}}\n" for i in range(20)))
    with filled.transaction() as session:
        svc.import_files(session, SINGLE_USER, [path])  # "ti" finds them, "tit" does not
    model = ReferenceTableModel(filled)
    model.refresh()
    model.sort(2, Qt.SortOrder.DescendingOrder)
    typed = ["ti", "tit", "title", "title 0", "title 01", "title 012", "title 0", "pa", "pain"]
    typed += [
        "pain ti",
        "pain title",
        "pain title 5",
        "pain title 59",
        "author2 ab",
        "author2 about",
    ]
    for text in typed:
        model.set_search(text)
        with filled.reading() as session:
            fresh = svc.reference_ids(
                session, SINGLE_USER, search=text, sort="year", descending=True
            )
        assert model.ids() == fresh, text


def test_the_index_names_what_typing_on_drops(filled: Library) -> None:
    with filled.reading() as session:
        before = set(svc.reference_ids(session, SINGLE_USER, search="title 0"))
        now = set(svc.reference_ids(session, SINGLE_USER, search="title 01"))
        dropped = svc.dropped_ids(session, SINGLE_USER, "title 01", "title 0", limit=600)
        assert dropped is not None
        assert set(dropped) == before - now
        assert len(dropped) == 90
        assert svc.dropped_ids(session, SINGLE_USER, "title 01", "title 0", limit=89) is None
        assert svc.dropped_ids(session, SINGLE_USER, "title", "titl", limit=600) == []
