"""A reference list in a chosen citation style: preview, copy, export."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from scholar_desk.core.formats import bibliography_files, csl
from scholar_desk.core.services import bibliography, reference_style, styles
from scholar_desk.core.services.bibliography import ReferenceList
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.operations import Operation, Unit, query

_OWN_STYLE = "__own__"


def copy_citations(ctx: AppContext, reference_ids: Sequence[int]) -> tuple[str, int]:
    """Copy references in AMA style (numbered when several); return the text and count."""
    with ctx.library.reading() as session:
        formatted, _order = reference_style.format_ids(session, reference_ids, csl.DEFAULT_STYLE)
    if len(formatted.entries) == 1:
        text = formatted.entries[0].text
    else:
        text = "\n".join(csl.plain_lines(formatted))
    QApplication.clipboard().setText(text)
    return text, len(formatted.entries)


class BibliographyDialog(QDialog):
    """The reference list of a record, or of picked references, in a style to choose."""

    def __init__(
        self,
        ctx: AppContext,
        *,
        kind: str | None = None,
        target_id: int | None = None,
        reference_ids: Sequence[int] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        self.target_id = target_id
        self.reference_ids = list(reference_ids)
        self.listing: ReferenceList | None = None
        self.setWindowTitle("Reference list")
        self.setMinimumSize(560, 420)

        self.style_combo = QComboBox(self)
        self.style_combo.setAccessibleName("Citation style")
        found = query(ctx, self, lambda session, _actor: styles.available(session)) or []
        if kind is not None:
            self.style_combo.addItem("Its own style", _OWN_STYLE)
        for info in found:
            suffix = "" if info.shipped else " (added)"
            self.style_combo.addItem(f"{info.title}{suffix}", info.name)
        self.reason = QLabel(self)
        self.reason.setObjectName("pageSubtitle")
        self.reason.setWordWrap(True)
        self.preview = QTextBrowser(self)
        self.preview.setAccessibleName("Reference list preview")
        self.preview.setOpenLinks(False)
        self.warnings = QLabel(self)
        self.warnings.setObjectName("fieldError")
        self.warnings.setWordWrap(True)

        self.copy_button = QPushButton("Copy reference list", self)
        self.copy_button.clicked.connect(self.copy)
        self.export_button = QPushButton("Export…", self)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.add_style_button = QPushButton("Add a style file…", self)
        self.add_style_button.setToolTip(
            "Add a journal's CSL style (.csl, from the CSL styles repository or the journal)"
        )
        self.add_style_button.clicked.connect(self._on_add_style_clicked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.add_style_button, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("&Style", self.style_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.reason)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.warnings)
        layout.addWidget(buttons)
        self.style_combo.currentIndexChanged.connect(self.refresh)
        self.refresh()

    def chosen_style(self) -> str | None:
        """The style picked, or ``None`` for the record's own."""
        data = self.style_combo.currentData()
        return None if data in (None, _OWN_STYLE) else str(data)

    def refresh(self) -> None:
        """Format the list again in the chosen style."""
        style = self.chosen_style()

        def read(session: Any, actor: Any) -> ReferenceList:
            return bibliography.reference_list(
                session,
                actor,
                self.kind,
                self.target_id,
                self.reference_ids,
                style=style,
            )

        self.listing = query(self.ctx, self, read)
        listing = self.listing
        if listing is None:
            self.preview.clear()
            self.copy_button.setEnabled(False)
            self.export_button.setEnabled(False)
            return
        formatted = listing.formatted
        count = len(formatted.entries)
        self.reason.setText(
            f"{count} reference{'s' if count != 1 else ''} of {listing.source}, in "
            f"{formatted.title} ({listing.style_reason})."
        )
        if count:
            self.preview.setHtml(bibliography_files.as_html(formatted, "References"))
        else:
            self.preview.setPlainText(
                "Nothing is cited yet: cite references from the References page (Cite in…)."
            )
        self.warnings.setText("\n".join(formatted.warnings))
        self.warnings.setVisible(bool(formatted.warnings))
        self.copy_button.setEnabled(bool(count))
        self.export_button.setEnabled(bool(count))

    def copy(self) -> str:
        """Put the list on the clipboard (formatted and plain); return the plain text."""
        if self.listing is None:
            return ""
        formatted = self.listing.formatted
        text = bibliography_files.as_text(formatted)
        data = QMimeData()
        data.setText(text)
        data.setHtml(bibliography_files.list_html(formatted))
        QApplication.clipboard().setMimeData(data)
        self.reason.setText(f"Copied {len(formatted.entries)} references in {formatted.title}.")
        return text

    def export_to(self, path: Path, *, force: bool = False) -> Path | None:
        """Write the list to ``path`` (.txt, .html or .docx); ``None`` when it failed."""
        listing = self.listing
        if listing is None:
            return None

        def write(_session: Any, _actor: Any) -> Path:
            return bibliography_files.write(listing.formatted, path, force=force)

        written = Operation(self.ctx, self, write, unit=Unit.NONE).run()
        if written is not None:
            self.reason.setText(f"Wrote the reference list to {written}.")
        return written

    def add_style(self, path: Path) -> str | None:
        """Add a .csl file as a style (kept in the database) and choose it."""

        def add(session: Any, actor: Any) -> str:
            return styles.add(session, actor, path).name

        name = Operation(self.ctx, self, add, changes=("citation_style",)).run()
        if name is None:
            return None
        if self.style_combo.findData(name) < 0:
            info = query(self.ctx, self, lambda session, _actor: styles.get(session, name))
            self.style_combo.addItem(f"{info.title if info else name} (added)", name)
        self.style_combo.setCurrentIndex(self.style_combo.findData(name))
        return name

    def _on_add_style_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Add a citation style", "", "CSL styles (*.csl *.xml)"
        )
        if name:
            self.add_style(Path(name))

    def _on_export_clicked(self) -> None:
        from scholar_desk.ui.dialogs.replace_dialog import ReplaceDialog

        name, _ = QFileDialog.getSaveFileName(
            self,
            "Export reference list",
            "references.docx",
            "Word document (*.docx);;Web page (*.html);;Plain text (*.txt)",
        )
        if not name:
            return
        path = Path(name)
        if not ReplaceDialog.ask(self, path):
            return
        self.export_to(path, force=True)
