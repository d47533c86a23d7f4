"""Full-text index over references (SQLite FTS5 with a prefix index, kept by triggers).

Revision ID: 0002
Revises: 0001
Create Date: 2026-01-01 00:00:00

Other backends search with LIKE (see ``core/db/fulltext.py``); nothing to do there.
The statements are copied here, not imported, so this revision never changes after release.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_COLS = "title, authors, journal, year, abstract, keywords, tags_text"
_NEW = ", ".join(f"new.{c.strip()}" for c in _COLS.split(","))
_OLD = ", ".join(f"old.{c.strip()}" for c in _COLS.split(","))
_TAGS_OF = (
    "(SELECT coalesce(group_concat(t.name, ' '), '') FROM reference_tags rt "
    "JOIN tags t ON t.id = rt.tag_id WHERE rt.reference_id = {ref})"
)

UP = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS references_fts USING fts5({_COLS}, "
    "content='references', content_rowid='id', prefix='2', "
    "tokenize='unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER IF NOT EXISTS references_fts_ai AFTER INSERT ON "references" BEGIN
        INSERT INTO references_fts(rowid, {_COLS}) VALUES (new.id, {_NEW});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS references_fts_ad AFTER DELETE ON "references" BEGIN
        INSERT INTO references_fts(references_fts, rowid, {_COLS})
        VALUES ('delete', old.id, {_OLD});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS references_fts_au
        AFTER UPDATE OF {_COLS} ON "references" BEGIN
        INSERT INTO references_fts(references_fts, rowid, {_COLS})
        VALUES ('delete', old.id, {_OLD});
        INSERT INTO references_fts(rowid, {_COLS}) VALUES (new.id, {_NEW});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS reference_tags_fts_ai AFTER INSERT ON reference_tags BEGIN
        UPDATE "references" SET tags_text = {_TAGS_OF.format(ref="new.reference_id")}
        WHERE id = new.reference_id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS reference_tags_fts_ad AFTER DELETE ON reference_tags BEGIN
        UPDATE "references" SET tags_text = {_TAGS_OF.format(ref="old.reference_id")}
        WHERE id = old.reference_id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS tags_fts_au AFTER UPDATE OF name ON tags BEGIN
        UPDATE "references" SET tags_text = {_TAGS_OF.format(ref='"references".id')}
        WHERE id IN (SELECT reference_id FROM reference_tags WHERE tag_id = new.id);
    END""",
    "INSERT INTO references_fts(references_fts) VALUES ('rebuild')",
)

DOWN = (
    "DROP TRIGGER IF EXISTS tags_fts_au",
    "DROP TRIGGER IF EXISTS reference_tags_fts_ad",
    "DROP TRIGGER IF EXISTS reference_tags_fts_ai",
    "DROP TRIGGER IF EXISTS references_fts_au",
    "DROP TRIGGER IF EXISTS references_fts_ad",
    "DROP TRIGGER IF EXISTS references_fts_ai",
    "DROP TABLE IF EXISTS references_fts",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in UP:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in DOWN:
        op.execute(statement)
