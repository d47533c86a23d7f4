"""An abstract's results table (rows x columns, stored as JSON text) for decks and posters.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``abstracts.results_table`` (empty: no table)."""
    with op.batch_alter_table("abstracts") as batch:
        batch.add_column(sa.Column("results_table", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    """Drop the column."""
    with op.batch_alter_table("abstracts") as batch:
        batch.drop_column("results_table")
