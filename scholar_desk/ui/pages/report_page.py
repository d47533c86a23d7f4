"""The scholarly activity report: choose year and fellows, check counts and gaps, export files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressDialog,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from scholar_desk.core.formats.report_files import (
    CHAPTER,
    CONFERENCE,
    OTHER,
    PUBMED,
    ActivityReport,
    write_report,
)
from scholar_desk.core.progress import CancelToken, ProgressSink
from scholar_desk.core.services import career, documents, report
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.dialogs.replace_dialog import ReplaceDialog
from scholar_desk.ui.errors import show_error
from scholar_desk.ui.icons import icon
from scholar_desk.ui.operations import Operation, Unit
from scholar_desk.ui.widgets.elided_combo import ElidedComboBox
from scholar_desk.ui.workers import Job

YEARS_BACK = 6
WARNING_TINT = QColor(255, 193, 7, 60)

COLUMNS: tuple[tuple[str, Callable[[Any], str]], ...] = (
    ("Fellow", lambda f: f.fellow),
    ("PubMed articles", lambda f: str(f.count(PUBMED))),
    ("Conference", lambda f: str(f.count(CONFERENCE))),
    ("Other", lambda f: str(f.count(OTHER))),
    ("Chapters", lambda f: str(f.count(CHAPTER))),
    ("Research", lambda f: "Yes" if f.participated_in_research else "No"),
    ("Teaching \u2265 30 min", lambda f: "Yes" if f.teaching_30_min else "No"),
)
FILTERS = {
    "csv": "CSV (*.csv)",
    "xlsx": "Excel workbook (*.xlsx)",
    "pdf": "PDF (*.pdf)",
    "docx": "Word document (*.docx)",
}


class ReportPage(QWidget):
    """Counts per fellow and year, the gaps to fix, and the report and document exports."""

    status_changed = Signal(str)
    export_finished = Signal(str)  # the path written
    export_failed = Signal(object)
    reloaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("reportPage")
        self.report: ActivityReport | None = None
        self._job: Job | None = None
        self._progress: QProgressDialog | None = None
        self._status = ""
        self._target = ""

        title = QLabel("Scholarly activity report", self)
        title.setObjectName("pageTitle")

        self.year = QComboBox(self)
        self.year.setObjectName("reportYear")
        current = report.current_academic_year()
        for year in range(current + 1, current - YEARS_BACK, -1):
            first, last = report.academic_year_bounds(year)
            self.year.addItem(report.academic_year_label(year), year)
            self.year.setItemData(
                self.year.count() - 1,
                f"July 1, {first.year} to June 30, {last.year}",
                Qt.ItemDataRole.ToolTipRole,
            )
        self.year.setCurrentIndex(self.year.findData(current))

        self.fellows = QListWidget(self)
        self.fellows.setObjectName("reportFellows")
        self.fellows.setAccessibleName("Fellows in the report")
        self.fellows.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.fellows.setMaximumHeight(140)

        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("reportCounts")
        self.table.setAccessibleName("Activity counts by fellow")
        self.table.setHorizontalHeaderLabels([c for c, _ in COLUMNS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

        self.gap_title = QLabel(self)
        self.gap_title.setObjectName("gapTitle")
        self.gaps = QListWidget(self)
        self.gaps.setObjectName("reportGaps")
        self.gaps.setAccessibleName("Gaps in the report")
        self.gaps.setWordWrap(True)
        self.gaps.setAlternatingRowColors(True)

        self.csv_button = QPushButton("Export CSV\u2026", self)
        self.xlsx_button = QPushButton("Export Excel\u2026", self)
        self.pdf_button = QPushButton("Export PDF\u2026", self)
        self.pdf_button.setDefault(True)
        for button, fmt in (
            (self.csv_button, "csv"),
            (self.xlsx_button, "xlsx"),
            (self.pdf_button, "pdf"),
        ):
            button.setIcon(icon("export"))
            button.clicked.connect(lambda _=False, f=fmt: self._on_export_clicked(f))

        self.rounds = ElidedComboBox(self, min_letters=30)  # manuscript titles are long
        self.rounds.setObjectName("responseRound")
        self.response_button = QPushButton("Response to reviewers\u2026", self)
        self.publications_button = QPushButton("Publication list (AMA)\u2026", self)
        self.response_button.clicked.connect(self._on_response_clicked)
        self.publications_button.clicked.connect(self._on_publications_clicked)

        choose = QGroupBox("Report", self)
        choose_layout = QGridLayout(choose)
        choose_layout.addWidget(QLabel("Academic year:", choose), 0, 0)
        choose_layout.addWidget(self.year, 0, 1)
        self.year_hint = QLabel(choose)
        self.year_hint.setObjectName("hint")
        choose_layout.addWidget(self.year_hint, 0, 2)
        choose_layout.addWidget(QLabel("Fellows:", choose), 1, 0, Qt.AlignmentFlag.AlignTop)
        choose_layout.addWidget(self.fellows, 1, 1, 1, 2)
        exports = QHBoxLayout()
        exports.addStretch(1)
        exports.addWidget(self.csv_button)
        exports.addWidget(self.xlsx_button)
        exports.addWidget(self.pdf_button)
        choose_layout.addLayout(exports, 2, 0, 1, 3)
        choose_layout.setColumnStretch(2, 1)

        # Each button on a row of its own under what it needs, so the box reflows at any
        # width instead of squeezing the buttons' text.
        self.rounds.setMinimumContentsLength(12)
        self.rounds.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        docs = QGroupBox("Documents", self)
        docs_layout = QVBoxLayout(docs)
        docs_layout.setSpacing(6)
        round_label = QLabel("&Revision round:", docs)
        round_label.setBuddy(self.rounds)
        docs_layout.addWidget(round_label)
        round_row = QHBoxLayout()
        round_row.addWidget(self.rounds, 1)
        docs_layout.addLayout(round_row)
        docs_layout.addWidget(self.response_button, 0, Qt.AlignmentFlag.AlignRight)
        docs_layout.addSpacing(8)
        fellow_label = QLabel("For the first fellow ticked on the left:", docs)
        fellow_label.setWordWrap(True)
        docs_layout.addWidget(fellow_label)
        docs_layout.addWidget(self.publications_button, 0, Qt.AlignmentFlag.AlignRight)
        docs_layout.addStretch(1)

        gaps_box = QFrame(self)
        gaps_layout = QVBoxLayout(gaps_box)
        gaps_layout.setContentsMargins(0, 0, 0, 0)
        gaps_layout.addWidget(self.gap_title)
        gaps_layout.addWidget(self.gaps)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(gaps_box)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)

        top = QHBoxLayout()
        top.addWidget(choose, 3)
        top.addWidget(docs, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 16)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self._fill_fellows()
        self._fill_rounds()
        self.year.currentIndexChanged.connect(self._on_year_changed)
        self.fellows.itemChanged.connect(self._on_fellows_item_changed)
        ctx.events.changed.connect(self._on_data_changed)
        self.reload()

    # Loading ----------------------------------------------------------------------------

    def _fill_fellows(self) -> None:
        checked = set(self.checked_fellows()) if self.fellows.count() else None
        with self.ctx.library.reading() as session:
            choices = report.report_fellows(session, self.ctx.actor)
        self.fellows.blockSignals(True)
        self.fellows.clear()
        for choice in choices:
            item = QListWidgetItem(choice.name, self.fellows)
            item.setData(Qt.ItemDataRole.UserRole, choice.person_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = checked is None or choice.person_id in checked
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.fellows.blockSignals(False)

    def _fill_rounds(self) -> None:
        with self.ctx.library.reading() as session:
            choices = documents.rounds_to_answer(session, self.ctx.actor)
        self.rounds.clear()
        for choice in choices:
            for number in reversed(choice.rounds):
                self.rounds.addItem(
                    f"{choice.label} \u2013 round {number}", (choice.submission_id, number)
                )
        self.response_button.setEnabled(self.rounds.count() > 0)
        if not choices:
            self.rounds.addItem("No revision rounds recorded yet", None)

    def checked_fellows(self) -> list[int | None]:
        """The person ids of the ticked fellows, in list order."""
        out = []
        for row in range(self.fellows.count()):
            item = self.fellows.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(Qt.ItemDataRole.UserRole))
        return out

    def set_year(self, year: int) -> None:
        """Choose an academic year (2026 for 2026-2027)."""
        index = self.year.findData(year)
        if index < 0:
            self.year.addItem(report.academic_year_label(year), year)
            index = self.year.count() - 1
        self.year.setCurrentIndex(index)

    def reload(self) -> None:
        """Count again for the chosen year and fellows and show the counts and gaps."""
        year = int(self.year.currentData())
        first, last = report.academic_year_bounds(year)
        self.year_hint.setText(f"July 1, {first.year} \u2013 June 30, {last.year}")
        fellows = self.checked_fellows()
        try:
            with self.ctx.library.reading() as session:
                self.report = report.build_report(
                    session, self.ctx.actor, year, fellow_ids=fellows
                )
        except Exception as exc:  # noqa: BLE001 - shown to the user, the page stays usable
            show_error(self, exc)
            return
        self._show(self.report)
        self.reloaded.emit()

    def _show(self, activity: ActivityReport) -> None:
        self.table.setRowCount(len(activity.fellows))
        for row, fellow in enumerate(activity.fellows):
            for column, (_, value) in enumerate(COLUMNS):
                cell = QTableWidgetItem(value(fellow))
                if column:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if activity.warnings_for(fellow.fellow):
                    cell.setBackground(QBrush(WARNING_TINT))
                cell.setToolTip(
                    f"{len(activity.warnings_for(fellow.fellow))} data gaps"
                    if activity.warnings_for(fellow.fellow)
                    else "No data gaps"
                )
                self.table.setItem(row, column, cell)
        self.gaps.clear()
        count = len(activity.warnings)
        font = QFont(self.gap_title.font())
        font.setBold(True)
        self.gap_title.setFont(font)
        if count:
            self.gap_title.setText(
                f"{count} data gap{'s' if count != 1 else ''} to fix before filing the report"
            )
            for warning in activity.warnings:
                item = QListWidgetItem(icon("warning"), f"{warning.fellow}: {warning.message}")
                item.setData(Qt.ItemDataRole.UserRole, warning.source)
                item.setToolTip(warning.source)
                self.gaps.addItem(item)
        else:
            self.gap_title.setText("No data gaps found")
        self._set_status(
            f"Academic year {activity.label}: {len(activity.fellows)} fellows, {count} data gaps"
        )
        has_fellows = bool(activity.fellows)
        for button in (self.csv_button, self.xlsx_button, self.pdf_button):
            button.setEnabled(has_fellows and self._job is None)
        self.publications_button.setEnabled(
            any(f is not None for f in self.checked_fellows()) and self._job is None
        )

    # Exports ----------------------------------------------------------------------------

    def ask_save_path(self, fmt: str, suggested: str) -> str:
        """Ask where to save a file of format ``fmt`` (tests monkeypatch this)."""
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Save as",
            suggested,
            FILTERS[fmt],
            options=QFileDialog.Option.DontConfirmOverwrite,  # the export asks
        )
        return path

    def export_report(self, path: str | Path) -> Job | None:
        """Count and write the report to ``path`` (.csv, .xlsx or .pdf) in the background."""
        library, actor = self.ctx.library, self.ctx.actor
        year = int(self.year.currentData())
        fellows = self.checked_fellows()
        target = Path(path)
        if not ReplaceDialog.ask(self, target):
            return None

        def task(progress: ProgressSink, cancel: CancelToken) -> str:
            progress(0, 1, "Counting\u2026")
            with library.reading() as session:
                activity = report.build_report(session, actor, year, fellow_ids=fellows)
                activity = career.with_requirements(session, actor, activity)
            cancel.check()
            write_report(activity, target, progress=progress, cancel=cancel, force=True)
            return str(target)

        return self._start(task, f"Exporting {target.name}\u2026", str(target))

    def export_response(self, path: str | Path) -> Job | None:
        """Write the response to reviewers for the chosen round in the background."""
        choice = self.rounds.currentData()
        if choice is None:
            return None
        submission_id, number = choice
        library, actor = self.ctx.library, self.ctx.actor
        target = Path(path)
        if not ReplaceDialog.ask(self, target):
            return None

        def task(progress: ProgressSink, cancel: CancelToken) -> str:
            with library.reading() as session:
                documents.export_response(
                    session, actor, submission_id, target, number, force=True
                )
            return str(target)

        return self._start(task, f"Writing {target.name}\u2026", str(target))

    def export_publications(self, path: str | Path) -> Job | None:
        """Write the first ticked fellow's publication list in the background."""
        fellow = next((f for f in self.checked_fellows() if f is not None), None)
        if fellow is None:
            return None
        library, actor = self.ctx.library, self.ctx.actor
        target = Path(path)
        if not ReplaceDialog.ask(self, target):
            return None

        def task(progress: ProgressSink, cancel: CancelToken) -> str:
            with library.reading() as session:
                documents.export_publication_list(session, actor, fellow, target, force=True)
            return str(target)

        return self._start(task, f"Writing {target.name}\u2026", str(target))

    def _start(
        self, task: Callable[[ProgressSink, CancelToken], str], label: str, target: str
    ) -> Job:
        # The tasks open their own reading units (some read twice, around a file write).
        operation = Operation(
            self.ctx,
            self,
            lambda _session, _actor, progress, cancel: task(progress, cancel),
            unit=Unit.NONE,
        )
        operation.progress(self._on_job_progressed).success(self._on_job_succeeded)
        operation.failure(self._on_job_failed).cancelled(self._on_job_cancelled)
        progress = QProgressDialog(label, "Cancel", 0, 0, self)
        progress.setWindowTitle("Scholar Desk")
        progress.setMinimumDuration(400)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        self._progress, self._target = progress, target
        self._set_busy(True)
        job = operation.run_in_background()
        progress.canceled.connect(job.cancel_token.cancel)
        self._job = job
        return job

    def shutdown(self) -> None:
        """Cancel a running export before the window closes."""
        if self._job is not None:
            self._job.cancel_token.cancel()

    def _finish(self) -> None:
        if self._progress is not None:
            self._progress.reset()
            self._progress.deleteLater()
        self._job = None
        self._progress = None
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        for button in (
            self.csv_button,
            self.xlsx_button,
            self.pdf_button,
            self.response_button,
            self.publications_button,
        ):
            button.setEnabled(not busy)
        if not busy and self.report is not None:
            self._show(self.report)
            self.response_button.setEnabled(self.rounds.currentData() is not None)

    def status_text(self) -> str:
        """What the status bar shows for this page."""
        return self._status

    def _set_status(self, text: str) -> None:
        self._status = text
        self.status_changed.emit(text)

    # Slots ------------------------------------------------------------------------------

    def _on_export_clicked(self, fmt: str) -> None:
        year = self.year.currentText().replace("\u2013", "-")
        path = self.ask_save_path(fmt, f"scholarly-activity-{year}.{fmt}")
        if not path:
            return
        if Path(path).suffix.lower() != f".{fmt}":
            path += f".{fmt}"
        self.export_report(path)

    def _on_response_clicked(self) -> None:
        path = self.ask_save_path("docx", "response-to-reviewers.docx")
        if path:
            self.export_response(path if path.lower().endswith(".docx") else f"{path}.docx")

    def _on_publications_clicked(self) -> None:
        path = self.ask_save_path("docx", "publications.docx")
        if path:
            self.export_publications(path if path.lower().endswith(".docx") else f"{path}.docx")

    def _on_job_progressed(self, done: int, total: int, message: str) -> None:
        if self._progress is None:
            return
        self._progress.setMaximum(max(total, 0))
        self._progress.setValue(min(done, total))
        self._progress.setLabelText(message)

    def _on_job_succeeded(self, path: object) -> None:
        self._finish()
        self._set_status(f"Saved {Path(str(path)).name}")
        self.export_finished.emit(str(path))

    def _on_job_failed(self, exc: object) -> None:
        self._finish()
        self.export_failed.emit(exc)
        if isinstance(exc, BaseException):
            show_error(self, exc)

    def _on_job_cancelled(self) -> None:
        self._finish()
        self._set_status("Export cancelled; nothing was written.")

    def _on_year_changed(self, _index: int) -> None:
        self.reload()

    def _on_fellows_item_changed(self, _item: QListWidgetItem) -> None:
        self.reload()

    def _on_data_changed(self, kind: str) -> None:
        self._fill_fellows()
        if kind in ("", "submission"):
            self._fill_rounds()
        self.reload()
