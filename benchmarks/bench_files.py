"""Manuscript files in the database: a 50 MB file in and out, ten versions of a 1 MB draft.

Each measurement runs in a fresh process; the peak resident size is reset just before
the step (Linux ``/proc/self/clear_refs``), so the peak after it less the size before it
is what the step needed. A
file is stored and read back in pieces, so neither step should need even one copy of
the whole file in memory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIG_MB = 50
DRAFT_VERSIONS = 10
REPEATS = frozenset({4, 8})
Row = tuple[str, str, str, str]
"""Versions saved again without a change (the same bytes as the one before)."""

_CHILD = r"""
import json, os, resource, sys, time
from pathlib import Path

def status_mb(key):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(key)

def reset_peak():
    # Linux: writing 5 resets the peak resident size (VmHWM) to the current one.
    Path("/proc/self/clear_refs").write_text("5")
    return status_mb("VmRSS")

def peak_mb():
    return status_mb("VmHWM")

step, folder, db = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
from scholar_desk.core.db.library import Library
from scholar_desk.core.services import items, manuscript_files
from scholar_desk.core.services.session import SINGLE_USER as U
out = {}
if step == "add":
    big = folder / "supplement.bin"
    if not big.exists():
        with big.open("wb") as f:
            for _ in range(BIG_MB):
                f.write(os.urandom(1024 * 1024))
    with Library.open(db) as lib:
        with lib.transaction() as s:
            ms = items.create_item(s, U, "manuscript", {"title": "Bench"}).id
        before = reset_peak()
        started = time.perf_counter()
        with lib.transaction() as s:
            added = manuscript_files.add_files(s, U, "manuscript", ms, [big], role="supplement")
        out = {"seconds": time.perf_counter() - started, "grew_mb": peak_mb() - before,
               "file_id": added[0].id}
elif step == "read":
    with Library.open(db) as lib:
        before = reset_peak()
        started = time.perf_counter()
        with lib.reading() as s:
            manuscript_files.save_copy(s, U, int(sys.argv[4]), folder / "back.bin", force=True)
        out = {"seconds": time.perf_counter() - started, "grew_mb": peak_mb() - before,
               "same": (folder / "back.bin").read_bytes() == (folder / "supplement.bin").read_bytes()}
print(json.dumps(out))
""".replace("BIG_MB", str(BIG_MB))


def _child(step: str, folder: Path, db: str, *extra: str) -> dict[str, object]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, step, str(folder), db, *extra],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _noise_png(path: Path, seed: int) -> None:
    import random

    from PIL import Image

    rng = random.Random(seed)
    side = 580  # about 1 MB of incompressible pixels
    Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3)).save(path)


def _draft(path: Path, picture: Path, version: int) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Pulsed radiofrequency for chronic knee pain", level=1)
    for n in range(40):
        document.add_paragraph(f"Paragraph {n} of the draft, as revised in version {version}.")
    document.add_picture(str(picture))
    document.save(str(path))


def _versions(folder: Path) -> dict[str, float]:
    from scholar_desk.core.db.library import Library
    from scholar_desk.core.services import items, manuscript_files
    from scholar_desk.core.services.session import SINGLE_USER

    picture = folder / "figure.png"
    _noise_png(picture, 1)
    db = folder / "versions.sqlite3"
    with Library.open(db) as lib, lib.transaction() as s:
        ms = items.create_item(s, SINGLE_USER, "manuscript", {"title": "Bench"}).id
    empty = db.stat().st_size
    sizes = 0
    distinct = 0
    draft = folder / "draft.docx"
    with Library.open(db) as lib:
        for version in range(1, DRAFT_VERSIONS + 1):
            if version not in REPEATS:
                _draft(draft, picture, version)
                distinct += 1
            sizes += draft.stat().st_size
            with lib.transaction() as s:
                manuscript_files.add_files(s, SINGLE_USER, "manuscript", ms, [draft], role="draft")
        lib.engine.dispose()
    grew = db.stat().st_size - empty
    return {
        "grew_mb": grew / 1048576,
        "all_mb": sizes / 1048576,
        "distinct_mb": sizes / DRAFT_VERSIONS * distinct / 1048576,
        "distinct": distinct,
    }


def _big_rows(added: dict[str, object], back: dict[str, object], where: str) -> list[Row]:
    add_s, add_mb = float(str(added["seconds"])), float(str(added["grew_mb"]))
    read_s, read_mb = float(str(back["seconds"])), float(str(back["grew_mb"]))
    ok_add = add_mb < BIG_MB and add_s < 5.0
    ok_read = read_mb < BIG_MB and read_s < 5.0 and bool(back["same"])
    budget = f"under 5 s and under {BIG_MB} MB of memory (less than one copy)"
    return [
        (
            f"add a {BIG_MB} MB file to a manuscript{where}",
            f"{add_s:.2f} s, peak memory +{add_mb:.0f} MB",
            f"{'PASS' if ok_add else 'FAIL'} {budget}",
            "stored in 4 MB pieces, read from disk twice (key, then pieces)",
        ),
        (
            f"read the {BIG_MB} MB file back (file get){where}",
            f"{read_s:.2f} s, peak memory +{read_mb:.0f} MB, "
            f"{'byte for byte' if back['same'] else 'DIFFERENT BYTES'}",
            f"{'PASS' if ok_read else 'FAIL'} {budget}, same bytes",
            "written piece by piece through the safe file writer",
        ),
    ]


def _postgres_rows(folder: Path) -> list[Row]:
    sys.path.insert(0, str(ROOT / "tools"))
    import pg_server

    label = f"add and read back a {BIG_MB} MB file, on PostgreSQL"
    bin_dir = pg_server.find_bin_dir()
    if bin_dir is None:
        return [(label, "skipped", "", "PostgreSQL is not installed (no initdb/pg_ctl)")]
    try:
        import psycopg  # noqa: F401 - only checking that the extra is installed
    except ImportError:
        return [(label, "skipped", "", "psycopg is not installed: pip install -e '.[postgres]'")]
    from scholar_desk.core.db.library import Library

    with pg_server.TempServer(bin_dir) as server:
        server.psql("CREATE DATABASE bench_files")
        url = server.url("bench_files")
        with Library.open(url, change_schema=True):
            pass
        added = _child("add", folder, url)
        back = _child("read", folder, url, str(added["file_id"]))
    return _big_rows(added, back, " on PostgreSQL")


def run() -> list[Row]:
    """Measure and return the table rows."""
    with tempfile.TemporaryDirectory(prefix="sd-bench-files-") as tmp:
        folder = Path(tmp)
        db = str(folder / "files.sqlite3")
        added = _child("add", folder, db)
        back = _child("read", folder, db, str(added["file_id"]))
        versions = _versions(folder)
        server_rows = _postgres_rows(folder)
    grew, distinct_mb = versions["grew_mb"], versions["distinct_mb"]
    ok_versions = grew <= distinct_mb * 1.15
    return [
        *_big_rows(added, back, ""),
        (
            f"{DRAFT_VERSIONS} versions of a 1 MB .docx draft ({versions['distinct']:.0f} distinct)",
            f"database grew {grew:.1f} MB",
            f"{'PASS' if ok_versions else 'FAIL'} at most the distinct versions "
            f"({distinct_mb:.1f} MB) + 15%",
            f"{versions['all_mb']:.1f} MB if every version were a full copy; "
            "identical saves are stored once",
        ),
        *server_rows,
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
