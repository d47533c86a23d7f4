"""A table model over a short list of records of one kind, with a sort and filter proxy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from typing_extensions import override

from scholar_desk.core.records import FieldSpec, Record
from scholar_desk.core.services import zones
from scholar_desk.core.services.kinds import Kind, get_kind

ID_ROLE = Qt.ItemDataRole.UserRole + 1
"""The record's id."""
RECORD_ROLE = Qt.ItemDataRole.UserRole + 2
"""The whole `Record`."""
SORT_ROLE = Qt.ItemDataRole.UserRole + 3
"""A value that sorts naturally (numbers as numbers, dates as ISO text, blanks last)."""
FIELD_ROLE = Qt.ItemDataRole.UserRole + 4
"""The raw value of the column's field (a date, an int, a choice string...)."""

_Index = QModelIndex | QPersistentModelIndex


class _Column(NamedTuple):
    title: str
    getter: Callable[[Record], Any]
    spec: FieldSpec | None = None


def display_value(spec: FieldSpec | None, value: Any) -> str:
    """How a field value reads in a table cell."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        zone = value.tzinfo
        if zone is None or zone is dt.UTC:
            return value.strftime("%Y-%m-%d %H:%M")
        return f"{value:%Y-%m-%d %H:%M} {value.tzname() or ''}".rstrip()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool) or (spec is not None and spec.type == "bool"):
        return "✓" if value else ""
    if spec is not None and spec.type == "multiline":
        return " ".join(str(value).split())
    return str(value)


def sort_key(value: Any) -> Any:
    """A key that QSortFilterProxyModel compares sensibly; blanks sort as empty text."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value).casefold()


def columns_for(kind: Kind) -> tuple[_Column, ...]:
    """One column per field the kind shows in tables; references show their labels."""
    out = []
    for spec in kind.table_fields:
        if spec.type == "ref":
            label_key = spec.name.removesuffix("_id") + "_label"
            out.append(_Column(spec.label, _getter(label_key), spec))
        elif spec.type == "datetime" and spec.zone_field:
            out.append(_Column(spec.label, _zoned_getter(spec.name, spec.zone_field), spec))
        else:
            out.append(_Column(spec.label, _getter(spec.name), spec))
    return tuple(out)


def _getter(name: str) -> Callable[[Record], Any]:
    return lambda record: record.get(name)


def _zoned_getter(name: str, zone_field: str) -> Callable[[Record], Any]:
    """The moment as the wall-clock time in the record's own zone (a meeting's deadline)."""

    def get(record: Record) -> Any:
        value = record.get(name)
        if not isinstance(value, dt.datetime):
            return value
        return zones.in_zone(value, record.get(zone_field) or "")

    return get


class RecordTableModel(QAbstractTableModel):
    """Rows of one kind as frozen records; columns from the kind's table fields."""

    def __init__(
        self,
        kind_name: str,
        parent: QObject | None = None,
        *,
        columns: Sequence[_Column] | None = None,
    ) -> None:
        super().__init__(parent)
        self.kind = get_kind(kind_name)
        self._columns = tuple(columns) if columns is not None else columns_for(self.kind)
        self._rows: list[Record] = []

    # Our API ----------------------------------------------------------------------------

    def set_rows(self, rows: Iterable[Record]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Record]:
        """The records, in model order."""
        return list(self._rows)

    def record_at(self, row: int) -> Record:
        """The record of a model row."""
        return self._rows[row]

    def row_of(self, record_id: int) -> int:
        """The row holding ``record_id``, or -1."""
        for row, record in enumerate(self._rows):
            if record.id == record_id:
                return row
        return -1

    def column_spec(self, column: int) -> FieldSpec | None:
        """The field shown in a column, if it is one."""
        return self._columns[column].spec

    # Qt ---------------------------------------------------------------------------------

    @override
    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    @override
    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    @override
    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        record = self._rows[index.row()]
        column = self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = display_value(column.spec, column.getter(record))
            if role == Qt.ItemDataRole.ToolTipRole:
                return self._tooltip(column, record, text)
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignment(column.spec)
        if role == ID_ROLE:
            return record.id
        if role == RECORD_ROLE:
            return record
        if role == SORT_ROLE:
            return sort_key(column.getter(record))
        if role == FIELD_ROLE:
            return column.getter(record)
        return None

    @staticmethod
    def _tooltip(column: _Column, record: Record, text: str) -> str | None:
        spec = column.spec
        if spec is not None and spec.zone_field:
            value = record.get(spec.name)
            if isinstance(value, dt.datetime):
                note = zones.user_time_note(value, record.get(spec.zone_field) or "")
                return f"{text} ({note})" if note else None
        return text if len(text) > 40 else None

    @staticmethod
    def _alignment(spec: FieldSpec | None) -> int:
        vcenter = Qt.AlignmentFlag.AlignVCenter
        if spec is not None and spec.type == "int":
            return int(Qt.AlignmentFlag.AlignRight | vcenter)
        if spec is not None and spec.type == "bool":
            return int(Qt.AlignmentFlag.AlignHCenter | vcenter)
        return int(Qt.AlignmentFlag.AlignLeft | vcenter)

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return self._columns[section].title  # the tooltip: a narrow column elides
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return self._alignment(self._columns[section].spec)
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    @override
    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )


class RecordFilterProxy(QSortFilterProxyModel):
    """Sorts by natural values and keeps rows where every typed word appears in some column."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._words: tuple[str, ...] = ()

    def set_filter_text(self, text: str) -> None:
        """Filter as you type: each word must match somewhere in the row."""
        words = tuple(text.casefold().split())
        if words == self._words:
            return
        if hasattr(self, "beginFilterChange"):  # Qt 6.9 and later
            self.beginFilterChange()
            self._words = words
            self.endFilterChange()
        else:
            self._words = words
            self.invalidateRowsFilter()

    def filter_text(self) -> str:
        """The words filtered on, joined by spaces."""
        return " ".join(self._words)

    @override
    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        if not self._words:
            return True
        model = self.sourceModel()
        cells = " ".join(
            str(model.data(model.index(source_row, column, source_parent)) or "")
            for column in range(model.columnCount(source_parent))
        ).casefold()
        return all(word in cells for word in self._words)

    @override
    def lessThan(self, left: _Index, right: _Index) -> bool:
        a = left.data(SORT_ROLE)
        b = right.data(SORT_ROLE)
        # Blanks go last whichever way the column sorts; mixed types compare as text.
        if a == "" or b == "":
            if self.sortOrder() == Qt.SortOrder.AscendingOrder:
                return a != "" and b == ""
            return a == "" and b != ""
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)
