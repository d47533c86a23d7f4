"""Reads of a current SQLite file through Python's sqlite3 alone, for commands that answer at once.

Importing SQLAlchemy costs a command about a quarter of a second of processor time before
it reads anything, more than ``scholar-desk list`` may take in all. `PlainReader` opens a
database file that is already at this version's schema and reads it in plain SQL; where
anything is not plainly so (a server URL, a missing or older file, a locked or damaged
one) `PlainReader.open_current` gives ``None`` and the command goes the ordinary way,
through `Library`, which then says what is wrong in its own words.

SQL given to `fetch` uses ``:name`` parameters, which both sqlite3 and SQLAlchemy's
``text()`` read, so a query the services share is written once for both ways in.

`PlainWriter` does the same for a write: one ``BEGIN IMMEDIATE`` ... ``COMMIT`` on a
current file (an import), through `execute` and `execute_many`, which take a session
just as well. Work that needs more than plain SQL raises `NotPlainError`; the caller
rolls back and goes the ordinary way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeAlias
from urllib.parse import quote

from scholar_desk.core.db import sqlite
from scholar_desk.core.db.migrations import HEAD_REVISION

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_STAMP = "%Y-%m-%d %H:%M:%S.%f"
"""How SQLAlchemy's SQLite ``DateTime`` stores a moment as text (always with microseconds)."""


class NotPlainError(Exception):
    """The work needs more than plain SQL: the caller rolls back and uses a session."""


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
        path = _current_file(target)
        if path is None:
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


