"""Backups: verified copies, keep N, automatic at start, restore, and damaged files."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scholar_desk.core import clock
from scholar_desk.core.db import models
from scholar_desk.core.db import sqlite as sqlite_module
from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import (
    DatabaseError,
    ExportError,
    OutputExistsError,
    PermissionDeniedError,
    ValidationError,
)
from scholar_desk.core.services import accounts, backups, items
from scholar_desk.core.services.session import SINGLE_USER, Actor

# The backups folder, rotation and SQLite checks are about database files.
pytestmark = pytest.mark.sqlite_only(reason="backups as files beside the database file")

T0 = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.UTC)


class FakeClock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def fake_clock() -> FakeClock:
    fake = FakeClock()
    clock.set_clock(fake)
    return fake


def _journals(library: Library) -> list[str]:
    with library.reading() as s:
        return [r.label for r in items.list_items(s, SINGLE_USER, "journal")]


def _add_journal(library: Library, name: str) -> None:
    with library.transaction() as s:
        items.create_item(s, SINGLE_USER, "journal", {"name": name})


def test_backup_is_verified_private_and_complete(library: Library) -> None:
    _add_journal(library, "Pain")
    info = backups.create_backup(library, SINGLE_USER)
    assert info.ok
    assert info.path.parent == backups.backup_dir(library.path)  # type: ignore[arg-type]
    assert info.path.stat().st_mode & 0o777 == 0o600
    assert info.path.parent.stat().st_mode & 0o777 == 0o700
    assert backups.verify_backup(info.path) == "ok"
    with Library.open(info.path) as copy:
        assert _journals(copy) == ["Pain"]


def test_verify_rejects_garbage_and_foreign_databases(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"hello")
    assert backups.verify_backup(junk) == "not an SQLite database"
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    assert "not a Scholar Desk database" in backups.verify_backup(other)
    assert "does not exist" in backups.verify_backup(tmp_path / "missing.sqlite3")


def test_keep_last_n(library: Library, fake_clock: FakeClock) -> None:
    backups.set_backups_kept(library, SINGLE_USER, 3)
    made = []
    for hour in range(6):
        fake_clock.now = T0 + dt.timedelta(hours=hour)
        made.append(backups.create_backup(library, SINGLE_USER).path)
    kept = [b.path for b in backups.list_backups(library.path)]  # type: ignore[arg-type]
    assert kept == list(reversed(made[-3:]))
    with pytest.raises(ValidationError):
        backups.set_backups_kept(library, SINGLE_USER, 0)


def test_auto_backup_only_when_the_last_is_a_day_old(
    library: Library, fake_clock: FakeClock
) -> None:
    _add_journal(library, "J")
    first = backups.auto_backup(library)
    assert first is not None
    fake_clock.now = T0 + dt.timedelta(hours=23)
    assert backups.auto_backup(library) is None
    fake_clock.now = T0 + dt.timedelta(hours=24, seconds=1)
    second = backups.auto_backup(library)
    assert second is not None
    assert second.path != first.path
    assert len(backups.list_backups(library.path)) == 2  # type: ignore[arg-type]


def test_auto_backup_keeps_default_five(library: Library, fake_clock: FakeClock) -> None:
    for day in range(8):
        fake_clock.now = T0 + dt.timedelta(days=day)
        assert backups.auto_backup(library) is not None
    assert len(backups.list_backups(library.path)) == 5  # type: ignore[arg-type]


def test_explicit_target_is_never_overwritten(library: Library, tmp_path: Path) -> None:
    target = tmp_path / "mine.sqlite3"
    target.write_text("precious")
    with pytest.raises(OutputExistsError, match="already exists"):
        backups.create_backup(library, SINGLE_USER, target)
    assert target.read_text() == "precious"
    replaced = backups.create_backup(library, SINGLE_USER, target, force=True)
    assert replaced.ok
    assert target.stat().st_mode & 0o777 == 0o600
    assert not list(tmp_path.glob("*.part*")), "the temporary copy (and its journal) is gone"
    assert library.path is not None
    with pytest.raises(ExportError, match="open database"):
        backups.create_backup(library, SINGLE_USER, library.path, force=True)
    folder = tmp_path / "out"
    folder.mkdir()
    info = backups.create_backup(library, SINGLE_USER, folder)
    assert info.path.parent == folder


def test_restore_backs_up_current_first(library: Library, fake_clock: FakeClock) -> None:
    _add_journal(library, "Old")
    saved = backups.create_backup(library, SINGLE_USER)
    _add_journal(library, "New")
    fake_clock.now = T0 + dt.timedelta(minutes=5)
    result = backups.restore(library.path, saved.path, SINGLE_USER)  # type: ignore[arg-type]
    # The library's own pooled connections see the restored file.
    assert _journals(library) == ["Old"]
    assert result.safety_backup is not None
    with Library.open(result.safety_backup) as before:
        assert sorted(_journals(before)) == ["New", "Old"]


def test_restore_refuses_a_bad_backup_and_changes_nothing(
    library: Library, tmp_path: Path
) -> None:
    _add_journal(library, "Keep me")
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(ValidationError, match="not a usable backup"):
        backups.restore(library.path, bad, SINGLE_USER)  # type: ignore[arg-type]
    assert _journals(library) == ["Keep me"]
    assert backups.list_backups(library.path) == []  # type: ignore[arg-type]


def _corrupt(path: Path) -> None:
    data = bytearray(path.read_bytes())
    # Wreck every page after the first two (the schema survives, the b-trees do not).
    for offset in range(4096 * 2, len(data), 4096):
        data[offset : offset + 64] = b"\xee" * 64
    path.write_bytes(bytes(data))


def test_corrupt_database_is_moved_aside_and_backup_offered(
    tmp_path: Path, fake_clock: FakeClock
) -> None:
    path = tmp_path / "lib.sqlite3"
    with Library.open(path) as lib:
        for n in range(30):
            _add_journal(lib, f"Journal {n}")
        good = backups.create_backup(lib, SINGLE_USER)
    _corrupt(path)
    # Pretend the last session was killed: a leftover WAL forces the full check.
    path.with_name(path.name + "-wal").write_bytes(b"\x00" * 32)
    damaged_bytes = path.read_bytes()
    check = backups.check_at_start(path)
    assert check.status == "corrupt"
    assert check.full_check
    assert check.moved_to is not None
    assert check.moved_to.read_bytes() == damaged_bytes  # moved, not rewritten
    assert not path.exists()
    assert check.latest_backup is not None
    assert check.latest_backup.path == good.path
    assert "moved to" in check.message
    result = backups.restore(path, check.latest_backup.path, SINGLE_USER)
    assert result.safety_backup is None
    with Library.open(path) as lib:
        assert len(_journals(lib)) == 30


def test_not_a_database_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    path.write_bytes(b"this is not sqlite at all" * 100)
    check = backups.check_at_start(path)
    assert check.status == "corrupt"
    assert check.latest_backup is None
    assert "No verified backup" in check.message
    assert check.moved_to is not None
    assert check.moved_to.exists()


def test_clean_and_unclean_starts(library: Library) -> None:
    path = library.path
    assert path is not None
    _add_journal(library, "J")
    library.close()
    assert backups.check_at_start(path).status == "ok"
    # A writer that never checkpoints leaves its WAL behind, as a killed process does.
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("INSERT INTO tags (name) VALUES ('x')")
    conn.commit()
    check = backups.check_at_start(path)
    conn.close()
    assert check.status == "recovered"
    assert check.full_check
    assert backups.check_at_start(path.with_name("never-made.sqlite3")).status == "new"


def test_only_directors_back_up_and_restore_once_login_is_on(
    library: Library, tmp_path: Path
) -> None:
    with library.transaction() as s:
        person = items.create_item(
            s, SINGLE_USER, "person", {"given_name": "F", "family_name": "F"}
        )
        accounts.create_account(s, SINGLE_USER, "boss", "password123", "director")
        accounts.create_account(s, SINGLE_USER, "fel", "password123", "fellow", person.id)
    with library.transaction() as s:
        boss = accounts.login(s, "boss", "password123")
        fellow = accounts.login(s, "fel", "password123")
    made = backups.create_backup(library, boss)
    for actor in (fellow, Actor("me")):
        with pytest.raises(PermissionDeniedError):
            backups.create_backup(library, actor)
        with pytest.raises(PermissionDeniedError):
            backups.restore(library.path, made.path, actor)  # type: ignore[arg-type]
        with pytest.raises(PermissionDeniedError):
            backups.set_backups_kept(library, actor, 4)
    backups.restore(library.path, made.path, boss)  # type: ignore[arg-type]


def test_pre_upgrade_copies_rotate_but_the_newest_is_kept(
    library: Library, fake_clock: FakeClock
) -> None:
    assert library.path is not None
    backups.set_backups_kept(library, SINGLE_USER, 2)
    old = library.backup_before_upgrade()
    fake_clock.now = T0 + dt.timedelta(hours=1)
    newest_upgrade = library.backup_before_upgrade()
    assert old is not None
    assert newest_upgrade is not None
    assert newest_upgrade.parent == backups.backup_dir(library.path)
    assert stat_mode(newest_upgrade) == 0o600
    for hour in range(2, 6):
        fake_clock.now = T0 + dt.timedelta(hours=hour)
        backups.create_backup(library, SINGLE_USER)
    kept = {b.path for b in backups.list_backups(library.path)}
    assert newest_upgrade in kept
    assert old not in kept
    assert len(kept) == 3  # the newest two, and the newest pre-upgrade copy


def stat_mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def _break_an_index(path: Path) -> None:
    """Change one key inside an index page: the file opens, integrity_check fails."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
        root, page_size = conn.execute(
            "SELECT rootpage, (SELECT page_size FROM pragma_page_size()) FROM sqlite_master "
            "WHERE type = 'index' AND tbl_name = 'tags'"
        ).fetchone()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    at = data.find(b"zebra-tag", start, start + page_size)
    assert at > 0
    data[at : at + 5] = b"aaaaa"
    path.write_bytes(bytes(data))


