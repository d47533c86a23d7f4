"""The command line as a user meets it: whole processes, median of several runs.

``--version`` and ``--help`` beside a bare Python start; ``list projects --json`` on the
demo database (signed in, as the demo asks) beside a process that only imports
SQLAlchemy's ORM; ``init`` on a new file and on a current one.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 7
VERSION_BUDGET_S = 0.1
LIST_BUDGET_S = 0.35

Row = tuple[str, str, str, str]


def _median_run(args: list[str], env: dict[str, str], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(args, capture_output=True, env=env, timeout=120, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _fresh_runs(args: list[str], env: dict[str, str], folder: Path, runs: int = RUNS) -> float:
    """Median of ``args`` + ``--db NEW`` on a new file each time."""
    times = []
    for i in range(runs):
        target = folder / f"new-{i}.sqlite3"
        started = time.perf_counter()
        subprocess.run(
            [*args, "--db", str(target)], capture_output=True, env=env, timeout=120, check=True
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _verdict(seconds: float, budget: float) -> str:
    return f"{'PASS' if seconds < budget else 'FAIL'} < {budget} s"


def _alembic_loaded(db: Path, env: dict[str, str]) -> bool:
    probe = (
        "import sys\n"
        "from scholar_desk.__main__ import main\n"
        f"main(['list', 'projects', '--json', '--db', {str(db)!r}, '--user', 'director'])\n"
        "print('alembic' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    ).stdout
    return out.strip().endswith("True")


def run() -> list[Row]:
    """Measure and return the table rows."""
    py = sys.executable
    cli = [py, "-m", "scholar_desk"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {**os.environ, "SCHOLAR_DESK_HOME": tmp, "SCHOLAR_DESK_PASSWORD": "demo"}
        env.pop("SCHOLAR_DESK_DB", None)
        demo = folder / "demo.sqlite3"
        subprocess.run([*cli, "--db", str(demo), "demo"], capture_output=True, env=env, check=True)
        bare = _median_run([py, "-c", "pass"], env)
        orm = _median_run([py, "-c", "import sqlalchemy.orm"], env)
        version = _median_run([*cli, "--version"], env)
        help_s = _median_run([*cli, "--help"], env)
        listing = _median_run(
            [*cli, "--db", str(demo), "--user", "director", "list", "projects", "--json"], env
        )
        init_new = _fresh_runs([*cli, "init"], env, folder)
        init_current = _median_run([*cli, "--db", str(demo), "init"], env)
        alembic = _alembic_loaded(demo, env)
    return [
        (
            f"scholar-desk --version, whole process (median of {RUNS})",
            f"{version:.3f} s",
            _verdict(version, VERSION_BUDGET_S),
            f"bare Python start: {bare:.3f} s",
        ),
        (
            f"scholar-desk --help, whole process (median of {RUNS})",
            f"{help_s:.3f} s",
            _verdict(help_s, VERSION_BUDGET_S),
            f"bare Python start: {bare:.3f} s",
        ),
        (
            "scholar-desk list projects --json on the demo, signed in",
            f"{listing:.3f} s",
            _verdict(listing, LIST_BUDGET_S),
            f"python -c 'import sqlalchemy.orm': {orm:.3f} s",
        ),
        (
            "list on a current database imports Alembic",
            "yes" if alembic else "no",
            "FAIL" if alembic else "PASS (no)",
            "",
        ),
        (
            "scholar-desk init: a new file / a current one",
            f"{init_new:.3f} s / {init_current:.3f} s",
            "",
            "a new file runs every migration",
        ),
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
