"""Start to a usable main window with 50,000 references, beside a bare PySide6 window.

Both are measured as a user sees them: from spawning the process to the window being
shown and the event loop idle, median of several runs, in the same session.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REFERENCES = 50_000
RUNS = 5
BUDGET_S = 1.5

BARE_WINDOW = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow(); w.resize(1200, 800); w.show()
QTimer.singleShot(0, lambda: (print("startup-probe: shown", flush=True), app.quit()))
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


def _time_process(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120, check=False)
    elapsed = time.perf_counter() - started
    if "startup-probe: shown" not in proc.stdout:
        raise RuntimeError(f"window did not report being shown: {proc.stdout}\n{proc.stderr}")
    return elapsed


def run() -> list[tuple[str, str, str, str]]:
    """Measure and return the table rows."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "startup.sqlite3"
        make_database(db)
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "SCHOLAR_DESK_HOME": tmp,
            "SCHOLAR_DESK_STARTUP_PROBE": "1",
        }
        bare = [_time_process([sys.executable, "-c", BARE_WINDOW], env) for _ in range(RUNS)]
        with_orm = [
            _time_process([sys.executable, "-c", SQLALCHEMY_WINDOW], env) for _ in range(RUNS)
        ]
        ours = [
            _time_process([sys.executable, "-m", "scholar_desk", "--db", str(db)], env)
            for _ in range(RUNS)
        ]
    bare_s = statistics.median(bare)
    orm_s = statistics.median(with_orm)
    ours_s = statistics.median(ours)
    what = f"start to usable window, {REFERENCES:,} references (median of {RUNS})"
    return [
        (
            what,
            f"{ours_s:.2f} s",
            f"{'PASS' if ours_s < BUDGET_S else 'FAIL'} < {BUDGET_S} s",
            f"PySide6 + SQLAlchemy + a shown window: {orm_s:.2f} s",
        ),
        (
            "start-up relative to a bare PySide6 window",
            f"{ours_s / bare_s:.1f}x ({ours_s / orm_s:.1f}x PySide6 + SQLAlchemy)",
            f"{'PASS' if ours_s < 2 * bare_s else 'FAIL'} < 2x bare",
            f"bare PySide6 window: {bare_s:.2f} s",
        ),
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
