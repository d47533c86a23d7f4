"""Deadlines: one sorted table coloured by urgency, a month calendar of busy days, .ics export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPalette, QTextCharFormat
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from scholar_desk.core import clock
from scholar_desk.core.db import models as m
from scholar_desk.core.progress import CancelToken, ProgressSink
from scholar_desk.core.services import deadline_calendar, deadlines, items
from scholar_desk.core.services.deadlines import DeadlineItem
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.errors import show_error
from scholar_desk.ui.operations import Operation, Unit
from scholar_desk.ui.widgets.page_header import set_page_margins
from scholar_desk.ui.workers import Job

ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
"""The row's `DeadlineItem`."""
SORT_ROLE = Qt.ItemDataRole.UserRole + 3

URGENCY_TINTS = {
    "overdue": QColor(220, 53, 69, 70),
    "week": QColor(255, 159, 28, 80),
    "month": QColor(66, 135, 245, 35),
}
"""Translucent row tints: readable over light and dark palettes alike."""
URGENCY_RANK = {"overdue": 0, "week": 1, "month": 2, "later": 3, "done": 4, "past": 5}

_Index = QModelIndex | QPersistentModelIndex


def is_past(item: DeadlineItem, today: dt.date) -> bool:
    """A meeting-wide date that has passed: history, not something overdue."""
    return item.due_on < today and item.owner_id is None and item.source_kind != "deadline"


def urgency(item: DeadlineItem, today: dt.date) -> str:
    """`DeadlineItem.urgency`, with passed meeting-wide dates as ``past``."""
    return "past" if is_past(item, today) else item.urgency(today)


def when_text(item: DeadlineItem, today: dt.date) -> str:
    """``3 days overdue``, ``today``, ``tomorrow``, ``in 12 days``, ``passed`` or ``done``."""
    if item.done:
        return "done"
    if is_past(item, today):
        return "passed"
    days = item.days_left(today)
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} overdue"
    return f"in {days} days"


class _Column(NamedTuple):
    title: str
    value: Any


