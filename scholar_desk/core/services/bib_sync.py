"""Following a .bib file: the library kept in step with it, entry by citation key.

Many fellows keep their library in Zotero, whose Better BibTeX add-on rewrites a .bib
file whenever the library changes. A followed file is read again when it changes: keys
new in the file are imported, entries whose fields changed update the reference that
came from the file (the file is the source of truth for the fields it holds), and keys
gone since the last sync delete their reference unless something cites it. Only
references that came from the file are ever changed or removed; a library reference
with the same key that did not come from it is reported as a conflict. A file that
cannot be read whole changes nothing, and one sync is taken back by `undo_sync` as one
step.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from scholar_desk.core import clock
from scholar_desk.core.db.models import FollowedFile, Reference, ReferenceLink
from scholar_desk.core.errors import ImportFileError, NotFoundError
from scholar_desk.core.formats.reference import (
    ParsedReference,
    ParseResult,
    decode_bytes,
    require_entries,
)
from scholar_desk.core.services import permissions
from scholar_desk.core.services.audit_writes import record_event
from scholar_desk.core.services.references.records import (
    REFERENCE_KIND,
    ImportChanges,
    OnDuplicate,
    ReferenceSnapshot,
    _chunks,
    _row,
)
from scholar_desk.core.services.references.snapshots import _snapshot, _versions
from scholar_desk.core.services.session import Actor

_REFERENCES = cast(Table, Reference.__table__)
FOLLOWED_KIND = "followed_file"
"""The kind name of followed files in the audit trail."""

_COMPARED = (
    "entry_type",
    "authors",
    "first_author",
    "title",
    "journal",
    "year",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "url",
    "abstract",
    "keywords",
    "extra_fields",
)
"""The fields a .bib entry holds, compared and written back by a sync."""


@dataclass(frozen=True)
class FollowedInfo:
    """A followed file as the window and the CLI list it.

    Attributes:
        id: Primary key.
        path: The file's absolute path.
        entries: Citation keys that came from it at the last sync.
        synced_at: When it was last synced (``None``: never).
        exists: Whether the file is there now.
    """

    id: int
    path: str
    entries: int
    synced_at: dt.datetime | None
    exists: bool

    def to_json(self) -> dict[str, Any]:
        """The CLI's ``--json`` form."""
        return {
            "id": self.id,
            "path": self.path,
            "entries": self.entries,
            "synced_at": self.synced_at.isoformat() if self.synced_at else None,
            "exists": self.exists,
        }


@dataclass(frozen=True)
class SyncChanges:
    """What one sync wrote, so that `undo_sync` takes exactly that back.

    Attributes:
        followed_id: The followed file.
        digest: Its digest before the sync.
        keys: The keys it held before the sync.
        synced_at: When it was synced before.
        imported: What the import of the added entries wrote.
        updated: The changed references as they were before.
        versions: Each changed reference's version right after the sync.
        deleted: The removed references, as they were.
    """

    followed_id: int
    digest: str
    keys: tuple[str, ...]
    synced_at: dt.datetime | None
    imported: ImportChanges | None = None
    updated: ReferenceSnapshot = field(default_factory=ReferenceSnapshot)
    versions: Mapping[int, int] = field(default_factory=dict)
    deleted: ReferenceSnapshot = field(default_factory=ReferenceSnapshot)


@dataclass
class SyncSummary:
    """What a sync did (or, for a dry run, would do), by citation key.

    Attributes:
        path: The followed file.
        added: Keys new in the file, imported.
        changed: Keys whose fields differed, updated from the file.
        removed: Keys gone from the file, deleted from the library.
        kept_cited: Keys gone from the file but kept because something cites them.
        conflicts: ``(key, why)`` for file entries whose key a reference that did not
            come from the file holds; that reference is left as it is.
        unchanged: Entries that were already as in the file.
        up_to_date: The file had not changed since the last sync; nothing was read.
        dry_run: Nothing was written.
        changes: What to take back (``None`` for a dry run or when nothing changed).
    """

    path: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept_cited: list[str] = field(default_factory=list)
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    unchanged: int = 0
    up_to_date: bool = False
    dry_run: bool = False
    changes: SyncChanges | None = None

    @property
    def changed_anything(self) -> bool:
        """Whether the library changed (or, for a dry run, would change)."""
        return bool(self.added or self.changed or self.removed)

    def summary(self) -> str:
        """One line for people: ``3 added, 1 changed, 1 removed (kept 1 cited)``."""
        name = Path(self.path).name
        if self.up_to_date:
            return f"{name} has not changed since the last sync."
        text = f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed"
        if self.kept_cited:
            text += f" (kept {len(self.kept_cited)} cited)"
        text += f", {self.unchanged} unchanged"
        if self.conflicts:
            text += f"; {len(self.conflicts)} not synced: their key is used by another reference"
        prefix = "Would sync" if self.dry_run else "Synced"
        return f"{prefix} {name}: {text}."

    def to_json(self) -> dict[str, Any]:
        """The CLI's ``--json`` form."""
        return {
            "path": self.path,
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "kept_cited": self.kept_cited,
            "conflicts": [{"key": k, "message": why} for k, why in self.conflicts],
            "unchanged": self.unchanged,
            "up_to_date": self.up_to_date,
            "dry_run": self.dry_run,
        }


