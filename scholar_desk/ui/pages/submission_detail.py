"""One submission: its path across journals, its history, and its revision rounds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from scholar_desk.core import clock
from scholar_desk.core.errors import ScholarDeskError
from scholar_desk.core.records import Record
from scholar_desk.core.services import items, submissions
from scholar_desk.core.services.submissions import (
    RESUBMITTABLE,
    ChainEntry,
    PointRecord,
    RoundRecord,
    TimelineEvent,
)
from scholar_desk.ui import icons
from scholar_desk.ui.commands import StatusMoveCommand
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.dialogs.status_dialogs import (
    ChangeStatusDialog,
    ResubmitDialog,
    StatusChange,
)
from scholar_desk.ui.models.reviewer_points import TEXT_COLUMNS, ReviewerPointModel
from scholar_desk.ui.operations import Operation, query, run_command
from scholar_desk.ui.widgets.status_chip import StatusChip, status_color
from scholar_desk.ui.widgets.timeline import (
    TimelineEntry,
    TimelineView,
    format_date,
    transparent_scroll,
)

REVIEWERS = ("Reviewer 1", "Reviewer 2", "Reviewer 3", "Editor", "Associate editor")


def _id_of(item: int | Record) -> int:
    return item.id if isinstance(item, Record) else int(item)


def event_title(event: TimelineEvent) -> str:
    """A sentence for one status event."""
    if event.from_status is None:
        if event.to_status == "draft":
            return "Draft created"
        return f"Submitted to {event.journal_name}"
    return {
        "submitted": f"Submitted to {event.journal_name}",
        "with editor": "With the editor",
        "under review": "Under review",
        "major revision": "Major revision requested",
        "minor revision": "Minor revision requested",
        "revision submitted": "Revision sent",
        "accepted": "Accepted",
        "in press": "In press",
        "published": "Published",
        "rejected": f"Rejected by {event.journal_name}",
        "withdrawn": "Withdrawn",
    }.get(event.to_status, event.to_status.capitalize())


class _MultilineDelegate(QStyledItemDelegate):
    """Edits long comments and responses in a multi-line box (Tab or click away to keep)."""

    @override
    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        if index.column() not in TEXT_COLUMNS:
            return super().createEditor(parent, option, index)
        editor = QPlainTextEdit(parent)
        editor.setTabChangesFocus(True)
        return editor

    @override
    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
        else:
            super().setEditorData(editor, index)

    @override
    def setModelData(
        self, editor: QWidget, model: Any, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        if isinstance(editor, QPlainTextEdit):
            model.setData(index, editor.toPlainText(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)

    @override
    def updateEditorGeometry(
        self,
        editor: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        rect = option.rect  # type: ignore[attr-defined]  # PySide6 stubs lack QStyleOption.rect
        if isinstance(editor, QPlainTextEdit):
            rect = rect.adjusted(0, 0, 0, max(0, 90 - rect.height()))
        editor.setGeometry(rect)


class _ChainLink(QToolButton):
    """One journal of the chain; the current one is highlighted."""

    def __init__(self, number: int, entry: ChainEntry, parent: QWidget) -> None:
        super().__init__(parent)
        self.entry = entry
        when = entry.decided_on or entry.submitted_on
        journal = entry.journal_name.replace("&", "&&")
        self.setText(f"{number}. {journal}\n{entry.status} · {format_date(when)}")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(f"Open submission {entry.submission_id}")
        color = status_color(entry.status)
        border = color if entry.is_current else "palette(mid)"
        weight = "2px" if entry.is_current else "1px"
        self.setStyleSheet(
            f"QToolButton {{ border: {weight} solid {border}; border-left: 4px solid {color};"
            " border-radius: 6px; padding: 6px 12px; text-align: left; background: palette(base); }"
            " QToolButton:hover { background: palette(midlight); }"
        )


class SubmissionDetail(QWidget):
    """A submission's chain, history and revision rounds, with its workflow actions."""

    closed = Signal()
    open_requested = Signal(str, int)  # kind, id: ask the window to open another record

    def __init__(self, ctx: AppContext, item: int | Record, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.submission_id = _id_of(item)
        self.record: Record | None = None
        self.chain: list[ChainEntry] = []
        self.events: list[TimelineEvent] = []
        self.rounds: list[RoundRecord] = []
        self._earliest: dt.date | None = None
        self.setObjectName("submissionDetail")
        self._build()
        ctx.events.changed.connect(self._on_events_changed)
        self.reload()

    # Layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        outer.setSpacing(14)

        header = QHBoxLayout()
        header.setSpacing(12)
        titles = QVBoxLayout()
        titles.setSpacing(4)
        title_row = QHBoxLayout()
        title_row.setSpacing(10)
        self.title_label = QLabel(self)
        self.title_label.setObjectName("pageTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_chip = StatusChip("", self)
        title_row.addWidget(self.title_label, 1)
        title_row.addWidget(self.status_chip, 0, Qt.AlignmentFlag.AlignTop)
        titles.addLayout(title_row)
        self.subtitle_label = QLabel(self)
        self.subtitle_label.setObjectName("pageSubtitle")
        titles.addWidget(self.subtitle_label)
        header.addLayout(titles, 1)
        self.change_button = QToolButton(self)
        self.change_button.setObjectName("primaryButton")
        self.change_button.setIcon(icons.icon("edit", QColor("#ffffff")))
        self.change_button.setText("Change status…")
        self.change_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.change_button.clicked.connect(self.change_status)
        self.resubmit_button = QPushButton(icons.icon("submission"), "Resubmit elsewhere…", self)
        self.resubmit_button.clicked.connect(self.resubmit)
        for button in (self.change_button, self.resubmit_button):
            header.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(header)

        chain_box = QVBoxLayout()
        chain_box.setSpacing(6)
        chain_title = QLabel("Path across journals", self)
        chain_title.setObjectName("sectionTitle")
        chain_box.addWidget(chain_title)
        self.chain_row = QHBoxLayout()
        self.chain_row.setSpacing(6)
        chain_box.addLayout(self.chain_row)
        outer.addLayout(chain_box)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._build_history())
        splitter.addWidget(self._build_rounds())
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        splitter.setSizes([320, 800])
        outer.addWidget(splitter, 1)

    def _build_history(self) -> QWidget:
        panel = QWidget(self)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 12, 0)
        layout.setSpacing(8)
        title = QLabel("History", panel)
        title.setObjectName("sectionTitle")
        layout.addWidget(title)
        self.timeline = TimelineView(panel, empty_text="No status changes yet.")
        scroll = QScrollArea(panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.timeline)
        transparent_scroll(scroll)
        scroll.setMinimumWidth(260)
        layout.addWidget(scroll, 1)
        return panel

    def _build_rounds(self) -> QWidget:
        panel = QWidget(self)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(12, 0, 0, 0)
        layout.setSpacing(8)
        top = QHBoxLayout()
        title = QLabel("Revision rounds", panel)
        title.setObjectName("sectionTitle")
        top.addWidget(title)
        top.addStretch(1)
        self.round_combo = QComboBox(panel)
        self.round_combo.setAccessibleName("Revision round")
        self.round_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.round_combo.currentIndexChanged.connect(self._on_round_combo_current_index_changed)
        top.addWidget(self.round_combo)
        self.new_round_button = QToolButton(panel)
        self.new_round_button.setIcon(icons.icon("new"))
        self.new_round_button.setText("New round")
        self.new_round_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.new_round_button.clicked.connect(self.add_round)
        top.addWidget(self.new_round_button)
        layout.addLayout(top)

        progress_row = QHBoxLayout()
        self.progress = QProgressBar(panel)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(8)
        self.progress_label = QLabel(panel)
        self.progress_label.setObjectName("hint")
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.progress_label)
        layout.addLayout(progress_row)

        add_row = QHBoxLayout()
        add_row.setSpacing(6)
        self.reviewer_combo = QComboBox(panel)
        self.reviewer_combo.setEditable(True)
        self.reviewer_combo.addItems(list(REVIEWERS))
        self.reviewer_combo.setMinimumWidth(130)
        self.reviewer_combo.setAccessibleName("Reviewer of the new point")
        self.comment_edit = QLineEdit(panel)
        self.comment_edit.setObjectName("newPointEdit")
        self.comment_edit.setAccessibleName("New reviewer point")
        self.comment_edit.setPlaceholderText("Paste a reviewer's comment and press Enter")
        self.comment_edit.returnPressed.connect(self.add_point)
        self.add_point_button = QPushButton(icons.icon("new"), "Add point", panel)
        self.add_point_button.clicked.connect(self.add_point)
        add_row.addWidget(self.reviewer_combo)
        add_row.addWidget(self.comment_edit, 1)
        add_row.addWidget(self.add_point_button)
        layout.addLayout(add_row)

        self.points_model = ReviewerPointModel(self._write_point, self)
        self.points_model.dataChanged.connect(self._on_points_model_data_changed)
        self.table = QTableView(panel)
        self.table.setObjectName("reviewerPoints")
        self.table.setAccessibleName("Reviewer points")
        self.table.setModel(self.points_model)
        self.table.setItemDelegate(_MultilineDelegate(self.table))
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for column, width in enumerate((36, 110, 300, 300, 130, 56)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(self._on_header_section_resized)
        self.table.setMinimumHeight(160)
        layout.addWidget(self.table, 1)

        actions = QHBoxLayout()
        self.empty_rounds_label = QLabel(
            "No revision round yet: a revision decision opens one, or use New round.", panel
        )
        self.empty_rounds_label.setObjectName("hint")
        self.empty_rounds_label.setWordWrap(True)
        actions.addWidget(self.empty_rounds_label, 1)
        self.up_button = self._small_button(panel, "Move up", self.move_up)
        self.down_button = self._small_button(panel, "Move down", self.move_down)
        self.delete_button = self._small_button(panel, "Delete point", self.delete_point)
        self.delete_button.setIcon(icons.icon("delete"))
        for button in (self.up_button, self.down_button, self.delete_button):
            actions.addWidget(button)
        layout.addLayout(actions)
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table, self.delete_point)
        return panel

    def _small_button(self, parent: QWidget, text: str, slot: Any) -> QToolButton:
        button = QToolButton(parent)
        button.setText(text)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    # Unsaved edits (see ui/unsaved.py): the reviewer point typed but not added ---------

    def has_unsaved_edits(self) -> bool:
        """Whether a reviewer's comment is typed in the quick-add box but not added."""
        return bool(self.comment_edit.text().strip()) and self.comment_edit.isEnabled()

    def unsaved_what(self) -> str:
        """How the question about unsaved edits names the typed point."""
        return "the reviewer point you typed"

    def save(self) -> bool:
        """Add the typed point; whether it was added."""
        return self.add_point() is not None

    def discard_edits(self) -> None:
        """Forget the typed point."""
        self.comment_edit.clear()

    def title(self) -> str:
        """The bar title when shown inside a list page."""
        if self.record is None:
            return "Submission"
        return f"{self.record['manuscript_label']} → {self.record['journal_label']}"

    @override
    def sizeHint(self) -> QSize:
        return QSize(1100, 720)

    # Loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Read everything again from the database."""
        keep_round = self.current_round()
        submission_id = self.submission_id
        found = query(
            self.ctx,
            self,
            lambda session, actor: (
                items.get_item(session, actor, "submission", submission_id),
                submissions.chain(session, actor, submission_id),
                submissions.timeline(session, actor, submission_id),
                submissions.rounds(session, actor, submission_id),
                submissions.earliest_move_date(session, actor, submission_id),
            ),
        )
        if found is None:
            return
        self.record, self.chain, self.events, self.rounds, self._earliest = found
        self._show_header()
        self._show_chain()
        self._show_timeline()
        self._show_rounds(keep_round.id if keep_round else None)

    def load(self, submission_id: int) -> None:
        """Show another submission (e.g. the next link of the chain)."""
        self.submission_id = submission_id
        self.reload()

    def _show_header(self) -> None:
        record = self.record
        assert record is not None
        self.title_label.setText(str(record["manuscript_label"]))
        self.status_chip.set_status(str(record["status"]))
        bits = [str(record["journal_label"])]
        if record["manuscript_number"]:
            bits.append(f"ID {record['manuscript_number']}")
        if record["submitted_on"]:
            bits.append(f"submitted {format_date(record['submitted_on'])}")
        if record["decided_on"]:
            bits.append(f"decision {format_date(record['decided_on'])}")
        if record["revision_due_on"] and record["status"] in submissions.REVISION_STATUSES:
            bits.append(f"revision due {format_date(record['revision_due_on'])}")
        self.subtitle_label.setText("  ·  ".join(bits))
        allowed = submissions.allowed_moves(str(record["status"]))
        self.change_button.setEnabled(bool(allowed))
        self.change_button.setToolTip(
            "Moves allowed: " + ", ".join(allowed) if allowed else "This status is final."
        )
        later = self._later_link()
        can_resubmit = record["status"] in RESUBMITTABLE and later is None
        self.resubmit_button.setVisible(can_resubmit)

    def _later_link(self) -> ChainEntry | None:
        ids = [c.submission_id for c in self.chain]
        if self.submission_id not in ids:
            return None
        position = ids.index(self.submission_id)
        return self.chain[position + 1] if position + 1 < len(self.chain) else None

    def _show_chain(self) -> None:
        while self.chain_row.count():
            item = self.chain_row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.chain_links: list[_ChainLink] = []
        for number, entry in enumerate(self.chain, start=1):
            if number > 1:
                arrow = QLabel("→", self)
                arrow.setObjectName("hint")
                self.chain_row.addWidget(arrow)
            link = _ChainLink(number, entry, self)
            link.clicked.connect(lambda _=False, sid=entry.submission_id: self.load(sid))
            self.chain_links.append(link)
            self.chain_row.addWidget(link)
        self.chain_row.addStretch(1)

    def _show_timeline(self) -> None:
        multi = len(self.chain) > 1
        entries = []
        for event in self.events:
            if event.from_status is None and event.to_status == "draft" and len(self.events) > 1:
                continue  # the moves that follow say more than when the draft was typed in
            detail_bits = []
            if multi and event.from_status is not None:
                detail_bits.append(event.journal_name)
            if event.note and event.note != "created":
                detail_bits.append(event.note)
            if event.by:
                detail_bits.append(f"by {event.by}")
            entries.append(
                TimelineEntry(
                    on=event.on,
                    title=event_title(event),
                    detail="  ·  ".join(detail_bits),
                    color=status_color(event.to_status),
                    target=event.submission_id,
                )
            )
        self.timeline.set_entries(entries)

    def _show_rounds(self, keep_id: int | None) -> None:
        self.round_combo.blockSignals(True)
        self.round_combo.clear()
        for rnd in self.rounds:
            bits = [f"Round {rnd.number}"]
            if rnd.received_on:
                bits.append(f"received {format_date(rnd.received_on)}")
            if rnd.due_on and rnd.is_open:
                bits.append(f"due {format_date(rnd.due_on)}")
            if rnd.submitted_on:
                bits.append(f"sent {format_date(rnd.submitted_on)}")
            self.round_combo.addItem(" · ".join(bits), rnd.id)
        index = len(self.rounds) - 1
        for i, rnd in enumerate(self.rounds):
            if rnd.id == keep_id:
                index = i
        self.round_combo.setCurrentIndex(index)
        self.round_combo.blockSignals(False)
        has_rounds = bool(self.rounds)
        self.round_combo.setVisible(has_rounds)
        self.empty_rounds_label.setVisible(not has_rounds)
        for widget in (self.reviewer_combo, self.comment_edit, self.add_point_button):
            widget.setEnabled(has_rounds)
        self._load_points()

    def current_round(self) -> RoundRecord | None:
        """The round whose points are shown."""
        round_id = self.round_combo.currentData() if hasattr(self, "round_combo") else None
        return next((r for r in self.rounds if r.id == round_id), None)

    def _load_points(self, select_id: int | None = None) -> None:
        rnd = self.current_round()
        points: list[PointRecord] = []
        if rnd is not None:
            round_id = rnd.id
            points = (
                query(
                    self.ctx,
                    self,
                    lambda session, actor: submissions.round_points(session, actor, round_id),
                )
                or []
            )
        self.points_model.set_rows(points)
        self.table.resizeRowsToContents()
        if select_id is not None:
            row = self.points_model.row_of(select_id)
            if row >= 0:
                self.table.selectRow(row)
        self._update_progress()

    def _update_progress(self) -> None:
        done, total = self.points_model.done_count()
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        self.progress_label.setText(f"{done} of {total} points done" if total else "No points")
        color = "#15803d" if total and done == total else "palette(highlight)"
        self.progress.setStyleSheet(
            "QProgressBar { border: none; border-radius: 4px; background: palette(midlight); }"
            f" QProgressBar::chunk {{ border-radius: 4px; background: {color}; }}"
        )
        has_points = total > 0
        for button in (self.up_button, self.down_button, self.delete_button):
            button.setEnabled(has_points)

    # Actions ---------------------------------------------------------------------------

    def change_status(self) -> bool:
        """Ask for a new status (only allowed moves) and its date; whether it changed."""
        if self.record is None:
            return False
        current = str(self.record["status"])
        allowed = submissions.allowed_moves(current)
        if not allowed:
            return False
        choice = ChangeStatusDialog.ask(self, current, allowed, self._earliest, clock.today())
        if choice is None:
            return False
        if not choice.applied and run_command(self.ctx, self, self._status_move(choice)) is None:
            return False
        self.reload()
        return True

    def _status_move(self, choice: StatusChange) -> StatusMoveCommand:
        assert self.record is not None
        return StatusMoveCommand(  # Ctrl+Z takes the move back
            self.ctx,
            self.submission_id,
            str(self.record["status"]),
            choice.status,
            choice.on,
            choice.note,
            choice.revision_due_on,
        )

    def try_status_change(self, change: StatusChange) -> ScholarDeskError | None:
        """Make the move while the dialog is open: the refusal, or ``None`` once made."""
        refused: list[ScholarDeskError] = []
        run_command(
            self.ctx, self, self._status_move(change), [(ScholarDeskError, refused.append)]
        )
        return refused[0] if refused else None

    def resubmit(self) -> bool:
        """Send a rejected or withdrawn manuscript to another journal; whether it did."""
        if self.record is None:
            return False
        used = {c.journal_id for c in self.chain}
        journals = query(
            self.ctx,
            self,
            lambda session, actor: [
                (j.id, j.label)
                for j in items.list_items(session, actor, "journal")
                if j.id not in used
            ],
        )
        if journals is None:
            return False
        choice = ResubmitDialog.ask(
            self, journals, str(self.record["journal_label"]), self._earliest, clock.today()
        )
        if choice is None:
            return False
        journal_id, on = choice
        submission_id = self.submission_id
        new = Operation(
            self.ctx,
            self,
            lambda s, a: submissions.resubmit(s, a, submission_id, journal_id, on),
            changes=("submission",),
            undo=lambda s, a, made: items.delete_item(s, a, "submission", made.id),
            text="Resubmit to another journal",
        ).run()
        if new is None:
            return False
        self.load(new.id)
        return True

    def add_round(self) -> None:
        """Open a new revision round received today."""
        submission_id = self.submission_id
        rnd = Operation(
            self.ctx,
            self,
            lambda s, a: submissions.add_round(s, a, submission_id),
            changes=("submission",),
            undo=lambda s, a, added: submissions.remove_round(s, a, added.id),
            text="Add a revision round",
        ).run()
        if rnd is None:
            return
        self.rounds.append(rnd)
        self._show_rounds(rnd.id)

    def add_point(self) -> PointRecord | None:
        """Add the comment typed in the quick-add box to the shown round."""
        rnd = self.current_round()
        comment = self.comment_edit.text().strip()
        if rnd is None or not comment:
            return None
        round_id, reviewer = rnd.id, self.reviewer_combo.currentText()
        point = Operation(
            self.ctx,
            self,
            lambda s, a: submissions.add_point(s, a, round_id, comment, reviewer=reviewer),
            changes=("submission",),
            undo=lambda s, a, added: submissions.delete_point(s, a, added.id),
            text="Add a reviewer point",
        ).run()
        if point is None:
            return None
        self.comment_edit.clear()
        self._load_points(point.id)
        return point

    def _write_point(self, point_id: int, field: str, value: object) -> PointRecord | None:
        # Undo and redo merge the edit with what is stored then (core step_point), so a
        # field another window saved since is kept and a field both changed is refused.
        shown = self.points_model.point_at(self.points_model.row_of(point_id))
        if shown is None:
            return None
        round_id = shown.round_id
        edit: list[tuple[dict[str, object], dict[str, object]]] = []

        def write(session: Any, actor: Any) -> PointRecord:
            points = submissions.round_points(session, actor, round_id)
            before = next((p for p in points if p.id == point_id), shown)
            after = submissions.update_point(session, actor, point_id, **{field: value})
            edit[:] = [({field: getattr(before, field)}, {field: getattr(after, field)})]
            return after

        def undo(session: Any, actor: Any, _after: PointRecord) -> None:
            old, new = edit[0]
            submissions.step_point(session, actor, point_id, new, old, verb="undo")

        def redo(session: Any, actor: Any) -> PointRecord:
            old, new = edit[0]
            return submissions.step_point(session, actor, point_id, old, new, verb="redo")

        operation = Operation(
            self.ctx,
            self,
            write,
            changes=("submission",),
            undo=undo,
            redo=redo,
            text="Edit a reviewer point",
        )
        return operation.run()  # None when refused: shown, and the model keeps the stored value

    def _on_points_model_data_changed(self, *_: object) -> None:
        self.table.resizeRowsToContents()
        self._update_progress()

    def _selected_point(self) -> PointRecord | None:
        index = self.table.currentIndex()
        return self.points_model.point_at(index.row()) if index.isValid() else None

    def delete_point(self) -> None:
        """Delete the selected reviewer point."""
        point = self._selected_point()
        if point is None:
            return
        point_id = point.id
        back: list[PointRecord] = []  # redo deletes the point under the id it came back with

        def undo(session: Any, actor: Any, gone: PointRecord) -> None:
            back[:] = [submissions.restore_point(session, actor, gone)]

        Operation(
            self.ctx,
            self,
            lambda s, a: submissions.delete_point(s, a, point_id),
            changes=("submission",),
            undo=undo,
            redo=lambda s, a: submissions.delete_point(s, a, back[0].id),
            text="Delete a reviewer point",
        ).success(lambda _r: self._load_points()).run()

    def _move(self, step: int) -> None:
        point = self._selected_point()
        rnd = self.current_round()
        if point is None or rnd is None:
            return
        ids = [p.id for p in self.points_model.rows()]
        row = ids.index(point.id)
        target = row + step
        if not 0 <= target < len(ids):
            return
        before = list(ids)
        ids[row], ids[target] = ids[target], ids[row]
        round_id = rnd.id
        Operation(
            self.ctx,
            self,
            lambda s, a: submissions.reorder_points(s, a, round_id, ids),
            changes=("submission",),
            undo=lambda s, a, _r: submissions.reorder_points(s, a, round_id, before),
            text="Move a reviewer point",
        ).success(lambda _r: self._load_points(point.id)).run()

    def move_up(self) -> None:
        """Move the selected point one place up."""
        self._move(-1)

    def move_down(self) -> None:
        """Move the selected point one place down."""
        self._move(1)

    # Events ----------------------------------------------------------------------------

    def _on_header_section_resized(self, *_: object) -> None:
        self.table.resizeRowsToContents()  # a round holds tens of points, never thousands

    def _on_round_combo_current_index_changed(self, _index: int) -> None:
        self._load_points()

    def _on_events_changed(self, kind: str) -> None:
        if self.ctx.events.origin is not self and kind in (
            "",
            "submission",
            "manuscript",
            "journal",
        ):
            self.reload()
