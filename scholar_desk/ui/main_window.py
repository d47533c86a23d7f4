"""The main window: navigation on the left, pages created on first show, menus and shortcuts.

Adding a page is one line in `PAGES`::

    PageSpec("charts", "Charts", "chart", lazy_page("scholar_desk.ui.pages.charts", "ChartsPage")),

``lazy_page`` imports the module only when the page is first shown and calls
``ChartsPage(ctx)``; ``record_page("project", detail=...)`` gives the generic list page
of a kind. A page may have any of the methods that the protocols in
`scholar_desk.ui.actions` describe (``new_item()``, ``reload()``, ``import_files(paths)``,
``select_id(id)``, ``save_view_state(settings)``, ``shutdown()``, an
``open_requested(kind, id)`` signal, ...); the window's actions, declared in one table
there (`ACTIONS`), call them on the current page and grey out where a page has none.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from PySide6.QtCore import QProcess, QSettings, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QPaintEvent,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from scholar_desk.core.services.session import Actor
from scholar_desk.core.settings import Settings, config_dir, data_dir
from scholar_desk.ui import icons, keyboard, screens
from scholar_desk.ui.actions import (
    ACTIONS,
    MENUS,
    TOOLBAR,
    ActionSpec,
    ImportsFiles,
    KeepsViewState,
    ReportsStatus,
    RequestsRecords,
    SelectsRecords,
    ShutsDown,
    directors,
    in_menu,
    key_sequences,
    mentors_and_directors,
)
from scholar_desk.ui.after_paint import after_paint
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.theme import apply_theme
from scholar_desk.ui.unsaved import dirty_editors, settle

log = logging.getLogger(__name__)

PageFactory = Callable[[AppContext], QWidget]
DetailFactory = Callable[[AppContext, Any], QWidget]

REFERENCE_SUFFIXES = frozenset({".bib", ".ris", ".nbib", ".txt"})
"""Files the window accepts by drag and drop, for the references page's import."""

MINIMUM_SIZE = QSize(1024, 640)
"""The smallest window every page is laid out for (tests/ui/test_layout_fits.py)."""

REFERENCES_KEY = "references"
KEY_ROLE = Qt.ItemDataRole.UserRole + 1


class PageSpec(NamedTuple):
    """One entry of the navigation.

    Attributes:
        key: Stable name (settings, tests, `MainWindow.show_page`).
        title: What the navigation shows.
        icon: A name from `scholar_desk.ui.icons`.
        factory: Makes the page on first show: ``factory(ctx) -> QWidget``.
        group: A heading the entry sits under in the navigation.
        shown_to: Whether the signed-in actor sees the page at all (``None``: everyone).
            The services still decide what each role may do; this only keeps the
            navigation free of pages that would say "not allowed".
    """

    key: str
    title: str
    icon: str
    factory: PageFactory
    group: str = ""
    shown_to: Callable[[Actor], bool] | None = None


def lazy_page(module: str, class_name: str) -> PageFactory:
    """A factory importing ``module`` on first use and returning ``class_name(ctx)``.

    While the module does not exist yet, the page says so instead of failing.
    """

    def make(ctx: AppContext) -> QWidget:
        try:
            found = importlib.import_module(module)
        except ModuleNotFoundError as missing:
            if missing.name != module:
                raise
            return placeholder_page(f"{class_name} is not available yet ({module}).")
        return getattr(found, class_name)(ctx)

    return make


def lazy_detail(module: str, class_name: str) -> DetailFactory:
    """A detail factory for `record_page`: ``class_name(ctx, record)`` from ``module``."""

    def make(ctx: AppContext, record: Any) -> QWidget:
        return getattr(importlib.import_module(module), class_name)(ctx, record)

    return make


def record_page(kind_name: str, *, detail: DetailFactory | None = None) -> PageFactory:
    """A factory for the generic list page of a kind (optionally opening ``detail``)."""

    def make(ctx: AppContext) -> QWidget:
        from scholar_desk.ui.pages.record_list_page import RecordListPage

        return RecordListPage(ctx, kind_name, detail_factory=detail)

    return make


def placeholder_page(text: str) -> QWidget:
    """A page that only says something (used while a page's module is missing)."""
    page = QWidget()
    layout = QVBoxLayout(page)
    label = QLabel(text, page)
    label.setObjectName("emptyHint")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    layout.addWidget(label)
    return page


