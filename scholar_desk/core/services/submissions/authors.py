"""A manuscript's authors, in order, with the corresponding and senior flags."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from scholar_desk.core.db import models as m
from scholar_desk.core.errors import NotFoundError, ValidationError
from scholar_desk.core.services import items, permissions
from scholar_desk.core.services.kinds import person_name
from scholar_desk.core.services.session import Actor
from scholar_desk.core.services.submissions.records import AuthorRecord


def manuscript_authors(session: Session, actor: Actor, manuscript_id: int) -> list[AuthorRecord]:
    """A manuscript's authors in byline order.

    Raises:
        NotFoundError: No such manuscript.
        PermissionDeniedError: The actor may not read it.
    """
    manuscript = session.get(m.Manuscript, manuscript_id)
    if manuscript is None:
        raise NotFoundError(f"There is no manuscript with id {manuscript_id}.")
    permissions.require(session, actor, permissions.READ, "manuscript", manuscript.owner_id)
    return [
        AuthorRecord(a.person_id, person_name(a.person), a.position, a.corresponding, a.senior)
        for a in manuscript.authors
    ]


def set_manuscript_authors(
    session: Session,
    actor: Actor,
    manuscript_id: int,
    authors: Sequence[tuple[int, bool, bool]],
) -> list[AuthorRecord]:
    """Replace a manuscript's byline.

    Args:
        session: The unit of work.
        actor: Who does it.
        manuscript_id: The manuscript.
        authors: ``(person_id, corresponding, senior)`` in byline order.

    Returns:
        The new byline.

    Raises:
        ValidationError: A person is missing or listed twice, or more than one senior
            author is marked.
        PermissionDeniedError: The actor may not change the manuscript.
    """
    manuscript = session.get(m.Manuscript, manuscript_id)
    if manuscript is None:
        raise NotFoundError(f"There is no manuscript with id {manuscript_id}.")
    permissions.require(session, actor, permissions.UPDATE, "manuscript", manuscript.owner_id)
    ids = [a[0] for a in authors]
    if len(set(ids)) != len(ids):
        raise ValidationError({"authors": "Each person can appear only once in the byline."})
    if sum(1 for a in authors if a[2]) > 1:
        raise ValidationError({"authors": "Mark one senior author at most."})
    found = set(session.scalars(select(m.Person.id).where(m.Person.id.in_(ids))))
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationError({"authors": f"No person with id {', '.join(missing)}."})
    old = [(a.person_id, a.corresponding, a.senior) for a in manuscript.authors]
    manuscript.authors.clear()
    session.flush()
    for position, (person_id, corresponding, senior) in enumerate(authors, start=1):
        manuscript.authors.append(
            m.ManuscriptAuthor(
                person_id=person_id,
                position=position,
                corresponding=bool(corresponding),
                senior=bool(senior),
            )
        )
    session.flush()
    items.audit(
        session,
        actor,
        "update",
        "manuscript",
        manuscript.id,
        "authors",
        [list(a) for a in old],
        [list(a) for a in authors],
    )
    return manuscript_authors(session, actor, manuscript_id)
