"""Follow the signed-in account as a director changes it, while the window is open.

The services already check every call against the account as it is now; this makes the
window show it: a deactivated account is signed out with a message, a changed role
loses (or gains) its pages and actions at once.
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QWidget

from scholar_desk.core.services import permissions
from scholar_desk.core.services.session import Actor
from scholar_desk.ui.actions import ACTIONS
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.operations import read

_UNKNOWN = object()
"""The account could not be read this time."""


class AccountWindow(Protocol):
    """What the watch needs of the window (`MainWindow` has both)."""

    def apply_actor(self, actor: Actor) -> None:
        """Show what ``actor`` may use."""


class AccountWatch(QObject):
    """Checks the account after every change the live refresh detects (and on `check`).

    Connect it before the pages reload: ``refresh.detected.connect(watch.check)``.
    """

    signed_out = Signal(str)
    role_changed = Signal(object)

    def __init__(
        self, ctx: AppContext, window: AccountWindow, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.window = window
        self.done = False

    def check(self) -> bool:
        """Look at the account once; whether anything changed."""
        actor = self.ctx.actor
        if self.done or actor.single_user:
            return False
        # A busy or vanished database: the next poll tries again.
        now = read(self.ctx, None, permissions.current, lambda _exc: _UNKNOWN)
        if now is _UNKNOWN:
            return False
        if now is None:
            self.done = True
            message = (
                f"The account {actor.username} was deactivated or changed by a director, "
                "so Scholar Desk signed you out. Nothing you saved is lost."
            )
            sign_out(self.window, message)
            self.signed_out.emit(message)
            return True
        if now != actor:
            self.window.apply_actor(now)
            self.role_changed.emit(now)
            return True
        return False

    def stop(self) -> None:
        """Nothing runs on its own; kept so start-up can stop every service alike."""
        self.done = True


def apply_to_window(window: Any, actor: Actor) -> None:
    """Give ``window`` (a `MainWindow`) the pages, menus and actions of ``actor``'s role now.

    Pages the role may no longer see close; open pages with an ``apply_role`` method
    re-check what they enable.
    """
    window.ctx.actor = actor
    allowed = [p for p in window._all_pages if p.shown_to is None or p.shown_to(actor)]
    keys = [p.key for p in allowed]
    current = window.current_key()
    for key in [k for k in window._pages if k not in keys]:
        page = window._pages.pop(key)
        window.stack.removeWidget(page)
        page.deleteLater()
    window.specs = {spec.key: spec for spec in allowed}
    window.nav.blockSignals(True)
    window.nav.clear()
    window._fill_navigation(allowed)
    window.nav.blockSignals(False)
    window.show_page(current if current in keys else keys[0])
    for spec in ACTIONS:
        if spec.allowed is not None:
            act = window.actions_by_id[spec.id]
            if spec.hide:
                act.setVisible(spec.allowed(actor))
            else:
                act.setEnabled(spec.allowed(actor))
    window._disable_what_the_role_cannot_do()
    window._show_user()
    for page in window._pages.values():
        apply_role = getattr(page, "apply_role", None)
        if callable(apply_role):
            apply_role()


def sign_out(window: object, message: str) -> QMessageBox | None:
    """Hide the window's content, say why, and close it when the message is read."""
    if not isinstance(window, QWidget):
        return None
    central = getattr(window, "centralWidget", None)
    if callable(central) and central() is not None:
        central().setVisible(False)
    for action in window.findChildren(QAction):
        action.setEnabled(False)
    box = QMessageBox(QMessageBox.Icon.Information, "Signed out", message, parent=window)
    box.finished.connect(window.close)
    box.open()
    return box
