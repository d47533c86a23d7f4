"""The audit trail for directors: who changed what and when, filtered."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from scholar_desk.core.errors import ScholarDeskError
from scholar_desk.core.services import audit
from scholar_desk.core.services.audit import AuditEntry
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.operations import read
from scholar_desk.ui.widgets.page_header import page_header, set_page_margins

_COLUMNS = (
    ("When", lambda e: e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")),
    ("Who", lambda e: e.actor),
    ("Action", lambda e: e.action),
    ("Kind", lambda e: e.kind),
    ("Record", lambda e: "" if e.record_id is None else str(e.record_id)),
    ("Change", audit.describe_change),
)
PAGE_SIZE = 2000
ALL = "(all)"


class AuditTableModel(QAbstractTableModel):
    """Rows of audit events (frozen records, newest first)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[AuditEntry] = []

    def set_rows(self, rows: list[AuditEntry]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    @override
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    @override
    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(_COLUMNS)

    @override
    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = _COLUMNS[index.column()][1](self.rows[index.row()])
            if role == Qt.ItemDataRole.DisplayRole and len(text) > 120:
                return text[:119] + "…"
            return text
        if role == Qt.ItemDataRole.UserRole + 1:
            return self.rows[index.row()].id
        return None

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(_COLUMNS)
        ):
            return _COLUMNS[section][0]
        return None


class AuditPage(QWidget):
    """Browse and filter the audit trail (directors; the single user)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind_combo = QComboBox(self)
        self.user_combo = QComboBox(self)
        self.action_combo = QComboBox(self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search fields and values")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search the audit log")
        self.status = QLabel(self)
        self.model = AuditTableModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName("Audit events")
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        filters = QHBoxLayout()
        for label, widget in (
            ("Kind", self.kind_combo),
            ("Who", self.user_combo),
            ("Action", self.action_combo),
        ):
            filters.addWidget(QLabel(label, self))
            filters.addWidget(widget)
        filters.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        set_page_margins(layout)
        header, _title, self.subtitle = page_header(self, "Audit log")
        layout.addLayout(header)
        layout.addLayout(filters)
        layout.addWidget(self.view)
        layout.addWidget(self.status)
        for combo in (self.kind_combo, self.user_combo, self.action_combo):
            combo.currentIndexChanged.connect(self._on_filter_changed)
        self.search.textChanged.connect(self._on_filter_changed)
        ctx.events.changed.connect(self._on_events_changed)
        self._loading = False
        self.reload()

    def _fill_combo(self, combo: QComboBox, values: tuple[str, ...]) -> None:
        current = combo.currentText() or ALL
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(ALL)
        combo.addItems(list(values))
        index = combo.findText(current)
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def reload(self) -> None:
        """Read the filter choices and the events again."""

        def refused(exc: ScholarDeskError) -> None:
            self.model.set_rows([])
            self.status.setObjectName("fieldError")  # the error colour
            self.status.setText(exc.user_message)
            self.status.style().polish(self.status)

        facets = read(self.ctx, self, audit.facets, refused)
        if facets is None:
            return
        self._fill_combo(self.kind_combo, facets.kinds)
        self._fill_combo(self.user_combo, facets.users)
        self._fill_combo(self.action_combo, facets.actions)
        self.apply_filters()

    def apply_filters(self) -> None:
        """Show the events matching the filters."""

        def chosen(combo: QComboBox) -> str | None:
            text = combo.currentText()
            return None if text in ("", ALL) else text

        with self.ctx.library.reading() as session:
            rows = audit.query(
                session,
                self.ctx.actor,
                kind=chosen(self.kind_combo),
                user=chosen(self.user_combo),
                action=chosen(self.action_combo),
                text=self.search.text().strip() or None,
                limit=PAGE_SIZE,
            )
        self.model.set_rows(rows)
        more = (
            " (newest shown; narrow the filters for older ones)" if len(rows) == PAGE_SIZE else ""
        )
        self.status.setText(f"{len(rows)} events{more}")
        self.subtitle.setText(f"{len(rows):,} events")

    def _on_filter_changed(self, *_args: object) -> None:
        self.apply_filters()

    def _on_events_changed(self, _kind: str) -> None:
        if self.isVisible():
            self.reload()
