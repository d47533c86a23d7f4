"""Logos kept for exports: each user's poster logos, stored in the database.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 01:10:00

Adds ``export_logos`` (owner, position, file name, and the bytes in ``blobs``), so the
logos chosen in one export are offered in the next, from any window, and travel with a
backup.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "export_logos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["blob_sha256"],
            ["blobs.sha256"],
            name=op.f("fk_export_logos_blob_sha256_blobs"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_logos")),
    )
    with op.batch_alter_table("export_logos", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_export_logos_blob_sha256"), ["blob_sha256"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_export_logos_owner"), ["owner"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("export_logos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_export_logos_owner"))
        batch_op.drop_index(batch_op.f("ix_export_logos_blob_sha256"))
    op.drop_table("export_logos")
