"""The window as users meet it: reopening on the References page with 100,000 references.

Each run spawns the real program, as a user's double-click does, and measures until the
page the window was last closed on has been built and painted (the application prints
``startup-probe: shown`` then), beside a bare PySide6 window and one that imports
SQLAlchemy's ORM first, in the same session. Then it closes the window as a user would
and measures to process exit, once with the day's backup already taken and once with it
due (the backup then runs beside the window and is cancelled by the close).

Each paint is reported twice: the wall clock, and the processor time the process had
spent by then (the probe prints it). On a machine shared with other people's processes
the wall clock mostly measures their load, so the verdict uses processor time, against
the baseline's processor time in the same run; the wall clock is shown beside it.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

REFERENCES = 100_000
RUNS = 5
FIRST_PAINT_BUDGET_S = 0.8
CLOSE_BUDGET_S = 0.3

BARE_WINDOW = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow(); w.resize(1200, 800); w.show()
QTimer.singleShot(0, lambda: (
    print(f"startup-probe: shown (cpu {time.process_time():.3f} s)", flush=True), app.quit()))
app.exec()
"""

SQLALCHEMY_WINDOW = BARE_WINDOW.replace(
    "from PySide6.QtCore import QTimer",
    "import sqlalchemy.orm\nfrom PySide6.QtCore import QTimer",
)
"""The comparison DESIGN.md names: PySide6 + SQLAlchemy + a shown window."""


def make_database(path: Path, count: int = REFERENCES) -> None:
    """A database with ``count`` references, a few projects, at the current schema."""
    from sqlalchemy import insert

    from scholar_desk.core.db.library import Library
    from scholar_desk.core.db.models import Reference
    from scholar_desk.core.services import items
    from scholar_desk.core.services.session import SINGLE_USER

    with Library.open(path) as library:
        with library.transaction() as session:
            fellow = items.create_item(
                session, SINGLE_USER, "person", {"given_name": "Maya", "family_name": "Patel"}
            )
            for i in range(30):
                items.create_item(
                    session,
                    SINGLE_USER,
                    "project",
                    {"title": f"Project {i}", "kind": "clinical study", "owner_id": fellow.id},
                )
        rows = []
        for i in range(count):
            family = f"Author{i % 5000}"
            rows.append(
                {
                    "entry_type": "article",
                    "citation_key": f"author{i}_{2000 + i % 25}",
                    "authors": f"{family}, Ana and Second, Bo",
                    "first_author": family,
                    "title": f"Outcome {i} of radiofrequency ablation for chronic pain",
                    "title_key": f"outcome {i:06d} of radiofrequency ablation",
                    "journal": ("Pain", "Pain Medicine", "Regional Anesthesia & Pain Medicine")[
                        i % 3
                    ],
                    "year": 2000 + i % 25,
                    "doi": f"10.5555/bench.{i}",
                    "extra_fields": {},
                }
            )
        with library.transaction() as session:
            for start in range(0, len(rows), 5000):
                session.execute(insert(Reference), rows[start : start + 5000])


def take_days_backup(path: Path) -> None:
    """Take the day's automatic backup of ``path`` (what the window does after opening)."""
    from scholar_desk.core.db.library import Library
    from scholar_desk.core.services import backups

    with Library.open(path) as library:
        backups.auto_backup(library)
    if not backups.list_backups(path):
        raise RuntimeError(f"no backup of {path} was taken")


class Paint(NamedTuple):
    """Process start to first paint: wall clock, and the processor time the process spent."""

    wall: float
    cpu: float


def _cpu_of(line: str) -> float:
    """The ``(cpu X s)`` a probe line reports."""
    return float(line.rsplit("(cpu ", 1)[1].split()[0])


_PLAIN_PAINTS: list[bool] = []
"""For each of our windows measured: whether it painted before SQLAlchemy was imported."""


def _note_plain(line: str) -> None:
    if "sqlalchemy loaded:" in line:
        _PLAIN_PAINTS.append(line.rstrip().endswith("sqlalchemy loaded: no)"))


def _time_process(args: list[str], env: dict[str, str]) -> Paint:
    started = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300, check=False)
    elapsed = time.perf_counter() - started
    shown = [line for line in proc.stdout.splitlines() if line.startswith("startup-probe: shown")]
    if not shown:
        raise RuntimeError(f"window did not report being shown: {proc.stdout}\n{proc.stderr}")
    _note_plain(shown[0])
    return Paint(elapsed, _cpu_of(shown[0]))


