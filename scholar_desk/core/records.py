"""Plain types shared by every layer: domain vocabularies, field specs and row records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from scholar_desk.core.roles import Role as Role  # defined apart; named here as ever


class ProjectKind(StrEnum):
    """What kind of research a project is."""

    CLINICAL_STUDY = "clinical study"
    RETROSPECTIVE_REVIEW = "retrospective review"
    QUALITY_IMPROVEMENT = "quality improvement"
    CASE_REPORT = "case report or series"
    SYSTEMATIC_REVIEW = "systematic review"
    EDUCATION = "education"
    BASIC_SCIENCE = "basic science"


class ProjectStatus(StrEnum):
    """Where a project stands, from idea to completion."""

    IDEA = "idea"
    PROTOCOL = "protocol"
    IRB_SUBMITTED = "IRB submitted"
    IRB_APPROVED = "IRB approved"
    DATA_COLLECTION = "data collection"
    ANALYSIS = "analysis"
    WRITING = "writing"
    COMPLETE = "complete"
    ON_HOLD = "on hold"
    ABANDONED = "abandoned"


class SubmissionStatus(StrEnum):
    """Where a manuscript stands at one journal."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITH_EDITOR = "with editor"
    UNDER_REVIEW = "under review"
    MAJOR_REVISION = "major revision"
    MINOR_REVISION = "minor revision"
    REVISION_SUBMITTED = "revision submitted"
    ACCEPTED = "accepted"
    IN_PRESS = "in press"
    PUBLISHED = "published"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


_S = SubmissionStatus
SUBMISSION_TRANSITIONS: Mapping[SubmissionStatus, frozenset[SubmissionStatus]] = MappingProxyType(
    {
        _S.DRAFT: frozenset({_S.SUBMITTED, _S.WITHDRAWN}),
        _S.SUBMITTED: frozenset({_S.WITH_EDITOR, _S.UNDER_REVIEW, _S.REJECTED, _S.WITHDRAWN}),
        _S.WITH_EDITOR: frozenset({_S.UNDER_REVIEW, _S.REJECTED, _S.WITHDRAWN}),
        _S.UNDER_REVIEW: frozenset(
            {_S.MAJOR_REVISION, _S.MINOR_REVISION, _S.ACCEPTED, _S.REJECTED, _S.WITHDRAWN}
        ),
        _S.MAJOR_REVISION: frozenset({_S.REVISION_SUBMITTED, _S.WITHDRAWN}),
        _S.MINOR_REVISION: frozenset({_S.REVISION_SUBMITTED, _S.WITHDRAWN}),
        _S.REVISION_SUBMITTED: frozenset(
            {
                _S.WITH_EDITOR,
                _S.UNDER_REVIEW,
                _S.MAJOR_REVISION,
                _S.MINOR_REVISION,
                _S.ACCEPTED,
                _S.REJECTED,
                _S.WITHDRAWN,
            }
        ),
        _S.ACCEPTED: frozenset({_S.IN_PRESS, _S.PUBLISHED}),
        _S.IN_PRESS: frozenset({_S.PUBLISHED}),
        _S.PUBLISHED: frozenset(),
        _S.REJECTED: frozenset(),
        _S.WITHDRAWN: frozenset(),
    }
)
"""Allowed moves of a submission's status; a rejected manuscript goes on as a new submission."""

DECISION_STATUSES = frozenset({_S.MAJOR_REVISION, _S.MINOR_REVISION, _S.ACCEPTED, _S.REJECTED})
REVISION_STATUSES = frozenset({_S.MAJOR_REVISION, _S.MINOR_REVISION})
"""Decisions that ask for a revision (and open a revision round)."""
OPEN_SUBMISSION_STATUSES = frozenset(
    {_S.SUBMITTED, _S.WITH_EDITOR, _S.UNDER_REVIEW, _S.REVISION_SUBMITTED}
)


