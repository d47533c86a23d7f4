"""Queries for the references table, the detail pane and the command line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from scholar_desk.core.db import fulltext, postgres, sqlite
from scholar_desk.core.db.models import (
    Abstract,
    Manuscript,
    Project,
    Reference,
    ReferenceLink,
)
from scholar_desk.core.errors import PermissionDeniedError
from scholar_desk.core.formats.reference import (
    ParsedReference,
)
from scholar_desk.core.records import Role
from scholar_desk.core.services import permissions
from scholar_desk.core.services.references import table
from scholar_desk.core.services.references.records import (
    LinkInfo,
    ReferenceDetail,
    _chunks,
    _load,
    _tags_by_id,
    _to_parsed,
)
from scholar_desk.core.services.references.table import count_references as count_references
from scholar_desk.core.services.references.table import fetch_rows as fetch_rows
from scholar_desk.core.services.references.table import first_screen as first_screen
from scholar_desk.core.services.references.table import require_read as require_read
from scholar_desk.core.services.session import Actor

CITING_MODELS: dict[str, Any] = {
    "project": Project,
    "manuscript": Manuscript,
    "abstract": Abstract,
}
"""The kinds of record that cite references."""


def _project_readable(session: Session, actor: Actor, project_id: int) -> bool:
    project = session.get(Project, project_id)
    return project is not None and permissions.allowed(
        session, actor, permissions.READ, "project", project.owner_id
    )


def refuse_if_cited_by_others(
    session: Session, actor: Actor, ref_ids: Sequence[int], doing: str
) -> None:
    """A fellow may delete or merge away only references no other fellow's record cites.

    Directors (and the single user) may; their confirmation names the citing records
    (`citing_records`).

    Raises:
        PermissionDeniedError: Saying how many of ``ref_ids`` other fellows cite.
    """
    if actor.single_user:
        return
    now = permissions.current(session, actor)
    if now is not None and now.role == Role.DIRECTOR:
        return
    mine = now.person_id if now is not None else None
    cited = {
        ref_id
        for ref_id, owner in _citing_owners(session, ref_ids)
        if owner is None or owner != mine
    }
    if cited:
        total = len(set(ref_ids))
        raise PermissionDeniedError(
            f"{len(cited)} of the {total} selected references are cited by other fellows' "
            f"work; nothing was {doing}. Only a director may {doing.removesuffix('d')} them."
        )


def _citing_owners(session: Session, ref_ids: Sequence[int]) -> list[tuple[int, int | None]]:
    out: list[tuple[int, int | None]] = []
    for kind, model in CITING_MODELS.items():
        for part in _chunks(list(ref_ids), 900):
            out.extend(
                (ref_id, owner)
                for ref_id, owner in session.execute(
                    select(ReferenceLink.reference_id, model.owner_id)
                    .join(model, model.id == ReferenceLink.target_id)
                    .where(ReferenceLink.target_kind == kind, ReferenceLink.reference_id.in_(part))
                )
            )
    return out


SORT_COLUMNS: dict[str, Any] = {
    sort: getattr(Reference, column) for sort, column in table.SORT_KEYS.items()
}


def _filtered(
    session: Session,
    stmt: Any,
    *,
    search: str | None,
    tag: str | None,
    project_id: int | None,
    ids: Sequence[int] | None = None,
) -> Any:
    if search:
        clause = fulltext.matching_clause(session, search)
        if clause is not None:
            stmt = stmt.where(clause)
    if tag:
        stmt = stmt.where(text(table.TAG_FILTER).bindparams(tag=tag))
    if project_id is not None:
        stmt = stmt.where(
            Reference.id.in_(
                select(ReferenceLink.reference_id).where(
                    ReferenceLink.target_kind == "project", ReferenceLink.target_id == project_id
                )
            )
        )
    if ids is not None:
        stmt = stmt.where(Reference.id.in_(list(ids)))
    return stmt


def reference_ids(
    session: Session,
    actor: Actor,
    *,
    search: str | None = None,
    sort: str = "title",
    descending: bool = False,
    tag: str | None = None,
    project_id: int | None = None,
) -> list[int]:
    """Ids of the references to show, in display order (sorting and filtering in SQL).

    Args:
        session: The unit of work.
        actor: Who reads (a project the actor may not read cites nothing here).
        search: Search-as-you-type text over title, authors, journal, year, abstract,
            keywords and tags.
        sort: A key of `SORT_COLUMNS`.
        descending: Reverse order.
        tag: Only references with this tag.
        project_id: Only references cited by this project.

    Returns:
        The ordered ids.
    """
    require_read(session, actor)
    if project_id is not None and not _project_readable(session, actor, project_id):
        return []
    stmt = _filtered(
        session, select(Reference.id), search=search, tag=tag, project_id=project_id
    ).order_by(*_order_by(sort, descending))
    # Through the connection: plain ints, without the ORM's per-row loading.
    if fulltext.is_postgresql(session):
        whole = not search_words(search or "") and not tag and project_id is None
        return postgres.ids_in_order(session.connection(), stmt, whole=whole)
    return sqlite.ids_in_order(session.connection(), stmt)


def _order_by(sort: str, descending: bool) -> tuple[Any, ...]:
    return (text(table.order_by(sort, descending)),)


def search_words(search: str) -> tuple[str, ...]:
    """The words a search text is searched by (empty: the text matches everything).

    Two texts with the same words find the same references; a text whose words
    `narrows` another's finds a subset of what the other finds.
    """
    return tuple(fulltext.search_terms(search))


def narrows(words: Sequence[str], before: Sequence[str]) -> bool:
    """Whether searching ``words`` finds only references that ``before`` finds too.

    Every word but the last must occur whole and the last one as a prefix, so typing on
    (more letters of the last word, or more words) only narrows the search. A last word
    of digits is left out: where no full-text index exists, a number also matches the
    year exactly, and "20" is not a narrower "2" there.
    """
    if not before or len(words) < len(before) or before[-1].isdigit():
        return False
    *whole, last = before
    return tuple(words[: len(whole)]) == tuple(whole) and words[len(whole)].startswith(last)


def matching_ids(session: Session, actor: Actor, search: str) -> list[int] | None:
    """Ids matching search text, unordered (``None`` when the text has no words).

    The table orders them itself by the positions of the full sorted list it already
    holds, which is faster than ``ORDER BY`` over tens of thousands of matches.
    """
    require_read(session, actor)
    if not fulltext.search_terms(search):
        return None
    return fulltext.matching_ids(session, search)


def dropped_ids(
    session: Session, actor: Actor, search: str, before: str, limit: int
) -> list[int] | None:
    """Ids that matched the search text ``before`` and do not match ``search``.

    For typing on (``search`` `narrows` ``before``): the table drops these from the rows
    it shows instead of reading every match again.

    Returns:
        The ids, or ``None`` when there are more than ``limit`` of them or the database
        cannot tell (then `matching_ids` answers).
    """
    require_read(session, actor)
    return fulltext.dropped_ids(session, search, before, limit)


def list_references(
    session: Session,
    actor: Actor,
    *,
    search: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """JSON-ready rows for ``scholar-desk list references``, model field names, ``id`` first.

    Args:
        session: The unit of work.
        actor: Who asks (every account may read references).
        search: Optional search text.
        limit: At most this many rows.

    Returns:
        One dict per reference, sorted by title.
    """
    require_read(session, actor)
    columns = [c for c in Reference.__table__.columns if c.name not in ("tags_text",)]
    stmt = _filtered(session, select(*columns), search=search, tag=None, project_id=None)
    stmt = stmt.order_by(Reference.title_key, Reference.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = []
    for row in session.execute(stmt).mappings():
        item = {name: row[name] for name in row}
        for name in ("created_at", "updated_at"):
            if isinstance(item.get(name), dt.datetime):
                item[name] = item[name].isoformat()
        rows.append(item)
    if rows:
        tags = _tags_by_id(session, [r["id"] for r in rows])
        for item in rows:
            item["tags"] = tags.get(item["id"], [])
    return rows


def get_reference(session: Session, actor: Actor, ref_id: int) -> ReferenceDetail:
    """Everything about one reference, for the detail pane (citing records the actor reads).

    Raises:
        NotFoundError: It no longer exists.
        PermissionDeniedError: The actor may not read the library.
    """
    require_read(session, actor)
    row, ref = _load(session, ref_id)
    return ReferenceDetail(
        row.id, row.version, ref, tuple(ref.tags), tuple(links_of(session, actor, ref_id))
    )


def links_of(session: Session, actor: Actor, ref_id: int) -> list[LinkInfo]:
    """Projects, manuscripts and abstracts citing a reference that the actor may read."""
    return cited_by(session, actor, [ref_id])


def cited_by(session: Session, actor: Actor, ref_ids: Sequence[int]) -> list[LinkInfo]:
    """The records the actor may read that cite any of ``ref_ids`` (for a confirmation)."""
    require_read(session, actor)
    visible = permissions.visible_owner_ids(session, actor)
    return [
        LinkInfo(kind, target, label)
        for kind, target, label, owner in citing_records(session, ref_ids)
        if visible is None or owner in visible
    ]


def citing_records(
    session: Session, ref_ids: Sequence[int]
) -> list[tuple[str, int, str, int | None]]:
    """``(kind, id, title, owner)`` of every record citing any of ``ref_ids``.

    Not filtered: for the services' own checks, never shown as such.
    """
    out = []
    for part in _chunks(list(ref_ids), 900):
        links = session.execute(
            select(ReferenceLink.target_kind, ReferenceLink.target_id)
            .where(ReferenceLink.reference_id.in_(part))
            .distinct()
            .order_by(ReferenceLink.target_kind, ReferenceLink.target_id)
        ).all()
        for kind, target in links:
            model = CITING_MODELS.get(kind)
            row = session.get(model, target) if model is not None else None
            label = (row.title if row is not None else "") or f"{kind} {target}"
            out.append((kind, target, label, row.owner_id if row is not None else None))
    return out


def records_for(session: Session, ids: Sequence[int]) -> list[ParsedReference]:
    """Full records (with tags) for ids, in the order given, e.g. for citations."""
    found: dict[int, ParsedReference] = {}
    for part in _chunks(list(ids), 900):
        for row in session.scalars(select(Reference).where(Reference.id.in_(part))):
            found[row.id] = _to_parsed(row)
    return [found[i] for i in ids if i in found]
