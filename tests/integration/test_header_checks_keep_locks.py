"""Checking a database file's header never drops this process's locks on it.

Closing any descriptor of a file drops every POSIX lock the process holds on that file.
If the header check opened and closed the file itself, a window holding the database
open would lose its lock, and another process could change the journal mode (deleting
the WAL under the window's connection): the way SQLite files get corrupted.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from scholar_desk.core.db import sqlite as sqlite_module
from scholar_desk.core.services import backups

TAKE_OVER = (
    "import sqlite3, sys\n"
    "conn = sqlite3.connect(sys.argv[1], timeout=0)\n"
    "try:\n"
    "    print(conn.execute('PRAGMA journal_mode=DELETE').fetchone()[0])\n"
    "except sqlite3.OperationalError as exc:\n"
    "    print(exc)\n"
)


def _other_process_takes_over(path: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", TAKE_OVER, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip()


@pytest.mark.parametrize(
    "check",
    [
        sqlite_module.is_sqlite_file,
        lambda p: sqlite_module.examine(p, full=True),
        backups.cannot_open,
        backups.check_at_start,
    ],
    ids=["is_sqlite_file", "examine", "cannot_open", "check_at_start"],
)
def test_a_check_beside_an_open_connection_keeps_its_lock(
    tmp_path: Path, check: Callable[[Path], object]
) -> None:
    path = tmp_path / "library.sqlite3"
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
        conn.commit()
        conn.execute("SELECT * FROM t").fetchall()
        assert _other_process_takes_over(path) == "database is locked"
        check(path)
        # The connection still holds its lock: the other process still cannot switch
        # the file out of WAL mode (it could after a plain open() and close()).
        assert _other_process_takes_over(path) == "database is locked"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


def test_headers_are_still_told_apart(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"%PDF-1.7 not a database at all" * 100)
    short = tmp_path / "short.sqlite3"
    short.write_bytes(b"0123456789")
    real = tmp_path / "real.sqlite3"
    with sqlite3.connect(real) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    assert sqlite_module.is_sqlite_file(empty)
    assert sqlite_module.is_sqlite_file(real)
    assert not sqlite_module.is_sqlite_file(junk)
    assert not sqlite_module.is_sqlite_file(short)
    assert sqlite_module.examine(junk).damaged
    assert sqlite_module.examine(real).ok
    with pytest.raises(FileNotFoundError):
        sqlite_module.is_sqlite_file(tmp_path / "missing.sqlite3")
