"""The ACGME tab: the annual update's counts per person and what would be refused."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from scholar_desk.core.services import career, report
from scholar_desk.core.services.career.acgme import CATEGORIES, AcgmeUpdate
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.errors import show_error

YEARS_BACK = 5


class AcgmeTab(QWidget):
    """Everyone the actor sees, for one academic year; the chosen fellow is not a filter."""

    reloaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.update_data: AcgmeUpdate | None = None
        self.year = QComboBox(self)
        self.year.setObjectName("acgmeYear")
        self.year.setAccessibleName("Academic year")
        current = report.current_academic_year()
        for year in range(current, current - YEARS_BACK, -1):
            self.year.addItem(report.academic_year_label(year), year)
        self.year.setCurrentIndex(self.year.findData(current - 1))
        self.table = QTableWidget(0, len(CATEGORIES) + 2, self)
        self.table.setObjectName("acgmeCounts")
        self.table.setAccessibleName("Annual update counts per person")
        self.table.setHorizontalHeaderLabels(
            ["Person", "Role", *(title for _, title in CATEGORIES)]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.details = QTextBrowser(self)
        self.details.setObjectName("acgmeDetails")
        self.details.setAccessibleName("PMIDs checked and items refused")
        year_label = QLabel("Academic year:", self)
        row = QHBoxLayout()
        row.addWidget(year_label)
        row.addWidget(self.year)
        row.addStretch(1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(row)
        layout.addWidget(splitter, 1)
        self.year.currentIndexChanged.connect(lambda _i: self.reload())

    def set_fellow(self, _fellow_id: int | None) -> None:
        """The update covers everyone the actor sees; read it again."""
        self.reload()

    def reload(self) -> None:
        """Count again for the chosen year."""
        try:
            with self.ctx.library.reading() as session:
                self.update_data = career.acgme_update(
                    session, self.ctx.actor, int(self.year.currentData())
                )
        except Exception as exc:  # noqa: BLE001 - shown to the user, the page stays usable
            show_error(self, exc)
            return
        people = self.update_data.people
        self.table.setRowCount(len(people))
        parts = []
        for n, person in enumerate(people):
            cells = [person.name, person.role, *(str(person.counts[k]) for k, _ in CATEGORIES)]
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if column > 1:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(n, column, cell)
            lines = []
            for check in person.pmids:
                dates = ", ".join(
                    x
                    for x in (
                        f"electronic {check.electronic:%Y-%m-%d}" if check.electronic else "",
                        f"print {check.printed}" if check.printed else "",
                    )
                    if x
                )
                verdict = "counted" if check.accepted else "<b>refused</b>"
                lines.append(f"PMID {check.pmid} ({html.escape(dates)}): {verdict}")
            lines += [
                f"<b>refused</b>: {html.escape(r.title)}: {html.escape(r.reason)}"
                for r in person.refused
            ]
            if lines:
                parts.append(f"<h3>{html.escape(person.name)}</h3>" + "<br>".join(lines))
        self.details.setHtml("".join(parts) or "<p>Every item in this year would be accepted.</p>")
        self.reloaded.emit()
