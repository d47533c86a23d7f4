"""Whether the window can paint its first page from the SQLite file before SQLAlchemy loads.

Importing SQLAlchemy and the models costs a start about half a second of processor time,
more than the rest of the window. When the window reopens on a page that reads in plain
SQL (the references table, the dashboard's summary) from a current SQLite file, it
paints that page through a `PlainReader`, and the library opens right after the first
paint, with SQLAlchemy imported off the GUI thread. Anything else (a server, an older schema, a file left by an
unclean shutdown that needs its check, accounts to sign in to, another page) starts the
ordinary way, with `WINDOW_CORE` loaded first.

Imports no Qt and no SQLAlchemy: the start-up asks here before either is loaded.
"""

from __future__ import annotations

import configparser
import importlib
import sqlite3
from pathlib import Path

from scholar_desk.core.db.plain import PlainReader
from scholar_desk.core.services import permissions
from scholar_desk.core.settings import config_dir, default_database

PLAIN_PAGES = frozenset({"references", "dashboard"})
"""Pages that paint their first screen through a `PlainReader`."""

WINDOW_CORE = (
    "sqlalchemy.orm",
    "sqlalchemy.dialects.sqlite",
    "scholar_desk.core.db.library",
    "scholar_desk.core.db.models",
    "scholar_desk.core.db.fulltext",
    "scholar_desk.core.services.items",
    "scholar_desk.core.services.submissions",
    "scholar_desk.core.services.dashboard",
    "scholar_desk.core.services.references.queries",
)
"""The Qt-free modules the window needs once its library is open."""


AFTER_OPEN = (
    "scholar_desk.core.services.bib_sync",
    "scholar_desk.core.services.backups",
    "scholar_desk.core.services.deadline_calendar",
)
"""What the window's services load once the library is open (followed files, the daily
backup, the deadline reminder): on a plain start the same thread imports them."""


def import_window_core() -> None:
    """Import `WINDOW_CORE`.

    Before PySide6 on an ordinary start: once PySide6 is loaded it reads the source of
    every module imported after it (to look for ``from __feature__ import``), about a
    fifth of a second for these hundreds of modules. On a plain start, in a thread of
    its own after the first paint.
    """
    for name in WINDOW_CORE:
        importlib.import_module(name)


def prepare_library() -> None:
    """Import `WINDOW_CORE` and set up the ORM's mappers, as a thread of a plain start does.

    The first ORM query would otherwise configure every mapper on the GUI thread, about
    half a second with the window already up and waiting.
    """
    import_window_core()
    for name in AFTER_OPEN:
        importlib.import_module(name)
    from sqlalchemy.orm import configure_mappers

    configure_mappers()


def saved_page() -> str | None:
    """The page the window was last closed on (``window/page`` of window.ini), if any."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read(config_dir() / "window.ini", encoding="utf-8")
        page = parser.get("window", "page", fallback=None)
    except (configparser.Error, OSError, UnicodeDecodeError):
        return None
    return page.strip() if page else None


def plain_reader(db: str | None, *, demo: bool) -> PlainReader | None:
    """A reader to paint the first page with, or ``None`` to start the ordinary way.

    Args:
        db: The ``--db`` given (a path or URL), or ``None`` for the default database.
        demo: The demo database was asked for (it may have to be filled first).
    """
    if demo or saved_page() not in PLAIN_PAGES:
        return None
    target = db or str(default_database())
    if "://" in target:
        return None
    path = Path(target).expanduser()
    wal = path.with_name(path.name + "-wal")
    try:
        if wal.exists() and wal.stat().st_size > 0:
            return None  # the last session did not close cleanly: the check runs first
    except OSError:
        return None
    reader = PlainReader.open_current(target)
    if reader is None:
        return None
    try:
        login = permissions.login_on(reader)
    except sqlite3.Error:
        login = True  # the ordinary way says what is wrong
    if login:
        reader.close()  # accounts: signing in goes through the library
        return None
    return reader
