"""The mentor meeting model, beside `models` (which re-exports it) to keep both small."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from scholar_desk.core.db.base import Base
from scholar_desk.core.db.versioned import Versioned


class MentorMeeting(Versioned, Base):
    """A dated meeting of a fellow with their mentors: notes and the actions agreed.

    Each agreed action is a `Deadline` (a task) pointing back here with
    ``target_kind="meeting"``.
    """

    __tablename__ = "meetings"

    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    attendees: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
