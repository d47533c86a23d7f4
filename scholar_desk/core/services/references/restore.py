"""Taking library writes back: deleted references, an import, a merge of duplicates.

Each write that can be undone keeps what it needs (a `ReferenceSnapshot` of the rows as
they were, with their tags and citing links); the functions here put exactly that back,
with the same ids where those are still free, and refuse when someone changed the
records since, so an undo never erases another person's work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from scholar_desk.core.db.models import (
    BibBlock,
    Reference,
    ReferenceLink,
    Tag,
    project_tags,
    reference_tags,
)
from scholar_desk.core.errors import ValidationError
from scholar_desk.core.services import permissions
from scholar_desk.core.services.audit_writes import record_events
from scholar_desk.core.services.items import audit
from scholar_desk.core.services.references.edits import delete_references
from scholar_desk.core.services.references.queries import CITING_MODELS
from scholar_desk.core.services.references.records import (
    REFERENCE_KIND,
    ImportChanges,
    MergeSummary,
    ReferenceSnapshot,
    _add_tags,
    _chunks,
)
from scholar_desk.core.services.references.snapshots import _snapshot
from scholar_desk.core.services.session import Actor

_REFERENCES = cast(Table, Reference.__table__)
_LINKS = cast(Table, ReferenceLink.__table__)


def delete_references_undoably(
    session: Session, actor: Actor, ids: Sequence[int]
) -> ReferenceSnapshot:
    """Delete references like `delete_references`, keeping what `restore_references` needs.

    Returns:
        The deleted references with their tags and citing links.

    Raises:
        PermissionDeniedError: As `delete_references`; nothing is deleted then.
    """
    permissions.require(session, actor, permissions.DELETE, permissions.REFERENCE, None)
    kept = _snapshot(session, ids)
    delete_references(session, actor, ids)
    return kept


def restore_references(
    session: Session, actor: Actor, deleted: ReferenceSnapshot
) -> dict[int, int]:
    """Put deleted references back exactly: fields, id, tags and the links that cited them.

    A link whose citing record is gone since is left out. A reference whose id another
    reference took meanwhile comes back under a new id.

    Returns:
        The id each reference has now, by the id it had.

    Raises:
        PermissionDeniedError: The actor may not add references.
        ValidationError: Another reference took one of their citation keys meanwhile.
    """
    permissions.require(session, actor, permissions.CREATE, permissions.REFERENCE, None)
    ids = _insert(session, deleted)
    record_events(
        session,
        actor,
        "restore",
        REFERENCE_KIND,
        (
            (ids[int(row["id"])], "", None, f"{row['citation_key']}: {row['title']}")
            for row in deleted.rows
        ),
    )
    session.expire_all()
    return ids


def undo_import(session: Session, actor: Actor, changes: ImportChanges) -> int:
    """Take an import back: remove what it added, put back what it merged into.

    Returns:
        How many references were removed.

    Raises:
        PermissionDeniedError: The actor may not delete from the library, or (a fellow)
            another fellow's record cites one of the imported references meanwhile.
        ValidationError: A reference the import added or merged into was changed since
            (nothing is undone then: undoing would erase that change).
    """
    permissions.require(session, actor, permissions.DELETE, permissions.REFERENCE, None)
    permissions.require(session, actor, permissions.UPDATE, permissions.REFERENCE, None)
    expected = dict.fromkeys(changes.created, 1)
    expected.update(changes.versions)
    _require_versions(session, expected, "import")
    removed = delete_references(session, actor, changes.created) if changes.created else 0
    _overwrite(session, changes.before)
    for part in _chunks(list(changes.blocks), 900):
        session.execute(delete(BibBlock).where(BibBlock.id.in_(part)))
    _drop_unused_tags(session, changes.tags)
    audit(
        session,
        actor,
        "undo",
        REFERENCE_KIND,
        None,
        "",
        None,
        f"import taken back: {removed} references removed, "
        f"{len(changes.before.rows)} merged references restored",
    )
    session.expire_all()
    return removed


def undo_merge(session: Session, actor: Actor, summary: MergeSummary) -> int:
    """Take a merge of duplicates back: each kept reference as it was, the others back.

    The references merged away come back with their tags and citing links; the links
    the merge moved onto a kept reference leave it again.

    Returns:
        How many references came back.

    Raises:
        PermissionDeniedError: The actor may not change or add to the library.
        ValidationError: A kept reference was changed since the merge, or another
            reference took a merged-away reference's citation key.
    """
    permissions.require(session, actor, permissions.UPDATE, permissions.REFERENCE, None)
    permissions.require(session, actor, permissions.CREATE, permissions.REFERENCE, None)
    _require_versions(session, summary.versions, "merge")
    kept = set(summary.versions)
    keepers = _part(summary.before, kept)
    others = _part(summary.before, {i for i in summary.before.ids if i not in kept})
    _overwrite(session, keepers)
    ids = _insert(session, others)
    audit(
        session,
        actor,
        "undo",
        REFERENCE_KIND,
        None,
        "",
        None,
        f"merge of {summary.groups} groups taken back; {len(ids)} references restored",
    )
    session.expire_all()
    return len(ids)


# Helpers ------------------------------------------------------------------------------------


def _part(whole: ReferenceSnapshot, ids: set[int]) -> ReferenceSnapshot:
    return ReferenceSnapshot(
        tuple(row for row in whole.rows if int(row["id"]) in ids),
        {ref_id: names for ref_id, names in whole.tags.items() if ref_id in ids},
        tuple(link for link in whole.links if int(link["reference_id"]) in ids),
    )


def _require_versions(session: Session, expected: Mapping[int, int], what: str) -> None:
    """Refuse when a reference is gone or was saved since ``what`` (versions differ)."""
    found: dict[int, tuple[int, str]] = {}
    for part in _chunks(list(expected), 900):
        for ref_id, version, key in session.execute(
            select(Reference.id, Reference.version, Reference.citation_key).where(
                Reference.id.in_(part)
            )
        ):
            found[ref_id] = (version, key)
    missing = [ref_id for ref_id in expected if ref_id not in found]
    changed = [found[i][1] for i, v in expected.items() if i in found and found[i][0] != v]
    if missing or changed:
        shown = ", ".join(changed[:3]) + (
            f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        )
        why = (
            f"{len(missing)} of its references were deleted since"
            if missing
            else f"{shown} changed since"
        )
        raise ValidationError(
            {
                "": f"Cannot undo the {what}: {why}, and undoing would erase that. "
                "Change the references by hand if they should go back."
            }
        )


def _insert(session: Session, kept: ReferenceSnapshot) -> dict[int, int]:
    """Insert references that are not stored; returns their ids now by their ids then."""
    keys = [str(row["citation_key"]) for row in kept.rows]
    for part in _chunks(keys, 900):
        clash = session.scalar(
            select(Reference.citation_key).where(Reference.citation_key.in_(part))
        )
        if clash is not None:
            raise ValidationError(
                {
                    "citation_key": f"'{clash}' is now used by another reference; nothing was put back"
                }
            )
    wanted = [int(row["id"]) for row in kept.rows]
    taken: set[int] = set()
    for part in _chunks(wanted, 900):
        taken.update(session.scalars(select(Reference.id).where(Reference.id.in_(part))))
    ids: dict[int, int] = {}
    for row in kept.rows:
        old_id = int(row["id"])
        values = dict(row)
        if old_id in taken:
            values.pop("id")  # another reference has this id now: a new one
        new_id = session.scalar(insert(_REFERENCES).values(**values).returning(_REFERENCES.c.id))
        ids[old_id] = int(new_id) if new_id is not None else old_id
    tagged = [(ids[ref_id], names) for ref_id, names in kept.tags.items() if ref_id in ids]
    if tagged:
        _add_tags(session, tagged)
    _put_links(session, kept.links, ids)
    return ids


def _overwrite(session: Session, before: ReferenceSnapshot) -> None:
    """Write stored references back to ``before``: fields, tags and links exactly."""
    if not before.rows:
        return
    for row in before.rows:
        values = {k: v for k, v in row.items() if k not in ("id", "version", "created_at")}
        session.execute(
            update(_REFERENCES)
            .where(_REFERENCES.c.id == row["id"])
            .values(**values, version=_REFERENCES.c.version + 1)
        )
    ids = list(before.ids)
    for part in _chunks(ids, 900):
        session.execute(delete(reference_tags).where(reference_tags.c.reference_id.in_(part)))
        session.execute(delete(ReferenceLink).where(ReferenceLink.reference_id.in_(part)))
    tagged = [(ref_id, names) for ref_id, names in before.tags.items()]
    if tagged:
        _add_tags(session, tagged)
    _put_links(session, before.links, {i: i for i in ids})


def _put_links(
    session: Session, links: Iterable[Mapping[str, Any]], ids: Mapping[int, int]
) -> None:
    """Insert citing links (same ids where free) whose citing record still exists."""
    links = list(links)
    if not links:
        return
    alive: dict[str, set[int]] = {}
    for kind, model in CITING_MODELS.items():
        targets = [int(x["target_id"]) for x in links if x["target_kind"] == kind]
        found: set[int] = set()
        for part in _chunks(targets, 900):
            found.update(session.scalars(select(model.id).where(model.id.in_(part))))
        alive[kind] = found
    used = set(
        session.scalars(
            select(ReferenceLink.id).where(ReferenceLink.id.in_([int(x["id"]) for x in links]))
        )
    )
    for link in links:
        if int(link["target_id"]) not in alive.get(str(link["target_kind"]), set()):
            continue
        values = dict(link, reference_id=ids[int(link["reference_id"])])
        if int(link["id"]) in used:
            values.pop("id")
        session.execute(insert(_LINKS).values(**values))


def _drop_unused_tags(session: Session, tag_ids: Sequence[int]) -> None:
    """Remove tags an import created that nothing carries any more."""
    if not tag_ids:
        return
    for part in _chunks(list(tag_ids), 900):
        used = set(
            session.scalars(
                select(reference_tags.c.tag_id).where(reference_tags.c.tag_id.in_(part))
            )
        ) | set(
            session.scalars(select(project_tags.c.tag_id).where(project_tags.c.tag_id.in_(part)))
        )
        gone = [tag_id for tag_id in part if tag_id not in used]
        if gone:
            session.execute(delete(Tag).where(Tag.id.in_(gone)))
