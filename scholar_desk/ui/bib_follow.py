"""Followed .bib files on the References page: follow one, re-sync when it changes."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from scholar_desk.core.errors import ScholarDeskError
from scholar_desk.core.progress import CancelToken, ProgressSink
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.operations import Operation, read

if TYPE_CHECKING:
    # Loaded when first used, once the window has painted: the sync service brings the ORM.
    from scholar_desk.core.services import bib_sync

SETTLE_MS = 400
"""Wait this long after a change before reading: Better BibTeX writes in several steps."""


def _undo(session: Any, actor: Any, summary: bib_sync.SyncSummary) -> Any:
    from scholar_desk.core.services import bib_sync

    if summary.changes is None:
        return 0
    return bib_sync.undo_sync(session, actor, summary.changes)


class BibFollower(QObject):
    """Watches the actor's followed .bib files and syncs each one when it changes."""

    synced = Signal(object)
    """A sync finished (its `SyncSummary`)."""

    def __init__(self, ctx: AppContext, page: QWidget, status: Any) -> None:
        super().__init__(page)
        self._ctx = ctx
        self._page = page
        self._status = status  # the page's status_changed signal
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._on_watcher_file_changed)
        self._watcher.directoryChanged.connect(self._on_watcher_directory_changed)
        self._digests: dict[str, str] = {}
        self._pending: set[str] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    def add_to_menu(self, menu: QMenu | None) -> None:
        """Offer "Follow a .bib file…" in the Import button's menu."""
        if menu is None:
            return
        menu.addSeparator()
        action = menu.addAction("Follow a .bib file…", self.choose_file)
        action.setToolTip(
            "Keep the library in step with a .bib file that Zotero (Better BibTeX) or "
            "another manager exports automatically"
        )

    def reload(self) -> None:
        """Watch the files the signed-in person follows (after sign-in or a role change)."""
        for path in self._watcher.files() + self._watcher.directories():
            self._watcher.removePath(path)
        from scholar_desk.core.services import bib_sync

        files: list[bib_sync.FollowedInfo] = read(
            self._ctx, self._page, bib_sync.followed, lambda _exc: []
        )
        self._digests = {}
        for info in files:
            self._watch(info.path)
            self._digests[info.path] = _digest(info.path)

    def followed_paths(self) -> list[str]:
        """The files watched now."""
        return sorted(self._digests)

    def choose_file(self) -> None:
        """Ask for a .bib file, then follow it."""
        dialog = QFileDialog(self._page, "Follow a .bib file")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilter("BibTeX (*.bib *.bibtex)")
        dialog.fileSelected.connect(lambda name: self.follow(Path(name)))
        dialog.open()

    def follow(self, path: Path) -> Operation[bib_sync.SyncSummary]:
        """Follow ``path`` and import what it holds (one undo step)."""
        return self._sync(str(path.expanduser().resolve()), quiet=False)

    # Watching -----------------------------------------------------------------------------

    def _watch(self, path: str) -> None:
        if Path(path).is_file() and path not in self._watcher.files():
            self._watcher.addPath(path)
        # The folder too: an editor or exporter that replaces the file drops the file watch.
        folder = str(Path(path).parent)
        if Path(folder).is_dir() and folder not in self._watcher.directories():
            self._watcher.addPath(folder)

    def _on_watcher_file_changed(self, path: str) -> None:
        self._pending.add(path)
        self._timer.start()

    def _on_watcher_directory_changed(self, folder: str) -> None:
        for path in self._digests:
            if str(Path(path).parent) == folder:
                self._pending.add(path)
        self._timer.start()

    def _on_timer_timeout(self) -> None:
        pending, self._pending = self._pending, set()
        for path in sorted(pending):
            self._watch(path)
            digest = _digest(path)
            if path in self._digests and digest and digest != self._digests[path]:
                self._sync(path, quiet=True)

    def _sync(self, path: str, *, quiet: bool) -> Operation[bib_sync.SyncSummary]:
        def task(
            session: Any, actor: Any, _progress: ProgressSink, _cancel: CancelToken
        ) -> bib_sync.SyncSummary:
            from scholar_desk.core.services import bib_sync

            return bib_sync.sync(session, actor, Path(path))

        # The window, not the page, is the origin: the page lists references again when
        # a sync or its undo adds or removes some, as after any change made elsewhere.
        operation = Operation(
            self._ctx,
            self._page.window(),
            task,
            changes=("reference",),
            undo=_undo,
            text=f"Sync {Path(path).name}",
        )
        operation.success(lambda summary: self._on_sync_succeeded(path, summary))
        if quiet:
            # A file caught half-written says so in the status bar; the next change retries.
            operation.failure(self._on_sync_failed, ScholarDeskError)
        operation.run_in_background()
        return operation

    def _on_sync_succeeded(self, path: str, summary: bib_sync.SyncSummary) -> None:
        self._digests[path] = _digest(path)
        self._watch(path)
        self._status.emit(summary.summary())
        self.synced.emit(summary)

    def _on_sync_failed(self, exc: ScholarDeskError) -> None:
        self._status.emit(f"Not synced: {exc.user_message}")


def _digest(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""
