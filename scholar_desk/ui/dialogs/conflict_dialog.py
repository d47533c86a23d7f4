"""Both you and someone else changed the same fields: show each side by side and choose."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from scholar_desk.core.services.merge import MINE, THEIRS, Clash

__all__ = ["MINE", "THEIRS", "ConflictDialog", "value_text", "when_text"]


def value_text(value: Any) -> str:
    """A stored value as the chooser shows it."""
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def when_text(at: dt.datetime | None) -> str:
    """A moment in the user's local time, e.g. '2026-11-30 09:05'."""
    if at is None:
        return ""
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone().strftime("%Y-%m-%d %H:%M")


def _who_text(clash: Clash) -> str:
    who = clash.changed_by or "another window"
    when = when_text(clash.changed_at)
    return f"Saved by {who}, {when}" if when else f"Saved by {who}"


class ConflictDialog(QDialog):
    """One box per clashing field: your value and the saved one, with who saved it and when."""

    def __init__(
        self,
        what: str,
        clashes: Sequence[Clash],
        kept_theirs: Sequence[str] = (),
        parent: QWidget | None = None,
        *,
        show: Callable[[str, Any], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.clashes = list(clashes)
        self.setWindowTitle("Changed in two places")
        shown = show or (lambda _name, value: value_text(value))
        intro = QLabel(
            f"Both you and someone else changed {'this field' if len(clashes) == 1 else 'these fields'} "
            f"of the {what} since you opened it. Choose which value to keep for each; "
            "Save keeps your choice together with your other changes.",
            self,
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        if kept_theirs:
            self.kept_label = QLabel(
                "Kept as saved elsewhere (you did not change them): "
                + ", ".join(kept_theirs)
                + ".",
                self,
            )
            self.kept_label.setWordWrap(True)
            layout.addWidget(self.kept_label)
        body = QWidget(self)
        rows = QVBoxLayout(body)
        self.groups: dict[str, QButtonGroup] = {}
        self.texts: dict[str, tuple[str, str, str]] = {}
        for clash in self.clashes:
            box = QGroupBox(clash.label, body)
            grid = QGridLayout(box)
            mine_text, theirs_text = shown(clash.name, clash.mine), shown(clash.name, clash.theirs)
            if clash.mine is None and clash.name.startswith("section:"):
                mine_text = "(you removed this section)"
            if clash.theirs is None and clash.name.startswith("section:"):
                theirs_text = "(removed elsewhere)"
            who = _who_text(clash)
            self.texts[clash.name] = (mine_text, theirs_text, who)
            mine_button = QRadioButton("Keep &yours", box)
            theirs_button = QRadioButton("Keep the &saved one", box)
            mine_button.setAccessibleName(f"Keep your {clash.label}")
            theirs_button.setAccessibleName(f"Keep the saved {clash.label}")
            group = QButtonGroup(box)
            group.addButton(mine_button)
            group.addButton(theirs_button)
            mine_button.setProperty("side", MINE)
            theirs_button.setProperty("side", THEIRS)
            mine_button.setChecked(True)
            self.groups[clash.name] = group
            for col, (heading, text, button) in enumerate(
                (("Yours", mine_text, mine_button), (who, theirs_text, theirs_button))
            ):
                title = QLabel(f"<b>{heading}</b>", box)
                value = QLabel(text, box)
                value.setWordWrap(True)
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                value.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
                grid.addWidget(title, 0, col)
                grid.addWidget(value, 1, col)
                grid.addWidget(button, 2, col)
                grid.setColumnStretch(col, 1)
            rows.addWidget(box)
        rows.addStretch()
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)
        all_mine = QPushButton("Keep all &mine", self)
        all_theirs = QPushButton("Keep all &theirs", self)
        all_mine.clicked.connect(lambda: self.choose_all(MINE))
        all_theirs.clicked.connect(lambda: self.choose_all(THEIRS))
        quick = QHBoxLayout()
        quick.addWidget(all_mine)
        quick.addWidget(all_theirs)
        quick.addStretch()
        layout.addLayout(quick)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Save")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, min(720, 200 + 150 * max(1, len(self.clashes))))

    def choose(self, name: str, which: str) -> None:
        """Pick ``mine`` or ``theirs`` for one clash."""
        for button in self.groups[name].buttons():
            if button.property("side") == which:
                button.setChecked(True)

    def choose_all(self, which: str) -> None:
        """Pick the same side for every clash."""
        for name in self.groups:
            self.choose(name, which)

    def choices(self) -> dict[str, str]:
        """``mine`` or ``theirs`` per clash name."""
        out: dict[str, str] = {}
        for name, group in self.groups.items():
            checked = group.checkedButton()
            out[name] = str(checked.property("side")) if checked is not None else MINE
        return out

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        what: str,
        clashes: Sequence[Clash],
        kept_theirs: Sequence[str] = (),
        *,
        show: Callable[[str, Any], str] | None = None,
    ) -> Mapping[str, str] | None:
        """Show the clashes; return ``mine``/``theirs`` per clash, or ``None`` on Cancel."""
        dialog = cls(what, clashes, kept_theirs, parent, show=show)
        try:
            accepted = dialog.exec() == QDialog.DialogCode.Accepted  # callers' tests patch ask()
            return dialog.choices() if accepted else None
        finally:
            dialog.deleteLater()
