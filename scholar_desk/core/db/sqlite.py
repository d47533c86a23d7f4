"""Everything specific to SQLite: pragmas, IMMEDIATE write transactions, checks and copies.

Other backends (a department PostgreSQL server) go through plain SQLAlchemy; nothing
outside this module speaks SQLite's dialect.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from scholar_desk.core import files
from scholar_desk.core.errors import BusyError, DatabaseError, ScholarDeskError
from scholar_desk.core.progress import CancelToken

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine
    from sqlalchemy.sql import Select

BUSY_TIMEOUT_SECONDS = 5.0
SQLITE_MAGIC = b"SQLite format 3\x00"
BACKUP_FOLDER = "backups"


def configure_engine(engine: Engine, *, busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> None:
    """Install the pragmas and transaction handling every SQLite connection needs.

    WAL lets readers and one writer work at once, ``foreign_keys`` makes the schema's
    cascades real, and taking over ``BEGIN`` lets writing transactions start
    ``IMMEDIATE`` so a second writer waits for the lock instead of failing halfway.
    """
    from sqlalchemy import event

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


def ids_in_order(connection: Connection, stmt: Select[Any]) -> list[int]:
    """The single column of ``stmt`` (ids), in its order, read from the driver's cursor.

    SQLAlchemy's result makes a row object for every one of 100,000 ids and then takes
    its first column; reading the driver's cursor takes less than half the time.
    """
    result = connection.execute(stmt)
    try:
        cursor = cast(sqlite3.Cursor, result.cursor)  # the pysqlite driver's own
        return list(map(itemgetter(0), cursor))
    finally:
        result.close()


def uri(path: Path, *, mode: str = "ro") -> str:
    """An SQLite ``file:`` URI for ``path`` with every special character escaped.

    A path holding ``%``, ``#`` or ``?`` would otherwise be cut short or decoded: the
    check would then look at another file (or none) and call a healthy one damaged.
    """
    return f"{Path(path).absolute().as_uri()}?mode={mode}"


def connect_readonly(path: Path, *, timeout: float = BUSY_TIMEOUT_SECONDS) -> sqlite3.Connection:
    """A read-only connection to the database file at ``path``."""
    return sqlite3.connect(uri(path), uri=True, timeout=timeout)


def backup_folder(db_path: Path) -> Path:
    """The folder beside a database that holds its backups (pre-upgrade copies too)."""
    return db_path.parent / BACKUP_FOLDER


# Words in SQLite's messages that mean the file itself is damaged, as opposed to locked,
# missing, unreadable for permissions, or on a full disk.
_DAMAGE = ("not a database", "malformed", "corrupt", "file is encrypted")


def is_damage(message: str) -> bool:
    """Whether an SQLite error message (or check answer) says the file is damaged."""
    text = message.lower()
    return any(word in text for word in _DAMAGE)


@dataclass(frozen=True)
class Health:
    """What a check of a database file found.

    Attributes:
        state: ``ok``; ``damaged`` (SQLite itself says the file is damaged or not a
            database); or ``unknown`` (the check could not run: locked, unreadable,
            missing; none of that is damage).
        detail: SQLite's words.
    """

    state: str
    detail: str = "ok"

    @property
    def ok(self) -> bool:
        """Whether the check passed."""
        return self.state == "ok"

    @property
    def damaged(self) -> bool:
        """Whether the file is really damaged."""
        return self.state == "damaged"


def examine(path: Path, *, full: bool = False) -> Health:
    """Check a database file read-only: its header, then ``quick_check`` or ``integrity_check``.

    Only a verdict about the file's content counts as damage; a check that cannot run
    (the file is locked, missing or unreadable) says ``unknown``.
    """
    try:
        if path.stat().st_size == 0:
            return Health("ok")
        if not is_sqlite_file(path):
            return Health("damaged", "not an SQLite database")
    except OSError as exc:
        return Health("unknown", f"{exc.strerror or exc}")
    pragma = "integrity_check" if full else "quick_check"
    try:
        with contextlib.closing(connect_readonly(path)) as conn:
            rows = conn.execute(f"PRAGMA {pragma}").fetchall()
    except sqlite3.Error as exc:
        return Health("damaged" if is_damage(str(exc)) else "unknown", str(exc))
    answer = "; ".join(str(r[0]) for r in rows[:5]) if rows else "no answer"
    return Health("ok") if answer == "ok" else Health("damaged", answer)


def opens_as_database(path: Path) -> bool:
    """Whether the file opens as a database far enough to sign in (its schema and accounts).

    Raises:
        sqlite3.Error: The file could not be read for another reason than damage
            (locked, unreadable); the caller must not treat it as damaged.
    """
    try:
        if not is_sqlite_file(path):
            return False
        with contextlib.closing(connect_readonly(path)) as conn:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if "accounts" in names:
                conn.execute("SELECT * FROM accounts").fetchall()
    except sqlite3.Error as exc:
        if is_damage(str(exc)):
            return False
        raise
    return True


def is_busy(text: str) -> bool:
    """Whether an SQLite message says another connection holds the lock (worth a retry)."""
    return "locked" in text or "busy" in text


def database_error(text: str) -> ScholarDeskError:
    """The one-line message for an SQLite failure, by what the user can do about it."""
    lowered = text.lower()
    if is_busy(lowered):
        return BusyError(
            "The database is busy in another window or program. Try again in a moment.", text
        )
    if is_damage(lowered):
        return DatabaseError(
            "The database file is damaged or not a database. Restore a backup "
            "(scholar-desk restore, or File > Backups in the window).",
            text,
        )
    if "full" in lowered:
        return DatabaseError("The disk is full; nothing was saved. Free some space.", text)
    if "readonly" in lowered or "read-only" in lowered:
        return DatabaseError(
            "The database file or its folder is read-only; nothing was saved. "
            "Make them writable, or copy the database to a folder you can write.",
            text,
        )
    if "unable to open" in lowered or "disk i/o" in lowered:
        return DatabaseError(
            "The database file cannot be read or written (check the disk, the folder and "
            "the file's permissions); nothing was saved.",
            text,
        )
    return DatabaseError("The database could not be used: " + text, text)


def is_sqlite_file(path: Path) -> bool:
    """Whether ``path`` starts with SQLite's header (an empty file counts as new).

    The header is read by SQLite itself, not by opening the file here: closing any
    descriptor of a file drops every POSIX lock the process holds on it, so a plain
    ``open()`` and ``close()`` beside this process's own connections would let another
    process take the file over (change its journal mode, checkpoint and delete the WAL)
    under them. SQLite keeps its descriptors open while its connections hold locks.

    Raises:
        OSError: The file cannot be read.
    """
    if path.stat().st_size == 0:
        return True
    try:
        with contextlib.closing(connect_readonly(path, timeout=0)) as conn:
            conn.execute("PRAGMA schema_version").fetchone()
    except sqlite3.Error as exc:
        text = str(exc).lower()
        if "not a database" in text or "encrypted" in text:
            return False
        if not is_busy(text) and "malformed" not in text and "corrupt" not in text:
            # SQLite could not open it at all (permissions, a missing folder): say why.
            with path.open("rb") as handle:
                return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    return True


def create_private_file(path: Path) -> None:
    """Create an empty database file readable and writable by its owner only."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def quick_check(path: Path, *, full: bool = False) -> str:
    """Run SQLite's ``quick_check`` (or ``integrity_check``) read-only on a file.

    Returns:
        ``"ok"`` or the first problem found (see `examine` to tell damage from the rest).
    """
    return examine(path, full=full).detail


