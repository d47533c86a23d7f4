"""Time zones of meetings: checking IANA names, and showing a moment in a meeting's zone.

A deadline is stored as a UTC moment beside its meeting's IANA zone name; it is entered
and shown as the wall-clock time in that zone ("2026-12-13 23:59 MST"), with the user's
own time beside it when that differs.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "UTC"
EXAMPLE_ZONE = "America/Phoenix"


@functools.cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone name this machine knows, sorted."""
    return tuple(sorted(zoneinfo.available_timezones() | {DEFAULT_ZONE}))


@functools.cache
def _by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in zone_names()}


def canonical_zone(name: str) -> str:
    """The IANA spelling of a zone name typed in any case (``america/phoenix``).

    Empty text means UTC.

    Raises:
        ValueError: Not an IANA zone name; the message says what to type instead.
    """
    text = name.strip()
    if not text:
        return DEFAULT_ZONE
    found = _by_folded_name().get(text.casefold())
    if found is None:
        raise ValueError(
            f"'{text}' is not a time zone. Choose an IANA zone name such as {EXAMPLE_ZONE}."
        )
    return found


def zone(name: str) -> ZoneInfo:
    """The zone called ``name``; UTC for an empty or unknown name (records saved before checks)."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def in_zone(moment: dt.datetime, zone_name: str) -> dt.datetime:
    """``moment`` as the wall-clock time in ``zone_name`` (naive moments are UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone(zone_name))


def from_wall_time(wall: dt.datetime, zone_name: str) -> dt.datetime:
    """The UTC moment of a naive wall-clock time in ``zone_name``."""
    return wall.replace(tzinfo=zone(zone_name)).astimezone(dt.UTC)


def format_in_zone(moment: dt.datetime, zone_name: str) -> str:
    """``2026-12-13 23:59 MST``: the moment in the meeting's zone with its abbreviation."""
    local = in_zone(moment, zone_name)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or zone_name}"


def user_time_note(
    moment: dt.datetime, zone_name: str, local_zone: dt.tzinfo | None = None
) -> str:
    """``your time 2026-12-14 01:59 EST``, or ``""`` when the user's clock reads the same.

    Args:
        moment: The deadline.
        zone_name: The meeting's zone.
        local_zone: The user's zone; the computer's own when ``None``.
    """
    meeting = in_zone(moment, zone_name)
    mine = meeting.astimezone(local_zone) if local_zone is not None else meeting.astimezone()
    if mine.utcoffset() == meeting.utcoffset():
        return ""
    return f"your time {mine:%Y-%m-%d %H:%M} {mine.tzname() or ''}".rstrip()
