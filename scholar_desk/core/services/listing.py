"""Listings for the command line: every kind as JSON objects or an aligned text table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from scholar_desk.core.records import to_json_value
from scholar_desk.core.services import items, zones
from scholar_desk.core.services.kinds import by_plural
from scholar_desk.core.services.session import Actor

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
    kind = by_plural(plural)
    records = items.list_items(session, actor, kind.name)
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
