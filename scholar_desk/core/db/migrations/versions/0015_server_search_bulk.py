"""PostgreSQL: a statement adding many references indexes their words in parallel.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 00:00:00

Revision 0014's insert trigger computes each added row's words (``to_tsvector``) from
the statement's transition table, one row after another in one process: for an import of
20,000 references that was about two thirds of the server's work. A transition table
cannot be read by parallel workers, and an ``INSERT ... SELECT`` never runs in parallel.
So, from 1,000 rows added by one statement (a ``COPY`` of an import) on, the trigger
hands their ids to ``reference_search_fill``, which computes their words from
``references`` itself in a ``CREATE TEMP TABLE ... AS SELECT``, where parallel workers
may share the work, then inserts them into ``reference_search`` in one statement. (A
query inside the trigger function, which holds the transition table, is never planned
in parallel; one in a function of its own is. The costs that keep the planner from
workers are zeroed in that function only: it cannot know how many rows an uncommitted
import holds.) Without the right to create temporary tables, or for fewer rows (an
edit, a short import), the rows are indexed as before. Smaller statements (an edit, a
short import) are indexed as before. The words stored are the same expression as in 0014,
so searches find exactly what they found.

Nothing happens on SQLite (FTS5, revision 0002). The statements are written out here,
not imported, so this revision never changes after release.
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_SEARCHED = ("title", "authors", "journal", "year", "abstract", "keywords", "tags_text")
BULK_ROWS = 1000
"""From this many rows added by one statement on, the words are computed in parallel."""


def _document(row: str) -> str:
    parts = " || ' ' || ".join(
        f"coalesce({row}.{c}{'::text' if c == 'year' else ''}, '')" for c in _SEARCHED
    )
    return f"strip(to_tsvector('simple'::regconfig, {parts}))"


_SERIAL = f"""INSERT INTO reference_search (reference_id, document)
        SELECT a.id, {_document("a")} FROM added a"""

UP = (
    f"""CREATE FUNCTION reference_search_fill(ids integer[]) RETURNS void AS $$
    BEGIN
        CREATE TEMP TABLE reference_search_fill_rows ON COMMIT DROP AS
            SELECT r.id, {_document("r")} AS document
            FROM "references" r WHERE r.id = ANY(ids);
        INSERT INTO reference_search (reference_id, document)
            SELECT id, document FROM reference_search_fill_rows;
        DROP TABLE reference_search_fill_rows;
    END
    $$ LANGUAGE plpgsql
    SET parallel_setup_cost = 0
    SET parallel_tuple_cost = 0
    SET min_parallel_table_scan_size = 0
    SET min_parallel_index_scan_size = 0""",
    f"""CREATE OR REPLACE FUNCTION reference_search_added() RETURNS trigger AS $$
    DECLARE
        ids integer[];
    BEGIN
        ids := ARRAY(SELECT id FROM added);
        IF cardinality(ids) >= {BULK_ROWS}
                AND has_database_privilege(current_database(), 'TEMPORARY') THEN
            PERFORM reference_search_fill(ids);
        ELSE
            {_SERIAL};
        END IF;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql""",
)

DOWN = (
    f"""CREATE OR REPLACE FUNCTION reference_search_added() RETURNS trigger AS $$
    BEGIN
        {_SERIAL};
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql""",
    "DROP FUNCTION IF EXISTS reference_search_fill(integer[])",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in UP:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in DOWN:
        op.execute(statement)
