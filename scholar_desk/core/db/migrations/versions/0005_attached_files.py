"""Files kept with manuscripts, projects and abstracts; what was sent; journal limits.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 00:00:00

Adds ``attached_files`` (versions of drafts, figures, letters; bytes in ``blobs``),
``blob_chunks`` (large blobs in pieces), ``sent_files`` (the versions that went with a
submission event) and ``journal_limits`` (limits per article type). The old
``draft_files`` table held paths on disk: each readable file it names is stored as a
draft version of its manuscript; a missing or unreadable one is logged and left out.
The limit is copied here, not imported, so this revision never changes after release.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import mimetypes
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

log = logging.getLogger("scholar_desk.migrations")
MAX_BYTES = 100 * 1024 * 1024


def upgrade() -> None:
    with op.batch_alter_table("blobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chunks", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "blob_chunks",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["blobs.sha256"],
            name=op.f("fk_blob_chunks_sha256_blobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sha256", "seq", name=op.f("pk_blob_chunks")),
    )
    op.create_table(
        "attached_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("manuscript_id", sa.Integer(), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("abstract_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["abstract_id"],
            ["abstracts.id"],
            name=op.f("fk_attached_files_abstract_id_abstracts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["blob_sha256"],
            ["blobs.sha256"],
            name=op.f("fk_attached_files_blob_sha256_blobs"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["manuscript_id"],
            ["manuscripts.id"],
            name=op.f("fk_attached_files_manuscript_id_manuscripts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_attached_files_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attached_files")),
    )
    with op.batch_alter_table("attached_files", schema=None) as batch_op:
        for column in ("abstract_id", "blob_sha256", "manuscript_id", "project_id"):
            batch_op.create_index(batch_op.f(f"ix_attached_files_{column}"), [column], unique=False)
    op.create_table(
        "sent_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["blob_sha256"],
            ["blobs.sha256"],
            name=op.f("fk_sent_files_blob_sha256_blobs"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["submission_events.id"],
            name=op.f("fk_sent_files_event_id_submission_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_files")),
    )
    with op.batch_alter_table("sent_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sent_files_blob_sha256"), ["blob_sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_sent_files_event_id"), ["event_id"], unique=False)
    op.create_table(
        "journal_limits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("journal_id", sa.Integer(), nullable=False),
        sa.Column("article_type", sa.String(length=40), nullable=False),
        sa.Column("words", sa.Integer(), nullable=True),
        sa.Column("abstract_words", sa.Integer(), nullable=True),
        sa.Column("figures", sa.Integer(), nullable=True),
        sa.Column("tables", sa.Integer(), nullable=True),
        sa.Column("refs", sa.Integer(), nullable=True),
        sa.Column("legends_count", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["journal_id"],
            ["journals.id"],
            name=op.f("fk_journal_limits_journal_id_journals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_limits")),
        sa.UniqueConstraint(
            "journal_id", "article_type", name=op.f("uq_journal_limits_journal_id")
        ),
    )
    _move_drafts_in()
    with op.batch_alter_table("draft_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draft_files_manuscript_id"))
    op.drop_table("draft_files")


def _move_drafts_in() -> None:
    bind = op.get_bind()
    drafts = sa.table(
        "draft_files",
        sa.column("id", sa.Integer),
        sa.column("manuscript_id", sa.Integer),
        sa.column("path", sa.String),
        sa.column("label", sa.String),
    )
    blobs = sa.table(
        "blobs",
        sa.column("sha256", sa.String),
        sa.column("size", sa.Integer),
        sa.column("media_type", sa.String),
        sa.column("data", sa.LargeBinary),
        sa.column("created_at", sa.DateTime),
        sa.column("chunks", sa.Integer),
    )
    files = sa.table(
        "attached_files",
        sa.column("manuscript_id", sa.Integer),
        sa.column("role", sa.String),
        sa.column("number", sa.Integer),
        sa.column("version", sa.Integer),
        sa.column("name", sa.String),
        sa.column("label", sa.String),
        sa.column("size", sa.Integer),
        sa.column("media_type", sa.String),
        sa.column("blob_sha256", sa.String),
        sa.column("added_at", sa.DateTime),
        sa.column("added_by", sa.String),
    )
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    versions: dict[int, int] = {}
    rows = bind.execute(
        sa.select(drafts.c.id, drafts.c.manuscript_id, drafts.c.path, drafts.c.label).order_by(
            drafts.c.id
        )
    ).all()
    for draft_id, manuscript_id, path, label in rows:
        file = Path(path)
        try:
            size = file.stat().st_size
            if size > MAX_BYTES:
                log.warning("draft %s: %s is over %d bytes; left out", draft_id, path, MAX_BYTES)
                continue
            data = file.read_bytes()
        except OSError as exc:
            log.warning("draft %s: %s cannot be read (%s); left out", draft_id, path, exc.strerror)
            continue
        key = hashlib.sha256(data).hexdigest()
        media = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if bind.execute(sa.select(blobs.c.sha256).where(blobs.c.sha256 == key)).first() is None:
            bind.execute(
                blobs.insert().values(
                    sha256=key, size=len(data), media_type=media, data=data, created_at=now, chunks=0
                )
            )
        versions[manuscript_id] = versions.get(manuscript_id, 0) + 1
        bind.execute(
            files.insert().values(
                manuscript_id=manuscript_id,
                role="draft",
                number=1,
                version=versions[manuscript_id],
                name=file.name[:255],
                label=label or "",
                size=len(data),
                media_type=media,
                blob_sha256=key,
                added_at=now,
                added_by="",
            )
        )


def downgrade() -> None:
    op.create_table(
        "draft_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("manuscript_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("added_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["manuscript_id"],
            ["manuscripts.id"],
            name=op.f("fk_draft_files_manuscript_id_manuscripts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_files")),
    )
    with op.batch_alter_table("draft_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_draft_files_manuscript_id"), ["manuscript_id"], unique=False
        )
    op.drop_table("journal_limits")
    with op.batch_alter_table("sent_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sent_files_event_id"))
        batch_op.drop_index(batch_op.f("ix_sent_files_blob_sha256"))
    op.drop_table("sent_files")
    with op.batch_alter_table("attached_files", schema=None) as batch_op:
        for column in ("project_id", "manuscript_id", "blob_sha256", "abstract_id"):
            batch_op.drop_index(batch_op.f(f"ix_attached_files_{column}"))
    op.drop_table("attached_files")
    op.drop_table("blob_chunks")
    with op.batch_alter_table("blobs", schema=None) as batch_op:
        batch_op.drop_column("chunks")
