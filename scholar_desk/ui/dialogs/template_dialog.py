"""Export template: a poster or slide template (.potx) for a meeting, to finish in PowerPoint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scholar_desk.core.formats.potx_poster import STYLES
from scholar_desk.core.progress import CancelToken, ProgressSink
from scholar_desk.core.services import items, template_export
from scholar_desk.core.settings import Settings
from scholar_desk.ui import screens
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.errors import show_error
from scholar_desk.ui.operations import Operation, Unit, query
from scholar_desk.ui.workers import Job

_KINDS = (("poster", "Poster template (one slide)"), ("slides", "Slide template (16:9)"))
_SIZES = (
    ("The meeting's board", None),
    ("48 \u00d7 36 in (landscape)", "48x36in"),
    ("36 \u00d7 48 in (portrait)", "36x48in"),
    ("A0 (portrait)", "A0"),
    ("A0 (landscape)", "A0 landscape"),
    ("A1 (portrait)", "A1"),
    ("E-poster screen", template_export.SCREEN),
)
_LAYOUT_LABELS = {"classic": "Classic (three columns)", "better": "#betterposter"}


class TemplateDialog(QDialog):
    """Writes a poster or slide template, and can keep it as the default for exports."""

    export_finished = Signal(object)  # template_export.TemplateResult

    def __init__(
        self,
        parent: QWidget | None,
        ctx: AppContext,
        abstract_id: int | None = None,
        conference_id: int | None = None,
        kind: str = "poster",
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.abstract_id = abstract_id
        self.result: template_export.TemplateResult | None = None
        self._job: Job | None = None
        self.setWindowTitle("Export template")
        screens.fit_to_screen(self)

        self.kind_combo = QComboBox(self)
        self.kind_combo.setAccessibleName("Template kind")
        for value, label in _KINDS:
            self.kind_combo.addItem(label, value)
        self.kind_combo.setCurrentIndex(1 if kind == "slides" else 0)
        self.conference_combo = QComboBox(self)
        self.conference_combo.setAccessibleName("Conference")
        self.conference_combo.addItem("No meeting", None)
        conferences = query(ctx, self, lambda s, a: items.list_items(s, a, "conference")) or []
        for record in conferences:
            self.conference_combo.addItem(record.label, record.id)
        if conference_id is not None:
            index = self.conference_combo.findData(conference_id)
            self.conference_combo.setCurrentIndex(max(index, 0))
        self.rules_label = QLabel(self)
        self.rules_label.setObjectName("hint")
        self.rules_label.setWordWrap(True)
        self.size_combo = QComboBox(self)
        self.size_combo.setAccessibleName("Poster size")
        for label, value in _SIZES:
            self.size_combo.addItem(label, value)
        self.layout_combo = QComboBox(self)
        self.layout_combo.setAccessibleName("Poster layout")
        for name in STYLES:
            self.layout_combo.addItem(_LAYOUT_LABELS.get(name, name), name)
        self.fill_check = QCheckBox("Fill in the title and authors from this abstract", self)
        self.fill_check.setChecked(abstract_id is not None)
        self.fill_check.setVisible(abstract_id is not None)
        self.theme_file = QLineEdit(self)
        self.theme_file.setAccessibleName("Theme template file")
        self.theme_file.setPlaceholderText("Optional: the department's .pptx or .potx")
        self.theme_browse = QPushButton("Browse\u2026", self)
        self.theme_browse.setAccessibleName("Browse for a theme template")
        theme_row = QHBoxLayout()
        theme_row.addWidget(self.theme_file, 1)
        theme_row.addWidget(self.theme_browse)
        self.logos = QLineEdit(self)
        self.logos.setAccessibleName("Logo files")
        self.logos.setPlaceholderText("Logo files, separated by ;")
        self.logo_browse = QPushButton("Add logo\u2026", self)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logos, 1)
        logo_row.addWidget(self.logo_browse)
        self.out_path = QLineEdit(self)
        self.out_path.setAccessibleName("Save as")
        self.out_browse = QPushButton("Browse\u2026", self)
        self.out_browse.setAccessibleName("Browse for where to save")
        out_row = QHBoxLayout()
        out_row.addWidget(self.out_path, 1)
        out_row.addWidget(self.out_browse)
        self.default_check = QCheckBox("Keep it as my default template for exports", self)

        form = QFormLayout()
        form.addRow("Template", self.kind_combo)
        form.addRow("Meeting", self.conference_combo)
        form.addRow("", self.rules_label)
        form.addRow("Size", self.size_combo)
        form.addRow("Layout", self.layout_combo)
        form.addRow("", self.fill_check)
        form.addRow("Theme", theme_row)
        form.addRow("Logos", logo_row)
        form.addRow("Save as", out_row)
        form.addRow("", self.default_check)
        self._poster_rows = (self.size_combo, self.layout_combo, self.fill_check)

        self.progress = QProgressBar(self)
        self.progress.setVisible(False)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.export_button = QPushButton("Export", self)
        self.export_button.setDefault(True)
        self.close_button = QPushButton("Close", self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        root = QVBoxLayout(self)
        root.addLayout(form)
        root.addWidget(self.progress)
        root.addLayout(buttons)

        self.kind_combo.currentIndexChanged.connect(self._on_kind_combo_changed)
        self.conference_combo.currentIndexChanged.connect(self._on_conference_combo_changed)
        self.theme_browse.clicked.connect(self._on_theme_browse_clicked)
        self.logo_browse.clicked.connect(self._on_logo_browse_clicked)
        self.out_browse.clicked.connect(self._on_out_browse_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.close_button.clicked.connect(self.reject)
        self._on_kind_combo_changed()
        self._on_conference_combo_changed()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        ctx: AppContext,
        abstract_id: int | None = None,
        conference_id: int | None = None,
        kind: str = "poster",
    ) -> TemplateDialog:
        """Open the dialog (non-blocking) and return it."""
        dialog = cls(parent, ctx, abstract_id, conference_id, kind)
        dialog.open()
        return dialog

    # Options -------------------------------------------------------------------------

    def kind(self) -> str:
        """``poster`` or ``slides``."""
        return str(self.kind_combo.currentData())

    def options(self) -> dict[str, Any]:
        """Keyword arguments for the template service."""
        opts: dict[str, Any] = {
            "conference_id": self.conference_combo.currentData(),
            "template": self.theme_file.text().strip() or None,
            "logos": [p.strip() for p in self.logos.text().split(";") if p.strip()],
        }
        if self.kind() == "poster":
            opts["size"] = self.size_combo.currentData()
            opts["layout"] = self.layout_combo.currentData()
            if self.abstract_id is not None and self.fill_check.isChecked():
                opts["abstract_id"] = self.abstract_id
        return opts

    def _on_kind_combo_changed(self) -> None:
        poster = self.kind() == "poster"
        for widget in self._poster_rows:
            widget.setEnabled(poster)
        self.size_combo.setVisible(poster)
        self.layout_combo.setVisible(poster)
        self.fill_check.setVisible(poster and self.abstract_id is not None)
        name = "poster" if poster else "slides"
        current = Path(self.out_path.text().strip() or Path.home() / "template.potx")
        self.out_path.setText(str(current.with_name(f"{name}-template.potx")))

    def _on_conference_combo_changed(self) -> None:
        conference = self.conference_combo.currentData()
        if conference is None:
            self.rules_label.setText("No meeting: 48 \u00d7 36 in, the usual sections.")
            return
        rules = query(
            self.ctx, self, lambda s, a: template_export.poster_rules_of(s, a, conference)
        )
        self.rules_label.setText(rules.describe() if rules is not None else "")

    def _on_theme_browse_clicked(self) -> None:
        dialog = QFileDialog(self, "Choose a theme", "", "PowerPoint (*.pptx *.potx)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self.theme_file.setText)
        dialog.open()

    def _on_logo_browse_clicked(self) -> None:
        dialog = QFileDialog(self, "Add a logo", "", "Images (*.png *.jpg *.jpeg *.webp *.svg)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self._on_logo_file_selected)
        dialog.open()

    def _on_logo_file_selected(self, path: str) -> None:
        current = [p for p in self.logos.text().split(";") if p.strip()]
        self.logos.setText(";".join([*current, path]))

    def _on_out_browse_clicked(self) -> None:
        dialog = QFileDialog(self, "Save as", self.out_path.text(), "PowerPoint template (*.potx)")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("potx")
        dialog.fileSelected.connect(self.out_path.setText)
        dialog.open()

    # Export --------------------------------------------------------------------------

    def _on_export_button_clicked(self) -> None:
        from scholar_desk.ui.dialogs.replace_dialog import ReplaceDialog

        out = self.out_path.text().strip()
        if out and not ReplaceDialog.ask(self, Path(out).expanduser()):
            self.status.setText("Not exported: the file exists.")
            return
        kind, opts, keep = self.kind(), self.options(), self.default_check.isChecked()

        def task(
            session: Any, actor: Any, progress: ProgressSink, cancel: CancelToken
        ) -> template_export.TemplateResult:
            export = (
                template_export.export_poster_template
                if kind == "poster"
                else template_export.export_slide_template
            )
            result = export(
                session, actor, out, progress=progress, cancel=cancel, force=True, **opts
            )
            if keep:
                settings = Settings.load()
                if kind == "poster":
                    settings.default_poster_template = str(result.path)
                else:
                    settings.default_slide_template = str(result.path)
                settings.save()
            return result

        operation = Operation(self.ctx, self, task, unit=Unit.READ)
        operation.progress(self._on_job_progressed).success(self._on_job_succeeded)
        operation.failure(self._on_job_failed)
        self._set_busy(True)
        self.status.setText("Exporting\u2026")
        self._job = operation.run_in_background()

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.progress.setValue(0)
        self.export_button.setEnabled(not busy)
        self.close_button.setEnabled(not busy)

    def _on_job_progressed(self, done: int, total: int, message: str) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        self.status.setText(message)

    def _on_job_succeeded(self, result: object) -> None:
        self._set_busy(False)
        if not isinstance(result, template_export.TemplateResult):
            return
        self.result = result
        lines = [f"Saved the template to {result.path}"]
        if self.default_check.isChecked():
            lines.append("It is now your default template for exports.")
        lines += result.warnings
        self.status.setText("\n".join(lines))
        self.export_finished.emit(result)

    def _on_job_failed(self, exc: object) -> None:
        self._set_busy(False)
        self.status.setText("Not exported.")
        if isinstance(exc, BaseException):
            show_error(self, exc)
