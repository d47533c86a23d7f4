"""Undoable edits: each command runs its own transaction and tells every view what changed.

A command does its first write in `run()`, before it is pushed, so a validation error
reaches the caller and nothing lands on the undo stack::

    command = UpdateCommand(ctx, "project", record, {"title": "New"})
    saved = command.run()          # may raise ValidationError / ConflictError
    ctx.undo.push(command)         # redo() skips the write it already did

Later undo/redo calls come from Qt; a failure there (someone else changed the record
meanwhile, a move the workflow forbids) is shown to the user and the command is
dropped from the stack, so the stack never claims a state the database is not in.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QApplication
from sqlalchemy.orm import Session
from typing_extensions import override

from scholar_desk.core.errors import ConflictError, ScholarDeskError
from scholar_desk.core.records import Record
from scholar_desk.core.services import audit, items, merge, submissions
from scholar_desk.core.services.kinds import get_kind
from scholar_desk.ui.context import AppContext

log = logging.getLogger(__name__)
_ORPHAN_BOXES: list[Any] = []


class RedoCancelledError(ScholarDeskError):
    """The user kept the values saved elsewhere instead of redoing over them."""

    def __init__(self, kind: str, labels: Iterable[str]) -> None:
        super().__init__(
            f"Redo was not made: {', '.join(labels)} of the {kind} changed elsewhere after "
            "your undo, and you chose to keep that. Edit it by hand to change it again."
        )


class UndoBlockedError(ScholarDeskError):
    """Undo met fields someone changed again after this edit; those are left as they are."""

    def __init__(self, kind: str, clashes: Iterable[merge.Clash], partly: bool) -> None:
        parts = []
        for clash in clashes:
            who = clash.changed_by or "someone"
            at = clash.changed_at
            when = f" at {_local(at)}" if at is not None else ""
            parts.append(f"{clash.label} ({who} changed it{when})")
        done = "Undo took back the rest of your edit, but not " if partly else "Cannot undo: "
        super().__init__(
            f"{done}{', '.join(parts)}: it was changed again after your edit, and undoing "
            f"would erase that change. Edit the {kind} by hand if it should change back."
        )


def _local(at: dt.datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone().strftime("%Y-%m-%d %H:%M")


class RecordCommand(QUndoCommand):
    """Shared plumbing: first run outside the stack, error handling, change events."""

    def __init__(
        self, ctx: AppContext, kind_name: str, text: str, kinds: Iterable[str] | None = None
    ) -> None:
        super().__init__(text)
        self.ctx = ctx
        self.kind_name = kind_name
        self.kinds = tuple(kinds) if kinds is not None else (kind_name,)
        self.origin: object | None = None  # the widget that made the first write
        self._ran = False
        self._skip_redo = False

    def run(self) -> Any:
        """Do the first write; raises the service's errors, leaving nothing on the stack."""
        result = self._do()
        self._ran = True
        self._skip_redo = True
        self._changed()
        return result

    def push(self) -> Any:
        """`run()` then push onto the context's undo stack; returns what run() returned."""
        result = self.run()
        self.ctx.undo.push(self)
        return result

    @override
    def redo(self) -> None:
        if self._skip_redo:  # QUndoStack.push() calls redo(); run() already wrote
            self._skip_redo = False
            return
        if not self._ran:
            self.run()  # pushed without run(): do the first write now
            self._skip_redo = False
            return
        self._guarded(self._redo)

    @override
    def undo(self) -> None:
        self._guarded(self._undo)

    def _guarded(self, step: Any) -> None:
        try:
            step()
        except ScholarDeskError as exc:
            log.info("undo/redo of %r failed: %s", self.text(), exc.user_message)
            self.setObsolete(True)
            from scholar_desk.ui.errors import show_error

            box = show_error(QApplication.activeWindow(), exc)
            if box.parent() is None:  # keep it alive until closed
                _ORPHAN_BOXES.append(box)
                box.finished.connect(lambda _result: _ORPHAN_BOXES.remove(box))
        finally:
            self.origin = None  # later undo/redo: every view reloads, the writer too
            self._changed()

    def _changed(self) -> None:
        self.ctx.events.announce(self.kinds, self.origin)

    def _do(self) -> Any:
        raise NotImplementedError

    def _redo(self) -> Any:
        """Make the write again after an undo (default: as the first time)."""
        return self._do()

    def _undo(self) -> None:
        raise NotImplementedError


