"""Account roles: the one vocabulary that every permission check and actor needs.

Kept apart from `records` (every domain vocabulary) so that work reaching only the
actor and its permissions (a command-line import) loads none of the rest.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """Account roles on a shared machine."""

    FELLOW = "fellow"
    MENTOR = "mentor"
    DIRECTOR = "director"
