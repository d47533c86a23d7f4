"""No edit is ever lost: editors that know when they are dirty, the question, and drafts.

An editor (a widget holding typed, unsaved values) has the `Editing` methods. Before
the window quits, closes, switches page or record, opens another database or locks,
it calls `settle` over the editors concerned: each dirty one asks Save / Discard /
Cancel (`UnsavedChangesDialog.ask`, which tests monkeypatch).

While an editor is dirty, a `DraftKeeper` writes what it holds to a JSON file in the
data folder every few seconds (0600, temporary file then rename). After a crash the
editor finds its draft when it opens again and offers it back (`RestoreDraftDialog.ask`);
saving or discarding removes the file.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import json
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from scholar_desk.core import files
from scholar_desk.core.settings import data_dir
from scholar_desk.ui.context import AppContext

DRAFT_INTERVAL_MS = 3000
"""How often a dirty editor's draft is written."""


@runtime_checkable
class Editing(Protocol):
    """An editor with values the user typed and has not saved."""

    def has_unsaved_edits(self) -> bool: ...

    def unsaved_what(self) -> str: ...

    def save(self) -> Any: ...

    def discard_edits(self) -> None: ...


class Choice(enum.Enum):
    """What to do with unsaved edits."""

    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class UnsavedChangesDialog:
    """Save / Discard / Cancel for one editor's unsaved edits; tests monkeypatch `ask`."""

    @staticmethod
    def ask(parent: QWidget | None, what: str) -> Choice:
        """Ask what to do with the unsaved edits of ``what`` ("the abstract “SCS”")."""
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Unsaved changes")
        box.setText(f"Save the changes to {what}?")
        box.setInformativeText("Your changes are lost if you don't save them.")
        box.setStandardButtons(
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()  # a question that must be answered before going on
        box.deleteLater()
        if answer == QMessageBox.StandardButton.Save:
            return Choice.SAVE
        if answer == QMessageBox.StandardButton.Discard:
            return Choice.DISCARD
        return Choice.CANCEL


class RestoreDraftDialog:
    """Offers back a draft found after a crash; tests monkeypatch `ask`."""

    @staticmethod
    def ask(parent: QWidget | None, what: str) -> bool:
        """Whether to restore the unsaved draft of ``what``."""
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Recover unsaved changes")
        box.setText(f"There are unsaved changes to {what} from a session that ended early.")
        box.setInformativeText("Restore them? Discarding removes them for good.")
        restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(restore)
        box.exec()  # the editor cannot be shown until this is answered
        chosen = box.clickedButton() is restore
        box.deleteLater()
        return chosen


def dirty_editors(root: QWidget) -> list[Any]:
    """``root`` and the widgets under it that hold unsaved edits, outermost first."""
    found = [root] if isinstance(root, Editing) else []
    found += [w for w in root.findChildren(QWidget) if isinstance(w, Editing)]
    return [editor for editor in found if editor.has_unsaved_edits()]


def editor_name(editor: Any) -> str:
    """What an editor edits, without the record's own words ("the abstract").

    ``unsaved_what`` reads "the abstract “Title”"; the part in quotes is left out where
    the name is shown to anyone passing by (the question before the idle lock).
    """
    return str(editor.unsaved_what()).split("“", 1)[0].strip()


def keep_drafts(root: QWidget) -> None:
    """Write the draft of every dirty editor under ``root`` now (the window is locking)."""
    for editor in dirty_editors(root):
        keeper = getattr(editor, "drafts", None)
        if isinstance(keeper, DraftKeeper):
            keeper.write_now()


def settle(parent: QWidget | None, editors: Iterable[Any]) -> bool:
    """Ask about each dirty editor; whether it is fine to go on (nothing was cancelled).

    Save that fails (a validation error, a conflict) counts as Cancel: the editor stays
    open with its values and its message.
    """
    for editor in editors:
        if not editor.has_unsaved_edits():
            continue
        choice = UnsavedChangesDialog.ask(parent, editor.unsaved_what())
        if choice is Choice.CANCEL:
            return False
        if choice is Choice.SAVE:
            if not editor.save() or editor.has_unsaved_edits():
                return False
        else:
            editor.discard_edits()
    return True


# Drafts on disk ---------------------------------------------------------------------------


def drafts_dir(ctx: AppContext) -> Path:
    """The drafts of this database (a folder per database, in the data folder)."""
    library = ctx.library
    where = str(library.path.resolve()) if library.path else library.url.render_as_string()
    digest = hashlib.sha256(where.encode("utf-8")).hexdigest()[:16]
    return data_dir() / "drafts" / digest


def _draft_path(ctx: AppContext, key: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in key)
    user = "".join(c if c.isalnum() else "_" for c in ctx.actor.username)
    return drafts_dir(ctx) / f"{user}-{safe}.json"


def write_draft(ctx: AppContext, key: str, values: dict[str, Any]) -> Path:
    """Write a draft through the one safe writer (0600 temporary file, then renamed)."""
    path = _draft_path(ctx, key)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = json.dumps({"schema_version": 1, "key": key, "values": values}).encode("utf-8")
    return files.write_bytes(path, data, force=True)


def read_draft(ctx: AppContext, key: str) -> dict[str, Any] | None:
    """The values of a draft, or ``None`` when there is none (or it cannot be read)."""
    path = _draft_path(ctx, key)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    values = data.get("values") if isinstance(data, dict) else None
    return values if isinstance(values, dict) else None


def remove_draft(ctx: AppContext, key: str) -> None:
    """Forget a draft (saved or discarded)."""
    with contextlib.suppress(FileNotFoundError):
        _draft_path(ctx, key).unlink()


class DraftKeeper(QObject):
    """Writes an editor's draft every few seconds while it is dirty.

    The editor gives ``key`` (what it edits, e.g. ``abstract-3``) and two methods:
    ``draft_values() -> dict`` (JSON-able) and ``has_unsaved_edits()``; it calls
    `forget` when saved or discarded.
    """

    def __init__(
        self,
        ctx: AppContext,
        editor: Any,
        key: str,
        interval_ms: int = DRAFT_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._editor = weakref.ref(editor)  # the editor owns the keeper: no cycle
        self.key = key
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.write_now)

    def touched(self) -> None:
        """The user typed: write the draft within the interval."""
        if not self.timer.isActive():
            self.timer.start()

    def write_now(self) -> None:
        """Write the draft now if the editor is dirty (else forget it)."""
        editor = self._editor()
        if editor is None:
            return
        if editor.has_unsaved_edits():
            with contextlib.suppress(OSError):  # a full disk must not stop the typing
                write_draft(self.ctx, self.key, editor.draft_values())
        else:
            self.forget()

    def forget(self) -> None:
        """Remove the draft (saved or discarded)."""
        self.timer.stop()
        remove_draft(self.ctx, self.key)

    def recovered(self) -> dict[str, Any] | None:
        """A draft left by a session that ended without saving or discarding it."""
        return read_draft(self.ctx, self.key)


def show_status(widget: QWidget, text: str, timeout_ms: int = 4000) -> None:
    """Say ``text`` in the status bar of the window ``widget`` sits in (if it has one)."""
    window = widget.window()
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(text, timeout_ms)
