"""PostgreSQL: full-text search, tag search text kept by triggers, audit rights revoked.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 00:00:00

On PostgreSQL (SQLite got the same in 0002 and 0003):
- ``references.search_vector``, a stored generated ``tsvector`` over the same columns as
  SQLite's FTS5 index, with a GIN index (prefix queries ``word:*`` use it);
- triggers that keep ``references.tags_text`` current when tags are added, removed or
  renamed, as SQLite's do;
- UPDATE, DELETE and TRUNCATE on ``audit_events`` revoked from every role but its owner
  (the application's role may only INSERT and SELECT it; 0003's trigger stops the owner).
Nothing happens on SQLite. The statements are written out here, not imported, so this
revision never changes after release.
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_DOCUMENT = " || ' ' || ".join(
    f"coalesce({c}, '')"
    for c in ("title", "authors", "journal", "year::text", "abstract", "keywords", "tags_text")
)

UP = (
    f"""ALTER TABLE "references" ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, {_DOCUMENT})) STORED""",
    'CREATE INDEX ix_references_search ON "references" USING gin (search_vector)',
    """CREATE OR REPLACE FUNCTION reference_tags_text(ref integer) RETURNS text AS $$
        SELECT coalesce(string_agg(t.name, ' ' ORDER BY t.name), '')
        FROM reference_tags rt JOIN tags t ON t.id = rt.tag_id
        WHERE rt.reference_id = ref
    $$ LANGUAGE sql STABLE""",
    """CREATE OR REPLACE FUNCTION reference_tags_changed() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            UPDATE "references" SET tags_text = reference_tags_text(OLD.reference_id)
            WHERE id = OLD.reference_id;
            RETURN OLD;
        END IF;
        UPDATE "references" SET tags_text = reference_tags_text(NEW.reference_id)
        WHERE id = NEW.reference_id;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER reference_tags_fts_ai AFTER INSERT ON reference_tags
        FOR EACH ROW EXECUTE FUNCTION reference_tags_changed()""",
    """CREATE TRIGGER reference_tags_fts_ad AFTER DELETE ON reference_tags
        FOR EACH ROW EXECUTE FUNCTION reference_tags_changed()""",
    """CREATE OR REPLACE FUNCTION tag_renamed() RETURNS trigger AS $$
    BEGIN
        UPDATE "references" SET tags_text = reference_tags_text(id)
        WHERE id IN (SELECT reference_id FROM reference_tags WHERE tag_id = NEW.id);
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER tags_fts_au AFTER UPDATE OF name ON tags
        FOR EACH ROW EXECUTE FUNCTION tag_renamed()""",
    'UPDATE "references" SET tags_text = reference_tags_text(id)',
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM PUBLIC",
    """DO $$
    DECLARE grantee_name text;
    BEGIN
        FOR grantee_name IN
            SELECT DISTINCT grantee FROM information_schema.role_table_grants
            WHERE table_name = 'audit_events'
              AND privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
              AND grantee NOT IN (current_user, 'PUBLIC')
        LOOP
            EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM %I',
                           grantee_name);
        END LOOP;
    END
    $$""",
)

DOWN = (
    "DROP TRIGGER IF EXISTS tags_fts_au ON tags",
    "DROP FUNCTION IF EXISTS tag_renamed()",
    "DROP TRIGGER IF EXISTS reference_tags_fts_ad ON reference_tags",
    "DROP TRIGGER IF EXISTS reference_tags_fts_ai ON reference_tags",
    "DROP FUNCTION IF EXISTS reference_tags_changed()",
    "DROP FUNCTION IF EXISTS reference_tags_text(integer)",
    "DROP INDEX IF EXISTS ix_references_search",
    'ALTER TABLE "references" DROP COLUMN IF EXISTS search_vector',
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
