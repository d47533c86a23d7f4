"""Appending audit events in plain SQL, through a session or a plain write alike.

The one way an event is written: `record_event` (which `items.audit` calls) writes its
row at once with one statement, on either kind of unit of work (an import runs on both);
`record_events` writes many with one statement run for each.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from scholar_desk.core import clock
from scholar_desk.core.db.plain import Unit, execute, execute_many, stamp
from scholar_desk.core.services.session import Actor


def audit_text(value: Any) -> str | None:
    """A value as the audit trail stores it (JSON for a mapping, ISO for a date)."""
    if value is None:
        return None
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


_INSERT = (
    "INSERT INTO audit_events "
    "(at, actor, action, kind, record_id, field, old_value, new_value) "
    "VALUES (:at, :actor, :action, :kind, :record_id, :field, :old, :new)"
)


def record_event(
    unit: Unit,
    actor: Actor,
    action: str,
    kind: str,
    record_id: int | None,
    field_name: str,
    old: Any,
    new: Any,
) -> None:
    """Append one audit event now (never updated or deleted by the application).

    Raises:
        scholar_desk.core.db.plain.NotPlainError: ``unit`` is a read-only plain read.
    """
    execute(unit, _INSERT, _row(unit, actor, action, kind, record_id, field_name, old, new))


def record_events(
    unit: Unit,
    actor: Actor,
    action: str,
    kind: str,
    changes: Iterable[tuple[int | None, str, Any, Any]],
) -> None:
    """Append one audit event per change, as many `record_event` calls would.

    One statement runs once per row, for a change to thousands of records (a bulk delete).

    Args:
        unit: The unit of work.
        actor: Who made the changes.
        action: What was done to every record (``delete``, ``restore``...).
        kind: The kind of every record.
        changes: ``(record_id, field_name, old, new)`` per event, in order.

    Raises:
        scholar_desk.core.db.plain.NotPlainError: ``unit`` is a read-only plain read.
    """
    execute_many(
        unit,
        _INSERT,
        [_row(unit, actor, action, kind, *change) for change in changes],
    )


def _row(
    unit: Unit,
    actor: Actor,
    action: str,
    kind: str,
    record_id: int | None,
    field_name: str,
    old: Any,
    new: Any,
) -> dict[str, Any]:
    return {
        "at": stamp(unit, clock.now()),
        "actor": actor.username,
        "action": action,
        "kind": kind,
        "record_id": record_id,
        "field": field_name,
        "old": audit_text(old),
        "new": audit_text(new),
    }
