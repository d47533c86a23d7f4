"""The window's actions in one table, and the optional page methods they call.

Adding a menu entry is one line in `ACTIONS`::

    ActionSpec("find", "&Find", "edit", (Find,), "search", page=PageCall(Filters, _focus)),

An action either calls a method of the current page (``page``: a `PageCall`, greyed
when the page has no such method) or a method of the window (``window``: its name).
``allowed`` says who may use it; ``hide`` whether others do not see it at all (else it
is greyed).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, NamedTuple, Protocol, TypeVar, runtime_checkable

from PySide6.QtCore import QSettings, SignalInstance
from PySide6.QtGui import QAction, QKeySequence

from scholar_desk.core.records import Role
from scholar_desk.core.services.session import Actor

# The optional page methods ------------------------------------------------------------


@runtime_checkable
class CreatesItems(Protocol):
    """File ▸ New (Ctrl+N) makes a record of what the page shows."""

    def new_item(self) -> Any: ...


@runtime_checkable
class EditsCurrent(Protocol):
    """Edit ▸ Edit (Ctrl+E) opens the current record."""

    def edit_current(self) -> Any: ...


@runtime_checkable
class DeletesSelected(Protocol):
    """Edit ▸ Delete removes the selected records (after asking)."""

    def delete_selected(self) -> Any: ...


@runtime_checkable
class Filters(Protocol):
    """Edit ▸ Find (Ctrl+F) puts the cursor in the page's filter box."""

    def focus_filter(self) -> Any: ...


@runtime_checkable
class Reloads(Protocol):
    """View ▸ Refresh (F5) reads the page again."""

    def reload(self) -> Any: ...


@runtime_checkable
class ImportsFiles(Protocol):
    """Reference files dropped on the window or chosen in File ▸ Import."""

    def import_files(self, paths: list[Path]) -> Any: ...


@runtime_checkable
class SelectsRecords(Protocol):
    """The page shows a record of its kind on request (`MainWindow.open_item`)."""

    def select_id(self, item_id: int) -> Any: ...


@runtime_checkable
class KeepsViewState(Protocol):
    """Column widths and the like, kept in QSettings between sessions."""

    def save_view_state(self, settings: QSettings) -> None: ...

    def restore_view_state(self, settings: QSettings) -> None: ...


@runtime_checkable
class ShutsDown(Protocol):
    """Cancels running jobs before the window closes."""

    def shutdown(self) -> Any: ...


@runtime_checkable
class ReportsStatus(Protocol):
    """The status bar shows ``status_text()`` and follows ``status_changed``."""

    status_changed: SignalInstance

    def status_text(self) -> str: ...


@runtime_checkable
class RequestsRecords(Protocol):
    """The page asks the window to show a record: ``open_requested(kind, id)``."""

    open_requested: SignalInstance


P = TypeVar("P")


@dataclass(frozen=True)
class PageCall(Generic[P]):
    """A method of the current page, when the page has it (``protocol``)."""

    protocol: type[P]
    call: Callable[[P], Any]

    def applies(self, page: object) -> bool:
        """Whether ``page`` has the method."""
        return isinstance(page, self.protocol)

    def __call__(self, page: object) -> Any:
        """Call it on ``page``; ``None`` when the page has no such method."""
        return self.call(page) if isinstance(page, self.protocol) else None


# Who may use an action -------------------------------------------------------------------


def directors(actor: Actor) -> bool:
    """The single user or a program director."""
    return actor.single_user or actor.role == Role.DIRECTOR


def mentors_and_directors(actor: Actor) -> bool:
    """Mentors and program directors (the mentees page)."""
    return actor.role in (Role.MENTOR, Role.DIRECTOR)


def signed_in(actor: Actor) -> bool:
    """An account (not the single user of a database without logins)."""
    return actor.account_id is not None


# The table -------------------------------------------------------------------------------

Shortcut = QKeySequence.StandardKey | str