PAGES: tuple[PageSpec, ...] = (
    PageSpec("dashboard", "Dashboard", "dashboard",
             lazy_page("scholar_desk.ui.pages.dashboard_page", "DashboardPage"), "Overview"),
    PageSpec("deadlines", "Deadlines", "deadline",
             lazy_page("scholar_desk.ui.pages.deadlines_page", "DeadlinesPage"), "Overview"),
    PageSpec("charts", "Charts", "chart",
             lazy_page("scholar_desk.ui.pages.charts_page", "ChartsPage"), "Overview"),
    PageSpec("report", "Activity report", "report",
             lazy_page("scholar_desk.ui.pages.report_page", "ReportPage"), "Overview"),
    PageSpec("record", "Fellow's record", "manuscript",
             lazy_page("scholar_desk.ui.pages.career_page", "CareerPage"), "Overview"),
    PageSpec("projects", "Projects", "project", record_page("project", detail=lazy_detail(
        "scholar_desk.ui.pages.project_detail", "ProjectDetail")), "Work"),
    PageSpec("manuscripts", "Manuscripts", "manuscript", record_page("manuscript", detail=lazy_detail(
        "scholar_desk.ui.pages.manuscript_detail", "ManuscriptDetail")), "Work"),
    PageSpec("submissions", "Submissions", "submission", record_page("submission", detail=lazy_detail(
        "scholar_desk.ui.pages.submission_detail", "SubmissionDetail")), "Work"),
    PageSpec("abstracts", "Abstracts", "abstract", record_page("abstract", detail=lazy_detail(
        "scholar_desk.ui.pages.abstract_editor", "AbstractEditor")), "Work"),
    PageSpec("presentations", "Presentations", "presentation", record_page("presentation"),
             "Work"),
    PageSpec(REFERENCES_KEY, "References", "reference",
             lazy_page("scholar_desk.ui.pages.references_page", "ReferencesPage"), "Library"),
    PageSpec("conferences", "Conferences", "conference", record_page("conference"), "Directory"),
    PageSpec("journals", "Journals", "journal", record_page("journal"), "Directory"),
    PageSpec("people", "People", "people", record_page("person"), "Directory"),
    PageSpec("mentees", "Mentees", "mentor",
             lazy_page("scholar_desk.ui.pages.mentor_page", "MentorPage"), "Review",
             mentors_and_directors),
    PageSpec("audit", "Audit log", "shield",
             lazy_page("scholar_desk.ui.pages.audit_page", "AuditPage"), "Review", directors),
)  # fmt: skip
"""The navigation, in order. Add a page with one line."""


def window_settings() -> QSettings:
    """Window geometry and table layout (everything else lives in `Settings`)."""
    return QSettings(str(config_dir() / "window.ini"), QSettings.Format.IniFormat)


