"""Progress reporting and cancellation for long operations, without Qt."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

from scholar_desk.core.errors import ScholarDeskError


class CancelledError(ScholarDeskError):
    """The user cancelled the operation; nothing was changed."""

    def __init__(self) -> None:
        super().__init__("Cancelled. Nothing was changed.")


class ProgressSink(Protocol):
    """Receives progress of a long operation."""

    def __call__(self, done: int, total: int, message: str) -> None:
        """Report that ``done`` of ``total`` steps are finished."""


def no_progress(done: int, total: int, message: str) -> None:
    """A progress sink that ignores every report."""


class CancelToken:
    """A thread-safe flag that a long operation checks between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the operation to stop at its next check."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """Whether cancellation was asked for."""
        return self._event.is_set()

    def check(self) -> None:
        """Raise `CancelledError` if cancellation was asked for.

        Raises:
            CancelledError: When `cancel` was called.
        """
        if self._event.is_set():
            raise CancelledError


class _FullCollections:
    """Defers the garbage collector's full collections while long work runs.

    A full collection walks every tracked object of the process while holding the GIL;
    with the GUI loaded that is 30-90 ms, and reading and storing 20,000 references
    allocates enough to start five of them: five freezes of the window while the import
    runs in a worker. Young collections go on (short-lived cycles are still freed); the
    full ones wait until the work is over. Nested and concurrent uses are counted.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._saved: tuple[int, int, int] | None = None

    @contextmanager
    def deferred(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                self._saved = gen0, gen1, _gen2 = gc.get_threshold()
                gc.set_threshold(gen0, gen1, 1_000_000_000)
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0 and self._saved is not None:
                    gc.set_threshold(*self._saved)
                    self._saved = None


_full_collections = _FullCollections()


def full_collections_deferred() -> AbstractContextManager[None]:
    """A block during which the garbage collector makes no full collection.

    For long work beside a window (a worker job, an import): see `_FullCollections`.
    """
    return _full_collections.deferred()
