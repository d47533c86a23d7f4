"""Full-text search over references: SQLite FTS5 or PostgreSQL tsvector, LIKE elsewhere.

This is the only module that knows how references are searched. On SQLite the index is
an external-content FTS5 table over ``references`` kept current by triggers (revision
0002); on PostgreSQL the narrow table ``reference_search`` (id and ``tsvector``, GIN
index) kept current by triggers (revision 0014). Either way rows inserted in bulk, edited through the ORM or deleted by a cascade
are indexed alike, and the last word typed matches as a prefix. Tag names reach both
through ``references.tags_text``, which triggers on ``reference_tags`` and ``tags`` keep
up to date on both engines.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import cast

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    column,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from scholar_desk.core.db import postgres
from scholar_desk.core.db.models import Reference

FTS_TABLE = "references_fts"
COLUMNS = ("title", "authors", "journal", "year", "abstract", "keywords", "tags_text")

_TAGS_OF = (
    "(SELECT coalesce(group_concat(t.name, ' '), '') FROM reference_tags rt "
    "JOIN tags t ON t.id = rt.tag_id WHERE rt.reference_id = {ref})"
)
_COLS = ", ".join(COLUMNS)
_NEW = ", ".join(f"new.{c}" for c in COLUMNS)
_OLD = ", ".join(f"old.{c}" for c in COLUMNS)

CREATE_STATEMENTS: tuple[str, ...] = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({_COLS}, "
    "content='references', content_rowid='id', prefix='2', "
    "tokenize='unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER IF NOT EXISTS references_fts_ai AFTER INSERT ON "references" BEGIN
        INSERT INTO {FTS_TABLE}(rowid, {_COLS}) VALUES (new.id, {_NEW});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS references_fts_ad AFTER DELETE ON "references" BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLS}) VALUES ('delete', old.id, {_OLD});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS references_fts_au
        AFTER UPDATE OF {_COLS} ON "references" BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLS}) VALUES ('delete', old.id, {_OLD});
        INSERT INTO {FTS_TABLE}(rowid, {_COLS}) VALUES (new.id, {_NEW});
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
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
)

DROP_STATEMENTS: tuple[str, ...] = (
    "DROP TRIGGER IF EXISTS tags_fts_au",
    "DROP TRIGGER IF EXISTS reference_tags_fts_ad",
    "DROP TRIGGER IF EXISTS reference_tags_fts_ai",
    "DROP TRIGGER IF EXISTS references_fts_au",
    "DROP TRIGGER IF EXISTS references_fts_ad",
    "DROP TRIGGER IF EXISTS references_fts_ai",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)

_TOKEN = re.compile(r"\w+", re.UNICODE)


def search_terms(query: str) -> list[str]:
    """The words of a search box's text, as the index splits them.

    Args:
        query: What the user typed.

    Returns:
        Words in order (a trailing one-letter word is left out); empty when there is
        nothing to search for.
    """
    terms = _TOKEN.findall(query)
    # A one-letter prefix matches nearly everything and is slow: wait for the next letter.
    if terms and len(terms[-1]) < 2 and not terms[-1].isdigit():
        terms.pop()
    return terms


def fts_query(terms: Sequence[str]) -> str:
    """An FTS5 MATCH expression: every word must occur, the last one as a prefix.

    Args:
        terms: Words from `search_terms`.

    Returns:
        The MATCH text (each word quoted, so FTS5 syntax in user input is inert).
    """
    parts = [f'"{t}"' for t in terms[:-1]]
    parts.append(f'"{terms[-1]}"*')
    return " ".join(parts)


def is_sqlite(session: Session) -> bool:
    """Whether the session's database is SQLite (and so has the FTS5 index)."""
    return session.get_bind().dialect.name == "sqlite"


def is_postgresql(session: Session) -> bool:
    """Whether the session's database is PostgreSQL (and so has the tsvector column)."""
    return session.get_bind().dialect.name == "postgresql"


def tsquery(terms: Sequence[str]) -> str:
    """A PostgreSQL ``to_tsquery`` text: every word must occur, the last one as a prefix.

    Args:
        terms: Words from `search_terms` (letters, digits and ``_`` only).

    Returns:
        The query text (each word quoted, so tsquery syntax in user input is inert).
    """
    quoted = [f"'{t.lower()}'" for t in terms]
    quoted[-1] += ":*"
    return " & ".join(quoted)


PG_TABLE = "reference_search"
_PG_DOCUMENT = "strip(to_tsvector('simple'::regconfig, {}))".format(
    " || ' ' || ".join(f"coalesce({c}{'::text' if c == 'year' else ''}, '')" for c in COLUMNS)
)
"""What revision 0014's triggers store for a reference (the same columns as FTS5's)."""
_PG_MATCHING = (
    f"SELECT reference_id FROM {PG_TABLE} WHERE document @@ to_tsquery('simple', %(ts_q)s)"
)