class MainWindow(QMainWindow):
    """The application window.

    ``initial_page_painted`` fires once, when the page the window opened on (the one it
    was closed on last time) has been built and painted: what a user waits for at start.
    """

    initial_page_painted = Signal()

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        pages: Sequence[PageSpec] = PAGES,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._all_pages = list(pages)
        pages = [p for p in pages if p.shown_to is None or p.shown_to(ctx.actor)]
        self.specs = {spec.key: spec for spec in pages}
        self._pages: dict[str, QWidget] = {}
        self._mirrored: set[QAction] = set()
        self._settings = window_settings()
        self.setObjectName("mainWindow")
        self.setWindowTitle(self._window_title())
        self.setAcceptDrops(True)
        self.setMinimumSize(MINIMUM_SIZE)

        self.nav = QListWidget(self)
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Pages")
        self.nav.setIconSize(QSize(18, 18))
        self.nav.setUniformItemSizes(False)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._fill_navigation(pages)
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("pageStack")
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(1)
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([200, 1000])
        self.setCentralWidget(self.splitter)

        self._make_actions()
        self._disable_what_the_role_cannot_do()
        self._make_menus()
        self._make_toolbar()
        self._make_status_bar()
        self.nav.currentItemChanged.connect(self._on_nav_current_item_changed)
        self._restore_layout()

    # Navigation -------------------------------------------------------------------------

    def _fill_navigation(self, pages: Sequence[PageSpec]) -> None:
        group = None
        for spec in pages:
            if spec.group and spec.group != group:
                group = spec.group
                heading = QListWidgetItem(group.upper(), self.nav)
                heading.setFlags(Qt.ItemFlag.NoItemFlags)
                heading.setData(Qt.ItemDataRole.AccessibleDescriptionRole, "heading")
                font = heading.font()
                font.setPointSizeF(font.pointSizeF() * 0.8)
                font.setBold(True)
                heading.setFont(font)
                heading.setSizeHint(QSize(0, 30))
            item = QListWidgetItem(icons.icon(spec.icon), spec.title, self.nav)
            item.setData(KEY_ROLE, spec.key)
            item.setSizeHint(QSize(0, 32))
        # The sidebar keeps one width on every page and at every window size; the page
        # gets whatever the window gains.
        widest = max(
            (self.nav.fontMetrics().horizontalAdvance(spec.title) for spec in pages), default=0
        )
        self.nav.setFixedWidth(max(200, widest + 18 + 60))

    def _nav_item(self, key: str) -> QListWidgetItem | None:
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            if item.data(KEY_ROLE) == key:
                return item
        return None

    def page_keys(self) -> list[str]:
        """Every page's key, in navigation order."""
        return list(self.specs)

    def page(self, key: str) -> QWidget | None:
        """A page if it was created already."""
        return self._pages.get(key)

    def current_key(self) -> str | None:
        """The key of the page shown."""
        item = self.nav.currentItem()
        return item.data(KEY_ROLE) if item is not None else None

    def current_page(self) -> QWidget | None:
        """The page shown."""
        key = self.current_key()
        return self._pages.get(key) if key else None

    def show_page(self, key: str) -> QWidget:
        """Show a page (creating it on first use) and return it."""
        item = self._nav_item(key)
        if item is None:
            raise KeyError(key)
        if self.nav.currentItem() is not item:
            self.nav.setCurrentItem(item)
        else:
            self._activate(key)
        if key not in self._pages:  # the user stayed with unsaved edits
            return self._pages[self.current_key() or key]
        return self._pages[key]

    def _ensure_page(self, key: str) -> QWidget:
        page = self._pages.get(key)
        if page is None:
            page = self.specs[key].factory(self.ctx)
            if isinstance(page, KeepsViewState):
                page.restore_view_state(self._settings)
            if isinstance(page, ReportsStatus):
                page.status_changed.connect(self._on_page_status_changed)
            if isinstance(page, RequestsRecords):
                page.open_requested.connect(self.open_item)
            self._pages[key] = page
            self.stack.addWidget(page)
        return page

    def _activate(self, key: str) -> None:
        page = self._ensure_page(key)
        self.stack.setCurrentWidget(page)
        self.setWindowTitle(f"{self.specs[key].title} — {self._window_title()}")
        self._mirror_page_actions()
        self.status_label.setText(page.status_text() if isinstance(page, ReportsStatus) else "")

    def _mirror_page_actions(self) -> None:
        """Enable New/Edit/Delete as the current page's own actions are, with their reason."""
        page = self.current_page() if self.current_key() in self._pages else None
        for action, spec in self._page_actions:
            own = getattr(page, spec.page_action, None) if spec.page_action else None
            if isinstance(own, QAction):
                action.setEnabled(own.isEnabled())
                action.setToolTip(own.toolTip())
                if own not in self._mirrored:
                    self._mirrored.add(own)
                    own.changed.connect(self._on_page_action_changed)
            else:
                action.setEnabled(spec.page is not None and spec.page.applies(page))
                action.setToolTip(action.text().replace("&", "").rstrip("…"))

    def _on_page_action_changed(self) -> None:
        sender = self.sender()
        page = self.current_page()
        if page is not None and isinstance(sender, QAction) and sender.parent() is page:
            self._mirror_page_actions()

    # Actions and menus ------------------------------------------------------------------

    def _make_actions(self) -> None:
        self.actions_by_id: dict[str, QAction] = {}
        for spec in ACTIONS:
            act = self._make_action(spec)
            setattr(self, f"{spec.id}_action", act)
            self.actions_by_id[spec.id] = act
            self.addAction(act)
        self._page_actions = [
            (self.actions_by_id[spec.id], spec) for spec in ACTIONS if spec.page is not None
        ]

    def _make_action(self, spec: ActionSpec) -> QAction:
        if spec.undo_stack == "undo":
            act = self.ctx.undo.createUndoAction(self, spec.title)
        elif spec.undo_stack == "redo":
            act = self.ctx.undo.createRedoAction(self, spec.title)
        else:
            act = QAction(spec.title, self)
        if spec.icon:
            act.setIcon(icons.icon(spec.icon))
        if spec.shortcuts:
            act.setShortcuts(key_sequences(spec))
        if spec.menu_role is not None:
            act.setMenuRole(spec.menu_role)
        if spec.page is not None:
            call = spec.page
            act.triggered.connect(lambda _=False, c=call: c(self.current_page()))
        elif spec.window is not None:
            slot = getattr(self, spec.window)
            act.triggered.connect(lambda _=False, f=slot: f())
        if spec.allowed is not None and not spec.allowed(self.ctx.actor):
            # The services refuse anyway; the menu hides (or greys) what this role cannot do.
            if spec.hide:
                act.setVisible(False)
            else:
                act.setEnabled(False)
        return act

    def _disable_what_the_role_cannot_do(self) -> None:
        # The services refuse anyway; a greyed action with a reason is kinder than an error.
        from scholar_desk.core.services import permissions

        with self.ctx.quick_reading() as session:
            refusal = permissions.refusal(
                session, self.ctx.actor, permissions.CREATE, permissions.REFERENCE, None
            )
        self.import_action.setEnabled(not refusal)
        self.import_action.setToolTip(refusal)

    # The account menu's dialogs are imported on use: the accounts module prepares an
    # argon2 hash, about 0.15 s that start-up should not pay.

    def _on_change_password_triggered(self) -> None:
        importlib.import_module("scholar_desk.ui.dialogs.accounts_dialog").show_change_password(
            self, self.ctx
        )

    def _on_manage_accounts_triggered(self) -> None:
        importlib.import_module("scholar_desk.ui.dialogs.accounts_dialog").show_accounts(
            self, self.ctx
        )

    def _on_audit_triggered(self) -> None:
        self.show_page("audit")

    def _on_backups_triggered(self) -> None:
        importlib.import_module("scholar_desk.ui.dialogs.backup_dialog").show_backups(
            self, self.ctx
        )

    def apply_actor(self, actor: Actor) -> None:
        """Offer what ``actor`` may use now (a director changed the role meanwhile)."""
        from scholar_desk.ui.account_watch import apply_to_window

        apply_to_window(self, actor)

    # Other databases ----------------------------------------------------------------------

    _DB_FILTER = "Scholar Desk databases (*.sqlite3 *.sqlite *.db);;All files (*)"

    def ask_database_path(self, *, new: bool) -> str | None:
        """Ask for a database file to open (or to create); ``None`` when cancelled."""
        start = str(data_dir())
        if new:
            path, _ = QFileDialog.getSaveFileName(
                self, "New Database", f"{start}/library.sqlite3", self._DB_FILTER
            )
        else:
            path, _ = QFileDialog.getOpenFileName(self, "Open Database", start, self._DB_FILTER)
        return path or None

    def open_database(self, path: str) -> bool:
        """Open ``path`` in a window of its own (created and migrated if new).

        A separate process keeps this window's database, undo history and sign-in
        untouched; both can stay open, as two windows on one database can.
        """
        args = ["-m", "scholar_desk", "--db", path]
        started = QProcess.startDetached(sys.executable, args)
        ok = bool(started[0] if isinstance(started, tuple) else started)
        if not ok:
            self.statusBar().showMessage(f"Could not start a window for {path}", 8000)
        return ok

    def _on_open_db_triggered(self) -> None:
        if not self.settle_edits():
            return
        path = self.ask_database_path(new=False)
        if path:
            self.open_database(path)

    def _on_new_db_triggered(self) -> None:
        if not self.settle_edits():
            return
        path = self.ask_database_path(new=True)
        if path:
            self.open_database(path)

    def _make_menus(self) -> None:
        bar = self.menuBar()
        self.menus: dict[str, QMenu] = {}
        for key, title in MENUS:
            menu = bar.addMenu(title)
            self.menus[key] = menu
            for spec in in_menu(key):
                if spec.separator:
                    menu.addSeparator()
                menu.addAction(self.actions_by_id[spec.id])
            if key == "view":
                self._add_theme_menu(menu)
                # Every page: a Go menu entry with its own mnemonic and a shortcut.
                self.go_menu = bar.addMenu("&Go")
                self._add_go_actions(self.go_menu)
        self.view_menu = self.menus["view"]

    def _add_go_actions(self, go_menu: QMenu) -> None:
        self.go_actions: list[QAction] = []
        keys = list(self.specs)
        titles = keyboard.with_mnemonics([self.specs[k].title for k in keys])
        for number, (key, title) in enumerate(zip(keys, titles, strict=True), start=1):
            go = QAction(icons.icon(self.specs[key].icon), title, self)
            go.setShortcut(keyboard.page_shortcut(number, title))
            go.triggered.connect(lambda _=False, k=key: self.show_page(k))
            go_menu.addAction(go)
            self.go_actions.append(go)

    def _add_theme_menu(self, view_menu: QMenu) -> None:
        theme_menu = view_menu.addMenu("&Appearance")
        self.theme_group = QActionGroup(self)
        current = Settings.load().theme
        for value, text in (
            ("system", "&Follow the System"),
            ("light", "&Light"),
            ("dark", "&Dark"),
        ):
            act = theme_menu.addAction(text)
            act.setCheckable(True)
            act.setChecked(value == current)
            act.setData(value)
            self.theme_group.addAction(act)
        self.theme_group.triggered.connect(self._on_theme_group_triggered)

    def _make_toolbar(self) -> None:
        toolbar = QToolBar("Main toolbar", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setIconSize(QSize(18, 18))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        # The menu's Undo says what it undoes; the toolbar keeps a short fixed label (the
        # full text in its tooltip) so a long record title never pushes the other buttons.
        self.toolbar_undo = self._fixed_label_action(self.undo_action, "Undo")
        self.toolbar_redo = self._fixed_label_action(self.redo_action, "Redo")
        twins = {"undo": self.toolbar_undo, "redo": self.toolbar_redo}
        for action_id in TOOLBAR:
            if action_id is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(twins.get(action_id, self.actions_by_id[action_id]))
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.toolbar = toolbar
        self.view_menu.addAction(toolbar.toggleViewAction())

    def _fixed_label_action(self, source: QAction, label: str) -> QAction:
        """A toolbar twin of ``source`` with a constant text and ``source``'s text as tooltip."""
        twin = QAction(source.icon(), label, self)
        twin.triggered.connect(source.trigger)

        def follow() -> None:
            twin.setEnabled(source.isEnabled())
            twin.setToolTip(source.text().replace("&", "") or label)

        source.changed.connect(follow)
        follow()
        return twin

    def _make_status_bar(self) -> None:
        status = self.statusBar()
        status.setSizeGripEnabled(True)
        self.status_label = QLabel(self)
        status.addWidget(self.status_label, 1)
        self.database_label = QLabel(self)
        self.database_label.setObjectName("statusInfo")
        where = self.ctx.where
        path = self.ctx.path
        shown = path.name if path else where
        self._database_name = shown
        self._show_user()
        self.database_label.setToolTip(where)
        status.addPermanentWidget(self.database_label)

    def _show_user(self) -> None:
        user = self.ctx.actor.username
        role = f" ({self.ctx.actor.role})" if self.ctx.actor.role else ""
        self.database_label.setText(f"{self._database_name}  ·  {user}{role}")

    def _window_title(self) -> str:
        return "Scholar Desk"

    # Commands that go to the current page ----------------------------------------------

    def _call_page(self, action_id: str) -> Any:
        spec = next(spec for spec in ACTIONS if spec.id == action_id)
        assert spec.page is not None  # only page actions come here
        return spec.page(self.current_page())

    def new_item(self) -> Any:
        """File ▸ New on the current page."""
        return self._call_page("new")

    def edit_current(self) -> Any:
        """Edit ▸ Edit on the current page."""
        return self._call_page("edit")

    def delete_selected(self) -> Any:
        """Edit ▸ Delete on the current page (it asks first)."""
        return self._call_page("delete")

    def focus_filter(self) -> Any:
        """Edit ▸ Find: the current page's filter box."""
        return self._call_page("find")

    def reload_current(self) -> Any:
        """View ▸ Refresh."""
        return self._call_page("refresh")

    def open_item(self, kind_name: str, item_id: int) -> QWidget | None:
        """Show the page listing ``kind_name`` (keyed by its plural) with the item selected."""
        from scholar_desk.core.services.kinds import KINDS

        kind = KINDS.get(kind_name)
        if kind is None or kind.plural not in self.specs:
            return None
        page = self.show_page(kind.plural)
        if isinstance(page, SelectsRecords):
            page.select_id(item_id)
        return page

    def import_files(self, paths: Sequence[Path]) -> bool:
        """Hand reference files to the references page; whether it took them."""
        if REFERENCES_KEY not in self.specs:
            return False
        page = self.show_page(REFERENCES_KEY)
        if not isinstance(page, ImportsFiles):
            self.statusBar().showMessage("Importing references is not available yet.", 5000)
            return False
        page.import_files(list(paths))
        return True

    # Slots ------------------------------------------------------------------------------

    def _on_nav_current_item_changed(
        self, current: QListWidgetItem | None, previous: QListWidgetItem | None
    ) -> None:
        if current is None or not current.data(KEY_ROLE):
            return
        left = self._pages.get(previous.data(KEY_ROLE)) if previous is not None else None
        if left is not None and not settle(self, dirty_editors(left)):
            # Stay on the page with the unsaved edits.
            self.nav.blockSignals(True)
            self.nav.setCurrentItem(previous)
            self.nav.blockSignals(False)
            return
        self._activate(current.data(KEY_ROLE))

    def settle_edits(self) -> bool:
        """Ask about every editor with unsaved edits; whether the window may go on."""
        return settle(self, dirty_editors(self))

    def _on_page_status_changed(self, text: str) -> None:
        if self.sender() is self.current_page():
            self.status_label.setText(text)

    def _on_import_action_triggered(self) -> None:
        dialog = QFileDialog(self, "Import References")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilters(
            [
                "Reference files (*.bib *.ris *.nbib *.txt)",
                "BibTeX (*.bib)",
                "RIS (*.ris)",
                "PubMed / MEDLINE (*.nbib *.txt)",
                "All files (*)",
            ]
        )
        dialog.filesSelected.connect(lambda names: self.import_files([Path(n) for n in names]))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _on_theme_group_triggered(self, act: QAction) -> None:
        settings = Settings.load()
        settings.theme = str(act.data())
        settings.save()
        apply_theme(settings.theme)

    def _on_about_triggered(self) -> None:
        from scholar_desk.ui.dialogs.about_dialog import AboutDialog

        AboutDialog.show_for(self.ctx.library, self)

    def _on_data_folder_triggered(self) -> None:
        folder = self.ctx.path.parent if self.ctx.path else data_dir()
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # Window events ----------------------------------------------------------------------

    @override
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _reference_paths(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    @override
    def dropEvent(self, event: QDropEvent) -> None:
        paths = _reference_paths(event.mimeData().urls())
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)
        else:
            event.ignore()

    @override
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.settle_edits():
            event.ignore()
            return
        self._save_layout()
        for page in self._pages.values():
            if isinstance(page, ShutsDown):
                page.shutdown()
        self.ctx.pool.clear()
        self.ctx.pool.waitForDone()
        super().closeEvent(event)

    # Layout memory ----------------------------------------------------------------------

    def _restore_layout(self) -> None:
        s = self._settings
        geometry = s.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1240, 780)
        # Never larger than the screen (a saved size from a bigger monitor, or a scale
        # factor that makes 1240 x 780 wider than the whole screen).
        screens.fit_to_screen(self)
        state = s.value("window/state")
        if state is not None:
            self.restoreState(state)
        splitter = s.value("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        key = s.value("window/page")
        key = key if key in self.specs else next(iter(self.specs))
        # The page is built just after the window's first paint, so a heavy page (the
        # references table) never holds back the window itself.
        self.nav.blockSignals(True)
        self.nav.setCurrentItem(self._nav_item(key))
        self.nav.blockSignals(False)
        self._initial_key: str | None = key

    @override
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._initial_key is not None:
            QTimer.singleShot(0, self._build_initial_page)

    def _build_initial_page(self) -> None:
        key, self._initial_key = self._initial_key, None
        if key is not None and key == self.current_key() and key not in self._pages:
            self._activate(key)
        # Repaint the whole window: the page (and, on a scroll area, its viewport) paints in
        # the same pass, which ends before the watch's queued call runs.
        after_paint(self, self.initial_page_painted.emit)
        self.update()

    def _save_layout(self) -> None:
        s = self._settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("window/page", self.current_key())
        for page in self._pages.values():
            if isinstance(page, KeepsViewState):
                page.save_view_state(s)
        s.sync()


def _reference_paths(urls: Sequence[QUrl]) -> list[Path]:
    paths = [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]
    return [p for p in paths if p.suffix.lower() in REFERENCE_SUFFIXES]