class PlainWriter(PlainReader):
    """One writing unit of work on a current SQLite file: ``BEGIN IMMEDIATE`` ... ``COMMIT``.

    The connection is set up as `Library`'s engine sets up each of its own (foreign keys,
    busy timeout, WAL, ``synchronous=NORMAL``). Leaving the ``with`` block commits; an
    exception (a cancel, an interrupt, an error) rolls back, so nothing is left half
    written.
    """

    @classmethod
    def open_current(cls, target: str) -> PlainWriter | None:
        """A writer on ``target`` if it is an SQLite file at this version's schema.

        The write lock is taken first, so the schema checked is the one written to.

        Returns:
            ``None`` as `PlainReader.open_current` does; the caller then opens it
            through `Library`.

        Raises:
            sqlite3.OperationalError: Another program held the write lock for longer
                than the busy timeout.
        """
        path = _current_file(target)
        if path is None:
            return None
        connection = None
        try:
            connection = sqlite3.connect(
                str(path), timeout=sqlite.BUSY_TIMEOUT_SECONDS, isolation_level=None
            )
            connection.execute("PRAGMA foreign_keys=ON")
            connection.execute(f"PRAGMA busy_timeout={int(sqlite.BUSY_TIMEOUT_SECONDS * 1000)}")
            mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("BEGIN IMMEDIATE")
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.Error as exc:
            if connection is not None:
                connection.close()
            if sqlite.is_busy(str(exc)):
                raise
            return None
        if row is None or row[0] != HEAD_REVISION:
            connection.execute("ROLLBACK")
            connection.close()
            return None
        return cls(path, connection)

    @property
    def connection(self) -> sqlite3.Connection:
        """The driver's connection, inside this unit's transaction."""
        return self._connection

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> None:
        """Run one statement with ``:name`` parameters.

        Raises:
            sqlite3.Error: SQLite refused it.
        """
        self._connection.execute(sql, dict(params or {}))

    def execute_many(self, sql: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run one statement once per row of ``:name`` parameters.

        Raises:
            sqlite3.Error: SQLite refused it.
        """
        self._connection.executemany(sql, rows)

    def close(self) -> None:
        """Roll back what was not committed and close the connection."""
        with contextlib.suppress(sqlite3.Error):
            if self._connection.in_transaction:
                self._connection.execute("ROLLBACK")
        self._connection.close()

    def __enter__(self) -> PlainWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if kind is None:
                self._connection.execute("COMMIT")
        finally:
            self.close()


Unit: TypeAlias = "Session | PlainReader"
"""A unit of work of either kind: an SQLAlchemy session, or a plain read (or write)."""


def _current_file(target: str) -> Path | None:
    """The database file ``target`` names, if it is one `Library` would open as it is."""
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
    return path


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


def execute(
    unit: Session | PlainReader, sql: str, params: Mapping[str, Any] | None = None
) -> None:
    """Run one writing statement in plain SQL (``:name`` parameters) on either kind of unit.

    Raises:
        NotPlainError: ``unit`` is a read-only `PlainReader`.
    """
    if isinstance(unit, PlainWriter):
        unit.execute(sql, params)
        return
    if isinstance(unit, PlainReader):
        raise NotPlainError("a plain read does not write")
    from sqlalchemy import text

    unit.execute(text(sql), dict(params or {}))


def execute_many(unit: Session | PlainReader, sql: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Run one statement once per row of ``:name`` parameters, on either kind of unit.

    Raises:
        NotPlainError: ``unit`` is a read-only `PlainReader`.
    """
    if not rows:
        return
    if isinstance(unit, PlainWriter):
        unit.execute_many(sql, rows)
        return
    if isinstance(unit, PlainReader):
        raise NotPlainError("a plain read does not write")
    from sqlalchemy import text

    unit.execute(text(sql), [dict(row) for row in rows])


def dialect_name(unit: Session | PlainReader) -> str:
    """``sqlite``, ``postgresql``...: the engine behind the unit of work."""
    if isinstance(unit, PlainReader):
        return "sqlite"
    return unit.get_bind().dialect.name


def sqlite_connection(unit: Session | PlainReader) -> sqlite3.Connection:
    """The sqlite3 connection under an SQLite unit of work, inside its transaction.

    For SQLite-only bulk work (a staging table, ``executemany`` with ``?`` marks) that
    both ways in then run alike.
    """
    if isinstance(unit, PlainWriter):
        return unit.connection
    if isinstance(unit, PlainReader):
        raise NotPlainError("a plain read does not write")
    driver = unit.connection().connection.driver_connection
    if not isinstance(driver, sqlite3.Connection):
        raise TypeError("not an SQLite session")
    return driver


_SERVER_ARRAYS = {str: "text[]", int: "bigint[]"}
"""The array type a server is given a list of these values as (see `in_list`)."""


def in_list(
    name: str, values: Sequence[Any], unit: Session | PlainReader | None = None
) -> tuple[str, dict[str, Any]]:
    """``(:name0, :name1, ...)`` and its parameters, for ``column IN`` a list of values.

    On a PostgreSQL session (``unit``) it is ``(SELECT unnest(CAST(:name AS text[])))``
    with the list as one array parameter instead: the server then parses and plans one
    short statement rather than one with a thousand parameters, and neither SQLAlchemy
    nor psycopg rewrites a thousand placeholders (0.5 s of a 20,000-reference import).
    On SQLite (a session or a plain unit) it is one JSON parameter read by ``json_each``
    (SQLite still looks each value up in the column's index): SQLite finds a named
    parameter by a linear search of those seen so far, so 5,000 of them took 0.15 s to
    prepare, where this takes 0.004 s. Callers keep ``values`` to a few thousand
    (`references.records.CHUNK`).
    """
    dialect = dialect_name(unit) if unit is not None else ""
    if dialect == "sqlite" and _JSON_EACH:
        import json

        return f"(SELECT value FROM json_each(:{name}))", {name: json.dumps(list(values))}
    if values and dialect == "postgresql":
        kind = type(values[0])
        array = _SERVER_ARRAYS.get(kind)
        if array is not None and all(type(value) is kind for value in values):
            return f"(SELECT unnest(CAST(:{name} AS {array})))", {name: list(values)}
    marks = ", ".join(f":{name}{i}" for i in range(len(values)))
    return f"({marks})", {f"{name}{i}": value for i, value in enumerate(values)}


_JSON_EACH = sqlite3.sqlite_version_info >= (3, 38, 0)
"""Whether SQLite has its JSON functions built in (always, from 3.38)."""


def stored_value(unit: Session | PlainReader, value: Any) -> Any:
    """A value as SQLAlchemy's column types store it on SQLite, for plain SQL writes.

    A mapping or list becomes the JSON text the ``JSON`` type writes (``json.dumps``
    with its default separators); a timezone-aware moment becomes `stamp`'s text (a
    naive UTC moment on a server). Anything else is passed as it is.
    """
    if isinstance(value, dict | list):
        import json

        return json.dumps(value)
    if isinstance(value, dt.datetime):
        return stamp(unit, value)
    return value


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
