"""Everything specific to SQLite: pragmas, IMMEDIATE write transactions, checks and copies.

Other backends (a department PostgreSQL server) go through plain SQLAlchemy; nothing
outside this module speaks SQLite's dialect.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

BUSY_TIMEOUT_SECONDS = 5.0
SQLITE_MAGIC = b"SQLite format 3\x00"


def configure_engine(engine: Engine, *, busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> None:
    """Install the pragmas and transaction handling every SQLite connection needs.

    WAL lets readers and one writer work at once, ``foreign_keys`` makes the schema's
    cascades real, and taking over ``BEGIN`` lets writing transactions start
    ``IMMEDIATE`` so a second writer waits for the lock instead of failing halfway.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
            mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def is_sqlite_file(path: Path) -> bool:
    """Whether ``path`` starts with SQLite's header (an empty file counts as new)."""
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    return head in (b"", SQLITE_MAGIC)


def create_private_file(path: Path) -> None:
    """Create an empty database file readable and writable by its owner only."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def quick_check(path: Path, *, full: bool = False) -> str:
    """Run SQLite's ``quick_check`` (or ``integrity_check``) read-only on a file.

    Returns:
        ``"ok"`` or the first problem SQLite reports.
    """
    uri = f"file:{path}?mode=ro"
    pragma = "integrity_check" if full else "quick_check"
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS)) as c:
            row = c.execute(f"PRAGMA {pragma}").fetchone()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return str(row[0]) if row else "no answer"


def copy_database(source: Path, target: Path) -> None:
    """Copy a live database with SQLite's online backup API (consistent under WAL)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    tmp.unlink(missing_ok=True)
    with (
        contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src,
        contextlib.closing(sqlite3.connect(tmp)) as dst,
    ):
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
    tmp.chmod(0o600)
    tmp.replace(target)