def _open_and_close(args: list[str], env: dict[str, str]) -> tuple[Paint, float]:
    """Spawn the program; return (start to page painted, close to process exit)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**env, "SCHOLAR_DESK_STARTUP_PROBE": "close"},
    )
    assert proc.stdout is not None
    shown: Paint | None = None
    closing = None
    for line in proc.stdout:
        now = time.perf_counter()
        if line.startswith("startup-probe: shown"):
            shown = Paint(now - started, _cpu_of(line))
            _note_plain(line)
        elif line.startswith("startup-probe: closing"):
            closing = now
            break
    proc.wait(timeout=120)
    exited = time.perf_counter()
    if shown is None or closing is None or proc.returncode != 0:
        raise RuntimeError(f"the window did not open and close: {proc.stderr.read()}")  # type: ignore[union-attr]
    return shown, exited - closing


def _reopen_on(home: Path, page: str) -> None:
    """Make the window reopen on ``page``, as if it had been closed there."""
    config = home / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "window.ini").write_text(f"[window]\npage={page}\n", encoding="utf-8")


def _status(value: float, budget: float, compared: float | None = None) -> str:
    ok = value < budget and (compared is None or value < 2 * compared)
    rule = f"< {budget} s" + (" and < 2x PySide6 + SQLAlchemy" if compared is not None else "")
    return f"{'PASS' if ok else 'FAIL'} {rule}"


def _plain_text(runs: list[bool]) -> str:
    return f"painted before SQLAlchemy loaded: {sum(runs)} of {len(runs)} runs"


def _medians(paints: list[Paint]) -> Paint:
    return Paint(
        statistics.median(p.wall for p in paints), statistics.median(p.cpu for p in paints)
    )


def _paint_text(ours: Paint, base: Paint | None = None) -> str:
    if base is None:
        return f"cpu {ours.cpu:.2f} s; wall {ours.wall:.2f} s"
    return (
        f"cpu {ours.cpu:.2f} s ({ours.cpu / base.cpu:.1f}x); "
        f"wall {ours.wall:.2f} s ({ours.wall / base.wall:.1f}x)"
    )


def run() -> list[tuple[str, str, str, str]]:
    """Measure and return the table rows."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        db = home / "startup.sqlite3"
        make_database(db)
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SCHOLAR_DESK_HOME": tmp}
        probe = {**env, "SCHOLAR_DESK_STARTUP_PROBE": "1"}
        ours = [sys.executable, "-m", "scholar_desk", "--db", str(db)]
        # The day's backup, taken as the window's daily backup takes it, so that the runs
        # measured first find it done. (A run of the window itself would not: it closes
        # right after its first paint, and closing cancels the copy it started.)
        take_days_backup(db)
        _time_process(ours, probe)  # a first run, not measured: the files are read once
        timings: dict[str, list[Paint]] = {
            "bare": [],
            "orm": [],
            "references": [],
            "dashboard": [],
        }
        closes: list[float] = []
        plain: dict[str, list[bool]] = {"references": [], "dashboard": []}
        for _ in range(RUNS):  # interleaved, so a slow moment hits every row alike
            timings["bare"].append(_time_process([sys.executable, "-c", BARE_WINDOW], probe))
            timings["orm"].append(_time_process([sys.executable, "-c", SQLALCHEMY_WINDOW], probe))
            _reopen_on(home, "references")
            shown, closed = _open_and_close(ours, env)
            timings["references"].append(shown)
            plain["references"].append(_PLAIN_PAINTS[-1])
            closes.append(closed)
            _reopen_on(home, "dashboard")
            timings["dashboard"].append(_time_process(ours, probe))
            plain["dashboard"].append(_PLAIN_PAINTS[-1])
        due_shown: list[Paint] = []
        due_closes: list[float] = []
        _reopen_on(home, "references")
        for _ in range(3):
            shutil.rmtree(db.parent / "backups", ignore_errors=True)
            shown, closed = _open_and_close(ours, env)
            due_shown.append(shown)
            due_closes.append(closed)
    m = {key: _medians(values) for key, values in timings.items()}
    close_s, due_close_s = statistics.median(closes), statistics.median(due_closes)
    due = _medians(due_shown)
    refs = f"{REFERENCES:,} references"
    base = m["orm"]
    return [
        (
            f"window reopening on References, {refs}: first paint (median of {RUNS})",
            _paint_text(m["references"], base),
            _status(m["references"].cpu, FIRST_PAINT_BUDGET_S, base.cpu) + " (cpu)",
            f"PySide6 + SQLAlchemy + shown window: {_paint_text(base)}; "
            f"bare PySide6: {_paint_text(m['bare'])}; {_plain_text(plain['references'])}",
        ),
        (
            f"window reopening on the Dashboard, {refs}: first paint",
            _paint_text(m["dashboard"], base),
            _status(m["dashboard"].cpu, FIRST_PAINT_BUDGET_S, base.cpu) + " (cpu)",
            _plain_text(plain["dashboard"]),
        ),
        (
            "closing the window (References page) to process exit",
            f"{close_s:.2f} s",
            _status(close_s, CLOSE_BUDGET_S),
            "wall clock",
        ),
        (
            "the same with the daily backup due (it runs beside the window)",
            f"paint {_paint_text(due)}, close {due_close_s:.2f} s",
            f"{'PASS' if due.cpu < FIRST_PAINT_BUDGET_S and due_close_s < CLOSE_BUDGET_S else 'FAIL'}"
            f" < {FIRST_PAINT_BUDGET_S} s (cpu) / < {CLOSE_BUDGET_S} s",
            "a close during the copy cancels it; nothing is left behind",
        ),
    ]
