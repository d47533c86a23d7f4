"""Files kept inside the database: content-addressed, stored once however often used.

Figures, logos and the files kept with manuscripts, projects and abstracts (draft
versions, letters) live here. A blob is keyed by the SHA-256 of its bytes, so attaching
the same file twice, or to two records, stores it once, and a backup or a copy of the
database carries every file with it. A file stored from disk (`store_file`) is kept in
pieces of `CHUNK_BYTES` and read back piece by piece (`iter_bytes`, `write_to`), so a
50 MB file is never held in memory whole, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from scholar_desk.core import files
from scholar_desk.core.db import models as m
from scholar_desk.core.db.base import Base
from scholar_desk.core.errors import NotFoundError, ValidationError

CHUNK_BYTES = 4 * 1024 * 1024
"""The size of the pieces a file stored from disk is kept in."""

#: The largest image accepted as a figure or logo. A 300-dpi full-poster photograph
#: saved as PNG stays well under this; larger files are usually uncompressed scans.
MAX_IMAGE_BYTES = 25 * 1024 * 1024

_MEDIA_TYPES = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "GIF": "image/gif",
    "TIFF": "image/tiff",
    "BMP": "image/bmp",
    "WEBP": "image/webp",
}


@dataclass(frozen=True)
class BlobInfo:
    """A stored file, without its bytes.

    Attributes:
        sha256: Its key (hex digest of the bytes).
        size: Its size in bytes.
        media_type: e.g. ``image/png``.
    """

    sha256: str
    size: int
    media_type: str


def digest(data: bytes) -> str:
    """The key a file's bytes are stored under."""
    return hashlib.sha256(data).hexdigest()


def store(session: Session, data: bytes, media_type: str) -> BlobInfo:
    """Store bytes once; storing the same bytes again returns the existing blob.

    Args:
        session: The unit of work.
        data: The file's bytes.
        media_type: Its media type.

    Returns:
        The stored blob's key, size and type.
    """
    key = digest(data)
    row = session.get(m.Blob, key)
    if row is None:
        row = m.Blob(sha256=key, size=len(data), media_type=media_type, data=data)
        session.add(row)
        session.flush()
    return BlobInfo(row.sha256, row.size, row.media_type)


