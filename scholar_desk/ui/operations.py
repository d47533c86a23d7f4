"""One operation object for every write and every long job of the window.

After Anki's ``CollectionOp``/``QueryOp``: an `Operation` is built from the app context,
a parent widget and a function of the session and the actor. It runs the function in
one transaction (or a reading unit, or none), on the GUI thread or in the background
with progress and Cancel; shows errors through `show_error` unless the caller handles
that kind of error; announces which kinds changed on the one bus the pages listen to
(`DataEvents.changed`); and pushes an undo entry onto the window's undo stack when the
write can be undone::

    Operation(ctx, self, lambda s, a: abstracts.set_abstract_authors(s, a, id, new),
              changes=("abstract",),
              undo=lambda s, a, _result: abstracts.set_abstract_authors(s, a, id, old),
              text="Change authors").run()

Pages never open a writing transaction, wire a `Job`, catch `ScholarDeskError` for a
write or emit ``changed`` themselves: a test reads ``ui/`` and fails when one does.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from scholar_desk.core.errors import ScholarDeskError
from scholar_desk.core.progress import CancelToken, ProgressSink, no_progress
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.errors import show_error
from scholar_desk.ui.workers import Job

if TYPE_CHECKING:
    # Loaded with the first write: the commands bring the ORM services, which a window
    # reopening on a page read in plain SQL paints without.
    from scholar_desk.ui.commands import RecordCommand

log = logging.getLogger(__name__)

T = TypeVar("T")
E = TypeVar("E", bound=BaseException)
U = TypeVar("U")

NOT_UNDOABLE = "This cannot be undone."
"""Said in the confirmation of a write that leaves no undo entry."""


class Unit(enum.Enum):
    """What the function is given: a writing transaction, a reading unit, or no session."""

    WRITE = "write"
    READ = "read"
    NONE = "none"
    QUICK = "quick"
    """A read that also takes a `PlainReader` (``Session | PlainReader``): before the
    library has opened at start-up it reads the file in plain SQL (`AppContext.quick_reading`)."""


class Operation(Generic[T]):
    """A write or a long job: transaction, errors, change announcement, undo, progress."""

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None,
        op: Callable[..., T],
        *,
        changes: Iterable[str] = (),
        unit: Unit = Unit.WRITE,
        undo: Callable[[Any, Any, T], Any] | None = None,
        redo: Callable[..., T] | None = None,
        text: str = "",
    ) -> None:
        """Describe the operation; nothing runs before `run` or `run_in_background`.

        Args:
            ctx: The window's context (library, actor, pool, undo stack, events).
            parent: Owns error boxes and progress; its own change handlers see it as the
                origin (``ctx.events.origin``) while the change is announced.
            op: ``op(session, actor)``; in the background
                ``op(session, actor, progress, cancel)``; ``session`` is ``None`` with
                `Unit.NONE`.
            changes: Kind names that the operation changes ("" for everything).
            unit: The unit of work ``op`` runs in.
            undo: ``undo(session, actor, result)`` takes the write back; with it the
                operation pushes an entry called ``text`` onto the undo stack (on the
                GUI thread ``op`` then runs in a writing transaction whatever ``unit``
                says; in the background, once the job succeeded).
            redo: ``redo(session, actor)`` after an undo (default: ``op`` again, in
                the background without progress).
            text: The undo entry's text ("Change authors").
        """
        self.ctx = ctx
        self.parent = parent
        self.op = op
        self.changes = tuple(changes)
        self.unit = unit
        self.undo_fn = undo
        self.redo_fn = redo
        self.text = text
        self.error: BaseException | None = None
        self.result: T | None = None
        self.job: Job | None = None
        self._handlers: list[tuple[type[BaseException], Callable[[Any], Any]]] = []
        self._on_success: Callable[[T], Any] | None = None
        self._on_progress: Callable[[int, int, str], Any] | None = None
        self._on_cancelled: Callable[[], Any] | None = None
        self._on_finished: Callable[[], Any] | None = None
        self._progress_label: str | None = None
        self._dialog: QProgressDialog | None = None

    # Building --------------------------------------------------------------------------

    def success(self, fn: Callable[[T], Any]) -> Operation[T]:
        """Call ``fn(result)`` after the write committed (and was announced)."""
        self._on_success = fn
        return self

    def failure(
        self,
        fn: Callable[[E], Any],
        kind: type[E] = BaseException,  # type: ignore[assignment]
    ) -> Operation[T]:
        """Handle errors of ``kind`` with ``fn(exc)`` instead of the error box.

        The first matching handler wins, in the order they were added.
        """
        self._handlers.append((kind, fn))
        return self

    def progress(self, fn: Callable[[int, int, str], Any]) -> Operation[T]:
        """In the background: ``fn(done, total, message)`` on the GUI thread."""
        self._on_progress = fn
        return self

    def cancelled(self, fn: Callable[[], Any]) -> Operation[T]:
        """In the background: ``fn()`` when the job stopped at the user's Cancel."""
        self._on_cancelled = fn
        return self

    def finished(self, fn: Callable[[], Any]) -> Operation[T]:
        """``fn()`` once the operation is over, whatever the outcome."""
        self._on_finished = fn
        return self

    def with_progress(self, label: str) -> Operation[T]:
        """In the background: a window-modal progress dialog with Cancel."""
        self._progress_label = label
        return self

    @property
    def undoable(self) -> bool:
        """Whether the operation leaves an entry on the undo stack."""
        return self.undo_fn is not None

    # Running on the GUI thread (quick writes) -------------------------------------------

    def run(self) -> T | None:
        """Run now on the GUI thread (a quick write).

        Returns:
            The result, or ``None`` when it failed (then `error` says why).
        """
        try:
            if self.undo_fn is not None:
                from scholar_desk.ui.commands import FunctionCommand

                command = FunctionCommand(
                    self.ctx,
                    self.changes,
                    self.text,
                    self.op,
                    self.undo_fn,
                    self.redo_fn,
                    origin=self.parent,
                )
                result: T = command.run()
                self.ctx.undo.push(command)
            else:
                result = self._call(self.ctx)
                self.ctx.events.announce(self.changes, self.parent)
        except ScholarDeskError as exc:  # anything else is a bug: the excepthook shows it
            self._fail(exc)
            self._finish()
            return None
        self._succeed(result)
        self._finish()
        return result

    def _call(self, ctx: AppContext) -> T:
        fn = self.op
        if self.unit is Unit.WRITE:
            with ctx.library.transaction() as session:
                return fn(session, ctx.actor)
        if self.unit is Unit.READ:
            with ctx.library.reading() as session:
                return fn(session, ctx.actor)
        if self.unit is Unit.QUICK:
            with ctx.quick_reading() as unit:
                return fn(unit, ctx.actor)
        return fn(None, ctx.actor)

    # Running in the background (long jobs) ----------------------------------------------

    def run_in_background(self) -> Job:
        """Start on the context's single-thread pool; returns the job (``cancel_token``)."""
        library, actor, unit, fn = self.ctx.library, self.ctx.actor, self.unit, self.op

        def task(progress: ProgressSink, cancel: CancelToken) -> T:
            if unit is Unit.WRITE:
                with library.transaction() as session:
                    return fn(session, actor, progress, cancel)
            if unit in (Unit.READ, Unit.QUICK):
                with library.reading() as session:
                    return fn(session, actor, progress, cancel)
            return fn(None, actor, progress, cancel)

        job = Job(task)
        self.job = job
        if self._progress_label is not None:
            dialog = QProgressDialog(self._progress_label, "Cancel", 0, 0, self.parent)
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(300)
            dialog.canceled.connect(job.cancel_token.cancel)
            self._dialog = dialog
        # A receiver living on the GUI thread, so the slots run there (queued).
        receiver = _Receiver(self)
        job.signals.progressed.connect(receiver.progressed)
        job.signals.succeeded.connect(receiver.succeeded)
        job.signals.failed.connect(receiver.failed)
        job.signals.cancelled.connect(receiver.cancelled)
        _RUNNING.append(self)
        self._receiver = receiver
        self.ctx.pool.start(job)
        return job

    def _progressed(self, done: int, total: int, message: str) -> None:
        dialog = self._dialog
        if dialog is not None:
            # setValue of a modal progress dialog processes events: the job may finish
            # (and close the dialog) inside it, so the label goes first.
            dialog.setLabelText(message)
            dialog.setMaximum(max(total, 0))
            dialog.setValue(min(done, total))
        if self._on_progress is not None:
            self._on_progress(done, total, message)

    def _background_succeeded(self, result: Any) -> None:
        self._close_dialog()
        if self.undo_fn is not None:
            from scholar_desk.ui.commands import FunctionCommand

            # Redo runs on the GUI thread (a whole step, like undo), without progress.
            op = self.op
            command = FunctionCommand(
                self.ctx,
                self.changes,
                self.text,
                lambda session, actor: op(session, actor, no_progress, CancelToken()),
                self.undo_fn,
                self.redo_fn,
                origin=self.parent,
            )
            command.adopt(result)
            self.ctx.undo.push(command)
        else:
            self.ctx.events.announce(self.changes, self.parent)
        self._succeed(result)
        self._finish()

    def _background_failed(self, exc: object) -> None:
        self._close_dialog()
        self._fail(exc if isinstance(exc, BaseException) else RuntimeError(str(exc)))
        self._finish()

    def _background_cancelled(self) -> None:
        self._close_dialog()
        if self._on_cancelled is not None:
            self._on_cancelled()
        self._finish()

    def _close_dialog(self) -> None:
        if self._dialog is not None:
            self._dialog.reset()
            self._dialog.deleteLater()
            self._dialog = None

    # Outcomes --------------------------------------------------------------------------

    def _succeed(self, result: T) -> None:
        self.result = result
        if self._on_success is not None:
            self._on_success(result)

    def _fail(self, exc: BaseException) -> None:
        self.error = exc
        for kind, handler in self._handlers:
            if isinstance(exc, kind):
                handler(exc)
                return
        if not isinstance(exc, ScholarDeskError):
            log.error("operation failed", exc_info=(type(exc), exc, exc.__traceback__))
        show_error(self.parent, exc)

    def _finish(self) -> None:
        if self in _RUNNING:
            _RUNNING.remove(self)
        if self._on_finished is not None:
            self._on_finished()


