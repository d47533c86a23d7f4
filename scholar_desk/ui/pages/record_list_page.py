"""The list page every tracker kind gets: a sortable, filterable table with New/Edit/Delete.

Specialised pages reuse it: pass ``detail_factory`` and double-click (or Enter) opens
that richer widget inside the page, with a Back button, instead of the generic editor::

    RecordListPage(ctx, "project", detail_factory=lambda ctx, record: ProjectPage(ctx, record))

A detail widget may define a ``closed`` signal (emit it to return to the list) and a
``title()`` method for the bar above it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from scholar_desk.core.errors import ScholarDeskError, ValidationError
from scholar_desk.core.records import Record
from scholar_desk.core.services import items, permissions
from scholar_desk.core.services.citations import CITING_MODELS
from scholar_desk.core.services.kinds import get_kind
from scholar_desk.ui import icons, keyboard
from scholar_desk.ui.commands import DeleteCommand
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.dialogs.record_editor import RecordEditor
from scholar_desk.ui.errors import show_error
from scholar_desk.ui.models.record_table import ID_ROLE, RecordFilterProxy, RecordTableModel
from scholar_desk.ui.operations import read, run_command
from scholar_desk.ui.unsaved import dirty_editors, settle
from scholar_desk.ui.widgets.elided_label import ElidedLabel
from scholar_desk.ui.widgets.status_delegate import StatusDelegate

DetailFactory = Callable[[AppContext, Record], QWidget]

_MAX_COLUMN_WIDTH = 240
_COLUMN_CAPS = {"ref": 200, "choice": 190, "text": 240}
_SAMPLE_ROWS = 300
_CELL_PADDING = 28
_FIRST_COLUMN_MIN = 200


def _is_free_text(spec: Any) -> bool:
    return spec is None or spec.type in ("text", "ref", "multiline")


class ConfirmDelete:
    """Asks before deleting; tests monkeypatch `ask`."""

    @staticmethod
    def ask(parent: QWidget, title: str, text: str) -> bool:
        """Return whether the user confirmed."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(
            QMessageBox.Icon.Warning,
            title,
            text,
            QMessageBox.StandardButton.Cancel,
            parent,
        )
        delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setInformativeText("You can undo this with Edit ▸ Undo (Ctrl+Z).")
        box.exec()  # a blocking question; tests monkeypatch ask()
        return box.clickedButton() is delete