def _read_pieces(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while piece := handle.read(CHUNK_BYTES):
            yield piece


def file_digest(path: Path) -> tuple[str, int]:
    """The key and size a file on disk would be stored under, read piece by piece.

    Raises:
        OSError: The file cannot be read.
    """
    hasher = hashlib.sha256()
    size = 0
    for piece in _read_pieces(path):
        hasher.update(piece)
        size += len(piece)
    return hasher.hexdigest(), size


def store_file(session: Session, path: Path, media_type: str) -> tuple[BlobInfo, bool]:
    """Store a file from disk once, in pieces; the same bytes again reuse the stored blob.

    The file is read twice (its key first, then its pieces), never whole.

    Args:
        session: The unit of work.
        path: The file.
        media_type: Its media type.

    Returns:
        The blob, and whether it was new.

    Raises:
        OSError: The file cannot be read.
        ValidationError: The file changed while it was being stored.
    """
    key, size = file_digest(path)
    row = session.get(m.Blob, key)
    if row is not None:
        return BlobInfo(row.sha256, row.size, row.media_type), False
    row = m.Blob(sha256=key, size=size, media_type=media_type, data=b"", chunks=0)
    session.add(row)
    session.flush()
    hasher = hashlib.sha256()
    seq = 0
    for piece in _read_pieces(path):
        hasher.update(piece)
        session.execute(insert(m.BlobChunk).values(sha256=key, seq=seq, data=piece))
        seq += 1
    if hasher.hexdigest() != key:
        raise ValidationError(
            {"path": f"{path.name} changed while it was being stored; try again."}
        )
    row.chunks = seq
    session.flush()
    return BlobInfo(key, size, media_type), True


def iter_bytes(session: Session, sha256: str) -> Iterator[bytes]:
    """The bytes of a stored blob, piece by piece (one piece in memory at a time).

    Raises:
        NotFoundError: No blob has that key.
    """
    chunks = session.scalar(select(m.Blob.chunks).where(m.Blob.sha256 == sha256))
    if chunks is None:
        raise NotFoundError(f"The stored file {sha256[:12]} is missing from the database.")
    if chunks == 0:
        data = session.scalar(select(m.Blob.data).where(m.Blob.sha256 == sha256))
        yield bytes(data or b"")
        return
    for seq in range(chunks):
        piece = session.scalar(
            select(m.BlobChunk.data).where(m.BlobChunk.sha256 == sha256, m.BlobChunk.seq == seq)
        )
        if piece is None:
            raise NotFoundError(f"Part of the stored file {sha256[:12]} is missing.")
        yield bytes(piece)


def read(session: Session, sha256: str) -> bytes:
    """The bytes of a stored blob, whole (for small files: images, a draft to count).

    Raises:
        NotFoundError: No blob has that key.
    """
    return b"".join(iter_bytes(session, sha256))


def write_to(session: Session, sha256: str, path: Path, *, force: bool = False) -> Path:
    """Write a stored blob to a file through the safe writer, piece by piece.

    Returns:
        The path written.

    Raises:
        NotFoundError: No blob has that key.
        ExportError: The target may not be written.
        OutputExistsError: ``path`` exists and ``force`` is false.
    """
    with files.writing(path, force=force) as tmp, tmp.open("wb") as handle:
        for piece in iter_bytes(session, sha256):
            handle.write(piece)
        handle.flush()
        os.fsync(handle.fileno())
    return Path(path).expanduser()


def stored_bytes(session: Session) -> int:
    """The size of everything kept in the blob store (each distinct content once)."""
    return int(session.scalar(select(func.coalesce(func.sum(m.Blob.size), 0))) or 0)


def drop_if_unused(session: Session, sha256: str | None) -> bool:
    """Delete a blob that nothing refers to any more; whether it was deleted."""
    if sha256 is None:
        return False
    for column in _referrers():
        used = session.scalar(select(column).where(column == sha256).limit(1))
        if used is not None:
            return False
    row = session.get(m.Blob, sha256)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def _referrers() -> list[Any]:
    """Every column that points at a blob (figures, attached and sent files)."""
    out = []
    for table in Base.metadata.tables.values():
        if table.name == m.BlobChunk.__tablename__:
            continue  # a blob's own pieces
        for fk in table.foreign_keys:
            if fk.column.table.name == m.Blob.__tablename__:
                out.append(fk.parent)
    return out


def read_image_file(path: str | Path, field: str = "path") -> tuple[bytes, str, Path]:
    """Read an image file for storing: size-checked before it is opened, then verified.

    Args:
        path: The file.
        field: The input's name in a `ValidationError`.

    Returns:
        The bytes, their media type and the resolved path.

    Raises:
        ValidationError: Missing, a folder, too large, or not an image (one line).
    """
    file = Path(path).expanduser()
    if not file.exists():
        raise ValidationError({field: f"{file} does not exist."})
    if file.is_dir():
        raise ValidationError({field: f"{file} is a folder; choose an image file."})
    size = file.stat().st_size
    if size > MAX_IMAGE_BYTES:
        raise ValidationError(
            {
                field: f"{file.name} is {size / 1048576:.1f} MB; an image may be at most "
                f"{MAX_IMAGE_BYTES // 1048576} MB. Save it smaller (PNG or JPEG) and attach that."
            }
        )
    data = file.read_bytes()
    return data, image_media_type(data, file.name, field), file.resolve()


def image_media_type(data: bytes, name: str, field: str = "path") -> str:
    """Check image bytes (size, then that Pillow can open them); return their media type.

    Raises:
        ValidationError: Too large or not an image (one line).
    """
    from PIL import Image, UnidentifiedImageError  # lazy: only needed when adding images

    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationError(
            {
                field: f"{name} is {len(data) / 1048576:.1f} MB; an image may be at most "
                f"{MAX_IMAGE_BYTES // 1048576} MB. Save it smaller (PNG or JPEG) and attach that."
            }
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or ""
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            {field: f"{name} is not an image that can be opened (PNG, JPEG, TIFF...)."},
            str(exc),
        ) from exc
    return _MEDIA_TYPES.get(kind, f"image/{kind.lower() or 'octet-stream'}")
