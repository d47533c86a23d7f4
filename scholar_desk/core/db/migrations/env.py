"""Alembic environment: migrates the connection Scholar Desk hands it."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

import scholar_desk.core.db.models  # noqa: F401 - registers every table on Base.metadata
from scholar_desk.core.db.base import Base, UTCDateTime

FTS_TABLE_PREFIX = "references_fts"
SERVER_SEARCH = {
    ("column", "search_vector"),
    ("index", "ix_references_search"),
    ("table", "reference_search"),
}


def _include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    # The full-text indexes (SQLite's FTS5 table; PostgreSQL's tsvector column with its
    # GIN index, later a table of its own) are kept by hand in their own revisions.
    if (type_, name) in SERVER_SEARCH:
        return False
    return not (type_ == "table" and name is not None and name.startswith(FTS_TABLE_PREFIX))


def _render_item(type_: str, obj: Any, autogen_context: Any) -> Any:
    # Revisions store the plain column type, so they never import application code.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=_include_object,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.config.get_main_option("sqlalchemy.url") or "sqlite://"
    with create_engine(url).begin() as conn:
        _run(conn)
