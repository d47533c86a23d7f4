"""Editing the library: fields, tags, deletions, regenerated keys."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import String, cast, delete, literal, select, update
from sqlalchemy.orm import Session

from scholar_desk.core.db.models import (
    Reference,
    reference_tags,
)
from scholar_desk.core.errors import (
    ConflictError,
    NotFoundError,
    ValidationError,
)
from scholar_desk.core.formats.reference import (
    clean_doi,
    clean_pmid,
)
from scholar_desk.core.services import permissions
from scholar_desk.core.services.audit_writes import record_events
from scholar_desk.core.services.items import audit
from scholar_desk.core.services.references.keys import _assign_keys, make_key
from scholar_desk.core.services.references.queries import (
    get_reference,
    records_for,
    refuse_if_cited_by_others,
)
from scholar_desk.core.services.references.records import (
    DEFAULT_KEY_PATTERN,
    EDITABLE,
    REFERENCE_KIND,
    FileProblem,
    ReferenceDetail,
    _add_tags,
    _chunks,
    _load,
    _tags_by_id,
    _write_back,
)
from scholar_desk.core.services.session import Actor


def update_reference(
    session: Session, actor: Actor, ref_id: int, version: int, changes: Mapping[str, Any]
) -> ReferenceDetail:
    """Save edited fields of one reference.

    Args:
        session: A writing unit of work.
        actor: Who edits.
        ref_id: The reference.
        version: The version the user's values were read at.
        changes: Field name to new value; ``extra_fields`` replaces the whole dict.

    Returns:
        The saved reference.

    Raises:
        PermissionDeniedError: The actor may not change the library.
        ConflictError: Someone saved it since ``version``.
        ValidationError: A value is not acceptable.
        NotFoundError: It no longer exists.
    """
    permissions.require(session, actor, permissions.UPDATE, permissions.REFERENCE, None)
    row, current = _load(session, ref_id)
    original = replace(current)
    if row.version != version:
        raise ConflictError("reference", ref_id, dict(changes), current.main_values(), row.version)
    errors: dict[str, str] = {}
    for name, value in changes.items():
        if name == "extra_fields":
            if not isinstance(value, Mapping):
                errors[name] = "must be a set of fields"
                continue
            current.extra_fields = {str(k).lower(): str(v) for k, v in value.items()}
        elif name == "year":
            if value in ("", None):
                current.year = None
            else:
                try:
                    current.year = int(str(value).strip())
                except ValueError:
                    errors[name] = "must be a year such as 2024"
        elif name in EDITABLE:
            text = "" if value is None else str(value).strip()
            if name == "doi":
                text = clean_doi(text)
            elif name == "pmid":
                text = clean_pmid(text)
            elif name == "citation_key":
                if not text or re.search(r"[\s,{}]", text):
                    errors[name] = "must be non-empty, without spaces, commas or braces"
                    continue
                clash = session.scalar(
                    select(Reference.id).where(
                        Reference.citation_key == text, Reference.id != ref_id
                    )
                )
                if clash is not None:
                    errors[name] = f"'{text}' is already used by another reference"
                    continue
            setattr(current, name, text)
        else:
            errors[name] = "cannot be edited"
    if errors:
        raise ValidationError(errors)
    if "authors" in changes and "first_author" not in changes:
        from scholar_desk.core.formats.reference import name_parts, split_authors

        names = split_authors(current.authors)
        current.first_author = name_parts(names[0])[0] if names else ""
    _write_back(row, current)
    session.flush()
    for name in changes:
        old, new = getattr(original, name, None), getattr(current, name, None)
        if old != new:
            audit(session, actor, "update", REFERENCE_KIND, ref_id, name, old, new)
    return get_reference(session, actor, ref_id)


def set_tags(session: Session, actor: Actor, ref_id: int, names: Sequence[str]) -> tuple[str, ...]:
    """Replace the tags of one reference.

    Returns:
        The tags now on it, sorted.

    Raises:
        PermissionDeniedError: The actor may not change the library.
        NotFoundError: It no longer exists.
    """
    permissions.require(session, actor, permissions.UPDATE, permissions.REFERENCE, None)
    if session.get(Reference, ref_id) is None:
        raise NotFoundError("That reference no longer exists.", f"reference {ref_id}")
    clean = sorted({n.strip() for n in names if n.strip()})
    before = sorted(_tags_by_id(session, [ref_id]).get(ref_id, []))
    if before != clean:
        audit(
            session,
            actor,
            "update",
            REFERENCE_KIND,
            ref_id,
            "tags",
            ", ".join(before),
            ", ".join(clean),
        )
    session.execute(delete(reference_tags).where(reference_tags.c.reference_id == ref_id))
    if clean:
        _add_tags(session, [(ref_id, clean)])
    session.expire_all()
    return tuple(clean)


def delete_references(session: Session, actor: Actor, ids: Sequence[int]) -> int:
    """Delete references (their tags and citing links go with them).

    Returns:
        How many were deleted.

    Raises:
        PermissionDeniedError: The actor may not delete from the library, or (a fellow)
            another fellow's record cites one of them; nothing is deleted then.
    """
    permissions.require(session, actor, permissions.DELETE, permissions.REFERENCE, None)
    refuse_if_cited_by_others(session, actor, ids, "deleted")
    count = 0
    for part in _chunks(list(ids), 900):
        gone = session.execute(
            select(Reference.id, Reference.citation_key, Reference.title).where(
                Reference.id.in_(part)
            )
        ).all()
        record_events(
            session,
            actor,
            "delete",
            REFERENCE_KIND,
            ((ref_id, "", f"{key}: {title}", None) for ref_id, key, title in gone),
        )
        result = session.execute(delete(Reference).where(Reference.id.in_(part)))
        count += int(getattr(result, "rowcount", 0) or 0)
    session.expire_all()
    return count


def regenerate_keys(
    session: Session, actor: Actor, ids: Sequence[int], pattern: str = DEFAULT_KEY_PATTERN
) -> dict[int, str]:
    """Give references new citation keys from a pattern (unique; a, b, c... on clash).

    Returns:
        New key by id.

    Raises:
        PermissionDeniedError: The actor may not change the library.
    """
    permissions.require(session, actor, permissions.UPDATE, permissions.REFERENCE, None)
    refs = records_for(session, ids)
    id_order = [i for i in ids if i]
    targets = list(zip(id_order, refs, strict=False))
    old_keys = {ref_id: ref.citation_key for ref_id, ref in targets}
    # Free the old keys first so a reference may keep its own key.
    session.execute(
        update(Reference)
        .where(Reference.id.in_(list(id_order)))
        .values(citation_key=literal("__regen_") + cast(Reference.id, String))
    )
    for _ref_id, ref in targets:
        ref.citation_key = make_key(ref, pattern)
    problems: list[FileProblem] = []
    _assign_keys(session, [r for _, r in targets], problems)
    out = {}
    for ref_id, ref in targets:
        session.execute(
            update(Reference)
            .where(Reference.id == ref_id)
            .values(citation_key=ref.citation_key, version=Reference.version + 1)
        )
        out[ref_id] = ref.citation_key
    for ref_id, new_key in out.items():
        if old_keys[ref_id] != new_key:
            audit(
                session,
                actor,
                "update",
                REFERENCE_KIND,
                ref_id,
                "citation_key",
                old_keys[ref_id],
                new_key,
            )
    session.expire_all()
    return out


def restore_keys(session: Session, actor: Actor, keys: Mapping[int, str]) -> dict[int, str]:
    """Give references back the exact keys they had (the undo of `regenerate_keys`).

    Args:
        session: A writing unit of work.
        actor: Who does it.
        keys: Citation key by reference id.

    Returns:
        The keys they had before, by id.

    Raises:
        PermissionDeniedError: The actor may not change the library.
        NotFoundError: A reference no longer exists.
        ValidationError: Another reference took one of the keys meanwhile.
    """
    permissions.require(session, actor, permissions.UPDATE, permissions.REFERENCE, None)
    ids = list(keys)
    rows = {row.id: row for row in session.scalars(select(Reference).where(Reference.id.in_(ids)))}
    missing = [i for i in ids if i not in rows]
    if missing:
        raise NotFoundError(f"There is no reference with id {missing[0]}.")
    taken = session.scalars(
        select(Reference.citation_key).where(
            Reference.citation_key.in_(list(keys.values())), Reference.id.not_in(ids)
        )
    ).first()
    if taken is not None:
        raise ValidationError({"citation_key": f"'{taken}' is now used by another reference"})
    before = {ref_id: rows[ref_id].citation_key for ref_id in ids}
    # Free the keys first so two references may swap theirs.
    session.execute(
        update(Reference)
        .where(Reference.id.in_(ids))
        .values(citation_key=literal("__restore_") + cast(Reference.id, String))
    )
    for ref_id, key in keys.items():
        session.execute(
            update(Reference)
            .where(Reference.id == ref_id)
            .values(citation_key=key, version=Reference.version + 1)
        )
        if before[ref_id] != key:
            audit(
                session,
                actor,
                "update",
                REFERENCE_KIND,
                ref_id,
                "citation_key",
                before[ref_id],
                key,
            )
    session.expire_all()
    return before
