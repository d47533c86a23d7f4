"""Start-up and running services of a shared database: recovery, backups, refresh, lock.

``app.run`` calls `recover_if_damaged` before opening the database and
`start_services` once the window exists; it stops the returned services on quit.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QWidget

from scholar_desk.core.db.library import Library, resolve_url
from scholar_desk.core.errors import DatabaseError, ScholarDeskError
from scholar_desk.core.progress import CancelToken, ProgressSink
from scholar_desk.core.services import backups
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.core.settings import default_database
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.workers import Job

log = logging.getLogger(__name__)


def recover_if_damaged(db: str | None) -> str | None:
    """Check a file left by an unclean shutdown; offer the newest backup if it is damaged.

    A healthy file, or one whose check could not run, is never moved. A file that opens
    but fails its integrity check is opened read-only (the returned sentence says so and
    points to restore); one that is not a database at all was moved aside, and the newest
    verified backup is offered.

    Returns:
        ``None``, or the reason the database must be opened read-only.

    Raises:
        DatabaseError: The file was damaged and no backup was restored (it was moved aside).
    """
    url = resolve_url(db or default_database())
    if url.get_backend_name() != "sqlite" or not url.database:
        return None
    path = Path(url.database)
    check = backups.check_at_start(path)
    if check.status not in ("damaged", "corrupt"):
        return None
    # Only now: the dialogs pull in the operations and commands a healthy start never needs.
    from scholar_desk.ui.dialogs.backup_dialog import ask_restore_after_damage, tell_damaged

    if check.status == "damaged":
        tell_damaged(None, check)
        return check.message
    if check.status != "corrupt":
        return None
    if check.latest_backup is not None and ask_restore_after_damage(None, check):
        backups.restore(path, check.latest_backup.path, SINGLE_USER)
        return None
    raise DatabaseError(check.message)


def start_services(ctx: AppContext, window: QWidget) -> list[Any]:
    """The daily backup, live refresh, and when signed in the account watch and idle lock.

    The account watch signs a deactivated account out and applies a changed role at once.

    Returns:
        Objects with ``stop()``, to call before the window closes.
    """
    from scholar_desk.ui.live_refresh import LiveRefresh

    refresh = LiveRefresh(ctx, parent=window)
    services: list[Any] = [DailyBackup(ctx.library), refresh]
    if not ctx.actor.single_user:
        from scholar_desk.ui.account_watch import AccountWatch, AccountWindow

        # Before the pages reload: they then see the account's role as it is now.
        watch = AccountWatch(ctx, cast("AccountWindow", window), parent=window)
        refresh.detected.connect(watch.check)
        services.append(watch)
        # Imported only when signed in: it pulls in accounts, whose argon2 set-up costs
        # about 0.15 s of every start otherwise.
        from scholar_desk.ui.idle_lock import IdleLock

        services.append(IdleLock(ctx, window))
    return services


class DailyBackup:
    """The day's safety copy, taken on a thread of its own so the window never waits.

    It only reads the database, so it needs no place in the one-thread write pool, where
    a large copy would hold up the user's saves. ``stop()`` (the window closing) cancels a
    copy in progress, which leaves no partial file, and returns once the thread is done.
    """

    def __init__(self, library: Library) -> None:
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(1)
        self.job = Job(self._task(library))
        self.job.signals.failed.connect(self._on_job_failed)
        self.pool.start(self.job)

    @staticmethod
    def _task(library: Library) -> Any:
        def task(_progress: ProgressSink, cancel: CancelToken) -> object:
            return backups.auto_backup(library, cancel=cancel)

        return task

    def _on_job_failed(self, exc: object) -> None:
        if isinstance(exc, ScholarDeskError):
            log.warning("automatic backup failed: %s", exc.user_message)

    def stop(self) -> None:
        self.job.cancel_token.cancel()
        self.pool.waitForDone()