def _normal(path: Path | str) -> str:
    return str(Path(path).expanduser().resolve())


def _owned(session: Session, actor: Actor) -> Any:
    owner = actor.person_id
    stmt = select(FollowedFile)
    if owner is None:
        return stmt.where(FollowedFile.owner_id.is_(None))
    return stmt.where(FollowedFile.owner_id == owner)


def _find(session: Session, actor: Actor, target: int | Path | str) -> FollowedFile | None:
    stmt = _owned(session, actor)
    if isinstance(target, int):
        return cast(FollowedFile | None, session.scalar(stmt.where(FollowedFile.id == target)))
    return cast(
        FollowedFile | None, session.scalar(stmt.where(FollowedFile.path == _normal(target)))
    )


def _info(row: FollowedFile) -> FollowedInfo:
    return FollowedInfo(
        row.id, row.path, len(row.keys or []), row.synced_at, Path(row.path).is_file()
    )


def read_followed(path: Path | str) -> tuple[str, ParseResult]:
    """Read a followed .bib file whole: its digest and entries, or one clear error.

    Args:
        path: The file.

    Returns:
        The SHA-256 of its bytes and what it holds.

    Raises:
        ImportFileError: It is missing, a folder, not text, holds no entry, or an
            entry cannot be read (the message names the file and the line).
    """
    file = Path(path)
    if not file.is_file():
        raise ImportFileError(f"{file} does not exist or is not a file. Nothing was changed.")
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"Cannot read {file}: {exc.strerror or exc}.", str(exc)) from exc
    from scholar_desk.core.formats import bibtex  # the parser only when a file is read

    text, encoding, warnings = decode_bytes(data, file.name)
    result = bibtex.parse_text(text, file.name)
    result.encoding = encoding
    result.problems[:0] = warnings
    require_entries(result, file.name)
    broken = result.skipped
    if broken:
        first = broken[0]
        what = first.message.rstrip(". ").removesuffix("; skipped").removesuffix(", skipped")
        more = f" ({len(broken) - 1} more entries cannot be read)" if len(broken) > 1 else ""
        raise ImportFileError(
            f"{file}: line {first.line}: {what}{more}. Nothing was changed.",
            first.raw,
        )
    return hashlib.sha256(data).hexdigest(), result


def follow(session: Session, actor: Actor, path: Path | str) -> FollowedInfo:
    """Follow a .bib file (it must read whole); `sync` then imports its entries.

    Returns:
        The followed file (the existing one when it is followed already).

    Raises:
        PermissionDeniedError: The actor may not add references.
        ImportFileError: The file cannot be read whole; nothing is stored.
    """
    permissions.require(session, actor, permissions.CREATE, permissions.REFERENCE, None)
    read_followed(path)
    row = _find(session, actor, path)
    if row is None:
        row = FollowedFile(owner_id=actor.person_id, path=_normal(path), digest="", keys=[])
        session.add(row)
        session.flush()
        record_event(session, actor, "follow", FOLLOWED_KIND, row.id, "path", None, row.path)
    return _info(row)


def unfollow(session: Session, actor: Actor, target: int | Path | str) -> FollowedInfo:
    """Stop following a file; the references that came from it stay.

    Raises:
        PermissionDeniedError: The actor may not change the library.
        NotFoundError: The actor does not follow that file.
    """
    permissions.require(session, actor, permissions.UPDATE, permissions.REFERENCE, None)
    row = _find(session, actor, target)
    if row is None:
        raise NotFoundError(f"{target} is not followed.")
    info = _info(row)
    record_event(session, actor, "unfollow", FOLLOWED_KIND, row.id, "path", row.path, None)
    session.delete(row)
    session.flush()
    return info


