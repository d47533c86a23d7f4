"""What went to each journal, and the zip a fellow uploads to the next one."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scholar_desk.core import files
from scholar_desk.core.db import models as m
from scholar_desk.core.errors import NotFoundError, ValidationError
from scholar_desk.core.formats.docx_docs import response_bytes
from scholar_desk.core.services import blobs, documents, permissions
from scholar_desk.core.services.manuscript_files.records import (
    NUMBERED_ROLES,
    ROLES,
    load_parent,
)
from scholar_desk.core.services.sent_files import current_versions
from scholar_desk.core.services.session import Actor

RESPONSE_NAME = "Response to reviewers (generated).docx"


@dataclass(frozen=True)
class SentFileRecord:
    """One file version that went with a submission event."""

    role: str
    number: int
    version: int
    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class SentRecord:
    """A move that sent the manuscript: where, when, by whom, and exactly which files."""

    submission_id: int
    journal: str
    status: str
    on: dt.date
    by: str
    files: tuple[SentFileRecord, ...]

    def to_json(self) -> dict[str, Any]:
        """The record as JSON values."""
        return {
            "submission_id": self.submission_id,
            "journal": self.journal,
            "status": self.status,
            "on": self.on.isoformat(),
            "by": self.by,
            "files": [f.__dict__ for f in self.files],
        }


def sent_history(session: Session, actor: Actor, manuscript_id: int) -> list[SentRecord]:
    """Every submission and revision of a manuscript with the files that went, oldest first.

    Raises:
        NotFoundError: No such manuscript (or one the actor may not read).
    """
    load_parent(session, actor, "manuscript", manuscript_id, permissions.READ)
    events = session.scalars(
        select(m.SubmissionEvent)
        .join(m.Submission)
        .where(
            m.Submission.manuscript_id == manuscript_id,
            m.SubmissionEvent.to_status.in_(("submitted", "revision submitted")),
        )
        .order_by(m.SubmissionEvent.on, m.SubmissionEvent.id)
    )
    out = []
    for event in events:
        sub = event.submission
        out.append(
            SentRecord(
                submission_id=sub.id,
                journal=sub.journal.name if sub.journal else "",
                status=event.to_status,
                on=event.on,
                by=event.by,
                files=tuple(
                    SentFileRecord(f.role, f.number, f.version, f.name, f.size, f.blob_sha256)
                    for f in event.sent_files
                ),
            )
        )
    return out


@dataclass(frozen=True)
class PackageSummary:
    """What a submission package holds.

    Attributes:
        path: The zip written.
        journal: The journal it is for ("" when the manuscript has no submission).
        entries: The names inside the zip, in order.
        response_letter: Whether a generated response letter is in it.
    """

    path: Path
    journal: str
    entries: tuple[str, ...]
    response_letter: bool


def _safe(text: str) -> str:
    return re.sub(r"[^\w\s().&,-]+", "", text).strip() or "journal"


def package_file_name(journal: str) -> str:
    """The zip's file name, after the journal ("Pain Medicine submission.zip")."""
    return f"{_safe(journal) if journal else 'Manuscript'} submission.zip"


def _entry_name(row: m.AttachedFile) -> str:
    title = row.role.replace("-", " ").capitalize()
    if row.role == "draft":
        title = "Manuscript"
    if row.role in NUMBERED_ROLES:
        title = f"{title} {row.number}"
    return f"{title} - {row.name}"


def _submission_for(session: Session, ms: m.Manuscript, submission_id: int | None) -> Any:
    if submission_id is None:
        return session.scalars(
            select(m.Submission)
            .where(m.Submission.manuscript_id == ms.id)
            .order_by(m.Submission.id.desc())
            .limit(1)
        ).first()
    sub = session.get(m.Submission, submission_id)
    if sub is None or sub.manuscript_id != ms.id:
        raise NotFoundError(f"Manuscript {ms.id} has no submission with id {submission_id}.")
    return sub


def build_package(
    session: Session,
    actor: Actor,
    manuscript_id: int,
    path: Path,
    *,
    roles: Collection[str] | None = None,
    slots: Collection[tuple[str, int]] | None = None,
    submission_id: int | None = None,
    force: bool = False,
) -> PackageSummary:
    """Write one zip with the current versions of the chosen files and a response letter.

    The response letter is generated from the reviewer points of the submission's latest
    revision round, when it has one. ``path`` may be a folder: the zip is then named for
    the journal inside it.

    Args:
        session: The unit of work.
        actor: Who asks (must be allowed to read the manuscript).
        manuscript_id: The manuscript.
        path: The zip to write, or a folder to write it in.
        roles: Which roles to include (all when ``None``).
        slots: Which files to include, as ``(role, number)`` (all when ``None``).
        submission_id: The submission it is for (by default the latest one).
        force: Whether an existing zip may be replaced.

    Raises:
        NotFoundError: No such manuscript or submission.
        ValidationError: An unknown role, or nothing to put in the package.
        ExportError: The zip may not be written.
        OutputExistsError: It exists and ``force`` is false.
    """
    ms: m.Manuscript = load_parent(session, actor, "manuscript", manuscript_id, permissions.READ)
    unknown = sorted(set(roles or ()) - set(ROLES))
    if unknown:
        raise ValidationError(
            {"roles": f"Unknown role {unknown[0]}; choose from: {', '.join(ROLES)}."}
        )
    sub = _submission_for(session, ms, submission_id)
    journal = sub.journal.name if sub is not None and sub.journal else ""
    target = Path(path).expanduser()
    if target.is_dir():
        target = target / package_file_name(journal)
    files.check_target(target, force=force)
    order = {role: n for n, role in enumerate(ROLES)}
    chosen = [
        r
        for r in current_versions(session, ms.id)
        if (roles is None or r.role in roles) and (slots is None or (r.role, r.number) in slots)
    ]
    chosen.sort(key=lambda r: (order[r.role], r.number))
    letter = None
    if sub is not None and sub.rounds:
        letter = response_bytes(documents.response_letter(session, actor, sub.id))
    if not chosen and letter is None:
        raise ValidationError(
            {"": f"Manuscript {ms.id} has no files to package; add its draft and letters first."}
        )
    entries: list[str] = []
    with (
        files.writing(target, force=force) as tmp,
        zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for row in chosen:
            name = _entry_name(row)
            while name in entries:
                name = f"v{row.version} {name}"
            with archive.open(name, "w", force_zip64=True) as out:
                for piece in blobs.iter_bytes(session, row.blob_sha256):
                    out.write(piece)
            entries.append(name)
        if letter is not None:
            archive.writestr(RESPONSE_NAME, letter)
            entries.append(RESPONSE_NAME)
    return PackageSummary(target, journal, tuple(entries), letter is not None)
