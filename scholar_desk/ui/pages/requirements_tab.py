"""The requirements tab: one fellow against the program, every fellow at a glance, editing."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from scholar_desk.core.services import career, permissions
from scholar_desk.core.services.career import FellowProgress
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.dialogs.program_dialog import ProgramDialog
from scholar_desk.ui.errors import show_error
from scholar_desk.ui.icons import icon
from scholar_desk.ui.operations import Operation

STATE_MARKS = {
    career.MET: "\u2713 met",
    career.IN_PROGRESS: "\u2026 in progress",
    career.NOT_STARTED: "\u2013 not started",
}
STATE_TINTS = {
    career.MET: QColor(46, 125, 50, 50),
    career.IN_PROGRESS: QColor(255, 193, 7, 60),
    career.NOT_STARTED: QColor(0, 0, 0, 0),
}


def _table(parent: QWidget, name: str) -> QTableWidget:
    table = QTableWidget(0, 0, parent)
    table.setAccessibleName(name)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(False)
    return table


class RequirementsTab(QWidget):
    """The chosen fellow's progress, every visible fellow's, and the director's editor."""

    reloaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.fellow_id: int | None = None
        self.progress: FellowProgress | None = None
        self.overview: list[FellowProgress] = []
        self.program_label = QLabel(self)
        self.program_label.setObjectName("programName")
        self.program_label.setWordWrap(True)
        self.edit_button = QPushButton("Edit requirements\u2026", self)
        self.edit_button.setIcon(icon("edit"))
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.table = _table(self, "The fellow's progress against the requirements")
        self.table.setObjectName("requirementsTable")
        self.table.setColumnCount(3)
        self.table.setHorizontalHeaderLabels(["Requirement", "Status", "Items"])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.grid = _table(self, "Every fellow against the requirements")
        self.grid.setObjectName("requirementsOverview")
        overview_title = QLabel("All fellows (requirements by number)", self)
        overview_title.setObjectName("sectionTitle")
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(overview_title)
        lower_layout.addWidget(self.grid, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        row = QHBoxLayout()
        row.addWidget(self.program_label, 1)
        row.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(row)
        layout.addWidget(splitter, 1)

    def set_fellow(self, fellow_id: int | None) -> None:
        """Show this fellow's progress."""
        self.fellow_id = fellow_id
        self.reload()

    def reload(self) -> None:
        """Read the requirements and everyone's progress again."""
        try:
            with self.ctx.library.reading() as session:
                self.progress = (
                    career.fellow_progress(session, self.ctx.actor, self.fellow_id)
                    if self.fellow_id is not None
                    else None
                )
                self.overview = career.program_progress(session, self.ctx.actor)
                program = career.current_program(session)
                may_edit = permissions.allowed(
                    session, self.ctx.actor, permissions.MANAGE, permissions.PROGRAM, None
                )
        except Exception as exc:  # noqa: BLE001 - shown to the user, the page stays usable
            show_error(self, exc)
            return
        self.edit_button.setVisible(may_edit)
        note = (
            " \u2014 an example set shipped with Scholar Desk; a director adapts it with "
            "Edit requirements."
            if program.example
            else ""
        )
        self.program_label.setText(
            f"<b>{program.name}</b>: {len(program.requirements)} requirements{note}"
        )
        self._show_fellow()
        self._show_overview(program.requirements)
        self.reloaded.emit()

    def _show_fellow(self) -> None:
        rows = self.progress.requirements if self.progress is not None else ()
        self.table.setRowCount(len(rows))
        for n, req in enumerate(rows):
            items = req.counted if req.counted else ()
            shown = "; ".join(i.label for i in items)
            if req.next_item is not None:
                ahead = f"next: {req.next_item.label}"
                shown = f"{shown}; {ahead}" if shown else ahead
            tally = f" ({len(req.counted)} of {req.count})" if req.count > 1 else ""
            cells = (f"{n + 1}. {req.title}", STATE_MARKS[req.state] + tally, shown or "\u2014")
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(req.summary)
                cell.setBackground(QBrush(STATE_TINTS[req.state]))
                self.table.setItem(n, column, cell)

    def _show_overview(self, requirements: tuple[object, ...]) -> None:
        titles = [str(getattr(r, "title", "")) for r in requirements]
        self.grid.setColumnCount(len(titles) + 2)
        self.grid.setHorizontalHeaderLabels(
            ["Fellow", "Met", *(f"{n}." for n in range(1, len(titles) + 1))]
        )
        for column, title in enumerate(titles, 2):
            header_item = self.grid.horizontalHeaderItem(column)
            if header_item is not None:
                header_item.setToolTip(title)
        self.grid.setRowCount(len(self.overview))
        for n, fellow in enumerate(self.overview):
            self.grid.setItem(n, 0, QTableWidgetItem(fellow.fellow))
            met = QTableWidgetItem(f"{fellow.met} of {len(fellow.requirements)}")
            met.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.grid.setItem(n, 1, met)
            for column, req in enumerate(fellow.requirements, 2):
                cell = QTableWidgetItem(STATE_MARKS[req.state])
                cell.setToolTip(f"{req.title}: {req.summary}")
                cell.setBackground(QBrush(STATE_TINTS[req.state]))
                self.grid.setItem(n, column, cell)
        header = self.grid.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)

    def edit_program(self, text: str) -> bool:
        """Store ``text`` as the program's requirements (a director); whether it was kept."""
        operation = Operation(
            self.ctx,
            self,
            lambda session, actor: career.set_program(session, actor, text),
            changes=("program",),
            text="Change program requirements",
        )
        return operation.run() is not None

    def _on_edit_clicked(self) -> None:
        with self.ctx.library.reading() as session:
            current = career.stored_text(session)
        example = career.example_text()
        text = ProgramDialog.ask(self, current if current is not None else example, example)
        if text is not None:
            self.edit_program(text)
