"""Start the window: the application object, its look, the database, then the main window."""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QUndoStack
from PySide6.QtWidgets import QApplication, QWidget

from scholar_desk import __version__
from scholar_desk.core.db.plain import PlainReader
from scholar_desk.core.errors import AuthenticationError, ScholarDeskError
from scholar_desk.core.services.session import SINGLE_USER, Actor
from scholar_desk.core.settings import Settings, data_dir, default_database
from scholar_desk.ui.theme import STYLE_SHEET as STYLE_SHEET
from scholar_desk.ui.theme import apply_theme as apply_theme
from scholar_desk.ui.theme import is_dark as is_dark
from scholar_desk.ui.theme import make_palette as make_palette

if TYPE_CHECKING:
    from scholar_desk.core.db.library import Library

log = logging.getLogger(__name__)

EXIT_BUG = 1
EXIT_USER_ERROR = 2
STARTUP_PROBE = "SCHOLAR_DESK_STARTUP_PROBE"
"""When set, print ``startup-probe: shown after N s`` (process start to the window's first
paint) to stdout, then quit: benchmarks/bench_startup.py reads it."""

DEMO_DATABASE = "demo.sqlite3"


def set_identity(app: QApplication) -> None:
    """Names used by QSettings and the desktop, and the icon every window shows."""
    app.setApplicationName("Scholar Desk")
    app.setOrganizationName("Scholar Desk")
    app.setApplicationVersion(__version__)
    # The desktop entry's name, so Wayland and the task bar match windows to the menu entry.
    app.setDesktopFileName("org.scholardesk.ScholarDesk")
    from scholar_desk.ui.app_icon import app_icon

    app.setWindowIcon(app_icon())


def configure_application(app: QApplication) -> None:
    """Names, icon, the look, and every window fitted to its screen."""
    from scholar_desk.ui import screens

    set_identity(app)
    apply_theme(Settings.load().theme)
    screens.install(app)
    hints = QGuiApplication.styleHints()
    if hasattr(hints, "colorSchemeChanged"):
        # Connected whatever the setting is now: the user may choose "follow the system"
        # later from the View menu.
        hints.colorSchemeChanged.connect(_on_color_scheme_changed)


def _on_color_scheme_changed(_scheme: object) -> None:
    theme = Settings.load().theme
    if theme == "system":
        apply_theme(theme)


_ORPHAN_BOXES: list[Any] = []


