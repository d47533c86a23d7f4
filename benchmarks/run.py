"""Measure every budget in DESIGN.md and print one table.

Usage: python benchmarks/run.py [--only NAME ...]

Each ``bench_*.py`` module beside this file has ``run() -> list[Row]``; a row is
``(what, measured, budget, comparison)`` where ``budget`` starts with ``PASS``/``FAIL``
once checked. Every module generates its own data at scale in a temporary folder.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

MODULES = (
    "bench_startup",
    "bench_references",
    "bench_import",
    "bench_search_postgres",
    "bench_postgres",
    "bench_slides",
    "bench_safety",
    "bench_bundle",
    "bench_cli",
    "bench_hostile",
    "bench_files",
)

Row = tuple[str, str, str, str]


def _print_table(rows: list[Row]) -> None:
    header = ("what", "measured", "budget", "for comparison")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(4)]
    line = "  ".join("-" * w for w in widths)
    print(line)
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print(line)
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    print(line)


def _compile_package() -> str:
    """Byte-compile the package measured, as an installed copy is; where it lives.

    pip and the Linux bundle ship compiled ``.pyc`` files, so users never wait for Python
    to compile our sources; a checkout run with ``PYTHONDONTWRITEBYTECODE`` would, in
    every process a benchmark spawns, unless they are compiled once here.
    """
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("scholar_desk")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("scholar_desk is not importable")
    folder = next(iter(spec.submodule_search_locations))
    compileall.compile_dir(folder, quiet=1)
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None, help="module names to run")
    args = parser.parse_args()
    print(
        f"Scholar Desk benchmarks on {platform.node()}: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.platform()}"
    )
    print(f"byte-compiled {_compile_package()}")
    rows: list[Row] = []
    failed = False
    for name in MODULES:
        if args.only and name not in args.only:
            continue
        started = time.perf_counter()
        print(f"running {name} ...", flush=True)
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            rows.append((name, "not available", "", str(exc)))
            continue
        try:
            rows.extend(module.run())
        except Exception:  # noqa: BLE001 - report and go on with the other budgets
            traceback.print_exc()
            rows.append((name, "ERROR", "FAIL", "see traceback above"))
        print(f"  {name} took {time.perf_counter() - started:.1f} s", flush=True)
    _print_table(rows)
    failed = any(r[2].startswith("FAIL") for r in rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
