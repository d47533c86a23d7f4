"""Progress reporting and cancellation for long operations, without Qt."""

from __future__ import annotations

import threading
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
