"""References as stored, kept so a write can be taken back (see `restore`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from scholar_desk.core.db.models import Reference, ReferenceLink
from scholar_desk.core.services.references.records import (
    ReferenceSnapshot,
    _chunks,
    _tags_by_id,
)

_REFERENCES = cast(Table, Reference.__table__)
_LINKS = cast(Table, ReferenceLink.__table__)


def _snapshot(session: Session, ids: Sequence[int]) -> ReferenceSnapshot:
    """The stored references ``ids`` (those that exist) with their tags and links."""
    rows: list[Mapping[str, Any]] = []
    links: list[Mapping[str, Any]] = []
    for part in _chunks(list(dict.fromkeys(ids)), 900):
        rows.extend(
            dict(row._mapping)
            for row in session.execute(
                select(_REFERENCES).where(_REFERENCES.c.id.in_(part)).order_by(_REFERENCES.c.id)
            )
        )
        links.extend(
            dict(row._mapping)
            for row in session.execute(
                select(_LINKS).where(_LINKS.c.reference_id.in_(part)).order_by(_LINKS.c.id)
            )
        )
    taken = [int(row["id"]) for row in rows]
    tags = {ref_id: tuple(names) for ref_id, names in _tags_by_id(session, taken).items()}
    return ReferenceSnapshot(tuple(rows), tags, tuple(links))


def _max_id(session: Session, model: Any) -> int:
    """The highest id of ``model`` (0 when empty): rows added later have higher ids."""
    return int(session.scalar(select(func.max(model.id))) or 0)


def _versions(session: Session, ids: Sequence[int]) -> dict[int, int]:
    """The stored version of each of ``ids`` that exists."""
    out: dict[int, int] = {}
    for part in _chunks(list(ids), 900):
        for ref_id, version in session.execute(
            select(Reference.id, Reference.version).where(Reference.id.in_(part))
        ):
            out[int(ref_id)] = int(version)
    return out