class CreateCommand(RecordCommand):
    """Create a record; undo deletes it, redo puts it back with the same id."""

    def __init__(self, ctx: AppContext, kind_name: str, values: Mapping[str, Any]) -> None:
        super().__init__(ctx, kind_name, f"New {get_kind(kind_name).name}")
        self.values = dict(values)
        self.record: Record | None = None
        self._snapshot: items.Snapshot | None = None

    @override
    def _do(self) -> Record:
        with self.ctx.library.transaction() as session:
            if self._snapshot is None:
                self.record = items.create_item(
                    session, self.ctx.actor, self.kind_name, self.values
                )
            else:
                self.record = items.restore_item(session, self.ctx.actor, self._snapshot)
        self.setText(f"New {self.kind_name} “{_short(self.record.label)}”")
        return self.record

    @override
    def _undo(self) -> None:
        assert self.record is not None  # undo only ever follows a successful run
        with self.ctx.library.transaction() as session:
            self._snapshot = items.delete_item(
                session, self.ctx.actor, self.kind_name, self.record.id
            )


class UpdateCommand(RecordCommand):
    """Change some fields; undo writes the old values back, checking nobody saved between."""

    def __init__(
        self,
        ctx: AppContext,
        kind_name: str,
        record: Record,
        changes: Mapping[str, Any],
    ) -> None:
        super().__init__(ctx, kind_name, f"Edit {kind_name} “{_short(record.label)}”")
        self.record_id = record.id
        self.changes = dict(changes)
        self.old_values = {name: record.get(name) for name in self.changes}
        self._version = record.version
        self.record: Record | None = None
        # The fields whose values from this edit are in the record now: all of them after
        # the first write; after a merged redo, only those the merge wrote (a field where
        # the user kept the other side's value is not this edit's to undo).
        self._live = set(self.changes)

    @override
    def _do(self) -> Record:
        return self._write(self.changes)

    @override
    def _redo(self) -> Record:
        changes = {name: self.changes[name] for name in self._live}
        try:
            record = self._write(changes)
        except ConflictError:
            return self._redo_over_newer(changes)
        return record

    def _redo_over_newer(self, changes: Mapping[str, Any]) -> Record:
        """Someone saved since the undo: merge the redo as a save would be merged.

        What the other side changed in fields this edit does not touch stays; a field
        this edit changes that they left as the undo wrote it takes the edit again; a
        field both changed is shown in the chooser, and Cancel leaves the record as
        saved elsewhere (the redo is then dropped, and the box says so).
        """
        assert self.record is not None  # redo only ever follows an undo
        from scholar_desk.ui.dialogs.conflict_dialog import ConflictDialog

        undone = {name: self.record.get(name) for name in changes}
        kind = get_kind(self.kind_name)
        labels = {f.name: f.label for f in kind.fields}
        with self.ctx.library.reading() as session:
            latest = items.get_item(session, self.ctx.actor, self.kind_name, self.record_id)
            who = audit.last_changes(session, self.kind_name, self.record_id)
        result = merge.merge_fields(
            undone,
            changes,
            {name: latest.get(name) for name in changes},
            labels=labels,
            who=lambda name: who.get(name, ("", None)),
        )
        choices: Mapping[str, str] = {}
        if result.clashes:
            asked = ConflictDialog.ask(
                QApplication.activeWindow(),
                kind.name,
                result.clashes,
                [labels.get(n, n) for n in result.kept_theirs],
            )
            if asked is None:
                raise RedoCancelledError(kind.name, [c.label for c in result.clashes])
            choices = asked
        values = result.resolve(choices)
        self._version = latest.version
        self.record = latest
        self._live = set(values)
        if not values:
            return latest
        return self._write(values)

    @override
    def _undo(self) -> None:
        old = {name: value for name, value in self.old_values.items() if name in self._live}
        if not old:
            return  # the redo kept the other side's values: nothing of this edit is left
        workflow = get_kind(self.kind_name).workflow
        if "status" in old and workflow is not None and workflow.take_back is not None:
            # A workflow forbids moving back; the kind's workflow takes the move back instead.
            with self.ctx.library.transaction() as session:
                record = items.take_back_move(
                    session,
                    self.ctx.actor,
                    self.kind_name,
                    self.record_id,
                    str(self.changes["status"]),
                    str(old.pop("status")),
                )
            self._version = record.version
            self.record = record
            if not old:
                return
        try:
            self._write(old)
        except ConflictError:
            self._undo_over_newer(old)

    def _undo_over_newer(self, old: Mapping[str, Any]) -> None:
        """Someone saved since: take back only the fields they left as this edit wrote them."""
        assert self.record is not None  # undo only ever follows a successful write
        written = {name: self.record.get(name) for name in old}
        kind = get_kind(self.kind_name)
        labels = {f.name: f.label for f in kind.fields}
        with self.ctx.library.transaction() as session:
            latest = items.get_item(session, self.ctx.actor, self.kind_name, self.record_id)
            who = audit.last_changes(session, self.kind_name, self.record_id)
            result = merge.merge_fields(
                written,
                old,
                {name: latest.get(name) for name in old},
                labels=labels,
                who=lambda name: who.get(name, ("", None)),
            )
            if result.values:
                latest = items.update_item(
                    session,
                    self.ctx.actor,
                    self.kind_name,
                    self.record_id,
                    result.values,
                    expected_version=latest.version,
                )
        self._version = latest.version
        self.record = latest
        if result.clashes:
            raise UndoBlockedError(kind.name, result.clashes, bool(result.values))

    def _write(self, values: Mapping[str, Any]) -> Record:
        with self.ctx.library.transaction() as session:
            record = items.update_item(
                session,
                self.ctx.actor,
                self.kind_name,
                self.record_id,
                values,
                expected_version=self._version,
            )
        self._version = record.version
        self.record = record
        return record


