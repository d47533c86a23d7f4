"""Adding, listing, reading back and removing the files kept with a record."""

from __future__ import annotations

import io
import mimetypes
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import ColumnElement, func, insert, select
from sqlalchemy.orm import Session

from scholar_desk.core.db import models as m
from scholar_desk.core.errors import ValidationError
from scholar_desk.core.formats.manuscript_docx import DraftCounts, check_word_file, count_docx
from scholar_desk.core.services import blobs, items, permissions
from scholar_desk.core.services.manuscript_files.records import (
    MAX_DATABASE_FILE_BYTES,
    MAX_FILE_BYTES,
    NUMBERED_ROLES,
    OWNER_KINDS,
    ROLES,
    FileRecord,
    FileSnapshot,
    guess_number,
    guess_role,
    load_file,
    load_parent,
    parent_of,
    to_record,
)
from scholar_desk.core.services.session import Actor

_MB = 1024 * 1024


def check_file(path: str | Path) -> tuple[Path, int]:
    """Check a file before anything is stored: there, a file, readable, within the limit.

    Returns:
        The path (``~`` expanded) and its size.

    Raises:
        ValidationError: One line saying what is wrong with it.
    """
    file = Path(path).expanduser()
    if not file.exists():
        raise ValidationError({"": f"{file} does not exist."})
    if file.is_dir():
        raise ValidationError({"": f"{file} is a folder; give the files in it instead."})
    size = file.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ValidationError(
            {
                "": f"{file.name} is {size / _MB:.1f} MB; a file may be at most "
                f"{MAX_FILE_BYTES // _MB} MB. Keep it outside the database or make it smaller."
            }
        )
    try:
        with file.open("rb") as handle:
            handle.read(1)
    except OSError as exc:
        raise ValidationError(
            {"": f"{file} cannot be read ({exc.strerror or exc}); check its permissions."}
        ) from exc
    if size == 0:
        raise ValidationError({"": f"{file.name} is empty; nothing to keep."})
    if file.suffix.lower() == ".docx":
        check_word_file(file)
    return file, size


def _versions(session: Session, column: str, record_id: int) -> list[m.AttachedFile]:
    attr = getattr(m.AttachedFile, column)
    return list(
        session.scalars(
            select(m.AttachedFile).where(attr == record_id).order_by(m.AttachedFile.id)
        )
    )


def add_files(
    session: Session,
    actor: Actor,
    kind: str,
    record_id: int,
    paths: Sequence[str | Path],
    *,
    role: str | None = None,
    number: int | None = None,
    label: str = "",
) -> list[FileRecord]:
    """Keep files with a manuscript, project or abstract; the same role is a new version.

    Every file is checked before any is stored, so a bad one stores nothing.

    Args:
        session: The unit of work.
        actor: Who adds them (on the history and in the audit trail).
        kind: ``manuscript``, ``project`` or ``abstract``.
        record_id: The record.
        paths: The files.
        role: One of `ROLES`; guessed from each file's name when ``None``.
        number: Which figure, table or supplement; from the name, or the next free one.
        label: A note for the new versions ("v3, after co-author comments").

    Returns:
        The versions added.

    Raises:
        ValidationError: A file is missing, a folder, unreadable, empty, over the limit,
            a .docx that is not a Word file, or the database would pass its limit.
        NotFoundError: No such record (or one the actor may not read).
        PermissionDeniedError: The actor may not change the record.
    """
    load_parent(session, actor, kind, record_id, permissions.UPDATE)
    if role is not None and role not in ROLES:
        raise ValidationError({"role": f"Choose one of: {', '.join(ROLES)}."})
    if number is not None and number < 1:
        raise ValidationError({"number": "A figure or table number is 1 or more."})
    if not paths:
        raise ValidationError({"": "Give at least one file to add."})
    checked = [check_file(p) for p in paths]
    incoming = sum(size for _path, size in checked)
    stored = blobs.stored_bytes(session)
    if stored + incoming > MAX_DATABASE_FILE_BYTES:
        raise ValidationError(
            {
                "": f"The database keeps at most {MAX_DATABASE_FILE_BYTES // (1024 * _MB)} GB "
                f"of files and holds {stored / _MB:.0f} MB; these {incoming / _MB:.0f} MB "
                "do not fit. Remove old versions first."
            }
        )
    column = OWNER_KINDS[kind][1]
    existing = _versions(session, column, record_id)
    added: list[FileRecord] = []
    for path, _size in checked:
        file_role = role or guess_role(path.name)
        if file_role in NUMBERED_ROLES:
            taken = [r.number for r in existing if r.role == file_role]
            file_number = number or guess_number(path.name) or max(taken, default=0) + 1
        else:
            file_number = 1
        version = 1 + max(
            (r.version for r in existing if r.role == file_role and r.number == file_number),
            default=0,
        )
        media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        try:
            info, _new = blobs.store_file(session, path, media)
        except OSError as exc:
            raise ValidationError(
                {"": f"{path} cannot be read ({exc.strerror or exc}); nothing was added."}
            ) from exc
        row = m.AttachedFile(
            role=file_role,
            number=file_number,
            version=version,
            name=path.name[:255],
            label=label.strip()[:200],
            size=info.size,
            media_type=media,
            blob_sha256=info.sha256,
            added_by=actor.username,
        )
        setattr(row, column, record_id)
        session.add(row)
        session.flush()
        existing.append(row)
        items.audit(
            session, actor, "update", kind, record_id, "files", None, _describe(row, "added")
        )
        added.append(to_record(row, current=True))
    return added


