"""What every page of the window shares: the library, the actor, the job pool and undo."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtGui import QUndoStack

from scholar_desk.core.db.library import Library
from scholar_desk.core.services.session import Actor


class DataEvents(QObject):
    """Broadcasts that records of a kind changed, so every open view can reload.

    Only `scholar_desk.ui.operations` (and the record commands it runs) and the live
    refresh announce changes; pages listen to ``changed``.
    """

    changed = Signal(str)  # the kind name, or "" for everything

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.origin: object | None = None

    def announce(self, kinds: Iterable[str], origin: object | None = None) -> None:
        """Emit ``changed`` once per kind; while it runs, ``origin`` names who wrote.

        A page that made the change itself can tell from ``origin`` and skip reloading
        over what it shows already.
        """
        previous, self.origin = self.origin, origin
        try:
            for kind in dict.fromkeys(kinds):
                self.changed.emit(kind)
        finally:
            self.origin = previous


@dataclass
class AppContext:
    """Handed to each page and dialog instead of a global main window."""

    library: Library
    actor: Actor
    pool: QThreadPool
    undo: QUndoStack
    events: DataEvents = field(default_factory=DataEvents)
