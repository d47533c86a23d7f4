"""Bad database targets give one clear message and change nothing."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from scholar_desk.core.db.library import Library
from scholar_desk.core.db.models import Person
from scholar_desk.core.errors import BusyError, DatabaseError


@pytest.mark.sqlite_only(reason="a folder given as the database")
def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="is a folder"):
        Library.open(tmp_path)


@pytest.mark.sqlite_only(reason="a text file given as the database")
def test_file_that_is_not_a_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database\n")
    with pytest.raises(DatabaseError, match="not a Scholar Desk database"):
        Library.open(path)
    assert path.read_text() == "not a database\n"


@pytest.mark.sqlite_only(reason="the database file's folder cannot be created")
def test_folder_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DatabaseError, match="Cannot create the folder"):
        Library.open(blocker / "sub" / "lib.sqlite3")


def test_bad_url_is_refused() -> None:
    with pytest.raises(DatabaseError, match="not a database URL"):
        Library.open("nosuchdriver+x://::")


@pytest.mark.sqlite_only(reason="the new file's permissions")
def test_new_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    Library.open(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.sqlite_only(reason="WAL journaling and foreign keys as SQLite pragmas")
def test_wal_and_foreign_keys_are_on(library: Library) -> None:
    with library.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@pytest.mark.sqlite_only(reason="the file locked by a raw sqlite3 connection")
def test_locked_database_gives_busy_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    Library.open(path).close()
    lib = Library.open(path, busy_timeout=0.2)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(BusyError, match="busy"), lib.transaction() as session:
            session.add(Person(given_name="A", family_name="B"))
    finally:
        other.execute("ROLLBACK")
        other.close()
    with lib.reading() as session:
        assert session.scalars(select(Person)).all() == []
    lib.close()


def test_unknown_driver_is_refused() -> None:
    with pytest.raises(DatabaseError, match="Cannot use the database URL"):
        Library.open("nosuchdriver://user@host/db")
