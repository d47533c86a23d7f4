"""Backups of a database server: an SQLite file out, and a backup file back in.

``backup`` writes the whole server database into a new SQLite file (the same file a
backup of a local database is, so `restore` takes it back on either engine);
``restore`` replaces the server's contents with a backup file's in one transaction,
keeping the audit trail, which only ever grows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import tempfile
import uuid
from pathlib import Path

from scholar_desk.core import clock, files
from scholar_desk.core.db import copying, sqlite
from scholar_desk.core.db.library import Library
from scholar_desk.core.db.models import AppSetting
from scholar_desk.core.errors import DatabaseError, ValidationError
from scholar_desk.core.progress import CancelToken, ProgressSink, no_progress
from scholar_desk.core.services import permissions
from scholar_desk.core.services.backups import (
    RESTORE_MARK,
    BackupInfo,
    RestoreMark,
    RestoreResult,
    verify_backup,
)
from scholar_desk.core.services.items import audit
from scholar_desk.core.services.session import Actor


def backup(
    library: Library,
    actor: Actor,
    target: Path,
    *,
    force: bool = False,
    progress: ProgressSink = no_progress,
    cancel: CancelToken | None = None,
) -> BackupInfo:
    """Write the whole database into a new SQLite file, verified (directors; the single user).

    Raises:
        PermissionDeniedError: The actor may not back up the whole database.
        OutputExistsError: ``target`` exists and ``force`` is false.
        DatabaseError: The copy failed or does not match the database.
    """
    with library.reading() as session:
        permissions.require(session, actor, permissions.MANAGE, permissions.BACKUP, None)
    target = Path(target).expanduser()
    if target.is_dir():
        stamp = clock.now().astimezone(dt.UTC).strftime("%Y%m%d-%H%M%S")
        target = target / f"{library.url.database or 'server'}-{stamp}.sqlite3"
    with files.writing(target, force=force, backup=True) as tmp:
        with Library.open(tmp) as copy:
            copying.copy_database(library, copy, progress=progress, cancel=cancel)
        with contextlib.closing(sqlite3.connect(tmp)) as conn:
            conn.execute("PRAGMA journal_mode=DELETE")
        check = verify_backup(tmp)
        if check != "ok":
            raise DatabaseError("The backup failed its check; nothing was written.", check)
    return BackupInfo(target, clock.now(), target.stat().st_size, "ok")


def restore(
    library: Library,
    source: Path,
    actor: Actor,
    *,
    origin: str = "",
    progress: ProgressSink = no_progress,
) -> RestoreResult:
    """Replace the server database's contents with a backup file's (directors; the single user).

    The backup is upgraded first in a private copy when it is older. Every window on the
    server notices the change and is told it was a restore. The audit trail keeps its
    events and gains the backup's missing ones and a "restore" event.

    Raises:
        ValidationError: ``source`` is not a usable backup; nothing was changed.
        PermissionDeniedError: The actor may not restore this database.
        DatabaseError: The replacement failed; nothing was changed.
    """
    source = Path(source).expanduser().resolve()
    check = verify_backup(source)
    if check != "ok":
        raise ValidationError({"source": f"{source} is not a usable backup: {check}."})
    with library.reading() as session:
        permissions.require(session, actor, permissions.MANAGE, permissions.BACKUP, None)
    with tempfile.TemporaryDirectory(prefix="scholar-desk-restore-") as folder:
        copy_path = Path(folder) / "backup.sqlite3"
        try:
            sqlite.copy_database(source, copy_path)
        except (sqlite3.Error, OSError) as exc:
            raise DatabaseError(f"{source} could not be read: {exc}", str(exc)) from exc
        with Library.open(copy_path) as backup_copy:
            copying.replace_contents(backup_copy, library, progress=progress)
    mark = RestoreMark(
        uuid.uuid4().hex, source.name, actor.username, clock.now().isoformat(), origin
    )
    with library.transaction() as session:
        row = session.get(AppSetting, RESTORE_MARK)
        value = json.dumps(mark.__dict__)
        if row is None:
            session.add(AppSetting(key=RESTORE_MARK, value=value))
        else:
            row.value = value
        audit(session, actor, "restore", "database", None, "backup", None, str(source))
    return RestoreResult(source, None, None)
