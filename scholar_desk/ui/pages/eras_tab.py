"""The ERAS tab: a fellow's Scholarly Works as entries, three ticked as most meaningful."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from scholar_desk.core.formats.eras import CHECK_NOTE, MEANINGFUL, ErasWorks, eras_text
from scholar_desk.core.services import career
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.errors import show_error
from scholar_desk.ui.icons import icon
from scholar_desk.ui.pages.career_common import Saver, ask_save_path

_KEY = Qt.ItemDataRole.UserRole


class ErasTab(QWidget):
    """Entries to tick (at most three most meaningful), the text as it will paste, saving."""

    reloaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.fellow_id: int | None = None
        self.works: ErasWorks | None = None
        self.saver = Saver(ctx, self)
        self.season = QLabel(self)
        self.season.setObjectName("erasSeason")
        self.season.setWordWrap(True)
        self.entries = QListWidget(self)
        self.entries.setObjectName("erasEntries")
        self.entries.setAccessibleName("ERAS entries; tick up to three as most meaningful")
        self.preview = QTextBrowser(self)
        self.preview.setObjectName("erasPreview")
        self.preview.setAccessibleName("ERAS text to paste")
        self.txt_button = QPushButton("Save text to paste\u2026", self)
        self.docx_button = QPushButton("Save as Word\u2026", self)
        for button, fmt in ((self.txt_button, "txt"), (self.docx_button, "docx")):
            button.setIcon(icon("export"))
            button.clicked.connect(lambda _=False, f=fmt: self._on_save_clicked(f))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.txt_button)
        buttons.addWidget(self.docx_button)
        body = QHBoxLayout()
        body.addWidget(self.entries, 2)
        body.addWidget(self.preview, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.season)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)
        self.entries.itemChanged.connect(self._on_entries_item_changed)

    def set_fellow(self, fellow_id: int | None) -> None:
        """Show this fellow's entries (nothing ticked)."""
        self.fellow_id = fellow_id
        self._build(())

    def meaningful(self) -> list[str]:
        """The ticked entries' keys, in list order."""
        return [
            str(self.entries.item(n).data(_KEY))
            for n in range(self.entries.count())
            if self.entries.item(n).checkState() == Qt.CheckState.Checked
        ]

    def _build(self, chosen: tuple[str, ...] | list[str]) -> None:
        self.works = None
        if self.fellow_id is not None:
            try:
                with self.ctx.library.reading() as session:
                    self.works = career.build_eras(
                        session, self.ctx.actor, self.fellow_id, list(chosen)
                    )
            except Exception as exc:  # noqa: BLE001 - shown to the user, the page stays usable
                show_error(self, exc)
        works = self.works
        self.entries.blockSignals(True)
        self.entries.clear()
        for entry in works.entries if works is not None else ():
            item = QListWidgetItem(f"{entry.type}: {entry.title} ({entry.status})", self.entries)
            item.setData(_KEY, entry.key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = works is not None and entry.key in works.meaningful
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.entries.blockSignals(False)
        has = works is not None and bool(works.entries)
        self.txt_button.setEnabled(has)
        self.docx_button.setEnabled(has)
        if works is None:
            self.season.setText("Choose a fellow.")
            self.preview.setPlainText("")
        else:
            self.season.setText(
                f"<b>ERAS {works.season} season</b>: {len(works.entries)} entries; tick up to "
                f"{MEANINGFUL} as most meaningful. {CHECK_NOTE}"
            )
            self.preview.setPlainText(eras_text(works))
        self.reloaded.emit()

    def save(self, path: str) -> object:
        """Write the entries to ``path`` (.txt or .docx) in the background."""
        fellow, chosen = self.fellow_id, self.meaningful()
        if fellow is None:
            return None
        return self.saver.save(
            path, lambda s, a, target: career.export_eras(s, a, fellow, target, chosen, force=True)
        )

    def _on_save_clicked(self, fmt: str) -> None:
        path = ask_save_path(self, fmt, f"eras-scholarly-works.{fmt}")
        if path:
            self.save(path)

    def _on_entries_item_changed(self, item: QListWidgetItem) -> None:
        chosen = self.meaningful()
        if len(chosen) > MEANINGFUL:
            # A fourth tick takes the place of none: it is undone.
            self.entries.blockSignals(True)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.entries.blockSignals(False)
            chosen = self.meaningful()
        self._build(chosen)
