"""Conference poster rules: board size, orientation, e-poster format and aspect.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 00:00:00

Existing meetings get empty rules (any orientation), which poster templates read as
"no rule"; the starter catalog fills them for its example meetings. Plain ADD COLUMN
with a server default, never a batch copy: rebuilding ``conferences`` on SQLite would
drop the table under ``abstracts.conference_id`` (ON DELETE SET NULL) and unlink every
abstract from its meeting.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = (
    ("poster_size", 40, ""),
    ("poster_orientation", 12, "any"),
    ("eposter_format", 100, ""),
    ("eposter_aspect", 12, ""),
)


def upgrade() -> None:
    for name, length, default in COLUMNS:
        op.add_column(
            "conferences",
            sa.Column(name, sa.String(length=length), nullable=False, server_default=default),
        )


def downgrade() -> None:
    for name, _length, _default in reversed(COLUMNS):
        op.drop_column("conferences", name)
