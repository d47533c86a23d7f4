"""Reference lists in a journal's or a meeting's style.

A manuscript's list takes the style of the journal of its current submission, so a
resubmission elsewhere re-formats it; an abstract's list takes its meeting's style (AMA
unless the conference names another); a project's list and a hand-picked list are AMA
unless a style is asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from scholar_desk.core.db import models as m
from scholar_desk.core.errors import NotFoundError, ValidationError
from scholar_desk.core.formats import csl
from scholar_desk.core.services import citations, items, lookup, permissions
from scholar_desk.core.services.reference_style import format_ids, style_for
from scholar_desk.core.services.session import Actor


@dataclass(frozen=True)
class ReferenceList:
    """A formatted reference list and what it was made from.

    Attributes:
        formatted: The entries, in print order, and the style.
        reference_ids: The reference of each entry, in the same order.
        source: What the list belongs to (``manuscript "Title"``, ``3 references``).
        style_reason: Why this style (``the journal of its current submission: PAIN``).
    """

    formatted: csl.Formatted
    reference_ids: tuple[int, ...]
    source: str
    style_reason: str


def reference_list(
    session: Session,
    actor: Actor,
    kind: str | None,
    target_id: int | None,
    reference_ids: Sequence[int] = (),
    *,
    style: str | None = None,
) -> ReferenceList:
    """The reference list of a record (what it cites), or of references picked by id.

    Args:
        session: An open session.
        actor: Who asks.
        kind: ``manuscript``, ``project`` or ``abstract`` (``None`` with reference ids).
        target_id: The record whose citations make the list (``None`` likewise).
        reference_ids: References to list instead of a record's citations.
        style: A style's name; ``None`` takes the record's own (see `style_for`).

    Raises:
        ValidationError: Neither or both of a record and reference ids were given, or a
            reference id does not exist.
        NotFoundError: No such record or style.
        PermissionDeniedError: The actor may not read the record.
    """
    if (kind is None) == (not reference_ids):
        raise ValidationError(
            {"target": "Give a manuscript, project or abstract, or reference ids (not both)."}
        )
    if kind is not None and target_id is not None:
        cited = citations.citations(session, actor, kind, target_id)
        ids = [c.reference_id for c in cited]
        title = items.load(session, kind, target_id, actor).title
        source = f'{kind} "{title}"'
        own_style, reason = style_for(session, kind, target_id)
    else:
        permissions.require(session, actor, permissions.READ, permissions.REFERENCE, None)
        ids = list(dict.fromkeys(int(i) for i in reference_ids))
        found = set(session.scalars(select(m.Reference.id).where(m.Reference.id.in_(ids))))
        missing = [str(i) for i in ids if i not in found]
        if missing:
            raise ValidationError({"reference_ids": f"No reference with id {', '.join(missing)}."})
        source = f"{len(ids)} reference{'s' if len(ids) != 1 else ''}"
        own_style, reason = "", "the default"
    if style:
        chosen, reason = style, "asked for"
    else:
        chosen = own_style or csl.DEFAULT_STYLE
    try:
        formatted, order = format_ids(session, ids, chosen)
    except NotFoundError:
        if style:
            raise
        # A journal that names a style someone has since removed: AMA, and say so.
        formatted, order = format_ids(session, ids, csl.DEFAULT_STYLE)
        warning = f"The style '{chosen}' ({reason}) is not here any more; AMA was used."
        formatted = replace(formatted, warnings=(*formatted.warnings, warning))
    notices = lookup.warnings_for(session, order)
    if notices:
        formatted = replace(
            formatted,
            warnings=(*formatted.warnings, *(f"Cites a flagged reference: {n}" for n in notices)),
        )
    return ReferenceList(formatted, order, source, reason)
