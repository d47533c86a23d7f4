"""Follow the signed-in account as a director changes it, while the window is open.

The services already check every call against the account as it is now; this makes the
window show it: a deactivated account is signed out with a message, a changed role
loses (or gains) its pages and actions at once.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject, Signal

from scholar_desk.core.errors import ScholarDeskError
from scholar_desk.core.services import permissions
from scholar_desk.core.services.session import Actor
from scholar_desk.ui.context import AppContext


class AccountWindow(Protocol):
    """What the watch needs of the window (`MainWindow` has both)."""

    def apply_actor(self, actor: Actor) -> None:
        """Show what ``actor`` may use."""

    def sign_out(self, message: str) -> object:
        """Hide everything and close after ``message``."""


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
        try:
            with self.ctx.library.reading() as session:
                now = permissions.current(session, actor)
        except ScholarDeskError:
            return False  # a busy or vanished database: the next poll tries again
        if now is None:
            self.done = True
            message = (
                f"The account {actor.username} was deactivated or changed by a director, "
                "so Scholar Desk signed you out. Nothing you saved is lost."
            )
            self.window.sign_out(message)
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
