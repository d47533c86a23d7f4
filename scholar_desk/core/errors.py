"""Expected failures: each carries a sentence a person can act on."""

from __future__ import annotations

from collections.abc import Mapping


class ScholarDeskError(Exception):
    """A failure the user can understand and fix.

    Attributes:
        user_message: One or two sentences that say what is wrong and what to do.
        detail: Technical context for the collapsible details of an error dialog.
    """

    def __init__(self, user_message: str, detail: str = "") -> None:
        super().__init__(user_message)
        self.user_message = user_message
        self.detail = detail


class ValidationError(ScholarDeskError):
    """Input that breaks a rule; ``fields`` maps each field at fault to its message."""

    def __init__(self, fields: Mapping[str, str], detail: str = "") -> None:
        self.fields = dict(fields)
        # An empty name is a rule about the whole record: its text stands alone.
        message = "; ".join(
            f"{name}: {text}" if name else text for name, text in self.fields.items()
        )
        super().__init__(message or "The input is not valid.", detail)


class NotFoundError(ScholarDeskError):
    """A record that was asked for does not exist (or is no longer there)."""


class InvalidTransitionError(ScholarDeskError):
    """A status change that the workflow does not allow."""


class PermissionDeniedError(ScholarDeskError):
    """The signed-in account may not do this."""


class AuthenticationError(ScholarDeskError):
    """Wrong user name or password, or login is required."""


class ConflictError(ScholarDeskError):
    """Someone else saved a newer version of the record since it was loaded.

    Attributes:
        kind: The kind of record.
        record_id: Its id.
        mine: The values the user tried to save.
        theirs: The values now stored.
    """

    def __init__(
        self,
        kind: str,
        record_id: int,
        mine: Mapping[str, object],
        theirs: Mapping[str, object],
        theirs_version: int,
    ) -> None:
        super().__init__(
            f"This {kind} was changed elsewhere since you opened it. Choose which values to keep.",
        )
        self.kind = kind
        self.record_id = record_id
        self.mine = dict(mine)
        self.theirs = dict(theirs)
        self.theirs_version = theirs_version


class BusyError(ScholarDeskError):
    """The database is locked by another window or program for longer than the timeout."""


class DatabaseError(ScholarDeskError):
    """The database file cannot be opened, created or upgraded."""


class ImportFileError(ScholarDeskError):
    """An input file that cannot be used at all; nothing was imported."""


class ExportError(ScholarDeskError):
    """An output file that cannot be produced as asked."""


class OutputExistsError(ExportError):
    """The file to write exists and replacing it was not asked for."""