def _excepthook(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    if isinstance(exc, ScholarDeskError):
        log.info("error shown to the user: %s", exc.user_message)
    # show_error logs anything unexpected with its traceback.
    from scholar_desk.ui.errors import show_error

    box = show_error(QApplication.activeWindow(), exc.with_traceback(tb))
    if box.parent() is None:
        # Without a parent only this reference keeps the box alive until it is closed.
        _ORPHAN_BOXES.append(box)
        box.finished.connect(lambda _result: _ORPHAN_BOXES.remove(box))


def install_excepthook() -> None:
    """Show exceptions raised in slots instead of only printing them."""
    sys.excepthook = _excepthook


def configure_logging() -> None:
    """Warnings to stderr; everything from INFO to the rotating log file in the data folder."""
    from scholar_desk.core.logs import configure_logging as configure

    configure()


# The database and who is working ---------------------------------------------------------


def open_library(db: str | None, *, demo: bool = False, read_only: str | None = None) -> Library:
    """Open (and upgrade) the database; the demo one is filled on first use.

    With ``read_only`` (why), every write is refused with that sentence.

    Raises:
        DatabaseError: The database cannot be opened or upgraded.
    """
    from scholar_desk.core.db.library import Library

    if demo:
        folder = data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        library = Library.open(folder / DEMO_DATABASE)
        try:
            fill_demo_if_empty(library)
        except BaseException:
            library.close()
            raise
        return library
    return Library.open(
        db or default_database(), read_only=read_only, password_prompt=_ask_server_password
    )


def _ask_server_password(server: str) -> str | None:
    from scholar_desk.ui.dialogs.server_password_dialog import ServerPasswordDialog

    return ServerPasswordDialog.ask(None, server)


def fill_demo_if_empty(library: Library) -> bool:
    """Fill the demo database when it holds nobody yet; whether it did."""
    from sqlalchemy import func, select

    from scholar_desk.core.db import models as m
    from scholar_desk.core.services import demo

    with library.reading() as session:
        people = session.scalar(select(func.count()).select_from(m.Person)) or 0
    if people:
        return False
    with library.transaction() as session:
        demo.fill(session)
    return True


def sign_in(library: Library, username: str | None, *, demo: bool = False) -> Actor | None:
    """The actor for this session: the single user, or a signed-in account.

    Returns ``None`` when the user cancelled the sign-in.

    Raises:
        AuthenticationError: Accounts exist and nobody could be signed in.
    """
    from scholar_desk.core.services import permissions

    with library.reading() as session:
        if not permissions.login_on(session):
            return SINGLE_USER
    # Only now: importing accounts prepares an argon2 hash, a noticeable part of start-up.
    from scholar_desk.core.services import accounts

    password = os.environ.get("SCHOLAR_DESK_PASSWORD")
    if demo and password is None:
        # The demo database's accounts all share the documented demo password: open it
        # as its director (or as --user) without asking.
        return _login(library, username or "director", accounts.DEMO_PASSWORD)
    if username and password is not None:
        return _login(library, username, password)  # scripted start: --user and the env
    # ui/dialogs/login_dialog.py::LoginDialog.ask(None, library, username) -> Actor | None.
    try:
        from scholar_desk.ui.dialogs.login_dialog import LoginDialog
    except ModuleNotFoundError as missing:
        if missing.name != "scholar_desk.ui.dialogs.login_dialog":
            raise
    else:
        actor: Actor | None = LoginDialog.ask(None, library, username)
        return actor
    raise AuthenticationError(
        "This database has accounts. Start with --user NAME and set SCHOLAR_DESK_PASSWORD."
    )


def _login(library: Library, username: str, password: str) -> Actor:
    from scholar_desk.core.services import accounts

    # Never waits behind another program's write: see accounts.sign_in.
    return accounts.sign_in(library, username, password).actor_or_raise()


# Start-up --------------------------------------------------------------------------------


class _StartupProbe(QObject):
    """Reports when the page the window opened on has painted, for benchmarks and smoke tests.

    With ``SCHOLAR_DESK_STARTUP_PROBE=1`` it prints ``startup-probe: shown after X s (cpu
    Y s; sqlalchemy loaded: no)`` (process start to the first paint, the processor time
    spent by then, and whether SQLAlchemy was loaded by then) and
    quits; with ``=close`` it prints that, then ``startup-probe: closing`` and closes the
    window the way a user would, so the benchmark can time closing to process exit.
    """

    def __init__(self, window: QWidget, started: float, mode: str) -> None:
        super().__init__(window)
        self.window = window
        self.started = started
        self.mode = mode
        # A MainWindow: its initial_page_painted fires once the opening page has painted.
        window.initial_page_painted.connect(self._on_window_initial_page_painted)  # type: ignore[attr-defined]

    def _on_window_initial_page_painted(self) -> None:
        elapsed = time.perf_counter() - self.started
        # benchmarks/bench_startup.py and packaging/smoke_test.py read these lines.
        cpu = time.process_time()  # under load, the part of the wait that is our own work
        # Whether the page painted before SQLAlchemy loaded (`plain_start`): a test reads it.
        loaded = "yes" if "sqlalchemy" in sys.modules else "no"
        sys.stdout.write(
            f"startup-probe: shown after {elapsed:.3f} s (cpu {cpu:.3f} s;"
            f" sqlalchemy loaded: {loaded})\n"
        )
        sys.stdout.flush()
        if self.mode == "close":
            QTimer.singleShot(0, self._close)
        else:
            QTimer.singleShot(0, QApplication.quit)

    def _close(self) -> None:
        sys.stdout.write("startup-probe: closing\n")
        sys.stdout.flush()
        self.window.close()


def run(
    db: str | None = None,
    *,
    demo: bool = False,
    user: str | None = None,
    files: Sequence[str] = (),
    plain: PlainReader | None = None,
) -> int:
    """Run the window until it is closed; return the exit status.

    ``files`` are reference files handed over by the desktop: once the window is up, the
    import dialog opens with them. With ``plain`` (see `plain_start.plain_reader`), the
    page the window reopens on paints from that reader, and the library opens after.
    """
    started = _process_start()
    configure_logging()
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "scholar-desk"])
    assert isinstance(app, QApplication)
    configure_application(app)
    install_excepthook()

    from scholar_desk.ui.context import AppContext, DataEvents, PendingLibrary
    from scholar_desk.ui.workers import make_pool

    if plain is not None:
        pending = PendingLibrary(plain, lambda: open_library(db))
        ctx = AppContext(
            None, SINGLE_USER, make_pool(), QUndoStack(), DataEvents(), pending=pending
        )
    else:
        try:
            read_only = None
            if not demo:
                from scholar_desk.ui.shared_machine import recover_if_damaged

                read_only = recover_if_damaged(db)
            library = open_library(db, demo=demo, read_only=read_only)
        except Exception as exc:  # noqa: BLE001 - the user must see why nothing opened
            return _fail(app, exc)
        try:
            actor = sign_in(library, user, demo=demo)
        except Exception as exc:  # noqa: BLE001 - as above
            library.close()
            return _fail(app, exc)
        if actor is None:
            library.close()
            return 0
        ctx = AppContext(library, actor, make_pool(), QUndoStack(), DataEvents())

    from scholar_desk.ui.main_window import MainWindow

    resume_filters = _hold_application_filters(app)
    window = MainWindow(ctx)
    # Queued like the services below: nothing it does competes with the first paint.
    window.initial_page_painted.connect(lambda: QTimer.singleShot(0, resume_filters))
    services: list[Any] = []

    def start_services() -> None:
        # Once the page is up: the daily backup and friends must not delay the window.
        from scholar_desk.ui.shared_machine import start_services

        # What start-up made lives as long as the window: leave it out of the garbage
        # collector's full collections, which walk every object holding the GIL.
        gc.freeze()

        services.extend(start_services(ctx, window))
        if not os.environ.get(STARTUP_PROBE):
            from scholar_desk.ui.dialogs.reminder_dialog import ReminderDialog

            ReminderDialog.open_for(window, ctx, lambda: window.show_page("deadlines"))

    # Queued behind the paint's own follow-ups (the probe's report, the references
    # table reading its full order), so nothing they do competes with the first paint.
    # On a plain start they wait for the library, which opens first.
    window.initial_page_painted.connect(
        lambda: QTimer.singleShot(
            0, lambda: ctx.when_open(lambda: QTimer.singleShot(0, start_services))
        )
    )
    if not ctx.library_open:
        opener = LibraryOpener(ctx, window)
        # Queued, so the paint's own follow-ups (the probe's report) come first.
        window.initial_page_painted.connect(lambda: QTimer.singleShot(0, opener.start))
    if os.environ.get(STARTUP_PROBE):
        _StartupProbe(window, started, os.environ[STARTUP_PROBE])
    elif files:
        window.initial_page_painted.connect(lambda: window.import_files([Path(f) for f in files]))
    window.show()
    try:
        return app.exec()
    finally:
        for service in services:
            service.stop()
        ctx.pool.waitForDone()
        ctx.undo.clear()
        ctx.close()


