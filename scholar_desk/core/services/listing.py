"""Listings for the command line: every kind as JSON objects or an aligned text table.

`list_kind` reads through a session; `list_plain` gives the same table from a current
SQLite file read in plain SQL (`PlainReader`), without SQLAlchemy, for a ``list`` that
answers at once. Both apply the same rules (`permissions`, `item_records`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from scholar_desk.core.db.plain import PlainReader, parse_stamp
from scholar_desk.core.records import Record, to_json_value
from scholar_desk.core.services import item_records, permissions
from scholar_desk.core.services.kinds import Kind, by_plural, get_kind
from scholar_desk.core.services.session import Actor

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_MAX_CELL = 48


@dataclass(frozen=True)
class ListTable:
    """Rows as JSON-ready dicts (each with its ``id``) and the columns to print as text.

    ``formats`` turns a row into the text of a column where the JSON value does not
    read well (a deadline in its meeting's zone rather than in UTC).
    """

    columns: tuple[tuple[str, str], ...]
    rows: list[dict[str, Any]] = field(default_factory=list)
    formats: Mapping[str, Callable[[dict[str, Any]], str]] = field(default_factory=dict)

    def as_text(self) -> str:
        """An aligned plain-text table, cells cut to a readable width."""
        header = [title for _, title in self.columns]
        body = [
            [
                self.formats[name](row) if name in self.formats else _cell(row.get(name))
                for name, _ in self.columns
            ]
            for row in self.rows
        ]
        widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]
        lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines += [
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in body
        ]
        lines.append(f"({len(body)} {'row' if len(body) == 1 else 'rows'})")
        return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    text = str(to_json_value(value)).replace("\n", " ")
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


def list_kind(session: Session, actor: Actor, plural: str, **options: Any) -> ListTable:
    """List every record of a kind that ``actor`` may read.

    Args:
        session: The unit of work.
        actor: Who asks.
        plural: A name ``scholar-desk list`` accepts (``projects``, ``references``...).
        **options: Kind-specific options (``search`` for references).

    Raises:
        KeyError: Unknown kind.
    """
    if plural == "references":
        return _references(session, actor, **options)
    if plural == "deadlines":
        return _deadlines(session, actor)
    from scholar_desk.core.services import items

    kind = by_plural(plural)
    return _table(kind, items.list_items(session, actor, kind.name))


def _table(kind: Kind, records: list[Record]) -> ListTable:
    columns: list[tuple[str, str]] = [("id", "ID")]
    formats: dict[str, Callable[[dict[str, Any]], str]] = {}
    for spec in kind.table_fields:
        name = spec.name.removesuffix("_id") + "_label" if spec.type == "ref" else spec.name
        columns.append((name, spec.label))
        if spec.type == "datetime" and spec.zone_field:
            formats[name] = _zoned_cell(name, spec.zone_field)
    return ListTable(tuple(columns), [r.to_json() for r in records], formats)


def _zoned_cell(name: str, zone_field: str) -> Callable[[dict[str, Any]], str]:
    def cell(row: dict[str, Any]) -> str:
        value = row.get(name)
        if not value:
            return ""
        moment = dt.datetime.fromisoformat(str(value))
        from scholar_desk.core.services import zones

        return zones.format_in_zone(moment, str(row.get(zone_field) or ""))

    return cell


def _deadlines(session: Session, actor: Actor) -> ListTable:
    # Imported here: `list projects` should not pay for the deadline and reference code.
    from scholar_desk.core.services import deadlines

    rows = []
    for number, item in enumerate(deadlines.all_deadlines(session, actor), start=1):
        rows.append(
            {
                "id": item.source_id if not item.derived else -number,
                "due_on": item.due_on.isoformat(),
                "title": item.title,
                "kind": item.kind,
                "source_kind": item.source_kind,
                "source_id": item.source_id,
                "owner_id": item.owner_id,
                "derived": item.derived,
                "done": item.done,
            }
        )
    columns = (("due_on", "Due"), ("title", "Title"), ("kind", "Kind"), ("derived", "Derived"))
    return ListTable(columns, rows)


def _references(session: Session, actor: Actor, **options: Any) -> ListTable:
    from scholar_desk.core.services import references

    rows = references.list_references(session, actor, search=options.get("search"))
    columns = (
        ("id", "ID"),
        ("citation_key", "Key"),
        ("first_author", "First author"),
        ("year", "Year"),
        ("title", "Title"),
        ("journal", "Journal"),
    )
    return ListTable(columns, rows)


# The same listings read in plain SQL ------------------------------------------------------


class _NotPlainError(Exception):
    """A value or a label needs more than a plain read (the caller goes through a session)."""


def list_plain(reader: PlainReader, actor: Actor, plural: str) -> ListTable | None:
    """`list_kind` for a tracker kind, read in plain SQL; ``None`` where it cannot be.

    ``None`` for the reference library and the deadlines (their own services), and for a
    kind whose label needs linked rows (a submission names its manuscript and journal):
    the caller then lists through a session.

    Raises:
        KeyError: Unknown kind.
        sqlite3.Error: The database could not be read.
    """
    if plural in ("references", "deadlines"):
        return None
    kind = by_plural(plural)
    try:
        return _table(kind, _plain_records(reader, actor, kind))
    except _NotPlainError:
        return None


def _plain_records(reader: PlainReader, actor: Actor, kind: Kind) -> list[Record]:
    where = ""
    params: dict[str, Any] = {}
    if kind.owned:
        visible = permissions.visible_owner_ids(reader, actor)
        if visible is not None:
            params = {f"o{i}": owner for i, owner in enumerate(sorted(visible))}
            where = f"WHERE owner_id IN ({', '.join(':' + name for name in params)})"
            where = where if params else "WHERE 0"
    elif not permissions.allowed(reader, actor, permissions.READ, kind.name, None):
        return []
    order = ", ".join((*kind.order_by, "id"))
    rows = _plain_rows(reader, kind, f"{where} ORDER BY {order}", params)
    labels, hidden = _plain_ref_labels(reader, actor, kind, rows)
    return [
        item_records.record_of(kind, dict(vars(row)), _label(kind, row), labels, hidden)
        for row in rows
    ]


def _plain_ref_labels(
    reader: PlainReader, actor: Actor, kind: Kind, rows: list[SimpleNamespace]
) -> tuple[dict[tuple[str, int], str], frozenset[tuple[str, int]]]:
    """As the item service's labels of linked records, from plain reads."""
    labels: dict[tuple[str, int], str] = {}
    hidden: set[tuple[str, int]] = set()
    visible = permissions.visible_owner_ids(reader, actor)
    for ref_kind_name, ids in item_records.linked_ids(kind, rows).items():
        ref_kind = get_kind(ref_kind_name)
        shared_ok = ref_kind.owned or permissions.allowed(
            reader, actor, permissions.READ, ref_kind.name, None
        )
        params = {f"i{n}": ref_id for n, ref_id in enumerate(sorted(ids))}
        where = f"WHERE id IN ({', '.join(':' + name for name in params)})"
        for row in _plain_rows(reader, ref_kind, where, params):
            labels[(ref_kind_name, row.id)] = _label(ref_kind, row)
            owner = row.owner_id if ref_kind.owned else None
            if not item_records.readable(ref_kind, owner, visible, shared_ok):
                hidden.add((ref_kind_name, row.id))
    return labels, frozenset(hidden)


def _label(kind: Kind, row: SimpleNamespace) -> str:
    try:
        return kind.label(row)
    except AttributeError as exc:  # the label reads a linked row
        raise _NotPlainError(kind.name) from exc


_CONVERT: dict[str, Callable[[Any], Any]] = {
    "DATE": dt.date.fromisoformat,
    "DATETIME": parse_stamp,
    "BOOLEAN": bool,
    "INTEGER": lambda value: value,
    "TEXT": lambda value: value,
}


def _plain_rows(
    reader: PlainReader, kind: Kind, rest: str, params: dict[str, Any]
) -> list[SimpleNamespace]:
    """Rows of a kind's table with their values typed as the models type them."""
    types = reader.declared_types(kind.table)
    names, rows = reader.named_rows(f"SELECT * FROM {kind.table} {rest}", params)
    converters: list[Callable[[Any], Any] | None] = []
    for name in names:
        declared = types.get(name, "")
        convert = _CONVERT.get(declared)
        if convert is None and not declared.startswith("VARCHAR"):
            raise _NotPlainError(f"{kind.table}.{name}: {declared}")
        converters.append(convert)
    out = []
    for row in rows:
        values = {
            name: value if value is None or convert is None else convert(value)
            for name, convert, value in zip(names, converters, row, strict=True)
            if name not in item_records.HIDDEN_COLUMNS
        }
        out.append(SimpleNamespace(**values))
    return out
