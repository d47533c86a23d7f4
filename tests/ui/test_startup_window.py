"""The window reopens on the page it was closed on and says when that page has painted."""

import os
import subprocess
import sys
from pathlib import Path

from scholar_desk.core.db.library import Library
from scholar_desk.ui.shared_machine import DailyBackup


def _run_window(tmp_path: Path, db: Path, mode: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "SCHOLAR_DESK_HOME": str(tmp_path / "home"),
        "SCHOLAR_DESK_STARTUP_PROBE": mode,
    }
    return subprocess.run(
        [sys.executable, "-m", "scholar_desk", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )


def test_window_reopens_on_the_page_it_was_closed_on(tmp_path: Path) -> None:
    db = tmp_path / "lib.sqlite3"
    Library.open(db).close()
    config = tmp_path / "home" / "config"
    config.mkdir(parents=True)
    (config / "window.ini").write_text("[window]\npage=references\n", encoding="utf-8")
    first = _run_window(tmp_path, db, "close")
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0].startswith("startup-probe: shown after ")
    assert lines[1] == "startup-probe: closing"
    # Closing saved the layout before the process ended, page included.
    saved = (config / "window.ini").read_text(encoding="utf-8")
    assert "page=references" in saved
    assert "geometry=" in saved


def test_daily_backup_runs_off_the_window_thread_and_stops_cleanly(qtbot, tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.sqlite3") as library:
        service = DailyBackup(library)
        with qtbot.waitSignal(service.job.signals.finished, timeout=30_000):
            pass
        service.stop()
        folder = library.path.parent / "backups"
        names = sorted(p.name for p in folder.iterdir())
        assert len(names) == 1
        assert names[0].endswith(".sqlite3")
