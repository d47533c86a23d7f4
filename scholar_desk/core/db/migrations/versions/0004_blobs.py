"""Figures inside the database: a content-addressed ``blobs`` table, figures refer to it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 00:00:00

Each existing figure's file is read once and stored as a blob (the same bytes once,
however many figures use them). A figure whose file is gone, unreadable or too large
keeps its row with no blob (shown as missing) and a warning is logged with its path.
The limits are copied here, not imported, so this revision never changes after release.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

log = logging.getLogger("scholar_desk.migrations")
MAX_BYTES = 25 * 1024 * 1024
_TYPES = {
    b"\x89PNG": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF8": "image/gif",
    b"II*\x00": "image/tiff",
    b"MM\x00*": "image/tiff",
    b"BM": "image/bmp",
}


def _media_type(data: bytes) -> str:
    for magic, media in _TYPES.items():
        if data.startswith(magic):
            return media
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"


def upgrade() -> None:
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_blobs")),
    )
    with op.batch_alter_table("abstract_images", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("role", sa.String(length=20), nullable=False, server_default="figure")
        )
        batch_op.add_column(sa.Column("blob_sha256", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_abstract_images_blob_sha256"), ["blob_sha256"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_abstract_images_blob_sha256_blobs"),
            "blobs",
            ["blob_sha256"],
            ["sha256"],
            ondelete="RESTRICT",
        )
    with op.batch_alter_table("abstract_images", schema=None) as batch_op:
        batch_op.alter_column("role", server_default=None)
    _move_files_in()


def _move_files_in() -> None:
    bind = op.get_bind()
    images = sa.table(
        "abstract_images",
        sa.column("id", sa.Integer),
        sa.column("path", sa.String),
        sa.column("blob_sha256", sa.String),
    )
    blobs = sa.table(
        "blobs",
        sa.column("sha256", sa.String),
        sa.column("size", sa.Integer),
        sa.column("media_type", sa.String),
        sa.column("data", sa.LargeBinary),
        sa.column("created_at", sa.DateTime),
    )
    stored: set[str] = set()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for image_id, path in bind.execute(sa.select(images.c.id, images.c.path)).all():
        file = Path(path)
        try:
            size = file.stat().st_size
            if size > MAX_BYTES:
                log.warning("figure %s: %s is over %d bytes; marked missing", image_id, path, MAX_BYTES)
                continue
            data = file.read_bytes()
        except OSError as exc:
            log.warning("figure %s: %s cannot be read (%s); marked missing", image_id, path, exc.strerror)
            continue
        key = hashlib.sha256(data).hexdigest()
        if key not in stored:
            bind.execute(
                blobs.insert().values(
                    sha256=key, size=len(data), media_type=_media_type(data), data=data, created_at=now
                )
            )
            stored.add(key)
        bind.execute(images.update().where(images.c.id == image_id).values(blob_sha256=key))


def downgrade() -> None:
    with op.batch_alter_table("abstract_images", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_abstract_images_blob_sha256_blobs"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_abstract_images_blob_sha256"))
        batch_op.drop_column("blob_sha256")
        batch_op.drop_column("role")
    op.drop_table("blobs")