class ActionSpec(NamedTuple):
    """One action of the window; `MainWindow` keeps it as ``<id>_action``.

    Attributes:
        id: Stable name (the window attribute is ``<id>_action``).
        title: Menu text with its ``&`` mnemonic.
        menu: The menu it sits in (``file``, ``edit``, ``view``, ``account``, ``help``).
        shortcuts: Key sequences, the first one shown in the menu.
        icon: A name from `scholar_desk.ui.icons`, or ``None``.
        page: The current page's method it calls (greyed where the page has none).
        page_action: The name of the page's own QAction for the same command, whose
            enabled state and reason (tooltip) the window's action mirrors.
        window: Else the name of the `MainWindow` method it calls.
        allowed: Who may use it (``None``: everyone).
        hide: Hide it from others rather than grey it.
        separator: A separator before it in its menu.
        menu_role: The macOS menu role (``quit``, ``about``).
        undo_stack: ``undo`` or ``redo``: made by the undo stack, its text follows it.
    """

    id: str
    title: str
    menu: str
    shortcuts: tuple[Shortcut, ...] = ()
    icon: str | None = None
    page: PageCall[Any] | None = None
    page_action: str | None = None
    window: str | None = None
    allowed: Callable[[Actor], bool] | None = None
    hide: bool = True
    separator: bool = False
    menu_role: QAction.MenuRole | None = None
    undo_stack: str | None = None


_Key = QKeySequence.StandardKey

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("new", "&New…", "file", (_Key.New,), "new",
               page=PageCall(CreatesItems, lambda p: p.new_item()), page_action="new_action"),
    ActionSpec("import", "&Import References…", "file", ("Ctrl+I",), "import",
               window="_on_import_action_triggered"),
    ActionSpec("open_db", "&Open Database…", "file", (_Key.Open,),
               window="_on_open_db_triggered", separator=True),
    ActionSpec("new_db", "New &Database…", "file", window="_on_new_db_triggered"),
    ActionSpec("quit", "&Quit", "file", ("Ctrl+Q",), window="close", separator=True,
               menu_role=QAction.MenuRole.QuitRole),
    ActionSpec("undo", "&Undo", "edit", ("Ctrl+Z",), "undo", undo_stack="undo"),
    ActionSpec("redo", "&Redo", "edit", ("Ctrl+Shift+Z", "Ctrl+Y"), "redo",
               undo_stack="redo"),
    ActionSpec("edit", "&Edit…", "edit", ("Ctrl+E",), "edit",
               page=PageCall(EditsCurrent, lambda p: p.edit_current()), page_action="edit_action",
               separator=True),
    ActionSpec("delete", "&Delete…", "edit", (_Key.Delete,), "delete",
               page=PageCall(DeletesSelected, lambda p: p.delete_selected()),
               page_action="delete_action"),
    ActionSpec("find", "&Find", "edit", (_Key.Find,), "search",
               page=PageCall(Filters, lambda p: p.focus_filter()), separator=True),
    ActionSpec("refresh", "&Refresh", "view", (_Key.Refresh,), "refresh",
               page=PageCall(Reloads, lambda p: p.reload()), separator=True),
    ActionSpec("change_password", "Change &password…", "account",
               window="_on_change_password_triggered", allowed=signed_in, hide=False),
    ActionSpec("manage_accounts", "&Manage accounts…", "account",
               window="_on_manage_accounts_triggered", allowed=directors),
    ActionSpec("audit", "&Audit log", "account", window="_on_audit_triggered",
               allowed=directors),
    ActionSpec("backups", "&Backup and restore…", "account", window="_on_backups_triggered",
               allowed=directors, separator=True),
    ActionSpec("data_folder", "Open &Data Folder", "help",
               window="_on_data_folder_triggered"),
    ActionSpec("about", "&About Scholar Desk", "help", window="_on_about_triggered",
               separator=True, menu_role=QAction.MenuRole.AboutRole),
)  # fmt: skip
"""Every action of the window's menus and toolbar, in menu order."""

MENUS: tuple[tuple[str, str], ...] = (
    ("file", "&File"),
    ("edit", "&Edit"),
    ("view", "&View"),
    ("account", "&Account"),
    ("help", "&Help"),
)
"""The menu bar, in order: (key, title)."""

TOOLBAR: tuple[str | None, ...] = ("new", None, "undo", "redo", None, "import", "refresh")
"""The toolbar's actions by id, ``None`` for a separator."""


def key_sequences(spec: ActionSpec) -> list[QKeySequence]:
    """The spec's shortcuts as key sequences."""
    return [QKeySequence(s) for s in spec.shortcuts]


def in_menu(menu: str, specs: Sequence[ActionSpec] = ACTIONS) -> list[ActionSpec]:
    """The actions of one menu, in order."""
    return [spec for spec in specs if spec.menu == menu]
