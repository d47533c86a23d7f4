"""Accounts, login and roles on a shared machine."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scholar_desk.core.db.models import Account
from scholar_desk.core.errors import AuthenticationError
from scholar_desk.core.services.session import Actor


def login_required(session: Session) -> bool:
    """Whether the database has two or more accounts, which turns login on."""
    count = session.scalar(select(func.count()).select_from(Account)) or 0
    return count >= 2


def login(session: Session, username: str, password: str) -> Actor:
    """Check a password and return the actor for the account.

    Raises:
        AuthenticationError: Unknown user or wrong password.
    """
    raise AuthenticationError("Accounts are not available yet.")
