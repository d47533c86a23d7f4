"""References: the index on ``title_key`` alone goes; ``(title_key, id)`` serves its lookups.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 00:00:00

Revision 0013 replaced the single-column indexes on author, journal and year by
``(key, id)``; the title had both from the start. The duplicate check's lookups by
``title_key`` read ``ix_references_title_sort`` as well, and every added or edited
reference no longer updates a second index on the same column (one of ten on a server
import of 20,000 references).
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Drop the single-column index."""
    op.drop_index("ix_references_title_key", table_name="references")


def downgrade() -> None:
    """Put it back."""
    op.create_index("ix_references_title_key", "references", ["title_key"])