def test_damage_that_still_opens_is_opened_read_only_not_moved(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    with Library.open(path) as lib, lib.transaction() as session:
        for name in ("alpha-tag", "zebra-tag", "middle-tag"):
            session.add(models.Tag(name=name))
    _break_an_index(path)
    path.with_name(path.name + "-wal").write_bytes(b"\x00" * 32)  # an unclean shutdown
    check = backups.check_at_start(path)
    assert check.status == "damaged", check
    assert path.exists(), "a file that still opens is left where it is"
    assert "restore" in check.message.lower()
    with Library.open(path, read_only=check.message) as lib:
        with lib.reading() as session:
            assert session.scalar(select(func.count()).select_from(models.Tag)) == 3
        with pytest.raises(DatabaseError, match="read-only"), lib.transaction():
            pass


def test_a_check_that_cannot_run_is_not_damage(tmp_path: Path) -> None:
    folder = tmp_path / "odd %41 #1 ?x"
    folder.mkdir()
    path = folder / "lib.sqlite3"
    with Library.open(path) as lib:
        _add_journal(lib, "Healthy")
    assert backups.check_file(path, full=True).ok  # '%', '#' and '?' are escaped
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        health = sqlite_module.examine(path, full=True)  # waits for the lock, then says so
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert health.state == "unknown", health
    assert not health.damaged
    assert not backups.cannot_open(path)
    assert path.exists()


def test_restore_loss_counts_records_made_and_changed_since_the_backup(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    with Library.open(path) as lib:
        with lib.transaction() as s:
            kept = items.create_item(s, SINGLE_USER, "project", {"title": "Kept"})
        backup = backups.create_backup(lib, SINGLE_USER, tmp_path / "b.sqlite3").path
        assert backups.restore_loss(path, backup).nothing
        with lib.transaction() as s:
            items.create_item(s, SINGLE_USER, "project", {"title": "New"})
            items.create_item(s, SINGLE_USER, "abstract", {"title": "New abstract"})
            items.update_item(s, SINGLE_USER, "project", kept.id, {"notes": "changed"})
    loss = backups.restore_loss(path, backup)
    assert loss.created == {"projects": 1, "abstracts": 1}
    assert loss.changed == {"projects": 1}
    assert loss.describe() == (
        "Since this backup, 1 project, 1 abstract created and 1 project changed; "
        "a restore loses that."
    )
    backups.restore(path, backup, SINGLE_USER, origin="window 1")
    with Library.open(path) as lib:
        mark = backups.last_restore(lib)
    assert mark is not None
    assert (mark.source, mark.by, mark.origin) == ("b.sqlite3", SINGLE_USER.username, "window 1")
