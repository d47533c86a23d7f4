"""A manuscript's page: its files and versions, the draft's numbers, what went where."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from scholar_desk.core.records import Record
from scholar_desk.core.services import items, manuscript_files, permissions
from scholar_desk.core.services.manuscript_files import ManuscriptCheck, SentRecord
from scholar_desk.ui import icons
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.operations import query
from scholar_desk.ui.widgets.files_panel import FilesPanel

OVER_COLOR = "#b91c1c"
"""The abstract editor's colour for a count past its limit."""


def _id_of(item: int | Record) -> int:
    return item if isinstance(item, int) else item.id


class ManuscriptDetail(QWidget):
    """Files dropped here are kept with the manuscript; its numbers are checked as it changes."""

    closed = Signal()

    def __init__(self, ctx: AppContext, item: int | Record, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.manuscript_id = _id_of(item)
        self.record: Record | None = None
        self.check: ManuscriptCheck | None = None
        self.sent: list[SentRecord] = []
        self.count_labels: dict[str, QLabel] = {}
        self.setObjectName("manuscriptDetail")
        self._build()
        # Files dropped anywhere on the page are kept with the manuscript.
        self.setAcceptDrops(self.files_panel.can_change)
        ctx.events.changed.connect(self._on_events_changed)
        self.reload()

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        outer.setSpacing(10)
        self.title_label = QLabel(self)
        self.title_label.setObjectName("pageTitle")
        self.title_label.setWordWrap(True)
        outer.addWidget(self.title_label)
        self.facts_label = QLabel(self)
        self.facts_label.setObjectName("pageSubtitle")
        self.facts_label.setWordWrap(True)
        outer.addWidget(self.facts_label)
        actions = QHBoxLayout()
        self.edit_button = self._button("edit", "Edit manuscript…", self.edit_manuscript)
        self.package_button = self._button("export", "Submission package…", self.make_package)
        self.package_button.setToolTip(
            "One zip for the journal: the current versions of the selected files (or of "
            "all), with a response letter from the reviewers' points"
        )
        actions.addWidget(self.edit_button)
        actions.addWidget(self.package_button)
        actions.addStretch(1)
        outer.addLayout(actions)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        self.files_panel = FilesPanel(self.ctx, "manuscript", self.manuscript_id, splitter)
        self.files_panel.files_changed.connect(self.reload)
        splitter.addWidget(self.files_panel)
        splitter.addWidget(self._build_side(splitter))
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        outer.addWidget(splitter, 1)

    def _build_side(self, parent: QWidget) -> QWidget:
        scroll = QScrollArea(parent)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        side = QWidget(scroll)
        layout = QVBoxLayout(side)
        layout.setContentsMargins(16, 8, 0, 0)
        layout.setSpacing(6)
        title = QLabel("Draft numbers", side)
        title.setObjectName("sectionTitle")
        layout.addWidget(title)
        self.check_hint = QLabel(side)
        self.check_hint.setObjectName("hint")
        self.check_hint.setWordWrap(True)
        layout.addWidget(self.check_hint)
        grid = QGridLayout()
        for row, (measure, text) in enumerate(
            (
                ("words", "Main text words"),
                ("abstract_words", "Abstract words"),
                ("figures", "Figures"),
                ("tables", "Tables"),
                ("refs", "References"),
            )
        ):
            name = QLabel(text, side)
            count = QLabel(side)
            count.setObjectName(f"count_{measure}")
            count.setAlignment(Qt.AlignmentFlag.AlignRight)
            grid.addWidget(name, row, 0)
            grid.addWidget(count, row, 1)
            self.count_labels[measure] = count
            self.count_labels[f"{measure}_name"] = name
        layout.addLayout(grid)
        sent_title = QLabel("Sent to journals", side)
        sent_title.setObjectName("sectionTitle")
        sent_title.setContentsMargins(0, 12, 0, 0)
        layout.addWidget(sent_title)
        self.sent_tree = QTreeWidget(side)
        self.sent_tree.setAccessibleName("What was sent to each journal")
        self.sent_tree.setHeaderHidden(True)
        self.sent_tree.setMinimumHeight(120)
        layout.addWidget(self.sent_tree, 1)
        scroll.setWidget(side)
        return scroll

    def _button(self, icon: str, text: str, slot: Any) -> QToolButton:
        button = QToolButton(self)
        button.setIcon(icons.icon(icon))
        button.setText(text)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setAutoRaise(True)
        button.clicked.connect(lambda _=False: slot())
        return button

    @override
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.files_panel.dragEnterEvent(event)

    @override
    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self.files_panel.dragMoveEvent(event)

    @override
    def dropEvent(self, event: QDropEvent) -> None:
        self.files_panel.dropEvent(event)

    def title(self) -> str:
        """The bar title when shown inside a list page."""
        return self.record.label if self.record is not None else "Manuscript"

    @override
    def sizeHint(self) -> QSize:
        return QSize(1160, 760)

    # Loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the manuscript, its draft's numbers and what was sent again."""
        manuscript_id = self.manuscript_id

        def read(session: Any, actor: Any) -> tuple[Record, ManuscriptCheck | str, list, str]:
            record = items.get_item(session, actor, "manuscript", manuscript_id)
            found, reason = manuscript_files.check_if_possible(session, actor, manuscript_id)
            check: ManuscriptCheck | str = found if found is not None else reason
            sent = manuscript_files.sent_history(session, actor, manuscript_id)
            why = permissions.refusal(
                session, actor, permissions.UPDATE, "manuscript", record.get("owner_id")
            )
            return record, check, sent, why

        found = query(self.ctx, self, read)
        if found is None:
            return
        self.record, check, self.sent, refusal = found
        self.title_label.setText(self.record.label)
        facts = [str(self.record.get("article_type") or "")]
        if self.record.get("project_label"):
            facts.append(f"project: {self.record.get('project_label')}")
        self.facts_label.setText(" · ".join(f for f in facts if f))
        self.setAcceptDrops(self.files_panel.can_change)
        self.edit_button.setEnabled(not refusal)
        self.edit_button.setToolTip(refusal or "Change the manuscript's fields and authors")
        self._show_check(check)
        self._show_sent()

    def _show_check(self, check: ManuscriptCheck | str) -> None:
        if isinstance(check, str):
            self.check = None
            self.check_hint.setText(
                "Add the draft as a Word file (.docx) to see its numbers against the "
                "journal's limits."
            )
            for measure, label in self.count_labels.items():
                if not measure.endswith("_name"):
                    label.setText("-")
                    _paint(label, "")
            return
        self.check = check
        where = f"Checked against {check.journal}" if check.journal else "No journal yet"
        example = " (example limits: check the author guidelines)"
        self.check_hint.setText(
            f"{check.file_name}, v{check.version} · {where}"
            f"{example if check.limits_are_examples else ''}"
        )
        for line in check.lines:
            label = self.count_labels[line.measure]
            label.setText(line.text() + ("  over the limit" if line.over else ""))
            _paint(label, OVER_COLOR if line.over else "")
            self.count_labels[f"{line.measure}_name"].setText(line.label)

    def _show_sent(self) -> None:
        self.sent_tree.clear()
        if not self.sent:
            QTreeWidgetItem(self.sent_tree, ["Not sent to a journal yet."])
        for record in self.sent:
            top = QTreeWidgetItem(
                self.sent_tree,
                [f"{record.on:%Y-%m-%d} · {record.status} to {record.journal} ({record.by})"],
            )
            if not record.files:
                QTreeWidgetItem(top, ["no files were kept with the manuscript then"])
            for file in record.files:
                slot = (
                    f"{file.role} {file.number}"
                    if file.role in manuscript_files.NUMBERED_ROLES
                    else file.role
                )
                QTreeWidgetItem(top, [f"{slot} v{file.version}: {file.name}"])
        self.sent_tree.expandAll()

    # Actions ---------------------------------------------------------------------------

    def edit_manuscript(self) -> QWidget | None:
        """Open the manuscript's editor (fields and authors)."""
        from scholar_desk.ui.dialogs.record_editor import RecordEditor

        if self.record is None:
            return None
        return RecordEditor.open_for(self, self.ctx, "manuscript", self.record)

    @staticmethod
    def ask_package_path(parent: QWidget, name: str) -> str:
        """Where the user saves the package ('' when cancelled)."""
        path, _ = QFileDialog.getSaveFileName(parent, "Save the submission package", name, "*.zip")
        return path

    def make_package(self) -> Path | None:
        """Write the submission package where the user says (the dialog asked to replace).

        With files selected in the list, the package holds the current versions of those
        files only; with none, of all of them.
        """
        manuscript_id = self.manuscript_id
        picked = {(f.role, f.number) for f in self.files_panel.selected_files()} or None
        journal = self.sent[-1].journal if self.sent else ""
        target = type(self).ask_package_path(self, manuscript_files.package_file_name(journal))
        if not target:
            return None
        summary = query(
            self.ctx,
            self,
            lambda s, a: manuscript_files.build_package(
                s, a, manuscript_id, Path(target), slots=picked, force=True
            ),
        )
        return summary.path if summary is not None else None

    def _on_events_changed(self, kind: str) -> None:
        if kind in ("", "manuscript", "submission", "journal"):
            self.reload()


def _paint(label: QLabel, color: str) -> None:
    label.setStyleSheet(f"color: {color}; font-weight: 600;" if color else "")
    label.setProperty("over", bool(color))
