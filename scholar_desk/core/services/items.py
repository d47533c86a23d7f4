"""Create, read, update and delete any tracker record, with validation, audit and undo.

Every editable kind goes through these functions, so validation, permissions, the
audit trail and conflict detection live in one place for the CLI and the window. What
differs between kinds (date order, field checks, status workflow, create hooks) is
declared on the `Kind`; nothing here names a kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, inspect, select, update
from sqlalchemy.orm import Session

from scholar_desk.core import clock
from scholar_desk.core.db import models as m
from scholar_desk.core.db.base import Base
from scholar_desk.core.errors import ConflictError, NotFoundError, ValidationError
from scholar_desk.core.records import FieldSpec, Record
from scholar_desk.core.services import audit as audit_trail
from scholar_desk.core.services import merge, permissions, zones
from scholar_desk.core.services.audit_writes import record_event
from scholar_desk.core.services.item_records import (
    HIDDEN_COLUMNS,
    linked_ids,
    readable,
    record_of,
)
from scholar_desk.core.services.item_records import (
    HIDDEN_LABEL as HIDDEN_LABEL,
)
from scholar_desk.core.services.kinds import KINDS, Kind, get_kind
from scholar_desk.core.services.session import Actor

# Reading --------------------------------------------------------------------------------


def to_record(
    kind: Kind,
    obj: Any,
    labels: Mapping[tuple[str, int], str] | None = None,
    hidden: frozenset[tuple[str, int]] = frozenset(),
) -> Record:
    """Detach one ORM row into a `Record` with every column and a label per reference.

    Args:
        kind: The row's kind.
        obj: The row.
        labels: Labels of linked records by ``(kind, id)``.
        hidden: Linked records the viewer may not read (see `item_records.record_of`).
    """
    values: dict[str, Any] = {}
    for attr in inspect(type(obj)).column_attrs:
        if attr.key not in HIDDEN_COLUMNS:
            values[attr.key] = getattr(obj, attr.key)
    return record_of(kind, values, kind.label(obj), labels, hidden)


def _ref_labels(
    session: Session, actor: Actor | None, kind: Kind, objs: Iterable[Any]
) -> tuple[dict[tuple[str, int], str], frozenset[tuple[str, int]]]:
    """Labels of the records ``objs`` link to, and those of them ``actor`` may not read."""
    wanted = linked_ids(kind, objs)
    labels: dict[tuple[str, int], str] = {}
    hidden: set[tuple[str, int]] = set()
    visible = permissions.visible_owner_ids(session, actor) if actor is not None else None
    for ref_kind_name, ids in wanted.items():
        ref_kind = get_kind(ref_kind_name)
        model: Any = ref_kind.model
        shared_ok = (
            actor is None
            or ref_kind.owned
            or permissions.allowed(session, actor, permissions.READ, ref_kind.name, None)
        )
        rows = session.scalars(select(model).where(model.id.in_(ids)))
        for row in rows:
            labels[(ref_kind_name, row.id)] = ref_kind.label(row)
            owner = row.owner_id if ref_kind.owned else None
            if not readable(ref_kind, owner, visible, shared_ok):
                hidden.add((ref_kind_name, row.id))
    return labels, frozenset(hidden)


def label_for(session: Session, actor: Actor, kind_name: str, obj: Any) -> str:
    """A row's label as ``actor`` may see it (labels of linked records it may not read cut)."""
    kind = get_kind(kind_name)
    return to_record(kind, obj, *_ref_labels(session, actor, kind, [obj])).label


def get_item(session: Session, actor: Actor, kind_name: str, item_id: int) -> Record:
    """Return one record.

    Raises:
        NotFoundError: No such record, or one the actor may not read (told apart by nobody).
        PermissionDeniedError: Only where a front end lost its sign-in (the single user
            of a database that has accounts).
    """
    kind = get_kind(kind_name)
    obj = _load(session, kind, item_id, actor)
    permissions.require(session, actor, permissions.READ, kind.name, _owner_of(kind, obj))
    return to_record(kind, obj, *_ref_labels(session, actor, kind, [obj]))