class AbstractStatus(StrEnum):
    """Where a conference abstract stands."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED_POSTER = "accepted as poster"
    ACCEPTED_ORAL = "accepted as oral"
    REJECTED = "rejected"
    PRESENTED = "presented"
    WITHDRAWN = "withdrawn"


_A = AbstractStatus
ABSTRACT_TRANSITIONS: Mapping[AbstractStatus, frozenset[AbstractStatus]] = MappingProxyType(
    {
        _A.DRAFT: frozenset({_A.SUBMITTED, _A.WITHDRAWN}),
        _A.SUBMITTED: frozenset({_A.ACCEPTED_POSTER, _A.ACCEPTED_ORAL, _A.REJECTED, _A.WITHDRAWN}),
        _A.ACCEPTED_POSTER: frozenset({_A.PRESENTED, _A.ACCEPTED_ORAL, _A.WITHDRAWN}),
        _A.ACCEPTED_ORAL: frozenset({_A.PRESENTED, _A.ACCEPTED_POSTER, _A.WITHDRAWN}),
        _A.REJECTED: frozenset(),
        _A.PRESENTED: frozenset(),
        _A.WITHDRAWN: frozenset(),
    }
)


class ArticleType(StrEnum):
    """The type of a manuscript as journals classify it."""

    ORIGINAL = "original research"
    REVIEW = "review"
    SYSTEMATIC_REVIEW = "systematic review"
    CASE_REPORT = "case report"
    LETTER = "letter"
    BRIEF_REPORT = "brief report"
    EDITORIAL = "editorial"
    CHAPTER = "book chapter"
    TEXTBOOK = "textbook"


class PresentationKind(StrEnum):
    """Talks that the annual report counts."""

    TALK = "conference talk"
    GRAND_ROUNDS = "grand rounds"
    INVITED = "invited lecture"
    JOURNAL_CLUB = "journal club"
    LOCAL_POSTER = "local poster"
    WORKSHOP = "workshop"
    TEACHING = "teaching session"


class MeetingScope(StrEnum):
    """The reach of a meeting, as the activity report groups it."""

    INTERNATIONAL = "international"
    NATIONAL = "national"
    REGIONAL = "regional"
    LOCAL = "local"


class PosterOrientation(StrEnum):
    """How a meeting's poster board is turned."""

    ANY = "any"
    LANDSCAPE = "landscape"
    PORTRAIT = "portrait"


class LimitUnit(StrEnum):
    """What a conference counts against its abstract limit."""

    WORDS = "words"
    CHARACTERS = "characters"


class PersonKind(StrEnum):
    """A person's place in the program."""

    FELLOW = "fellow"
    FACULTY = "faculty"
    COLLABORATOR = "collaborator"


@dataclass(frozen=True)
class FieldSpec:
    """How one editable field of a kind of record looks and what it accepts.

    Attributes:
        name: The model attribute (and JSON key).
        label: What the user sees.
        type: One of text, multiline, int, date, datetime, bool, choice, ref, timezone
            (an IANA zone name), style (a citation style's name).
        required: Whether an empty value is refused.
        choices: Allowed values for ``choice``.
        ref_kind: The kind a ``ref`` field points at.
        in_table: Whether the list table shows it as a column.
        help: A short hint shown beside the field.
        zone_field: For a ``datetime``, the field holding the IANA zone it is entered
            and shown in (stored as UTC either way).
    """

    name: str
    label: str
    type: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    ref_kind: str | None = None
    in_table: bool = False
    help: str = ""
    zone_field: str = ""


@dataclass(frozen=True)
class Record:
    """One row of a kind of record, detached from the database.

    Attributes:
        kind: The kind name (``project``, ``manuscript``...).
        id: The primary key.
        version: The optimistic-lock version the values were read at.
        label: A short human name for the row.
        values: Field values by name, read-only.
    """

    kind: str
    id: int
    version: int
    label: str
    values: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def get(self, name: str, default: Any = None) -> Any:
        """Return a value, or ``default`` when the record has no such field."""
        return self.values.get(name, default)

    def to_json(self) -> dict[str, Any]:
        """Return the record as a JSON-ready dict: ``id``, then the model's field names."""
        out: dict[str, Any] = {"id": self.id}
        for key, value in self.values.items():
            out[key] = to_json_value(value)
        return out


def to_json_value(value: Any) -> Any:
    """Turn dates and other non-JSON values into JSON-ready ones."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [to_json_value(v) for v in value]
    return value
