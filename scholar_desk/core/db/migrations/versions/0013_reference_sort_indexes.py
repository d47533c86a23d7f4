"""References: an index per sort key that ends in ``id``, as the table's ORDER BY does.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 00:00:00

The references table sorts by ``(key, id)``. With an index on the key alone a server
sorts 100,000 rows in memory (or on disk) on every change of sort; an index on
``(key, id)`` hands them over in order, read from the index alone. The single-column
indexes on author, journal and year are replaced: the new ones serve their lookups too.
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_KEYS = (
    ("first_author", "ix_references_first_author"),
    ("journal", "ix_references_journal"),
    ("year", "ix_references_year"),
)


def upgrade() -> None:
    """Replace each single-column index by ``(key, id)``."""
    for column, old in _KEYS:
        op.drop_index(old, table_name="references")
        op.create_index(f"ix_references_{column}_sort", "references", [column, "id"])


def downgrade() -> None:
    """Back to single-column indexes."""
    for column, old in _KEYS:
        op.drop_index(f"ix_references_{column}_sort", table_name="references")
        op.create_index(old, "references", [column])
