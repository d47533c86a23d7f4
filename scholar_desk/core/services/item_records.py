"""A tracker row's values as a `Record`, with the labels of what it links to.

Shared by the item service (rows from the ORM) and the plain listing (rows read in plain
SQL), so a linked record the viewer may not read is hidden by one rule on both ways.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from scholar_desk.core.records import Record
from scholar_desk.core.services.kinds import Kind

HIDDEN_COLUMNS = frozenset({"password_hash"})

HIDDEN_LABEL = "(not shown)"
"""Stands for a linked record's label where the viewer may not read that record."""


def linked_ids(kind: Kind, rows: Iterable[Any]) -> dict[str, set[int]]:
    """The ids each row links to, by the linked kind's name (rows read by attribute)."""
    wanted: dict[str, set[int]] = {}
    for row in rows:
        for spec in kind.fields:
            if spec.type == "ref" and spec.ref_kind:
                ref_id = getattr(row, spec.name)
                if ref_id is not None:
                    wanted.setdefault(spec.ref_kind, set()).add(ref_id)
    return wanted


def readable(
    ref_kind: Kind, owner_id: int | None, visible: frozenset[int] | None, shared_ok: bool
) -> bool:
    """Whether the viewer may read a linked record.

    Args:
        ref_kind: The linked record's kind.
        owner_id: Its owner, for an owned kind.
        visible: The owners whose records the viewer reads (``None``: everyone's).
        shared_ok: Whether the viewer reads records of a kind nobody owns.
    """
    if ref_kind.owned:
        return visible is None or owner_id in visible
    return shared_ok


def record_of(
    kind: Kind,
    values: dict[str, Any],
    label: str,
    labels: Mapping[tuple[str, int], str] | None = None,
    hidden: frozenset[tuple[str, int]] = frozenset(),
) -> Record:
    """A `Record` of a row's column values (``id`` and ``version`` among them).

    Args:
        kind: The row's kind.
        values: Every column of the row but the hidden ones, in the model's order; a
            label is added per link (``owner_id`` gets ``owner_label``).
        label: The row's own label.
        labels: Labels of linked records by ``(kind, id)``.
        hidden: Linked records the viewer may not read: their id and label are left out,
            and their label is cut from the row's own label (a submission's names its
            manuscript).
    """
    for spec in kind.fields:
        if spec.type == "ref":
            ref_id = values.get(spec.name)
            name = spec.name.removesuffix("_id") + "_label"
            if ref_id is None:
                values[name] = ""
                continue
            key = (spec.ref_kind or "", int(ref_id))
            if key in hidden:
                values[spec.name] = None
                values[name] = HIDDEN_LABEL
                secret = labels.get(key, "") if labels is not None else ""
                if secret and secret in label:
                    label = label.replace(secret, HIDDEN_LABEL)
            elif labels is not None and key in labels:
                values[name] = labels[key]
            else:
                values[name] = f"#{ref_id}"
    item_id = values.pop("id", None)
    return Record(kind.name, item_id, values["version"], label, MappingProxyType(values))
