"""The dashboard: pipeline counts, the next 30 days, what is overdue and what has stalled."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from scholar_desk.core import clock
from scholar_desk.core.services import career, dashboard
from scholar_desk.core.services.dashboard import DashboardSummary
from scholar_desk.core.services.deadlines import DeadlineItem
from scholar_desk.ui.context import AppContext

if TYPE_CHECKING:
    from scholar_desk.core.formats.program import Program

WINDOW_DAYS = 30
_TARGET_ROLE = Qt.ItemDataRole.UserRole + 1
_URGENCY_COLORS = {"overdue": "#d32f2f", "week": "#e67700", "month": "", "later": "", "done": ""}


class _Bar(QWidget):
    """A thin horizontal bar: one status's count against the largest in its pipeline."""

    def __init__(self, share: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.share = max(0.0, min(1.0, share))
        self.setFixedHeight(6)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    @override
    def sizeHint(self) -> QSize:
        return QSize(80, 6)

    @override
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        track = self.palette().color(QPalette.ColorRole.Midlight)
        painter.setBrush(track)
        rect = QRectF(self.rect())
        painter.drawRoundedRect(rect, 3, 3)
        if self.share > 0:
            painter.setBrush(self.palette().color(QPalette.ColorRole.Highlight))
            filled = QRectF(rect.x(), rect.y(), max(rect.width() * self.share, 6), rect.height())
            painter.drawRoundedRect(filled, 3, 3)
        painter.end()


def _card(parent: QWidget) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame(parent)
    frame.setObjectName("card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(16, 14, 16, 14)
    layout.setSpacing(8)
    return frame, layout


class _Stat(QFrame):
    """A number with a caption."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(2)
        self.caption = QLabel(caption, self)
        self.caption.setObjectName("cardTitle")
        # Five cards share a row: at the smallest window a long caption takes two lines
        # instead of pushing the last card out of sight.
        self.caption.setWordWrap(True)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.number = QLabel("0", self)
        self.number.setObjectName("cardNumber")
        layout.addWidget(self.caption)
        layout.addWidget(self.number)

    def set_value(self, value: int, *, alert: bool = False) -> None:
        self.number.setText(str(value))
        self.number.setStyleSheet("color: #d32f2f;" if alert and value else "")


class _Pipeline(QFrame):
    """Counts by status for one kind of work, each with a bar."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(16, 14, 16, 14)
        self.outer.setSpacing(10)
        heading = QLabel(title, self)
        heading.setObjectName("sectionTitle")
        self.outer.addWidget(heading)
        self.body = QWidget(self)
        self.grid = QGridLayout(self.body)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(6)
        self.grid.setColumnStretch(1, 1)
        self.outer.addWidget(self.body)
        self.outer.addStretch(1)
        self.counts: dict[str, int] = {}

    def set_counts(self, counts: Mapping[str, int]) -> None:
        self.counts = dict(counts)
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        total = sum(counts.values())
        largest = max(counts.values(), default=0)
        if not total:
            empty = QLabel("Nothing yet", self.body)
            empty.setObjectName("hint")
            self.grid.addWidget(empty, 0, 0, 1, 3)
            return
        for row, (status, count) in enumerate(counts.items()):
            name = QLabel(status[:1].upper() + status[1:], self.body)
            number = QLabel(str(count), self.body)
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            number.setMinimumWidth(number.fontMetrics().horizontalAdvance("000"))
            self.grid.addWidget(name, row, 0)
            self.grid.addWidget(_Bar(count / largest, self.body), row, 1)
            self.grid.addWidget(number, row, 2)


class _ItemTable(QTableWidget):
    """A short read-only table whose rows open the record they come from."""

    def __init__(self, headers: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(0, len(headers), parent)
        self.setHorizontalHeaderLabels(list(headers))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustToContents)
        self.stretch_column = 0

    def set_items(self, rows: Sequence[tuple[Sequence[str], str, int, str]]) -> None:
        """Rows of ``(cells, target kind, target id, colour)``."""
        self.setRowCount(len(rows))
        for row, (cells, kind, item_id, color) in enumerate(rows):
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(_TARGET_ROLE, (kind, item_id))
                if color and column == 0:
                    item.setForeground(QColor(color))
                self.setItem(row, column, item)
        self.horizontalHeader().setSectionResizeMode(
            self.stretch_column, QHeaderView.ResizeMode.Stretch
        )
        height = self.horizontalHeader().height() + 4
        height += sum(self.rowHeight(r) for r in range(self.rowCount()))
        self.setFixedHeight(height)

    def target(self, row: int) -> tuple[str, int] | None:
        item = self.item(row, 0)
        return item.data(_TARGET_ROLE) if item is not None else None


class DashboardPage(QWidget):
    """What needs attention, for the signed-in person (a mentor sees their fellows)."""

    status_changed = Signal(str)
    open_requested = Signal(str, int)  # kind name, id: the main window shows that record

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.summary: DashboardSummary | None = None
        self._stale = True
        self._status = ""
        self._progress_waiting = False
        self.setObjectName("page_dashboard")

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        body = QWidget(scroll)
        body.setObjectName("dashboardBody")
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(24, 18, 24, 24)
        layout.setSpacing(16)

        header = QHBoxLayout()
        title = QLabel("Dashboard", body)
        title.setObjectName("pageTitle")
        self.subtitle = QLabel(body)
        self.subtitle.setObjectName("pageSubtitle")
        header.addWidget(title)
        header.addWidget(self.subtitle, 0, Qt.AlignmentFlag.AlignBottom)
        header.addStretch(1)
        layout.addLayout(header)

        stats = QHBoxLayout()
        stats.setSpacing(12)
        self.active_projects = _Stat("Active projects", body)
        self.open_submissions = _Stat("Submissions in progress", body)
        self.open_abstracts = _Stat("Abstracts in progress", body)
        self.due_soon = _Stat(f"Due in {WINDOW_DAYS} days", body)
        self.overdue_count = _Stat("Overdue", body)
        for stat in (
            self.active_projects,
            self.open_submissions,
            self.open_abstracts,
            self.due_soon,
            self.overdue_count,
        ):
            stats.addWidget(stat, 1)
        layout.addLayout(stats)

        pipelines = QHBoxLayout()
        pipelines.setSpacing(12)
        self.projects_pipeline = _Pipeline("Projects by status", body)
        self.submissions_pipeline = _Pipeline("Submissions by status", body)
        self.abstracts_pipeline = _Pipeline("Abstracts by status", body)
        for pipeline in (
            self.projects_pipeline,
            self.submissions_pipeline,
            self.abstracts_pipeline,
        ):
            pipelines.addWidget(pipeline, 1)
        layout.addLayout(pipelines)

        requirements, inner = _card(body)
        heading = QLabel("Program requirements", requirements)
        heading.setObjectName("sectionTitle")
        self.requirements = QLabel(requirements)
        self.requirements.setObjectName("requirementsSummary")
        self.requirements.setAccessibleName("Program requirements")
        self.requirements.setWordWrap(True)
        self.requirements.setTextFormat(Qt.TextFormat.RichText)
        inner.addWidget(heading)
        inner.addWidget(self.requirements)
        layout.addWidget(requirements)

        self.upcoming_table = _ItemTable(["What", "Due", "In", "Kind", "Fellow"], body)
        self.upcoming_table.setAccessibleName("Upcoming deadlines")
        self.overdue_table = _ItemTable(["What", "Was due", "Late by", "Kind", "Fellow"], body)
        self.overdue_table.setAccessibleName("Overdue")
        self.stalled_table = _ItemTable(["What", "Status", "Since", "Days", "Fellow"], body)
        self.stalled_table.setAccessibleName("Stalled submissions")
        self.upcoming_section = self._section(
            body, layout, f"Next {WINDOW_DAYS} days", self.upcoming_table
        )
        self.overdue_section = self._section(body, layout, "Overdue", self.overdue_table)
        self.stalled_section = self._section(
            body,
            layout,
            f"Stalled (no change for more than {dashboard.STALLED_SUBMISSION_DAYS} days)",
            self.stalled_table,
        )
        layout.addStretch(1)
        ctx.events.changed.connect(self._on_events_changed)

    def _section(
        self, body: QWidget, layout: QVBoxLayout, title: str, table: _ItemTable
    ) -> dict[str, Any]:
        frame, inner = _card(body)
        heading = QLabel(title, frame)
        heading.setObjectName("sectionTitle")
        empty = QLabel(frame)
        empty.setObjectName("hint")
        inner.addWidget(heading)
        inner.addWidget(table)
        inner.addWidget(empty)
        table.setParent(frame)
        table.cellDoubleClicked.connect(self._on_table_cell_double_clicked)
        layout.addWidget(frame)
        return {"frame": frame, "empty": empty, "table": table}

    # Loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Compute the summary again.

        Before the library has opened (a window reopening on the dashboard) the summary
        is read through the plain reader (`AppContext.quick_reading`), and the program's
        requirements, read through the library alone, fill in once it opens.
        """
        today = clock.today()
        with self.ctx.quick_reading() as session:
            summary = dashboard.summary(session, self.ctx.actor, today, days=WINDOW_DAYS)
            people = dashboard.people_labels(session, self.ctx.actor)
        self.summary = summary
        self._stale = False
        self._show(summary, people)
        if self.ctx.library_open:
            self._show_progress()
        elif not self._progress_waiting:
            # The card's lines as they will be (the program, each requirement or fellow),
            # so the cards below stay where they are when the progress fills in.
            with self.ctx.quick_reading() as session:
                program = career.current_program(session)
                fellows = career.fellows_in_view(session, self.ctx.actor)
            self._progress_waiting = True
            self.requirements.setText(requirements_outline_html(program, fellows))
            self.ctx.when_open(self._show_progress)

    def _show_progress(self) -> None:
        self._progress_waiting = False
        today = self.summary.today if self.summary is not None else clock.today()
        with self.ctx.library.reading() as session:
            progress = career.program_progress(session, self.ctx.actor, today=today)
        self.requirements.setText(requirements_html(progress))

    def _show(self, summary: DashboardSummary, people: Mapping[int, str]) -> None:
        today = summary.today
        self.subtitle.setText(today.strftime("%A, %d %B %Y"))
        active = sum(
            n
            for s, n in summary.projects_by_status.items()
            if s in dashboard.ACTIVE_PROJECT_STATUSES
        )
        closed_subs = {"published", "rejected", "withdrawn", "draft"}
        closed_abstracts = {"rejected", "withdrawn", "presented"}
        self.active_projects.set_value(active)
        self.open_submissions.set_value(
            sum(n for s, n in summary.submissions_by_status.items() if s not in closed_subs)
        )
        self.open_abstracts.set_value(
            sum(n for s, n in summary.abstracts_by_status.items() if s not in closed_abstracts)
        )
        self.due_soon.set_value(len(summary.upcoming))
        self.overdue_count.set_value(len(summary.overdue), alert=True)

        self.projects_pipeline.set_counts(summary.projects_by_status)
        self.submissions_pipeline.set_counts(summary.submissions_by_status)
        self.abstracts_pipeline.set_counts(summary.abstracts_by_status)

        def fellow(owner_id: int | None) -> str:
            return people.get(owner_id, "") if owner_id is not None else "Everyone"

        def deadline_row(item: DeadlineItem, *, late: bool) -> Any:
            days = item.days_left(today)
            when = _days_text(-days if late else days, late=late)
            color = _URGENCY_COLORS.get(item.urgency(today), "")
            cells = (item.title, item.due_on.isoformat(), when, item.kind, fellow(item.owner_id))
            return cells, item.source_kind, item.source_id, color

        upcoming = sorted(summary.upcoming, key=lambda d: d.due_on)
        overdue = sorted(summary.overdue, key=lambda d: d.due_on)
        self._fill(
            self.upcoming_section,
            [deadline_row(d, late=False) for d in upcoming],
            f"Nothing due in the next {WINDOW_DAYS} days.",
        )
        self._fill(
            self.overdue_section,
            [deadline_row(d, late=True) for d in overdue],
            "Nothing overdue.",
        )
        self._fill(
            self.stalled_section,
            [
                (
                    (s.title, s.status, s.since.isoformat(), str(s.days), fellow(s.owner_id)),
                    s.kind,
                    s.item_id,
                    "#e67700",
                )
                for s in summary.stalled
            ],
            "Nothing has stalled.",
        )
        self._status = (
            f"{len(summary.upcoming)} due in {WINDOW_DAYS} days · {len(summary.overdue)} overdue"
            f" · {len(summary.stalled)} stalled"
        )
        self.status_changed.emit(self._status)

    @staticmethod
    def _fill(section: dict[str, Any], rows: Sequence[Any], empty_text: str) -> None:
        table: _ItemTable = section["table"]
        table.set_items(rows)
        table.setVisible(bool(rows))
        section["empty"].setText(empty_text)
        section["empty"].setVisible(not rows)

    def status_text(self) -> str:
        """What the status bar says about this page."""
        return self._status

    @override
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    # Slots ------------------------------------------------------------------------------

    def _on_events_changed(self, _kind: str) -> None:
        self._stale = True
        if self.isVisible():
            self.reload()

    def _on_table_cell_double_clicked(self, row: int, _column: int) -> None:
        table = self.sender()
        if isinstance(table, _ItemTable):
            target = table.target(row)
            if target is not None:
                self.open_requested.emit(*target)


def requirements_html(progress: Sequence[career.FellowProgress]) -> str:
    """Each requirement for one fellow; one line per fellow for several."""
    if not progress:
        return "No fellows to show."
    marks = {career.MET: "\u2713", career.IN_PROGRESS: "\u2026", career.NOT_STARTED: "\u2013"}
    example = " (example requirements)" if progress[0].example else ""
    if len(progress) == 1:
        lines = [
            f"{marks[r.state]} <b>{escape(r.title)}</b>: {escape(r.summary)}"
            for r in progress[0].requirements
        ]
        return f"{escape(progress[0].program)}{example}<br>" + "<br>".join(lines)
    lines = []
    for fellow in progress:
        behind = [r.title for r in fellow.requirements if r.state != career.MET]
        rest = f"; still to do: {escape(', '.join(behind))}" if behind else ""
        lines.append(
            f"<b>{escape(fellow.fellow)}</b>: {fellow.met} of {len(fellow.requirements)} met{rest}"
        )
    return f"{escape(progress[0].program)}{example}<br>" + "<br>".join(lines)


def requirements_outline_html(program: Program, fellows: Sequence[tuple[int, str]]) -> str:
    """The requirements card before the progress is read: `requirements_html`'s lines, quiet.

    The program, then each requirement's title for one fellow or each fellow's name for
    several, with no state, so the card has the height it keeps once filled.
    """
    if not fellows:
        return "No fellows to show."
    example = " (example requirements)" if program.example else ""
    if len(fellows) == 1:
        lines = [f"<b>{escape(r.title)}</b>" for r in program.requirements]
    else:
        lines = [f"<b>{escape(name)}</b>" for _id, name in fellows]
    return f"{escape(program.name)}{example}<br>" + "<br>".join(lines)


def _days_text(days: int, *, late: bool) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "1 day" if late else "tomorrow"
    return f"{days} days"
