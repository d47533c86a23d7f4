"""The Linux bundle's compressed size (budget: under 100 MB).

The bundle takes minutes to build, so this reads the archive that ``packaging/build.py``
left in ``dist/``; with ``SCHOLAR_DESK_BENCH_BUILD=1`` it builds one first.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MB = 100


def _archives() -> list[Path]:
    return sorted(
        (ROOT / "dist").glob("scholar-desk-*-linux-*.tar.gz"), key=lambda p: p.stat().st_mtime
    )


def run() -> list[tuple[str, str, str, str]]:
    """Measure and return the table row."""
    if os.environ.get("SCHOLAR_DESK_BENCH_BUILD") == "1" or not _archives():
        if os.environ.get("SCHOLAR_DESK_BENCH_BUILD") != "1":
            return [
                (
                    "Linux bundle, compressed",
                    "not built",
                    "",
                    "run python packaging/build.py (or SCHOLAR_DESK_BENCH_BUILD=1)",
                )
            ]
        subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py")], check=True)
    archive = _archives()[-1]
    size_mb = archive.stat().st_size / 1e6
    unpacked = sum(
        p.lstat().st_size
        for p in (ROOT / "dist" / "scholar-desk").rglob("*")
        if p.is_file() and not p.is_symlink()
    )
    return [
        (
            "Linux bundle, compressed archive",
            f"{size_mb:.1f} MB",
            f"{'PASS' if size_mb < BUDGET_MB else 'FAIL'} < {BUDGET_MB} MB",
            f"{archive.name}; {unpacked / 1e6:.0f} MB unpacked",
        )
    ]
