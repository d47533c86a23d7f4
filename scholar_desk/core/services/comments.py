"""Review comments on any item: mentors write them, the fellow sees and resolves them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from scholar_desk.core import clock
from scholar_desk.core.db import models as m
from scholar_desk.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from scholar_desk.core.services import items, permissions
from scholar_desk.core.services.items import audit
from scholar_desk.core.services.kinds import KINDS, Kind, person_name
from scholar_desk.core.services.session import Actor

MAX_BODY = 10_000


@dataclass(frozen=True)
class CommentInfo:
    """A comment as the window and the CLI show it.

    Attributes:
        id: Comment id.
        target_kind: The kind of item commented on.
        target_id: That item's id.
        target_label: The item's short name.
        owner_id: The fellow who owns the item (``None`` for shared catalogs).
        author: Who wrote it.
        body: The text.
        created_at: When it was written.
        resolved: Whether it is done with.
        resolved_at: When it was resolved.
        seen_by_owner: Whether the owning fellow has seen it.
    """

    id: int
    target_kind: str
    target_id: int
    target_label: str
    owner_id: int | None
    author: str
    body: str
    created_at: dt.datetime
    resolved: bool
    resolved_at: dt.datetime | None
    seen_by_owner: bool

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict with the model's field names."""
        return {
            "id": self.id,
            "target_kind": self.target_kind,
            "target_id": self.target_id,
            "target_label": self.target_label,
            "owner_id": self.owner_id,
            "author_name": self.author,
            "body": self.body,
            "created_at": self.created_at.isoformat(),
            "resolved": self.resolved,
            "resolved_at": self.resolved_at.isoformat() if self.resolved_at else None,
            "seen_by_owner": self.seen_by_owner,
        }


def _kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValidationError(
            {"kind": f"Comments go on: {', '.join(sorted(KINDS))}; not '{name}'."}
        ) from None


def _target(session: Session, actor: Actor, kind: Kind, item_id: int) -> tuple[int | None, str]:
    obj: Any = items.load(session, kind.name, item_id, actor)
    owner = obj.owner_id if kind.owned else None
    return owner, items.label_for(session, actor, kind.name, obj)


def add_comment(
    session: Session, actor: Actor, kind_name: str, item_id: int, body: str
) -> CommentInfo:
    """Leave a comment on an item.

    Args:
        session: The unit of work.
        actor: The author: a mentor of the item's fellow, a director, or the fellow.
        kind_name: The item's kind (``project``, ``manuscript``...).
        item_id: The item.
        body: The comment text.

    Raises:
        ValidationError: Empty or too long text, or an unknown kind.
        NotFoundError: No such item.
        PermissionDeniedError: The actor may not comment on it.
    """
    kind = _kind(kind_name)
    owner, label = _target(session, actor, kind, item_id)
    permissions.require(session, actor, permissions.COMMENT, kind.name, owner)
    text = body.strip()
    if not text:
        raise ValidationError({"body": "Write something to comment."})
    if len(text) > MAX_BODY:
        raise ValidationError({"body": f"Keep a comment under {MAX_BODY} characters."})
    own = owner is not None and owner == actor.person_id
    row = m.Comment(
        target_kind=kind.name,
        target_id=item_id,
        author_account_id=actor.account_id,
        author_name=actor.username,
        body=text,
        created_at=clock.now(),
        resolved=False,
        seen_by_owner=own,
    )
    session.add(row)
    session.flush()
    audit(session, actor, "create", "comment", row.id, "", None, text)
    return _info(row, owner, label)


def withdraw_comment(session: Session, actor: Actor, comment_id: int) -> CommentInfo:
    """Take back a comment its author just left (the undo of `add_comment`).

    Only the author may, and only while the comment is open; the audit trail keeps
    both the comment and its withdrawal.

    Returns:
        The comment as it was.

    Raises:
        NotFoundError: No such comment, or one the actor may not read.
        PermissionDeniedError: The actor did not write it, or may no longer comment.
        ValidationError: It was resolved meanwhile.
    """
    row = session.get(m.Comment, comment_id)
    kind = KINDS.get(row.target_kind) if row is not None else None
    if row is None or kind is None:
        raise NotFoundError(f"There is no comment with id {comment_id}.")
    owner, label = _target(session, actor, kind, row.target_id)
    permissions.require(session, actor, permissions.COMMENT, kind.name, owner)
    if not actor.single_user and row.author_account_id != actor.account_id:
        raise PermissionDeniedError("Only its author can take a comment back.")
    if row.resolved:
        raise ValidationError({"": "The comment was resolved meanwhile, so it stays."})
    gone = _info(row, owner, label)
    audit(session, actor, "delete", "comment", row.id, "", row.body, None)
    session.delete(row)
    session.flush()
    return gone


