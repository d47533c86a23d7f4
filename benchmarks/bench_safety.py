"""The two safety budgets, at a size that fits one benchmark run.

Runs the same kill loop and two-writer test as ``benchmarks/stress.py`` (which takes
``--kills 1000 --seconds 60`` for the full run) with 100 kills and 20 seconds.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import stress

KILLS = 100
SECONDS = 20.0


def run() -> list[tuple[str, str, str, str]]:
    """Measure and return the table rows."""
    with tempfile.TemporaryDirectory(prefix="sd-bench-safety-") as tmp:
        folder = Path(tmp)
        kill = stress.kill_loop(folder, KILLS, random.Random(1))
        writers = stress.two_writers(folder, SECONDS)
    damaged = sum(
        int(str(kill[key]))
        for key in (
            "corrupt_databases",
            "partial_imports",
            "half_applied_edits",
            "audit_partial_transactions",
        )
    )
    lost = int(str(writers["lost_updates"]))
    return [
        (
            f"SIGKILL during import or edit, {KILLS} times",
            f"{kill['corrupt_databases']} corrupt, {kill['partial_imports']} partial imports, "
            f"{kill['half_applied_edits']} half edits",
            f"{'PASS' if damaged == 0 else 'FAIL'} zero corrupt, zero partial",
            f"{kill['committed_import_batches']} import batches committed between kills; "
            "full run: python benchmarks/stress.py",
        ),
        (
            f"two app instances writing one record for {SECONDS:g} s",
            f"{writers['saves']} saves, {lost} lost",
            f"{'PASS' if lost == 0 else 'FAIL'} zero lost updates",
            f"{writers['conflicts_retried']} stale writes became conflicts, "
            f"{writers['busy_retries']} busy retries",
        ),
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
