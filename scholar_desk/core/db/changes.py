"""Noticing changes committed by another window, program or machine, on either engine.

SQLite: ``PRAGMA data_version`` on a connection of its own changes whenever another
connection commits, so one cheap query per look is enough. PostgreSQL: every committed
write sends a notice (`Library.transaction` does), and a connection of its own LISTENs.
Callers see one interface: ``changed()`` answers at once; ``fileno()`` is a socket to
watch for an immediate wake-up where the engine has one.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

from scholar_desk.core.db import postgres, sqlite


class ChangeWatch:
    """Tells whether anything was committed since the last look."""

    def __init__(
        self,
        conn: sqlite3.Connection | None = None,
        listener: postgres.NotifyListener | None = None,
    ) -> None:
        self._conn = conn
        self._listener = listener
        self._last = self._data_version()

    @classmethod
    def for_sqlite(cls, path: Path) -> ChangeWatch:
        """A watch on a database file (a read-only connection of its own)."""
        return cls(conn=sqlite.connect_readonly(path, timeout=1.0))

    @classmethod
    def for_server(cls, conninfo: dict[str, Any]) -> ChangeWatch:
        """A watch on a PostgreSQL database (a LISTEN connection of its own)."""
        return cls(listener=postgres.NotifyListener(conninfo))

    def _data_version(self) -> int | None:
        if self._conn is None:
            return None
        try:
            row = self._conn.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error:
            return getattr(self, "_last", None)
        return int(row[0])

    def changed(self) -> bool:
        """Whether a change was committed elsewhere since the last call (never waits)."""
        if self._listener is not None:
            return self._listener.pending()
        stamp = self._data_version()
        if stamp == self._last:
            return False
        self._last = stamp
        return True

    def fileno(self) -> int | None:
        """A socket that becomes readable when a change arrives (``None`` on SQLite)."""
        return self._listener.fileno() if self._listener is not None else None

    def close(self) -> None:
        """Release the watch's connection."""
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None
