"""Copying a whole database to another, on either engine, verified table by table.

Rows go table by table in foreign-key order, each table read in primary-key order and
written in chunks, inside one transaction on the target: a copy lands whole or not at
all. Afterwards every table is read back on both sides and compared by its row count
and a checksum (SHA-256 over every row's values in primary-key order, as the models
read them), so a copy that differs in one field of one row is caught.

Only the models' tables are copied; what each engine derives from them (SQLite's FTS5
index, the server's ``tsvector`` column, the tag search text) is rebuilt by the
target's own triggers and generated columns.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import LargeBinary, Table, func, select, text
from sqlalchemy.engine import Connection

from scholar_desk.core.db import postgres
from scholar_desk.core.db.base import Base
from scholar_desk.core.db.library import Library, resolve_url
from scholar_desk.core.errors import DatabaseError
from scholar_desk.core.progress import CancelToken, ProgressSink, no_progress

CHUNK_ROWS = 1000
BLOB_CHUNK_ROWS = 20
"""Rows per read and write; fewer where a row may hold a large file."""

KEEP_ON_REPLACE = ("audit_events",)
"""Tables whose rows a replacement keeps: the audit trail only ever grows."""


@dataclass(frozen=True)
class TableCheck:
    """One table compared after a copy.

    Attributes:
        table: Its name.
        rows: Rows on the source side.
        checksum: SHA-256 of its rows (hex).
    """

    table: str
    rows: int
    checksum: str


@dataclass(frozen=True)
class CopyReport:
    """What a copy moved and how it was verified."""

    source: str
    target: str
    tables: tuple[TableCheck, ...]

    @property
    def rows(self) -> int:
        """Rows copied in all."""
        return sum(t.rows for t in self.tables)


def tables() -> list[Table]:
    """The models' tables, parents before children."""
    return list(Base.metadata.sorted_tables)


def _chunk(table: Table) -> int:
    has_blob = any(isinstance(c.type, LargeBinary) for c in table.columns)
    return BLOB_CHUNK_ROWS if has_blob else CHUNK_ROWS


def _order(table: Table) -> list[Any]:
    keys = list(table.primary_key.columns)
    return keys or list(table.columns)


def _canonical(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {"bytes": hashlib.sha256(bytes(value)).hexdigest()}
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bool):
        return int(value)
    return value


def _row_digest(row: Sequence[Any]) -> bytes:
    return json.dumps(
        [_canonical(v) for v in row], sort_keys=True, ensure_ascii=False, default=str
    ).encode("utf-8")


def table_check(conn: Connection, table: Table) -> TableCheck:
    """Count and checksum one table's rows, in primary-key order."""
    digest = hashlib.sha256()
    rows = 0
    result = conn.execution_options(yield_per=_chunk(table)).execute(
        select(table).order_by(*_order(table))
    )
    for row in result:
        digest.update(_row_digest(tuple(row)))
        digest.update(b"\n")
        rows += 1
    return TableCheck(table.name, rows, digest.hexdigest())


def checks(library: Library, only: Iterable[Table] | None = None) -> dict[str, TableCheck]:
    """Every table's count and checksum in one consistent read."""
    with library.reading() as session:
        conn = session.connection()
        return {t.name: table_check(conn, t) for t in (only or tables())}


def row_counts(library: Library) -> dict[str, int]:
    """Rows in each of the models' tables."""
    with library.reading() as session:
        return {
            t.name: int(session.scalar(select(func.count()).select_from(t)) or 0) for t in tables()
        }


def _copy_rows(
    source: Connection,
    target: Connection,
    progress: ProgressSink,
    cancel: CancelToken | None,
    skip: Mapping[str, set[Any]] | None = None,
) -> None:
    todo = tables()
    for number, table in enumerate(todo):
        progress(number, len(todo), f"Copying {table.name}")
        chunk = _chunk(table)
        result = source.execution_options(yield_per=chunk).execute(
            select(table).order_by(*_order(table))
        )
        keys = [c.key for c in table.columns]
        pk = [c.key for c in table.primary_key.columns]
        present = (skip or {}).get(table.name)
        for part in result.partitions(chunk):
            if cancel is not None:
                cancel.check()
            rows = [dict(zip(keys, row, strict=True)) for row in part]
            if present:
                rows = [r for r in rows if tuple(r[k] for k in pk) not in present]
            if rows:
                target.execute(table.insert(), rows)
    progress(len(todo), len(todo), "Copied")


