"""The point-by-point table of a revision round: reviewer, comment, response, where, done."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, NamedTuple

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from typing_extensions import override

from scholar_desk.core.services.submissions import PointRecord

ID_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
Writer = Callable[[int, str, object], PointRecord | None]
"""Saves one field of a point: the stored point, or ``None`` when it was refused (the
writer has shown why; the row keeps the stored value)."""
"""Saves one field of one point and returns the point as stored (raises on refusal)."""


class _Column(NamedTuple):
    title: str
    field: str
    editable: bool


COLUMNS = (
    _Column("#", "position", False),
    _Column("Reviewer", "reviewer", True),
    _Column("Comment", "comment", True),
    _Column("Response", "response", True),
    _Column("Where changed", "change_location", True),
    _Column("Done", "done", True),
)
DONE_COLUMN = 5
TEXT_COLUMNS = frozenset({2, 3})


class ReviewerPointModel(QAbstractTableModel):
    """Rows of `PointRecord`; edits go through ``writer`` so the database stays the truth."""

    def __init__(self, writer: Writer | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[PointRecord] = []
        self.writer = writer

    def set_rows(self, rows: Sequence[PointRecord]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[PointRecord]:
        """The rows shown, in order."""
        return list(self._rows)

    def point_at(self, row: int) -> PointRecord | None:
        """The point in ``row``, if any."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, point_id: int) -> int:
        """The row of a point, or -1."""
        return next((i for i, p in enumerate(self._rows) if p.id == point_id), -1)

    def done_count(self) -> tuple[int, int]:
        """``(done, total)`` of the rows shown."""
        return sum(1 for p in self._rows if p.done), len(self._rows)

    @override
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    @override
    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return COLUMNS[section].title
        return None

    @override
    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == DONE_COLUMN:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if COLUMNS[index.column()].editable:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    @override
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        point = self._rows[index.row()]
        column = index.column()
        if role == ID_ROLE:
            return point.id
        if column == DONE_COLUMN:
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if point.done else Qt.CheckState.Unchecked
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Done" if point.done else "Still to do"
            return None
        value = getattr(point, COLUMNS[column].field)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return value
        if role == Qt.ItemDataRole.ToolTipRole and column in TEXT_COLUMNS and value:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            top = Qt.AlignmentFlag.AlignTop
            if column == 0:
                return top | Qt.AlignmentFlag.AlignHCenter
            return top | Qt.AlignmentFlag.AlignLeft
        return None

    @override
    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return False
        column = index.column()
        field = COLUMNS[column].field
        if column == DONE_COLUMN and role == Qt.ItemDataRole.CheckStateRole:
            new: object = Qt.CheckState(value) == Qt.CheckState.Checked
        elif (
            column != DONE_COLUMN and role == Qt.ItemDataRole.EditRole and COLUMNS[column].editable
        ):
            new = "" if value is None else str(value)
        else:
            return False
        point = self._rows[index.row()]
        if getattr(point, field) == new:
            return False
        if self.writer is not None:
            written = self.writer(point.id, field, new)
            if written is None:
                return False
            stored = written
        else:
            stored = replace(point, **{field: new})
        self._rows[index.row()] = stored
        left = self.index(index.row(), 0)
        right = self.index(index.row(), len(COLUMNS) - 1)
        self.dataChanged.emit(left, right)
        return True