class RecordListPage(QWidget):
    """A page listing one kind of record."""

    status_changed = Signal(str)
    record_activated = Signal(object)  # the Record double-clicked or opened

    def __init__(
        self,
        ctx: AppContext,
        kind_name: str,
        parent: QWidget | None = None,
        *,
        detail_factory: DetailFactory | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind = get_kind(kind_name)
        self.detail_factory = detail_factory
        self.editor: RecordEditor | None = None
        self.detail: QWidget | None = None
        self._loaded = False
        self._stale = True
        self._pending_state: Any = None
        self._status = ""
        self._new_refusal: str | None = None
        self.setObjectName(f"page_{self.kind.plural}")

        self.stack = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        self.list_panel = QWidget(self)
        self.stack.addWidget(self.list_panel)

        layout = QVBoxLayout(self.list_panel)
        layout.setContentsMargins(24, 18, 24, 16)
        layout.setSpacing(12)

        header = QHBoxLayout()
        header.setSpacing(8)
        self.title_label = QLabel(title or self.kind.title, self)
        self.title_label.setObjectName("pageTitle")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("pageSubtitle")
        header.addWidget(self.title_label)
        header.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignBottom)
        header.addStretch(1)
        layout.addLayout(header)

        bar = QHBoxLayout()
        bar.setSpacing(6)
        self.new_action = self._action("new", f"New {self.kind.name}", self.new_item)
        self.edit_action = self._action("edit", "Edit", self.edit_current)
        self.delete_action = self._action("delete", "Delete", self.delete_selected)
        self.new_button = self._button(self.new_action, primary=True)
        bar.addWidget(self.new_button)
        bar.addWidget(self._button(self.edit_action))
        bar.addWidget(self._button(self.delete_action))
        self.bibliography_action: QAction | None = None
        if self.kind.name in CITING_MODELS:
            self.bibliography_action = self._action(
                "export", "Reference list…", self.show_reference_list
            )
            self.bibliography_action.setToolTip(
                f"What this {self.kind.name} cites, in its journal's or meeting's style: "
                "copy it or export it (.docx, .html, .txt)"
            )
            bar.addWidget(self._button(self.bibliography_action))
        bar.addStretch(1)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("filterEdit")
        self.filter_edit.setPlaceholderText(f"Filter {self.kind.plural}…  (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.addAction(icons.icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.filter_edit.setMinimumWidth(260)
        self.filter_edit.setAccessibleName(f"Filter {self.kind.plural}")
        self.filter_edit.setAccessibleDescription(
            "Shows only the rows holding every word typed; Down or Enter moves into them."
        )
        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        bar.addWidget(self.filter_edit)
        layout.addLayout(bar)

        self.model = RecordTableModel(self.kind.name, self)
        self.proxy = RecordFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView(self)
        self.table.setObjectName("recordTable")
        self.table.setAccessibleName(self.kind.title)
        self.table.setAccessibleDescription(
            f"Enter opens the selected {self.kind.name}; Ctrl+E edits it."
        )
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the service's order first
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 12)
        hh = self.table.horizontalHeader()
        hh.setHighlightSections(False)
        hh.setStretchLastSection(False)
        hh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        hh.setTextElideMode(Qt.TextElideMode.ElideRight)
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu_requested)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        open_shortcut = QAction(self.table)
        open_shortcut.setShortcuts(
            [QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)]
        )
        open_shortcut.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        open_shortcut.triggered.connect(self.open_current)
        self.table.addAction(open_shortcut)
        self.status_delegate = StatusDelegate(self.table)
        for column in range(self.model.columnCount()):
            spec = self.model.column_spec(column)
            if spec is not None and spec.name == "status":
                self.table.setItemDelegateForColumn(column, self.status_delegate)
        layout.addWidget(self.table, 1)
        keyboard.link_filter_to_results(self.filter_edit, self.table)

        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("emptyHint")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        layout.addWidget(self.empty_label)
        self.empty_label.hide()

        ctx.events.changed.connect(self._on_events_changed)
        self._update_actions()

    def _action(self, icon_name: str, text: str, slot: Callable[[], Any]) -> QAction:
        action = QAction(icons.icon(icon_name), text, self)
        action.triggered.connect(slot)
        return action

    def _button(self, action: QAction, *, primary: bool = False) -> QToolButton:
        button = QToolButton(self)
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setAutoRaise(not primary)
        if primary:
            button.setObjectName("primaryButton")
            button.setIcon(icons.icon("new", self.palette().highlightedText().color()))
        return button

    # Loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the rows again, keeping the selection and the scroll position."""
        selected = {r.id for r in self.selected_records()}
        current = self.current_record()
        with self.ctx.library.reading() as session:
            rows = items.list_items(session, self.ctx.actor, self.kind.name)
        scroll = self.table.verticalScrollBar().value()
        self.model.set_rows(rows)
        if not self._loaded:
            self._loaded = True
            self._size_columns()
        self._stale = False
        self._reselect(selected, current.id if current else None)
        self.table.verticalScrollBar().setValue(scroll)
        self._update_counts()
        self._update_actions()

    def _size_columns(self) -> None:
        hh = self.table.horizontalHeader()
        if self._pending_state is not None and hh.restoreState(self._pending_state):
            self._pending_state = None
            return
        # Widths from the header's hint and the text of a sample of rows: cheap and stable,
        # unlike resizeColumnsToContents, and fine before the view has been laid out.
        metrics = self.table.fontMetrics()
        sample = range(min(self.model.rowCount(), _SAMPLE_ROWS))
        widths: list[int] = []
        content: list[int] = []
        for column in range(self.model.columnCount()):
            spec = self.model.column_spec(column)
            widest = max(
                (
                    metrics.horizontalAdvance(str(self.model.index(row, column).data() or ""))
                    for row in sample
                ),
                default=0,
            )
            padding = _CELL_PADDING + (16 if spec is not None and spec.name == "status" else 0)
            hint = max(hh.sectionSizeHint(column), widest + padding)
            cap = _COLUMN_CAPS.get(spec.type if spec else "", _MAX_COLUMN_WIDTH)
            widths.append(min(hint, cap))
            content.append(min(widest + padding, cap))
        # The first column stretches; keep it at least a third of the view. When the row
        # does not fit, short columns (numbers, dates, choices) give up header space first
        # (their header elides, the tooltip has it), then free text shrinks toward what
        # its rows hold, never below a readable width: a fellow's name or a journal is
        # worth more than the whole header "Length (minutes)".
        # Before the first layout the viewport is still small; the page already has its size.
        available = max(self.table.viewport().width(), self.width() - 50, 600)
        budget = available - max(240, available // 3)
        names = metrics.horizontalAdvance("M" * 9) + _CELL_PADDING
        for column in range(1, len(widths)):
            if sum(widths[1:]) <= budget:
                break
            if not _is_free_text(self.model.column_spec(column)):
                widths[column] = max(content[column], 48)
        free = [c for c in range(1, len(widths)) if _is_free_text(self.model.column_spec(c))]
        excess = sum(widths[1:]) - budget
        free_total = sum(widths[c] for c in free)
        if excess > 0 and free_total:
            scale = max(0.0, 1 - excess / free_total)
            for c in free:
                spec = self.model.column_spec(c)
                floor = min(names, content[c]) if spec is not None and spec.type == "ref" else 0
                widths[c] = max(floor, hh.sectionSizeHint(c), int(widths[c] * scale))
        for column, width in enumerate(widths):
            self.table.setColumnWidth(column, width)
        if self.model.columnCount():
            hh.setMinimumSectionSize(48)
            first = available - sum(widths[1:])
            if first >= _FIRST_COLUMN_MIN:
                hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            else:
                # Too many columns for the window: the first keeps a readable width and
                # the table scrolls sideways rather than squeezing it to nothing.
                hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
                self.table.setColumnWidth(0, max(first, _FIRST_COLUMN_MIN))

    def _reselect(self, ids: set[int], current_id: int | None) -> None:
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            record_id = index.data(ID_ROLE)
            if record_id in ids:
                selection.select(index, flags)
            if record_id == current_id:
                selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)

    def _update_counts(self) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        noun = self.kind.name if total == 1 else self.kind.plural
        text = f"{total} {noun}" if shown == total else f"{shown} of {total} {self.kind.plural}"
        self.count_label.setText(text)
        if total == 0:
            self.empty_label.setText(
                f"No {self.kind.plural} yet. Click “New {self.kind.name}” or press Ctrl+N."
            )
        elif shown == 0:
            self.empty_label.setText(f"No {self.kind.plural} match “{self.proxy.filter_text()}”.")
        self.empty_label.setVisible(shown == 0)
        self._status = text
        self.status_changed.emit(text)

    def status_text(self) -> str:
        """What the status bar says about this page."""
        return self._status

    def refusal(self, action: str, records: list[Record] | None = None) -> str:
        """Why the actor may not do ``action`` (on ``records``, or a new one); ``""`` if allowed.

        The services refuse anyway; asking first lets the page grey the action and say why.
        """
        if records is None:
            owners = [self.ctx.actor.person_id if self.kind.owned else None]
        else:
            owners = list(
                dict.fromkeys(r.get("owner_id") if self.kind.owned else None for r in records)
            )
        kind = self.kind.name

        def first_refusal(session: Any, actor: Any) -> str:
            for owner in owners:
                reason = permissions.refusal(session, actor, action, kind, owner)
                if reason:
                    return reason
            return ""

        return read(self.ctx, self, first_refusal, lambda exc: exc.user_message)

    def _update_actions(self) -> None:
        if self._new_refusal is None:
            self._new_refusal = self.refusal(permissions.CREATE)
        _allow(self.new_action, self._new_refusal, f"New {self.kind.name} (Ctrl+N)")
        selected = self.selected_records() if self._loaded else []
        if self.bibliography_action is not None:
            self.bibliography_action.setEnabled(len(selected) == 1)
        if not selected:
            for action in (self.edit_action, self.delete_action):
                action.setEnabled(False)
                action.setToolTip(f"Select a {self.kind.name} first")
            return
        _allow(self.edit_action, self.refusal(permissions.UPDATE, selected), "Edit (Ctrl+E)")
        _allow(self.delete_action, self.refusal(permissions.DELETE, selected), "Delete (Del)")

    @override
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def show_reference_list(self) -> QDialog | None:
        """Open the reference list of the current record (what it cites)."""
        from scholar_desk.ui.dialogs.bibliography_dialog import BibliographyDialog

        record = self.current_record()
        if record is None:
            return None
        dialog = BibliographyDialog(
            self.ctx, kind=self.kind.name, target_id=record.id, parent=self
        )
        dialog.open()
        return dialog

    # Selection --------------------------------------------------------------------------

    def selected_records(self) -> list[Record]:
        """The selected rows' records, in view order."""
        rows = sorted(self.table.selectionModel().selectedRows(), key=lambda i: i.row())
        return [self.model.record_at(self.proxy.mapToSource(i).row()) for i in rows]

    def current_record(self) -> Record | None:
        """The record under the cursor (or the first selected one)."""
        index = self.table.currentIndex()
        if index.isValid() and self.table.selectionModel().isRowSelected(index.row()):
            return self.model.record_at(self.proxy.mapToSource(index).row())
        selected = self.selected_records()
        return selected[0] if selected else None

    def select_id(self, record_id: int) -> bool:
        """Select and show the row of ``record_id``; whether it is listed."""
        if self._stale:
            self.reload()
        source_row = self.model.row_of(record_id)
        if source_row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not index.isValid():
            self.filter_edit.clear()
            index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    # Actions (the main window's Ctrl+N, Ctrl+F, Delete call these too) ------------------

    def new_item(self) -> QWidget:
        """Open an empty editor (an open detail page may offer its own New)."""
        own = getattr(self.detail.widget, "new_item", None) if self.detail else None
        if callable(own):
            widget: QWidget = own()
            return widget
        return self._open_editor(None)

    def edit_current(self) -> RecordEditor | None:
        """Open the generic editor on the current record (from the filter box: the first match)."""
        record = self.current_record()
        if record is None and self.filter_edit.hasFocus():
            keyboard.select_first_row(self.table)
            record = self.current_record()
        return self._open_editor(record) if record is not None else None

    def open_current(self) -> None:
        """Open the current record: its detail page if there is one, else the editor."""
        record = self.current_record()
        if record is not None:
            self.open_record(record)

    def open_record(self, record: Record) -> None:
        """Show a record's detail widget, or its editor."""
        self.record_activated.emit(record)
        if self.detail_factory is None:
            self._open_editor(record)
            return
        if not self.close_detail():
            return
        widget = self.detail_factory(self.ctx, record)
        self.detail = _DetailFrame(self, widget, self._detail_title(widget, record))
        self.detail.back_requested.connect(self.close_detail)
        closed = getattr(widget, "closed", None)
        if closed is not None:
            closed.connect(self.close_detail)
        self.stack.addWidget(self.detail)
        self.stack.setCurrentWidget(self.detail)

    def _detail_title(self, widget: QWidget, record: Record) -> str:
        title = getattr(widget, "title", None)
        return title() if callable(title) else record.label

    def close_detail(self) -> bool:
        """Go back from a detail widget to the list; ``False`` when the user stayed.

        Unsaved edits in the detail ask Save / Discard / Cancel first.
        """
        if self.detail is None:
            return True
        if not settle(self, dirty_editors(self.detail)):
            return False
        detail, self.detail = self.detail, None
        self.stack.setCurrentWidget(self.list_panel)
        self.stack.removeWidget(detail)
        detail.deleteLater()
        if self._stale:
            self.reload()
        self.table.setFocus()
        return True

    def delete_selected(self) -> bool:
        """Delete the selected records after confirmation; whether anything was deleted."""
        records = self.selected_records()
        if not records:
            return False
        if len(records) == 1:
            text = f"Delete the {self.kind.name} “{records[0].label}”?"
        else:
            text = f"Delete {len(records)} {self.kind.plural}?"
        if not ConfirmDelete.ask(self, f"Delete {self.kind.name}", text):
            return False
        command = DeleteCommand(self.ctx, self.kind.name, records)

        def refused(exc: ValidationError) -> None:
            show_error(self, ScholarDeskError(" ".join(exc.fields.values()) or exc.user_message))

        return run_command(self.ctx, self, command, [(ValidationError, refused)]) is not None

    def focus_filter(self) -> None:
        """Put the cursor in the filter box, selecting what is there."""
        if not self.close_detail():
            return
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def _open_editor(self, record: Record | None) -> RecordEditor:
        self.editor = RecordEditor.open_for(self, self.ctx, self.kind.name, record)
        self.editor.saved.connect(self._on_editor_saved)
        return self.editor

    # View state -------------------------------------------------------------------------

    def save_view_state(self, settings: QSettings) -> None:
        """Remember column widths, order and sorting."""
        if self._loaded:
            settings.setValue(self._state_key(), self.table.horizontalHeader().saveState())

    def restore_view_state(self, settings: QSettings) -> None:
        """Use remembered column widths once the rows are loaded."""
        self._pending_state = settings.value(self._state_key())

    def _state_key(self) -> str:
        return f"tables/{self.kind.name}/header"

    # Slots ------------------------------------------------------------------------------

    def _on_events_changed(self, kind_name: str) -> None:
        if kind_name and kind_name != self.kind.name and not self._refers_to(kind_name):
            return
        self._stale = True
        if self.isVisible():
            self.reload()

    def _refers_to(self, kind_name: str) -> bool:
        return any(f.ref_kind == kind_name for f in self.kind.fields)

    def _on_filter_edit_text_changed(self, text: str) -> None:
        self.proxy.set_filter_text(text)
        self._update_counts()
        self._update_actions()

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_record(self.model.record_at(self.proxy.mapToSource(index).row()))

    def _on_selection_changed(self, *_: object) -> None:
        self._update_actions()

    def _on_editor_saved(self, record: Record) -> None:
        self.select_id(record.id)

    def _on_table_context_menu_requested(self, pos: Any) -> None:
        if not self.selected_records():
            return
        menu = QMenu(self)
        if self.detail_factory is not None:
            menu.addAction(icons.icon("open"), "Open", self.open_current)
        menu.addAction(self.edit_action)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        menu.popup(self.table.viewport().mapToGlobal(pos))


def _allow(action: QAction, refusal: str, tip: str) -> None:
    """Enable ``action``, or grey it with the refusal as its tooltip."""
    action.setEnabled(not refusal)
    action.setToolTip(refusal or tip)


class _DetailFrame(QWidget):
    """A detail widget under a bar with a Back button and its title."""

    back_requested = Signal()

    def __init__(self, page: RecordListPage, widget: QWidget, title: str) -> None:
        super().__init__(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        bar = QWidget(self)
        bar.setObjectName("detailBar")
        bar_layout = QHBoxLayout(bar)
        bar_layout.setContentsMargins(16, 8, 24, 8)
        back = QToolButton(bar)
        back.setObjectName("backButton")
        back.setIcon(icons.icon("back"))
        back.setText(page.kind.title)
        back.setToolTip(f"Back to {page.kind.title} (Esc)")
        back.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        back.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        back.setAutoRaise(True)
        back.clicked.connect(self.back_requested)
        heading = ElidedLabel(title, bar)
        heading.setObjectName("detailTitle")
        bar_layout.addWidget(back)
        bar_layout.addWidget(heading, 1)
        layout.addWidget(bar)
        layout.addWidget(widget, 1)
        self.widget = widget
