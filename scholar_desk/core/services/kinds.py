"""The kinds of record the tracker edits: model, fields, label and rules, in one place.

Forms in the window, tables, the CLI's ``list`` and the generic item service all read
these specs, so a field is declared once. A kind also carries its rules: which dates
must come in order, checks across its fields, its status workflow and what happens when
one is created or moves status; the item service applies them without knowing any kind
by name, so a new kind is a change to this file alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from scholar_desk.core import clock
from scholar_desk.core.errors import ExportError, ValidationError
from scholar_desk.core.records import (
    ABSTRACT_TRANSITIONS,
    DECISION_STATUSES,
    REVISION_STATUSES,
    SUBMISSION_TRANSITIONS,
    AbstractStatus,
    ArticleType,
    FieldSpec,
    LimitUnit,
    MeetingScope,
    PersonKind,
    PosterOrientation,
    PresentationKind,
    ProjectKind,
    ProjectStatus,
    SubmissionStatus,
)
from scholar_desk.core.services.session import Actor

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from scholar_desk.core.db import models as m
    from scholar_desk.core.db.base import Base


def _values(enum: Any) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


@dataclass(frozen=True)
class DateOrder:
    """Two date fields that must come in order: ``second`` on or after ``first``."""

    first: str
    second: str
    message: str


@dataclass(frozen=True)
class Workflow:
    """A status workflow: the moves allowed from each status and what a move does.

    Attributes:
        statuses: The status enum; its values are what the ``status`` field holds.
        moves: The statuses each status may move to.
        dead_end_hints: A sentence added when a status allows no move at all.
        on_move: Called after the row took its new status (``status_changed_on`` is
            already set): ``(session, actor, row, old_status, changed_values)``.
        take_back: Puts the row back as it was before its latest move, or ``None``
            when moves cannot be taken back: ``(row, moved_to, back_to)``; raises
            `ValidationError` when the latest move is not that one.
    """

    statuses: type[StrEnum]
    moves: Mapping[Any, frozenset[Any]]
    dead_end_hints: Mapping[str, str] = field(default_factory=dict)
    on_move: Callable[[Session, Actor, Any, str, Mapping[str, Any]], None] | None = None
    take_back: Callable[[Any, str, str], None] | None = None

    def error(self, kind_name: str, old: Any, new: Any) -> str:
        """Why a move from ``old`` to ``new`` is not allowed, or ``""`` when it is."""
        try:
            allowed, target = self.moves[self.statuses(old)], self.statuses(new)
        except ValueError:
            return f"'{new}' is not a status."
        if target in allowed:
            return ""
        if not allowed:
            hint = self.dead_end_hints.get(str(old), "")
            return f"A {kind_name} that is {old} cannot change status.{hint}"
        options = ", ".join(sorted(s.value for s in allowed))
        return f"A {kind_name} that is {old} can move only to: {options}."


@dataclass(frozen=True)
class Kind:
    """One kind of record, with the rules the item service applies to it.

    Attributes:
        name: Singular name used in code, audit and comments (``project``).
        plural: Plural used by ``list`` (``projects``).
        title: Heading for the window.
        model_name: The name of its SQLAlchemy model in `scholar_desk.core.db.models`
            (`model` loads it: a plain read of the declarations needs no ORM).
        fields: Editable fields, in form order.
        label: Short human name of a row.
        owned: Whether rows belong to a fellow (``owner_id``).
        order_by: Column names for the default order.
        date_order: Date fields that must come in order.
        check: Checks across the values of a record (after typing): a message by field.
        workflow: The status workflow, if status moves are restricted.
        before_insert: Completes a new row before it is added: ``(session, row)``.
        after_insert: Runs once a new row has its id: ``(session, actor, row)``.
    """

    name: str
    plural: str
    title: str
    model_name: str
    fields: tuple[FieldSpec, ...]
    label: Callable[[Any], str]
    owned: bool = True
    order_by: tuple[str, ...] = ("id",)
    date_order: tuple[DateOrder, ...] = ()
    check: Callable[[Mapping[str, Any]], dict[str, str]] | None = None
    workflow: Workflow | None = None
    before_insert: Callable[[Session, Any], None] | None = None
    after_insert: Callable[[Session, Actor, Any], None] | None = None

    @property
    def model(self) -> type[Base]:
        """The SQLAlchemy model (imported on first use)."""
        from scholar_desk.core.db import models

        model: type[Base] = getattr(models, self.model_name)
        return model

    @property
    def table(self) -> str:
        """The model's table: a kind's table is named by its plural (a test checks it)."""
        return self.plural

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


_ORCID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _check_person(values: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    orcid = values.get("orcid") or ""
    if orcid and not _ORCID.match(orcid):
        errors["orcid"] = "An ORCID looks like 0000-0002-1825-0097."
    email = values.get("email") or ""
    if email and not _EMAIL.match(email):
        errors["email"] = "Enter an email address such as name@hospital.org."
    return errors


def _submission_owner(session: Session, sub: m.Submission) -> None:
    """A new submission belongs to its manuscript's fellow unless given."""
    from scholar_desk.core.db import models as m

    manuscript = session.get(m.Manuscript, sub.manuscript_id)
    if manuscript is not None and sub.owner_id is None:
        sub.owner_id = manuscript.owner_id


