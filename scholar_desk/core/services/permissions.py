"""Who may do what. Deny by default; the CLI and the window both ask here."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from scholar_desk.core.db.models import MentorAssignment
from scholar_desk.core.errors import PermissionDeniedError
from scholar_desk.core.records import Role
from scholar_desk.core.services.session import Actor

READ = "read"
CREATE = "create"
UPDATE = "update"
DELETE = "delete"
COMMENT = "comment"
ACTIONS = (READ, CREATE, UPDATE, DELETE, COMMENT)

SHARED_KINDS = frozenset({"person", "journal", "conference"})
"""Catalog kinds everyone reads and fellows and directors maintain."""


def mentee_ids(session: Session, actor: Actor) -> frozenset[int]:
    """People ids of the fellows assigned to a mentor account."""
    if actor.account_id is None:
        return frozenset()
    rows = session.scalars(
        select(MentorAssignment.fellow_person_id).where(
            MentorAssignment.mentor_account_id == actor.account_id
        )
    )
    return frozenset(rows)


def visible_owner_ids(session: Session, actor: Actor) -> frozenset[int] | None:
    """The owners whose records ``actor`` may read; ``None`` means everyone's."""
    if actor.single_user or actor.role == Role.DIRECTOR:
        return None
    own = frozenset({actor.person_id}) if actor.person_id is not None else frozenset()
    if actor.role == Role.MENTOR:
        return own | mentee_ids(session, actor)
    return own


def allowed(session: Session, actor: Actor, action: str, kind: str, owner_id: int | None) -> bool:
    """Whether ``actor`` may do ``action`` on a ``kind`` record owned by ``owner_id``."""
    if actor.single_user:
        return True
    role = actor.role
    if kind in SHARED_KINDS:
        if action == READ:
            return True
        if action == COMMENT:
            return role in (Role.MENTOR, Role.DIRECTOR)
        return role in (Role.FELLOW, Role.DIRECTOR)
    if action == READ:
        visible = visible_owner_ids(session, actor)
        return visible is None or owner_id in visible
    if action == COMMENT:
        if role == Role.DIRECTOR:
            return True
        if role == Role.MENTOR:
            return owner_id is not None and owner_id in mentee_ids(session, actor)
        return False
    if role == Role.FELLOW:
        return owner_id is not None and owner_id == actor.person_id
    return False


def require(session: Session, actor: Actor, action: str, kind: str, owner_id: int | None) -> None:
    """Raise unless ``actor`` may do ``action``.

    Raises:
        PermissionDeniedError: With a sentence saying what is not allowed.
    """
    if not allowed(session, actor, action, kind, owner_id):
        role = actor.role.value if actor.role else "user"
        raise PermissionDeniedError(
            f"As a {role}, {actor.username} may not {action} this {kind}."
        )
