"""A small rounded label that shows a status in its colour."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

_GREY = "#6b7280"
_BLUE = "#2563eb"
_AMBER = "#b45309"
_GREEN = "#15803d"
_RED = "#b91c1c"
_SLATE = "#475569"

STATUS_COLORS: dict[str, str] = {
    # submissions
    "draft": _GREY,
    "submitted": _BLUE,
    "with editor": _BLUE,
    "under review": _BLUE,
    "revision submitted": _BLUE,
    "major revision": _AMBER,
    "minor revision": _AMBER,
    "accepted": _GREEN,
    "in press": _GREEN,
    "published": _GREEN,
    "rejected": _RED,
    "withdrawn": _SLATE,
    # abstracts
    "accepted as poster": _GREEN,
    "accepted as oral": _GREEN,
    "presented": _GREEN,
    # projects
    "idea": _GREY,
    "protocol": _GREY,
    "IRB submitted": _BLUE,
    "IRB approved": _BLUE,
    "data collection": _BLUE,
    "analysis": _BLUE,
    "writing": _BLUE,
    "complete": _GREEN,
    "on hold": _AMBER,
    "abandoned": _SLATE,
}


def status_color(status: str) -> str:
    """The colour (``#rrggbb``) a status is shown in."""
    return STATUS_COLORS.get(status, _GREY)


def tint(color: str, alpha: float) -> str:
    """``rgba(...)`` of a ``#rrggbb`` colour at ``alpha`` (Qt reads #aarrggbb otherwise)."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {round(alpha * 255)})"


class StatusChip(QLabel):
    """A status as a rounded, tinted label."""

    def __init__(self, status: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusChip")
        self.set_status(status)

    def set_status(self, status: str) -> None:
        """Show ``status`` in its colour."""
        color = status_color(status)
        self.setText(status)
        self.setVisible(bool(status))
        self.setStyleSheet(
            f"QLabel#statusChip {{ color: {color}; background: {tint(color, 0.12)};"
            f" border: 1px solid {tint(color, 0.35)}; border-radius: 9px; padding: 1px 9px;"
            " font-weight: 600; }"
        )
        self.setProperty("status", status)