def _submission_created(session: Session, actor: Actor, sub: m.Submission) -> None:
    """The first event of a submission's timeline (with the files, if entered as sent)."""
    from scholar_desk.core.db import models as m
    from scholar_desk.core.services import sent_files

    event = m.SubmissionEvent(
        submission_id=sub.id,
        from_status=None,
        to_status=sub.status,
        on=sub.submitted_on or clock.today(),
        by=actor.username,
        note="created",
    )
    session.add(event)
    sent_files.record_sent(session, event)


def _submission_moved(
    session: Session, actor: Actor, sub: m.Submission, old_status: str, changed: Mapping[str, Any]
) -> None:
    """A move sets the submission or decision date and is dated on the timeline."""
    from scholar_desk.core.db import models as m
    from scholar_desk.core.services import sent_files

    today = clock.today()
    on = today
    if sub.status == SubmissionStatus.SUBMITTED and sub.submitted_on is None:
        sub.submitted_on = today
    if sub.status in DECISION_STATUSES:
        on = changed.get("decided_on") or today
        sub.decided_on = on
    event = m.SubmissionEvent(
        submission_id=sub.id,
        from_status=old_status,
        to_status=sub.status,
        on=on,
        by=actor.username,
    )
    session.add(event)
    sent_files.record_sent(session, event)


def _take_back_submission_move(sub: m.Submission, moved_to: str, back_to: str) -> None:
    """Undo the latest move: its event goes, the dates it set are worked out again.

    A revision round the move opened goes too, unless reviewer points were entered in
    it since (then nothing changes).
    """
    moves = sorted(sub.events, key=lambda e: e.id)
    last = moves[-1] if moves else None
    if (
        last is None
        or last.from_status is None
        or last.to_status != moved_to
        or last.from_status != back_to
        or sub.status != moved_to
    ):
        raise ValidationError(
            {
                "status": f"The move from {back_to} to {moved_to} is no longer the latest "
                "change of this submission, so it cannot be taken back."
            }
        )
    if last.to_status in REVISION_STATUSES:
        opened = [r for r in sub.rounds if r.received_on == last.on and r.submitted_on is None]
        if any(r.points for r in opened):
            raise ValidationError(
                {
                    "status": "The revision round this decision opened already has reviewer "
                    "points; remove them first if the decision is to be taken back."
                }
            )
        for rnd in opened[-1:]:
            sub.rounds.remove(rnd)
    if last.to_status == SubmissionStatus.REVISION_SUBMITTED:
        for rnd in sub.rounds:
            if rnd.submitted_on == last.on:
                rnd.submitted_on = None
    sub.events.remove(last)
    remaining = sorted(sub.events, key=lambda e: (e.on, e.id))
    sub.status = back_to
    sub.status_changed_on = remaining[-1].on if remaining else None
    submitted = [e.on for e in remaining if e.to_status == SubmissionStatus.SUBMITTED]
    sub.submitted_on = submitted[0] if submitted else None
    decided = [e.on for e in remaining if e.to_status in DECISION_STATUSES]
    sub.decided_on = decided[-1] if decided else None


def _abstract_moved(
    session: Session,
    actor: Actor,
    abstract: m.Abstract,
    old_status: str,
    changed: Mapping[str, Any],
) -> None:
    """Moving to submitted dates the submission, unless a date was entered."""
    if abstract.status == AbstractStatus.SUBMITTED and abstract.submitted_on is None:
        abstract.submitted_on = clock.today()


_REJECTED_HINT = {"rejected": " Resubmit it elsewhere as a new submission."}

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
    "Person",
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
    check=_check_person,
)

PROJECT_KIND = Kind(
    "project",
    "projects",
    "Projects",
    "Project",
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
    date_order=(
        DateOrder("irb_approved_on", "irb_expires_on", "IRB expiry must be after its approval."),
    ),
)

