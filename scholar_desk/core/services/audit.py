"""Reading the audit trail. It is append-only: this module has no way to change it.

Events are written by the services that make changes (`items.audit`); a database
trigger rejects any UPDATE or DELETE of ``audit_events``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from scholar_desk.core.db import models as m
from scholar_desk.core.errors import NotFoundError
from scholar_desk.core.services import permissions
from scholar_desk.core.services.kinds import KINDS
from scholar_desk.core.services.session import Actor

DEFAULT_LIMIT = 1000


@dataclass(frozen=True)
class AuditEntry:
    """One audit event.

    Attributes:
        id: Event id (increasing with time).
        at: When it happened (UTC).
        actor: Who did it.
        action: ``create``, ``update``, ``delete`` or ``restore``.
        kind: The kind of record.
        record_id: The record's id.
        field: The field changed (updates), else ``""``.
        old_value: The value before, as text.
        new_value: The value after, as text.
    """

    id: int
    at: dt.datetime
    actor: str
    action: str
    kind: str
    record_id: int | None
    field: str
    old_value: str | None
    new_value: str | None

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict with the model's field names."""
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "kind": self.kind,
            "record_id": self.record_id,
            "field": self.field,
            "old_value": self.old_value,
            "new_value": self.new_value,
        }


def query(
    session: Session,
    actor: Actor,
    *,
    kind: str | None = None,
    user: str | None = None,
    action: str | None = None,
    record_id: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    text: str | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> list[AuditEntry]:
    """Audit events, newest first, filtered (directors and the single user).

    Args:
        session: The unit of work.
        actor: Who asks.
        kind: Only this kind of record.
        user: Only this actor's events.
        action: Only this action.
        record_id: Only this record.
        since: Only events at or after this moment.
        until: Only events before this moment.
        text: Only events whose field or values contain this text.
        limit: At most this many events.
        offset: Skip this many (paging).

    Raises:
        PermissionDeniedError: The actor may not read the audit trail.
    """
    permissions.require(session, actor, permissions.READ, permissions.AUDIT, None)
    where: list[ColumnElement[bool]] = []
    if kind:
        where.append(m.AuditEvent.kind == kind)
    if user:
        where.append(m.AuditEvent.actor == user)
    if action:
        where.append(m.AuditEvent.action == action)
    if record_id is not None:
        where.append(m.AuditEvent.record_id == record_id)
    if since is not None:
        where.append(m.AuditEvent.at >= since)
    if until is not None:
        where.append(m.AuditEvent.at < until)
    if text:
        pattern = f"%{text}%"
        where.append(
            or_(
                m.AuditEvent.field.ilike(pattern),
                m.AuditEvent.old_value.ilike(pattern),
                m.AuditEvent.new_value.ilike(pattern),
            )
        )
    rows = session.scalars(
        select(m.AuditEvent)
        .where(*where)
        .order_by(m.AuditEvent.id.desc())
        .limit(max(0, limit))
        .offset(max(0, offset))
    )
    return [_entry(row) for row in rows]


def history(session: Session, actor: Actor, kind_name: str, record_id: int) -> list[AuditEntry]:
    """The changes of one record, oldest first, for anyone who may read the record.

    Raises:
        NotFoundError: No such record (a deleted one's history is in `query`).
        PermissionDeniedError: The actor may not read the record.
    """
    kind = KINDS.get(kind_name)
    obj: Any = session.get(kind.model, record_id) if kind is not None else None
    if kind is None or obj is None:
        raise NotFoundError(f"There is no {kind_name} with id {record_id}.")
    owner = obj.owner_id if kind.owned else None
    permissions.require(session, actor, permissions.READ, kind.name, owner)
    rows = session.scalars(
        select(m.AuditEvent)
        .where(m.AuditEvent.kind == kind.name, m.AuditEvent.record_id == record_id)
        .order_by(m.AuditEvent.id)
    )
    return [_entry(row) for row in rows]


@dataclass(frozen=True)
class AuditFacets:
    """What the audit filters can choose from.

    Attributes:
        users: Every actor name in the trail.
        kinds: Every kind in the trail.
        actions: Every action in the trail.
        total: How many events there are.
    """

    users: tuple[str, ...]
    kinds: tuple[str, ...]
    actions: tuple[str, ...]
    total: int


def facets(session: Session, actor: Actor) -> AuditFacets:
    """The distinct users, kinds and actions in the trail, for filter choices.

    Raises:
        PermissionDeniedError: The actor may not read the audit trail.
    """
    permissions.require(session, actor, permissions.READ, permissions.AUDIT, None)

    def values(column: Any) -> tuple[str, ...]:
        return tuple(session.scalars(select(column).distinct().order_by(column)))

    total = session.scalar(select(func.count()).select_from(m.AuditEvent)) or 0
    return AuditFacets(
        values(m.AuditEvent.actor), values(m.AuditEvent.kind), values(m.AuditEvent.action), total
    )


def _entry(row: m.AuditEvent) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        actor=row.actor,
        action=row.action,
        kind=row.kind,
        record_id=row.record_id,
        field=row.field,
        old_value=row.old_value,
        new_value=row.new_value,
    )


