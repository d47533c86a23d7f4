"""Background jobs: run a core task off the GUI thread with progress and Cancel."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from scholar_desk.core.errors import ScholarDeskError
from scholar_desk.core.progress import (
    CancelledError,
    CancelToken,
    ProgressSink,
    full_collections_deferred,
)

log = logging.getLogger(__name__)

Task = Callable[[ProgressSink, CancelToken], Any]


class WorkerSignals(QObject):
    """What a job reports back to the GUI thread (queued across threads)."""

    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    finished = Signal()

    def emit_progress(self, done: int, total: int, message: str) -> None:
        """Typed wrapper around ``progressed.emit``."""
        self.progressed.emit(done, total, message)


class Job(QRunnable):
    """Runs ``task(progress, cancel)`` on a pool thread.

    The task opens its own transaction; no ORM object crosses back to the GUI.
    """

    def __init__(self, task: Task) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self._task = task
        self.cancel_token = CancelToken()
        self.signals = WorkerSignals()

    def run(self) -> None:
        try:
            # A full collection walks every object while holding the GIL, freezing the
            # window; it waits until the job is over (the whole job: reading and storing
            # an import are two steps, and the gap between them is no exception).
            with full_collections_deferred():
                result = self._task(self.signals.emit_progress, self.cancel_token)
        except CancelledError:
            self.signals.cancelled.emit()
        except ScholarDeskError as exc:
            # Something the user can fix (a bad template, a name taken): the dialog says
            # what; the log needs only the sentence, not a traceback.
            log.info("background job stopped: %s", exc.user_message)
            self.signals.failed.emit(exc)
        except Exception as exc:
            log.exception("background job failed")
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)
        finally:
            self.signals.finished.emit()


def make_pool(max_threads: int = 1) -> QThreadPool:
    """A pool for database-writing jobs: one thread, so writes never race each other."""
    pool = QThreadPool()
    pool.setMaxThreadCount(max_threads)
    return pool