MANUSCRIPT = Kind(
    "manuscript",
    "manuscripts",
    "Manuscripts",
    "Manuscript",
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
    "Journal",
    (
        FieldSpec("name", "Name", required=True, in_table=True),
        FieldSpec("abbreviation", "Abbreviation", in_table=True),
        FieldSpec("issn", "ISSN", in_table=True),
        FieldSpec("publisher", "Publisher", in_table=True),
        FieldSpec("word_limit", "Word limit", "int", in_table=True),
        FieldSpec(
            "citation_style",
            "Citation style",
            "style",
            help="The style of this journal's reference lists (empty: AMA)",
        ),
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
    "Submission",
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
    date_order=(
        DateOrder("submitted_on", "decided_on", "A decision cannot come before the submission."),
        DateOrder(
            "submitted_on", "revision_due_on", "A revision cannot be due before the submission."
        ),
    ),
    workflow=Workflow(
        SubmissionStatus,
        SUBMISSION_TRANSITIONS,
        _REJECTED_HINT,
        on_move=_submission_moved,
        take_back=_take_back_submission_move,
    ),
    before_insert=_submission_owner,
    after_insert=_submission_created,
)


def _conference_check(values: Mapping[str, Any]) -> dict[str, str]:
    """Poster board sizes and screen aspects must be ones a template can be made at."""
    from scholar_desk.core.formats import poster_rules  # with the slide geometry: on use

    problems: dict[str, str] = {}
    checks = (
        ("poster_size", poster_rules.parse_size),
        ("eposter_aspect", poster_rules.parse_aspect),
    )
    for name, parse in checks:
        text = str(values.get(name) or "").strip()
        if not text:
            continue
        try:
            parse(text)
        except ExportError as exc:
            problems[name] = exc.user_message
    return problems


CONFERENCE = Kind(
    "conference",
    "conferences",
    "Conferences",
    "Conference",
    (
        FieldSpec("name", "Name", required=True, in_table=True),
        FieldSpec("acronym", "Acronym", in_table=True),
        FieldSpec("scope", "Scope", "choice", choices=_values(MeetingScope), in_table=True),
        FieldSpec("location", "Location", in_table=True),
        FieldSpec("starts_on", "Starts", "date", in_table=True),
        FieldSpec("ends_on", "Ends", "date"),
        FieldSpec(
            "deadline_timezone",
            "Deadline time zone",
            "timezone",
            help="The meeting's IANA time zone, e.g. America/Chicago",
        ),
        FieldSpec(
            "abstract_deadline",
            "Abstract deadline",
            "datetime",
            in_table=True,
            help="Date and time in the meeting's time zone",
            zone_field="deadline_timezone",
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
        FieldSpec(
            "poster_size",
            "Poster board size",
            help="Width x height: 48x36in, A0, 120x90cm (empty: no rule)",
        ),
        FieldSpec(
            "poster_orientation",
            "Poster orientation",
            "choice",
            required=True,
            choices=_values(PosterOrientation),
        ),
        FieldSpec(
            "eposter_format",
            "E-poster format",
            help="Where posters are shown on screens: e.g. PDF, one slide (empty: none)",
        ),
        FieldSpec("eposter_aspect", "E-poster screen aspect", help="e.g. 16:9"),
        FieldSpec(
            "citation_style",
            "Citation style",
            "style",
            help="The style of reference lists on its decks and posters (empty: AMA)",
        ),
        FieldSpec("url", "Website"),
        FieldSpec("is_example", "Example entry (check each year)", "bool"),
        NOTES,
    ),
    label=lambda c: c.name,
    owned=False,
    order_by=("starts_on", "name"),
    check=_conference_check,
    date_order=(DateOrder("starts_on", "ends_on", "The meeting cannot end before it starts."),),
)

ABSTRACT = Kind(
    "abstract",
    "abstracts",
    "Abstracts",
    "Abstract",
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
    date_order=(
        DateOrder(
            "submitted_on", "presentation_date", "It cannot be presented before it was submitted."
        ),
    ),
    workflow=Workflow(
        AbstractStatus, ABSTRACT_TRANSITIONS, _REJECTED_HINT, on_move=_abstract_moved
    ),
)

PRESENTATION = Kind(
    "presentation",
    "presentations",
    "Presentations",
    "Presentation",
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
    "Deadline",
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

MEETING = Kind(
    "meeting",
    "meetings",
    "Mentor meetings",
    "MentorMeeting",
    (
        FieldSpec("held_on", "Date", "date", required=True, in_table=True),
        OWNER,
        FieldSpec("attendees", "Attendees", in_table=True, help="Who was there"),
        FieldSpec("notes", "Notes", "multiline", help="What was discussed"),
    ),
    label=lambda x: f"Meeting on {x.held_on:%Y-%m-%d}" if x.held_on else "Meeting",
    order_by=("held_on",),
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
            MEETING,
        )
    }
)
"""Every generically editable kind, by singular name."""

LIBRARY_LISTS = ("references",)
"""Listable collections that are not kinds (the shared reference library)."""

LIST_KINDS = frozenset({kind.plural for kind in KINDS.values()} | set(LIBRARY_LISTS))
"""What ``scholar-desk list`` accepts: every kind's plural, and the reference library."""


def list_choices() -> list[str]:
    """The CLI's ``list`` choices, sorted (derived from `KINDS`, never kept by hand)."""
    return sorted(LIST_KINDS)


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