class DeadlineTableModel(QAbstractTableModel):
    """Deadlines as rows: due date, time left, kind, what, fellow."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[DeadlineItem] = []
        self._names: dict[int, str] = {}
        self.today = clock.today()
        self.columns = (
            _Column("Due", lambda d: d.due_on.isoformat()),
            _Column("When", lambda d: when_text(d, self.today)),
            _Column("Kind", lambda d: d.kind),
            _Column("What", lambda d: d.title),
            _Column("Fellow", lambda d: self._names.get(d.owner_id or 0, "")),
        )

    def set_rows(
        self, rows: Sequence[DeadlineItem], names: dict[int, str], today: dt.date
    ) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self._names = dict(names)
        self.today = today
        self.endResetModel()

    def item(self, row: int) -> DeadlineItem:
        """The deadline on a row."""
        return self._rows[row]

    def rows(self) -> list[DeadlineItem]:
        """Every deadline shown."""
        return list(self._rows)

    @override
    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    @override
    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section].title
        return None

    @override
    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        item = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[column].value(item)
        if role == Qt.ItemDataRole.BackgroundRole:
            tint = URGENCY_TINTS.get(urgency(item, self.today))
            return QBrush(tint) if tint is not None else None
        if role == Qt.ItemDataRole.FontRole and urgency(item, self.today) == "overdue":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and urgency(item, self.today) in (
            "past",
            "done",
        ):
            return QBrush(QApplication.palette().color(QPalette.ColorRole.PlaceholderText))
        if role == Qt.ItemDataRole.ToolTipRole:
            source = "derived from the tracker" if item.derived else "your own deadline"
            return f"{item.title}\n{when_text(item, self.today)}; {source}"
        if role == ITEM_ROLE:
            return item
        if role == SORT_ROLE:
            if column == 1:
                return item.days_left(self.today)
            return self.columns[column].value(item)
        return None


class DeadlinesPage(QWidget):
    """All deadlines the user may see, a month calendar, and the calendar export."""

    status_changed = Signal(str)
    export_finished = Signal(str)  # the path written

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("deadlinesPage")
        self._items: list[DeadlineItem] = []
        self._names: dict[int, str] = {}
        self._today = clock.today()
        self._export_target = ""
        self._job: Job | None = None
        self._status = ""

        self.kind_filter = QComboBox(self)
        self.kind_filter.setObjectName("kindFilter")
        self.kind_filter.setToolTip("Show one kind of deadline")
        self.show_done = QCheckBox("Show &done", self)
        self.show_done.setAccessibleName("Show done and past")
        self.show_done.setToolTip("Also show ticked-off tasks and meeting dates that have passed")
        self.new_button = QPushButton("New deadline\u2026", self)
        self.done_button = QPushButton("Mark done", self)
        self.done_button.setToolTip("Tick off a deadline you entered yourself")
        self.export_button = QPushButton("Export .ics\u2026", self)
        self.export_button.setToolTip(
            "Export the deadlines as a calendar file (.ics) for Outlook, Google or Apple Calendar"
        )
        self.export_button.setAccessibleName("Export calendar (.ics)")

        self.model = DeadlineTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView(self)
        self.table.setObjectName("deadlineTable")
        self.table.setAccessibleName("Deadlines")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(48)
        # One line per deadline, long text elided (the tooltip has it), and the narrow
        # columns sized to what they hold so "What" keeps the room at the smallest window.
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        bold = self.table.font()
        bold.setBold(True)  # overdue rows are bold
        metrics = QFontMetrics(bold)
        for column, sample in ((0, "2026-12-31"), (1, "in 300 days"), (2, "e-poster")):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)
        self.table.setColumnWidth(4, metrics.horizontalAdvance("Maya Patel") + 24)

        self.calendar = QCalendarWidget(self)
        self.calendar.setObjectName("deadlineCalendar")
        self.calendar.setGridVisible(False)
        self.calendar.setVerticalHeaderFormat(
            QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader
        )
        self.calendar.setAccessibleName("Month of deadlines")
        self._fit_calendar_rows()
        self.day_label = QLabel(self)
        self.day_label.setObjectName("dayDetails")
        self.day_label.setWordWrap(True)
        self.day_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.legend = QLabel(
            "Red: overdue \u00b7 amber: within 7 days \u00b7 blue: within 30 days", self
        )
        self.legend.setObjectName("hint")
        self.legend.setWordWrap(True)

        tools = QHBoxLayout()
        tools.addWidget(QLabel("Kind:", self))
        tools.addWidget(self.kind_filter)
        tools.addWidget(self.show_done)
        tools.addStretch(1)
        tools.addWidget(self.new_button)
        tools.addWidget(self.done_button)
        tools.addWidget(self.export_button)

        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.calendar)
        side_layout.addWidget(self.legend)
        side_layout.addWidget(self.day_label, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        set_page_margins(layout)
        title = QLabel("Deadlines", self)
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        layout.addLayout(tools)
        layout.addWidget(splitter, 1)

        self.kind_filter.currentIndexChanged.connect(self._on_kind_filter_changed)
        self.show_done.toggled.connect(self.reload)
        self.new_button.clicked.connect(self.new_item)
        self.done_button.clicked.connect(self.mark_done)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.calendar.currentPageChanged.connect(self._on_calendar_page_changed)
        self.calendar.selectionChanged.connect(self._on_calendar_selection_changed)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_changed)
        ctx.events.changed.connect(self._on_data_changed)
        self.reload()

    # Loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the deadlines again and redraw the table and calendar."""
        today = clock.today()
        with self.ctx.library.reading() as session:
            found = deadlines.all_deadlines(
                session, self.ctx.actor, include_done=self.show_done.isChecked()
            )
            owners = {d.owner_id for d in found if d.owner_id is not None}
            names = {}
            for owner_id in owners:
                person = session.get(m.Person, owner_id)
                if person is not None:
                    names[owner_id] = f"{person.given_name} {person.family_name}".strip()
        self._items = found
        self._names = names
        self._today = today
        kinds = sorted({d.kind for d in found}, key=str.lower)
        current = self.kind_filter.currentData()
        self.kind_filter.blockSignals(True)
        self.kind_filter.clear()
        self.kind_filter.addItem("All kinds", "")
        for kind in kinds:
            self.kind_filter.addItem(kind, kind)
        index = self.kind_filter.findData(current) if current else 0
        self.kind_filter.setCurrentIndex(max(index, 0))
        self.kind_filter.blockSignals(False)
        self._apply_filter()

    def _visible_items(self) -> list[DeadlineItem]:
        kind = self.kind_filter.currentData() or ""
        everything = self.show_done.isChecked()
        return [
            d
            for d in self._items
            if (not kind or d.kind == kind) and (everything or not is_past(d, self._today))
        ]

    def _apply_filter(self) -> None:
        shown = self._visible_items()
        self.model.set_rows(shown, self._names, self._today)
        self.table.sortByColumn(
            self.table.horizontalHeader().sortIndicatorSection(),
            self.table.horizontalHeader().sortIndicatorOrder(),
        )
        self._mark_calendar()
        self._show_day(self.calendar.selectedDate())
        overdue = sum(1 for d in shown if urgency(d, self._today) == "overdue")
        week = sum(1 for d in shown if urgency(d, self._today) == "week")
        self._set_status(f"{len(shown)} deadlines: {overdue} overdue, {week} within 7 days")
        self._update_buttons()

    def _fit_calendar_rows(self) -> None:
        """Room for the day names and six weeks, so the last week is never cut off."""
        navigation = self.calendar.findChild(QWidget, "qt_calendar_navigationbar")
        bar = navigation.sizeHint().height() if navigation is not None else 0
        metrics = self.calendar.fontMetrics()
        row = metrics.height() + 10  # the table's item padding and grid
        self.calendar.setMinimumHeight(bar + 7 * row + 6)
        # Seven columns wide enough for "Wed" and "30", so no day reads as "…".
        self.calendar.setMinimumWidth(7 * (metrics.horizontalAdvance("Wed") + 24) + 4)
        self.calendar.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    @override
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_calendar_rows()

    def _mark_calendar(self) -> None:
        self.calendar.setDateTextFormat(QDate(), QTextCharFormat())  # clear every mark
        year, month = self.calendar.yearShown(), self.calendar.monthShown()
        days = deadline_calendar.month_days(self._visible_items(), year, month)
        highlight = self.palette().color(QPalette.ColorRole.Highlight)
        for day, due in days.items():
            worst = min((urgency(d, self._today) for d in due), key=URGENCY_RANK.__getitem__)
            fmt = QTextCharFormat()
            fmt.setFontWeight(QFont.Weight.Bold)
            tint = URGENCY_TINTS.get(worst)
            if tint is None:
                tint = QColor(highlight)
                tint.setAlpha(60)
            fmt.setBackground(QBrush(tint))
            fmt.setToolTip("\n".join(d.title for d in due))
            self.calendar.setDateTextFormat(QDate(day.year, day.month, day.day), fmt)

    def busy_days(self) -> list[dt.date]:
        """The days marked on the calendar's current month (for tests and the status)."""
        year, month = self.calendar.yearShown(), self.calendar.monthShown()
        return sorted(deadline_calendar.month_days(self._visible_items(), year, month))

    def _show_day(self, qdate: QDate) -> None:
        day = dt.date(qdate.year(), qdate.month(), qdate.day())
        due = [d for d in self._visible_items() if d.due_on == day]
        heading = f"{day:%A}, {day:%B} {day.day}"
        if not due:
            self.day_label.setText(f"<b>{heading}</b><br>Nothing due.")
            return
        lines = "".join(f"<li>{_escape(d.title)} <i>({_escape(d.kind)})</i></li>" for d in due)
        self.day_label.setText(f"<b>{heading}</b><ul style='margin-left:-20px'>{lines}</ul>")

    # Actions ----------------------------------------------------------------------------

    def current_item(self) -> DeadlineItem | None:
        """The deadline on the selected row."""
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        value = self.proxy.data(index, ITEM_ROLE)
        return value if isinstance(value, DeadlineItem) else None

    def new_item(self) -> QWidget:
        """Open the editor for a new custom deadline, due on the calendar's selected day."""
        from scholar_desk.ui.dialogs.record_editor import RecordEditor

        qdate = self.calendar.selectedDate()
        editor = RecordEditor.open_for(
            self,
            self.ctx,
            "deadline",
            None,
            initial={"due_on": dt.date(qdate.year(), qdate.month(), qdate.day())},
        )
        editor.saved.connect(lambda _record: self.reload())
        return editor

    def mark_done(self) -> None:
        """Tick off the selected custom deadline (derived ones end when their source does)."""
        item = self.current_item()
        if item is None or item.source_kind != "deadline" or item.done:
            return
        deadline_id = item.source_id
        # Undo and redo merge with what is stored then: the deadline's other fields are
        # never written back, and the done box only where it still holds the step's start.
        Operation(
            self.ctx,
            self,
            lambda s, a: items.update_item(s, a, "deadline", deadline_id, {"done": True}),
            changes=("deadline",),
            undo=lambda s, a, _r: items.step_item(
                s, a, "deadline", deadline_id, {"done": True}, {"done": False}, verb="undo"
            ),
            redo=lambda s, a: items.step_item(
                s, a, "deadline", deadline_id, {"done": False}, {"done": True}, verb="redo"
            ),
            text="Mark the deadline done",
        ).success(lambda _r: self.reload()).run()

    def ask_export_path(self) -> str:
        """Ask where to save the .ics file (tests monkeypatch this)."""
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Export calendar",
            "deadlines.ics",
            "iCalendar (*.ics)",
            options=QFileDialog.Option.DontConfirmOverwrite,  # export_calendar asks
        )
        return path

    def export_calendar(self, path: str | Path) -> Job | None:
        """Write the deadlines to ``path`` in the background (asks before replacing a file)."""
        from scholar_desk.ui.dialogs.replace_dialog import ReplaceDialog

        target = Path(path)
        if target.suffix.lower() != ".ics":
            target = target.with_suffix(".ics")
        if not ReplaceDialog.ask(self, target):
            return None

        def task(session: Any, actor: Any, _progress: ProgressSink, _cancel: CancelToken) -> str:
            count = deadline_calendar.export_calendar(session, actor, target, force=True)
            return f"Exported {count} deadlines to {target.name}"

        operation = Operation(self.ctx, self, task, unit=Unit.READ)
        operation.success(self._on_export_succeeded).failure(self._on_export_failed)
        self.export_button.setEnabled(False)
        self._export_target = str(target)
        self._job = operation.run_in_background()
        return self._job

    def shutdown(self) -> None:
        """Cancel a running export before the window closes."""
        if self._job is not None:
            self._job.cancel_token.cancel()

    def status_text(self) -> str:
        """What the status bar shows for this page."""
        return self._status

    # Slots ------------------------------------------------------------------------------

    def _set_status(self, text: str) -> None:
        self._status = text
        self.status_changed.emit(text)

    def _update_buttons(self) -> None:
        item = self.current_item()
        self.done_button.setEnabled(
            item is not None and item.source_kind == "deadline" and not item.done
        )

    def _on_kind_filter_changed(self, _index: int) -> None:
        self._apply_filter()

    def _on_calendar_page_changed(self, _year: int, _month: int) -> None:
        self._mark_calendar()

    def _on_calendar_selection_changed(self) -> None:
        qdate = self.calendar.selectedDate()
        self._show_day(qdate)
        day = dt.date(qdate.year(), qdate.month(), qdate.day())
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            item = self.proxy.data(index, ITEM_ROLE)
            if isinstance(item, DeadlineItem) and item.due_on == day:
                self.table.selectRow(row)
                self.table.scrollTo(index)
                break

    def _on_table_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_buttons()
        item = self.proxy.data(current, ITEM_ROLE) if current.isValid() else None
        if isinstance(item, DeadlineItem):
            qdate = QDate(item.due_on.year, item.due_on.month, item.due_on.day)
            if qdate != self.calendar.selectedDate():
                self.calendar.blockSignals(True)
                self.calendar.setSelectedDate(qdate)
                self.calendar.blockSignals(False)
                self._mark_calendar()
                self._show_day(qdate)

    def _on_data_changed(self, kind: str) -> None:
        if kind in ("", "deadline", "conference", "submission", "project", "abstract"):
            self.reload()

    def _on_export_clicked(self) -> None:
        path = self.ask_export_path()
        if path:
            self.export_calendar(path)

    def _on_export_succeeded(self, message: object) -> None:
        self._job = None
        self.export_button.setEnabled(True)
        self._set_status(str(message))
        self.export_finished.emit(self._export_target)

    def _on_export_failed(self, exc: object) -> None:
        self._job = None
        self.export_button.setEnabled(True)
        if isinstance(exc, BaseException):
            show_error(self, exc)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
