"""SIGKILL an import or an edit at random moments: the database stays whole every time."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import crash_worker

KILLS = 20

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (POSIX)")


@pytest.mark.sqlite_only(reason="the file's integrity check and FTS5 index after each kill")
def test_sigkill_during_import_or_edit(tmp_path: Path) -> None:
    db = tmp_path / "lib.sqlite3"
    crash_worker.seed(db)
    rng = random.Random(20260301)
    pause = threading.Event()  # never set: its wait() is an interruptible timer
    zygote = subprocess.Popen(
        [sys.executable, str(Path(crash_worker.__file__)), "zygote", str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert zygote.stdin is not None
    assert zygote.stdout is not None
    seen_batches = 0
    note_versions: set[str] = set()
    try:
        for n in range(KILLS):
            mode = "import" if n % 2 == 0 else "edit"
            zygote.stdin.write(f"{mode}\n")
            zygote.stdin.flush()
            pid = int(crash_worker.read_until(zygote.stdout, "started").split()[1])
            if n % 4 >= 2:
                # Let some transactions commit first, so later kills land mid-way
                # through a second one and there is committed data to protect.
                crash_worker.read_until(zygote.stdout, "committed")
            pause.wait(rng.uniform(0.0, 0.25))
            os.kill(pid, signal.SIGKILL)
            zygote.stdin.write(f"reap {pid}\n")
            zygote.stdin.flush()
            crash_worker.read_until(zygote.stdout, "reaped")
            found = crash_worker.inspect_database(db)
            assert found["integrity"] == "ok", found
            assert found["fts"] == "ok", found
            assert found["partial_imports"] == [], found
            assert len(found["project_note_versions"]) == 1, found  # type: ignore[arg-type]
            assert not found["audit_edits_partial"], found
            seen_batches = int(found["batches"])  # type: ignore[call-overload]
            note_versions.update(found["project_note_versions"])  # type: ignore[arg-type]
    finally:
        zygote.stdin.close()
        zygote.wait(timeout=30)
        zygote.stdout.close()
    # The kills did not all land before any work: some imports and edits committed.
    assert seen_batches > 0
    assert len(note_versions) > 1
