"""The meetings tab: a fellow's meetings with their mentors and the actions agreed."""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from scholar_desk.core import clock
from scholar_desk.core.services import career, permissions
from scholar_desk.core.services.career import MeetingInfo
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.dialogs.meeting_dialog import MeetingDialog, MeetingInput
from scholar_desk.ui.errors import show_error
from scholar_desk.ui.icons import icon
from scholar_desk.ui.operations import Operation
from scholar_desk.ui.pages.career_common import Saver, ask_save_path


def meetings_html(meetings: list[MeetingInfo]) -> str:
    """The meeting log as rich text, newest first."""
    if not meetings:
        return "<p>No meetings recorded yet.</p>"
    parts = []
    for meeting in meetings:
        who = f" \u2014 {html.escape(meeting.attendees)}" if meeting.attendees else ""
        parts.append(f"<h3>{meeting.held_on:%B %d, %Y}{who}</h3>")
        if meeting.notes:
            parts.append(f"<p>{html.escape(meeting.notes)}</p>")
        if meeting.actions:
            parts.append("<ul>")
            for action in meeting.actions:
                done = " (done)" if action.done else ""
                parts.append(
                    f"<li>{action.due_on:%Y-%m-%d}: {html.escape(action.title)}{done}</li>"
                )
            parts.append("</ul>")
    return "".join(parts)


class MeetingsTab(QWidget):
    """The meeting log of the chosen fellow; the fellow, a mentor or a director adds to it."""

    reloaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.fellow_id: int | None = None
        self.meetings: list[MeetingInfo] = []
        self.summary = QLabel(self)
        self.summary.setObjectName("hint")
        self.add_button = QPushButton("Record a meeting\u2026", self)
        self.add_button.setIcon(icon("new"))
        self.add_button.clicked.connect(self._on_add_clicked)
        self.packet_button = QPushButton("Review packet (PDF)\u2026", self)
        self.packet_button.setIcon(icon("export"))
        self.packet_button.setToolTip(
            "The semiannual review packet of this fellow for the last half year"
        )
        self.packet_button.clicked.connect(self._on_packet_clicked)
        self.saver = Saver(ctx, self)
        self.log = QTextBrowser(self)
        self.log.setObjectName("meetingLog")
        self.log.setAccessibleName("Meeting log")
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.packet_button)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.log, 1)

    def set_fellow(self, fellow_id: int | None) -> None:
        """Show this fellow's meetings."""
        self.fellow_id = fellow_id
        self.reload()

    def reload(self) -> None:
        """Read the meetings again."""
        may_add = False
        self.meetings = []
        if self.fellow_id is not None:
            try:
                with self.ctx.library.reading() as session:
                    self.meetings = career.list_meetings(session, self.ctx.actor, self.fellow_id)
                    may_add = permissions.allowed(
                        session, self.ctx.actor, permissions.CREATE, "meeting", self.fellow_id
                    )
            except Exception as exc:  # noqa: BLE001 - shown to the user, the page stays usable
                show_error(self, exc)
        self.add_button.setEnabled(may_add)
        self.packet_button.setEnabled(self.fellow_id is not None)
        open_actions = sum(len(m.open_actions) for m in self.meetings)
        self.summary.setText(
            f"{len(self.meetings)} meeting{'s' if len(self.meetings) != 1 else ''}, "
            f"{open_actions} open action{'s' if open_actions != 1 else ''}"
        )
        self.log.setHtml(meetings_html(self.meetings))
        self.reloaded.emit()

    def record(self, entry: MeetingInput) -> bool:
        """Store a meeting of the shown fellow; whether it was kept."""
        fellow = self.fellow_id
        if fellow is None:
            return False
        operation = Operation(
            self.ctx,
            self,
            lambda session, actor: career.record_meeting(
                session,
                actor,
                fellow,
                entry.held_on,
                attendees=entry.attendees,
                notes=entry.notes,
                actions=entry.actions,
            ),
            changes=("meeting", "deadline"),
        )
        return operation.run() is not None

    def save_packet(self, path: str) -> object:
        """Write this fellow's review packet for the last half year, in the background."""
        fellow = self.fellow_id
        if fellow is None:
            return None
        return self.saver.save(
            path,
            lambda s, a, target: career.export_packet(s, a, target, [fellow], force=True),
        )

    def _on_packet_clicked(self) -> None:
        path = ask_save_path(self, "pdf", "review-packet.pdf")
        if path:
            self.save_packet(path)

    def _on_add_clicked(self) -> None:
        name = ""
        parent = self.parentWidget()
        while parent is not None and not hasattr(parent, "fellow"):
            parent = parent.parentWidget()
        if parent is not None:
            name = parent.fellow.currentText()  # type: ignore[attr-defined]
        entry = MeetingDialog.ask(self, name, clock.today())
        if entry is not None:
            self.record(entry)
