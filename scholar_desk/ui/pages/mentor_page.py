"""The mentor's view: each mentee's pipeline, what is late or stuck, and open comments."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from scholar_desk.core.services import career, items, kinds, mentor
from scholar_desk.core.services.mentor import MenteeSummary
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.operations import Operation, Unit
from scholar_desk.ui.widgets.comments_panel import CommentsPanel
from scholar_desk.ui.widgets.page_header import page_header, set_page_margins

ITEM_ROLE = Qt.ItemDataRole.UserRole + 1


def _pipeline(counts: dict[str, int]) -> str:
    return ", ".join(f"{status} {n}" for status, n in counts.items()) or "none"


class ItemViewDialog(QDialog):
    """One item, read-only, with its review comments."""

    def __init__(
        self, ctx: AppContext, kind: str, item_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        spec = kinds.get_kind(kind)
        with ctx.library.reading() as session:
            record = items.get_item(session, ctx.actor, kind, item_id)
        self.setWindowTitle(f"{spec.name.title()}: {record.label}")
        form = QFormLayout()
        for field in spec.fields:
            name = field.name.removesuffix("_id") + "_label" if field.type == "ref" else field.name
            value = record.get(name)
            text = "" if value is None else str(value)
            label = QLabel(text, self)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(field.label, label)
        self.comments = CommentsPanel(ctx, kind, item_id, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.comments)
        layout.addWidget(buttons)


class MentorPage(QWidget):
    """Mentees on the left (most in need of attention first), their picture on the right."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.summaries: list[MenteeSummary] = []
        self.progress: dict[int, career.FellowProgress] = {}
        self.mentees = QListWidget(self)
        self.mentees.setAccessibleName("Mentees")
        self.mentees.setAccessibleDescription("Most in need of attention first")
        self.mentees.currentRowChanged.connect(self._on_mentees_current_row_changed)
        self.detail = QTextBrowser(self)
        self.detail.setAccessibleName("Mentee summary")
        self.items = QListWidget(self)
        self.items.setAccessibleName("Mentee's items")
        self.items.setAccessibleDescription("Enter opens one to read it and comment")
        # Long titles end in "…" (whole in the tooltip) instead of running off sideways.
        self.items.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.items.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.items.itemActivated.connect(self._on_items_item_activated)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail, 2)
        right_layout.addWidget(QLabel("Items (open one to read it and comment)", right))
        right_layout.addWidget(self.items, 1)
        splitter = QSplitter(self)
        splitter.addWidget(self.mentees)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        set_page_margins(layout)
        header, _title, self.subtitle = page_header(self, "Mentees")
        layout.addLayout(header)
        layout.addWidget(splitter, 1)
        self.viewer: ItemViewDialog | None = None
        ctx.events.changed.connect(self._on_events_changed)
        self.reload()

    def reload(self) -> None:
        """Rebuild every mentee's summary."""
        current = self.current_person()
        with self.ctx.library.reading() as session:
            self.summaries = mentor.mentor_dashboard(session, self.ctx.actor)
            self.progress = {
                p.fellow_id: p for p in career.program_progress(session, self.ctx.actor)
            }
        self.mentees.blockSignals(True)
        self.mentees.clear()
        for summary in self.summaries:
            flag = f"  ({summary.attention} to look at)" if summary.attention else ""
            item = QListWidgetItem(summary.name + flag)
            item.setData(ITEM_ROLE, summary.person_id)
            self.mentees.addItem(item)
        self.mentees.blockSignals(False)
        count = len(self.summaries)
        self.subtitle.setText(f"{count} mentee" + ("" if count == 1 else "s"))
        row = next((i for i, s in enumerate(self.summaries) if s.person_id == current), 0)
        if self.summaries:
            self.mentees.setCurrentRow(row)
            self._show(self.summaries[row])
        else:
            self.detail.setPlainText("No mentees are assigned to you yet.")
            self.items.clear()

    def current_person(self) -> int | None:
        """The person id of the mentee shown."""
        item = self.mentees.currentItem()
        return int(item.data(ITEM_ROLE)) if item is not None else None

    def _show(self, s: MenteeSummary) -> None:
        def bullet(lines: list[str]) -> str:
            return (
                "<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>"
                if lines
                else "<p>none</p>"
            )

        overdue = [f"{d.due_on:%Y-%m-%d} {d.title}" for d in s.overdue]
        stalled = [f"{x.title}: {x.status} for {x.days} days" for x in s.stalled]
        upcoming = [f"{d.due_on:%Y-%m-%d} {d.title}" for d in s.next_deadlines]
        open_comments = [
            f"{c.target_kind} {c.target_label}: {c.body} ({c.author})"
            for c in s.unresolved_comments
        ]
        from html import escape

        progress = self.progress.get(s.person_id)
        requirements = [
            f"<b>{escape(r.title)}</b>: {escape(r.summary)}"
            for r in (progress.requirements if progress is not None else ())
        ]
        html = (
            f"<h2>{escape(s.name)}</h2>"
            f"<p><b>Projects:</b> {escape(_pipeline(s.projects_by_status))}<br>"
            f"<b>Submissions:</b> {escape(_pipeline(s.submissions_by_status))}<br>"
            f"<b>Abstracts:</b> {escape(_pipeline(s.abstracts_by_status))}</p>"
            f"<h3>Program requirements</h3>{bullet(requirements)}"
            f"<h3>Overdue</h3>{bullet([escape(x) for x in overdue])}"
            f"<h3>Stalled</h3>{bullet([escape(x) for x in stalled])}"
            f"<h3>Next deadlines</h3>{bullet([escape(x) for x in upcoming])}"
            f"<h3>Open comments</h3>{bullet([escape(x) for x in open_comments])}"
        )
        self.detail.setHtml(html)
        self.items.clear()
        for it in s.items:
            status = f" [{it.status}]" if it.status else ""
            entry = QListWidgetItem(f"{it.kind}: {it.label}{status}")
            entry.setToolTip(entry.text())
            entry.setData(ITEM_ROLE, (it.kind, it.item_id))
            self.items.addItem(entry)

    def open_item(self, kind: str, item_id: int) -> ItemViewDialog | None:
        """Show an item read-only with its comments (non-blocking)."""
        # The viewer reads the item as it opens; a refusal or a vanished item is shown.
        viewer = Operation(
            self.ctx,
            self,
            lambda _s, _a: ItemViewDialog(self.ctx, kind, item_id, self),
            unit=Unit.NONE,
        ).run()
        if viewer is None:
            return None
        viewer.finished.connect(viewer.deleteLater)
        viewer.open()
        self.viewer = viewer
        return viewer

    def _on_mentees_current_row_changed(self, row: int) -> None:
        if 0 <= row < len(self.summaries):
            self._show(self.summaries[row])

    def _on_items_item_activated(self, item: QListWidgetItem) -> None:
        kind, item_id = item.data(ITEM_ROLE)
        self.open_item(kind, int(item_id))

    def _on_events_changed(self, _kind: str) -> None:
        self.reload()
