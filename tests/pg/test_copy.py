"""Moving data between engines: copy --to, and backup/restore of a server through a file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scholar_desk.core.db import copying, fulltext
from scholar_desk.core.db import models as m
from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import DatabaseError
from scholar_desk.core.services import accounts, audit, demo, items


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scholar_desk", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "SCHOLAR_DESK_PASSWORD": "demo"},
        check=False,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    path = tmp_path / "fellow.sqlite3"
    with Library.open(path) as library, library.transaction() as session:
        demo.fill(session)
    return path


@pytest.fixture
def empty_server(pg_databases):
    name, url = pg_databases.create(empty=True)
    yield url
    pg_databases.drop(name)


def _journal_names(library: Library) -> list[str]:
    with library.reading() as session:
        return sorted(session.scalars(select(m.Journal.name)))


def test_a_fellows_file_goes_onto_the_server_and_back_verified(
    demo_file, empty_server, tmp_path
) -> None:
    result = cli("--db", str(demo_file), "--user", "director", "copy", "--to", empty_server)
    assert result.returncode == 0, result.stderr
    assert "row counts and checksums match" in result.stdout
    with Library.open(demo_file) as source, Library.open(empty_server) as server:
        assert copying.checks(source) == copying.checks(server)
        with server.reading() as session:
            title_word = session.scalar(select(m.Reference.title)).split()[0][:4]
            assert fulltext.matching_ids(session, title_word)
        # New rows continue after the copied ids.
        with server.transaction() as session:
            director = accounts.login(session, "director", accounts.DEMO_PASSWORD)
            made = items.create_item(session, director, "journal", {"name": "After the move"})
        with server.reading() as session:
            top = session.scalar(select(func.max(m.Journal.id)))
        assert made.id == top
    back = tmp_path / "from-server.sqlite3"
    result = cli("--db", empty_server, "--user", "director", "copy", "--to", str(back))
    assert result.returncode == 0, result.stderr
    with Library.open(back) as copy, Library.open(empty_server) as server:
        assert copying.checks(copy) == copying.checks(server)
        assert "After the move" in _journal_names(copy)
        with copy.reading() as session:
            assert fulltext.matching_ids(session, title_word)


def test_copy_onto_a_database_with_data_writes_nothing(demo_file, empty_server) -> None:
    assert cli("--db", str(demo_file), "--user", "director", "copy", "--to", empty_server)
    with Library.open(empty_server) as server:
        before = copying.checks(server)
    again = cli("--db", str(demo_file), "--user", "director", "copy", "--to", empty_server)
    assert again.returncode == 2
    assert len(again.stderr.strip().splitlines()) == 1
    assert "is not empty" in again.stderr
    assert "Nothing was written" in again.stderr
    with Library.open(empty_server) as server:
        assert copying.checks(server) == before
    existing = cli("--db", empty_server, "--user", "director", "copy", "--to", str(demo_file))
    assert existing.returncode == 2
    assert "already exists" in existing.stderr


def test_copy_refuses_the_source_itself(demo_file) -> None:
    with (
        Library.open(demo_file) as source,
        pytest.raises(DatabaseError, match="another database"),
    ):
        copying.open_empty_target(str(demo_file), source=source)


def test_a_server_backup_is_a_file_that_restores_on_either_engine(
    demo_file, empty_server, tmp_path
) -> None:
    assert (
        cli("--db", str(demo_file), "--user", "director", "copy", "--to", empty_server).returncode
        == 0
    )
    backup = tmp_path / "server-backup.sqlite3"
    made = cli("--db", empty_server, "--user", "director", "backup", str(backup))
    assert made.returncode == 0, made.stderr
    assert backup.read_bytes()[:16] == b"SQLite format 3\x00"
    with Library.open(empty_server) as server:
        backed_up = copying.checks(server)
        with server.reading() as session:
            events_before = session.scalar(select(func.count()).select_from(m.AuditEvent))
    assert (
        cli(
            "--db", empty_server, "--user", "director", "add", "journal", "--set", "name=Later"
        ).returncode
        == 0
    )
    restored = cli("--db", empty_server, "--user", "director", "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    with Library.open(empty_server) as server:
        assert "Later" not in _journal_names(server)
        after = copying.checks(server)
        with server.transaction() as session:
            director = accounts.login(session, "director", accounts.DEMO_PASSWORD)
            trail = audit.query(session, director, limit=10_000)
    assert {k: v for k, v in after.items() if k != "audit_events" and k != "app_settings"} == {
        k: v for k, v in backed_up.items() if k != "audit_events" and k != "app_settings"
    }
    # The trail kept every event, the one made after the backup too, and the restore.
    assert len(trail) >= events_before + 2
    assert trail[0].action == "restore"
    # The same file restores onto a local database as well.
    local = tmp_path / "local.sqlite3"
    Library.open(local).close()
    assert cli("--db", str(local), "--user", "director", "restore", str(backup)).returncode == 0
    with Library.open(local) as lib:
        assert _journal_names(lib) == sorted(n for n in _journal_names_from(backed_up_file=backup))


def _journal_names_from(backed_up_file: Path) -> list[str]:
    with Library.open(backed_up_file) as lib:
        return _journal_names(lib)