_RUNNING: list[Operation[Any]] = []
"""Background operations still running: kept alive until their job reports back."""


class _Receiver(QObject):
    """Takes a job's signals on the GUI thread and hands them to its operation."""

    def __init__(self, operation: Operation[Any]) -> None:
        super().__init__()
        self.operation = operation

    def progressed(self, done: int, total: int, message: str) -> None:
        self.operation._progressed(done, total, message)

    def succeeded(self, result: object) -> None:
        self.operation._background_succeeded(result)

    def failed(self, exc: object) -> None:
        self.operation._background_failed(exc)

    def cancelled(self) -> None:
        self.operation._background_cancelled()


def run_command(
    ctx: AppContext,
    parent: QWidget | None,
    command: RecordCommand,
    handlers: Iterable[tuple[type[BaseException], Callable[[Any], Any]]] = (),
) -> Any:
    """Run one of the record commands (create, edit, move, delete) as an operation.

    Returns:
        What the command returned, or ``None`` when it failed (shown, or handed to the
        first matching handler).
    """

    def noop(_session: Any, _actor: Any) -> Any:
        return command.push()

    operation: Operation[Any] = Operation(ctx, parent, noop, unit=Unit.NONE)
    for kind, handler in handlers:
        operation.failure(handler, kind)
    command.origin = parent
    return operation.run()


