"""Who may do what. Deny by default; the CLI and the window both ask here."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, TypeAlias

from scholar_desk.core.db.plain import PlainReader
from scholar_desk.core.errors import PermissionDeniedError
from scholar_desk.core.roles import Role
from scholar_desk.core.services.session import Actor

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Reads: TypeAlias = "Session | PlainReader"
"""What the rules read accounts through: a session, or a plain read of a current file."""

READ = "read"
CREATE = "create"
UPDATE = "update"
DELETE = "delete"
COMMENT = "comment"
RESOLVE = "resolve"
MANAGE = "manage"
ACTIONS = (READ, CREATE, UPDATE, DELETE, COMMENT, RESOLVE, MANAGE)

REFERENCE = "reference"
CITATION_STYLE = "citation_style"
SHARED_KINDS = frozenset({"person", "journal", "conference", REFERENCE, CITATION_STYLE})
"""Catalog kinds everyone reads and fellows and directors maintain.

``reference`` is the shared reference library: the permission of every reference-library
write (import, edit, tag, delete, merge, re-key) is checked with ``owner_id=None``.
"""

MEETING = "meeting"
SHARED_WITH_MENTORS = frozenset({MEETING})
"""Owned kinds a fellow's mentors (and a director) write too: the meetings they hold."""

ACCOUNT = "account"
AUDIT = "audit"
BACKUP = "backup"
PROGRAM = "program"
ADMIN_KINDS = frozenset({ACCOUNT, AUDIT, BACKUP, PROGRAM})
"""Whole-database matters only a director (or the single user) reads or manages.

Everyone reads the program's requirements (the services read them for every fellow);
only a director manages them.
"""

_LOGIN_ON_KEY = "scholar_desk.login_on"


# The account facts the rules below read. The models are imported on a session's path
# only, so a plain read (`PlainReader`) loads no ORM.


def _account_count(session: Reads) -> int:
    if isinstance(session, PlainReader):
        return int(session.rows("SELECT count(*) FROM accounts")[0][0])
    from sqlalchemy import func, select

    from scholar_desk.core.db.models import Account

    return session.scalar(select(func.count()).select_from(Account)) or 0


def _account_now(session: Reads, account_id: int) -> tuple[str, str, int | None, bool] | None:
    """(username, role, person id, active) of an account, or ``None`` when it is gone."""
    if isinstance(session, PlainReader):
        rows = session.rows(
            "SELECT username, role, person_id, active FROM accounts WHERE id = :id",
            {"id": account_id},
        )
        return (rows[0][0], rows[0][1], rows[0][2], bool(rows[0][3])) if rows else None
    from scholar_desk.core.db.models import Account

    account = session.get(Account, account_id)
    if account is None:
        return None
    return account.username, account.role, account.person_id, account.active


def _mentee_person_ids(session: Reads, account_id: int) -> frozenset[int]:
    if isinstance(session, PlainReader):
        rows = session.rows(
            "SELECT fellow_person_id FROM mentor_assignments WHERE mentor_account_id = :id",
            {"id": account_id},
        )
        return frozenset(row[0] for row in rows)
    from sqlalchemy import select

    from scholar_desk.core.db.models import MentorAssignment

    return frozenset(
        session.scalars(
            select(MentorAssignment.fellow_person_id).where(
                MentorAssignment.mentor_account_id == account_id
            )
        )
    )


def login_on(session: Reads) -> bool:
    """Whether accounts turned login on (two or more accounts), cached per session."""
    cached = session.info.get(_LOGIN_ON_KEY)
    if cached is None:
        cached = _account_count(session) >= 2
        session.info[_LOGIN_ON_KEY] = cached
    return bool(cached)


def forget_login_state(session: Session) -> None:
    """Drop the cached `login_on` answer (after accounts were added or removed)."""
    session.info.pop(_LOGIN_ON_KEY, None)


def current(session: Reads, actor: Actor) -> Actor | None:
    """The actor as its account is now in the database, or ``None`` when it may not act.

    Every check below goes through here, so a role changed or an account deactivated by
    a director takes effect at the next service call of an open window, not at the next
    sign-in. ``None`` means the account is inactive, gone, or (after a restore) now
    belongs to another user name. The single user, and an actor without an account (a
    service's own narrowed view, such as the mentor dashboard's view as one fellow), are
    returned as they are.
    """
    if actor.single_user or actor.account_id is None:
        return actor
    account = _account_now(session, actor.account_id)
    if account is None:
        return None
    username, role_name, person_id, active = account
    if not active or username.lower() != actor.username.lower():
        return None
    role = Role(role_name)
    if role == actor.role and person_id == actor.person_id:
        return actor
    return replace(actor, role=role, person_id=person_id)


def _full_control(session: Reads, actor: Actor) -> bool:
    # The single user has full control only while the database has no login; once it
    # has, a role-less actor (a front end that skipped login) gets nothing.
    return actor.single_user and not login_on(session)


def mentee_ids(session: Reads, actor: Actor) -> frozenset[int]:
    """People ids of the fellows assigned to a mentor account."""
    if actor.account_id is None or current(session, actor) is None:
        return frozenset()
    return _mentee_person_ids(session, actor.account_id)