def list_items(
    session: Session,
    actor: Actor,
    kind_name: str,
    *,
    where: Iterable[ColumnElement[bool]] = (),
) -> list[Record]:
    """Return every record of a kind that the actor may read, in the kind's order."""
    kind = get_kind(kind_name)
    model: Any = kind.model
    query = select(model).where(*where)
    if kind.owned:
        visible = permissions.visible_owner_ids(session, actor)
        if visible is not None:
            query = query.where(model.owner_id.in_(visible))
    elif not permissions.allowed(session, actor, permissions.READ, kind.name, None):
        return []
    query = query.order_by(*(getattr(model, c) for c in kind.order_by), model.id)
    objs = list(session.scalars(query))
    labels, hidden = _ref_labels(session, actor, kind, objs)
    return [to_record(kind, obj, labels, hidden) for obj in objs]


def load(session: Session, kind_name: str, item_id: int, actor: Actor | None = None) -> Any:
    """The ORM row of a record, for other services' own use (never returned to callers).

    Args:
        session: The unit of work.
        kind_name: The kind.
        item_id: The record.
        actor: When given, a record this actor may not read is reported exactly as a
            missing one, so nobody learns which ids exist by trying them.

    Raises:
        NotFoundError: No such record (or none the actor may read).
    """
    return _load(session, get_kind(kind_name), item_id, actor)


def _load(session: Session, kind: Kind, item_id: int, actor: Actor | None = None) -> Any:
    obj = session.get(kind.model, item_id)
    if obj is not None and actor is not None:
        owner = _owner_of(kind, obj)
        if actor.single_user:  # no sign-in at all: say so rather than "no such record"
            permissions.require(session, actor, permissions.READ, kind.name, owner)
        elif not permissions.allowed(session, actor, permissions.READ, kind.name, owner):
            obj = None
    if obj is None:
        raise NotFoundError(
            f"There is no {kind.name} with id {item_id}. It may have been deleted."
        )
    return obj


def _owner_of(kind: Kind, obj: Any) -> int | None:
    return obj.owner_id if kind.owned else None


# Validation -----------------------------------------------------------------------------


