"""The kinds of record the tracker edits: their model, fields and how a row is labelled.

Forms in the window, tables, the CLI's ``list`` and the generic item service all read
these specs, so a field is declared once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from scholar_desk.core.db import models as m
from scholar_desk.core.db.base import Base
from scholar_desk.core.records import (
    AbstractStatus,
    ArticleType,
    FieldSpec,
    LimitUnit,
    MeetingScope,
    PersonKind,
    PresentationKind,
    ProjectKind,
    ProjectStatus,
    SubmissionStatus,
)


def _values(enum: Any) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


@dataclass(frozen=True)
class Kind:
    """One kind of record.

    Attributes:
        name: Singular name used in code, audit and comments (``project``).
        plural: Plural used by ``list`` (``projects``).
        title: Heading for the window.
        model: The SQLAlchemy model.
        fields: Editable fields, in form order.
        label: Short human name of a row.
        owned: Whether rows belong to a fellow (``owner_id``).
        order_by: Column names for the default order.
    """

    name: str
    plural: str
    title: str
    model: type[Base]
    fields: tuple[FieldSpec, ...]
    label: Callable[[Any], str]
    owned: bool = True
    order_by: tuple[str, ...] = ("id",)

    def field(self, name: str) -> FieldSpec:
        """Return the spec of one field.

        Raises:
            KeyError: No such field.
        """
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def table_fields(self) -> tuple[FieldSpec, ...]:
        """Fields shown as table columns."""
        return tuple(f for f in self.fields if f.in_table)


def person_name(person: m.Person | None) -> str:
    """``Given Family, Degrees`` for display."""
    if person is None:
        return ""
    name = f"{person.given_name} {person.family_name}".strip()
    return f"{name}, {person.degrees}" if person.degrees else name


OWNER = FieldSpec(
    "owner_id",
    "Fellow",
    "ref",
    ref_kind="person",
    in_table=True,
    help="The fellow whose work this is",
)
PROJECT = FieldSpec("project_id", "Project", "ref", ref_kind="project")
NOTES = FieldSpec("notes", "Notes", "multiline")

PERSON = Kind(
    "person",
    "people",
    "People",
    m.Person,
    (
        FieldSpec("given_name", "Given name", required=True, in_table=True),
        FieldSpec("family_name", "Family name", required=True, in_table=True),
        FieldSpec("degrees", "Degrees", in_table=True, help="For example MD, PhD"),
        FieldSpec("kind", "Role in program", "choice", choices=_values(PersonKind), in_table=True),
        FieldSpec("affiliations", "Affiliations", "multiline", help="One per line"),
        FieldSpec("email", "Email", in_table=True),
        FieldSpec("orcid", "ORCID", help="0000-0000-0000-0000"),
        NOTES,
    ),
    label=person_name,
    owned=False,
    order_by=("family_name", "given_name"),
)

PROJECT_KIND = Kind(
    "project",
    "projects",
    "Projects",
    m.Project,
    (
        FieldSpec("title", "Title", required=True, in_table=True),
        FieldSpec(
            "kind", "Kind", "choice", required=True, choices=_values(ProjectKind), in_table=True
        ),
        FieldSpec(
            "status",
            "Status",
            "choice",
            required=True,
            choices=_values(ProjectStatus),
            in_table=True,
        ),
        OWNER,
        FieldSpec("irb_number", "IRB number", in_table=True),
        FieldSpec("irb_approved_on", "IRB approved", "date"),
        FieldSpec("irb_expires_on", "IRB expires", "date", in_table=True),
        FieldSpec("started_on", "Started", "date"),
        NOTES,
    ),
    label=lambda p: p.title,
    order_by=("title",),
)

MANUSCRIPT = Kind(
    "manuscript",
    "manuscripts",
    "Manuscripts",
    m.Manuscript,
    (
        FieldSpec("title", "Title", required=True, in_table=True),
        FieldSpec(
            "article_type",
            "Article type",
            "choice",
            required=True,
            choices=_values(ArticleType),
            in_table=True,
        ),
        OWNER,
        FieldSpec("project_id", "Project", "ref", ref_kind="project", in_table=True),
        FieldSpec("word_count", "Word count", "int"),
        FieldSpec("doi", "DOI"),
        FieldSpec("pmid", "PMID", in_table=True),
        FieldSpec("published_on", "Published", "date", in_table=True),
        NOTES,
    ),
    label=lambda x: x.title,
    order_by=("title",),
)

JOURNAL = Kind(
    "journal",
    "journals",
    "Journals",
    m.Journal,
    (
        FieldSpec("name", "Name", required=True, in_table=True),
        FieldSpec("abbreviation", "Abbreviation", in_table=True),
        FieldSpec("issn", "ISSN", in_table=True),
        FieldSpec("publisher", "Publisher", in_table=True),
        FieldSpec("word_limit", "Word limit", "int", in_table=True),
        FieldSpec("url", "Author guidelines URL"),
        FieldSpec("is_example", "Example entry (check each year)", "bool", in_table=True),
        NOTES,
    ),
    label=lambda j: j.name,
    owned=False,
    order_by=("name",),
)

SUBMISSION = Kind(
    "submission",
    "submissions",
    "Submissions",
    m.Submission,
    (
        FieldSpec(
            "manuscript_id",
            "Manuscript",
            "ref",
            required=True,
            ref_kind="manuscript",
            in_table=True,
        ),
        FieldSpec(
            "journal_id", "Journal", "ref", required=True, ref_kind="journal", in_table=True
        ),
        FieldSpec(
            "status",
            "Status",
            "choice",
            required=True,
            choices=_values(SubmissionStatus),
            in_table=True,
        ),
        FieldSpec("manuscript_number", "Manuscript ID", in_table=True),
        FieldSpec("submitted_on", "Submitted", "date", in_table=True),
        FieldSpec("decided_on", "Decision", "date", in_table=True),
        FieldSpec("revision_due_on", "Revision due", "date", in_table=True),
        FieldSpec(
            "previous_id",
            "Resubmission of",
            "ref",
            ref_kind="submission",
            help="The earlier submission this one follows",
        ),
        OWNER,
        NOTES,
    ),
    label=lambda s: f"{s.manuscript.title} → {s.journal.name}" if s.journal else "submission",
    order_by=("id",),
)

CONFERENCE = Kind(
    "conference",
    "conferences",
    "Conferences",
    m.Conference,
    (
        FieldSpec("name", "Name", required=True, in_table=True),
        FieldSpec("acronym", "Acronym", in_table=True),
        FieldSpec("scope", "Scope", "choice", choices=_values(MeetingScope), in_table=True),
        FieldSpec("location", "Location", in_table=True),
        FieldSpec("starts_on", "Starts", "date", in_table=True),
        FieldSpec("ends_on", "Ends", "date"),
        FieldSpec("abstract_deadline", "Abstract deadline", "datetime", in_table=True),
        FieldSpec(
            "deadline_timezone", "Deadline time zone", help="IANA name, e.g. America/Chicago"
        ),
        FieldSpec("registration_deadline", "Registration deadline", "date"),
        FieldSpec("eposter_deadline", "E-poster deadline", "date"),
        FieldSpec("limit_unit", "Body limit counts", "choice", choices=_values(LimitUnit)),
        FieldSpec("body_limit", "Body limit", "int", in_table=True),
        FieldSpec("counts_title", "Title counts toward the limit", "bool"),
        FieldSpec("counts_headings", "Section headings count", "bool"),
        FieldSpec("counts_references", "References count", "bool"),
        FieldSpec("title_limit", "Title limit", "int"),
        FieldSpec("title_limit_unit", "Title limit counts", "choice", choices=_values(LimitUnit)),
        FieldSpec("required_sections", "Required sections", help="Comma-separated"),
        FieldSpec("url", "Website"),
        FieldSpec("is_example", "Example entry (check each year)", "bool"),
        NOTES,
    ),
    label=lambda c: c.name,
    owned=False,
    order_by=("starts_on", "name"),
)

ABSTRACT = Kind(
    "abstract",
    "abstracts",
    "Abstracts",
    m.Abstract,
    (
        FieldSpec("title", "Title", required=True, in_table=True),
        FieldSpec("conference_id", "Conference", "ref", ref_kind="conference", in_table=True),
        FieldSpec(
            "status",
            "Status",
            "choice",
            required=True,
            choices=_values(AbstractStatus),
            in_table=True,
        ),
        OWNER,
        PROJECT,
        FieldSpec("submitted_on", "Submitted", "date"),
        FieldSpec("presentation_date", "Presentation date", "date", in_table=True),
        FieldSpec("presentation_slot", "Session / slot"),
        FieldSpec("link_url", "Link for QR code", help="DOI, PubMed page or any URL"),
        NOTES,
    ),
    label=lambda a: a.title,
    order_by=("title",),
)

PRESENTATION = Kind(
    "presentation",
    "presentations",
    "Presentations",
    m.Presentation,
    (
        FieldSpec("title", "Title", required=True, in_table=True),
        FieldSpec(
            "kind",
            "Kind",
            "choice",
            required=True,
            choices=_values(PresentationKind),
            in_table=True,
        ),
        FieldSpec("scope", "Scope", "choice", choices=_values(MeetingScope), in_table=True),
        OWNER,
        PROJECT,
        FieldSpec("venue", "Venue", in_table=True),
        FieldSpec("audience", "Audience"),
        FieldSpec("presented_on", "Date", "date", in_table=True),
        FieldSpec("length_minutes", "Length (minutes)", "int", in_table=True),
        NOTES,
    ),
    label=lambda p: p.title,
    order_by=("presented_on",),
)

DEADLINE = Kind(
    "deadline",
    "deadlines",
    "Deadlines",
    m.Deadline,
    (
        FieldSpec("title", "Title", required=True, in_table=True),
        FieldSpec(
            "kind",
            "Kind",
            "choice",
            choices=("task", "registration", "e-poster", "abstract", "revision", "IRB", "other"),
            in_table=True,
        ),
        FieldSpec("due_on", "Due", "date", required=True, in_table=True),
        FieldSpec("done", "Done", "bool", in_table=True),
        OWNER,
        NOTES,
    ),
    label=lambda d: d.title,
    order_by=("due_on",),
)

KINDS: Mapping[str, Kind] = MappingProxyType(
    {
        k.name: k
        for k in (
            PERSON,
            PROJECT_KIND,
            MANUSCRIPT,
            JOURNAL,
            SUBMISSION,
            CONFERENCE,
            ABSTRACT,
            PRESENTATION,
            DEADLINE,
        )
    }
)
"""Every generically editable kind, by singular name."""

LIST_KINDS = frozenset(
    {
        "projects",
        "manuscripts",
        "submissions",
        "abstracts",
        "conferences",
        "journals",
        "references",
        "deadlines",
        "people",
        "presentations",
    }
)
"""What ``scholar-desk list`` accepts."""


def by_plural(plural: str) -> Kind:
    """Return the kind with this plural name.

    Raises:
        KeyError: No such kind.
    """
    for kind in KINDS.values():
        if kind.plural == plural:
            return kind
    raise KeyError(plural)


def get_kind(name: str) -> Kind:
    """Return a kind by singular name.

    Raises:
        KeyError: No such kind.
    """
    return KINDS[name]
