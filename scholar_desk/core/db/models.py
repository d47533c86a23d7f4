"""Typed SQLAlchemy models of the whole domain.

Enumerated values (statuses, kinds, roles) are stored as plain strings so the schema
stays portable; the services validate them against the vocabularies in `records`.

A column a later migration added carries ``sort_order=`` that migration's number, so the
models list the columns in the order the migrations leave them in the table: a listing
read in plain SQL (`core.db.plain`) then gives the same fields in the same order.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scholar_desk.core.db.base import Base
from scholar_desk.core.db.versioned import Versioned, _now

# Association tables: plain link rows with no data of their own.
project_mentors = Table(
    "project_mentors",
    Base.metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)
project_tags = Table(
    "project_tags",
    Base.metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)
reference_tags = Table(
    "reference_tags",
    Base.metadata,
    Column("reference_id", ForeignKey("references.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_reference_tags_tag_id", "tag_id"),
)


class Person(Versioned, Base):
    """An author or collaborator, with degrees, affiliations and disclosures."""

    __tablename__ = "people"

    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="collaborator")
    degrees: Mapped[str] = mapped_column(String(100), default="")
    affiliations: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    orcid: Mapped[str] = mapped_column(String(19), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    disclosures: Mapped[list[Disclosure]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Disclosure.start_date"
    )


class Disclosure(Base):
    """A financial relationship with a company, for the disclosure slide."""

    __tablename__ = "disclosures"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    company: Mapped[str] = mapped_column(String(200))
    relationship_kind: Mapped[str] = mapped_column(String(100))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship(back_populates="disclosures")


class Tag(Base):
    """A free label on projects and references."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class Project(Versioned, Base):
    """A research project that links all its outputs."""

    __tablename__ = "projects"

    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(30), default="idea", index=True)
    irb_number: Mapped[str] = mapped_column(String(60), default="")
    irb_approved_on: Mapped[dt.date | None] = mapped_column(Date)
    irb_expires_on: Mapped[dt.date | None] = mapped_column(Date)
    started_on: Mapped[dt.date | None] = mapped_column(Date)
    status_changed_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")

    owner: Mapped[Person | None] = relationship(foreign_keys=[owner_id])
    mentors: Mapped[list[Person]] = relationship(secondary=project_mentors)
    tags: Mapped[list[Tag]] = relationship(secondary=project_tags)
    manuscripts: Mapped[list[Manuscript]] = relationship(back_populates="project")
    abstracts: Mapped[list[Abstract]] = relationship(back_populates="project")
    presentations: Mapped[list[Presentation]] = relationship(back_populates="project")
    files: Mapped[list[AttachedFile]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="AttachedFile.id"
    )


class Manuscript(Versioned, Base):
    """An article in preparation or published, with ordered authors."""

    __tablename__ = "manuscripts"

    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(500))
    article_type: Mapped[str] = mapped_column(String(40), default="original research")
    word_count: Mapped[int | None]
    pmid: Mapped[str] = mapped_column(String(20), default="")
    doi: Mapped[str] = mapped_column(String(200), default="")
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")

    project: Mapped[Project | None] = relationship(back_populates="manuscripts")
    authors: Mapped[list[ManuscriptAuthor]] = relationship(
        back_populates="manuscript",
        cascade="all, delete-orphan",
        order_by="ManuscriptAuthor.position",
    )
    # Files before submissions: undo of a delete inserts the rows in this order.
    files: Mapped[list[AttachedFile]] = relationship(
        back_populates="manuscript", cascade="all, delete-orphan", order_by="AttachedFile.id"
    )
    # A submission belongs to its manuscript (the column is ON DELETE CASCADE): deleting
    # the manuscript deletes them, and the item service's snapshot lets undo bring them back.
    submissions: Mapped[list[Submission]] = relationship(
        back_populates="manuscript", cascade="all, delete-orphan", order_by="Submission.id"
    )


