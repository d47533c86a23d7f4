"""Reads of a current SQLite file through Python's sqlite3 alone, for commands that answer at once.

Importing SQLAlchemy costs a command about a quarter of a second of processor time before
it reads anything, more than ``scholar-desk list`` may take in all. `PlainReader` opens a
database file that is already at this version's schema and reads it in plain SQL; where
anything is not plainly so (a server URL, a missing or older file, a locked or damaged
one) `PlainReader.open_current` gives ``None`` and the command goes the ordinary way,
through `Library`, which then says what is wrong in its own words.

SQL given to `fetch` uses ``:name`` parameters, which both sqlite3 and SQLAlchemy's
``text()`` read, so a query the services share is written once for both ways in.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from scholar_desk.core.db import sqlite
from scholar_desk.core.db.migrations import HEAD_REVISION

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_STAMP = "%Y-%m-%d %H:%M:%S.%f"


class PlainReader:
    """One read-only unit of work on a current SQLite file: a snapshot until closed.

    Attributes:
        path: The database file.
        info: Per-unit cache, as a session's ``info`` (the services keep answers there).
    """

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self.info: dict[str, Any] = {}
        self._connection = connection

    @classmethod
    def open_current(cls, target: str) -> PlainReader | None:
        """A reader on ``target`` if it is an SQLite file at this version's schema.

        Returns:
            ``None`` when ``target`` is a URL, or the file is missing, not writable by
            the user (as `Library` requires), not SQLite, not current or not readable
            now; the caller then opens it through `Library`.
        """
        if "://" in target:
            return None
        path = Path(target).expanduser().resolve()
        try:
            if (
                not path.is_file()
                or not os.access(path, os.R_OK | os.W_OK)
                or not os.access(path.parent, os.W_OK)
                or not sqlite.is_sqlite_file(path)
            ):
                return None
        except OSError:
            return None
        connection = None
        try:
            connection = sqlite3.connect(
                str(path), timeout=sqlite.BUSY_TIMEOUT_SECONDS, isolation_level=None
            )
            connection.execute("PRAGMA query_only=ON")
            connection.execute("BEGIN")
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.Error:
            if connection is not None:
                connection.close()
            return None
        if row is None or row[0] != HEAD_REVISION:
            connection.close()
            return None
        return cls(path, connection)

    @property
    def where(self) -> str:
        """The database as `Library.url` renders it (``sqlite+pysqlite:///PATH``)."""
        return sqlite_url_text(self.path)

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Every row ``sql`` gives, as tuples.

        Raises:
            sqlite3.Error: The database could not be read.
        """
        return self._connection.execute(sql, dict(params or {})).fetchall()

    def named_rows(
        self, sql: str, params: Mapping[str, Any] | None = None
    ) -> tuple[list[str], list[tuple[Any, ...]]]:
        """The column names and every row ``sql`` gives.

        Raises:
            sqlite3.Error: The database could not be read.
        """
        cursor = self._connection.execute(sql, dict(params or {}))
        return [d[0] for d in cursor.description], cursor.fetchall()

    def declared_types(self, table: str) -> dict[str, str]:
        """Each column of ``table`` and the type its schema declares, upper case.

        Raises:
            sqlite3.Error: The database could not be read.
        """
        return {
            str(name): str(kind).upper()
            for _cid, name, kind, *_rest in self._connection.execute(
                f'PRAGMA table_info("{table}")'
            )
        }

    def close(self) -> None:
        """End the read and close the connection."""
        with contextlib.suppress(sqlite3.Error):
            self._connection.execute("COMMIT")
        self._connection.close()

    def __enter__(self) -> PlainReader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def sqlite_url_text(path: Path) -> str:
    """How SQLAlchemy renders the URL of an SQLite file (a test compares the two)."""
    return "sqlite+pysqlite:///" + quote(str(path), safe=" +/")


def fetch(
    unit: Session | PlainReader, sql: str, params: Mapping[str, Any] | None = None
) -> list[tuple[Any, ...]]:
    """Run one query in plain SQL on either kind of unit of work; its rows as tuples.

    Args:
        unit: A `PlainReader` or an SQLAlchemy session (SQLite or PostgreSQL).
        sql: The query, with ``:name`` parameters.
        params: The parameters' values; pass timestamps through `stamp`.
    """
    if isinstance(unit, PlainReader):
        return unit.rows(sql, params)
    from sqlalchemy import text

    return [tuple(row) for row in unit.execute(text(sql), dict(params or {}))]


def stamp(unit: Session | PlainReader, moment: dt.datetime) -> Any:
    """A timezone-aware moment as a parameter compared with stored timestamps.

    Timestamps are stored naive in UTC (`UTCDateTime`): SQLite holds them as text in
    this form, a server as ``timestamp``.
    """
    naive = moment.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(unit, PlainReader) or unit.get_bind().dialect.name == "sqlite":
        return naive.strftime(_STAMP)
    return naive


def parse_stamp(value: Any) -> dt.datetime | None:
    """A stored timestamp (SQLite text) as the aware UTC moment the models give."""
    if value is None:
        return None
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=dt.UTC)
