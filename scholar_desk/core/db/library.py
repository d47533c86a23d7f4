"""The database: engine, units of work, opening checks and schema upgrades."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import InterfaceError as SAInterfaceError
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from scholar_desk.core import clock, files
from scholar_desk.core.db import postgres, sqlite
from scholar_desk.core.db.changes import ChangeWatch
from scholar_desk.core.db.migrations import HEAD_REVISION
from scholar_desk.core.errors import BusyError, ConflictError, DatabaseError, ScholarDeskError

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

    def __init__(
        self,
        target: str | Path,
        *,
        busy_timeout: float | None = None,
        read_only: str | None = None,
        password_prompt: postgres.PasswordPrompt | None = None,
    ) -> None:
        """Open (creating if needed) the database at ``target`` without migrating it.

        Args:
            target: A file path or an SQLAlchemy URL.
            busy_timeout: Seconds a writer waits for another's lock before `BusyError`.
            read_only: When given, every write is refused with this sentence (a database
                that failed its integrity check is opened like this).
            password_prompt: Asked for a server's password when libpq found none
                (``PGPASSWORD``, ``~/.pgpass``); the answer stays in memory.

        Raises:
            DatabaseError: The file is a folder, not a database, or cannot be written;
                the server cannot be reached or refuses the sign-in.
        """
        self.url = resolve_url(target)
        self.path: Path | None = None
        self.read_only = read_only
        self._closed = False
        if self.is_sqlite:
            self.path = Path(self.url.database or "")
            _check_sqlite_path(self.path, read_only=read_only is not None)
        timeout = sqlite.BUSY_TIMEOUT_SECONDS if busy_timeout is None else busy_timeout
        self._timeout = timeout
        self._brief: sessionmaker[Session] | None = None
        try:
            self.engine: Engine = self._make_engine(timeout)
        except (ArgumentError, ImportError, NoSuchModuleError) as exc:
            if postgres.is_driver_missing(exc):
                raise DatabaseError(
                    "PostgreSQL needs the postgres extra: pip install 'scholar-desk[postgres]'.",
                    str(exc),
                ) from exc
            raise DatabaseError(
                f"Cannot use the database URL '{self.url.render_as_string()}': {exc}", str(exc)
            ) from exc
        if not self.is_sqlite:
            self._sign_in(password_prompt)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(self._writing_engine(self.engine), expire_on_commit=False)
        if not self.is_sqlite:
            _announce_writes(self._writer)
        if self.path is not None:
            files.protect(self.path, sqlite.backup_folder(self.path))

    def _make_engine(self, timeout: float) -> Engine:
        if self.is_sqlite:
            engine = create_engine(self.url, connect_args={"timeout": timeout})
            sqlite.configure_engine(engine, busy_timeout=timeout)
            return engine
        engine = create_engine(
            self.url, connect_args=postgres.connect_args(self.url), pool_pre_ping=True
        )
        postgres.configure_engine(engine)
        return engine

    def _sign_in(self, prompt: postgres.PasswordPrompt | None) -> None:
        """Connect once now, so a wrong address or password is one clear message at start."""
        try:
            with self.engine.connect():
                return
        except (SADatabaseError, SAInterfaceError) as exc:
            words = _sqlite_words(exc)
            if not (postgres.wants_password(words) and prompt is not None):
                self.engine.dispose()
                raise self._error(words) from exc
        password = prompt(self.where)
        if password is None:
            self.engine.dispose()
            raise DatabaseError(f"No password given for {self.where}; nothing was opened.")
        self.engine.dispose()
        self.url = self.url.set(password=password)
        self.engine = self._make_engine(self._timeout)
        try:
            with self.engine.connect():
                return
        except (SADatabaseError, SAInterfaceError) as exc:
            self.engine.dispose()
            raise self._error(_sqlite_words(exc)) from exc

    @property
    def target(self) -> str:
        """What opens this database again: the file's path or the full URL."""
        if self.path is not None:
            return str(self.path)
        return self.url.render_as_string(hide_password=False)

    @property
    def where(self) -> str:
        """The file's path, or ``user@host:port/database`` for a server (never a password)."""
        return str(self.path) if self.path is not None else postgres.server_label(self.url)

    def _error(self, text: str) -> ScholarDeskError:
        if not self.is_sqlite:
            sentence = postgres.error_sentence(text, self.url)
            if sentence is not None:
                return DatabaseError(sentence, text)
            clash = postgres.clash_sentence(text)
            if clash is not None:
                return BusyError(clash, text)
            if "deadlock" in text.lower() or "could not serialize" in text.lower():
                return BusyError(
                    "Another person saved at the same moment; nothing was saved. Try again.",
                    text,
                )
            if "permission denied" in text.lower():
                return DatabaseError(
                    f"The server {self.where} does not allow '{self.url.username}' to do "
                    "this; nothing was saved. Ask the department for the application's rights.",
                    text,
                )
            return DatabaseError(f"The database server {self.where} failed: {text}", text)
        return sqlite.database_error(text)

    @contextlib.contextmanager
    def _translate(self) -> Iterator[None]:
        try:
            yield
        except StaleDataError as exc:
            raise ConflictError("record", 0, {}, {}, 0) from exc
        except (SADatabaseError, SAInterfaceError, sqlite3.Error) as exc:
            raise self._error(_sqlite_words(exc)) from exc
        except Exception as exc:
            if not postgres.is_driver_error(exc):
                raise
            raise self._error(str(exc)) from exc

    def change_watch(self) -> ChangeWatch:
        """A watch that tells when anyone else committed a change to this database.

        Raises:
            DatabaseError: The database cannot be reached.
        """
        with self._translate():
            if self.path is not None:
                return ChangeWatch.for_sqlite(self.path)
            _args, kwargs = self.engine.dialect.create_connect_args(self.url)
            return ChangeWatch.for_server({**kwargs, **postgres.connect_args(self.url)})

    def _writing_engine(self, engine: Engine) -> Engine:
        return engine.execution_options(sqlite_begin="IMMEDIATE") if self.is_sqlite else engine

    @property
    def is_sqlite(self) -> bool:
        """Whether the backend is SQLite."""
        return self.url.get_backend_name() == "sqlite"

    @classmethod
    def open(
        cls,
        target: str | Path,
        *,
        upgrade: bool = True,
        busy_timeout: float | None = None,
        read_only: str | None = None,
        password_prompt: postgres.PasswordPrompt | None = None,
        change_schema: bool = False,
    ) -> Library:
        """Open a database and bring its schema up to date, backing it up first if older.

        A server's schema is created or upgraded only with ``change_schema`` (the
        ``init`` command, run once by whoever owns the database): an ordinary start on a
        server without the schema, or with an older one, is refused.

        Raises:
            DatabaseError: The database cannot be opened or upgraded.
        """
        library = cls(
            target, busy_timeout=busy_timeout, read_only=read_only, password_prompt=password_prompt
        )
        try:
            if upgrade:
                library.upgrade(change_schema=change_schema or library.is_sqlite)
            elif not library.is_sqlite:
                library.check_schema()
        except BaseException:
            library.close()
            raise
        return library

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()
        if self._brief is not None:
            bind = self._brief.kw.get("bind")
            if isinstance(bind, Engine):
                bind.dispose()
        if not self._closed and self.path is not None:
            files.release(self.path, sqlite.backup_folder(self.path))
        self._closed = True

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
            DatabaseError: The database is open read-only, damaged, or on a full disk.
        """
        if self.read_only is not None:
            raise DatabaseError(self.read_only)
        with self._translate(), self._writer() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def brief_transaction(self, wait: float = 0.25) -> Iterator[Session]:
        """A small write that waits at most ``wait`` seconds for the lock.

        For bookkeeping that may be skipped when another program is writing (the time of
        the last sign-in): the caller catches `BusyError` and goes on.

        Raises:
            BusyError: The lock was not free within ``wait``.
        """
        if self.read_only is not None:
            raise DatabaseError(self.read_only)
        if not self.is_sqlite:
            with self.transaction() as session:
                yield session
            return
        if self._brief is None:
            engine = self._make_engine(wait)
            self._brief = sessionmaker(self._writing_engine(engine), expire_on_commit=False)
        with self._translate(), self._brief() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only unit of work (never takes the write lock).

        Raises:
            DatabaseError: The database cannot be read (damaged, unreadable, locked).
        """
        with self._translate(), self._reader() as session, session.begin():
            yield session

    # Schema -------------------------------------------------------------------------

    def current_revision(self) -> str | None:
        """The Alembic revision the database is at (``None`` when empty).

        Read with plain SQL, so opening an up-to-date database never imports Alembic
        (a tenth of a second of start-up).

        Raises:
            DatabaseError: The database cannot be read.
        """
        with self._translate(), self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def head_revision(self) -> str:
        """The newest revision this version of the application knows."""
        return HEAD_REVISION

    def needs_upgrade(self) -> bool:
        """Whether the schema is older than the application."""
        return self.current_revision() != self.head_revision()

    def check_schema(self) -> None:
        """Refuse a database whose schema is missing, older or newer than this version's.

        Raises:
            DatabaseError: What is wrong and who can put it right, in one sentence.
        """
        current = self.current_revision()
        if current == self.head_revision():
            return
        if current is None:
            if self._has_tables():
                raise DatabaseError(
                    f"{self.where} holds other tables, not a Scholar Desk database; "
                    "give an empty database instead."
                )
            raise DatabaseError(
                f"The database {self.where} has no Scholar Desk tables yet: its owner runs "
                f"'scholar-desk --db {self.url.render_as_string()} init' once first."
            )
        if not _known_revision(current):
            raise DatabaseError(
                f"The database {self.where} was made by a newer version of Scholar Desk. "
                "Install the newer version to open it.",
                f"revision {current} unknown",
            )
        raise DatabaseError(
            f"The database {self.where} needs an upgrade for this version: its owner runs "
            f"'scholar-desk --db {self.url.render_as_string()} init' once first.",
            f"revision {current}",
        )

    def upgrade(self, *, change_schema: bool = True) -> Path | None:
        """Upgrade the schema to head; back up a non-empty database file first.

        Args:
            change_schema: Whether a server's schema may be created or upgraded; without
                it, a server whose schema is not current is refused (`check_schema`).

        Returns:
            The verified backup taken before the upgrade, if one was needed.

        Raises:
            DatabaseError: The database is newer than the application, or the upgrade failed.
        """
        current = self.current_revision()
        head = self.head_revision()
        if current == head:
            return None
        if not self.is_sqlite and not change_schema:
            self.check_schema()
        if self.read_only is not None:
            raise DatabaseError(self.read_only)
        from alembic import command

        if current is not None and not _known_revision(current):
            raise DatabaseError(
                f"The database {self.where} was made by a newer version of Scholar Desk. "
                "Install the newer version to open it.",
                f"revision {current} unknown",
            )
        if current is None and not self.is_sqlite and self._has_tables():
            raise DatabaseError(
                f"{self.where} holds other tables, not a Scholar Desk database; "
                "give an empty database instead."
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
            text = _sqlite_words(exc)
            if not self.is_sqlite:
                raise DatabaseError(
                    f"The database {self.where} could not be upgraded; it was left as it was: "
                    f"{text}",
                    text,
                ) from exc
            if sqlite.is_busy(text) or "full" in text:
                raise sqlite.database_error(text) from exc
            raise DatabaseError(
                "The database could not be upgraded; it was left as it was.", text
            ) from exc
        return backup

    def _has_tables(self) -> bool:
        with self._translate():
            return bool(inspect(self.engine).get_table_names())

    def backup_before_upgrade(self) -> Path | None:
        """Copy the database into its backups folder before a schema change; verify it.

        The copy is named ``<name>.pre-upgrade-<time>.sqlite3`` and counts in the backup
        rotation (the newest pre-upgrade copy is always kept).

        Raises:
            DatabaseError: The copy failed or did not pass its check; nothing was changed.
        """
        if self.path is None or not self.path.exists() or self.path.stat().st_size == 0:
            return None
        folder = sqlite.backup_folder(self.path)
        stamp = clock.now().astimezone(dt.UTC).strftime("%Y%m%d-%H%M%S")
        target = folder / f"{self.path.stem}.pre-upgrade-{stamp}.sqlite3"
        n = 2
        while target.exists():
            target = folder / f"{self.path.stem}.pre-upgrade-{stamp}-{n}.sqlite3"
            n += 1
        try:
            folder.mkdir(mode=files.PRIVATE_FOLDER_MODE, exist_ok=True)
            sqlite.copy_database(self.path, target)
        except (OSError, sqlite3.Error) as exc:
            raise DatabaseError(
                f"The backup before upgrading could not be written to {folder}: "
                f"{_sqlite_words(exc)}. Nothing was changed.",
                str(exc),
            ) from exc
        result = sqlite.quick_check(target)
        if result != "ok":
            target.unlink(missing_ok=True)
            raise DatabaseError(
                "The backup taken before upgrading failed its check; nothing was changed.",
                result,
            )
        return target


def _known_revision(revision: str) -> bool:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    try:
        return script.get_revision(revision) is not None
    except Exception:  # noqa: BLE001 - Alembic raises several kinds for an unknown id
        return False


def _announce_writes(writer: sessionmaker[Session]) -> None:
    """On a server, every commit that wrote sends a notice other windows listen for."""

    @event.listens_for(writer, "after_flush")
    def _flushed(session: Session, _context: object) -> None:
        session.info["wrote"] = True

    @event.listens_for(writer, "do_orm_execute")
    def _executed(state: ORMExecuteState) -> None:
        if not state.is_select:
            state.session.info["wrote"] = True

    @event.listens_for(writer, "before_commit")
    def _committing(session: Session) -> None:
        if session.info.pop("wrote", False):
            session.connection().execute(
                text("SELECT pg_notify(:channel, '')"), {"channel": postgres.NOTIFY_CHANNEL}
            )


def alembic_config() -> Config:
    """An Alembic configuration pointing at the migrations shipped in the package."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def _check_sqlite_path(path: Path, *, read_only: bool = False) -> None:
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
        wanted = os.R_OK if read_only else os.R_OK | os.W_OK
        if not os.access(path, wanted):
            raise DatabaseError(
                f"{path} cannot be read and written by you. Check its permissions."
            )
        if not read_only and not os.access(path.parent, os.W_OK):
            raise DatabaseError(
                f"The folder {path.parent} is read-only: the database in it cannot be changed. "
                "Move it to a folder you can write, or make the folder writable."
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


def _sqlite_words(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return " ".join(str(orig if orig is not None else exc).split())


def utc_stamp() -> str:
    """A sortable timestamp for file names."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