class ManuscriptAuthor(Base):
    """One author of a manuscript, in byline order."""

    __tablename__ = "manuscript_authors"
    __table_args__ = (UniqueConstraint("manuscript_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    manuscript_id: Mapped[int] = mapped_column(ForeignKey("manuscripts.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int]
    corresponding: Mapped[bool] = mapped_column(Boolean, default=False)
    senior: Mapped[bool] = mapped_column(Boolean, default=False)

    manuscript: Mapped[Manuscript] = relationship(back_populates="authors")
    person: Mapped[Person] = relationship()


class Journal(Versioned, Base):
    """A journal that manuscripts are sent to."""

    __tablename__ = "journals"

    name: Mapped[str] = mapped_column(String(300), unique=True)
    abbreviation: Mapped[str] = mapped_column(String(100), default="")
    issn: Mapped[str] = mapped_column(String(20), default="")
    publisher: Mapped[str] = mapped_column(String(200), default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    word_limit: Mapped[int | None]
    # A shipped CSL style's name or one a user added (citation_styles); "" = AMA.
    citation_style: Mapped[str] = mapped_column(String(100), default="", sort_order=11)
    is_example: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")

    limits: Mapped[list[JournalLimit]] = relationship(
        back_populates="journal", cascade="all, delete-orphan", order_by="JournalLimit.id"
    )


class JournalLimit(Base):
    """A journal's limits for one article type (``None``: no limit given)."""

    __tablename__ = "journal_limits"
    __table_args__ = (UniqueConstraint("journal_id", "article_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    journal_id: Mapped[int] = mapped_column(ForeignKey("journals.id", ondelete="CASCADE"))
    article_type: Mapped[str] = mapped_column(String(40))
    words: Mapped[int | None]
    abstract_words: Mapped[int | None]
    figures: Mapped[int | None]
    tables: Mapped[int | None]
    refs: Mapped[int | None]
    #: Whether figure legends count toward the main text's words at this journal.
    legends_count: Mapped[bool] = mapped_column(Boolean, default=False)

    journal: Mapped[Journal] = relationship(back_populates="limits")


class Submission(Versioned, Base):
    """One submission of a manuscript to one journal; a chain follows rejections."""

    __tablename__ = "submissions"

    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    manuscript_id: Mapped[int] = mapped_column(
        ForeignKey("manuscripts.id", ondelete="CASCADE"), index=True
    )
    journal_id: Mapped[int] = mapped_column(ForeignKey("journals.id", ondelete="RESTRICT"))
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="SET NULL")
    )
    manuscript_number: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(30), default="draft", index=True)
    submitted_on: Mapped[dt.date | None] = mapped_column(Date)
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    status_changed_on: Mapped[dt.date | None] = mapped_column(Date)
    revision_due_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")

    manuscript: Mapped[Manuscript] = relationship(back_populates="submissions")
    journal: Mapped[Journal] = relationship()
    previous: Mapped[Submission | None] = relationship(remote_side="Submission.id")
    events: Mapped[list[SubmissionEvent]] = relationship(
        back_populates="submission",
        cascade="all, delete-orphan",
        order_by="(SubmissionEvent.on, SubmissionEvent.id)",
    )
    rounds: Mapped[list[RevisionRound]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="RevisionRound.number"
    )


class SubmissionEvent(Base):
    """A dated status change of a submission and who made it."""

    __tablename__ = "submission_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    on: Mapped[dt.date] = mapped_column(Date)
    by: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(default=_now)

    submission: Mapped[Submission] = relationship(back_populates="events")
    sent_files: Mapped[list[SentFile]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="SentFile.id"
    )


class SentFile(Base):
    """One file version that went to the journal with a submission event.

    It keeps its own copy of what was sent (name, role, version, the blob), so the
    record stays whole after the file's version is removed from the manuscript.
    """

    __tablename__ = "sent_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("submission_events.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(30))
    number: Mapped[int] = mapped_column(Integer, default=1)
    version: Mapped[int] = mapped_column(Integer, default=1)
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int]
    blob_sha256: Mapped[str] = mapped_column(
        ForeignKey("blobs.sha256", ondelete="RESTRICT"), index=True
    )

    event: Mapped[SubmissionEvent] = relationship(back_populates="sent_files")


