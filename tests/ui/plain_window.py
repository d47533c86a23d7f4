"""The window reopening on a page it paints from the SQLite file before SQLAlchemy loads.

Shared by the tests of each page that paints that way (references, dashboard): the
window started in a process of its own with the start-up probe, and a context whose
library is still pending behind a plain reader.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QUndoStack

from scholar_desk.core.db.library import Library
from scholar_desk.core.db.plain import PlainReader
from scholar_desk.core.services import accounts
from scholar_desk.core.services.session import Actor
from scholar_desk.ui.context import AppContext, DataEvents, PendingLibrary
from scholar_desk.ui.workers import make_pool


def run_window(
    home: Path, db: Path, page: str, *extra: str, password: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Start the window on ``db`` reopening on ``page``; the probe closes it once shown."""
    config = home / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "window.ini").write_text(f"[window]\npage={page}\n", encoding="utf-8")
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "SCHOLAR_DESK_HOME": str(home),
        "SCHOLAR_DESK_STARTUP_PROBE": "close",
    }
    if password is not None:
        env["SCHOLAR_DESK_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "scholar_desk", "--db", str(db), *extra],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )


def assert_painted_before_sqlalchemy(tmp_path: Path, db: Path, page: str) -> None:
    """The window on ``db`` shows ``page`` before SQLAlchemy loads, closes, and keeps it."""
    done = run_window(tmp_path / "home", db, page)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("startup-probe: shown after "), done.stdout
    assert lines[0].endswith("sqlalchemy loaded: no)"), lines[0]
    assert lines[1] == "startup-probe: closing"
    saved = (tmp_path / "home" / "config" / "window.ini").read_text(encoding="utf-8")
    assert f"page={page}" in saved


def sign_in(library: Library, username: str) -> Actor:
    """A demo account signed in with the demo password."""
    with library.transaction() as session:
        actor: Actor = accounts.login(session, username, accounts.DEMO_PASSWORD)
    return actor


def pending_context(library: Library, actor: Actor) -> AppContext:
    """A context reading ``library``'s file through a plain reader until it is opened."""
    assert library.path is not None
    reader = PlainReader.open_current(str(library.path))
    assert reader is not None
    return AppContext(
        None,
        actor,
        make_pool(),
        QUndoStack(),
        DataEvents(),
        pending=PendingLibrary(reader, lambda: library),
    )
