"""The reference library page: search as you type, the big table, and an editable detail pane."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from scholar_desk.core.services import references as svc
from scholar_desk.ui import keyboard
from scholar_desk.ui.after_paint import after_paint
from scholar_desk.ui.bib_follow import BibFollower
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.errors import show_error
from scholar_desk.ui.models.reference_table import COLUMNS, ReferenceTableModel
from scholar_desk.ui.operations import Operation, Unit, read
from scholar_desk.ui.pages.reference_detail import ReferenceDetailPane, library_read_only_reason
from scholar_desk.ui.unsaved import dirty_editors, settle
from scholar_desk.ui.widgets.menu_button import menu_button
from scholar_desk.ui.widgets.page_header import page_header, set_page_margins

if TYPE_CHECKING:
    # The dialogs load when first opened: with their services (citation styles, the
    # BibTeX reader, the network lookup) they would double the page's start-up.
    from scholar_desk.ui.dialogs.cite_dialog import CiteDialog
    from scholar_desk.ui.dialogs.import_dialog import ImportDialog
    from scholar_desk.ui.dialogs.rekey_dialog import RekeyDialog

SEARCH_DELAY_MS = 120

_CITED_CHECK_LIMIT = 500
"""How many selected references Delete looks up citations for before asking."""


class _SteadyTableView(QTableView):
    """A table that scrolls up and down to the current cell but never sideways on a click."""

    @override
    def scrollTo(
        self,
        index: QModelIndex | QPersistentModelIndex,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        horizontal = self.horizontalScrollBar().value()
        super().scrollTo(index, hint)
        self.horizontalScrollBar().setValue(horizontal)


class ReferencesPage(QWidget):
    """Search, browse and edit the reference library; import, export, cite, merge."""

    status_changed = Signal(str)
    import_finished = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._dialogs: list[ImportDialog] = []
        self.model = ReferenceTableModel(ctx, self, actor=ctx.actor)

        self.search = QLineEdit()
        self.search.setPlaceholderText(
            "Search title, authors, journal, year, abstract, keywords, tags"
        )
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search references")
        self.search.setAccessibleDescription(
            "Searches title, authors, journal, year, abstract, keywords and tags as you type; "
            "Down or Enter moves into the results."
        )
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._on_search_timer_timeout)
        self.search.textChanged.connect(self._search_timer.start)

        self.import_button = menu_button(
            self,
            "Import…",
            "Import a .bib, .ris or .nbib file",
            self._on_import_clicked,
            [
                ("Add by DOI, PMID or PMCID…", self.add_by_identifier),
                (
                    "Check for retractions (selected, or all)",
                    lambda: self.check_retractions(self.selected_ids() or None),
                ),
            ],
        )
        self.follower = BibFollower(ctx, self, self.status_changed)
        self.follower.add_to_menu(self.import_button.menu())
        self.follower.synced.connect(lambda _summary: self.reload())
        self.export_button = QPushButton("Export…")
        self.export_button.clicked.connect(self._on_export_clicked)
        self.cite_button = menu_button(
            self,
            "Copy citation",
            "Copy the selected references in AMA style",
            self.copy_citation,
            [("Reference list in a journal's style…", self.show_reference_list)],
        )
        self.cite_in_button = QPushButton("Cite in…")
        self.cite_in_button.setToolTip(
            "Add the selected references to an abstract's, project's or manuscript's "
            "numbered reference list (used by slides and posters)"
        )
        self.cite_in_button.clicked.connect(self.cite_selected)
        self.rekey_button = QPushButton("Rekey…")
        self.rekey_button.setToolTip(
            "Give the selected references new citation keys from a pattern"
        )
        self.rekey_button.clicked.connect(self.rekey_selected)
        self.merge_button = QPushButton("Merge duplicates")
        self.merge_button.setToolTip(
            "Merge references with the same DOI, PMID, or title, year and first author"
        )
        self.merge_button.clicked.connect(self._on_merge_clicked)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        for button in (
            self.import_button,
            self.export_button,
            self.cite_button,
            self.cite_in_button,
            self.rekey_button,
            self.merge_button,
        ):
            top.addWidget(button)

        self.table = _SteadyTableView()
        self.table.setAccessibleName("References")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSortIndicator(3, Qt.SortOrder.AscendingOrder)
        for number, column in enumerate(COLUMNS):
            self.table.setColumnWidth(number, column.width)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.model.modelReset.connect(self._on_model_reset)

        self._restoring = False
        self.detail = ReferenceDetailPane(ctx)
        self.detail.saved.connect(self._on_detail_saved)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([900, 380])

        layout = QVBoxLayout(self)
        set_page_margins(layout)
        header, _title, self.count_label = page_header(self, "References")
        layout.addLayout(header)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        keyboard.link_filter_to_results(self.search, self.table)
        self.setAcceptDrops(True)
        self.apply_role(follow=False)
        ctx.events.changed.connect(self._on_events_changed)
        self.model.open_on(self.table.viewport())  # the first screen now, the rest once painted
        # Watching followed files shows nothing: it starts once the table is on screen.
        after_paint(self.table.viewport(), lambda: ctx.when_open(self.follower.reload))
        self._update_status()

    def apply_role(self, *, follow: bool = True) -> None:
        self.model.actor = self._ctx.actor
        self.read_only_reason = library_read_only_reason(self._ctx)
        for button in (self.import_button, self.merge_button, self.rekey_button):
            button.setEnabled(not self.read_only_reason)
            button.setToolTip(self.read_only_reason)
        self.detail.set_read_only(self.read_only_reason)
        if follow:
            self.follower.reload()

    # Window hooks ----------------------------------------------------------------------

    def reload(self) -> None:
        """Query again, keeping the search and sort."""
        self.model.refresh()
        self._update_status()

    def focus_filter(self) -> None:
        """Put the cursor in the search box."""
        self.search.setFocus()
        self.search.selectAll()

    def status_text(self) -> str:
        """What the status bar shows for this page."""
        return self.count_label.text()

    def select_id(self, ref_id: int) -> None:
        """Show and select one reference."""
        row = self.model.row_of(ref_id)
        if row < 0 and self.search.text():
            self.search.clear()
            self.model.set_search("")
            row = self.model.row_of(ref_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def selected_ids(self) -> list[int]:
        """Ids of the selected rows, in display order."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.id_at(r) for r in rows]

    def import_files(self, paths: Sequence[Path]) -> ImportDialog | None:
        """Open the import dialog on files (menu, toolbar, drops); nothing is written yet."""
        paths = [Path(p) for p in paths]
        if not paths:
            return None
        if self.read_only_reason:
            self.status_changed.emit(f"Not imported. {self.read_only_reason}")
            return None
        from scholar_desk.ui.dialogs.import_dialog import ImportDialog

        dialog = ImportDialog(self._ctx, paths, self)
        dialog.import_finished.connect(self._on_dialog_import_finished)
        dialog.finished.connect(lambda _code: self._forget(dialog))
        self._dialogs.append(dialog)
        dialog.open()
        dialog.start()
        return dialog

    def delete_selected(self) -> None:
        """Delete the selected references after a confirmation."""
        ids = self.selected_ids()
        if not ids:
            return
        if self.read_only_reason:
            self.status_changed.emit(f"Not deleted. {self.read_only_reason}")
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Delete references",
            f"{self.delete_question(ids)} Undo (Ctrl+Z) brings them back.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.accepted.connect(lambda: self._delete(ids))
        box.open()

    def delete_question(self, ids: Sequence[int]) -> str:
        """What Delete asks: how many, and how many of them are cited and by what."""
        noun = "reference" if len(ids) == 1 else "references"
        cited: dict[int, list[svc.LinkInfo]] = {}
        with self._ctx.library.reading() as session:
            for ref_id in ids[:_CITED_CHECK_LIMIT]:
                links = svc.links_of(session, self._ctx.actor, ref_id)
                if links:
                    cited[ref_id] = links
        text = f"Delete {len(ids):,} {noun}?"
        if not cited:
            if len(ids) == 1:
                return text + " It is not cited; its tags go with it."
            return text + " None of them is cited; their tags go with them."
        targets = {(link.target_kind, link.target_id): link for v in cited.values() for link in v}
        shown = [f"{link.target_kind} “{link.label}”" for link in list(targets.values())[:3]]
        more = len(targets) - len(shown)
        by = ", ".join(shown) + (f" and {more} more" if more > 0 else "")
        verb = "is" if len(cited) == 1 else "are"
        which = "It is" if len(ids) == 1 else f"{len(cited):,} of them {verb}"
        return f"{text} {which} cited by {by}; those citations are removed too."

    def shutdown(self) -> None:
        """Cancel running imports before the window closes."""
        for dialog in list(self._dialogs):
            dialog.cancel_jobs()

    # Actions ----------------------------------------------------------------------------

    def copy_citation(self) -> str:
        """Copy the selected references, AMA style, numbered when several; return the text."""
        ids = self.selected_ids()
        if not ids:
            return ""
        from scholar_desk.ui.dialogs.bibliography_dialog import copy_citations

        text, count = copy_citations(self._ctx, ids)
        self.status_changed.emit(f"Copied {count} citation(s)")
        return text

    def add_by_identifier(self) -> QDialog:
        """Open the dialog that adds references by DOI, PMID or PMCID."""
        from scholar_desk.ui.dialogs.lookup_dialog import LookupDialog

        dialog = LookupDialog(self._ctx, self)
        dialog.open()
        return dialog

    def check_retractions(self, ids: Sequence[int] | None) -> Any:
        """Check the selected references (or all) for retractions, in the background."""
        from scholar_desk.ui.dialogs.lookup_dialog import check_retractions

        return check_retractions(self._ctx, self, ids)

    def show_reference_list(self) -> QDialog | None:
        """Open the selected references as a list in a style to choose; None if none."""
        ids = self.selected_ids()
        if not ids:
            self.status_changed.emit("Select the references to list first.")
            return None
        from scholar_desk.ui.dialogs.bibliography_dialog import BibliographyDialog

        dialog = BibliographyDialog(self._ctx, reference_ids=ids, parent=self)
        dialog.open()
        return dialog

    def export_to(self, path: Path, ids: Sequence[int] | None = None) -> int:
        """Write BibTeX (all, or the given ids) and return how many were written."""
        from scholar_desk.ui.dialogs.replace_dialog import ReplaceDialog

        if not ReplaceDialog.ask(self, path):
            return 0
        count = (
            Operation(
                self._ctx,
                self,
                lambda session, actor: svc.export_bib(session, actor, path, ids=ids, force=True),
                unit=Unit.READ,
            )
            .failure(lambda exc: show_error(self, exc))
            .run()
        )
        if count is None:
            return 0
        self.status_changed.emit(f"Exported {count} references to {path.name}")
        return count

    def merge_duplicates(self) -> svc.MergeSummary | None:
        """Merge all exact duplicates in the library (one undoable step)."""
        summary = Operation(
            self._ctx,
            self,
            svc.merge_exact_duplicates,
            changes=("reference",),
            undo=lambda s, a, done: svc.undo_merge(s, a, done),
            text="Merge duplicate references",
        ).run()
        if summary is None:
            return None
        self.reload()
        self.status_changed.emit(
            f"Merged {summary.groups} group(s) of duplicates; removed {summary.removed}"
        )
        return summary

    def _delete(self, ids: list[int]) -> None:
        """Delete as one undoable step: undo restores them with their tags and citations."""
        now: dict[int, int] = {}  # a restored reference may come back under a new id

        def undo(session: Any, actor: Any, deleted: svc.ReferenceSnapshot) -> None:
            now.update(svc.restore_references(session, actor, deleted))

        noun = "reference" if len(ids) == 1 else "references"
        Operation(
            self._ctx,
            self,
            lambda s, a: svc.delete_references_undoably(s, a, ids),
            changes=("reference",),
            undo=undo,
            redo=lambda s, a: svc.delete_references_undoably(s, a, [now.get(i, i) for i in ids]),
            text=f"Delete {len(ids):,} {noun}",
        ).success(lambda _r: self.reload()).run()

    def _forget(self, dialog: ImportDialog) -> None:
        if dialog in self._dialogs:
            self._dialogs.remove(dialog)

    def _update_status(self) -> None:
        count = self.model.rowCount()
        text = f"{count:,} references" + (
            f" matching “{self.model.search}”" if self.model.search else ""
        )
        self.count_label.setText(text)
        self.status_changed.emit(text)

    # Slots ---------------------------------------------------------------------------------

    def _on_search_timer_timeout(self) -> None:
        self.model.set_search(self.search.text())
        self._update_status()

    def _on_selection_changed(
        self, _selected: QItemSelection, _deselected: QItemSelection
    ) -> None:
        self._follow_current()

    def _on_current_row_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._follow_current()

    def _follow_current(self) -> None:
        """Show the current row's reference; clear the pane when nothing is selected."""
        if self._restoring:
            return
        ids = self.selected_ids()
        current = self.table.currentIndex()
        if len(ids) > 1 and current.isValid() and self.model.id_at(current.row()) in ids:
            wanted: int | None = self.model.id_at(current.row())
        else:
            wanted = ids[0] if len(ids) == 1 else None
        shown = self.detail.detail.id if self.detail.detail is not None else None
        if wanted == shown:
            return
        if not settle(self, dirty_editors(self.detail)):
            # Back to the reference with the unsaved edits.
            self._restoring = True
            try:
                if shown is not None:
                    self.table.clearSelection()
                    self.select_id(shown)
            finally:
                self._restoring = False
            return
        self.detail.show_reference(wanted)

    def _on_model_reset(self) -> None:
        # A new search: the pane keeps its reference only while that is still listed
        # (or while it holds unsaved edits, which a search must not throw away).
        shown = self.detail.detail
        if shown is None or self.model.row_of(shown.id) >= 0 or dirty_editors(self.detail):
            return
        self.detail.show_reference(None)

    def rekey_selected(self) -> RekeyDialog | None:
        """Open the dialog that regenerates the selected references' keys; None if none."""
        ids = self.selected_ids()
        if not ids:
            self.status_changed.emit("Select the references to rekey first.")
            return None
        from scholar_desk.ui.dialogs.rekey_dialog import RekeyDialog

        dialog = RekeyDialog.open_for(self, self._ctx, ids)
        dialog.accepted.connect(
            lambda: self.status_changed.emit(
                f"{len(dialog.changed or {})} citation keys regenerated"
            )
        )
        return dialog

    def cite_selected(self) -> CiteDialog | None:
        """Open the dialog that cites the selected references somewhere; None if none."""
        ids = self.selected_ids()
        if not ids:
            self.status_changed.emit("Select the references to cite first.")
            return None
        from scholar_desk.ui.dialogs.cite_dialog import CiteDialog

        return CiteDialog.open_for(self, self._ctx, ids)

    def _on_detail_saved(self, ref_id: int) -> None:
        self.model.invalidate_rows([ref_id])

    def _on_events_changed(self, kind: str) -> None:
        if kind not in ("", "reference", "tag"):
            return
        if kind != "tag" and self._ctx.events.origin is not self and self._count_changed():
            # References came or went elsewhere (an undo, another window): list them
            # again, keeping what was selected.
            keep = self.selected_ids()
            self.reload()
            selection = self.table.selectionModel()
            for ref_id in keep:
                row = self.model.row_of(ref_id)
                if row >= 0:
                    selection.select(
                        self.model.index(row, 0),
                        QItemSelectionModel.SelectionFlag.Select
                        | QItemSelectionModel.SelectionFlag.Rows,
                    )
            return
        self.model.invalidate_rows()

    def _count_changed(self) -> bool:
        # A busy database: the next change or poll asks again.
        count = read(self._ctx, self, svc.count_references, lambda _exc: self.model.total())
        return count != self.model.total()

    def _on_import_clicked(self) -> None:
        dialog = QFileDialog(self, "Import references")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilter("References (*.bib *.bibtex *.ris *.nbib *.txt *.medline)")
        dialog.filesSelected.connect(lambda names: self.import_files([Path(n) for n in names]))
        dialog.open()

    def _on_export_clicked(self) -> None:
        dialog = QFileDialog(self, "Export BibTeX")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("bib")
        dialog.setNameFilter("BibTeX (*.bib)")
        dialog.setOption(QFileDialog.Option.DontConfirmOverwrite)  # export_to asks
        selection = self.selected_ids()
        dialog.fileSelected.connect(
            lambda name: self.export_to(Path(name), selection if len(selection) > 1 else None)
        )
        dialog.open()

    def _on_merge_clicked(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Merge duplicates",
            "Merge every group of exact duplicates (same DOI, PMID, or title, year and first "
            "author)? The most complete record of each group is kept (the oldest when equal); "
            "the others' fields, tags and links move to it. Undo (Ctrl+Z) takes the merge "
            "back.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.accepted.connect(self.merge_duplicates)
        box.open()

    def _on_dialog_import_finished(self, report: object) -> None:
        self.reload()
        if isinstance(report, svc.ImportReport):
            self.status_changed.emit(report.summary())
        self.import_finished.emit(report)

    # Drops ---------------------------------------------------------------------------------

    def dragEnterEvent(self, event: Any) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: Any) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)
