"""The one source of 'now', so tests can move time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)  # noqa: E731 - swapped in tests


def now() -> dt.datetime:
    """Return the current time, timezone-aware in UTC."""
    return _now()


def today() -> dt.date:
    """Return the current local date."""
    return _now().astimezone().date()


def set_clock(func: Callable[[], dt.datetime] | None) -> None:
    """Replace the clock (tests only); ``None`` restores the real one."""
    global _now
    _now = func if func is not None else (lambda: dt.datetime.now(dt.UTC))


@contextmanager
def fixed(moment: dt.datetime) -> Iterator[None]:
    """Let the clock stand at ``moment`` inside the block, then run on as before.

    For replaying a dated history through the services (the demo); the previous clock,
    real or a test's, is restored even when the block fails.
    """
    global _now
    saved = _now
    _now = lambda: moment  # noqa: E731 - the clock is a swappable function
    try:
        yield
    finally:
        _now = saved
