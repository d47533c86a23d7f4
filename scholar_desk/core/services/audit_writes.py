"""Appending audit events in plain SQL, through a session or a plain write alike.

`items.audit` adds an event to a session's unit of work; `record_event` writes the same
row at once with one statement, for work that runs on either kind of unit (an import).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from scholar_desk.core import clock
from scholar_desk.core.db.plain import Unit, execute, stamp
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
    """Append one audit event now, as `items.audit` would at the session's next flush.

    Raises:
        scholar_desk.core.db.plain.NotPlainError: ``unit`` is a read-only plain read.
    """
    execute(
        unit,
        "INSERT INTO audit_events "
        "(at, actor, action, kind, record_id, field, old_value, new_value) "
        "VALUES (:at, :actor, :action, :kind, :record_id, :field, :old, :new)",
        {
            "at": stamp(unit, clock.now()),
            "actor": actor.username,
            "action": action,
            "kind": kind,
            "record_id": record_id,
            "field": field_name,
            "old": audit_text(old),
            "new": audit_text(new),
        },
    )
