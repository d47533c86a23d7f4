"""The CV tab: a fellow's CV as it will print, with Word and PDF export."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from scholar_desk.core.formats.cv import Cv, subtitle
from scholar_desk.core.services import career
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.errors import show_error
from scholar_desk.ui.icons import icon
from scholar_desk.ui.pages.career_common import Saver, ask_save_path, runs_html


class CvTab(QWidget):
    """Sections of the CV, newest first, the fellow's name in bold; saves .docx or .pdf."""

    reloaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.fellow_id: int | None = None
        self.cv: Cv | None = None
        self.saver = Saver(ctx, self)

        self.all_dates = QCheckBox("All dates", self)
        self.all_dates.setChecked(True)
        self.since = QDateEdit(self)
        self.since.setObjectName("cvSince")
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("yyyy-MM-dd")
        self.since.setDate(QDate(dt.date.today().year - 3, 7, 1))
        self.since.setEnabled(False)
        since_label = QLabel("Since:", self)
        since_label.setBuddy(self.since)
        since_label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.summary = QLabel(self)
        self.summary.setObjectName("hint")
        self.docx_button = QPushButton("Save as Word\u2026", self)
        self.pdf_button = QPushButton("Save as PDF\u2026", self)
        for button, fmt in ((self.docx_button, "docx"), (self.pdf_button, "pdf")):
            button.setIcon(icon("export"))
            button.clicked.connect(lambda _=False, f=fmt: self._on_save_clicked(f))
        self.preview = QTextBrowser(self)
        self.preview.setObjectName("cvPreview")
        self.preview.setAccessibleName("CV preview")

        row = QHBoxLayout()
        row.addWidget(since_label)
        row.addWidget(self.since)
        row.addWidget(self.all_dates)
        row.addStretch(1)
        row.addWidget(self.docx_button)
        row.addWidget(self.pdf_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.preview, 1)

        self.all_dates.toggled.connect(self._on_all_dates_toggled)
        self.since.dateChanged.connect(lambda _d: self.reload())

    def since_date(self) -> dt.date | None:
        """The first day the CV covers, or ``None`` for all dates."""
        if self.all_dates.isChecked():
            return None
        return self.since.date().toPython()  # type: ignore[no-any-return]

    def set_fellow(self, fellow_id: int | None) -> None:
        """Show this fellow's CV."""
        self.fellow_id = fellow_id
        self.reload()

    def reload(self) -> None:
        """Build the CV again and show it."""
        self.cv = None
        if self.fellow_id is not None:
            try:
                with self.ctx.library.reading() as session:
                    self.cv = career.build_cv(
                        session, self.ctx.actor, self.fellow_id, since=self.since_date()
                    )
            except Exception as exc:  # noqa: BLE001 - shown to the user, the page stays usable
                show_error(self, exc)
        self._show()
        self.reloaded.emit()

    def _show(self) -> None:
        cv = self.cv
        has = cv is not None and cv.total > 0
        self.docx_button.setEnabled(has)
        self.pdf_button.setEnabled(has)
        if cv is None:
            self.summary.setText("Choose a fellow.")
            self.preview.setHtml("")
            return
        self.summary.setText(
            f"{cv.papers} peer-reviewed paper{'s' if cv.papers != 1 else ''}, "
            f"{cv.total} entries in all"
        )
        parts = [
            f"<h2>{html.escape(cv.fellow)}</h2>",
            *(f"<div>{html.escape(d)}</div>" for d in cv.details),
            f"<p><i>{html.escape(subtitle(cv))}</i></p>",
        ]
        for section in cv.sections:
            if not section.lines:
                continue
            parts.append(f"<h3>{html.escape(section.title)} ({len(section.lines)})</h3><ol>")
            parts.extend(f"<li>{runs_html(line.runs)}</li>" for line in section.lines)
            parts.append("</ol>")
        if not cv.total:
            parts.append("<p>Nothing recorded for this period.</p>")
        self.preview.setHtml("".join(parts))

    def save(self, path: str) -> object:
        """Write the CV to ``path`` (.docx or .pdf) in the background."""
        fellow, since = self.fellow_id, self.since_date()
        if fellow is None:
            return None
        return self.saver.save(
            path,
            lambda s, a, target: career.export_cv(s, a, fellow, target, since=since, force=True),
        )

    def _on_save_clicked(self, fmt: str) -> None:
        name = (self.cv.fellow.split(",")[0] if self.cv else "cv").replace(" ", "-").lower()
        path = ask_save_path(self, fmt, f"{name}-cv.{fmt}")
        if path:
            self.save(path)

    def _on_all_dates_toggled(self, checked: bool) -> None:
        self.since.setEnabled(not checked)
        self.reload()
