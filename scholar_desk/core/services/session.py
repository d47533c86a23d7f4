"""Who is acting: the signed-in account, or the single user of an unshared database."""

from __future__ import annotations

from dataclasses import dataclass

from scholar_desk.core.roles import Role


@dataclass(frozen=True)
class Actor:
    """The person on whose behalf a service runs.

    Attributes:
        username: Shown in audit events and submission history.
        role: The account's role; ``None`` in single-user mode (full control).
        account_id: The account, if accounts exist.
        person_id: The Person the account is linked to (a fellow's own records).
    """

    username: str
    role: Role | None = None
    account_id: int | None = None
    person_id: int | None = None

    @property
    def single_user(self) -> bool:
        """Whether the database has no accounts and so no login."""
        return self.role is None


SINGLE_USER = Actor(username="me")
"""The actor of a database that has no accounts."""
