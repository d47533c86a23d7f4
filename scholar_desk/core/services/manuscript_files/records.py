"""What the file service returns, its limits, and the checks every function shares."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from scholar_desk.core.db import models as m
from scholar_desk.core.errors import NotFoundError
from scholar_desk.core.services import items, permissions
from scholar_desk.core.services.session import Actor

MAX_FILE_BYTES = 100 * 1024 * 1024
"""The largest file that may be attached (100 MB)."""

MAX_DATABASE_FILE_BYTES = 2 * 1024 * 1024 * 1024
"""All attached files and figures of one database together, each content once (2 GB)."""

ROLES = ("draft", "figure", "table", "cover-letter", "response-letter", "supplement")
"""What a file is to its manuscript; the same role (and number) again is a new version."""

NUMBERED_ROLES = frozenset({"figure", "table", "supplement"})
"""Roles a manuscript has several of (figure 1, figure 2...), told apart by number."""

OWNER_KINDS: dict[str, tuple[type[Any], str]] = {
    "manuscript": (m.Manuscript, "manuscript_id"),
    "project": (m.Project, "project_id"),
    "abstract": (m.Abstract, "abstract_id"),
}
"""The records files can be kept with, and the column that points at each."""


@dataclass(frozen=True)
class FileRecord:
    """One version of an attached file (never its bytes).

    Attributes:
        id: The version's id (``file get ID``).
        kind: ``manuscript``, ``project`` or ``abstract``.
        record_id: The record it is kept with.
        role: One of `ROLES`.
        number: Which figure, table or supplement (1 for the others).
        version: 1, 2, 3... within its role and number.
        name: The file name it was added from.
        label: A note ("v3, after co-author comments").
        size: Bytes.
        media_type: e.g. ``application/pdf``.
        sha256: The key of its bytes in the blob store.
        added_at: When it was added (UTC).
        added_by: Who added it.
        current: Whether it is the newest version of its role and number.
    """

    id: int
    kind: str
    record_id: int
    role: str
    number: int
    version: int
    name: str
    label: str
    size: int
    media_type: str
    sha256: str
    added_at: dt.datetime
    added_by: str
    current: bool

    @property
    def slot(self) -> str:
        """``draft``, ``figure 2``, ``cover-letter``: what the versions are versions of."""
        return f"{self.role} {self.number}" if self.role in NUMBERED_ROLES else self.role

    def to_json(self) -> dict[str, Any]:
        """The record as JSON values (``file list --json``)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "record_id": self.record_id,
            "role": self.role,
            "number": self.number,
            "version": self.version,
            "name": self.name,
            "label": self.label,
            "size": self.size,
            "media_type": self.media_type,
            "sha256": self.sha256,
            "added_at": self.added_at.isoformat(),
            "added_by": self.added_by,
            "current": self.current,
        }


@dataclass(frozen=True)
class FileSnapshot:
    """A removed file version's row, so `restore_file` puts it back with its id."""

    kind: str
    record_id: int
    columns: dict[str, Any]


def to_record(row: m.AttachedFile, current: bool) -> FileRecord:
    """Detach one row."""
    kind, record_id = parent_of(row)
    return FileRecord(
        id=row.id,
        kind=kind,
        record_id=record_id,
        role=row.role,
        number=row.number,
        version=row.version,
        name=row.name,
        label=row.label,
        size=row.size,
        media_type=row.media_type,
        sha256=row.blob_sha256,
        added_at=row.added_at,
        added_by=row.added_by,
        current=current,
    )


def parent_of(row: m.AttachedFile) -> tuple[str, int]:
    """The kind and id of the record a file version is kept with."""
    for kind, (_model, column) in OWNER_KINDS.items():
        value = getattr(row, column)
        if value is not None:
            return kind, int(value)
    raise NotFoundError(f"File {row.id} belongs to no record.")


def check_kind(kind: str) -> str:
    """The kind, checked.

    Raises:
        NotFoundError: Files are not kept with that kind (one line).
    """
    if kind not in OWNER_KINDS:
        raise NotFoundError(
            f"Files are kept with a manuscript, project or abstract, not '{kind}'."
        )
    return kind


def load_parent(session: Session, actor: Actor, kind: str, record_id: int, action: str) -> Any:
    """The record files are kept with, once ``actor`` may do ``action`` on it.

    Raises:
        NotFoundError: No such record, or one the actor may not read.
        PermissionDeniedError: The actor may read it but not do ``action``.
    """
    obj = items.load(session, check_kind(kind), record_id, actor)
    permissions.require(session, actor, action, kind, obj.owner_id)
    return obj


def load_file(session: Session, actor: Actor, file_id: int, action: str) -> m.AttachedFile:
    """One file version, once ``actor`` may do ``action`` on the record it is kept with.

    Raises:
        NotFoundError: No such file, or one whose record the actor may not read.
        PermissionDeniedError: The actor may read it but not do ``action``.
    """
    row = session.get(m.AttachedFile, file_id)
    if row is not None:
        kind, record_id = parent_of(row)
        try:
            load_parent(session, actor, kind, record_id, action)
        except NotFoundError:
            row = None
    if row is None:
        raise NotFoundError(f"There is no file with id {file_id}.")
    return row


_FIGURE = re.compile(r"\b(?:fig(?:ure)?|table|supp(?:lement)?|s)[\s_.-]*(\d{1,3})\b", re.I)
_IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".gif", ".bmp", ".eps"})
_TABLE_SUFFIXES = frozenset({".xlsx", ".xls", ".csv", ".ods"})
_TEXT_SUFFIXES = frozenset({".docx", ".doc", ".odt", ".rtf", ".tex", ".md", ".txt"})


def guess_role(name: str) -> str:
    """The role a file name suggests when none is given (``figure`` for fig2.tiff)."""
    lower = name.casefold()
    suffix = "." + lower.rsplit(".", 1)[-1] if "." in lower else ""
    if "cover" in lower:
        return "cover-letter"
    if "response" in lower or "rebuttal" in lower:
        return "response-letter"
    if "supplement" in lower or "appendix" in lower:
        return "supplement"
    if lower.startswith("table") or suffix in _TABLE_SUFFIXES:
        return "table"
    if lower.startswith("fig") or suffix in _IMAGE_SUFFIXES:
        return "figure"
    if suffix in _TEXT_SUFFIXES:
        return "draft"
    return "supplement"


def guess_number(name: str) -> int | None:
    """The figure or table number a file name carries (``Figure 2.tiff``: 2)."""
    found = _FIGURE.search(name)
    return int(found.group(1)) if found else None
