"""What every page of the window shares: the library, the actor, the job pool and undo."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtGui import QUndoStack

from scholar_desk.core.db.library import Library
from scholar_desk.core.services.session import Actor


class DataEvents(QObject):
    """Broadcasts that records of a kind changed, so every open view can reload."""

    changed = Signal(str)  # the kind name, or "" for everything


@dataclass
class AppContext:
    """Handed to each page and dialog instead of a global main window."""

    library: Library
    actor: Actor
    pool: QThreadPool
    undo: QUndoStack
    events: DataEvents = field(default_factory=DataEvents)
