"""Logos a user keeps for exports: chosen once, offered in every later poster export.

A logo picked in the export dialog (or given with ``--logo --keep-logo`` on the command
line) is copied into the database (content-addressed, in `blobs`) and kept with its
owner's username, so the next export, from any window or after a restore elsewhere,
offers it again, and moving or deleting the original file breaks nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scholar_desk.core.db import models as m
from scholar_desk.core.errors import NotFoundError
from scholar_desk.core.formats.images import ImageData, image_from_bytes
from scholar_desk.core.services import blobs
from scholar_desk.core.services.session import Actor


@dataclass(frozen=True)
class ExportLogo:
    """A kept logo, without its bytes.

    Attributes:
        id: Its row.
        name: The name of the file it was chosen from.
        position: Its place in the banner (1 first), after the abstract's own logos.
        sha256: The key of its bytes in `blobs`.
        size: Its size in bytes.
    """

    id: int
    name: str
    position: int
    sha256: str
    size: int


@dataclass(frozen=True)
class RemovedLogo:
    """What `remove_logo` took away, so `put_back` can restore it exactly (Undo)."""

    logo: ExportLogo
    data: bytes


def _record(row: m.ExportLogo, size: int) -> ExportLogo:
    return ExportLogo(row.id, row.name, row.position, row.blob_sha256, size)


def _rows(session: Session, actor: Actor) -> list[m.ExportLogo]:
    return list(
        session.scalars(
            select(m.ExportLogo)
            .where(m.ExportLogo.owner == actor.username)
            .order_by(m.ExportLogo.position, m.ExportLogo.id)
        )
    )


def list_logos(session: Session, actor: Actor) -> list[ExportLogo]:
    """The actor's kept logos, in banner order."""
    rows = _rows(session, actor)
    found = session.execute(
        select(m.Blob.sha256, m.Blob.size).where(m.Blob.sha256.in_({r.blob_sha256 for r in rows}))
    )
    sizes: dict[str, int] = {row.sha256: row.size for row in found}
    return [_record(row, sizes.get(row.blob_sha256, 0)) for row in rows]


def add_logo(session: Session, actor: Actor, path: str | Path) -> ExportLogo:
    """Keep an image file as one of the actor's export logos (the same image only once).

    Args:
        session: The unit of work.
        actor: Whose logo it becomes.
        path: The image file; it is read now and never again.

    Returns:
        The kept logo (the existing one when the same image is kept already).

    Raises:
        ValidationError: Missing, a folder, too large, or not an image (one line).
    """
    data, _media_type, file = blobs.read_image_file(path, field="logo")
    return add_logo_data(session, actor, data, file.name)


def add_logo_data(
    session: Session, actor: Actor, data: bytes, name: str, position: int | None = None
) -> ExportLogo:
    """Keep image bytes as an export logo (at ``position``, else last).

    Raises:
        ValidationError: Too large or not an image.
    """
    blob = blobs.store(session, data, blobs.image_media_type(data, name, "logo"))
    for row in _rows(session, actor):
        if row.blob_sha256 == blob.sha256:
            return _record(row, blob.size)
    if position is None:
        last = session.scalar(
            select(func.max(m.ExportLogo.position)).where(m.ExportLogo.owner == actor.username)
        )
        position = (last or 0) + 1
    row = m.ExportLogo(
        owner=actor.username, position=position, name=Path(name).name, blob_sha256=blob.sha256
    )
    session.add(row)
    session.flush()
    return _record(row, blob.size)


def remove_logo(session: Session, actor: Actor, logo_id: int) -> RemovedLogo:
    """Stop offering a kept logo; its bytes go when nothing else uses them.

    Raises:
        NotFoundError: The actor keeps no logo with that id.
    """
    row = session.get(m.ExportLogo, logo_id)
    if row is None or row.owner != actor.username:
        raise NotFoundError(f"There is no kept logo with id {logo_id}.")
    data = blobs.read(session, row.blob_sha256)
    removed = RemovedLogo(_record(row, len(data)), data)
    session.delete(row)
    session.flush()
    blobs.drop_if_unused(session, removed.logo.sha256)
    return removed


def put_back(session: Session, actor: Actor, removed: RemovedLogo) -> ExportLogo:
    """Keep a removed logo again, in its old place (Undo of `remove_logo`)."""
    return add_logo_data(
        session, actor, removed.data, removed.logo.name, position=removed.logo.position
    )


def logo_images(
    session: Session, actor: Actor, ids: Sequence[int] | None = None
) -> list[ImageData]:
    """The actor's kept logos ready for a banner: all of them, or those in ``ids``.

    Raises:
        ExportError: A stored logo's bytes are not an image.
    """
    wanted = None if ids is None else set(ids)
    return [
        image_from_bytes(blobs.read(session, row.blob_sha256), row.name)
        for row in _rows(session, actor)
        if wanted is None or row.id in wanted
    ]
