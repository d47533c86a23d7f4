"""Command-line sign-ins that last a few minutes, so each command need not check a password.

``scholar-desk login`` checks the password once (argon2id, with the usual lockout) and
issues a token: 32 random bytes, of which the database keeps only the SHA-256, so a copy
of the database (or of a backup) holds nothing that signs anybody in. The command line
keeps the token itself in a file of mode ``0600`` in the user's data folder. A token
lasts as long as the window stays unlocked without input (the director's idle-lock
minutes, 15 by default, at most 30) and never longer; ``logout`` ends it, and changing
or resetting the account's password or disabling the account ends every token of that
account. Each command reads the account as it is now: a disabled account's token signs
nobody in, and a changed role applies at once.

Reading a token is one query in plain SQL: no password hashing, no ORM, and on a current
SQLite file not even SQLAlchemy (`PlainReader`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING, cast

from scholar_desk.core import clock
from scholar_desk.core.db.plain import PlainReader, fetch, stamp
from scholar_desk.core.errors import PermissionDeniedError
from scholar_desk.core.roles import Role
from scholar_desk.core.services.session import Actor

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.orm import Session


def _tokens() -> Table:
    from sqlalchemy import Table

    from scholar_desk.core.db.models import SignInToken

    return cast(Table, SignInToken.__table__)


_ACTOR_FOR_TOKEN = (
    "SELECT a.username, a.role, a.id, a.person_id FROM accounts AS a"
    " JOIN sign_in_tokens AS t ON t.account_id = a.id"
    " WHERE t.token_hash = :digest AND t.expires_at > :now AND a.active"
)


def digest(token: str) -> str:
    """What the database keeps of a token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(session: Session, actor: Actor, minutes: int) -> tuple[str, dt.datetime]:
    """A new token for the actor's account, valid for ``minutes``; the token and its end.

    The caller has just checked the account's password (`accounts.sign_in`). Expired
    tokens of every account are dropped on the way.

    Raises:
        PermissionDeniedError: The actor has no account (single-user mode).
    """
    if actor.account_id is None:
        raise PermissionDeniedError("Only an account can sign in; this database has none.")
    from sqlalchemy import delete, insert

    tokens = _tokens()
    now = clock.now()
    token = secrets.token_urlsafe(32)
    expires = now + dt.timedelta(minutes=minutes)
    session.execute(delete(tokens).where(tokens.c.expires_at <= now))
    session.execute(
        insert(tokens).values(
            account_id=actor.account_id,
            token_hash=digest(token),
            created_at=now,
            expires_at=expires,
        )
    )
    return token, expires


def actor_for(session: Session | PlainReader, token: str) -> Actor | None:
    """The actor a token signs in, as the account is now; ``None`` if it signs in nobody.

    Nobody: an unknown, expired or revoked token, or a disabled account.
    """
    rows = fetch(
        session,
        _ACTOR_FOR_TOKEN,
        {"digest": digest(token), "now": stamp(session, clock.now())},
    )
    if not rows:
        return None
    username, role, account_id, person_id = rows[0]
    return Actor(username=username, role=Role(role), account_id=account_id, person_id=person_id)


def revoke(session: Session, token: str) -> bool:
    """End one token (``logout``); whether it was still there."""
    from sqlalchemy import delete

    tokens = _tokens()
    result = session.execute(delete(tokens).where(tokens.c.token_hash == digest(token)))
    return bool(getattr(result, "rowcount", 0))


def revoke_account(session: Session, account_id: int) -> None:
    """End every token of an account (its password changed, or it was disabled)."""
    from sqlalchemy import delete

    tokens = _tokens()
    session.execute(delete(tokens).where(tokens.c.account_id == account_id))