def _describe(row: m.AttachedFile, verb: str) -> str:
    slot = f"{row.role} {row.number}" if row.role in NUMBERED_ROLES else row.role
    label = f" ({row.label})" if row.label else ""
    return f"{verb} {slot} v{row.version}: {row.name}{label} [file {row.id}]"


def list_files(session: Session, actor: Actor, kind: str, record_id: int) -> list[FileRecord]:
    """Every version of every file kept with a record: by role, number, newest first.

    Raises:
        NotFoundError: No such record (or one the actor may not read).
    """
    load_parent(session, actor, kind, record_id, permissions.READ)
    rows = _versions(session, OWNER_KINDS[kind][1], record_id)
    newest: dict[tuple[str, int], int] = {}
    for row in rows:
        key = (row.role, row.number)
        newest[key] = max(newest.get(key, 0), row.version)
    order = {role: n for n, role in enumerate(ROLES)}
    rows.sort(key=lambda r: (order.get(r.role, len(ROLES)), r.number, -r.version))
    return [to_record(r, r.version == newest[(r.role, r.number)]) for r in rows]


def get_file(session: Session, actor: Actor, file_id: int) -> FileRecord:
    """One file version.

    Raises:
        NotFoundError: No such file (or one the actor may not read).
    """
    row = load_file(session, actor, file_id, permissions.READ)
    newest = session.scalar(select(func.max(m.AttachedFile.version)).where(*_same_slot(row)))
    return to_record(row, row.version == newest)


def _same_slot(row: m.AttachedFile) -> list[ColumnElement[bool]]:
    kind, record_id = parent_of(row)
    return [
        getattr(m.AttachedFile, OWNER_KINDS[kind][1]) == record_id,
        m.AttachedFile.role == row.role,
        m.AttachedFile.number == row.number,
    ]


def save_copy(
    session: Session, actor: Actor, file_id: int, path: Path, *, force: bool = False
) -> Path:
    """Write a file version to ``path`` byte for byte, through the safe file writer.

    Raises:
        NotFoundError: No such file (or one the actor may not read).
        ExportError: ``path`` may not be written.
        OutputExistsError: ``path`` exists and ``force`` is false.
    """
    row = load_file(session, actor, file_id, permissions.READ)
    return blobs.write_to(session, row.blob_sha256, path, force=force)


def temporary_copy(session: Session, actor: Actor, file_id: int, folder: Path) -> Path:
    """A read-only copy of a file version in ``folder``, to open in another program.

    Returns:
        The copy, named ``v2 - draft.docx``; an earlier copy of it is replaced.

    Raises:
        NotFoundError: No such file (or one the actor may not read).
        ExportError: ``folder`` cannot be written.
    """
    row = load_file(session, actor, file_id, permissions.READ)
    target = Path(folder) / f"v{row.version} - {row.name}"
    if target.exists():
        target.chmod(0o600)
    blobs.write_to(session, row.blob_sha256, target, force=True)
    target.chmod(0o400)
    return target


def remove_file(session: Session, actor: Actor, file_id: int) -> FileSnapshot:
    """Remove one file version; `restore_file` with the snapshot puts it back.

    Its bytes stay in the blob store (undo needs them, and what was sent keeps them).

    Raises:
        NotFoundError: No such file (or one the actor may not read).
        PermissionDeniedError: The actor may not change the record it is kept with.
    """
    row = load_file(session, actor, file_id, permissions.UPDATE)
    kind, record_id = parent_of(row)
    columns = {c.key: getattr(row, c.key) for c in m.AttachedFile.__table__.columns}
    description = _describe(row, "removed")
    session.delete(row)
    session.flush()
    items.audit(session, actor, "update", kind, record_id, "files", description, None)
    return FileSnapshot(kind, record_id, columns)


def restore_file(session: Session, actor: Actor, snapshot: FileSnapshot) -> FileRecord:
    """Put back a removed file version with its id, version and bytes.

    Raises:
        NotFoundError: The record it was kept with is gone (or not readable).
        PermissionDeniedError: The actor may not change that record.
    """
    load_parent(session, actor, snapshot.kind, snapshot.record_id, permissions.UPDATE)
    session.execute(insert(m.AttachedFile).values(**snapshot.columns))
    row = session.get_one(m.AttachedFile, snapshot.columns["id"])
    items.audit(
        session,
        actor,
        "update",
        snapshot.kind,
        snapshot.record_id,
        "files",
        None,
        _describe(row, "restored"),
    )
    return get_file(session, actor, row.id)


def draft_counts(session: Session, actor: Actor, file_id: int) -> DraftCounts:
    """The numbers of a .docx version: words by part, figures, tables, references.

    Raises:
        NotFoundError: No such file (or one the actor may not read).
        ValidationError: It is not a Word document.
    """
    row = load_file(session, actor, file_id, permissions.READ)
    if not row.name.lower().endswith(".docx"):
        raise ValidationError({"": f"{row.name} is not a .docx; only Word drafts are counted."})
    return count_docx(io.BytesIO(blobs.read(session, row.blob_sha256)), row.name)


def compare_versions(
    session: Session, actor: Actor, first_id: int, second_id: int
) -> tuple[DraftCounts, DraftCounts]:
    """The numbers of two .docx versions side by side.

    Raises:
        NotFoundError: Either file is missing (or not readable).
        ValidationError: Either is not a Word document.
    """
    return draft_counts(session, actor, first_id), draft_counts(session, actor, second_id)
