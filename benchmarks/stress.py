"""Stress the database's crash and concurrency safety (not a timed test).

1. The kill loop: a writer process imports reference batches (300 per transaction) or
   rewrites 20 projects in one transaction; it is SIGKILLed at a random moment, then
   the file is checked: integrity_check, the full-text index, every import batch whole,
   all 20 projects on the same version, the audit trail in whole transactions.
2. Two writer processes increment one manuscript's word count for S seconds, each
   re-reading on a conflict; the final count must equal the increments both reported.

Usage: python benchmarks/stress.py [--kills 1000] [--seconds 60] [--seed N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKER = ROOT / "tests" / "integration" / "crash_worker.py"
sys.path.insert(0, str(WORKER.parent))
sys.path.insert(0, str(ROOT))

import crash_worker  # noqa: E402 - found through the path set just above

from scholar_desk.core.db.library import Library  # noqa: E402
from scholar_desk.core.services import items  # noqa: E402
from scholar_desk.core.services.session import SINGLE_USER  # noqa: E402


def kill_loop(folder: Path, kills: int, rng: random.Random) -> dict[str, object]:
    db = folder / "kill.sqlite3"
    crash_worker.seed(db)
    pause = threading.Event()
    found: dict[str, object] = {}
    corrupt = partial = mixed = audit_partial = 0
    note_versions: set[str] = set()
    started_at = time.monotonic()
    zygote = subprocess.Popen(
        [sys.executable, str(WORKER), "zygote", str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert zygote.stdin is not None
    assert zygote.stdout is not None
    try:
        for n in range(kills):
            mode = "import" if rng.random() < 0.5 else "edit"
            zygote.stdin.write(f"{mode}\n")
            zygote.stdin.flush()
            pid = int(crash_worker.read_until(zygote.stdout, "started").split()[1])
            if rng.random() < 0.5:
                crash_worker.read_until(zygote.stdout, "committed")
            pause.wait(rng.uniform(0.0, 0.3))
            os.kill(pid, signal.SIGKILL)
            zygote.stdin.write(f"reap {pid}\n")
            zygote.stdin.flush()
            crash_worker.read_until(zygote.stdout, "reaped")
            found = crash_worker.inspect_database(db)
            bad = found["integrity"] != "ok" or found["fts"] != "ok"
            corrupt += bad
            partial += len(found["partial_imports"])  # type: ignore[arg-type]
            mixed += len(found["project_note_versions"]) != 1  # type: ignore[arg-type]
            audit_partial += bool(found["audit_edits_partial"])
            note_versions.update(found["project_note_versions"])  # type: ignore[arg-type]
            if bad:
                print(f"  kill {n + 1}: {found['integrity']} / fts {found['fts']}", flush=True)
            if (n + 1) % 100 == 0:
                print(f"  {n + 1} kills, {found['batches']} batches committed", flush=True)
    finally:
        zygote.stdin.close()
        zygote.wait(timeout=60)
        zygote.stdout.close()
    return {
        "kills": kills,
        "corrupt_databases": corrupt,
        "partial_imports": partial,
        "half_applied_edits": mixed,
        "audit_partial_transactions": audit_partial,
        "committed_import_batches": found.get("batches", 0),
        "committed_edit_generations": len(note_versions) - 1,
        "database_mb": round(db.stat().st_size / 1e6, 1),
        "elapsed_s": round(time.monotonic() - started_at, 1),
    }


def two_writers(folder: Path, seconds: float) -> dict[str, object]:
    db = folder / "writers.sqlite3"
    with Library.open(db) as library, library.transaction() as session:
        manuscript = items.create_item(session, SINGLE_USER, "manuscript", {"title": "Shared"}).id
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                str(WORKER),
                "writer",
                str(db),
                str(manuscript),
                "--seconds",
                str(seconds),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = []
    for proc in procs:
        out, _ = proc.communicate(timeout=seconds + 120)
        results.append(json.loads(out.strip().splitlines()[-1]))
    with Library(db) as library, library.reading() as session:
        stored = (
            items.get_item(session, SINGLE_USER, "manuscript", manuscript).get("word_count") or 0
        )
    done = sum(int(r["done"]) for r in results)
    return {
        "seconds": seconds,
        "saves": done,
        "stored_count": stored,
        "lost_updates": done - stored,
        "conflicts_retried": sum(int(r["conflicts"]) for r in results),
        "busy_retries": sum(int(r["busy"]) for r in results),
        "per_writer": results,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="scholar-desk-stress-") as tmp:
        folder = Path(tmp)
        print(f"Kill loop: {args.kills} SIGKILLs during import or edit", flush=True)
        kill = kill_loop(folder, args.kills, rng)
        for key, value in kill.items():
            print(f"  {key}: {value}")
        print(f"Two writers for {args.seconds:g} s on one manuscript", flush=True)
        writers = two_writers(folder, args.seconds)
        for key, value in writers.items():
            print(f"  {key}: {value}")
    failed = (
        kill["corrupt_databases"]
        or kill["partial_imports"]
        or kill["half_applied_edits"]
        or kill["audit_partial_transactions"]
        or writers["lost_updates"]
    )
    print(
        "RESULT:", "FAILED" if failed else "ok: no corruption, no partial import, no lost update"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
