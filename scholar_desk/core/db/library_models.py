"""Tables that serve the reference library.

Citation styles users added, retraction notices, identifiers waiting for a lookup, and
.bib files kept in step.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from scholar_desk.core import clock
from scholar_desk.core.db.base import Base


def _now() -> dt.datetime:
    return clock.now()


class CitationStyle(Base):
    """A CSL citation style a user added (the shipped ones live in resources/csl)."""

    __tablename__ = "citation_styles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    xml: Mapped[str] = mapped_column(Text)
    added_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)


class ReferenceNotice(Base):
    """A retraction, expression of concern or withdrawal found for a reference."""

    __tablename__ = "reference_notices"
    __table_args__ = (UniqueConstraint("reference_id", "notice_doi", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference_id: Mapped[int] = mapped_column(
        ForeignKey("references.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    notice_doi: Mapped[str] = mapped_column(String(250), default="")
    notice_date: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(100), default="")
    found_at: Mapped[dt.datetime] = mapped_column(default=_now)


class IdentifierQueue(Base):
    """An identifier a user asked to look up that could not be fetched yet (offline)."""

    __tablename__ = "identifier_queue"
    __table_args__ = (UniqueConstraint("owner_id", "identifier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    identifier: Mapped[str] = mapped_column(String(300))
    last_error: Mapped[str] = mapped_column(Text, default="")
    added_at: Mapped[dt.datetime] = mapped_column(default=_now)


class FollowedFile(Base):
    """A .bib file kept in step with the library (Zotero's Better BibTeX auto-export)."""

    __tablename__ = "followed_files"
    __table_args__ = (UniqueConstraint("owner_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    path: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64), default="")
    keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    synced_at: Mapped[dt.datetime | None]
