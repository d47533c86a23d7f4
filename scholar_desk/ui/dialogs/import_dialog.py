"""Import references: a dry run shows what would happen, then the import runs in a worker."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressDialog,
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from scholar_desk.core.formats.reference import ParseResult
from scholar_desk.core.progress import CancelToken, ProgressSink
from scholar_desk.core.services import references as svc
from scholar_desk.ui import screens
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.errors import show_error
from scholar_desk.ui.operations import Operation, Unit
from scholar_desk.ui.workers import Job


class ImportDialog(QDialog):
    """Reads the files and shows the dry-run report; Import writes in one transaction."""

    import_finished = Signal(object)  # ImportReport
    dry_run_finished = Signal(object)  # ImportReport

    def __init__(self, ctx: AppContext, paths: Sequence[Path], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Import references")
        self.resize(900, 560)
        screens.fit_to_screen(self)
        self._ctx = ctx
        self._paths = [Path(p) for p in paths]
        self._results: list[ParseResult] = []
        self._jobs: list[Job] = []
        self.report: svc.ImportReport | None = None
        self.final_report: svc.ImportReport | None = None
        self.progress_dialog: QProgressDialog | None = None

        self._summary = QLabel("Reading " + ", ".join(p.name for p in self._paths) + "…")
        self._summary.setWordWrap(True)
        self._duplicates = self._table(["Where", "Incoming title", "Title already there", "Why"])
        # The two titles side by side, sharing the width and wrapped, so they can be
        # compared; where and why stay narrow, the keys are in the titles' tooltips.
        self._duplicates.setWordWrap(True)
        self._duplicates.horizontalHeader().setStretchLastSection(False)
        for column in (1, 2):
            self._duplicates.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.Stretch
            )
        self._duplicates.setAccessibleName("Possible duplicates")
        self._problems = self._table(["File", "Line", "Kind", "Message"])
        self._problems.setAccessibleName("Problems found in the files")
        self._problems.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self._problems.currentCellChanged.connect(self._on_problems_current_cell_changed)
        # The text as it stands in the file, under the plain-words message.
        self.raw_text = QPlainTextEdit()
        self.raw_text.setObjectName("problemRawText")
        self.raw_text.setAccessibleName("Text of the selected problem, as in the file")
        self.raw_text.setReadOnly(True)
        self.raw_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.raw_text.setPlaceholderText("Select a problem to see the text from the file.")
        self.raw_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        problems_page = QSplitter(Qt.Orientation.Vertical)
        problems_page.addWidget(self._problems)
        problems_page.addWidget(self.raw_text)
        problems_page.setStretchFactor(0, 2)
        problems_page.setStretchFactor(1, 1)
        self._raw: list[str] = []
        tabs = QTabWidget()
        tabs.addTab(self._duplicates, "Duplicates")
        tabs.addTab(problems_page, "Skipped and warnings")
        self._tabs = tabs

        self._choice = QButtonGroup(self)
        choices = QHBoxLayout()
        choices.addWidget(QLabel("Duplicates:"))
        for value, label in (
            (svc.OnDuplicate.SKIP, "Skip them"),
            (svc.OnDuplicate.MERGE, "Merge into existing (keep old key)"),
            (svc.OnDuplicate.KEEP, "Keep both"),
        ):
            button = QRadioButton(label)
            button.setProperty("choice", value.value)
            self._choice.addButton(button)
            choices.addWidget(button)
            if value is svc.OnDuplicate.SKIP:
                button.setChecked(True)
        choices.addStretch(1)

        self._buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self._ok = self._buttons.button(QDialogButtonBox.StandardButton.Ok)
        self._ok.setText("Import")
        self._ok.setEnabled(False)
        self._buttons.accepted.connect(self._on_import_clicked)
        self._buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self._summary)
        layout.addWidget(tabs, 1)
        layout.addLayout(choices)
        layout.addWidget(self._buttons)

    @staticmethod
    def _table(headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    def choice(self) -> svc.OnDuplicate:
        """The chosen duplicate policy."""
        button = self._choice.checkedButton()
        return svc.OnDuplicate(button.property("choice") if button else "skip")

    def set_choice(self, value: svc.OnDuplicate | str) -> None:
        """Select a duplicate policy (tests and callers)."""
        for button in self._choice.buttons():
            button.setChecked(button.property("choice") == svc.OnDuplicate(value).value)

    # Dry run --------------------------------------------------------------------------

    def start(self) -> None:
        """Read the files and run the dry run in the pool."""
        paths = self._paths

        def task(session: Any, actor: Any, progress: ProgressSink, cancel: CancelToken) -> Any:
            results = svc.read_files(paths, progress, cancel)
            report = svc.import_parsed(session, actor, results, dry_run=True, cancel=cancel)
            return results, report

        operation = Operation(self._ctx, self, task, unit=Unit.READ)
        operation.success(self._on_dry_run_succeeded).failure(self._on_job_failed)
        self._run(operation)

    def _run(self, operation: Operation[Any]) -> None:
        job = operation.run_in_background()
        self._jobs.append(job)
        operation.finished(lambda: self._jobs.remove(job) if job in self._jobs else None)

    def _on_dry_run_succeeded(self, value: object) -> None:
        results, report = value  # type: ignore[misc]  # the task's own tuple
        self._results = results
        self.report = report
        self._show(report)
        self._ok.setEnabled(report.imported + report.duplicates > 0)
        self.dry_run_finished.emit(report)

    def _show(self, report: svc.ImportReport) -> None:
        lines = [report.summary()]
        for item in report.files:
            note = "" if item.encoding in ("utf-8", "utf-16") else f", read as {item.encoding}"
            lines.append(
                f"{item.file}: {item.entries} entries — {item.imported} new, "
                f"{item.duplicates} duplicates, {item.skipped} skipped{note}"
            )
        lines.append("Nothing has been written yet; Undo (Ctrl+Z) takes the whole import back.")
        self._summary.setText("\n".join(lines))
        self._fill(
            self._duplicates,
            [
                (
                    f"{m.file}, line {m.line}",
                    m.title,
                    m.existing_title,
                    m.reason,
                )
                for m in report.matches
            ],
        )
        for row, m in enumerate(report.matches):
            there = "in the library" if m.existing_id else f"line {m.existing_line}"
            self._duplicates.item(row, 1).setToolTip(f"{m.title}\nKey: {m.citation_key}")
            self._duplicates.item(row, 2).setToolTip(
                f"{m.existing_title}\nKey: {m.existing_key} ({there})"
            )
        header = self._duplicates.horizontalHeader()
        for column in (0, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self._duplicates.resizeRowsToContents()
        self._fill(self._problems, [(p.file, p.line, p.kind, p.message) for p in report.problems])
        self._raw = [p.raw for p in report.problems]
        self._problems.resizeColumnsToContents()
        if report.problems:
            self._problems.setCurrentCell(0, 3)
        self._tabs.setTabText(0, f"Duplicates ({len(report.matches)})")
        self._tabs.setTabText(1, f"Skipped and warnings ({len(report.problems)})")

    def _on_problems_current_cell_changed(self, row: int, *_: int) -> None:
        self.raw_text.setPlainText(self._raw[row] if 0 <= row < len(self._raw) else "")

    @staticmethod
    def _fill(table: QTableWidget, rows: list[tuple[Any, ...]]) -> None:
        table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                if isinstance(value, int):
                    item.setData(Qt.ItemDataRole.DisplayRole, value)
                table.setItem(r, c, item)

    # Import ---------------------------------------------------------------------------

    def _on_import_clicked(self) -> None:
        self._ok.setEnabled(False)
        results = self._results
        policy = self.choice()

        def task(session: Any, actor: Any, progress: ProgressSink, cancel: CancelToken) -> Any:
            return svc.import_parsed(
                session,
                actor,
                results,
                on_duplicate=policy,
                progress=progress,
                cancel=cancel,
            )

        operation = Operation(
            self._ctx,
            self,
            task,
            changes=("reference",),
            undo=lambda session, actor, report: svc.undo_import(session, actor, report.changes),
            redo=lambda session, actor: svc.import_parsed(
                session, actor, results, on_duplicate=policy
            ),
            text=f"Import references from {', '.join(p.name for p in self._paths)}",
        )
        operation.progress(self._on_job_progressed).success(self._on_import_succeeded)
        operation.failure(self._on_job_failed).cancelled(self._on_import_cancelled)
        dialog = QProgressDialog("Importing references…", "Cancel", 0, 0, self)
        dialog.setWindowTitle("Import")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        self.progress_dialog = dialog
        self._run(operation)
        dialog.canceled.connect(self._jobs[-1].cancel_token.cancel)

    def _on_job_progressed(self, done: int, total: int, message: str) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.setMaximum(max(total, 0))
            self.progress_dialog.setValue(min(done, total))
            self.progress_dialog.setLabelText(message)

    def _close_progress(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.reset()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None

    def _on_import_succeeded(self, report: object) -> None:
        self._close_progress()
        self.final_report = report  # type: ignore[assignment]  # the task returns a report
        self.import_finished.emit(report)
        self.accept()

    def _on_import_cancelled(self) -> None:
        self._close_progress()
        self._summary.setText("Import cancelled. Nothing was changed.")
        self._ok.setEnabled(True)

    def _on_job_failed(self, exc: object) -> None:
        self._close_progress()
        self._summary.setText("The import could not run; nothing was changed.")
        show_error(self, exc if isinstance(exc, BaseException) else RuntimeError(str(exc)))

    def cancel_jobs(self) -> None:
        """Ask running jobs to stop (before the window closes)."""
        for job in list(self._jobs):
            job.cancel_token.cancel()
