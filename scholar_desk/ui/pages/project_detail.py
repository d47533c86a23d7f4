"""A project page: its header facts, everything it produced, and its timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from scholar_desk.core import clock
from scholar_desk.core.records import Record
from scholar_desk.core.services import items, permissions, projects
from scholar_desk.core.services.projects import (
    ManuscriptOutput,
    OutputItem,
    ProjectEvent,
    ProjectOutputs,
)
from scholar_desk.ui import icons
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.operations import query
from scholar_desk.ui.widgets.files_panel import FilesPanel
from scholar_desk.ui.widgets.flow_layout import FlowLayout
from scholar_desk.ui.widgets.status_chip import StatusChip, status_color, tint
from scholar_desk.ui.widgets.timeline import (
    TimelineEntry,
    TimelineView,
    format_date,
    transparent_scroll,
)

CATEGORY_COLORS = {
    "project": "#6b7280",
    "irb": "#7c3aed",
    "abstract": "#0891b2",
    "presentation": "#0d9488",
    "submission": "#2563eb",
    "publication": "#15803d",
}
IRB_WARNING_DAYS = 60


def _id_of(item: int | Record) -> int:
    return item.id if isinstance(item, Record) else int(item)


class _OutputRow(QFrame):
    """One output: a clickable title, a quiet line of facts and a status chip."""

    clicked = Signal(str, int)

    def __init__(
        self, kind: str, record_id: int, title: str, facts: str, status: str, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self.record_id = record_id
        self.setObjectName("outputRow")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setStyleSheet(
            "QFrame#outputRow { border-bottom: 1px solid palette(midlight); }"
            " QFrame#outputRow:hover { background: palette(alternate-base); }"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 8, 4, 8)
        layout.setSpacing(3)
        top = QHBoxLayout()
        top.setSpacing(8)
        self.title_label = QLabel(title, self)
        self.title_label.setWordWrap(True)
        self.title_label.setStyleSheet("font-weight: 600;")
        top.addWidget(self.title_label, 1)
        if status:
            top.addWidget(StatusChip(status, self), 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        if facts:
            self.facts_label = QLabel(facts, self)
            self.facts_label.setObjectName("hint")
            self.facts_label.setWordWrap(True)
            layout.addWidget(self.facts_label)
        self.body = layout

    @override
    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.kind, self.record_id)
        super().mouseReleaseEvent(event)


class _ChainStep(QToolButton):
    """One journal of a manuscript's chain; opens that submission.

    Narrower than its text (a long journal name at the smallest window), it ends in "…"
    with the whole step in its tooltip; its size hint stays that of the whole text, so it
    grows back when there is room.
    """

    def __init__(self, number: int, journal: str, status: str, when: str, parent: QWidget) -> None:
        super().__init__(parent)
        color = status_color(status)
        self.full_text = f"{number}. {journal} · {status}" + (f" · {when}" if when else "")
        self.setText(self.full_text.replace("&", "&&"))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setStyleSheet(
            f"QToolButton {{ border: 1px solid {tint(color, 0.35)}; background: {tint(color, 0.08)};"
            f" border-radius: 10px; padding: 2px 10px; color: {color}; }}"
            f" QToolButton:hover {{ background: {tint(color, 0.18)}; }}"
        )
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._shown = self.full_text

    def _padding(self) -> int:
        """What the button adds around its text (border, padding, as styled now)."""
        return super().sizeHint().width() - self.fontMetrics().horizontalAdvance(self._shown)

    @override
    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(
            self._padding() + self.fontMetrics().horizontalAdvance(self.full_text), hint.height()
        )

    @override
    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(self._padding() + self.fontMetrics().horizontalAdvance("1. …"), hint.height())

    @override
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        room = self.width() - self._padding()
        metrics = self.fontMetrics()
        if metrics.horizontalAdvance(self.full_text) <= room:
            shown = self.full_text  # elidedText shortens a text that fits to the pixel
        else:
            shown = metrics.elidedText(self.full_text, Qt.TextElideMode.ElideRight, room)
        if shown != self._shown:
            self._shown = shown
            super().setText(shown.replace("&", "&&"))
        self.setToolTip(self.full_text if shown != self.full_text else "")


class ProjectDetail(QWidget):
    """Everything a project produced and when, with its outputs one click away."""

    closed = Signal()
    open_requested = Signal(str, int)  # kind, id

    def __init__(self, ctx: AppContext, item: int | Record, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.project_id = _id_of(item)
        self.outputs: ProjectOutputs | None = None
        self.events: list[ProjectEvent] = []
        self.output_rows: list[_OutputRow] = []
        self.chain_steps: list[_ChainStep] = []
        self.child: QWidget | None = None
        self.child_kind = ""
        self.setObjectName("projectDetail")
        self.stack = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        self.overview = QWidget(self)
        self.stack.addWidget(self.overview)
        self._build()
        ctx.events.changed.connect(self._on_events_changed)
        self.reload()

    def _build(self) -> None:
        layout = QVBoxLayout(self.overview)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(10)
        row = QHBoxLayout()
        row.setSpacing(10)
        self.title_label = QLabel(self.overview)
        self.title_label.setObjectName("pageTitle")
        self.title_label.setWordWrap(True)
        self.status_chip = StatusChip("", self.overview)
        row.addWidget(self.title_label, 1)
        row.addWidget(self.status_chip, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row)
        self.facts_label = QLabel(self.overview)
        self.facts_label.setObjectName("pageSubtitle")
        self.facts_label.setWordWrap(True)
        layout.addWidget(self.facts_label)
        actions = QHBoxLayout()
        actions.setSpacing(6)
        self.edit_button = self._action_button("edit", "Edit project…", self.edit_project)
        self.add_buttons: dict[str, QToolButton] = {}
        for kind, text in (
            ("manuscript", "Add manuscript…"),
            ("abstract", "Add abstract…"),
            ("presentation", "Add presentation…"),
        ):
            self.add_buttons[kind] = self._action_button(
                "new", text, lambda _=False, k=kind: self.add_output(k)
            )
        actions.addWidget(self.edit_button)
        for button in self.add_buttons.values():
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)
        badges = FlowLayout(spacing=8)  # the IRB, tags and counts wrap when narrow
        self.irb_label = QLabel(self.overview)
        self.irb_label.setObjectName("irbBadge")
        badges.addWidget(self.irb_label)
        self.tags_row = QHBoxLayout()
        self.tags_row.setSpacing(4)
        badges.addLayout(self.tags_row)
        self.summary_label = QLabel(self.overview)
        self.summary_label.setObjectName("hint")
        badges.addWidget(self.summary_label)
        layout.addLayout(badges)
        self.notes_label = QLabel(self.overview)
        self.notes_label.setObjectName("projectNotes")
        self.notes_label.setWordWrap(True)
        self.notes_label.setTextFormat(Qt.TextFormat.PlainText)
        self.notes_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes_label.setMaximumHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        self.notes_label.setStyleSheet(
            "QLabel#projectNotes { background: palette(alternate-base);"
            " border-left: 3px solid palette(mid); padding: 4px 8px; }"
        )
        layout.addWidget(self.notes_label)

        splitter = QSplitter(Qt.Orientation.Horizontal, self.overview)
        splitter.setChildrenCollapsible(False)
        left = QScrollArea(splitter)
        left.setWidgetResizable(True)
        left.setFrameShape(QFrame.Shape.NoFrame)
        # Rows wrap and journal paths reflow to the width: never scroll sideways.
        left.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # What the project holds, its files last, scroll together; the timeline keeps the
        # whole height of the right column (at the smallest window there is little).
        contents = QWidget(left)
        contents_layout = QVBoxLayout(contents)
        contents_layout.setContentsMargins(0, 0, 16, 0)
        contents_layout.setSpacing(8)
        self.outputs_panel = QWidget(contents)
        self.outputs_layout = QVBoxLayout(self.outputs_panel)
        self.outputs_layout.setContentsMargins(0, 6, 0, 0)
        self.outputs_layout.setSpacing(4)
        contents_layout.addWidget(self.outputs_panel)
        self.files_panel = FilesPanel(self.ctx, "project", self.project_id, contents)
        contents_layout.addWidget(self.files_panel)
        contents_layout.addStretch(1)
        left.setWidget(contents)
        transparent_scroll(left)
        right = QWidget(splitter)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(16, 6, 0, 0)
        right_layout.setSpacing(8)
        title = QLabel("Timeline", right)
        title.setObjectName("sectionTitle")
        right_layout.addWidget(title)
        self.timeline = TimelineView(right, empty_text="No dated events yet.")
        self.timeline.entry_clicked.connect(self._on_timeline_entry_clicked)
        scroll = QScrollArea(right)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.timeline)
        transparent_scroll(scroll)
        right_layout.addWidget(scroll, 1)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([700, 460])
        layout.addWidget(splitter, 1)

    def _action_button(self, icon: str, text: str, slot: Any) -> QToolButton:
        button = QToolButton(self.overview)
        button.setIcon(icons.icon(icon))
        button.setText(text)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    def _update_permissions(self, owner_id: int | None) -> None:
        """Grey what the actor may not do here, saying why in the tooltip."""
        with self.ctx.library.reading() as session:

            def reason(action: str, kind: str) -> str:
                return permissions.refusal(session, self.ctx.actor, action, kind, owner_id)

            edit = reason(permissions.UPDATE, "project")
            self.edit_button.setEnabled(not edit)
            self.edit_button.setToolTip(edit or "Change the project's fields, mentors and tags")
            for kind, button in self.add_buttons.items():
                refusal = reason(permissions.CREATE, kind)
                button.setEnabled(not refusal)
                button.setToolTip(refusal or f"A new {kind} linked to this project")

    def edit_project(self) -> QWidget | None:
        """Open the project's editor (fields, mentors, tags, notes)."""
        from scholar_desk.ui.dialogs.record_editor import RecordEditor

        with self.ctx.library.reading() as session:
            record = items.get_item(session, self.ctx.actor, "project", self.project_id)
        return RecordEditor.open_for(self, self.ctx, "project", record)

    def add_output(self, kind: str) -> QWidget:
        """Open a new manuscript, abstract or presentation already linked to this project."""
        from scholar_desk.ui.dialogs.record_editor import RecordEditor

        initial: dict[str, Any] = {"project_id": self.project_id}
        if self.outputs is not None and self.outputs.project.owner_id is not None:
            initial["owner_id"] = self.outputs.project.owner_id
        return RecordEditor.open_for(self, self.ctx, kind, initial=initial)

    def new_item(self) -> QWidget:
        """File ▸ New here: a new record of what is shown (an opened abstract: an abstract)."""
        from scholar_desk.ui.dialogs.record_editor import RecordEditor

        child_kind = self.child_kind if self.child is not None else ""
        if child_kind == "abstract":
            return self.add_output("abstract")
        if child_kind:
            return RecordEditor.open_for(self, self.ctx, child_kind)
        return RecordEditor.open_for(self, self.ctx, "project")

    def title(self) -> str:
        """The bar title when shown inside a list page."""
        return self.outputs.project.title if self.outputs else "Project"

    @override
    def sizeHint(self) -> QSize:
        return QSize(1160, 760)

    # Loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the project, its outputs and its timeline again."""
        project_id = self.project_id
        found = query(
            self.ctx,
            self,
            lambda session, actor: (
                projects.project_outputs(session, actor, project_id),
                projects.project_timeline(session, actor, project_id),
            ),
        )
        if found is None:
            return
        self.outputs, self.events = found
        self._show_header(self.outputs)
        self._show_outputs(self.outputs)
        self._show_timeline()

    def _show_header(self, out: ProjectOutputs) -> None:
        p = out.project
        self.title_label.setText(p.title)
        self.status_chip.set_status(p.status)
        facts = [p.kind.capitalize()]
        if p.owner_name:
            facts.append(f"Fellow: {p.owner_name}")
        if p.mentors:
            facts.append("Mentors: " + ", ".join(p.mentors))
        if p.started_on:
            facts.append(f"started {format_date(p.started_on)}")
        self.facts_label.setText("  ·  ".join(facts))
        self._show_irb(p.irb_number, p.irb_approved_on, p.irb_expires_on)
        self.notes_label.setText(p.notes.strip())
        self.notes_label.setToolTip(p.notes.strip())
        self.notes_label.setVisible(bool(p.notes.strip()))
        self._update_permissions(p.owner_id)
        while self.tags_row.count():
            old = self.tags_row.takeAt(0)
            widget = old.widget() if old is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        for tag in p.tags:
            chip = QLabel(f"#{tag}", self.overview)
            chip.setStyleSheet(
                "background: palette(midlight); border-radius: 8px; padding: 1px 8px;"
            )
            self.tags_row.addWidget(chip)
        counts = [
            _plural(len(out.abstracts), "abstract"),
            _plural(len(out.presentations), "talk"),
            _plural(len(out.manuscripts), "manuscript"),
        ]
        if out.pmids:
            counts.append("PMID " + ", ".join(out.pmids))
        self.summary_label.setText("  ·  ".join(counts))

    def _show_irb(self, number: str, approved: dt.date | None, expires: dt.date | None) -> None:
        if not (number or approved or expires):
            self.irb_label.setText("No IRB recorded")
            color = "#6b7280"
        else:
            bits = [projects.irb_label(number)]
            if approved:
                bits.append(f"approved {format_date(approved)}")
            color = "#15803d"
            if expires:
                days = (expires - clock.today()).days
                if days < 0:
                    bits.append(f"expired {format_date(expires)}")
                    color = "#b91c1c"
                else:
                    bits.append(f"expires {format_date(expires)}")
                    if days <= IRB_WARNING_DAYS:
                        bits.append(f"in {days} days")
                        color = "#b45309"
            self.irb_label.setText(" · ".join(bits))
        self.irb_label.setProperty("tone", color)
        self.irb_label.setStyleSheet(
            f"QLabel#irbBadge {{ color: {color}; background: {tint(color, 0.1)};"
            f" border: 1px solid {tint(color, 0.3)}; border-radius: 8px; padding: 2px 8px; }}"
        )

    def _clear_outputs(self) -> None:
        while self.outputs_layout.count():
            item = self.outputs_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.output_rows = []
        self.chain_steps = []

    def _group(self, text: str, count: int) -> None:
        label = QLabel(
            f"{text}  <span style='font-weight: 400'>({count})</span>", self.outputs_panel
        )
        label.setObjectName("sectionTitle")
        label.setContentsMargins(0, 10, 0, 2)
        self.outputs_layout.addWidget(label)
        if count == 0:
            empty = QLabel("None yet.", self.outputs_panel)
            empty.setObjectName("hint")
            self.outputs_layout.addWidget(empty)

    def _add_row(self, row: _OutputRow) -> None:
        row.clicked.connect(self.open_output)
        self.outputs_layout.addWidget(row)
        self.output_rows.append(row)

    def _show_outputs(self, out: ProjectOutputs) -> None:
        self._clear_outputs()
        self._group("Manuscripts", len(out.manuscripts))
        for ms in out.manuscripts:
            self._add_row(self._manuscript_row(ms))
        self._group("Abstracts", len(out.abstracts))
        for a in out.abstracts:
            self._add_row(self._item_row(a))
        self._group("Talks", len(out.presentations))
        for t in out.presentations:
            self._add_row(self._item_row(t))
        self.outputs_layout.addStretch(1)

    def _item_row(self, item: OutputItem) -> _OutputRow:
        facts = [item.venue] if item.venue else []
        if item.on:
            facts.append(format_date(item.on))
        status = item.status if item.kind == "abstract" else ""
        if item.kind == "presentation":
            facts.insert(0, item.status)
        return _OutputRow(
            item.kind, item.id, item.title, "  ·  ".join(facts), status, self.outputs_panel
        )

    def _manuscript_row(self, ms: ManuscriptOutput) -> _OutputRow:
        facts = [ms.article_type]
        if ms.pmid:
            facts.append(f"PMID {ms.pmid}")
        if ms.doi:
            facts.append(f"doi {ms.doi}")
        current = ms.current
        row = _OutputRow(
            "manuscript",
            ms.id,
            ms.title,
            "  ·  ".join(facts),
            current.status if current else "not submitted",
            self.outputs_panel,
        )
        for chain in ms.chains:
            steps = FlowLayout(spacing=4)  # the path wraps at the smallest window
            for number, entry in enumerate(chain, start=1):
                if number > 1:
                    arrow = QLabel("→", row)
                    arrow.setObjectName("hint")
                    steps.addWidget(arrow)
                when = format_date(entry.decided_on or entry.submitted_on)
                step = _ChainStep(number, entry.journal_name, entry.status, when, row)
                step.clicked.connect(
                    lambda _=False, sid=entry.submission_id: self.open_output("submission", sid)
                )
                steps.addWidget(step)
                self.chain_steps.append(step)
            row.body.addLayout(steps)
        return row

    def _show_timeline(self) -> None:
        one_manuscript = self.outputs is not None and len(self.outputs.manuscripts) == 1
        entries = []
        for e in self.events:
            quiet = e.category in ("project", "irb") or (
                one_manuscript and e.category in ("submission", "publication")
            )
            color = status_color(e.status) if e.status else CATEGORY_COLORS.get(e.category)
            entries.append(
                TimelineEntry(
                    on=e.on,
                    title=e.title,
                    detail="" if quiet else e.detail,
                    color=color or "#6b7280",
                    upcoming=e.upcoming,
                    target=(e.target_kind, e.target_id),
                )
            )
        self.timeline.set_entries(entries)

    # Opening outputs -------------------------------------------------------------------

    def open_output(self, kind: str, record_id: int) -> QWidget | None:
        """Open an abstract or submission here (Back returns); other kinds go to the window."""
        self.open_requested.emit(kind, record_id)
        widget: QWidget | None = None
        if kind == "abstract":
            from scholar_desk.ui.pages.abstract_editor import AbstractEditor

            widget = AbstractEditor(self.ctx, record_id)
        elif kind == "submission":
            from scholar_desk.ui.pages.submission_detail import SubmissionDetail

            widget = SubmissionDetail(self.ctx, record_id)
        if widget is None:
            return None
        self.close_child()
        frame = QWidget(self)
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        back = QToolButton(frame)
        back.setObjectName("backButton")
        back.setIcon(icons.icon("back"))
        back.setText("Back to project")
        back.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        back.setAutoRaise(True)
        back.clicked.connect(self.close_child)
        bar = QHBoxLayout()
        bar.setContentsMargins(16, 6, 16, 0)
        bar.addWidget(back)
        bar.addStretch(1)
        layout.addLayout(bar)
        layout.addWidget(widget, 1)
        self.child = frame
        self.child_widget = widget
        self.child_kind = kind
        self.stack.addWidget(frame)
        self.stack.setCurrentWidget(frame)
        return widget

    def close_child(self) -> None:
        """Return from an opened output to the project overview."""
        if self.child is None:
            return
        child, self.child = self.child, None
        self.stack.setCurrentWidget(self.overview)
        self.stack.removeWidget(child)
        child.hide()
        child.deleteLater()
        self.reload()

    def _on_timeline_entry_clicked(self, target: object) -> None:
        if isinstance(target, tuple) and len(target) == 2 and target[0] != "project":
            self.open_output(str(target[0]), int(target[1]))

    def _on_events_changed(self, kind: str) -> None:
        if self.child is None and kind in (
            "",
            "project",
            "abstract",
            "presentation",
            "manuscript",
            "submission",
            "person",
        ):
            self.reload()


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