def _reset_sequences(conn: Connection) -> None:
    """On a server, let new rows continue after the copied ids."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables():
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not keys[0].autoincrement or keys[0].type.python_type is not int:
            continue
        column = keys[0].name
        sequence = conn.scalar(
            text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": f'"{table.name}"', "c": column}
        )
        if sequence is None:
            continue
        conn.execute(
            text(
                f'SELECT setval(:s, coalesce(max("{column}"), 1), max("{column}") IS NOT NULL) '
                f'FROM "{table.name}"'
            ),
            {"s": sequence},
        )


def _require_empty(target: Library) -> None:
    counts = row_counts(target)
    used = {name: n for name, n in counts.items() if n}
    if used:
        listed = ", ".join(f"{name} ({n})" for name, n in sorted(used.items())[:3])
        raise DatabaseError(
            f"{target.where} is not empty ({listed}); copy onto an empty database only. "
            "Nothing was written."
        )


def open_empty_target(
    target: str,
    *,
    source: Library,
    password_prompt: postgres.PasswordPrompt | None = None,
) -> Library:
    """Open the database a copy goes to, creating its schema; refuse one with data.

    Nothing is written to a target that already holds a database (at any version) with
    rows in it, nor to an existing file that is not empty.

    Raises:
        DatabaseError: The target is the source, holds data, or cannot be opened.
    """
    url = resolve_url(target)
    if url == source.url or (source.path is not None and str(url.database) == str(source.path)):
        raise DatabaseError("The copy must go to another database than this one.")
    if url.get_backend_name() == "sqlite" and url.database:
        path = Path(url.database)
        if path.exists() and path.stat().st_size > 0:
            raise DatabaseError(
                f"{path} already exists; copy onto a new file or an empty server database. "
                "Nothing was written."
            )
    library = Library(target, password_prompt=password_prompt)
    try:
        _prepare_target(library)
    except BaseException:
        library.close()
        raise
    return library


def _prepare_target(library: Library) -> None:
    current = library.current_revision()
    if current is not None and current != library.head_revision():
        raise DatabaseError(
            f"{library.where} already holds a Scholar Desk database of another version; "
            "copy onto an empty database only. Nothing was written."
        )
    if current is None:
        library.upgrade(change_schema=True)
    _require_empty(library)


def _verify(source: Library, target: Library) -> tuple[TableCheck, ...]:
    mine = checks(source)
    theirs = checks(target)
    for name, check in mine.items():
        other = theirs[name]
        if (check.rows, check.checksum) != (other.rows, other.checksum):
            raise DatabaseError(
                f"The copy of table {name} does not match ({check.rows} rows here, "
                f"{other.rows} there); the copy cannot be trusted.",
                f"{check.checksum} != {other.checksum}",
            )
    return tuple(mine.values())


def copy_database(
    source: Library,
    target: Library,
    *,
    progress: ProgressSink = no_progress,
    cancel: CancelToken | None = None,
) -> CopyReport:
    """Copy every row of ``source`` into the empty ``target`` (both at the current schema).

    Raises:
        DatabaseError: ``target`` holds data, the copy failed (nothing was written), or
            the copy does not match the source table for table.
        CancelledError: ``cancel`` was set; nothing was written.
    """
    _require_empty(target)
    with source.reading() as reading, target.transaction() as writing:
        conn = writing.connection()
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
        _copy_rows(reading.connection(), conn, progress, cancel)
        _reset_sequences(conn)
        writing.info["wrote"] = True  # rows went in through the connection: announce them
    return CopyReport(source.where, target.where, _verify(source, target))


def replace_contents(
    source: Library,
    target: Library,
    *,
    progress: ProgressSink = no_progress,
    cancel: CancelToken | None = None,
) -> CopyReport:
    """Replace everything in ``target`` with ``source``'s rows, in one transaction.

    The audit trail is the exception: its rows stay and the source's events not already
    there are added, since nobody may delete audit events (on a server, not even the
    application's own role).

    Raises:
        DatabaseError: The replacement failed (nothing was changed) or does not match.
        CancelledError: ``cancel`` was set; nothing was changed.
    """
    kept = [t for t in tables() if t.name in KEEP_ON_REPLACE]
    with source.reading() as reading, target.transaction() as writing:
        conn = writing.connection()
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
        for table in reversed(tables()):
            if table.name not in KEEP_ON_REPLACE:
                conn.execute(table.delete())
        present = {
            t.name: {tuple(r) for r in conn.execute(select(*t.primary_key.columns))} for t in kept
        }
        _copy_rows(reading.connection(), conn, progress, cancel, skip=present)
        _reset_sequences(conn)
        writing.info["wrote"] = True
    replaced = [t for t in tables() if t.name not in KEEP_ON_REPLACE]
    mine = checks(source, replaced)
    theirs = checks(target, replaced)
    for name, check in mine.items():
        if (check.rows, check.checksum) != (theirs[name].rows, theirs[name].checksum):
            raise DatabaseError(f"The restored table {name} does not match its backup.")
    return CopyReport(source.where, target.where, tuple(mine.values()))
