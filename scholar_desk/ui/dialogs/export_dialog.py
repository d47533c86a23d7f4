"""Export slides / Export poster: template, size and layout, a true preview, progress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scholar_desk.core.errors import ScholarDeskError
from scholar_desk.core.formats.layout import Layout
from scholar_desk.core.formats.poster import LAYOUTS, SIZES
from scholar_desk.core.formats.poster_size import size_note
from scholar_desk.core.formats.templates import builtin_names
from scholar_desk.core.progress import CancelToken, ProgressSink
from scholar_desk.core.services import export_logos, lookup, slides
from scholar_desk.core.settings import Settings
from scholar_desk.ui import screens
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.errors import show_error
from scholar_desk.ui.operations import Operation, Unit, query
from scholar_desk.ui.widgets.layout_preview import LayoutPreview
from scholar_desk.ui.workers import Job

_FILE_ITEM = "Template file\u2026"
LOGO_KIND = "export_logo"  # what changes when a kept logo is added or forgotten
_LAYOUT_LABELS = {"classic": "Classic (three columns)", "better": "#betterposter"}


class ExportDialog(QDialog):
    """Exports an abstract as a slide deck or a poster, with a preview of the pages."""

    preview_ready = Signal()
    export_finished = Signal(object)  # slides.ExportResult

    def __init__(
        self, parent: QWidget | None, ctx: AppContext, abstract_id: int, mode: str = "slides"
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.abstract_id = abstract_id
        self.mode = "poster" if mode == "poster" else "slides"
        self.result: slides.ExportResult | None = None
        self._preview_job: Job | None = None
        self._export_job: Job | None = None
        self._preview_generation = 0
        self.setWindowTitle("Export poster" if self.mode == "poster" else "Export slides")
        self.resize(900, 640)
        screens.fit_to_screen(self)

        self.template_combo = QComboBox(self)
        for name in builtin_names(self.mode):
            self.template_combo.addItem(name.split("-", 1)[1].capitalize(), name)
        self.template_combo.addItem(_FILE_ITEM, "")
        default = Settings.load().default_template(self.mode)
        if default:  # the user kept an exported template as the default
            self.template_combo.setCurrentIndex(self.template_combo.count() - 1)
        self.template_combo.setAccessibleName("Template")
        self.template_file = QLineEdit(self)
        self.template_file.setAccessibleName("Template file")
        self.template_file.setPlaceholderText("An institutional .pptx or .potx")
        self.template_file.setText(default)
        self.template_browse = QPushButton("Browse\u2026", self)
        self.template_browse.setAccessibleName("Browse for a template")
        template_row = QHBoxLayout()
        template_row.addWidget(self.template_combo)
        template_row.addWidget(self.template_file, 1)
        template_row.addWidget(self.template_browse)

        self.size_combo = QComboBox(self)
        for size in SIZES:
            self.size_combo.addItem(size.replace("x", " \u00d7 ").replace("in", " in"), size)
        self.layout_combo = QComboBox(self)
        for name in LAYOUTS:
            self.layout_combo.addItem(_LAYOUT_LABELS[name], name)
        self.size_combo.setAccessibleName("Poster size")
        self.size_note = QLabel(self)
        self.size_note.setObjectName("hint")
        self.size_note.setWordWrap(True)
        self.size_note.hide()
        self.layout_combo.setAccessibleName("Poster layout")
        self.logo_list = QListWidget(self)
        self.logo_list.setAccessibleName("Kept logos")
        self.logo_list.setAccessibleDescription(
            "Ticked logos go on the poster's banner. Each is kept in the database and "
            "offered again in every poster export."
        )
        self.logo_list.setMaximumHeight(self.logo_list.fontMetrics().height() * 5)
        self.logo_browse = QPushButton("Add logo\u2026", self)
        self.logo_browse.setAccessibleName("Add a logo to keep")
        self.logo_remove = QPushButton("Forget logo", self)
        self.logo_remove.setAccessibleName("Forget the selected logo")
        self.logo_remove.setEnabled(False)
        logo_buttons = QVBoxLayout()
        logo_buttons.addWidget(self.logo_browse)
        logo_buttons.addWidget(self.logo_remove)
        logo_buttons.addStretch()
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_list, 1)
        logo_row.addLayout(logo_buttons)
        self.logo_hint = QLabel(
            "Logos added here are kept for every poster you export; logos added to the "
            "abstract itself are always used.",
            self,
        )
        self.logo_hint.setObjectName("hint")
        self.logo_hint.setWordWrap(True)

        self.out_path = QLineEdit(self)
        self.out_path.setAccessibleName("Save as")
        suggested = Path.home() / f"abstract-{abstract_id}-{self.mode}.pptx"
        self.out_path.setText(str(suggested))
        self.out_browse = QPushButton("Browse\u2026", self)
        self.out_browse.setAccessibleName("Browse for where to save")
        out_row = QHBoxLayout()
        out_row.addWidget(self.out_path, 1)
        out_row.addWidget(self.out_browse)

        form = QFormLayout()
        form.addRow("Template", template_row)
        if self.mode == "poster":
            form.addRow("Size", self.size_combo)
            form.addRow("", self.size_note)
            form.addRow("Layout", self.layout_combo)
            form.addRow("Logos", logo_row)
            form.addRow("", self.logo_hint)
        else:
            self.size_combo.hide()
            self.layout_combo.hide()
            for widget in (self.logo_list, self.logo_browse, self.logo_remove, self.logo_hint):
                widget.hide()
        form.addRow("Save as", out_row)
        # Said before anything is written: a cited reference that was retracted.
        self.flag_note = QLabel(self)
        self.flag_note.setObjectName("fieldError")
        self.flag_note.setWordWrap(True)
        with ctx.library.reading() as session:
            flagged = lookup.warnings_for(
                session, slides.cited_reference_ids(session, abstract_id)
            )
        self.flag_note.setText(
            "Cites a flagged reference: " + " ".join(f"{line}." for line in flagged)
        )
        self.flag_note.setVisible(bool(flagged))
        form.addRow("", self.flag_note)

        self.preview = LayoutPreview(self)
        self.prev_button = QPushButton("\u25c0", self)
        self.next_button = QPushButton("\u25b6", self)
        self.page_label = QLabel(self)
        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addWidget(self.page_label, 1)
        nav.addWidget(self.next_button)

        self.progress = QProgressBar(self)
        self.progress.setVisible(False)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.export_button = QPushButton("Export", self)
        self.export_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setEnabled(False)
        self.show_button = QPushButton("Show in folder", self)
        self.show_button.setEnabled(False)
        self.close_button = QPushButton("Close", self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.show_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)

        root = QVBoxLayout(self)
        root.addLayout(form)
        root.addWidget(self.preview, 1)
        root.addLayout(nav)
        root.addWidget(self.progress)
        root.addLayout(buttons)

        self.template_combo.currentIndexChanged.connect(self._on_options_changed)
        self.template_file.editingFinished.connect(self._on_options_changed)
        self.size_combo.currentIndexChanged.connect(self._on_options_changed)
        self.layout_combo.currentIndexChanged.connect(self._on_options_changed)
        self.logo_list.itemChanged.connect(self._on_logo_list_item_changed)
        self.logo_list.currentRowChanged.connect(self._on_logo_list_current_row_changed)
        self.logo_remove.clicked.connect(self._on_logo_remove_clicked)
        self.ctx.events.changed.connect(self._on_events_changed)
        self.template_browse.clicked.connect(self._on_template_browse_clicked)
        self.logo_browse.clicked.connect(self._on_logo_browse_clicked)
        self.out_browse.clicked.connect(self._on_out_browse_clicked)
        self.prev_button.clicked.connect(lambda: self.preview.set_page(self.preview.page() - 1))
        self.next_button.clicked.connect(lambda: self.preview.set_page(self.preview.page() + 1))
        self.preview.page_changed.connect(self._on_preview_page_changed)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.show_button.clicked.connect(self._on_show_button_clicked)
        self.close_button.clicked.connect(self.reject)
        self._sync_template_widgets()
        if self.mode == "poster":
            self.reload_logos()
        self.refresh_preview()

    @classmethod
    def ask(
        cls, parent: QWidget | None, ctx: AppContext, abstract_id: int, mode: str = "slides"
    ) -> ExportDialog:
        """Open the dialog (non-blocking) for an abstract and return it."""
        dialog = cls(parent, ctx, abstract_id, mode)
        dialog.open()
        return dialog

    # Options -------------------------------------------------------------------------

    def template(self) -> str | None:
        """The chosen built-in name or template file (``None`` when no file is given)."""
        name = self.template_combo.currentData()
        if name:
            return str(name)
        text = self.template_file.text().strip()
        return text or None

    def options(self) -> dict[str, Any]:
        """Keyword arguments for the slides service."""
        opts: dict[str, Any] = {"template": self.template()}
        if self.mode == "poster":
            opts["size"] = self.size_combo.currentData()
            opts["layout"] = self.layout_combo.currentData()
            opts["kept_logos"] = self.chosen_logos()
        return opts

    # Kept logos ----------------------------------------------------------------------

    def reload_logos(self) -> None:
        """List the user's kept logos, keeping what was unticked in this dialog unticked."""
        unticked = {
            item.data(Qt.ItemDataRole.UserRole)
            for item in self._logo_items()
            if item.checkState() != Qt.CheckState.Checked
        }
        found = query(self.ctx, self, export_logos.list_logos)
        self.logo_list.blockSignals(True)
        self.logo_list.clear()
        for logo in found or []:
            item = QListWidgetItem(f"{logo.name}  ({logo.size // 1024 or 1} KB)")
            item.setData(Qt.ItemDataRole.UserRole, logo.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = logo.id not in unticked
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.logo_list.addItem(item)
        self.logo_list.blockSignals(False)
        self.logo_remove.setEnabled(self.logo_list.currentRow() >= 0)

    def _logo_items(self) -> list[QListWidgetItem]:
        return [self.logo_list.item(row) for row in range(self.logo_list.count())]

    def chosen_logos(self) -> list[int]:
        """The ids of the kept logos ticked for this export."""
        return [
            int(item.data(Qt.ItemDataRole.UserRole))
            for item in self._logo_items()
            if item.checkState() == Qt.CheckState.Checked
        ]

    def add_logo(self, path: str) -> bool:
        """Keep an image file as a logo (stored in the database; undoable); whether it was."""

        def undo(session: Any, actor: Any, logo: export_logos.ExportLogo) -> None:
            export_logos.remove_logo(session, actor, logo.id)

        added = Operation(
            self.ctx,
            self,
            lambda session, actor: export_logos.add_logo(session, actor, path),
            changes=(LOGO_KIND,),
            undo=undo,
            text=f"Keep logo \u201c{Path(path).name}\u201d",
        ).run()
        if added is None:
            return False
        self.reload_logos()
        self.refresh_preview()
        return True

    def forget_logo(self, logo_id: int) -> bool:
        """Stop offering a kept logo (undoable); whether it was removed."""
        removed = Operation(
            self.ctx,
            self,
            lambda session, actor: export_logos.remove_logo(session, actor, logo_id),
            changes=(LOGO_KIND,),
            undo=lambda session, actor, gone: export_logos.put_back(session, actor, gone),
            text="Forget logo",
        ).run()
        if removed is None:
            return False
        self.reload_logos()
        self.refresh_preview()
        return True

    def _on_logo_list_item_changed(self, _item: QListWidgetItem) -> None:
        self.refresh_preview()

    def _on_logo_list_current_row_changed(self, row: int) -> None:
        self.logo_remove.setEnabled(row >= 0)

    def _on_logo_remove_clicked(self) -> None:
        item = self.logo_list.currentItem()
        if item is not None:
            self.forget_logo(int(item.data(Qt.ItemDataRole.UserRole)))

    def _on_events_changed(self, kind: str) -> None:
        if self.mode == "poster" and kind in ("", LOGO_KIND):
            self.reload_logos()

    def _sync_template_widgets(self) -> None:
        file_mode = not self.template_combo.currentData()
        self.template_file.setEnabled(file_mode)
        self.template_browse.setEnabled(file_mode)

    def _on_options_changed(self) -> None:
        self._sync_template_widgets()
        self.refresh_preview()

    def _on_template_browse_clicked(self) -> None:
        dialog = QFileDialog(self, "Choose a template", "", "PowerPoint (*.pptx *.potx)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self._on_template_file_selected)
        dialog.open()

    def _on_template_file_selected(self, path: str) -> None:
        self.template_file.setText(path)
        self._on_options_changed()

    def _on_logo_browse_clicked(self) -> None:
        dialog = QFileDialog(self, "Add a logo", "", "Images (*.png *.jpg *.jpeg *.webp *.svg)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self._on_logo_file_selected)
        dialog.open()

    def _on_logo_file_selected(self, path: str) -> None:
        self.add_logo(path)

    def _on_out_browse_clicked(self) -> None:
        dialog = QFileDialog(self, "Save as", self.out_path.text(), "PowerPoint (*.pptx)")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("pptx")
        dialog.fileSelected.connect(self.out_path.setText)
        dialog.open()

    # Preview -------------------------------------------------------------------------

    def refresh_preview(self) -> None:
        """Build the layout in a worker and show it when ready."""
        if self.template() is None:
            self.preview.set_message("Choose a template file to see a preview.")
            return
        self._preview_generation += 1
        generation = self._preview_generation
        self.preview.set_message("Building the preview\u2026")
        abstract_id, mode = self.abstract_id, self.mode
        opts = self.options()

        def task(
            session: Any, actor: Any, _progress: ProgressSink, _cancel: CancelToken
        ) -> Layout:
            if mode == "poster":
                return slides.build_poster(session, actor, abstract_id, **opts)
            return slides.build_deck(session, actor, abstract_id, **opts)

        operation = Operation(self.ctx, self, task, unit=Unit.READ)
        operation.success(lambda layout: self._on_preview_built(generation, layout))
        operation.failure(lambda exc: self._on_preview_failed(generation, exc))
        self._preview_job = operation.run_in_background()

    def _on_preview_built(self, generation: int, layout: object) -> None:
        if generation != self._preview_generation or not isinstance(layout, Layout):
            return
        self.preview.set_layout(layout)
        self._show_size_note(layout)
        self.preview_ready.emit()

    def _show_size_note(self, layout: Layout) -> None:
        """Say before export when a template's own page size wins over the size picked."""
        note = ""
        if self.mode == "poster" and not self.template_combo.currentData():
            note = size_note(str(self.size_combo.currentData()), layout.width, layout.height)
        self.size_note.setText(note)
        self.size_note.setVisible(bool(note))
        self.size_combo.setAccessibleDescription(note)

    def _on_preview_failed(self, generation: int, exc: object) -> None:
        if generation != self._preview_generation:
            return
        if isinstance(exc, ScholarDeskError):
            self.preview.set_message(exc.user_message)
        else:
            self.preview.set_message("The preview could not be built.")
        self.preview_ready.emit()

    def _on_preview_page_changed(self, index: int) -> None:
        count = self.preview.page_count()
        self.page_label.setText(f"Page {index + 1} of {count}" if count else "")
        self.prev_button.setEnabled(index > 0)
        self.next_button.setEnabled(index + 1 < count)

    # Export --------------------------------------------------------------------------

    def _on_export_button_clicked(self) -> None:
        from scholar_desk.ui.dialogs.replace_dialog import ReplaceDialog

        out = self.out_path.text().strip()
        if out and not ReplaceDialog.ask(self, Path(out).expanduser()):
            self.status.setText("Not exported: the file exists.")
            return
        abstract_id, mode = self.abstract_id, self.mode
        opts = self.options()

        def task(
            session: Any, actor: Any, progress: ProgressSink, cancel: CancelToken
        ) -> slides.ExportResult:
            export = slides.export_poster if mode == "poster" else slides.export_deck
            return export(
                session,
                actor,
                abstract_id,
                out,
                progress=progress,
                cancel=cancel,
                force=True,  # the user was asked above
                **opts,
            )

        operation = Operation(self.ctx, self, task, unit=Unit.READ)
        operation.progress(self._on_job_progressed).success(self._on_job_succeeded)
        operation.failure(self._on_job_failed).cancelled(self._on_job_cancelled)
        self._set_busy(True)
        self.status.setText("Exporting\u2026")
        self.show_button.setEnabled(False)
        self._export_job = operation.run_in_background()

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.progress.setValue(0)
        self.export_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.close_button.setEnabled(not busy)

    def _on_job_progressed(self, done: int, total: int, message: str) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        self.status.setText(message)

    def _on_job_succeeded(self, result: object) -> None:
        self._set_busy(False)
        if isinstance(result, slides.ExportResult):
            self.result = result
            noun = "slide" if result.pages == 1 else "slides"
            what = "poster" if self.mode == "poster" else f"{result.pages} {noun}"
            self.status.setText(f"Saved {what} to {result.path}")
            self.show_button.setEnabled(True)
            self.export_finished.emit(result)

    def _on_job_failed(self, exc: object) -> None:
        self._set_busy(False)
        self.status.setText("Not exported.")
        if isinstance(exc, BaseException):
            show_error(self, exc)

    def _on_job_cancelled(self) -> None:
        self._set_busy(False)
        self.status.setText("Cancelled. Nothing was written.")

    def _on_cancel_button_clicked(self) -> None:
        if self._export_job is not None:
            self._export_job.cancel_token.cancel()

    def _on_show_button_clicked(self) -> None:
        if self.result is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result.path.parent)))
