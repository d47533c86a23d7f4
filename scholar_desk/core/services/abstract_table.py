"""An abstract's results table: set, read and clear it (the deck and poster show it)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from scholar_desk.core.formats.results_table import ResultsTable
from scholar_desk.core.services import items, permissions
from scholar_desk.core.services.session import Actor


def get_table(session: Session, actor: Actor, abstract_id: int) -> ResultsTable | None:
    """The abstract's results table, or ``None``.

    Raises:
        NotFoundError: No such abstract (or not the actor's to see).
        PermissionDeniedError: The actor may not read it.
    """
    obj = items.load(session, "abstract", abstract_id, actor)
    permissions.require(session, actor, permissions.READ, "abstract", obj.owner_id)
    return ResultsTable.from_json(obj.results_table or "")


def set_table(
    session: Session, actor: Actor, abstract_id: int, table: ResultsTable | None
) -> ResultsTable | None:
    """Store (or with ``None`` remove) the abstract's results table, with an audit event.

    Args:
        session: The unit of work.
        actor: Who does it.
        abstract_id: The abstract.
        table: The table (checked by `results_table.parse_table`), or ``None``.

    Returns:
        The table as stored.

    Raises:
        NotFoundError: No such abstract.
        PermissionDeniedError: The actor may not change it.
    """
    obj = items.load(session, "abstract", abstract_id, actor)
    permissions.require(session, actor, permissions.UPDATE, "abstract", obj.owner_id)
    old = obj.results_table or ""
    new = table.to_json() if table is not None else ""
    if old != new:
        obj.results_table = new
        session.flush()
        items.audit(session, actor, "update", "abstract", obj.id, "results_table", old, new)
    return table
