import datetime as dt
from types import MappingProxyType

from PySide6.QtCore import Qt

from scholar_desk.core.records import Record
from scholar_desk.ui.models.record_table import (
    ID_ROLE,
    RECORD_ROLE,
    RecordFilterProxy,
    RecordTableModel,
)


def _project(id_: int, title: str, status: str, expires: dt.date | None, owner: str) -> Record:
    values = {
        "title": title,
        "kind": "clinical study",
        "status": status,
        "owner_id": 1,
        "owner_label": owner,
        "irb_number": f"IRB-{id_}" if expires else "",
        "irb_expires_on": expires,
    }
    return Record("project", id_, 1, title, MappingProxyType(values))


ROWS = [
    _project(1, "Genicular RFA outcomes", "analysis", dt.date(2027, 1, 6), "Maya Patel, MD"),
    _project(2, "SCS case series", "writing", None, "Daniel Okafor, DO"),
    _project(3, "Opioid tapering QI", "idea", dt.date(2026, 3, 1), "Maya Patel, MD"),
]


def _model() -> RecordTableModel:
    model = RecordTableModel("project")
    model.set_rows(ROWS)
    return model


def test_model_passes_qt_model_tester(qtmodeltester):
    model = _model()
    qtmodeltester.check(model)
    model.set_rows([])
    qtmodeltester.check(model)


def test_proxy_passes_qt_model_tester(qtmodeltester):
    proxy = RecordFilterProxy()
    proxy.setSourceModel(_model())
    proxy.set_filter_text("patel")
    qtmodeltester.check(proxy)


def test_columns_come_from_the_kinds_table_fields():
    model = _model()
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert titles == ["Title", "Kind", "Status", "Fellow", "IRB number", "IRB expires"]


def test_cells_show_labels_iso_dates_and_carry_ids():
    model = _model()
    fellow = titles_index(model, "Fellow")
    expires = titles_index(model, "IRB expires")
    assert model.index(0, fellow).data() == "Maya Patel, MD"
    assert model.index(0, expires).data() == "2027-01-06"
    assert model.index(1, expires).data() == ""
    assert model.index(2, 0).data(ID_ROLE) == 3
    assert model.index(2, 0).data(RECORD_ROLE) is ROWS[2]


def test_bools_show_a_check_mark():
    values = {"name": "PAIN", "abbreviation": "", "issn": "", "publisher": "", "word_limit": 4000}
    yes = Record("journal", 1, 1, "PAIN", MappingProxyType({**values, "is_example": True}))
    no = Record("journal", 2, 1, "Other", MappingProxyType({**values, "is_example": False}))
    model = RecordTableModel("journal")
    model.set_rows([yes, no])
    example = titles_index(model, "Example entry (check each year)")
    assert model.index(0, example).data() == "✓"
    assert model.index(1, example).data() == ""
    limit = titles_index(model, "Word limit")
    assert model.index(0, limit).data(Qt.ItemDataRole.TextAlignmentRole) & int(
        Qt.AlignmentFlag.AlignRight
    )


def test_filter_keeps_rows_matching_every_word_in_any_column():
    proxy = RecordFilterProxy()
    proxy.setSourceModel(_model())
    proxy.set_filter_text("patel")
    assert proxy.rowCount() == 2
    proxy.set_filter_text("PATEL idea")
    assert proxy.rowCount() == 1
    assert proxy.index(0, 0).data(ID_ROLE) == 3
    proxy.set_filter_text("")
    assert proxy.rowCount() == 3


def test_sort_by_date_keeps_blanks_last_both_ways():
    model = _model()
    proxy = RecordFilterProxy()
    proxy.setSourceModel(model)
    column = titles_index(model, "IRB expires")
    proxy.sort(column, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data(ID_ROLE) for r in range(3)] == [3, 1, 2]
    proxy.sort(column, Qt.SortOrder.DescendingOrder)
    assert [proxy.index(r, 0).data(ID_ROLE) for r in range(3)] == [1, 3, 2]


def titles_index(model: RecordTableModel, title: str) -> int:
    for column in range(model.columnCount()):
        if model.headerData(column, Qt.Orientation.Horizontal) == title:
            return column
    raise AssertionError(title)