def list_comments(
    session: Session,
    actor: Actor,
    kind_name: str | None = None,
    item_id: int | None = None,
    *,
    unresolved_only: bool = False,
) -> list[CommentInfo]:
    """Comments the actor may read (on items they may read), oldest first.

    Args:
        session: The unit of work.
        actor: Who asks.
        kind_name: Only comments on this kind.
        item_id: Only comments on this item (with ``kind_name``).
        unresolved_only: Leave resolved comments out.

    Raises:
        ValidationError: An unknown kind.
    """
    query = select(m.Comment)
    if kind_name is not None:
        query = query.where(m.Comment.target_kind == _kind(kind_name).name)
        if item_id is not None:
            query = query.where(m.Comment.target_id == item_id)
    if unresolved_only:
        query = query.where(m.Comment.resolved.is_(False))
    rows = list(session.scalars(query.order_by(m.Comment.created_at, m.Comment.id)))
    return _visible(session, actor, rows)


def unseen_comments(session: Session, actor: Actor) -> list[CommentInfo]:
    """New comments on the actor's own items that they have not seen yet."""
    if actor.person_id is None:
        return []
    rows = session.scalars(
        select(m.Comment)
        .where(m.Comment.seen_by_owner.is_(False))
        .order_by(m.Comment.created_at, m.Comment.id)
    )
    return [c for c in _visible(session, actor, rows) if c.owner_id == actor.person_id]


def mark_seen(session: Session, actor: Actor, comment_ids: Iterable[int] | None = None) -> int:
    """Mark comments on the actor's own items as seen (all unseen ones by default).

    Returns:
        How many were marked.
    """
    wanted = set(comment_ids) if comment_ids is not None else None
    count = 0
    for info in unseen_comments(session, actor):
        if wanted is None or info.id in wanted:
            row = session.get_one(m.Comment, info.id)
            row.seen_by_owner = True
            count += 1
            audit(session, actor, "update", "comment", row.id, "seen_by_owner", False, True)
    session.flush()
    return count


def resolve_comment(
    session: Session, actor: Actor, comment_id: int, *, resolved: bool = True
) -> CommentInfo:
    """Mark a comment resolved (or open again).

    Raises:
        NotFoundError: No such comment, or one the actor may not read.
        PermissionDeniedError: The actor may not resolve it.
    """
    row = session.get(m.Comment, comment_id)
    kind = KINDS.get(row.target_kind) if row is not None else None
    if row is None or kind is None:
        raise NotFoundError(f"There is no comment with id {comment_id}.")
    try:
        owner, label = _target(session, actor, kind, row.target_id)
    except NotFoundError:
        owner, label = None, f"deleted {kind.name} #{row.target_id}"
    if not permissions.allowed(session, actor, permissions.READ, kind.name, owner):
        raise NotFoundError(f"There is no comment with id {comment_id}.")
    permissions.require(session, actor, permissions.RESOLVE, kind.name, owner)
    if row.resolved != resolved:
        row.resolved = resolved
        row.resolved_at = clock.now() if resolved else None
        if owner is not None and owner == actor.person_id:
            row.seen_by_owner = True
        session.flush()
        audit(session, actor, "update", "comment", row.id, "resolved", not resolved, resolved)
    return _info(row, owner, label)


def unresolved_counts(session: Session, actor: Actor) -> dict[int, int]:
    """Open comments per owning fellow, among those the actor may read."""
    out: dict[int, int] = {}
    for info in list_comments(session, actor, unresolved_only=True):
        if info.owner_id is not None:
            out[info.owner_id] = out.get(info.owner_id, 0) + 1
    return out


def _visible(session: Session, actor: Actor, rows: Iterable[m.Comment]) -> list[CommentInfo]:
    rows = list(rows)
    targets: dict[tuple[str, int], tuple[int | None, str] | None] = {}
    wanted: dict[str, set[int]] = {}
    for row in rows:
        wanted.setdefault(row.target_kind, set()).add(row.target_id)
    for kind_name, ids in wanted.items():
        kind = KINDS.get(kind_name)
        if kind is None:
            continue
        model: Any = kind.model
        for obj in session.scalars(select(model).where(model.id.in_(ids))):
            owner = obj.owner_id if kind.owned else None
            targets[(kind_name, obj.id)] = (owner, items.label_for(session, actor, kind_name, obj))
    out = []
    for row in rows:
        target = targets.get((row.target_kind, row.target_id))
        if target is None:
            # The item was deleted: only those who see everything keep its comments.
            if permissions.visible_owner_ids(session, actor) is None:
                out.append(_info(row, None, f"deleted {row.target_kind} #{row.target_id}"))
            continue
        owner, label = target
        if permissions.allowed(session, actor, permissions.READ, row.target_kind, owner):
            out.append(_info(row, owner, label))
    return out


def _author_name(row: m.Comment) -> str:
    """The author's own name where the account has a person, else the name stored."""
    session = object_session(row)
    if session is None or row.author_account_id is None:
        return row.author_name
    account = session.get(m.Account, row.author_account_id)
    if account is None or account.person is None:
        return row.author_name
    return person_name(account.person) or row.author_name


def _info(row: m.Comment, owner: int | None, label: str) -> CommentInfo:
    return CommentInfo(
        id=row.id,
        target_kind=row.target_kind,
        target_id=row.target_id,
        target_label=label,
        owner_id=owner,
        author=_author_name(row),
        body=row.body,
        created_at=row.created_at,
        resolved=row.resolved,
        resolved_at=row.resolved_at,
        seen_by_owner=row.seen_by_owner,
    )
