"""What the tabs of the fellow's record page share: saving a file off the GUI thread."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from scholar_desk.core.formats.docx_docs import Run
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.dialogs.replace_dialog import ReplaceDialog
from scholar_desk.ui.operations import Operation, Unit
from scholar_desk.ui.workers import Job

FILTERS = {
    "docx": "Word document (*.docx)",
    "pdf": "PDF (*.pdf)",
    "txt": "Text to paste (*.txt)",
    "toml": "Program requirements (*.toml)",
}


def ask_save_path(parent: QWidget, fmt: str, suggested: str) -> str:
    """Ask where to save a file of format ``fmt``; ``""`` when cancelled."""
    path, _ = QFileDialog.getSaveFileName(
        parent,
        "Save as",
        suggested,
        FILTERS[fmt],
        options=QFileDialog.Option.DontConfirmOverwrite,  # ReplaceDialog asks
    )
    if path and not path.lower().endswith(f".{fmt}"):
        path += f".{fmt}"
    return path


class Saver(QObject):
    """Writes one file at a time in the background and reports how it went."""

    saved = Signal(str)  # the path written
    failed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.widget = parent
        self.job: Job | None = None

    def save(self, path: str | Path, write: Callable[[Any, Any, Path], Any]) -> Job | None:
        """Run ``write(session, actor, path)`` in a reading unit off the GUI thread.

        Returns:
            The job, or ``None`` when the user would not replace an existing file.
        """
        target = Path(path)
        if not ReplaceDialog.ask(self.widget, target):
            return None
        operation: Operation[Any] = Operation(
            self.ctx,
            self.widget,
            lambda session, actor, _progress, _cancel: (write(session, actor, target), target)[1],
            unit=Unit.READ,
        )
        operation.success(lambda result: self._done(str(result)))
        operation.failure(self._failed)
        self.job = operation.run_in_background()
        return self.job

    def _done(self, path: str) -> None:
        self.job = None
        self.saved.emit(path)

    def _failed(self, exc: object) -> None:
        from scholar_desk.ui.errors import show_error

        self.job = None
        self.failed.emit(exc)
        if isinstance(exc, BaseException):
            show_error(self.widget, exc)


def runs_html(runs: Sequence[Run]) -> str:
    """Citation runs as rich text: bold and italic kept, everything else escaped."""
    out = []
    for run in runs:
        text = html.escape(run.text)
        if run.italic:
            text = f"<i>{text}</i>"
        if run.bold:
            text = f"<b>{text}</b>"
        out.append(text)
    return "".join(out)