_BACKUP_STEP_PAGES = 2048
"""Pages copied between checks for cancellation (8 MB at SQLite's default page size)."""


def copy_database(
    source: Path, target: Path, *, force: bool = False, cancel: CancelToken | None = None
) -> None:
    """Copy a live database with SQLite's online backup API (consistent under WAL).

    The copy is made in a temporary file created 0600 from the start (its journal
    inherits that mode) and moved into place when complete; ``target`` is replaced only
    with ``force``. ``cancel`` is checked between steps of the copy, so a copy running
    while the window closes stops at once; the temporary file is then removed.

    Raises:
        sqlite3.Error: SQLite failed to copy.
        OSError: The file could not be created or moved.
        scholar_desk.core.progress.CancelledError: ``cancel`` was set.
        scholar_desk.core.errors.ScholarDeskError: ``target`` may not be written.
    """

    def step(_status: int, _remaining: int, _total: int) -> None:
        if cancel is not None:
            cancel.check()

    with files.writing(target, force=force, backup=True) as tmp:
        with (
            contextlib.closing(connect_readonly(source)) as src,
            contextlib.closing(sqlite3.connect(tmp)) as dst,
        ):
            src.backup(dst, pages=_BACKUP_STEP_PAGES, progress=step)
            dst.execute("PRAGMA journal_mode=DELETE")
        with tmp.open("rb") as handle:
            os.fsync(handle.fileno())
