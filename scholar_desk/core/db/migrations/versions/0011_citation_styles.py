"""Citation styles, retraction notices, the identifier queue and followed .bib files.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 00:00:00

Journals and conferences name the CSL style of their reference lists; the catalog's
journals get the style the CSL repository has for them (``""`` means AMA).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# The catalog's journals whose own style ships; copied here so this revision never
# changes after release.
_JOURNAL_STYLES = {
    "PAIN": "pain",
    "Regional Anesthesia & Pain Medicine": "bmj",
    "Pain Medicine": "pain-medicine",
    "The Journal of Pain": "the-journal-of-pain",
    "Pain Physician": "pain-physician",
    "Neuromodulation": "elsevier-vancouver",
    "Pain Practice": "vancouver",
}


def upgrade() -> None:
    for table in ("journals", "conferences"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("citation_style", sa.String(length=100), nullable=False, server_default="")
            )
    journals = sa.table("journals", sa.column("name", sa.String), sa.column("citation_style"))
    for name, style in _JOURNAL_STYLES.items():
        op.execute(journals.update().where(journals.c.name == name).values(citation_style=style))
    op.create_table(
        "citation_styles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("xml", sa.Text(), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citation_styles")),
        sa.UniqueConstraint("name", name=op.f("uq_citation_styles_name")),
    )
    op.create_table(
        "reference_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("notice_doi", sa.String(length=250), nullable=False),
        sa.Column("notice_date", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("found_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reference_id"],
            ["references.id"],
            name=op.f("fk_reference_notices_reference_id_references"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_notices")),
        sa.UniqueConstraint(
            "reference_id", "notice_doi", "kind", name=op.f("uq_reference_notices_reference_id")
        ),
    )
    op.create_index(
        op.f("ix_reference_notices_reference_id"), "reference_notices", ["reference_id"]
    )
    op.create_table(
        "identifier_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("identifier", sa.String(length=300), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["people.id"],
            name=op.f("fk_identifier_queue_owner_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identifier_queue")),
        sa.UniqueConstraint("owner_id", "identifier", name=op.f("uq_identifier_queue_owner_id")),
    )
    op.create_index(op.f("ix_identifier_queue_owner_id"), "identifier_queue", ["owner_id"])
    op.create_table(
        "followed_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("keys", sa.JSON(), nullable=False),
        sa.Column("synced_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["people.id"],
            name=op.f("fk_followed_files_owner_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followed_files")),
        sa.UniqueConstraint("owner_id", "path", name=op.f("uq_followed_files_owner_id")),
    )
    op.create_index(op.f("ix_followed_files_owner_id"), "followed_files", ["owner_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_followed_files_owner_id"), table_name="followed_files")
    op.drop_table("followed_files")
    op.drop_index(op.f("ix_identifier_queue_owner_id"), table_name="identifier_queue")
    op.drop_table("identifier_queue")
    op.drop_index(op.f("ix_reference_notices_reference_id"), table_name="reference_notices")
    op.drop_table("reference_notices")
    op.drop_table("citation_styles")
    for table in ("conferences", "journals"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("citation_style")
