"""Who may do what. Deny by default; the CLI and the window both ask here."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scholar_desk.core.db.models import Account, MentorAssignment
from scholar_desk.core.errors import PermissionDeniedError
from scholar_desk.core.records import Role
from scholar_desk.core.services.session import Actor

READ = "read"
CREATE = "create"
UPDATE = "update"
DELETE = "delete"
COMMENT = "comment"
RESOLVE = "resolve"
MANAGE = "manage"
ACTIONS = (READ, CREATE, UPDATE, DELETE, COMMENT, RESOLVE, MANAGE)

REFERENCE = "reference"
SHARED_KINDS = frozenset({"person", "journal", "conference", REFERENCE})
"""Catalog kinds everyone reads and fellows and directors maintain.

``reference`` is the shared reference library: the permission of every reference-library
write (import, edit, tag, delete, merge, re-key) is checked with ``owner_id=None``.
"""

ACCOUNT = "account"
AUDIT = "audit"
BACKUP = "backup"
ADMIN_KINDS = frozenset({ACCOUNT, AUDIT, BACKUP})
"""Whole-database matters only a director (or the single user) reads or manages."""

_LOGIN_ON_KEY = "scholar_desk.login_on"


def login_on(session: Session) -> bool:
    """Whether accounts turned login on (two or more accounts), cached per session."""
    cached = session.info.get(_LOGIN_ON_KEY)
    if cached is None:
        count = session.scalar(select(func.count()).select_from(Account)) or 0
        cached = count >= 2
        session.info[_LOGIN_ON_KEY] = cached
    return bool(cached)


def forget_login_state(session: Session) -> None:
    """Drop the cached `login_on` answer (after accounts were added or removed)."""
    session.info.pop(_LOGIN_ON_KEY, None)


def _full_control(session: Session, actor: Actor) -> bool:
    # The single user has full control only while the database has no login; once it
    # has, a role-less actor (a front end that skipped login) gets nothing.
    return actor.single_user and not login_on(session)


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
    if actor.single_user:
        return None if _full_control(session, actor) else frozenset()
    if actor.role == Role.DIRECTOR:
        return None
    own = frozenset({actor.person_id}) if actor.person_id is not None else frozenset()
    if actor.role == Role.MENTOR:
        return own | mentee_ids(session, actor)
    return own


def allowed(session: Session, actor: Actor, action: str, kind: str, owner_id: int | None) -> bool:
    """Whether ``actor`` may do ``action`` on a ``kind`` record owned by ``owner_id``.

    Roles: a fellow has full control of records they own and nothing of other
    fellows'; a mentor reads and comments on mentees' records and changes no content;
    a director reads everything, comments, and manages accounts, audit and backups.
    Fellows and directors maintain the shared catalogs (people, journals,
    conferences, the reference library). A fellow may comment on and resolve comments on their own records.
    Anything not listed is denied.
    """
    if actor.single_user:
        return _full_control(session, actor)
    if action not in ACTIONS:
        return False
    role = actor.role
    if kind in ADMIN_KINDS:
        return role == Role.DIRECTOR and action in (READ, MANAGE)
    if action == MANAGE:
        return False
    own = owner_id is not None and owner_id == actor.person_id
    if kind in SHARED_KINDS:
        if action == READ:
            return True
        if action in (COMMENT, RESOLVE):
            return role in (Role.MENTOR, Role.DIRECTOR)
        return role in (Role.FELLOW, Role.DIRECTOR)
    if action == READ:
        visible = visible_owner_ids(session, actor)
        return visible is None or owner_id in visible
    if action in (COMMENT, RESOLVE):
        if role == Role.DIRECTOR:
            return True
        if role == Role.MENTOR:
            return owner_id is not None and owner_id in mentee_ids(session, actor)
        return role == Role.FELLOW and own
    if role == Role.FELLOW:
        return own
    return False


def require(session: Session, actor: Actor, action: str, kind: str, owner_id: int | None) -> None:
    """Raise unless ``actor`` may do ``action``.

    Raises:
        PermissionDeniedError: With a sentence saying what is not allowed.
    """
    if not allowed(session, actor, action, kind, owner_id):
        if actor.single_user:
            raise PermissionDeniedError(
                "This database has accounts: sign in (--user NAME) to use it."
            )
        role = actor.role.value if actor.role else "user"
        raise PermissionDeniedError(f"As a {role}, {actor.username} may not {action} this {kind}.")
