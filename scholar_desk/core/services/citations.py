"""Which references a project, manuscript or abstract cites, numbered in citing order.

A deck's and a poster's reference list come from these links, so their order is the
order the fellow cited them in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from scholar_desk.core.db import models as m
from scholar_desk.core.errors import NotFoundError, ValidationError
from scholar_desk.core.formats import csl
from scholar_desk.core.services import items, permissions, reference_style
from scholar_desk.core.services.items import audit
from scholar_desk.core.services.session import Actor

CITING_MODELS: dict[str, Any] = {
    "abstract": m.Abstract,
    "project": m.Project,
    "manuscript": m.Manuscript,
}
"""The kinds of record that cite references."""


@dataclass(frozen=True)
class Citation:
    """One cited reference.

    Attributes:
        number: Its number in the citing record's list, from 1.
        reference_id: The reference.
        citation_key: Its BibTeX key.
        text: The reference in the record's citation style (`reference_style.style_for`).
    """

    number: int
    reference_id: int
    citation_key: str
    text: str


@dataclass(frozen=True)
class CitingTarget:
    """A record the actor may add citations to.

    Attributes:
        kind: ``abstract``, ``project`` or ``manuscript``.
        target_id: Its id.
        title: Its title.
        owner_id: The fellow it belongs to.
    """

    kind: str
    target_id: int
    title: str
    owner_id: int | None


def _owner(session: Session, actor: Actor, kind: str, target_id: int) -> int | None:
    # A record the actor may not read is reported exactly as a missing one.
    if kind not in CITING_MODELS:
        choices = ", ".join(CITING_MODELS)
        raise ValidationError({"kind": f"Only a {choices} can cite references, not '{kind}'."})
    row = items.load(session, kind, target_id, actor)
    owner: int | None = row.owner_id
    return owner


def _links(session: Session, kind: str, target_id: int) -> list[m.ReferenceLink]:
    return list(
        session.scalars(
            select(m.ReferenceLink)
            .where(m.ReferenceLink.target_kind == kind, m.ReferenceLink.target_id == target_id)
            .order_by(m.ReferenceLink.position, m.ReferenceLink.id)
        )
    )


def numbered(session: Session, kind: str, target_id: int) -> list[Citation]:
    """What a record cites, numbered, without a permission check (callers made one)."""
    return _numbered(session, kind, target_id)


def _numbered(session: Session, kind: str, target_id: int) -> list[Citation]:
    ids = [link.reference_id for link in _links(session, kind, target_id)]
    if not ids:
        return []
    keys = dict(
        session.execute(
            select(m.Reference.id, m.Reference.citation_key).where(m.Reference.id.in_(ids))
        ).all()
    )
    style, _reason = reference_style.style_for(session, kind, target_id)
    try:
        formatted, order = reference_style.format_ids(session, ids, style or csl.DEFAULT_STYLE)
    except NotFoundError:
        formatted, order = reference_style.format_ids(session, ids, csl.DEFAULT_STYLE)
    # Numbered in citing order whatever the style sorts by: the number is the citation's.
    text = {ref_id: entry.text for ref_id, entry in zip(order, formatted.entries, strict=True)}
    return [
        Citation(number, ref_id, keys[ref_id], text[ref_id])
        for number, ref_id in enumerate(ids, start=1)
    ]


def citations(session: Session, actor: Actor, kind: str, target_id: int) -> list[Citation]:
    """The references a record cites, numbered in citing order.

    Raises:
        NotFoundError: No such record.
        PermissionDeniedError: The actor may not read it.
    """
    owner = _owner(session, actor, kind, target_id)
    permissions.require(session, actor, permissions.READ, kind, owner)
    return _numbered(session, kind, target_id)


def cite(
    session: Session, actor: Actor, kind: str, target_id: int, reference_ids: Sequence[int]
) -> list[Citation]:
    """Add references to the end of a record's list; ones already cited stay where they are.

    Returns:
        The record's whole numbered list after the change.

    Raises:
        ValidationError: A reference id does not exist.
        NotFoundError: No such record.
        PermissionDeniedError: The actor may not change the record.
    """
    owner = _owner(session, actor, kind, target_id)
    permissions.require(session, actor, permissions.UPDATE, kind, owner)
    wanted = list(dict.fromkeys(reference_ids))
    found = set(session.scalars(select(m.Reference.id).where(m.Reference.id.in_(wanted))))
    missing = [str(i) for i in wanted if i not in found]
    if missing:
        raise ValidationError(
            {"reference_ids": f"No reference with id {', '.join(missing)}; nothing was cited."}
        )
    before = [link.reference_id for link in _links(session, kind, target_id)]
    position = int(
        session.scalar(
            select(func.coalesce(func.max(m.ReferenceLink.position), 0)).where(
                m.ReferenceLink.target_kind == kind, m.ReferenceLink.target_id == target_id
            )
        )
        or 0
    )
    added = [ref_id for ref_id in wanted if ref_id not in before]
    for ref_id in added:
        position += 1
        session.add(
            m.ReferenceLink(
                reference_id=ref_id, target_kind=kind, target_id=target_id, position=position
            )
        )
    session.flush()
    if added:
        audit(session, actor, "cite", kind, target_id, "references", before, before + added)
    return _numbered(session, kind, target_id)


def uncite(
    session: Session, actor: Actor, kind: str, target_id: int, reference_id: int
) -> list[Citation]:
    """Remove one reference from a record's list and renumber the rest.

    Returns:
        The record's numbered list after the change.

    Raises:
        NotFoundError: The record does not exist or does not cite that reference.
        PermissionDeniedError: The actor may not change the record.
    """
    owner = _owner(session, actor, kind, target_id)
    permissions.require(session, actor, permissions.UPDATE, kind, owner)
    links = _links(session, kind, target_id)
    before = [link.reference_id for link in links]
    if reference_id not in before:
        raise NotFoundError(f"This {kind} does not cite reference {reference_id}.")
    session.execute(
        delete(m.ReferenceLink).where(
            m.ReferenceLink.target_kind == kind,
            m.ReferenceLink.target_id == target_id,
            m.ReferenceLink.reference_id == reference_id,
        )
    )
    for position, link in enumerate(
        (link for link in links if link.reference_id != reference_id), start=1
    ):
        link.position = position
    session.flush()
    after = [i for i in before if i != reference_id]
    audit(session, actor, "uncite", kind, target_id, "references", before, after)
    return _numbered(session, kind, target_id)


def citing_targets(session: Session, actor: Actor) -> list[CitingTarget]:
    """Abstracts, projects and manuscripts the actor may add citations to, by title."""
    out: list[CitingTarget] = []
    for kind, model in CITING_MODELS.items():
        for row in session.scalars(select(model).order_by(model.title, model.id)):
            if permissions.allowed(session, actor, permissions.UPDATE, kind, row.owner_id):
                out.append(CitingTarget(kind, row.id, row.title, row.owner_id))
    return out
