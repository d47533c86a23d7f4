"""The command line as a user meets it: whole processes, median of several runs.

``--version`` and ``--help`` beside a bare Python start; ``list projects --json`` on the
demo database, signed in with ``scholar-desk login`` first as a user at a terminal is (and,
for comparison, with the password checked by the command itself), beside a process that
only imports SQLAlchemy's ORM; ``init`` on a new file and on a current one.

Each time is shown as the processor time of the child process and the wall clock; the
verdict uses processor time, which other people's processes on a shared machine do not
inflate the way they inflate the wall clock.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

RUNS = 7
VERSION_BUDGET_S = 0.1
LIST_BUDGET_S = 0.35

Row = tuple[str, str, str, str]


class Timed(NamedTuple):
    """Medians of whole runs: wall clock, and the processor time of the child process."""

    wall: float
    cpu: float

    def __str__(self) -> str:
        return f"cpu {self.cpu:.3f} s; wall {self.wall:.3f} s"


def _median_run(args: list[str], env: dict[str, str], runs: int = RUNS) -> Timed:
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(args, capture_output=True, env=env, timeout=120, check=True)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return Timed(statistics.median(walls), statistics.median(cpus))


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


def _verdict(timed: Timed, budget: float) -> str:
    return f"{'PASS' if timed.cpu < budget else 'FAIL'} < {budget} s (cpu)"


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
        per_command = _median_run(
            [*cli, "--db", str(demo), "--user", "director", "list", "projects", "--json"], env
        )
        signed_in = {k: v for k, v in env.items() if k != "SCHOLAR_DESK_PASSWORD"}
        subprocess.run(
            [*cli, "--db", str(demo), "--user", "director", "login"],
            capture_output=True,
            env=env,
            check=True,
        )
        listing = _median_run([*cli, "--db", str(demo), "list", "projects", "--json"], signed_in)
        init_new = _fresh_runs([*cli, "init"], env, folder)
        init_current = _median_run([*cli, "--db", str(demo), "init"], env)
        alembic = _alembic_loaded(demo, env)
    return [
        (
            f"scholar-desk --version, whole process (median of {RUNS})",
            str(version),
            _verdict(version, VERSION_BUDGET_S),
            f"bare Python start: {bare}",
        ),
        (
            f"scholar-desk --help, whole process (median of {RUNS})",
            str(help_s),
            _verdict(help_s, VERSION_BUDGET_S),
            f"bare Python start: {bare}",
        ),
        (
            "scholar-desk list projects --json on the demo, signed in ('login' before)",
            str(listing),
            _verdict(listing, LIST_BUDGET_S),
            f"python -c 'import sqlalchemy.orm': {orm}; with the password checked by "
            f"the command itself (--user, SCHOLAR_DESK_PASSWORD): {per_command}",
        ),
        (
            "list on a current database imports Alembic",
            "yes" if alembic else "no",
            "FAIL" if alembic else "PASS (no)",
            "",
        ),
        (
            "scholar-desk init: a new file / a current one",
            f"wall {init_new:.3f} s / {init_current}",
            "",
            "a new file runs every migration",
        ),
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