def followed(session: Session, actor: Actor) -> list[FollowedInfo]:
    """The files the actor follows, by path.

    Raises:
        PermissionDeniedError: The actor may not read the library.
    """
    permissions.require(session, actor, permissions.READ, permissions.REFERENCE, None)
    rows = session.scalars(_owned(session, actor).order_by(FollowedFile.path))
    return [_info(row) for row in rows]


def sync(
    session: Session,
    actor: Actor,
    target: int | Path | str,
    *,
    dry_run: bool = False,
    force: bool = False,
) -> SyncSummary:
    """Bring the library in step with a followed file (following it first if need be).

    Args:
        session: The unit of work (a writing one unless ``dry_run``).
        actor: Who syncs.
        target: The followed file's id, or a path (followed now unless ``dry_run``).
        dry_run: Say what would change; write nothing.
        force: Read the file even when its digest says it did not change.

    Returns:
        What changed, by citation key; ``changes`` takes it back with `undo_sync`.

    Raises:
        PermissionDeniedError: The actor may not change the library (for a dry run:
            may not read it).
        ImportFileError: The file cannot be read whole; nothing was changed.
        NotFoundError: ``target`` is an id the actor does not follow.
    """
    if dry_run:
        permissions.require(session, actor, permissions.READ, permissions.REFERENCE, None)
    else:
        for action in (permissions.CREATE, permissions.UPDATE, permissions.DELETE):
            permissions.require(session, actor, action, permissions.REFERENCE, None)
    row = _find(session, actor, target)
    if row is not None:
        path = row.path
    elif isinstance(target, int):
        raise NotFoundError(f"There is no followed file with id {target}.")
    else:
        path = _normal(target)
    digest, result = read_followed(path)
    summary = SyncSummary(path=path, dry_run=dry_run)
    if row is not None and row.digest == digest and not force:
        summary.up_to_date = True
        return summary
    before_keys = list(row.keys or []) if row is not None else []
    plan = _plan(session, result, set(before_keys), summary)
    if dry_run:
        return summary
    if row is None:
        row = FollowedFile(owner_id=actor.person_id, path=path, digest="", keys=[])
        session.add(row)
        session.flush()
        record_event(session, actor, "follow", FOLLOWED_KIND, row.id, "path", None, path)
    previous = (row.digest, tuple(before_keys), row.synced_at)
    imported = _import_added(session, actor, result, plan.added)
    updated = _snapshot(session, list(plan.updates))
    now = clock.now()
    for ref_id, values in plan.updates.items():
        _update(session, actor, ref_id, values, plan.stored[ref_id], now)
    deleted = _snapshot(session, plan.deletes)
    if plan.deletes:
        from scholar_desk.core.services.references.edits import delete_references

        delete_references(session, actor, plan.deletes)
    row.digest = digest
    row.keys = plan.keys
    row.synced_at = now
    session.flush()
    summary.changes = SyncChanges(
        row.id,
        previous[0],
        previous[1],
        previous[2],
        imported,
        updated,
        _versions(session, list(plan.updates)),
        deleted,
    )
    record_event(session, actor, "sync", FOLLOWED_KIND, row.id, "", None, summary.summary())
    return summary


@dataclass
class _Plan:
    added: list[ParsedReference] = field(default_factory=list)
    updates: dict[int, dict[str, Any]] = field(default_factory=dict)
    stored: dict[int, dict[str, Any]] = field(default_factory=dict)
    deletes: list[int] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)