def visible_owner_ids(session: Reads, actor: Actor) -> frozenset[int] | None:
    """The owners whose records ``actor`` may read; ``None`` means everyone's."""
    if actor.single_user:
        return None if _full_control(session, actor) else frozenset()
    now = current(session, actor)
    if now is None:
        return frozenset()
    actor = now
    if actor.role == Role.DIRECTOR:
        return None
    own = frozenset({actor.person_id}) if actor.person_id is not None else frozenset()
    if actor.role == Role.MENTOR:
        return own | mentee_ids(session, actor)
    return own


def allowed(session: Reads, actor: Actor, action: str, kind: str, owner_id: int | None) -> bool:
    """Whether ``actor`` may do ``action`` on a ``kind`` record owned by ``owner_id``.

    Roles: a fellow has full control of records they own and nothing of other
    fellows'; a mentor reads and comments on mentees' records and changes no content;
    a director reads everything, comments, and manages accounts, audit and backups.
    Fellows and directors maintain the shared catalogs (people, journals,
    conferences, the reference library). A fellow may comment on and resolve comments on their own records.
    Mentor meetings (`SHARED_WITH_MENTORS`) are written by the fellow, their mentors
    and a director. Anything not listed is denied.
    """
    if actor.single_user:
        return _full_control(session, actor)
    if action not in ACTIONS:
        return False
    now = current(session, actor)
    if now is None:
        return False
    actor = now
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
    if action in (COMMENT, RESOLVE) or kind in SHARED_WITH_MENTORS:
        if role == Role.DIRECTOR:
            return True
        if role == Role.MENTOR:
            return owner_id is not None and owner_id in mentee_ids(session, actor)
        return role == Role.FELLOW and own
    if role == Role.FELLOW:
        return own
    return False


_VERBS = {
    READ: "read",
    CREATE: "create",
    UPDATE: "change",
    DELETE: "delete",
    COMMENT: "comment on",
    RESOLVE: "resolve comments on",
    MANAGE: "manage",
}
_PLURALS = {
    "person": "people",
    "reference": "the reference library",
    "citation_style": "citation styles",
    "account": "accounts",
    "audit": "the audit log",
    "backup": "backups",
    "comment": "comments",
    "program": "the program's requirements",
}


def _plural(kind: str) -> str:
    if kind in _PLURALS:
        return _PLURALS[kind]
    return kind if kind.endswith("s") else f"{kind}s"


def refusal(session: Reads, actor: Actor, action: str, kind: str, owner_id: int | None) -> str:
    """Why ``actor`` may not do ``action``, as a sentence; ``""`` when they may.

    The window puts it in the tooltip of a greyed action and the command line prints it,
    so both say the same ("Mentors can read and comment, not create projects.").
    """
    if allowed(session, actor, action, kind, owner_id):
        return ""
    if actor.single_user:
        return "This database has accounts: sign in (--user NAME) to use it."
    now = current(session, actor)
    if now is None:
        return f"The account {actor.username} is no longer active here: sign in again."
    verb = _VERBS.get(action, action)
    things = _plural(kind)
    role = now.role
    if kind in ADMIN_KINDS:
        if role == Role.DIRECTOR:
            return f"Nobody can {verb} {things}."
        return f"Only a director can {verb} {things}."
    if kind in SHARED_KINDS:
        if action in (COMMENT, RESOLVE):
            return f"Only mentors and directors can {verb} {things}."
        if kind == REFERENCE:
            return "Mentors can read the reference library, not change it."
        return f"Mentors can read {things}, not {verb} them."
    if action == READ:
        if role == Role.MENTOR:
            return f"Mentors can read only their mentees' {things}."
        return f"Fellows can read only their own {things}."
    if action in (COMMENT, RESOLVE) or kind in SHARED_WITH_MENTORS:
        if role == Role.MENTOR:
            return f"Mentors can {verb} only their mentees' {things}."
        return f"Fellows can {verb} only their own {things}."
    if role == Role.FELLOW:
        return f"Fellows can {verb} only their own {things}."
    title = "Mentors" if role == Role.MENTOR else "Directors"
    return f"{title} can read and comment, not {verb} {things}."


def require(session: Reads, actor: Actor, action: str, kind: str, owner_id: int | None) -> None:
    """Raise unless ``actor`` may do ``action``.

    Raises:
        PermissionDeniedError: With the sentence `refusal` gives.
    """
    reason = refusal(session, actor, action, kind, owner_id)
    if reason:
        raise PermissionDeniedError(reason)


def may_link(session: Reads, actor: Actor, kind: str, owner_id: int | None) -> bool:
    """Whether a link field may point at a ``kind`` record owned by ``owner_id``.

    A link may point only at a record the actor may change (a fellow: their own, and
    the shared catalogs) or, for a director, at any record.
    """
    if allowed(session, actor, UPDATE, kind, owner_id):
        return True
    now = None if actor.single_user else current(session, actor)
    return now is not None and now.role == Role.DIRECTOR
