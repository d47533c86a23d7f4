"""The one source of 'now', so tests can move time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

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