def last_changes(
    session: Session, kind_name: str, record_id: int, since_version_of: dt.datetime | None = None
) -> dict[str, tuple[str, dt.datetime]]:
    """Who last changed each field of a record, and when, for a conflict chooser.

    The caller has already read the record (and so may read its history).

    Args:
        session: The unit of work.
        kind_name: The kind of record.
        record_id: The record.
        since_version_of: Only changes at or after this moment, if given.

    Returns:
        ``{field: (actor, at)}`` from the newest update of each field.
    """
    where: list[ColumnElement[bool]] = [
        m.AuditEvent.kind == kind_name,
        m.AuditEvent.record_id == record_id,
        m.AuditEvent.action == "update",
    ]
    if since_version_of is not None:
        where.append(m.AuditEvent.at >= since_version_of)
    out: dict[str, tuple[str, dt.datetime]] = {}
    for row in session.scalars(
        select(m.AuditEvent).where(*where).order_by(m.AuditEvent.id.desc()).limit(500)
    ):
        out.setdefault(row.field, (row.actor, row.at))
    return out


_HIDDEN_IN_SUMMARY = frozenset({"id", "version", "created_at", "updated_at"})
_SUMMARY_LIMIT = 300


def _field_label(kind: str, name: str) -> str:
    spec_kind = KINDS.get(kind)
    if spec_kind is not None:
        for spec in spec_kind.fields:
            if spec.name == name:
                return spec.label
    return name.replace("_", " ")


def _value_text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_value_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_value_text(v)}" for k, v in value.items())
    return str(value)


def _decoded(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def describe_change(entry: AuditEntry) -> str:
    """The event as a person reads it: ``Title: old → new``, or the values a record had.

    Stored values are JSON or text; lists read as ``a, b``, empty values as ``—``, and a
    created or deleted record as ``Field: value; ...`` without its bookkeeping columns.
    """
    old, new = _decoded(entry.old_value), _decoded(entry.new_value)
    if entry.field:
        label = _field_label(entry.kind, entry.field)
        if entry.old_value is None and entry.action != "update":
            return f"{label}: {_value_text(new)}"
        return f"{label}: {_value_text(old)} → {_value_text(new)}"
    values = new if new is not None else old
    if isinstance(values, dict):
        text = "; ".join(
            f"{_field_label(entry.kind, k)}: {_value_text(v)}"
            for k, v in values.items()
            if k not in _HIDDEN_IN_SUMMARY and v not in (None, "", [])
        )
    else:
        text = _value_text(values) if values is not None else ""
    return text if len(text) <= _SUMMARY_LIMIT else text[: _SUMMARY_LIMIT - 1] + "…"
