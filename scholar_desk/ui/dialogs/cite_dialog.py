"""Cite selected references in an abstract, project or manuscript."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from scholar_desk.core.services import citations, lookup
from scholar_desk.core.services.citations import Citation, CitingTarget
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.operations import Operation

_KIND_TITLES = {"abstract": "Abstract", "project": "Project", "manuscript": "Manuscript"}


class CiteDialog(QDialog):
    """Pick what cites the selected references; saving appends them to its list."""

    def __init__(
        self, ctx: AppContext, reference_ids: Sequence[int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.reference_ids = list(reference_ids)
        self.result_list: list[Citation] | None = None
        self.setWindowTitle("Cite in…")
        self.setMinimumWidth(520)
        count = len(self.reference_ids)
        intro = QLabel(
            f"Add the {count} selected reference{'s' if count != 1 else ''} to the end of "
            "the numbered reference list of:",
            self,
        )
        intro.setWordWrap(True)
        self.target_combo = QComboBox(self)
        self.target_combo.setAccessibleName("Cite in")
        with ctx.library.reading() as session:
            self.targets: list[CitingTarget] = citations.citing_targets(session, ctx.actor)
            self.flagged = lookup.warnings_for(session, self.reference_ids)
        for target in self.targets:
            self.target_combo.addItem(f"{_KIND_TITLES[target.kind]}: {target.title}")
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        if not self.targets:
            self.hint.setText("There is no abstract, project or manuscript you may change.")
        elif self.flagged:
            self.hint.setObjectName("fieldError")
            self.hint.setText(
                "Check before citing: " + " ".join(f"{line}." for line in self.flagged)
            )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Cite")
        self.ok_button.setEnabled(bool(self.targets) and bool(self.reference_ids))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.target_combo)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)

    def selected_target(self) -> CitingTarget | None:
        """The record chosen in the list."""
        index = self.target_combo.currentIndex()
        return self.targets[index] if 0 <= index < len(self.targets) else None

    def accept(self) -> None:
        target = self.selected_target()
        if target is None:
            return
        kind, target_id, wanted = target.kind, target.target_id, self.reference_ids

        def write(session: Any, actor: Any) -> tuple[list[Citation], list[int]]:
            before = {c.reference_id for c in citations.citations(session, actor, kind, target_id)}
            after = citations.cite(session, actor, kind, target_id, wanted)
            return after, [c.reference_id for c in after if c.reference_id not in before]

        def undo(session: Any, actor: Any, result: tuple[list[Citation], list[int]]) -> None:
            for ref_id in result[1]:
                citations.uncite(session, actor, kind, target_id, ref_id)

        done = Operation(
            self.ctx,
            self,
            write,
            changes=("reference", kind),
            undo=undo,
            text=f"Cite in “{target.title[:40]}”",
        ).run()
        if done is None:
            return
        self.result_list = done[0]
        super().accept()

    @classmethod
    def open_for(
        cls, parent: QWidget | None, ctx: AppContext, reference_ids: Sequence[int]
    ) -> CiteDialog:
        """Open the dialog without blocking and return it."""
        dialog = cls(ctx, reference_ids, parent)
        dialog.open()
        return dialog