class StatusMoveCommand(RecordCommand):
    """Move a submission along its workflow; undo takes the move back (dates and round too)."""

    def __init__(
        self,
        ctx: AppContext,
        submission_id: int,
        from_status: str,
        to_status: str,
        on: dt.date | None = None,
        note: str = "",
        revision_due_on: dt.date | None = None,
    ) -> None:
        super().__init__(ctx, "submission", f"Move submission to “{to_status}”")
        self.submission_id = submission_id
        self.from_status = from_status
        self.to_status = to_status
        self.on = on
        self.note = note
        self.revision_due_on = revision_due_on

    @override
    def _do(self) -> Record:
        with self.ctx.library.transaction() as session:
            return submissions.change_status(
                session,
                self.ctx.actor,
                self.submission_id,
                self.to_status,
                self.on,
                self.note,
                revision_due_on=self.revision_due_on,
            )

    @override
    def _undo(self) -> None:
        with self.ctx.library.transaction() as session:
            submissions.undo_move(
                session, self.ctx.actor, self.submission_id, self.to_status, self.from_status
            )


class DeleteCommand(RecordCommand):
    """Delete records in one transaction; undo restores them with their ids and links."""

    def __init__(self, ctx: AppContext, kind_name: str, records: Iterable[Record]) -> None:
        self.records = list(records)
        kind = get_kind(kind_name)
        if len(self.records) == 1:
            text = f"Delete {kind.name} “{_short(self.records[0].label)}”"
        else:
            text = f"Delete {len(self.records)} {kind.plural}"
        super().__init__(ctx, kind_name, text)
        self._snapshots: list[items.Snapshot] = []

    @override
    def _do(self) -> list[items.Snapshot]:
        with self.ctx.library.transaction() as session:
            snapshots = [
                items.delete_item(session, self.ctx.actor, self.kind_name, record.id)
                for record in self.records
            ]
        self._snapshots = snapshots
        return snapshots

    @override
    def _undo(self) -> None:
        with self.ctx.library.transaction() as session:
            for snapshot in reversed(self._snapshots):
                items.restore_item(session, self.ctx.actor, snapshot)


class FunctionCommand(RecordCommand):
    """A write given as functions of the session and actor, with its inverse.

    ``do(session, actor)`` makes the write and returns a result; ``undo(session, actor,
    result)`` takes it back; ``redo(session, actor)`` makes it again after an undo
    (default: ``do``). Each runs in a writing
    transaction of its own. `ui.operations.Operation` builds these for undoable writes;
    the record editor's extra sections (mentors and tags, a byline) build them directly.
    """

    def __init__(
        self,
        ctx: AppContext,
        kinds: Iterable[str],
        text: str,
        do: Callable[[Session, Any], Any],
        undo: Callable[[Session, Any, Any], Any],
        redo: Callable[[Session, Any], Any] | None = None,
        origin: object | None = None,
    ) -> None:
        kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
        super().__init__(ctx, kinds[0] if kinds else "", text, kinds)
        self.origin = origin
        self._forward = do
        self._backward = undo
        self._again = redo
        self.result: Any = None
        self._undone = False

    def adopt(self, result: Any) -> None:
        """The first write already ran (a background job): keep its result, announce it.

        Push the command afterwards; as after `run`, the push does not write again.
        """
        self.result = result
        self._ran = True
        self._skip_redo = True
        self._changed()

    @override
    def _do(self) -> Any:
        step = self._again if self._undone and self._again is not None else self._forward
        with self.ctx.library.transaction() as session:
            self.result = step(session, self.ctx.actor)
        self._undone = False
        return self.result

    @override
    def _undo(self) -> None:
        with self.ctx.library.transaction() as session:
            self._backward(session, self.ctx.actor, self.result)
        self._undone = True


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
