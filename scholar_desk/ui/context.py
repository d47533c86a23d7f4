"""What every page of the window shares: the library, the actor, the job pool and undo."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtGui import QUndoStack

from scholar_desk.core.db.plain import PlainReader
from scholar_desk.core.errors import DatabaseError
from scholar_desk.core.services.session import Actor

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from scholar_desk.core.db.library import Library


class DataEvents(QObject):
    """Broadcasts that records of a kind changed, so every open view can reload.

    Only `scholar_desk.ui.operations` (and the record commands it runs) and the live
    refresh announce changes; pages listen to ``changed``.
    """

    changed = Signal(str)  # the kind name, or "" for everything
    library_opened = Signal()
    """The library (`AppContext.library`) has opened: a start that painted from the plain
    reader goes on through the ordinary session from here."""

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


class AppContext:
    """Handed to each page and dialog instead of a global main window.

    A window reopening on a page that reads in plain SQL starts with a `PlainReader` on
    the file and no `Library` yet (`pending`); the start-up opens the library right after
    the first paint (`set_library`). Until then `quick_reading` reads through the plain
    reader, and anything that asks for `library` opens it at once.
    """

    def __init__(
        self,
        library: Library | None,
        actor: Actor,
        pool: QThreadPool,
        undo: QUndoStack,
        events: DataEvents | None = None,
        *,
        pending: PendingLibrary | None = None,
    ) -> None:
        if library is None and pending is None:
            raise ValueError("an AppContext needs a library or a pending one")
        self._library = library
        self.actor = actor
        self.pool = pool
        self.undo = undo
        self.events = events if events is not None else DataEvents()
        self._pending = pending
        self._waiting: list[Callable[[], None]] = []

    @property
    def library(self) -> Library:
        """The open library (opened now if the start-up has not opened it yet)."""
        if self._library is None:
            assert self._pending is not None
            self.set_library(self._pending.open())
        assert self._library is not None
        return self._library

    @property
    def library_open(self) -> bool:
        """Whether the library is open (else only the plain reader is)."""
        return self._library is not None

    @property
    def path(self) -> Path | None:
        """The SQLite file, or ``None`` on a server."""
        if self._library is None:
            assert self._pending is not None
            return self._pending.reader.path
        return self._library.path

    @property
    def where(self) -> str:
        """The file, or the server's URL without its password."""
        if self._library is None:
            return str(self.path)
        library = self._library
        return (
            str(library.path) if library.path else library.url.render_as_string(hide_password=True)
        )

    def set_library(self, library: Library) -> None:
        """Go on through ``library``: the plain reader closes, waiting calls run."""
        if self._library is not None:
            return
        self._library = library
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.reader.close()
        waiting, self._waiting = self._waiting, []
        self.events.library_opened.emit()
        for then in waiting:
            then()

    def when_open(self, then: Callable[[], None]) -> None:
        """Call ``then`` now if the library is open, else as soon as it opens."""
        if self._library is not None:
            then()
        else:
            self._waiting.append(then)

    @contextlib.contextmanager
    def quick_reading(self) -> Iterator[Session | PlainReader]:
        """A reading unit: the library's session, or the plain reader until it opens.

        For reads written for both (``Session | PlainReader``).

        Raises:
            DatabaseError: The plain reader could not read the file.
        """
        if self._library is not None or self._pending is None:
            with self.library.reading() as session:
                yield session
            return
        try:
            yield self._pending.reader
        except sqlite3.Error as exc:
            raise DatabaseError(
                f"The database {self._pending.reader.path} could not be read ({exc})."
            ) from exc

    def close(self) -> None:
        """Close the library, or the plain reader if it never opened."""
        if self._library is not None:
            self._library.close()
        elif self._pending is not None:
            self._pending.reader.close()


class PendingLibrary:
    """A library the start-up opens after the first paint, and the plain reader till then.

    Attributes:
        reader: The plain reader on the same file.
    """

    def __init__(self, reader: PlainReader, opener: Callable[[], Library]) -> None:
        self.reader = reader
        self._opener = opener

    def open(self) -> Library:
        """Open the library (imports SQLAlchemy and the models if nothing has yet)."""
        return self._opener()
