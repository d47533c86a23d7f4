"""The database: engine, units of work, opening checks and schema upgrades."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from scholar_desk.core import clock
from scholar_desk.core.db import sqlite
from scholar_desk.core.db.migrations import HEAD_REVISION
from scholar_desk.core.errors import BusyError, ConflictError, DatabaseError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def resolve_url(target: str | Path) -> URL:
    """Turn a path or an SQLAlchemy URL into a URL.

    Raises:
        DatabaseError: When the text is neither a usable path nor a URL.
    """
    text = str(target)
    if "://" in text:
        try:
            return make_url(text)
        except (ArgumentError, ValueError) as exc:
            raise DatabaseError(f"'{text}' is not a database URL or file path.", str(exc)) from exc
    path = Path(text).expanduser().resolve()
    return URL.create("sqlite+pysqlite", database=str(path))


class Library:
    """One database: owns the engine and hands out units of work.

    Made once at start-up (or per test) and passed down; never a global.
    """

    def __init__(self, target: str | Path, *, busy_timeout: float | None = None) -> None:
        """Open (creating if needed) the database at ``target`` without migrating it.

        Args:
            target: A file path or an SQLAlchemy URL.
            busy_timeout: Seconds a writer waits for another's lock before `BusyError`.

        Raises:
            DatabaseError: The file is a folder, not a database, or cannot be written.
        """
        self.url = resolve_url(target)
        self.path: Path | None = None
        if self.is_sqlite:
            self.path = Path(self.url.database or "")
            _check_sqlite_path(self.path)
        timeout = sqlite.BUSY_TIMEOUT_SECONDS if busy_timeout is None else busy_timeout
        connect_args = {"timeout": timeout} if self.is_sqlite else {}
        try:
            self.engine: Engine = create_engine(self.url, connect_args=connect_args)
        except (ArgumentError, ImportError, NoSuchModuleError) as exc:
            raise DatabaseError(
                f"Cannot use the database URL '{self.url.render_as_string()}': {exc}", str(exc)
            ) from exc
        if self.is_sqlite:
            sqlite.configure_engine(self.engine, busy_timeout=timeout)
            writer: Engine = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        else:
            writer = self.engine
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(writer, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        """Whether the backend is SQLite."""
        return self.url.get_backend_name() == "sqlite"

    @classmethod
    def open(
        cls, target: str | Path, *, upgrade: bool = True, busy_timeout: float | None = None
    ) -> Library:
        """Open a database and bring its schema up to date, backing it up first if older.

        Raises:
            DatabaseError: The database cannot be opened or upgraded.
        """
        library = cls(target, busy_timeout=busy_timeout)
        try:
            if upgrade:
                library.upgrade()
        except BaseException:
            library.close()
            raise
        return library

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A unit of work that may write: commit on success, roll back on error.

        Raises:
            BusyError: Another program held the write lock for longer than the timeout.
            ConflictError: A record was saved by someone else since it was read.
        """
        with _translate_errors(), self._writer() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only unit of work (never takes the write lock)."""
        with _translate_errors(), self._reader() as session, session.begin():
            yield session

    # Schema -------------------------------------------------------------------------

    def current_revision(self) -> str | None:
        """The Alembic revision the database is at (``None`` when empty).

        Read with plain SQL, so opening an up-to-date database never imports Alembic
        (a tenth of a second of start-up).
        """
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def head_revision(self) -> str:
        """The newest revision this version of the application knows."""
        return HEAD_REVISION

    def needs_upgrade(self) -> bool:
        """Whether the schema is older than the application."""
        return self.current_revision() != self.head_revision()

    def upgrade(self) -> Path | None:
        """Upgrade the schema to head; back up a non-empty database first.

        Returns:
            The verified backup taken before the upgrade, if one was needed.

        Raises:
            DatabaseError: The database is newer than the application, or the upgrade failed.
        """
        current = self.current_revision()
        head = self.head_revision()
        if current == head:
            return None
        from alembic import command
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(alembic_config())
        if current is not None and script.get_revision(current) is None:
            raise DatabaseError(
                "This database was made by a newer version of Scholar Desk. "
                "Install the newer version to open it.",
                f"revision {current} unknown",
            )
        backup = None
        if current is not None or self._has_tables():
            backup = self.backup_before_upgrade()
        try:
            with self.engine.begin() as conn:
                cfg = alembic_config()
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except (SADatabaseError, sqlite3.Error) as exc:
            raise DatabaseError(
                "The database could not be upgraded; it was left as it was.", str(exc)
            ) from exc
        return backup

    def _has_tables(self) -> bool:
        return bool(inspect(self.engine).get_table_names())

    def backup_before_upgrade(self) -> Path | None:
        """Copy the database beside itself before a schema change and verify the copy."""
        if self.path is None or not self.path.exists() or self.path.stat().st_size == 0:
            return None
        stamp = clock.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.stem}.pre-upgrade-{stamp}{self.path.suffix}")
        sqlite.copy_database(self.path, target)
        result = sqlite.quick_check(target)
        if result != "ok":
            raise DatabaseError(
                "The backup taken before upgrading failed its check; nothing was changed.",
                result,
            )
        return target


def alembic_config() -> Config:
    """An Alembic configuration pointing at the migrations shipped in the package."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def _check_sqlite_path(path: Path) -> None:
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder. Give the path of a database file instead.")
    if not path.parent.is_dir():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(
                f"Cannot create the folder {path.parent}: {exc.strerror}.", str(exc)
            ) from exc
    if path.exists():
        if not os.access(path, os.R_OK | os.W_OK):
            raise DatabaseError(
                f"{path} cannot be read and written by you. Check its permissions."
            )
        try:
            ok = sqlite.is_sqlite_file(path)
        except OSError as exc:
            raise DatabaseError(f"Cannot read {path}: {exc.strerror}.", str(exc)) from exc
        if not ok:
            raise DatabaseError(f"{path} is not a Scholar Desk database (not an SQLite file).")
        return
    if not os.access(path.parent, os.W_OK):
        raise DatabaseError(f"Cannot create a database in {path.parent}: the folder is read-only.")
    try:
        sqlite.create_private_file(path)
    except FileExistsError:
        pass
    except OSError as exc:
        raise DatabaseError(f"Cannot create {path}: {exc.strerror}.", str(exc)) from exc


@contextlib.contextmanager
def _translate_errors() -> Iterator[None]:
    try:
        yield
    except StaleDataError as exc:
        raise ConflictError("record", 0, {}, {}, 0) from exc
    except OperationalError as exc:
        text = str(exc.orig) if exc.orig is not None else str(exc)
        if "locked" in text or "busy" in text:
            raise BusyError(
                "The database is busy in another window or program. Try again in a moment.",
                text,
            ) from exc
        if "readonly" in text or "read-only" in text:
            raise DatabaseError(
                "The database file is read-only; nothing was saved.", text
            ) from exc
        raise DatabaseError("The database could not be used: " + text, text) from exc
    except SADatabaseError as exc:
        text = str(exc.orig) if exc.orig is not None else str(exc)
        if "not a database" in text or "malformed" in text:
            raise DatabaseError(
                "The database file is damaged or not a database. Restore a backup.", text
            ) from exc
        raise


def utc_stamp() -> str:
    """A sortable timestamp for file names."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
