"""Undo and redo of an abstract's text when another window saved it in between.

An undo of an abstract edit applies the edit backwards (from what it wrote, *base*, to
what was there before, *want*); a redo applies it forwards. When the stored abstract is
still *base*, that is a plain write. When someone
saved since, the step is merged like a stale save: a section (or the title) only the step
changes takes the step's text, one only the other side changed keeps theirs, and one
both changed is left alone and the step is refused with one sentence saying which and
who changed it, so an undo never erases work the user did not see.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from scholar_desk.core.services import abstracts, audit, merge
from scholar_desk.core.services.abstracts import AbstractDetail
from scholar_desk.core.services.session import Actor


def _sections(detail: AbstractDetail) -> list[tuple[str, str]]:
    return [(section.heading, section.body) for section in detail.sections]


def step(
    session: Session,
    actor: Actor,
    abstract_id: int,
    base: AbstractDetail,
    want: AbstractDetail,
    *,
    verb: str,
) -> AbstractDetail:
    """Write ``want``'s title and sections where the stored abstract still has ``base``'s.

    Args:
        session: The unit of work.
        actor: Who undoes or redoes.
        abstract_id: The abstract.
        base: The edit's one side: what it wrote (undo) or what it replaced (redo).
        want: The other side: what the step goes back, or again, to.
        verb: "undo" or "redo", for the message.

    Returns:
        The abstract as saved.

    Raises:
        merge.StepBlockedError: A section or the title both the step and another window
            changed; nothing is written.
        PermissionDeniedError: The actor may no longer change the abstract.
    """
    latest = abstracts.get_abstract_detail(session, actor, abstract_id)
    if latest.version == base.version:
        return abstracts.save_sections(
            session, actor, abstract_id, _sections(want), latest.version, title=want.title
        )
    who = audit.last_changes(session, "abstract", abstract_id)

    def changed_by(name: str) -> tuple[str, dt.datetime | None]:
        return who.get(name, ("", None))

    title = merge.merge_fields(
        {"title": base.title},
        {"title": want.title},
        {"title": latest.title},
        labels={"title": "Title"},
        who=changed_by,
    )
    sections = merge.merge_sections(
        _sections(base), _sections(want), _sections(latest), who=changed_by
    )
    clashes = title.clashes + sections.clashes
    if clashes:
        raise merge.StepBlockedError(verb, "abstract", clashes)
    return abstracts.save_sections(
        session,
        actor,
        abstract_id,
        sections.resolve({}),
        latest.version,
        title=title.resolve({}).get("title", latest.title),
    )