def coerce(
    session: Session,
    kind: Kind,
    raw: Mapping[str, Any],
    current: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Turn user input into typed values; collect a message per field at fault.

    Args:
        session: The unit of work (``ref`` fields are looked up).
        kind: The kind of record.
        raw: Values by field name, as typed or as JSON.
        current: The stored values the input changes, if any: a deadline typed without
            an offset is read in the record's time zone (see `place_in_zones`).

    Returns:
        The typed values and the errors by field name.
    """
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, value in raw.items():
        try:
            spec = kind.field(name)
        except KeyError:
            errors[name] = f"{kind.title} have no field '{name}'."
            continue
        try:
            values[name] = _coerce_one(session, spec, value)
        except ValueError as exc:
            errors[name] = str(exc)
    place_in_zones(kind, values, current)
    return values, errors


def _style_name(session: Session, name: str) -> str:
    from scholar_desk.core.formats import csl  # the styles' reader, only when one is set

    if not name or name in csl.shipped_styles():
        return name
    if session.scalar(select(m.CitationStyle.id).where(m.CitationStyle.name == name)) is None:
        known = ", ".join(csl.names(session.scalars(select(m.CitationStyle.name))))
        raise ValueError(f"'{name}' is not a citation style here. Choose one of: {known}.")
    return name


def _coerce_one(session: Session, spec: FieldSpec, value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
    empty = value is None or value == ""
    if spec.type in ("text", "multiline"):
        return "" if value is None else str(value)
    if spec.type == "timezone":
        return zones.canonical_zone("" if value is None else str(value))
    if spec.type == "style":
        return _style_name(session, "" if value is None else str(value))
    if spec.type == "bool":
        if isinstance(value, str):
            return value.lower() in ("1", "true", "yes", "y", "on")
        return bool(value)
    if empty:
        return None
    if spec.type == "int":
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValueError("Enter a whole number.") from None
        if number < 0:
            raise ValueError("Enter a number of zero or more.")
        return number
    if spec.type == "date":
        return _parse_date(value)
    if spec.type == "datetime":
        parsed = _parse_datetime(value)
        # A zoned field's wall-clock time is placed in its zone once that zone is known.
        return parsed.replace(tzinfo=None) if spec.zone_field and _is_wall(value) else parsed
    if spec.type == "choice":
        if str(value) not in spec.choices:
            raise ValueError(f"Choose one of: {', '.join(spec.choices)}.")
        return str(value)
    if spec.type == "ref":
        ref_kind = get_kind(spec.ref_kind or "")
        try:
            ref_id = int(value)
        except (TypeError, ValueError):
            raise ValueError(f"Choose a {ref_kind.name}.") from None
        if session.get(ref_kind.model, ref_id) is None:
            raise ValueError(missing_message(ref_kind.name, ref_id))
        return ref_id
    raise ValueError(f"Unknown field type {spec.type}.")


def check_links(
    session: Session,
    actor: Actor,
    kind: Kind,
    values: Mapping[str, Any],
    old: Mapping[str, Any] | None = None,
) -> dict[str, str]:
    """Why each new link in ``values`` may not be made; empty when all may.

    A link may point only at a record the actor may change (a fellow: their own and the
    shared catalogs; a director: any). A record the actor may not read is reported
    exactly as a missing one, so ids cannot be probed. Links that keep their old target
    are not checked again.

    Returns:
        A message per field at fault.
    """
    errors: dict[str, str] = {}
    for spec in kind.fields:
        if spec.type != "ref" or not spec.ref_kind or values.get(spec.name) is None:
            continue
        if spec.name == "owner_id" and kind.owned:
            # Whose record it is was checked as the permission to create (or move) it:
            # a mentor records a mentee's meeting without changing the people catalog.
            continue
        ref_id = values[spec.name]
        if old is not None and old.get(spec.name) == ref_id:
            continue
        target_kind = get_kind(spec.ref_kind)
        target = session.get(target_kind.model, ref_id)
        owner = _owner_of(target_kind, target) if target is not None else None
        if target is None or not permissions.allowed(
            session, actor, permissions.READ, target_kind.name, owner
        ):
            errors[spec.name] = missing_message(target_kind.name, ref_id)
        elif not permissions.may_link(session, actor, target_kind.name, owner):
            errors[spec.name] = f"You may not link to this {target_kind.name}: it is not yours."
    return errors


def missing_message(kind_name: str, item_id: Any) -> str:
    """What a missing record, or one the actor may not read, is reported as."""
    return f"There is no {kind_name} with id {item_id}."


def _parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"'{value}' is not a date; use YYYY-MM-DD, e.g. 2026-07-01.") from None


def _parse_datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        try:
            parsed = dt.datetime.fromisoformat(str(value))
        except ValueError:
            raise ValueError(
                f"'{value}' is not a date and time; use YYYY-MM-DD HH:MM, e.g. 2026-09-15 23:59."
            ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _is_wall(value: Any) -> bool:
    """Whether a typed date and time carries no UTC offset of its own."""
    if isinstance(value, dt.datetime):
        return value.tzinfo is None
    return dt.datetime.fromisoformat(str(value)).tzinfo is None


def place_in_zones(
    kind: Kind, values: dict[str, Any], old: Mapping[str, Any] | None = None
) -> None:
    """Turn zoned wall-clock times into UTC moments, in place.

    A time typed without an offset is read in its zone (the new one when it changes,
    else the stored one). When only the zone changes, the deadline keeps its wall-clock
    time ("23:59") in the new zone.
    """
    old = old or {}
    for spec in kind.fields:
        if spec.type != "datetime" or not spec.zone_field:
            continue
        zone_name = values.get(spec.zone_field, old.get(spec.zone_field)) or zones.DEFAULT_ZONE
        value = values.get(spec.name)
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            values[spec.name] = zones.from_wall_time(value, zone_name)
        elif (
            spec.name not in values
            and spec.zone_field in values
            and isinstance(old.get(spec.name), dt.datetime)
            and values[spec.zone_field] != old.get(spec.zone_field)
        ):
            wall = zones.in_zone(old[spec.name], old.get(spec.zone_field) or "")
            values[spec.name] = zones.from_wall_time(wall.replace(tzinfo=None), zone_name)


def _check_rules(
    kind: Kind, merged: Mapping[str, Any], old: Mapping[str, Any] | None
) -> dict[str, str]:
    """Rules across fields and over time: required, date order, status transitions."""
    errors: dict[str, str] = {}
    for spec in kind.fields:
        if spec.required and merged.get(spec.name) in (None, ""):
            errors[spec.name] = f"{spec.label} is required."
    errors.update(_date_order(kind, merged))
    if kind.check is not None:
        errors.update(kind.check(merged))
    if old is not None and "status" in merged and merged["status"] != old.get("status"):
        message = transition_error(kind.name, old.get("status"), merged["status"])
        if message:
            errors["status"] = message
    return errors


def _date_order(kind: Kind, merged: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for pair in kind.date_order:
        a, b = merged.get(pair.first), merged.get(pair.second)
        if a is not None and b is not None and b < a:
            errors[pair.second] = pair.message
    return errors


def transition_error(kind_name: str, old: Any, new: Any) -> str:
    """Why a status change is not allowed, or ``""`` when it is (or the kind has no workflow)."""
    kind = KINDS.get(kind_name)
    if kind is None or kind.workflow is None:
        return ""
    return kind.workflow.error(kind_name, old, new)


# Writing --------------------------------------------------------------------------------


def create_item(session: Session, actor: Actor, kind_name: str, raw: Mapping[str, Any]) -> Record:
    """Validate and insert a record; it belongs to the actor's fellow unless given.

    Raises:
        ValidationError: One message per field at fault; nothing is written.
        PermissionDeniedError: The actor may not create it.
    """
    kind = get_kind(kind_name)
    values, errors = coerce(session, kind, raw)
    if kind.owned and values.get("owner_id") is None and actor.person_id is not None:
        values["owner_id"] = actor.person_id
    defaults = _defaults(kind)
    merged = {**defaults, **values}
    for name, message in _check_rules(kind, merged, None).items():
        errors.setdefault(name, message)  # "no such record" stays: it is what was typed
    owner = merged.get("owner_id")
    if permissions.allowed(session, actor, permissions.CREATE, kind.name, owner):
        # Otherwise the permission check below says why, not a link message.
        for name, message in check_links(session, actor, kind, values).items():
            errors.setdefault(name, message)
    if errors:
        raise ValidationError(errors)
    permissions.require(session, actor, permissions.CREATE, kind.name, merged.get("owner_id"))
    obj: Any = kind.model(**merged)
    if kind.before_insert is not None:
        kind.before_insert(session, obj)
    if "status_changed_on" in inspect(kind.model).column_attrs.keys():  # noqa: SIM118
        obj.status_changed_on = clock.today()
    session.add(obj)
    session.flush()
    if kind.after_insert is not None:
        kind.after_insert(session, actor, obj)
    labels, hidden = _ref_labels(session, actor, kind, [obj])
    record = to_record(kind, obj, labels, hidden)
    stored = to_record(kind, obj, labels)
    audit(session, actor, "create", kind.name, obj.id, "", None, _jsonable(stored.values))
    return record


def _defaults(kind: Kind) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for spec in kind.fields:
        if spec.type == "choice" and spec.required and spec.choices:
            out[spec.name] = spec.choices[0]
    return out


def update_item(
    session: Session,
    actor: Actor,
    kind_name: str,
    item_id: int,
    raw: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> Record:
    """Validate and apply changes to one record.

    Args:
        session: The unit of work.
        actor: Who makes the change.
        kind_name: The kind.
        item_id: The record.
        raw: New values by field name (only the fields that change).
        expected_version: The version the user's form was loaded at; a newer stored
            version raises `ConflictError` so nobody's save is silently lost.

    Raises:
        ValidationError: One message per field at fault; nothing is written.
        ConflictError: The record was saved elsewhere since ``expected_version``.
        PermissionDeniedError: The actor may not change it.
    """
    kind = get_kind(kind_name)
    obj = _load(session, kind, item_id, actor)
    permissions.require(session, actor, permissions.UPDATE, kind.name, _owner_of(kind, obj))
    old = to_record(kind, obj)
    values, errors = coerce(session, kind, raw, old.values)
    if expected_version is not None and obj.version != expected_version:
        raise ConflictError(kind.name, item_id, values, _jsonable(old.values), obj.version)
    merged = {**old.values, **values}
    errors.update(_check_rules(kind, merged, old.values))
    for name, message in check_links(session, actor, kind, values, old.values).items():
        errors.setdefault(name, message)
    if kind.owned and "owner_id" in values and values["owner_id"] != old.get("owner_id"):
        permissions.require(session, actor, permissions.CREATE, kind.name, values["owner_id"])
    if errors:
        raise ValidationError(errors)
    changed = {k: v for k, v in values.items() if old.get(k) != v}
    if not changed:
        return to_record(kind, obj, *_ref_labels(session, actor, kind, [obj]))
    for name, value in changed.items():
        setattr(obj, name, value)
    if "status" in changed:
        _on_status_change(session, actor, kind, obj, old.get("status"), changed)
    session.flush()
    for name, value in changed.items():
        audit(session, actor, "update", kind.name, obj.id, name, old.get(name), value)
    return to_record(kind, obj, *_ref_labels(session, actor, kind, [obj]))


def _on_status_change(
    session: Session,
    actor: Actor,
    kind: Kind,
    obj: Any,
    old_status: str,
    changed: Mapping[str, Any],
) -> None:
    if hasattr(obj, "status_changed_on"):
        obj.status_changed_on = clock.today()
    if kind.workflow is not None and kind.workflow.on_move is not None:
        kind.workflow.on_move(session, actor, obj, old_status, changed)


def take_back_move(
    session: Session, actor: Actor, kind_name: str, item_id: int, moved_to: str, back_to: str
) -> Record:
    """Take back a record's latest status move, as if it had not been made.

    The kind's workflow checks that the latest move is the one from ``back_to`` to
    ``moved_to`` (so a move someone else made meanwhile is never taken back) and puts
    back what the move changed.

    Raises:
        ValidationError: The latest move is not that one, it cannot be taken back, or
            the kind's moves cannot be taken back at all.
        PermissionDeniedError: The actor may not change the record.
        NotFoundError: No such record.
    """
    kind = get_kind(kind_name)
    obj = _load(session, kind, item_id)
    permissions.require(session, actor, permissions.UPDATE, kind.name, _owner_of(kind, obj))
    if kind.workflow is None or kind.workflow.take_back is None:
        raise ValidationError({"status": f"A {kind.name}'s status move cannot be taken back."})
    kind.workflow.take_back(obj, moved_to, back_to)
    session.flush()
    audit(session, actor, "undo", kind.name, obj.id, "status", moved_to, back_to)
    return get_item(session, actor, kind.name, obj.id)


@dataclass(frozen=True)
class Snapshot:
    """Everything a delete removed, so undo can put it back with the same ids.

    Attributes:
        kind: The kind deleted.
        rows: ``(table, columns)`` in insert order: the record, then its owned children.
        referrers: ``(table, column, ids)`` rows whose link was cleared by the delete.
    """

    kind: str
    item_id: int
    rows: tuple[tuple[str, Mapping[str, Any]], ...]
    referrers: tuple[tuple[str, str, tuple[int, ...]], ...] = field(default=())


def delete_item(session: Session, actor: Actor, kind_name: str, item_id: int) -> Snapshot:
    """Delete a record and what it owns; return a snapshot that `restore_item` undoes.

    Raises:
        PermissionDeniedError: The actor may not delete it.
        ValidationError: Other records still need it (e.g. a journal with submissions).
    """
    kind = get_kind(kind_name)
    obj = _load(session, kind, item_id, actor)
    permissions.require(session, actor, permissions.DELETE, kind.name, _owner_of(kind, obj))
    blockers = _restricting_referrers(session, obj)
    if blockers:
        raise ValidationError(
            {"": f"This {kind.name} is still used by {blockers}; remove those first."}
        )
    rows: list[tuple[str, Mapping[str, Any]]] = []
    _collect(obj, rows)
    referrers = _nulling_referrers(session, obj)
    record = to_record(kind, obj)
    session.delete(obj)
    session.flush()
    audit(session, actor, "delete", kind.name, item_id, "", _jsonable(record.values), None)
    return Snapshot(kind.name, item_id, tuple(rows), tuple(referrers))


def restore_item(session: Session, actor: Actor, snapshot: Snapshot) -> Record:
    """Put back what `delete_item` removed, with the same ids and links.

    Raises:
        PermissionDeniedError: The actor may not create it.
    """
    kind = get_kind(snapshot.kind)
    owner = snapshot.rows[0][1].get("owner_id") if kind.owned else None
    permissions.require(session, actor, permissions.CREATE, kind.name, owner)
    tables = Base.metadata.tables
    for table_name, columns in snapshot.rows:
        session.execute(tables[table_name].insert().values(**columns))
    for table_name, column, ids in snapshot.referrers:
        table = tables[table_name]
        session.execute(
            update(table).where(table.c.id.in_(ids)).values({column: snapshot.item_id})
        )
    session.expire_all()
    obj = _load(session, kind, snapshot.item_id)
    labels, hidden = _ref_labels(session, actor, kind, [obj])
    stored = to_record(kind, obj, labels)
    audit(session, actor, "restore", kind.name, obj.id, "", None, _jsonable(stored.values))
    return to_record(kind, obj, labels, hidden)


def _collect(obj: Any, rows: list[tuple[str, Mapping[str, Any]]]) -> None:
    mapper = inspect(type(obj))
    table = mapper.local_table
    rows.append((table.name, {c.key: getattr(obj, c.key) for c in mapper.column_attrs}))
    for rel in mapper.relationships:
        if rel.cascade.delete_orphan:
            for child in getattr(obj, rel.key):
                _collect(child, rows)
        elif rel.secondary is not None and rel.direction.name == "MANYTOMANY":
            for child in getattr(obj, rel.key):
                local = next(c for c in rel.secondary.c if c.references(table.c.id))
                remote = next(c for c in rel.secondary.c if c is not local)
                rows.append((rel.secondary.name, {local.name: obj.id, remote.name: child.id}))


def _foreign_keys_to(table_name: str) -> Iterable[tuple[Any, Any]]:
    for table in Base.metadata.tables.values():
        for fk in table.foreign_keys:
            if fk.column.table.name == table_name and "id" in table.c:
                yield table, fk


def _nulling_referrers(session: Session, obj: Any) -> list[tuple[str, str, tuple[int, ...]]]:
    out = []
    table_name = inspect(type(obj)).local_table.name
    for table, fk in _foreign_keys_to(table_name):
        if fk.ondelete == "SET NULL":
            ids = tuple(session.scalars(select(table.c.id).where(fk.parent == obj.id)))
            if ids:
                out.append((table.name, fk.parent.name, ids))
    return out


def _restricting_referrers(session: Session, obj: Any) -> str:
    found = []
    table_name = inspect(type(obj)).local_table.name
    for table, fk in _foreign_keys_to(table_name):
        if fk.ondelete in (None, "RESTRICT") and table.name != table_name:
            count = len(
                list(session.scalars(select(table.c.id).where(fk.parent == obj.id).limit(100)))
            )
            if count:
                found.append(f"{count} {table.name.replace('_', ' ')}")
    return ", ".join(found)


# Audit ----------------------------------------------------------------------------------


def audit(
    session: Session,
    actor: Actor,
    action: str,
    kind: str,
    record_id: int | None,
    field_name: str,
    old: Any,
    new: Any,
) -> None:
    """Append one audit event (never updated or deleted by the application).

    The row is written at once, by the same statement an import writes it with
    (`audit_writes.record_event`).
    """
    record_event(session, actor, action, kind, record_id, field_name, old, new)


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        out[key] = value.isoformat() if isinstance(value, dt.date) else value
    return out


def step_item(
    session: Session,
    actor: Actor,
    kind_name: str,
    item_id: int,
    base: Mapping[str, Any],
    want: Mapping[str, Any],
    *,
    verb: str,
) -> None:
    """Undo or redo an edit of a record over what is stored now.

    A three-way merge (`merge.merge_fields`): ``base`` is what the step finds written,
    ``want`` what it writes; a field changed elsewhere since that the step does not
    touch is kept, and a field both changed refuses the step.

    Raises:
        merge.StepBlockedError: A field the step changes was changed again elsewhere;
            nothing is written.
    """
    now = get_item(session, actor, kind_name, item_id)
    trail = audit_trail.last_changes(session, kind_name, item_id)
    result = merge.merge_fields(
        base,
        want,
        {name: now.get(name) for name in base},
        labels={name: get_kind(kind_name).field(name).label for name in base},
        who=lambda name: trail.get(name, ("", None)),
    )
    if result.clashes:
        raise merge.StepBlockedError(verb, kind_name, result.clashes)
    if result.values:
        update_item(session, actor, kind_name, item_id, result.values)
