"""The reference library page: search as you type, the big table, and an editable detail pane."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from scholar_desk.core.errors import ConflictError, ScholarDeskError
from scholar_desk.core.formats.citation import format_ama
from scholar_desk.core.services import audit, citations, merge, permissions
from scholar_desk.core.services import references as svc
from scholar_desk.ui import keyboard
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.dialogs.cite_dialog import CiteDialog
from scholar_desk.ui.dialogs.conflict_dialog import ConflictDialog
from scholar_desk.ui.dialogs.import_dialog import ImportDialog
from scholar_desk.ui.dialogs.rekey_dialog import RekeyDialog
from scholar_desk.ui.errors import show_error
from scholar_desk.ui.models.reference_table import COLUMNS, ReferenceTableModel
from scholar_desk.ui.operations import NOT_UNDOABLE, Operation, Unit, query
from scholar_desk.ui.unsaved import DraftKeeper, RestoreDraftDialog, dirty_editors, settle
from scholar_desk.ui.widgets.page_header import page_header, set_page_margins

SEARCH_DELAY_MS = 120
_LINE_FIELDS = (
    ("citation_key", "Key"),
    ("entry_type", "Type"),
    ("title", "Title"),
    ("journal", "Journal"),
    ("year", "Year"),
    ("volume", "Volume"),
    ("issue", "Issue"),
    ("pages", "Pages"),
    ("doi", "DOI"),
    ("pmid", "PMID"),
    ("url", "URL"),
    ("keywords", "Keywords"),
)


def library_read_only_reason(ctx: AppContext) -> str:
    """Why ``ctx.actor`` may not change the reference library; ``""`` when they may.

    The services refuse anyway (`permissions`, kind ``reference``); the page asks here so
    it can disable what the actor cannot do and say why.
    """
    try:
        with ctx.library.reading() as session:
            return permissions.refusal(
                session, ctx.actor, permissions.CREATE, permissions.REFERENCE, None
            )
    except ScholarDeskError as exc:
        return exc.user_message


class ReferenceDetailPane(QWidget):
    """Every field of one reference, editable, with tags and what cites it."""

    saved = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._detail: svc.ReferenceDetail | None = None
        self.edits: dict[str, QLineEdit | QPlainTextEdit] = {}
        form = QFormLayout()
        self.edits["authors"] = QPlainTextEdit()
        self.edits["authors"].setPlaceholderText("Family, Given and Family, Given")
        self.edits["authors"].setMaximumHeight(60)
        form.addRow("Authors", self.edits["authors"])
        for name, label in _LINE_FIELDS:
            edit = QLineEdit()
            self.edits[name] = edit
            form.addRow(label, edit)
        self.edits["abstract"] = QPlainTextEdit()
        self.edits["abstract"].setMaximumHeight(110)
        form.addRow("Abstract", self.edits["abstract"])
        self.extra = QPlainTextEdit()
        self.extra.setPlaceholderText("one field per line: name = value")
        self.extra.setMaximumHeight(90)
        form.addRow("Other fields", self.extra)
        self.tags = QLineEdit()
        self.tags.setPlaceholderText("comma-separated tags")
        form.addRow("Tags", self.tags)
        self.links = QListWidget()
        self.links.setMaximumHeight(70)
        self.links.setToolTip("Select a link and press Remove link to stop citing it there")
        form.addRow("Cited by", self.links)
        self.unlink_button = QPushButton("Remove link")
        self.unlink_button.setEnabled(False)
        self.unlink_button.clicked.connect(self._on_unlink_clicked)
        self.links.currentRowChanged.connect(
            lambda row: self.unlink_button.setEnabled(row >= 0 and self._detail is not None)
        )
        form.addRow("", self.unlink_button)
        self.save_button = QPushButton("Save")
        self.save_button.clicked.connect(self._on_save_clicked)
        self.header = QLabel("Select a reference")
        self.header.setWordWrap(True)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(self.header)
        inner_layout.addLayout(form)
        inner_layout.addStretch(1)
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setWidget(inner)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._scroll, 1)
        # Save sits under the fields, outside their scroll area: always in sight.
        buttons = QHBoxLayout()
        buttons.setContentsMargins(8, 4, 8, 4)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.setEnabled(False)
        self._loaded: tuple[dict[str, Any], str] | None = None
        self.drafts: DraftKeeper | None = None
        for edit in (*self.edits.values(), self.extra, self.tags):
            edit.textChanged.connect(self._on_text_changed)

    # Unsaved edits (see ui/unsaved.py) --------------------------------------------------

    def has_unsaved_edits(self) -> bool:
        """Whether the fields or tags differ from the stored reference."""
        if self._detail is None or self._loaded is None or not self.save_button.isEnabled():
            return False
        return (self.values(), self.tags.text()) != self._loaded

    def unsaved_what(self) -> str:
        """How the question about unsaved edits names this reference."""
        key = self._detail.ref.citation_key if self._detail else ""
        return f"the reference “{key}”"

    def save(self) -> bool:
        """Save the fields and tags; whether it was saved."""
        return self._on_save_clicked()

    def discard_edits(self) -> None:
        """Show the stored reference again."""
        if self.drafts is not None:
            self.drafts.forget()
        if self._detail is not None:
            self.show_reference(self._detail.id)

    def draft_values(self) -> dict[str, Any]:
        """The fields and tags as typed."""
        return {"values": self.values(), "tags": self.tags.text()}

    def _on_text_changed(self) -> None:
        if self.drafts is not None and self.has_unsaved_edits():
            self.drafts.touched()

    def _offer_draft(self) -> None:
        assert self.drafts is not None
        draft = self.drafts.recovered()
        if not draft or (draft.get("values"), draft.get("tags")) == self._loaded:
            self.drafts.forget()
            return
        if not RestoreDraftDialog.ask(self, self.unsaved_what()):
            self.drafts.forget()
            return
        values = draft.get("values") or {}
        for name, edit in self.edits.items():
            text = str(values.get(name, ""))
            if isinstance(edit, QPlainTextEdit):
                edit.setPlainText(text)
            else:
                edit.setText(text)
        extra = values.get("extra_fields") or {}
        self.extra.setPlainText("\n".join(f"{k} = {v}" for k, v in extra.items()))
        self.tags.setText(str(draft.get("tags", "")))

    @property
    def detail(self) -> svc.ReferenceDetail | None:
        """The reference shown."""
        return self._detail

    def set_read_only(self, reason: str) -> None:
        """Make the fields read-only and disable Save, with ``reason`` as the tooltip."""
        for edit in (*self.edits.values(), self.extra, self.tags):
            edit.setReadOnly(bool(reason))
            edit.setToolTip(reason)
        self.save_button.setEnabled(not reason)
        self.save_button.setToolTip(reason)

    def show_reference(self, ref_id: int | None) -> None:
        """Load one reference (None clears the pane)."""
        if ref_id is None:
            self._detail = None
            self.header.setText("Select a reference")
            self.setEnabled(False)
            return
        detail = query(
            self._ctx, self, lambda session, actor: svc.get_reference(session, actor, ref_id)
        )
        if detail is None:
            return
        self._detail = detail
        ref = detail.ref
        for name, edit in self.edits.items():
            value = getattr(ref, name)
            text = "" if value is None else str(value)
            if isinstance(edit, QPlainTextEdit):
                edit.setPlainText(text)
            else:
                edit.setText(text)
                edit.setCursorPosition(0)
        self.extra.setPlainText("\n".join(f"{k} = {v}" for k, v in ref.extra_fields.items()))
        self.tags.setText(", ".join(detail.tags))
        self.links.clear()
        for link in detail.links:
            item = QListWidgetItem(f"{link.target_kind.title()}: {link.label}")
            item.setData(Qt.ItemDataRole.UserRole, (link.target_kind, link.target_id))
            self.links.addItem(item)
        self.unlink_button.setEnabled(False)
        self.header.setText(format_ama(ref))
        self.setEnabled(True)
        self._scroll.verticalScrollBar().setValue(0)
        self._loaded = (self.values(), self.tags.text())
        if self.drafts is None or self.drafts.key != f"reference-{ref_id}":
            if self.drafts is not None:
                self.drafts.deleteLater()
            self.drafts = DraftKeeper(self._ctx, self, f"reference-{ref_id}", parent=self)
            self._offer_draft()

    def values(self) -> dict[str, Any]:
        """The edited field values."""
        out: dict[str, Any] = {}
        for name, edit in self.edits.items():
            out[name] = edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()
        extra = {}
        for line in self.extra.toPlainText().splitlines():
            key, sep, value = line.partition("=")
            if sep and key.strip():
                extra[key.strip()] = value.strip()
        out["extra_fields"] = extra
        return out

    def _on_unlink_clicked(self) -> None:
        item = self.links.currentItem()
        if item is None or self._detail is None:
            return
        kind, target_id = item.data(Qt.ItemDataRole.UserRole)
        ref_id = self._detail.id
        Operation(
            self._ctx,
            self,
            lambda s, a: citations.uncite(s, a, kind, target_id, ref_id),
            changes=(kind,),
            undo=lambda s, a, _r: citations.cite(s, a, kind, target_id, [ref_id]),
            text="Remove a citation",
        ).success(lambda _r: self.show_reference(ref_id)).run()

    def _on_save_clicked(self) -> bool:
        if self._detail is None:
            return False
        return self._save(self._detail.version, self.values())

    def _save(self, version: int, values: dict[str, Any]) -> bool:
        assert self._detail is not None  # a save follows a load
        ref_id = self._detail.id
        tags = [t.strip() for t in self.tags.text().split(",") if t.strip()]
        merged: list[bool] = []

        def write(session: Any, actor: Any) -> svc.ReferenceDetail:
            before = svc.get_reference(session, actor, ref_id)
            svc.update_reference(session, actor, ref_id, version, values)
            svc.set_tags(session, actor, ref_id, tags)
            return before

        def undo(session: Any, actor: Any, before: svc.ReferenceDetail) -> None:
            now = svc.get_reference(session, actor, ref_id)
            old = {
                name: value
                for name, value in before.ref.main_values().items()
                if name in svc.EDITABLE and value != now.ref.main_values().get(name)
            }
            old["extra_fields"] = dict(before.ref.extra_fields)
            svc.update_reference(session, actor, ref_id, now.version, old)
            svc.set_tags(session, actor, ref_id, list(before.tags))

        def redo(session: Any, actor: Any) -> svc.ReferenceDetail:
            before = svc.get_reference(session, actor, ref_id)
            svc.update_reference(session, actor, ref_id, before.version, values)
            svc.set_tags(session, actor, ref_id, tags)
            return before

        operation = Operation(
            self._ctx,
            self,
            write,
            changes=("reference",),
            undo=undo,
            redo=redo,
            text="Edit reference",
        )
        operation.failure(lambda _exc: merged.append(self._merge_and_save()), ConflictError)
        operation.success(lambda _r: self._after_save(ref_id)).run()
        return operation.error is None or bool(merged and merged[0])

    def _form_values(self, ref: Any) -> dict[str, Any]:
        """A stored reference in the form's own terms (text per field, extra fields)."""
        out: dict[str, Any] = {}
        for name in self.edits:
            value = getattr(ref, name)
            out[name] = "" if value is None else str(value)
        out["extra_fields"] = dict(ref.extra_fields)
        return out

    def _merge_and_save(self) -> bool:
        """Someone saved this reference since it was loaded: merge field by field."""
        assert self._detail is not None
        base = self._detail
        try:
            with self._ctx.library.reading() as session:
                latest = svc.get_reference(session, self._ctx.actor, base.id)
                who = audit.last_changes(session, "reference", base.id)
        except ScholarDeskError as exc:
            show_error(self, exc)
            return False
        labels = dict(_LINE_FIELDS)
        labels.update(authors="Authors", abstract="Abstract", extra_fields="Other fields")
        result = merge.merge_fields(
            self._form_values(base.ref),
            self.values(),
            self._form_values(latest.ref),
            labels=labels,
            who=lambda name: who.get(name, ("", None)),
        )
        choices: Mapping[str, str] = {}
        if result.clashes:
            kept = [labels.get(n, n) for n in result.kept_theirs]
            asked = ConflictDialog.ask(self, "reference", result.clashes, kept)
            if asked is None:
                return False  # the form keeps the user's edits; the next save merges again
            choices = asked
        self._detail = latest
        return self._save(latest.version, result.resolve(choices))

    def _after_save(self, ref_id: int) -> None:
        if self.drafts is not None:
            self.drafts.forget()
        self.show_reference(ref_id)
        self.saved.emit(ref_id)


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
        self.model = ReferenceTableModel(ctx.library, self, actor=ctx.actor)

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

        self.import_button = QPushButton("Import…")
        self.import_button.clicked.connect(self._on_import_clicked)
        self.export_button = QPushButton("Export…")
        self.export_button.clicked.connect(self._on_export_clicked)
        self.cite_button = QPushButton("Copy citation")
        self.cite_button.setToolTip("Copy the selected references in AMA style")
        self.cite_button.clicked.connect(self.copy_citation)
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
        self.apply_role()
        ctx.events.changed.connect(self._on_events_changed)
        self.reload()

    def apply_role(self) -> None:
        self.model.actor = self._ctx.actor
        self.read_only_reason = library_read_only_reason(self._ctx)
        for button in (self.import_button, self.merge_button, self.rekey_button):
            button.setEnabled(not self.read_only_reason)
            button.setToolTip(self.read_only_reason)
        self.detail.set_read_only(self.read_only_reason)

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
            f"{self.delete_question(ids)} {NOT_UNDOABLE}",
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
        with self._ctx.library.reading() as session:
            refs = svc.records_for(session, ids)
        if len(refs) == 1:
            text = format_ama(refs[0])
        else:
            text = "\n".join(f"{n}. {format_ama(r)}" for n, r in enumerate(refs, start=1))
        QApplication.clipboard().setText(text)
        self.status_changed.emit(f"Copied {len(refs)} citation(s)")
        return text

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
        """Merge all exact duplicates in the library."""
        summary = Operation(
            self._ctx, self, svc.merge_exact_duplicates, changes=("reference",)
        ).run()
        if summary is None:
            return None
        self.reload()
        self.status_changed.emit(
            f"Merged {summary.groups} group(s) of duplicates; removed {summary.removed}"
        )
        return summary

    def _delete(self, ids: list[int]) -> None:
        Operation(
            self._ctx,
            self,
            lambda s, a: svc.delete_references(s, a, ids),
            changes=("reference",),
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
        return CiteDialog.open_for(self, self._ctx, ids)

    def _on_detail_saved(self, ref_id: int) -> None:
        self.model.invalidate_rows([ref_id])

    def _on_events_changed(self, kind: str) -> None:
        if kind in ("", "reference", "tag"):
            self.model.invalidate_rows()

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
            f"the others' fields, tags and links move to it. {NOT_UNDOABLE}",
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