class LibraryOpener(QObject):
    """Opens the library of a window that painted from a `PlainReader`.

    SQLAlchemy and the models are imported on a thread of their own, so the window keeps
    answering while they load; then the library opens on the GUI thread (a current file:
    no upgrade) and the context goes on through it (`AppContext.set_library`).
    """

    imported = Signal()

    def __init__(self, ctx: Any, window: QWidget) -> None:
        super().__init__(window)
        self._ctx = ctx
        self._window = window
        self.imported.connect(self._on_imported)  # queued: emitted on the import thread

    def start(self) -> None:
        """Import the library's modules off the GUI thread, then open it."""
        threading.Thread(target=self._import, name="library-import", daemon=True).start()

    def _import(self) -> None:
        from scholar_desk.ui import plain_start

        try:
            plain_start.prepare_library()
        except Exception:
            log.exception("importing the library's modules failed")
        self.imported.emit()

    def _on_imported(self) -> None:
        if self._ctx.library_open:
            return  # something needed it sooner and opened it
        # Opens it; a failure (the file went away, a lock) reaches the excepthook's box.
        self._ctx.library  # noqa: B018


def _hold_application_filters(app: QApplication) -> Callable[[], None]:
    """Take the application's event filters off until the window's first paint.

    Every event of every widget passes through them, and the first few make PySide6
    build Python enums for most of QtWidgets: about a tenth of a second of each start.
    The window fits itself to its screen as it restores its layout; once it has painted,
    the filters come back and catch up with the windows and spin boxes made meanwhile.

    Returns:
        What puts them back.
    """
    from scholar_desk.ui import contrast, screens

    for held in (app.findChild(screens.ScreenFitter), app.findChild(contrast.SpinBoxInset)):
        if held is not None:
            app.removeEventFilter(held)

    def resume() -> None:
        screens.install(app)
        screens.fit_shown_windows(app)
        contrast.install(app)
        contrast.inset_spin_boxes(app)

    return resume


def _fail(app: QApplication, exc: Exception) -> int:
    """Show why the window cannot start, then exit: 2 for a fixable problem, 1 for a bug."""
    from scholar_desk.ui.errors import show_error

    if isinstance(exc, ScholarDeskError):
        status = EXIT_USER_ERROR
        sys.stderr.write(f"scholar-desk: {exc.user_message}\n")
    else:
        status = EXIT_BUG
    if os.environ.get(STARTUP_PROBE):
        if status == EXIT_BUG:
            log.error("start-up failed", exc_info=exc)
        return status
    box = show_error(None, exc)  # logs the traceback of anything unexpected
    box.finished.connect(lambda _result: app.exit(status))
    app.exec()
    return status


def _process_start() -> float:
    """perf_counter() at process start where Linux says when that was, else now."""
    try:
        stat = Path("/proc/self/stat").read_text(encoding="ascii")
        ticks = int(stat.rsplit(")", 1)[1].split()[19])
        up = float(Path("/proc/uptime").read_text(encoding="ascii").split()[0])
        age = up - ticks / os.sysconf("SC_CLK_TCK")
        return time.perf_counter() - max(age, 0.0)
    except (OSError, ValueError, IndexError):
        return time.perf_counter()
