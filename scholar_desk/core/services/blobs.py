"""Files kept inside the database: content-addressed, stored once however often used.

Figures and logos live here today; manuscript files (draft versions, letters) are meant
to use the same store. A blob is keyed by the SHA-256 of its bytes, so attaching the
same image twice, or to two abstracts, stores it once, and a backup or a copy of the
database carries every file with it.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scholar_desk.core.db import models as m
from scholar_desk.core.db.base import Base
from scholar_desk.core.errors import NotFoundError, ValidationError

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


def read(session: Session, sha256: str) -> bytes:
    """The bytes of a stored blob.

    Raises:
        NotFoundError: No blob has that key.
    """
    data = session.scalar(select(m.Blob.data).where(m.Blob.sha256 == sha256))
    if data is None:
        raise NotFoundError(f"The stored file {sha256[:12]} is missing from the database.")
    return bytes(data)


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
    """Every column that points at a blob (figures today; manuscript files later)."""
    out = []
    for table in Base.metadata.tables.values():
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
