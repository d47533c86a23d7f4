"""Give the selected references new citation keys from a pattern."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from scholar_desk.core.services import references
from scholar_desk.core.settings import Settings
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.operations import Operation


class RekeyDialog(QDialog):
    """Ask for a key pattern; saving gives the references unique keys built from it."""

    def __init__(
        self, ctx: AppContext, reference_ids: Sequence[int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.reference_ids = list(reference_ids)
        self.changed: dict[int, str] | None = None
        self.setWindowTitle("Regenerate citation keys")
        self.setMinimumWidth(460)
        count = len(self.reference_ids)
        intro = QLabel(
            f"New keys for the {count} selected reference{'s' if count != 1 else ''}. "
            "Keys stay unique: a clash gets a, b, c… at the end.",
            self,
        )
        intro.setWordWrap(True)
        self.pattern_edit = QLineEdit(Settings.load().citation_key_pattern, self)
        help_label = QLabel("Use {author}, {year}, {title} and {journal}.", self)
        help_label.setStyleSheet("color: palette(placeholder-text);")
        form = QFormLayout()
        form.addRow("Pattern", self.pattern_edit)
        form.addRow("", help_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Regenerate")
        self.ok_button.setEnabled(bool(self.reference_ids))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def accept(self) -> None:
        pattern = self.pattern_edit.text().strip()
        ids = self.reference_ids

        def write(session: Any, actor: Any) -> tuple[dict[int, str], dict[int, str]]:
            rows = references.records_for(session, ids)  # in the order of ids, as rekeying pairs
            before = {ref_id: row.citation_key for ref_id, row in zip(ids, rows, strict=False)}
            return before, references.regenerate_keys(session, actor, ids, pattern)

        done = Operation(
            self.ctx,
            self,
            write,
            changes=("reference",),
            undo=lambda s, a, result: references.restore_keys(s, a, result[0]),
            text=f"Regenerate {len(ids)} citation key{'s' if len(ids) != 1 else ''}",
        ).run()
        if done is None:
            return
        self.changed = done[1]
        settings = Settings.load()
        if settings.citation_key_pattern != pattern:
            settings.citation_key_pattern = pattern
            settings.save()
        super().accept()

    @classmethod
    def open_for(
        cls, parent: QWidget | None, ctx: AppContext, reference_ids: Sequence[int]
    ) -> RekeyDialog:
        """Open the dialog without blocking and return it."""
        dialog = cls(ctx, reference_ids, parent)
        dialog.open()
        return dialog
