"""Backups in the window: back up now, restore one, and recover after damage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from scholar_desk.core.errors import ScholarDeskError
from scholar_desk.core.progress import CancelToken, ProgressSink
from scholar_desk.core.services import backups
from scholar_desk.core.services.backups import StartupCheck
from scholar_desk.core.services.session import Actor
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.errors import show_error
from scholar_desk.ui.live_refresh import window_origin
from scholar_desk.ui.operations import Operation, Unit
from scholar_desk.ui.workers import Job

PATH_ROLE = Qt.ItemDataRole.UserRole + 1


class BackupDialog(QDialog):
    """File ▸ Backup and Restore: the backups kept beside the database, newest first.

    On a database server (no file, so no backups beside it) the same dialog writes the
    whole database into a file the user names and restores the server from a backup file,
    as ``scholar-desk backup OUT`` and ``restore IN`` do.

    Backing up and restoring run as jobs on ``ctx.pool``; ``finished_job`` says which
    ended (``"backup"`` or ``"restore"``). After a restore every view reloads.
    """

    finished_job = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Backups")
        self.list = QListWidget(self)
        self.list.setAccessibleName("Backups")
        self.list.setAccessibleDescription("Newest first; select one to restore it")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.backup_button = QPushButton("&Back up now", self)
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button = QPushButton("&Restore selected…", self)
        self.restore_button.clicked.connect(self._on_restore_button_clicked)
        self.restore_file_button = QPushButton("Restore from &file…", self)
        self.restore_file_button.clicked.connect(self._on_restore_file_button_clicked)
        self.keep_spin = QSpinBox(self)
        self.keep_spin.setRange(1, backups.BACKUPS_KEPT_MAX)
        self.keep_spin.setAccessibleName("Backups to keep")
        keep_button = QPushButton("&Save", self)
        keep_button.setAccessibleName("Save how many backups to keep")
        keep_button.clicked.connect(self.save_keep)
        row = QHBoxLayout()
        row.addWidget(self.backup_button)
        row.addWidget(self.restore_button)
        row.addWidget(self.restore_file_button)
        row.addStretch()
        keep_label = QLabel("&Keep the last", self)
        keep_label.setBuddy(self.keep_spin)
        row.addWidget(keep_label)
        row.addWidget(self.keep_spin)
        row.addWidget(keep_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        path = ctx.library.path
        if path is None:
            self.backup_button.setText("&Back up to file…")
            self.restore_button.hide()
            self.list.hide()
            keep_label.hide()
            self.keep_spin.hide()
            keep_button.hide()
            where = (
                f"This database is on the server {ctx.library.where}. Back up writes all of "
                "it into a file you choose (verified); Restore from file replaces the "
                "server's contents with a backup file's."
            )
        else:
            where = f"Backups are kept in {backups.backup_dir(path)}."
        intro = QLabel(where, self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.job: Job | None = None
        self.resize(640, 420)
        self.reload()

    def reload(self) -> None:
        """List the backups again."""
        self.list.clear()
        path = self.ctx.library.path
        if path is None:
            return
        self.keep_spin.setValue(backups.backups_kept(self.ctx.library))
        for info in backups.list_backups(path):
            item = QListWidgetItem(
                f"{info.created_at.astimezone():%Y-%m-%d %H:%M}   {info.path.name}   "
                f"{info.size / 1e6:.1f} MB"
            )
            item.setData(PATH_ROLE, str(info.path))
            self.list.addItem(item)

    def selected_path(self) -> Path | None:
        """The backup selected, if any."""
        item = self.list.currentItem()
        return Path(item.data(PATH_ROLE)) if item is not None else None

    def _start(self, name: str, task: Any) -> Job:
        operation = Operation(
            self.ctx,
            self,
            task,
            changes=("",) if name == "restore" else (),
            unit=Unit.NONE,
        )
        operation.success(lambda result: self._on_job_succeeded(name, result))
        operation.failure(self._on_job_failed)
        self.setEnabled(False)
        self.message.setText("Working…")
        self.job = operation.run_in_background()
        return self.job

    def back_up_now(self, target: Path | None = None) -> Job | None:
        """Take a verified backup in the background.

        Args:
            target: On a server, the file to write (asked for when ``None``; a local
                database keeps its backups beside it and ignores this).

        Returns:
            The job, or ``None`` when the user cancelled choosing the file.
        """
        library = self.ctx.library
        if library.path is None:
            if target is None:
                name, _ = QFileDialog.getSaveFileName(
                    self,
                    "Back up to",
                    f"{library.url.database or 'server'}.sqlite3",
                    "Scholar Desk databases (*.sqlite3)",
                )
                if not name:
                    return None
                target = Path(name)
            chosen = target

            def server_task(
                _session: None, actor: Actor, progress: ProgressSink, cancel: CancelToken
            ) -> object:
                from scholar_desk.core.services import server_backups

                # The file dialog has asked about replacing an existing file.
                return server_backups.backup(
                    library, actor, chosen, force=True, progress=progress, cancel=cancel
                )

            return self._start("backup", server_task)

        def task(
            _session: None, actor: Actor, _progress: ProgressSink, _cancel: CancelToken
        ) -> object:
            return backups.create_backup(library, actor)

        return self._start("backup", task)

    def restore_from(self, source: Path) -> Job:
        """Restore ``source`` in the background (the current file is backed up first)."""
        library = self.ctx.library
        path = library.path
        origin = window_origin(self.ctx)
        if path is None:

            def server_task(
                _session: None, actor: Actor, progress: ProgressSink, _cancel: CancelToken
            ) -> object:
                from scholar_desk.core.services import server_backups

                return server_backups.restore(
                    library, source, actor, origin=origin, progress=progress
                )

            return self._start("restore", server_task)

        def task(
            _session: None, actor: Actor, _progress: ProgressSink, _cancel: CancelToken
        ) -> object:
            result = backups.restore(path, source, actor, origin=origin)
            library.upgrade()
            return result

        return self._start("restore", task)

    def save_keep(self) -> bool:
        """Save how many backups to keep."""
        library, keep = self.ctx.library, self.keep_spin.value()
        operation = Operation(
            self.ctx,
            self,
            lambda _session, actor: backups.set_backups_kept(library, actor, keep),
            unit=Unit.NONE,
        ).failure(lambda exc: self.message.setText(exc.user_message), ScholarDeskError)
        operation.run()
        if operation.error is not None:
            return False
        self.message.setText(f"The last {self.keep_spin.value()} backups are kept.")
        return True

    def _confirm_restore(self, source: Path) -> QMessageBox | None:
        """Ask before restoring, naming what the restore loses."""
        path = self.ctx.library.path
        loss = Operation(
            self.ctx,
            self,
            lambda _s, _a: (
                backups.restore_loss(path, source).describe() if path is not None else ""
            ),
            unit=Unit.NONE,
        ).run()
        if loss is None:  # the error is shown
            return None
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Restore backup",
            f"Replace the database with {source.name}? {loss}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setInformativeText(
            "The database as it is now is backed up first, so this can be undone by "
            "restoring that copy (not with Undo). Other open windows reload, and their "
            "undo is cleared."
            if path is not None
            else "The server's contents are replaced in one step and cannot be undone: "
            "back up to a file first to keep today's state. The audit trail keeps its "
            "events. Every window on the server reloads, and its undo is cleared."
        )
        box.accepted.connect(lambda: self.restore_from(source))
        box.finished.connect(box.deleteLater)
        box.open()
        self.confirm_box = box
        return box

    def _on_restore_button_clicked(self) -> None:
        source = self.selected_path()
        if source is not None:
            self._confirm_restore(source)

    def _on_restore_file_button_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Restore from", "", "Scholar Desk databases (*.sqlite3 *.db);;All files (*)"
        )
        if name:
            self._confirm_restore(Path(name))

    def _on_job_succeeded(self, name: str, result: object) -> None:
        self.setEnabled(True)
        if name == "backup":
            written = result.path if self.ctx.library.path is None else result.path.name  # type: ignore[attr-defined]
            self.message.setText(f"Backup written and verified: {written}.")
        else:
            safety = getattr(result, "safety_backup", None)
            kept = f" The previous state is kept as {safety.name}." if safety else ""
            self.message.setText(f"Restored.{kept}")
            self.ctx.undo.clear()
        self.reload()
        self.finished_job.emit(name)

    def _on_job_failed(self, exc: object) -> None:
        self.setEnabled(True)
        self.message.clear()
        if isinstance(exc, BaseException):
            show_error(self, exc)
        self.reload()


def show_backups(parent: QWidget | None, ctx: AppContext) -> BackupDialog:
    """Open the backup dialog without blocking."""
    dialog = BackupDialog(ctx, parent)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog


def tell_damaged(parent: QWidget | None, check: StartupCheck) -> None:
    """Say that the database failed its check and opens read-only (restore from File > Backups)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Scholar Desk")
    box.setText(check.message)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()  # start-up, before any window; callers' tests patch this function


def ask_restore_after_damage(parent: QWidget | None, check: StartupCheck) -> bool:
    """After `backups.check_at_start` found damage: offer the newest verified backup.

    Returns:
        Whether the user chose to restore it (the caller then calls `backups.restore`).
    """
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Scholar Desk")
    box.setText(check.message)
    if check.latest_backup is None:
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.exec()  # start-up, before any window; callers' tests patch this function
        return False
    box.setInformativeText("Restore the newest verified backup now?")
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes
