"""Merging duplicates: into one record at import, and library-wide."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.orm import Session

from scholar_desk.core.db.models import (
    Reference,
    ReferenceLink,
)
from scholar_desk.core.formats.reference import (
    ParsedReference,
    author_key,
    doi_key,
)
from scholar_desk.core.progress import CancelToken, ProgressSink, no_progress
from scholar_desk.core.services import permissions
from scholar_desk.core.services.items import audit
from scholar_desk.core.services.references.queries import refuse_if_cited_by_others
from scholar_desk.core.services.references.records import (
    REFERENCE_KIND,
    MergeSummary,
    _add_tags,
    _load,
    _merge_values,
    _write_back,
)
from scholar_desk.core.services.references.snapshots import _snapshot, _versions
from scholar_desk.core.services.session import Actor


def _merge_into(session: Session, existing_id: int, others: Sequence[ParsedReference]) -> None:
    row, current = _load(session, existing_id)
    changed = False
    for other in others:
        changed |= _merge_values(current, other)
    if changed:
        _write_back(row, current)
        session.flush()
    new_tags = [t for t in current.tags if t not in {x.name for x in row.tags}]
    if new_tags:
        _add_tags(session, [(existing_id, new_tags)])
        session.expire(row)


def _filled(values: Sequence[Any]) -> int:
    return sum(1 for v in values if v not in ("", None))


def merge_exact_duplicates(
    session: Session,
    actor: Actor,
    *,
    progress: ProgressSink = no_progress,
    cancel: CancelToken | None = None,
) -> MergeSummary:
    """Merge every group of exact duplicates into one reference.

    Exact means the same DOI, the same PMID, or the same normalised title with the same
    year and first author (and no conflicting DOI). The keeper of a group is the record
    with the most filled fields, then the oldest (lowest id); the others' empty-in-keeper
    fields, extra fields, tags and citing links move to it, then they are deleted.

    Returns:
        How many groups were merged and references removed.

    Raises:
        PermissionDeniedError: The actor may not change the library, or (a fellow) another
            fellow's record cites a reference that would be merged away.
    """
    permissions.require(session, actor, permissions.UPDATE, permissions.REFERENCE, None)
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    def union(ids: Sequence[int]) -> None:
        root = find(ids[0])
        for other in ids[1:]:
            r = find(other)
            if r != root:
                parent[max(r, root)] = min(r, root)
                root = min(r, root)

    def groups_of(key: Any, where: Any) -> None:
        shared = select(key).where(where).group_by(key).having(func.count() > 1).subquery()
        stmt = (
            select(key, Reference.id).join(shared, key == shared.c[0]).order_by(key, Reference.id)
        )
        groups: dict[Any, list[int]] = defaultdict(list)
        for value, ref_id in session.execute(stmt):
            groups[value].append(ref_id)
        for ids in groups.values():
            union(ids)

    groups_of(Reference.doi, where=Reference.doi != "")
    groups_of(Reference.pmid, where=Reference.pmid != "")
    # Same title key and year: check first author and DOI in Python.
    stmt = (
        select(Reference.title_key, Reference.year)
        .where(Reference.title_key != "")
        .group_by(Reference.title_key, Reference.year)
        .having(func.count() > 1)
    )
    candidates = list(session.execute(stmt))
    for tkey, year in candidates:
        rows = session.execute(
            select(Reference.id, Reference.first_author, Reference.doi).where(
                Reference.title_key == tkey,
                Reference.year == year if year is not None else Reference.year.is_(None),
            )
        ).all()
        by_author: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for ref_id, first, doi in rows:
            by_author[author_key(first)].append((ref_id, doi_key(doi) if doi else ""))
        for same_author in by_author.values():
            dois = {d for _, d in same_author if d}
            if len(same_author) > 1 and len(dois) <= 1:
                union([m for m, _ in same_author])
    groups: dict[int, list[int]] = defaultdict(list)
    for member in list(parent):
        groups[find(member)].append(member)
    groups = {k: sorted(set(v) | {k}) for k, v in groups.items()}
    removed = 0
    kept: list[int] = []
    plans = []
    for members in groups.values():
        loaded = [_load(session, m) for m in members]
        loaded.sort(
            key=lambda pair: (
                -_filled(list(pair[1].main_values().values())) - len(pair[1].extra_fields),
                pair[0].id,
            )
        )
        plans.append(loaded)
    merged_away = [row.id for loaded in plans for row, _ in loaded[1:]]
    refuse_if_cited_by_others(session, actor, merged_away, "merged")
    before = _snapshot(session, [row.id for loaded in plans for row, _ in loaded])
    for number, loaded in enumerate(plans):
        if cancel is not None:
            cancel.check()
        progress(number, len(groups), "Merging duplicates")
        keeper_row, keeper = loaded[0]
        for row, other in loaded[1:]:
            _merge_values(keeper, other)
            _move_links(session, row.id, keeper_row.id)
        others = [row.id for row, _ in loaded[1:]]
        tags = list(keeper.tags)
        session.execute(delete(Reference).where(Reference.id.in_(others)))
        _write_back(keeper_row, keeper)
        session.flush()
        _add_tags(session, [(keeper_row.id, tags)])
        removed += len(others)
        kept.append(keeper_row.id)
    session.expire_all()
    if removed:
        audit(
            session,
            actor,
            "merge",
            REFERENCE_KIND,
            None,
            "",
            None,
            f"{len(groups)} groups of exact duplicates merged; {removed} removed; kept ids "
            + ", ".join(map(str, kept)),
        )
    return MergeSummary(len(groups), removed, tuple(kept), before, _versions(session, kept))


def _move_links(session: Session, from_id: int, to_id: int) -> None:
    links = session.execute(
        select(ReferenceLink.target_kind, ReferenceLink.target_id, ReferenceLink.position).where(
            ReferenceLink.reference_id == from_id
        )
    ).all()
    stmt = select(ReferenceLink.target_kind, ReferenceLink.target_id).where(
        ReferenceLink.reference_id == to_id
    )
    have = {(k, t) for k, t in session.execute(stmt)}
    for kind, target, position in links:
        if (kind, target) not in have:
            session.execute(
                insert(cast(Table, ReferenceLink.__table__)).values(
                    reference_id=to_id, target_kind=kind, target_id=target, position=position
                )
            )
            have.add((kind, target))