def _plan(session: Session, result: ParseResult, before: set[str], summary: SyncSummary) -> _Plan:
    """Sort the file's entries and the keys it held last time into what to do."""
    plan = _Plan()
    in_file = {ref.citation_key: ref for ref in result.references}
    wanted = sorted(set(in_file) | before)
    stored: dict[str, dict[str, Any]] = {}
    for part in _chunks(wanted, 900):
        stmt = select(
            _REFERENCES.c.id, _REFERENCES.c.citation_key, _REFERENCES.c.version
        ).add_columns(*(_REFERENCES.c[name] for name in _COMPARED))
        for found in session.execute(stmt.where(_REFERENCES.c.citation_key.in_(part))):
            stored[found.citation_key] = dict(found._mapping)
    now = clock.now()
    for key, ref in in_file.items():
        have = stored.get(key)
        if have is None:
            plan.added.append(ref)
            summary.added.append(key)
            plan.keys.append(key)
            continue
        fresh = _row(ref, now)
        values = {name: fresh[name] for name in _COMPARED}
        differs = any(_plain(values[n]) != _plain(have[n]) for n in _COMPARED)
        if key not in before and differs:
            summary.conflicts.append(
                (key, f"the library's '{key}' did not come from this file; left as it is")
            )
            continue
        plan.keys.append(key)  # ours, or the same entry imported before: ours from now
        if differs:
            values["title_key"] = fresh["title_key"]
            plan.updates[int(have["id"])] = values
            plan.stored[int(have["id"])] = have
            summary.changed.append(key)
        else:
            summary.unchanged += 1
    gone = {stored[k]["id"]: k for k in sorted(before - set(in_file)) if k in stored}
    cited: set[int] = set()
    for part in _chunks(list(gone), 900):
        cited.update(
            session.scalars(
                select(ReferenceLink.reference_id).where(ReferenceLink.reference_id.in_(part))
            )
        )
    for ref_id, key in gone.items():
        if ref_id in cited:
            summary.kept_cited.append(key)
            plan.keys.append(key)  # still ours: removed on a later sync once uncited
        else:
            summary.removed.append(key)
            plan.deletes.append(int(ref_id))
    return plan


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items()}
    return value


def _import_added(
    session: Session, actor: Actor, result: ParseResult, added: Sequence[ParsedReference]
) -> ImportChanges | None:
    if not added:
        return None
    from scholar_desk.core.services.references.importing import import_parsed

    part = ParseResult(source=result.source, references=list(added), blocks=list(result.blocks))
    # Every entry lands under its own key: the file, not the duplicate check, decides.
    report = import_parsed(session, actor, [part], on_duplicate=OnDuplicate.KEEP)
    return report.changes


def _update(
    session: Session,
    actor: Actor,
    ref_id: int,
    values: Mapping[str, Any],
    before: Mapping[str, Any],
    now: dt.datetime,
) -> None:
    session.execute(
        update(_REFERENCES)
        .where(_REFERENCES.c.id == ref_id)
        .values(**values, updated_at=now, version=_REFERENCES.c.version + 1)
    )
    for name in _COMPARED:
        old, new = before[name], values[name]
        if _plain(old) != _plain(new):
            if isinstance(new, Mapping) or isinstance(old, Mapping):
                old, new = json.dumps(old, sort_keys=True), json.dumps(new, sort_keys=True)
            record_event(session, actor, "update", REFERENCE_KIND, ref_id, name, old, new)


def undo_sync(session: Session, actor: Actor, changes: SyncChanges) -> int:
    """Take one sync back: remove what it added, revert what it changed, restore deletions.

    The followed file's state goes back too, so the next change of the file syncs
    everything it holds again.

    Returns:
        How many references changed back.

    Raises:
        PermissionDeniedError: The actor may not change the library.
        ValidationError: A reference the sync added or changed was changed since, or
            another reference took a deleted one's key (nothing is undone then).
    """
    from scholar_desk.core.services.references.restore import (
        _insert,
        _overwrite,
        _require_versions,
        undo_import,
    )

    for action in (permissions.CREATE, permissions.UPDATE, permissions.DELETE):
        permissions.require(session, actor, action, permissions.REFERENCE, None)
    _require_versions(session, changes.versions, "sync")
    if changes.imported is not None:
        undo_import(session, actor, changes.imported)
    _overwrite(session, changes.updated)
    ids = _insert(session, changes.deleted)
    for old_id, new_id in ids.items():
        del old_id
        record_event(
            session, actor, "restore", REFERENCE_KIND, new_id, "", None, "sync taken back"
        )
    row = session.get(FollowedFile, changes.followed_id)
    if row is not None:
        row.digest = changes.digest
        row.keys = list(changes.keys)
        row.synced_at = changes.synced_at
    added = len(changes.imported.created) if changes.imported is not None else 0
    total = added + len(changes.updated.rows) + len(ids)
    record_event(
        session,
        actor,
        "undo",
        FOLLOWED_KIND,
        changes.followed_id,
        "",
        None,
        f"sync taken back: {total} references",
    )
    session.expire_all()
    return total
