"""The fellow's record at work: CV, ERAS Scholarly Works, requirements and reviews, by fellow."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from scholar_desk.core.services import report
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.pages.acgme_tab import AcgmeTab
from scholar_desk.ui.pages.cv_tab import CvTab
from scholar_desk.ui.pages.eras_tab import ErasTab
from scholar_desk.ui.pages.meetings_tab import MeetingsTab
from scholar_desk.ui.pages.requirements_tab import RequirementsTab


class CareerPage(QWidget):
    """One fellow at a time (their own for a fellow); a tab per document or view."""

    status_changed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("careerPage")
        title = QLabel("Fellow's record", self)
        title.setObjectName("pageTitle")
        self.fellow = QComboBox(self)
        self.fellow.setObjectName("careerFellow")
        self.fellow.setAccessibleName("Fellow")
        self.fellow.setMinimumContentsLength(18)
        fellow_label = QLabel("Fellow:", self)
        fellow_label.setBuddy(self.fellow)
        fellow_label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("careerTabs")
        self.cv_tab = CvTab(ctx, self.tabs)
        self.tabs.addTab(self.cv_tab, "CV")
        self.eras_tab = ErasTab(ctx, self.tabs)
        self.tabs.addTab(self.eras_tab, "ERAS")
        self.requirements_tab = RequirementsTab(ctx, self.tabs)
        self.tabs.addTab(self.requirements_tab, "Requirements")
        self.meetings_tab = MeetingsTab(ctx, self.tabs)
        self.tabs.addTab(self.meetings_tab, "Meetings")
        self.acgme_tab = AcgmeTab(ctx, self.tabs)
        self.tabs.addTab(self.acgme_tab, "ACGME update")

        row = QHBoxLayout()
        row.addWidget(fellow_label)
        row.addWidget(self.fellow)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addLayout(row)
        layout.addWidget(self.tabs, 1)

        self._fill_fellows()
        self.fellow.currentIndexChanged.connect(self._on_fellow_changed)
        ctx.events.changed.connect(self._on_data_changed)
        self._on_fellow_changed(self.fellow.currentIndex())

    def _fill_fellows(self) -> None:
        current = self.fellow.currentData()
        with self.ctx.library.reading() as session:
            choices = [c for c in report.report_fellows(session, self.ctx.actor) if c.person_id]
        self.fellow.blockSignals(True)
        self.fellow.clear()
        for choice in choices:
            self.fellow.addItem(choice.name, choice.person_id)
        mine = current if current is not None else self.ctx.actor.person_id
        index = self.fellow.findData(mine)
        self.fellow.setCurrentIndex(index if index >= 0 else 0)
        self.fellow.blockSignals(False)

    def fellow_id(self) -> int | None:
        """The fellow shown."""
        data = self.fellow.currentData()
        return int(data) if data is not None else None

    def set_fellow(self, person_id: int) -> None:
        """Show this fellow (one the actor may see)."""
        self.fellow.setCurrentIndex(self.fellow.findData(person_id))

    def status_text(self) -> str:
        """What the status bar shows for this page."""
        return f"{self.fellow.currentText()}" if self.fellow.count() else "No fellow to show"

    def _on_fellow_changed(self, _index: int) -> None:
        fellow = self.fellow_id()
        for index in range(self.tabs.count()):
            tab = self.tabs.widget(index)
            tab.set_fellow(fellow)  # type: ignore[attr-defined]
        self.status_changed.emit(self.status_text())

    def _on_data_changed(self, _kind: str) -> None:
        self._fill_fellows()
        self._on_fellow_changed(self.fellow.currentIndex())
