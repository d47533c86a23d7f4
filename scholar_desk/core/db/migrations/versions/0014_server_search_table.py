"""PostgreSQL: the search index moves from ``references`` into a narrow table of its own.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 00:00:00

A two-letter prefix typed into the search box matches most of the library. With the
``tsvector`` inside ``references`` (0007), PostgreSQL then read the whole wide table
(200 MB at 100,000 references) on every keystroke. Now ``reference_search`` holds only
the reference's id and its words without positions (``strip``; every search is "all
these words, the last one as a prefix", which needs no positions), with the GIN index,
and ``references`` loses the column and its index:

- statement-level triggers with transition tables keep it current: one ``INSERT ...
  SELECT`` per statement on ``references``, so a bulk insert (``COPY``) indexes its rows
  in one go; an update re-indexes only rows whose searched columns changed;
- the column has no statistics (``STATISTICS 0``): the planner then reckons with few
  matches and always takes the GIN index. Its statistics would make it read the table
  instead when most rows match, matching every row's words again, which on this table
  is two to three times slower than the index at every share of matches.

Nothing happens on SQLite (FTS5, revision 0002). The statements are written out here,
not imported, so this revision never changes after release.
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_SEARCHED = ("title", "authors", "journal", "year", "abstract", "keywords", "tags_text")


def _document(row: str) -> str:
    parts = " || ' ' || ".join(
        f"coalesce({row}.{c}{'::text' if c == 'year' else ''}, '')" for c in _SEARCHED
    )
    return f"strip(to_tsvector('simple'::regconfig, {parts}))"


def _columns(row: str) -> str:
    return "(" + ", ".join(f"{row}.{c}" for c in _SEARCHED) + ")"


UP = (
    """CREATE TABLE reference_search (
        reference_id integer PRIMARY KEY,
        document tsvector NOT NULL
    )""",
    "ALTER TABLE reference_search ALTER COLUMN document SET STATISTICS 0",
    f"""INSERT INTO reference_search (reference_id, document)
        SELECT r.id, {_document("r")} FROM "references" r""",
    "CREATE INDEX ix_reference_search_document ON reference_search USING gin (document)",
    f"""CREATE FUNCTION reference_search_added() RETURNS trigger AS $$
    BEGIN
        INSERT INTO reference_search (reference_id, document)
        SELECT a.id, {_document("a")} FROM added a;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER reference_search_ai AFTER INSERT ON "references"
        REFERENCING NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION reference_search_added()""",
    f"""CREATE FUNCTION reference_search_changed() RETURNS trigger AS $$
    BEGIN
        UPDATE reference_search s SET document = {_document("a")}
        FROM after_rows a JOIN before_rows b ON b.id = a.id
        WHERE s.reference_id = a.id AND {_columns("a")} IS DISTINCT FROM {_columns("b")};
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER reference_search_au AFTER UPDATE ON "references"
        REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows
        FOR EACH STATEMENT EXECUTE FUNCTION reference_search_changed()""",
    """CREATE FUNCTION reference_search_removed() RETURNS trigger AS $$
    BEGIN
        DELETE FROM reference_search WHERE reference_id IN (SELECT id FROM removed);
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER reference_search_ad AFTER DELETE ON "references"
        REFERENCING OLD TABLE AS removed
        FOR EACH STATEMENT EXECUTE FUNCTION reference_search_removed()""",
    """CREATE FUNCTION reference_search_emptied() RETURNS trigger AS $$
    BEGIN
        TRUNCATE reference_search;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER reference_search_at AFTER TRUNCATE ON "references"
        FOR EACH STATEMENT EXECUTE FUNCTION reference_search_emptied()""",
    "DROP INDEX IF EXISTS ix_references_search",
    'ALTER TABLE "references" DROP COLUMN IF EXISTS search_vector',
)

_OLD_DOCUMENT = " || ' ' || ".join(
    f"coalesce({c}{'::text' if c == 'year' else ''}, '')" for c in _SEARCHED
)

DOWN = (
    'DROP TRIGGER IF EXISTS reference_search_at ON "references"',
    "DROP FUNCTION IF EXISTS reference_search_emptied()",
    'DROP TRIGGER IF EXISTS reference_search_ad ON "references"',
    "DROP FUNCTION IF EXISTS reference_search_removed()",
    'DROP TRIGGER IF EXISTS reference_search_au ON "references"',
    "DROP FUNCTION IF EXISTS reference_search_changed()",
    'DROP TRIGGER IF EXISTS reference_search_ai ON "references"',
    "DROP FUNCTION IF EXISTS reference_search_added()",
    "DROP TABLE IF EXISTS reference_search",
    f"""ALTER TABLE "references" ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, {_OLD_DOCUMENT})) STORED""",
    'CREATE INDEX ix_references_search ON "references" USING gin (search_vector)',
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
