"""The reminder at start: what is overdue or due within 7 days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from scholar_desk.core.services import deadline_calendar
from scholar_desk.core.services.deadline_calendar import Reminder
from scholar_desk.core.services.deadlines import DeadlineItem
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.pages.deadlines_page import URGENCY_TINTS, urgency, when_text

SHOW_DEADLINES = 2
"""`done()` code when the user asks to open the deadlines page."""


class ReminderDialog(QDialog):
    """Lists overdue deadlines and those due within a week; offers to open the deadlines page."""

    def __init__(self, reminder: Reminder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reminder = reminder
        self.setObjectName("reminderDialog")
        self.setWindowTitle("Deadlines")
        self.setModal(True)
        self.setMinimumWidth(600)

        overdue, soon = len(reminder.overdue), len(reminder.soon)
        parts = []
        if overdue:
            parts.append(f"{overdue} overdue")
        if soon:
            parts.append(f"{soon} due within {deadline_calendar.REMINDER_DAYS} days")
        self.summary = QLabel(
            ("<b>" + " and ".join(parts) + "</b>") if parts else "Nothing is due this week.", self
        )
        self.summary.setObjectName("reminderSummary")

        self.tree = QTreeWidget(self)
        self.tree.setObjectName("reminderList")
        self.tree.setAccessibleName("Overdue and coming deadlines")
        self.tree.setHeaderLabels(["When", "What", "Kind"])
        self.tree.setRootIsDecorated(False)
        self.tree.setColumnWidth(0, 130)
        self.tree.setColumnWidth(1, 300)
        for item in (*reminder.overdue, *reminder.soon):
            self._add(item, reminder.today)
        # As tall as the list needs (up to ten rows), so one overdue task is not a big box.
        rows = min(self.tree.topLevelItemCount(), 10)
        row_height = max(self.tree.sizeHintForRow(0), self.fontMetrics().height() + 8)
        header = self.tree.header().sizeHint().height()
        self.tree.setFixedHeight(header + row_height * max(rows, 1) + 6)

        buttons = QDialogButtonBox(self)
        self.show_button = buttons.addButton(
            "Show deadlines", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.show_button.clicked.connect(self._on_show_clicked)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)

    def _add(self, item: DeadlineItem, today: dt.date) -> None:
        row = QTreeWidgetItem([when_text(item, today), item.title, item.kind])
        row.setToolTip(1, item.title)
        tint = URGENCY_TINTS.get(urgency(item, today))
        if tint is not None:
            for column in range(3):
                row.setBackground(column, QBrush(tint))
        if urgency(item, today) == "overdue":
            font = QFont(row.font(0))
            font.setBold(True)
            row.setFont(0, font)
        row.setData(0, Qt.ItemDataRole.UserRole, item.source_id)
        self.tree.addTopLevelItem(row)

    def _on_show_clicked(self) -> None:
        self.done(SHOW_DEADLINES)

    @classmethod
    def open_for(
        cls, parent: QWidget | None, ctx: AppContext, on_show: Callable[[], object]
    ) -> ReminderDialog | None:
        """Open the reminder without blocking when anything is due; ``on_show`` runs if asked."""
        reminder = cls.reminder_for(ctx)
        if reminder.empty:
            return None
        dialog = cls(reminder, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda code: on_show() if code == SHOW_DEADLINES else None)
        dialog.open()
        return dialog

    @classmethod
    def reminder_for(cls, ctx: AppContext) -> Reminder:
        """What the reminder would show now for the signed-in user."""
        with ctx.library.reading() as session:
            return deadline_calendar.reminder(session, ctx.actor)

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: AppContext) -> bool:
        """Show the reminder if anything is due; return whether to open the deadlines page.

        Shows nothing (and returns ``False``) when nothing is overdue or due within 7 days.
        """
        reminder = cls.reminder_for(ctx)
        if reminder.empty:
            return False
        dialog = cls(reminder, parent)
        try:
            return (
                dialog.exec() == SHOW_DEADLINES
            )  # a blocking convenience; callers' tests patch ask()
        finally:
            dialog.deleteLater()
