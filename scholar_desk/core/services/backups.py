"""Backups and recovery of an SQLite library file.

- `auto_backup` at start when the newest backup is over a day old; keeps the last N.
- Every backup is verified by reopening it and running ``quick_check``.
- `restore` first backs up the current file (or, if it is damaged, moves it aside) and
  then copies the backup in through SQLite's backup API, so another window on the same
  file sees either the old or the restored database, never a mix.
- `check_at_start`: a leftover ``-wal`` file (an unclean shutdown, or another window
  still open) triggers a full ``integrity_check``. A file that cannot be opened as a
  database at all is moved aside, never overwritten, and the newest verified backup is
  offered; one that opens but fails the check is opened read-only with a message that
  points to restore. A check that cannot run (a lock, permissions) is never damage.
- Pre-upgrade copies (taken by `Library.upgrade`) live in the same folder and count in
  the rotation; the newest of them is always kept.

These functions work on files, so they take the `Library` or a path rather than a session.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

from scholar_desk.core import clock, files
from scholar_desk.core.db import sqlite
from scholar_desk.core.db.library import Library
from scholar_desk.core.db.models import AppSetting
from scholar_desk.core.errors import DatabaseError, ValidationError
from scholar_desk.core.progress import CancelToken
from scholar_desk.core.services import permissions
from scholar_desk.core.services.items import audit
from scholar_desk.core.services.session import Actor

BACKUPS_KEPT_DEFAULT = 5
BACKUPS_KEPT_MAX = 100
BACKUPS_SETTING = "backups_kept"
AUTO_BACKUP_AGE = dt.timedelta(hours=24)
BACKUP_FOLDER = sqlite.BACKUP_FOLDER
PRE_UPGRADE_TAG = ".pre-upgrade"
BEFORE_RESTORE = ".before-restore"
"""Tag in the name of the copy `restore` keeps of the database it replaced."""
_STAMP = "%Y%m%d-%H%M%S"
_NAME = re.compile(
    r"^(?P<stem>.+?)(?P<tag>[-.][a-z-]*?)-?(?P<stamp>\d{8}-\d{6})(?:-\d+)?\.sqlite3$"
)
_REQUIRED_TABLES = ("alembic_version", "accounts", "audit_events")


@dataclass(frozen=True)
class BackupInfo:
    """A backup file.

    Attributes:
        path: Where it is.
        created_at: When it was taken (from its name, else the file's time).
        size: Its size in bytes.
        check: ``"ok"`` or the problem found when it was last verified.
    """

    path: Path
    created_at: dt.datetime
    size: int
    check: str = "ok"

    @property
    def ok(self) -> bool:
        """Whether it passed its check."""
        return self.check == "ok"


@dataclass(frozen=True)
class StartupCheck:
    """What `check_at_start` found.

    Attributes:
        status: ``ok``, ``recovered`` (an unclean shutdown left nothing damaged),
            ``damaged`` (it opens but fails the check: open it read-only, offer restore),
            ``corrupt`` (it is not a database at all: it was moved aside),
            ``unchecked`` (the check could not run, e.g. locked; nothing was done)
            or ``new`` (no file yet).
        message: A sentence for the user.
        full_check: Whether a full integrity check ran.
        moved_to: Where a damaged file was moved.
        latest_backup: The newest verified backup, offered after damage.
    """

    status: str
    message: str = ""
    full_check: bool = False
    moved_to: Path | None = None
    latest_backup: BackupInfo | None = None


@dataclass(frozen=True)
class RestoreResult:
    """What `restore` did.

    Attributes:
        restored_from: The backup copied in.
        safety_backup: The verified copy of the file as it was before, if it was healthy.
        moved_aside: Where a damaged current file was moved instead.
    """

    restored_from: Path
    safety_backup: Path | None = None
    moved_aside: Path | None = None


# Where and which --------------------------------------------------------------------------


def backup_dir(db_path: Path) -> Path:
    """The folder beside the database that holds its backups."""
    return sqlite.backup_folder(db_path)


def list_backups(db_path: Path) -> list[BackupInfo]:
    """The backups of a database in its backup folder, newest first (not verified)."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    out = []
    for path in folder.glob(f"{db_path.stem}*.sqlite3"):
        match = _NAME.match(path.name)
        if match is None or match.group("stem") != db_path.stem:
            continue
        stamp = dt.datetime.strptime(match.group("stamp"), _STAMP).replace(tzinfo=dt.UTC)
        out.append(BackupInfo(path, stamp, path.stat().st_size))
    out.sort(key=lambda b: (b.created_at, b.path.name), reverse=True)
    return out


def latest_verified_backup(db_path: Path) -> BackupInfo | None:
    """The newest backup that passes `verify_backup`, or ``None``."""
    for info in list_backups(db_path):
        check = verify_backup(info.path)
        if check == "ok":
            return info
    return None


def verify_backup(path: Path) -> str:
    """Reopen a backup, run ``quick_check`` and look for Scholar Desk's tables.

    Returns:
        ``"ok"`` or the first problem found.
    """
    if not path.is_file():
        return f"{path} does not exist"
    try:
        if not sqlite.is_sqlite_file(path) or path.stat().st_size == 0:
            return "not an SQLite database"
    except OSError as exc:
        return str(exc)
    result = sqlite.quick_check(path)
    if result != "ok":
        return result
    try:
        with contextlib.closing(sqlite.connect_readonly(path)) as conn:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        return str(exc)
    missing = [t for t in _REQUIRED_TABLES if t not in names]
    return f"not a Scholar Desk database (no {', '.join(missing)})" if missing else "ok"


# Settings ---------------------------------------------------------------------------------


def backups_kept(library: Library) -> int:
    """How many automatic backups to keep (default 5)."""
    with library.reading() as session:
        row = session.get(AppSetting, BACKUPS_SETTING)
    try:
        value = int(row.value) if row is not None else BACKUPS_KEPT_DEFAULT
    except ValueError:
        value = BACKUPS_KEPT_DEFAULT
    return max(1, min(value, BACKUPS_KEPT_MAX))


def set_backups_kept(library: Library, actor: Actor, keep: int) -> int:
    """Set how many backups to keep (directors; the single user).

    Raises:
        ValidationError: Not between 1 and 100.
        PermissionDeniedError: The actor may not manage backups.
    """
    if not 1 <= keep <= BACKUPS_KEPT_MAX:
        raise ValidationError({"keep": f"Keep between 1 and {BACKUPS_KEPT_MAX} backups."})
    with library.transaction() as session:
        permissions.require(session, actor, permissions.MANAGE, permissions.BACKUP, None)
        row = session.get(AppSetting, BACKUPS_SETTING)
        old = row.value if row is not None else None
        if row is None:
            session.add(AppSetting(key=BACKUPS_SETTING, value=str(keep)))
        else:
            row.value = str(keep)
        audit(session, actor, "update", "setting", None, BACKUPS_SETTING, old, keep)
    return keep


# Taking backups ---------------------------------------------------------------------------


def _sqlite_path(library: Library) -> Path:
    if library.path is None:
        raise DatabaseError(
            "Backups here are for a database file; a database server keeps its own backups."
        )
    return library.path


def _new_name(db_path: Path, tag: str = "") -> Path:
    folder = backup_dir(db_path)
    stamp = clock.now().astimezone(dt.UTC).strftime(_STAMP)
    base = f"{db_path.stem}{tag}-{stamp}"
    candidate = folder / f"{base}.sqlite3"
    n = 2
    while candidate.exists():
        candidate = folder / f"{base}-{n}.sqlite3"
        n += 1
    return candidate


def _copy_verified(
    source: Path, target: Path, *, force: bool = False, cancel: CancelToken | None = None
) -> BackupInfo:
    folder = backup_dir(source)
    if target.parent == folder and not folder.exists():
        folder.mkdir(mode=files.PRIVATE_FOLDER_MODE, parents=True)
    try:
        sqlite.copy_database(source, target, force=force, cancel=cancel)
    except (sqlite3.Error, OSError) as exc:
        raise DatabaseError(
            f"The backup could not be written to {target}: {exc}", str(exc)
        ) from exc
    check = verify_backup(target)
    if check != "ok":
        target.unlink(missing_ok=True)
        raise DatabaseError(
            "The backup failed its check and was removed; the disk or folder may be failing. "
            "Choose another place for it.",
            check,
        )
    return BackupInfo(target, clock.now(), target.stat().st_size, check)


def create_backup(
    library: Library, actor: Actor, target: Path | None = None, *, force: bool = False
) -> BackupInfo:
    """Take a verified backup now (directors; the single user).

    Args:
        library: The open database.
        actor: Who asks.
        target: A new file (or an existing folder) to write; by default the backup
            folder beside the database, where only the last N are kept.
        force: Replace ``target`` if it exists.

    Raises:
        PermissionDeniedError: The actor may not back up the whole database.
        OutputExistsError: ``target`` already exists and ``force`` is false.
        ExportError: ``target`` is the database itself or one of its files.
        DatabaseError: The copy failed or did not verify.
    """
    path = _sqlite_path(library)
    with library.reading() as session:
        permissions.require(session, actor, permissions.MANAGE, permissions.BACKUP, None)
    if target is None:
        info = _copy_verified(path, _new_name(path))
        prune(path, backups_kept(library))
        return info
    target = Path(target).expanduser()
    if target.is_dir():
        target = target / _new_name(path).name
    files.check_target(target, force=force, backup=True)
    return _copy_verified(path, target, force=force)


def auto_backup(
    library: Library,
    *,
    max_age: dt.timedelta = AUTO_BACKUP_AGE,
    cancel: CancelToken | None = None,
) -> BackupInfo | None:
    """At start: back up when the newest backup is older than ``max_age`` (a day).

    No permission is asked: it is the application's own safety copy, kept beside the
    file it copies.

    Args:
        library: The open database.
        max_age: How old the newest backup may be before a new one is taken.
        cancel: Stops the copy (the window closing); nothing is left behind.

    Returns:
        The new backup, or ``None`` when a recent one exists or the file is empty.

    Raises:
        CancelledError: ``cancel`` was set during the copy.
        DatabaseError: The copy failed or did not verify.
    """
    if library.path is None or not library.path.exists() or library.path.stat().st_size == 0:
        return None
    existing = list_backups(library.path)
    if existing and clock.now() - existing[0].created_at < max_age:
        return None
    info = _copy_verified(library.path, _new_name(library.path), cancel=cancel)
    prune(library.path, backups_kept(library))
    return info


def prune(db_path: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups in the backup folder.

    Pre-upgrade copies count like the others, but the newest of them is always kept: it
    is the way back from a schema upgrade.
    Copies taken by `restore` of the database it replaced are kept whatever ``keep`` is.

    Returns:
        The files removed.
    """
    found = list_backups(db_path)
    newest_upgrade = next((b.path for b in found if _is_pre_upgrade(b.path)), None)
    removed = []
    # A "before restore" copy is the only record of what a restore replaced: never rotated.
    rotating = [b for b in found if BEFORE_RESTORE not in b.path.name]
    for info in rotating[max(1, keep) :]:
        if info.path == newest_upgrade:
            continue
        info.path.unlink(missing_ok=True)
        removed.append(info.path)
    return removed


def _is_pre_upgrade(path: Path) -> bool:
    match = _NAME.match(path.name)
    return match is not None and match.group("tag").startswith(PRE_UPGRADE_TAG)


# Recovery ---------------------------------------------------------------------------------


def _companions(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def move_aside(db_path: Path) -> Path:
    """Rename a damaged database (and its -wal/-shm) out of the way; never delete it.

    Returns:
        The new path of the database file.
    """
    stamp = clock.now().astimezone(dt.UTC).strftime(_STAMP)
    target = db_path.with_name(f"{db_path.stem}.corrupt-{stamp}{db_path.suffix}")
    n = 2
    while target.exists():
        target = db_path.with_name(f"{db_path.stem}.corrupt-{stamp}-{n}{db_path.suffix}")
        n += 1
    db_path.replace(target)
    for companion in _companions(db_path):
        if companion.exists():
            companion.replace(target.with_name(target.name + companion.name[len(db_path.name) :]))
    return target


def check_file(db_path: Path, *, full: bool) -> sqlite.Health:
    """What is wrong with a database file, if anything (its header, then SQLite's check).

    Only SQLite's verdict on the content is damage; a lock or unreadable file is
    ``unknown``, never damage.
    """
    return sqlite.examine(db_path, full=full)


def cannot_open(db_path: Path) -> bool:
    """Whether the file cannot be opened as a database at all (so nobody can sign in).

    Only then may it be restored without signing in.

    Raises:
        DatabaseError: The file could not be read for another reason (locked, unreadable).
    """
    if not db_path.exists() or db_path.stat().st_size == 0:
        return True
    try:
        return not sqlite.opens_as_database(db_path)
    except (sqlite3.Error, OSError) as exc:
        raise DatabaseError(
            f"{db_path} cannot be read just now ({exc}); nothing was changed. "
            "Close other programs using it and try again.",
            str(exc),
        ) from exc


def check_at_start(db_path: Path) -> StartupCheck:
    """Check a database file before opening it.

    A leftover ``-wal`` means the last session did not close cleanly (or another
    window has the file open): a full ``integrity_check`` runs. A file that is not a
    database at all is moved aside and the newest verified backup offered; one that
    opens but fails the check is left in place (``damaged``: open it read-only). A
    check that cannot run (locked, unreadable) moves nothing (``unchecked``).
    """
    if not db_path.exists() or db_path.stat().st_size == 0:
        return StartupCheck("new")
    wal = db_path.with_name(db_path.name + "-wal")
    unclean = wal.exists() and wal.stat().st_size > 0
    try:
        header_ok = sqlite.is_sqlite_file(db_path)
    except OSError as exc:
        return StartupCheck("unchecked", f"{db_path} cannot be read: {exc.strerror}.")
    if header_ok and not unclean:
        return StartupCheck("ok")
    health = check_file(db_path, full=True)
    if health.ok:
        return StartupCheck(
            "recovered",
            "The last session did not close cleanly; a full check found nothing damaged.",
            full_check=True,
        )
    if not health.damaged:
        return StartupCheck(
            "unchecked",
            f"The database could not be checked ({health.detail}); it was left as it is.",
            full_check=True,
        )
    latest = latest_verified_backup(db_path)
    offer = (
        f" The newest verified backup is from {latest.created_at:%Y-%m-%d %H:%M} UTC."
        if latest
        else " No verified backup was found."
    )
    try:
        openable = sqlite.opens_as_database(db_path)
    except sqlite3.Error as exc:
        return StartupCheck("unchecked", f"The database could not be checked ({exc}).", True)
    if openable:
        return StartupCheck(
            "damaged",
            f"The database failed its integrity check ({health.detail}). It is open "
            "read-only so nothing more is lost: restore a backup (File > Backups)." + offer,
            full_check=True,
            latest_backup=latest,
        )
    moved = move_aside(db_path)
    return StartupCheck(
        "corrupt",
        f"The database was damaged ({health.detail}). It was moved to {moved.name}, "
        f"untouched.{offer}",
        full_check=header_ok,
        moved_to=moved,
        latest_backup=latest,
    )


@dataclass(frozen=True)
class RestoreLoss:
    """What a restore takes away: records made or changed since the backup.

    Attributes:
        created: Records that exist now but not in the backup, by kind (plural).
        changed: Records whose stored version differs from the backup's, by kind.
    """

    created: dict[str, int]
    changed: dict[str, int]

    @property
    def nothing(self) -> bool:
        """Whether the backup holds everything the database holds now."""
        return not self.created and not self.changed

    def describe(self) -> str:
        """One sentence for the confirmation, e.g. '1 project created and 2 abstracts changed'."""
        parts = []
        for counts, verb in ((self.created, "created"), (self.changed, "changed")):
            if counts:
                listed = ", ".join(f"{n} {_noun(kind, n)}" for kind, n in counts.items())
                parts.append(f"{listed} {verb}")
        if not parts:
            return "Nothing was created or changed since this backup."
        return f"Since this backup, {' and '.join(parts)}; a restore loses that."


def _noun(plural: str, n: int) -> str:
    if n != 1:
        return plural
    if plural.endswith("ies"):
        return plural[:-3] + "y"
    return plural.removesuffix("s")


def restore_loss(db_path: Path, source: Path) -> RestoreLoss:
    """Count the records created or changed since a backup, for the restore confirmation.

    Args:
        db_path: The database now.
        source: The backup that would replace it.

    Raises:
        ValidationError: ``source`` cannot be read as a database.
    """
    from scholar_desk.core.db.base import Base  # the table list, not a session
    from scholar_desk.core.services.kinds import KINDS

    plurals = {k.model.__tablename__: k.plural for k in KINDS.values()}
    created: dict[str, int] = {}
    changed: dict[str, int] = {}
    db_path, source = Path(db_path).resolve(), Path(source).resolve()
    if not db_path.exists():
        return RestoreLoss(created, changed)
    try:
        with contextlib.closing(sqlite.connect_readonly(db_path)) as db:
            db.execute("ATTACH DATABASE ? AS bak", (str(source),))
            backup_tables = {
                name
                for (name,) in db.execute("SELECT name FROM bak.sqlite_master WHERE type='table'")
            }
            for table in Base.metadata.sorted_tables:
                if not {"id", "version"} <= set(table.c.keys()) or table.name not in backup_tables:
                    continue
                name = f'"{table.name}"'
                new = db.execute(
                    f"SELECT count(*) FROM main.{name} WHERE id NOT IN (SELECT id FROM bak.{name})"
                ).fetchone()[0]
                edited = db.execute(
                    f"SELECT count(*) FROM main.{name} AS a JOIN bak.{name} AS b ON a.id = b.id "
                    "WHERE a.version != b.version"
                ).fetchone()[0]
                label = plurals.get(table.name, table.name.replace("_", " "))
                if new:
                    created[label] = int(new)
                if edited:
                    changed[label] = int(edited)
    except sqlite3.Error as exc:
        raise ValidationError({"source": f"{source.name} cannot be read: {exc}."}) from exc
    return RestoreLoss(created, changed)


RESTORE_MARK = "last_restore"


@dataclass(frozen=True)
class RestoreMark:
    """Left in a database by `restore`, so other open windows can tell it was replaced.

    Attributes:
        token: Unique per restore.
        source: The backup's file name.
        by: Who restored it.
        at: When.
        origin: Which window restored it (the caller's own label).
    """

    token: str
    source: str
    by: str
    at: str
    origin: str = ""


def last_restore(library: Library) -> RestoreMark | None:
    """The mark of the latest restore into this database, if any."""
    with library.reading() as session:
        row = session.get(AppSetting, RESTORE_MARK)
        raw = row.value if row is not None else None
    if not raw:
        return None
    try:
        data = json.loads(raw)
        return RestoreMark(
            str(data["token"]),
            str(data["source"]),
            str(data["by"]),
            str(data["at"]),
            str(data.get("origin", "")),
        )
    except (ValueError, KeyError, TypeError):
        return None


def _mark_restored(db_path: Path, mark: RestoreMark) -> None:
    value = json.dumps(mark.__dict__)
    with contextlib.closing(sqlite3.connect(db_path, timeout=sqlite.BUSY_TIMEOUT_SECONDS)) as db:
        db.execute(
            "INSERT INTO app_settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (RESTORE_MARK, value),
        )
        db.commit()


def restore(db_path: Path, source: Path, actor: Actor, *, origin: str = "") -> RestoreResult:
    """Replace the database with a backup, keeping the current file safe first.

    A current file that opens as a database may be replaced only by a director (or the
    single user): it is backed up (verified) into the backup folder first, or, when it
    fails its check, moved aside. A file that cannot be opened as a database at all
    (nobody could sign in to it) is moved aside and restored without asking. The backup is then copied in with SQLite's backup API.
    A "before restore" copy is never removed by the rotation of daily backups, and a
    "restore" event (who, which file, when; the old value names the copy of the replaced
    database) is appended to the restored audit trail. Open the library again
    afterwards: an older backup is upgraded then.

    Args:
        db_path: The database file to replace.
        source: The backup to restore.
        actor: Who asks.
        origin: Which window restores (left in the database with the restore's mark,
            so that window does not tell itself; see `last_restore`).

    Raises:
        ValidationError: ``source`` is not a usable backup; nothing was changed.
        PermissionDeniedError: The actor may not restore this database.
        DatabaseError: The copy failed; the safety backup says where the old data are.
    """
    source = Path(source).expanduser().resolve()
    db_path = Path(db_path).expanduser().resolve()
    check = verify_backup(source)
    if check != "ok":
        raise ValidationError({"source": f"{source} is not a usable backup: {check}."})
    if source == db_path:
        raise ValidationError({"source": "That is the database itself; choose a backup."})
    safety: Path | None = None
    moved: Path | None = None
    if not cannot_open(db_path):
        with Library(db_path) as current, current.reading() as session:
            permissions.require(session, actor, permissions.MANAGE, permissions.BACKUP, None)
        health = check_file(db_path, full=False)
        if health.ok:
            safety = _copy_verified(db_path, _new_name(db_path, BEFORE_RESTORE)).path
        elif health.damaged:
            moved = move_aside(db_path)
        else:
            raise DatabaseError(
                f"{db_path} cannot be checked just now ({health.detail}); nothing was "
                "replaced. Close other programs using it and try again.",
                health.detail,
            )
    elif db_path.exists() and db_path.stat().st_size > 0:
        moved = move_aside(db_path)
    try:
        _copy_into(source, db_path)
    except sqlite3.Error as exc:
        where = f" The previous data are in {safety or moved}." if (safety or moved) else ""
        raise DatabaseError(f"The restore failed; nothing was replaced.{where}", str(exc)) from exc
    mark = RestoreMark(
        uuid.uuid4().hex, source.name, actor.username, clock.now().isoformat(), origin
    )
    with contextlib.suppress(sqlite3.Error):  # only a courtesy to other open windows
        _mark_restored(db_path, mark)
    _record_restore(db_path, source, safety or moved, actor)
    return RestoreResult(source, safety, moved)


def _record_restore(db_path: Path, source: Path, kept: Path | None, actor: Actor) -> None:
    """Append "restored from backup" (who, which file, when) to the restored trail."""
    with Library(db_path) as restored, restored.transaction() as session:
        replaced = str(kept) if kept is not None else None
        audit(session, actor, "restore", "database", None, "backup", replaced, str(source))


def _copy_into(source: Path, db_path: Path) -> None:
    if not db_path.exists():
        sqlite.create_private_file(db_path)
    with (
        contextlib.closing(sqlite.connect_readonly(source)) as src,
        contextlib.closing(sqlite3.connect(db_path, timeout=sqlite.BUSY_TIMEOUT_SECONDS)) as dst,
    ):
        dst.execute(f"PRAGMA busy_timeout={int(sqlite.BUSY_TIMEOUT_SECONDS * 1000)}")
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")