def query(ctx: AppContext, parent: QWidget | None, fn: Callable[[Any, Any], T]) -> T | None:
    """A quick read on the GUI thread (Anki's ``QueryOp``): ``fn(session, actor)``.

    Returns:
        What ``fn`` returned, or ``None`` when it failed (the error is shown).
    """
    return Operation(ctx, parent, fn, unit=Unit.READ).run()


def read(
    ctx: AppContext,
    parent: QWidget | None,
    fn: Callable[[Any, Any], T],
    fallback: Callable[[ScholarDeskError], U],
    *,
    unit: Unit = Unit.READ,
) -> T | U:
    """A quick read whose expected failure the caller words itself, without an error box.

    ``fn(session, actor)`` runs in a reading unit (or with no session, `Unit.NONE`,
    for reads of files and settings beside the database); when it raises a `ScholarDeskError`
    (a busy or vanished database, a refusal), ``fallback(exc)`` gives the value instead:
    a message for the page to show, an empty list, "no change". Anything else is a bug
    and reaches the excepthook.

    Returns:
        What ``fn`` returned, or ``fallback(exc)``.
    """
    failed: list[ScholarDeskError] = []
    operation: Operation[T] = Operation(ctx, parent, fn, unit=unit)
    operation.failure(failed.append, ScholarDeskError)
    result = operation.run()
    return fallback(failed[0]) if failed else result  # type: ignore[return-value]