def matching_clause(session: Session, query: str) -> ColumnElement[bool] | None:
    """A WHERE clause on ``Reference`` for references that match the search text.

    Args:
        session: The unit of work (its dialect picks FTS5 or LIKE).
        query: What the user typed.

    Returns:
        The clause, or ``None`` when the text has no words (match everything).
    """
    terms = search_terms(query)
    if not terms:
        return None
    if is_sqlite(session):
        sub = (
            text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts_q")
            .bindparams(fts_q=fts_query(terms))
            .columns(column("rowid", Integer))
        )
        return Reference.id.in_(sub.scalar_subquery())
    if is_postgresql(session):
        sub = (
            text(
                f"SELECT reference_id FROM {PG_TABLE} "
                "WHERE document @@ to_tsquery('simple', :ts_q)"
            )
            .bindparams(ts_q=tsquery(terms))
            .columns(column("reference_id", Integer))
        )
        return Reference.id.in_(sub.scalar_subquery())
    return _like_clause(terms)


def _like_clause(terms: Sequence[str]) -> ColumnElement[bool]:
    columns = (
        Reference.title,
        Reference.authors,
        Reference.journal,
        Reference.abstract,
        Reference.keywords,
        Reference.tags_text,
    )
    per_term = []
    for term in terms:
        pattern = f"%{term.lower()}%"
        alternatives: list[ColumnElement[bool]] = [col.ilike(pattern) for col in columns]
        if term.isdigit():
            alternatives.append(Reference.year == int(term))
        per_term.append(or_(*alternatives))
    return and_(*per_term)


def matching_ids(session: Session, query: str) -> list[int]:
    """Ids of references matching the search text, unordered.

    Args:
        session: The unit of work.
        query: What the user typed.

    Returns:
        The ids.
    """
    terms = search_terms(query)
    if terms and is_sqlite(session):
        # One JSON text instead of a row per match: a common prefix matches most of a
        # 100,000-reference library, and turning 80,000 result rows into Python objects
        # took 33 ms, while SQLite joins them in 5 ms and json.loads reads them in 4 ms.
        sql = text(
            f"SELECT '[' || group_concat(rowid) || ']' FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH :fts_q"
        )
        joined = session.execute(sql, {"fts_q": fts_query(terms)}).scalar()
        return cast(list[int], json.loads(joined)) if joined else []
    if terms and is_postgresql(session):
        # One array instead of a row per match, for the same reason as above, read in
        # binary (postgres.int_array). The narrow table and its GIN index only: the wide
        # rows of ``references`` are not read.
        found = f"SELECT array_agg(reference_id) FROM ({_PG_MATCHING}) AS found"
        return postgres.int_array(session.connection(), found, {"ts_q": tsquery(terms)})
    clause = matching_clause(session, query)
    stmt = select(Reference.id)
    if clause is not None:
        stmt = stmt.where(clause)
    return list(session.scalars(stmt))


def dropped_ids(session: Session, query: str, before: str, limit: int) -> list[int] | None:
    """Ids that match ``before`` but not ``query``, where ``query`` narrows ``before``.

    Typing a letter more mostly leaves the matches as they were, or drops a few: asking
    the index for those few (``before NOT query``) costs one search, while reading all of
    tens of thousands of matches again costs that search and twice as much to read them.

    Args:
        session: The unit of work.
        query: What the user typed now.
        before: What the user had typed (every reference ``query`` matches matches it).
        limit: Give up past this many.

    Returns:
        The ids, or ``None`` when there are more than ``limit`` of them or this database
        has no index that answers the question (then search ``query`` itself).
    """
    terms, old = search_terms(query), search_terms(before)
    if not (terms and old):
        return None
    if is_postgresql(session):
        # The GIN index answers ``before & !query`` from its posting lists; only the rows
        # that go are read from the table (a full search reads every match's row).
        if len(terms) == len(old) and terms[:-1] == old[:-1]:
            # One more letter of the last word: (w & a*) & !(w & ab*) is w & a* & !ab*,
            # which reads the posting lists of the other words w once instead of twice.
            gone = f"{tsquery(old)} & !{tsquery(terms[-1:])}"
        else:
            gone = f"({tsquery(old)}) & !({tsquery(terms)})"
        found = postgres.int_array(
            session.connection(),
            f"SELECT array_agg(reference_id) FROM ({_PG_MATCHING} LIMIT %(limit)s) AS gone",
            {"ts_q": gone, "limit": limit + 1},
        )
        return None if len(found) > limit else found
    if not is_sqlite(session):
        return None
    sql = text(
        f"SELECT '[' || group_concat(rowid) || ']', count(*) FROM (SELECT rowid FROM "
        f"{FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts_q LIMIT :limit)"
    )
    match = f"({fts_query(old)}) NOT ({fts_query(terms)})"
    joined, count = session.execute(sql, {"fts_q": match, "limit": limit + 1}).one()
    if count > limit:
        return None
    return cast(list[int], json.loads(joined)) if joined else []


def rebuild(session: Session) -> None:
    """Rebuild the index from the table (after a restore, or to repair it)."""
    if is_sqlite(session):
        session.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"))
    elif is_postgresql(session):
        # Indexed again from the table, as revision 0014 filled it.
        session.execute(text(f"DELETE FROM {PG_TABLE}"))
        session.execute(
            text(
                f"INSERT INTO {PG_TABLE} (reference_id, document) "
                f'SELECT id, {_PG_DOCUMENT} FROM "references"'
            )
        )


def optimize(session: Session) -> None:
    """Merge the index's segments (after a large import; keeps searches fast)."""
    if is_sqlite(session):
        session.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')"))