class RevisionRound(Base):
    """A round of reviewers' points and the responses to them."""

    __tablename__ = "revision_rounds"
    __table_args__ = (UniqueConstraint("submission_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    number: Mapped[int]
    received_on: Mapped[dt.date | None] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    submitted_on: Mapped[dt.date | None] = mapped_column(Date)

    submission: Mapped[Submission] = relationship(back_populates="rounds")
    points: Mapped[list[ReviewerPoint]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="ReviewerPoint.position"
    )


class ReviewerPoint(Base):
    """One reviewer comment with its response, where it was changed and a done flag."""

    __tablename__ = "reviewer_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("revision_rounds.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    reviewer: Mapped[str] = mapped_column(String(60), default="Reviewer 1")
    comment: Mapped[str] = mapped_column(Text)
    response: Mapped[str] = mapped_column(Text, default="")
    change_location: Mapped[str] = mapped_column(String(300), default="")
    done: Mapped[bool] = mapped_column(Boolean, default=False)

    round: Mapped[RevisionRound] = relationship(back_populates="points")


class Conference(Versioned, Base):
    """A meeting and its abstract rules."""

    __tablename__ = "conferences"

    name: Mapped[str] = mapped_column(String(300))
    acronym: Mapped[str] = mapped_column(String(40), default="")
    # The style of the reference lists on its decks and posters; "" = AMA.
    citation_style: Mapped[str] = mapped_column(String(100), default="", sort_order=11)
    scope: Mapped[str] = mapped_column(String(20), default="national")
    location: Mapped[str] = mapped_column(String(200), default="")
    starts_on: Mapped[dt.date | None] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    abstract_deadline: Mapped[dt.datetime | None]
    deadline_timezone: Mapped[str] = mapped_column(String(60), default="UTC")
    registration_deadline: Mapped[dt.date | None] = mapped_column(Date)
    eposter_deadline: Mapped[dt.date | None] = mapped_column(Date)
    limit_unit: Mapped[str] = mapped_column(String(12), default="words")
    body_limit: Mapped[int | None]
    title_limit: Mapped[int | None]
    title_limit_unit: Mapped[str] = mapped_column(String(12), default="characters")
    counts_title: Mapped[bool] = mapped_column(Boolean, default=False)
    counts_references: Mapped[bool] = mapped_column(Boolean, default=True)
    counts_headings: Mapped[bool] = mapped_column(Boolean, default=True)
    required_sections: Mapped[str] = mapped_column(
        String(300), default="Background, Methods, Results, Conclusions"
    )
    poster_size: Mapped[str] = mapped_column(String(40), default="", sort_order=6)
    poster_orientation: Mapped[str] = mapped_column(String(12), default="any", sort_order=6)
    eposter_format: Mapped[str] = mapped_column(String(100), default="", sort_order=6)
    eposter_aspect: Mapped[str] = mapped_column(String(12), default="", sort_order=6)
    url: Mapped[str] = mapped_column(String(500), default="")
    is_example: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")


class Abstract(Versioned, Base):
    """A conference abstract with structured sections."""

    __tablename__ = "abstracts"

    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"), index=True
    )
    conference_id: Mapped[int | None] = mapped_column(
        ForeignKey("conferences.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(30), default="draft", index=True)
    submitted_on: Mapped[dt.date | None] = mapped_column(Date)
    presentation_date: Mapped[dt.date | None] = mapped_column(Date)
    presentation_slot: Mapped[str] = mapped_column(String(100), default="")
    link_url: Mapped[str] = mapped_column(String(500), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    #: The results table as JSON (`formats.results_table.ResultsTable`); empty for none.
    results_table: Mapped[str] = mapped_column(Text, default="", server_default="", sort_order=10)

    project: Mapped[Project | None] = relationship(back_populates="abstracts")
    conference: Mapped[Conference | None] = relationship()
    sections: Mapped[list[AbstractSection]] = relationship(
        back_populates="abstract",
        cascade="all, delete-orphan",
        order_by="AbstractSection.position",
    )
    authors: Mapped[list[AbstractAuthor]] = relationship(
        back_populates="abstract", cascade="all, delete-orphan", order_by="AbstractAuthor.position"
    )
    images: Mapped[list[AbstractImage]] = relationship(
        back_populates="abstract", cascade="all, delete-orphan", order_by="AbstractImage.position"
    )
    files: Mapped[list[AttachedFile]] = relationship(
        back_populates="abstract", cascade="all, delete-orphan", order_by="AttachedFile.id"
    )


class AbstractSection(Base):
    """One headed section of an abstract's body."""

    __tablename__ = "abstract_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    abstract_id: Mapped[int] = mapped_column(
        ForeignKey("abstracts.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    heading: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text, default="")

    abstract: Mapped[Abstract] = relationship(back_populates="sections")


class AbstractAuthor(Base):
    """An author of an abstract, in byline order; one is the presenter."""

    __tablename__ = "abstract_authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    abstract_id: Mapped[int] = mapped_column(
        ForeignKey("abstracts.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int]
    presenting: Mapped[bool] = mapped_column(Boolean, default=False)

    abstract: Mapped[Abstract] = relationship(back_populates="authors")
    person: Mapped[Person] = relationship()


class Blob(Base):
    """A file kept inside the database, keyed by the SHA-256 of its bytes (stored once).

    Figures, logos and the files attached to manuscripts, projects and abstracts refer
    to blobs. Large blobs keep their bytes in `BlobChunk` rows.
    """

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int]
    media_type: Mapped[str] = mapped_column(String(100))
    #: The bytes of a small blob; empty when they are kept in `BlobChunk` rows.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # read on demand
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)
    #: How many `BlobChunk` rows hold the bytes (0: they are in ``data``).
    chunks: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class BlobChunk(Base):
    """A piece of a large blob, so a 50 MB file is never one value in memory."""

    __tablename__ = "blob_chunks"

    sha256: Mapped[str] = mapped_column(
        ForeignKey("blobs.sha256", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class AttachedFile(Base):
    """One version of a file kept with a manuscript, project or abstract.

    Exactly one of the three parent columns is set. Files with the same parent, role and
    number are versions of one file (a draft, figure 2, the cover letter); the highest
    version is the current one. The bytes are a `Blob`, stored once however many
    versions or records share them.
    """

    __tablename__ = "attached_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    manuscript_id: Mapped[int | None] = mapped_column(
        ForeignKey("manuscripts.id", ondelete="CASCADE"), index=True
    )
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    abstract_id: Mapped[int | None] = mapped_column(
        ForeignKey("abstracts.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(30))
    number: Mapped[int] = mapped_column(Integer, default=1)
    version: Mapped[int] = mapped_column(Integer, default=1)
    name: Mapped[str] = mapped_column(String(255))
    label: Mapped[str] = mapped_column(String(200), default="")
    size: Mapped[int]
    media_type: Mapped[str] = mapped_column(String(100))
    blob_sha256: Mapped[str] = mapped_column(
        ForeignKey("blobs.sha256", ondelete="RESTRICT"), index=True
    )
    added_at: Mapped[dt.datetime] = mapped_column(default=_now)
    added_by: Mapped[str] = mapped_column(String(100), default="")

    manuscript: Mapped[Manuscript | None] = relationship(back_populates="files")
    project: Mapped[Project | None] = relationship(back_populates="files")
    abstract: Mapped[Abstract | None] = relationship(back_populates="files")


class AbstractImage(Base):
    """A figure (or poster logo) of an abstract; its bytes are a `Blob` in the database."""

    __tablename__ = "abstract_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    abstract_id: Mapped[int] = mapped_column(
        ForeignKey("abstracts.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    #: The file it was attached from (shown to the user; never read again).
    path: Mapped[str] = mapped_column(String(1000))
    caption: Mapped[str] = mapped_column(Text, default="")
    role: Mapped[str] = mapped_column(String(20), default="figure")
    blob_sha256: Mapped[str | None] = mapped_column(
        ForeignKey("blobs.sha256", ondelete="RESTRICT"), index=True
    )

    blob: Mapped[Blob | None] = relationship()

    abstract: Mapped[Abstract] = relationship(back_populates="images")


class ExportLogo(Base):
    """A logo a user keeps for exports (a department crest), offered in every poster export.

    The bytes are a `Blob`, so a backup carries the logo and moving or deleting the file
    it was chosen from changes nothing.
    """

    __tablename__ = "export_logos"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The username it belongs to (``me`` in a database without accounts).
    owner: Mapped[str] = mapped_column(String(60), index=True)
    position: Mapped[int]
    #: The name of the file it was chosen from (shown to the user; never read again).
    name: Mapped[str] = mapped_column(String(255))
    blob_sha256: Mapped[str] = mapped_column(
        ForeignKey("blobs.sha256", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)


class Presentation(Versioned, Base):
    """A talk, grand rounds or other presentation that the annual report counts."""

    __tablename__ = "presentations"

    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(30), default="grand rounds")
    scope: Mapped[str] = mapped_column(String(20), default="local")
    venue: Mapped[str] = mapped_column(String(300), default="")
    audience: Mapped[str] = mapped_column(String(300), default="")
    presented_on: Mapped[dt.date | None] = mapped_column(Date)
    length_minutes: Mapped[int | None]
    notes: Mapped[str] = mapped_column(Text, default="")

    project: Mapped[Project | None] = relationship(back_populates="presentations")


class Deadline(Versioned, Base):
    """A custom deadline or task (derived ones are computed, not stored)."""

    __tablename__ = "deadlines"

    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(30), default="task")
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    target_kind: Mapped[str] = mapped_column(String(30), default="")
    target_id: Mapped[int | None]
    notes: Mapped[str] = mapped_column(Text, default="")


class Note(Base):
    """A free note attached to any record."""

    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_target", "target_kind", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_kind: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)


class Reference(Versioned, Base):
    """A bibliographic record; every field not modelled is kept in ``extra_fields``."""

    __tablename__ = "references"

    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    entry_type: Mapped[str] = mapped_column(String(40), default="article")
    citation_key: Mapped[str] = mapped_column(String(250), unique=True)
    authors: Mapped[str] = mapped_column(Text, default="")
    first_author: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    journal: Mapped[str] = mapped_column(String(500), default="")
    year: Mapped[int | None] = mapped_column(Integer)
    volume: Mapped[str] = mapped_column(String(50), default="")
    issue: Mapped[str] = mapped_column(String(50), default="")
    pages: Mapped[str] = mapped_column(String(100), default="")
    doi: Mapped[str] = mapped_column(String(250), default="", index=True)
    pmid: Mapped[str] = mapped_column(String(20), default="", index=True)
    url: Mapped[str] = mapped_column(Text, default="")
    abstract: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[str] = mapped_column(Text, default="")
    extra_fields: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    title_key: Mapped[str] = mapped_column(String(300), default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    # Tag names joined by spaces, kept by triggers for the full-text index (0002).
    tags_text: Mapped[str] = mapped_column(Text, default="")

    tags: Mapped[list[Tag]] = relationship(secondary=reference_tags)

    # One index per sort key of the references table, ending in ``id`` as the ORDER BY
    # does, so a sort reads the index alone (0013).
    __table_args__ = (
        Index("ix_references_title_sort", "title_key", "id"),
        Index("ix_references_first_author_sort", "first_author", "id"),
        Index("ix_references_journal_sort", "journal", "id"),
        Index("ix_references_year_sort", "year", "id"),
    )


class ReferenceLink(Base):
    """A reference cited by a project, manuscript or abstract."""

    __tablename__ = "reference_links"
    __table_args__ = (
        UniqueConstraint("reference_id", "target_kind", "target_id"),
        Index("ix_reference_links_target", "target_kind", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference_id: Mapped[int] = mapped_column(ForeignKey("references.id", ondelete="CASCADE"))
    target_kind: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int]
    position: Mapped[int] = mapped_column(Integer, default=0)


class BibBlock(Base):
    """A ``@preamble``, ``@string`` or ``@comment`` block kept verbatim for export."""

    __tablename__ = "bib_blocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    block_kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(300), default="")


class Account(Versioned, Base):
    """A login on a shared machine."""

    __tablename__ = "accounts"

    username: Mapped[str] = mapped_column(String(60), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None]
    last_login_at: Mapped[dt.datetime | None]

    person: Mapped[Person | None] = relationship()


class MentorAssignment(Base):
    """A mentor account assigned to a fellow (a Person)."""

    __tablename__ = "mentor_assignments"
    __table_args__ = (UniqueConstraint("mentor_account_id", "fellow_person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    fellow_person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))


class Comment(Base):
    """A mentor's review note on any item, open or resolved."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_target", "target_kind", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_kind: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int]
    author_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    author_name: Mapped[str] = mapped_column(String(100), default="")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    resolved_at: Mapped[dt.datetime | None]
    seen_by_owner: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditEvent(Base):
    """Who changed what, when, with old and new value. Append-only."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_target", "kind", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=_now, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[int | None]
    field: Mapped[str] = mapped_column(String(60), default="")
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)


class AppSetting(Base):
    """A database-wide setting that the director controls (idle lock, backups kept)."""

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SignInToken(Base):
    """A command-line sign-in: the SHA-256 of a random token, its account and its expiry."""

    __tablename__ = "sign_in_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]


# The reference library's helpers live in their own module (kept short); importing them
# here puts their tables in the one metadata and keeps ``models.CitationStyle`` working.
from scholar_desk.core.db.library_models import CitationStyle as CitationStyle  # noqa: E402
from scholar_desk.core.db.library_models import FollowedFile as FollowedFile  # noqa: E402
from scholar_desk.core.db.library_models import IdentifierQueue as IdentifierQueue  # noqa: E402
from scholar_desk.core.db.library_models import ReferenceNotice as ReferenceNotice  # noqa: E402

# Kept in their own module (this one is near its size limit); re-exported here.
from scholar_desk.core.db.meeting_models import MentorMeeting as MentorMeeting  # noqa: E402
