"""Turning command-line text into values, with one clear message when it is wrong."""

from __future__ import annotations

from typing import Any


def parse_day(text: str | None, field: str = "on") -> Any:
    """The date in ``text`` (YYYY-MM-DD), or ``None`` for ``None``.

    Raises:
        ValidationError: ``text`` is not such a date; the message names ``field``.
    """
    import datetime as dt

    from scholar_desk.core.errors import ValidationError

    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            {field: f"'{text}' is not a date; use YYYY-MM-DD, e.g. 2026-07-01."}
        ) from None
