"""Import of real .bib files, whole process, beside bibtexparser's plain parse of the same file.

One row per file in ``../shared/corpus/bib-large`` (skipped, with the reason, when that
folder is absent) and one for a generated 20,000-entry file. Each run spawns
``scholar-desk --db COPY import FILE`` on a fresh copy of an initialised, empty database
(a user's library; the schema is not created inside the measurement), and a process that
runs ``bibtexparser.parse_file(FILE)``; the runs alternate so load from other processes on
the machine falls on both. The budget is under 1.5x bibtexparser.

Both times are shown: wall clock, and processor time (user + system of the child process,
from ``getrusage``). The verdict uses processor time, which other people's processes on a
shared machine do not inflate the way they inflate the wall clock, and the least of
several alternating runs of each side: on a shared virtual machine the same
``parse_file`` process takes anywhere from 0.82 to 1.41 s of processor time (eight runs
in a row, measured), because a neighbour's load slows the processor itself. Such noise
only ever adds time, so the least of each side is the closest to what the work costs,
and a median of three could still land on a slowed run of one side only. The medians
are shown beside it.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[1] / "shared" / "corpus" / "bib-large"
GENERATED_ENTRIES = 20_000
RUNS = 7
RATIO_BUDGET = 1.5

PLAIN_PARSE = (
    "import sys, bibtexparser\n"
    "library = bibtexparser.parse_file(sys.argv[1])\n"
    "print(len(library.entries))\n"
)

Row = tuple[str, str, str, str]


def _child(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run a process; (wall seconds, its processor seconds, its stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=600, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{args[-1]}: exit {proc.returncode}: {proc.stderr.strip()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout


def _bench_file(bib: Path, label: str, template: Path, tmp: Path, env: dict[str, str]) -> Row:
    ours: list[tuple[float, float]] = []
    plain: list[tuple[float, float]] = []
    imported = entries = 0
    for attempt in range(RUNS):
        wall, cpu, out = _child([sys.executable, "-c", PLAIN_PARSE, str(bib)], env)
        plain.append((wall, cpu))
        entries = int(out.strip().splitlines()[-1])
        db = tmp / f"import-{attempt}.sqlite3"
        shutil.copyfile(template, db)
        db.chmod(0o600)
        wall, cpu, out = _child(
            [sys.executable, "-m", "scholar_desk", "--db", str(db), "import", "--json", str(bib)],
            env,
        )
        ours.append((wall, cpu))
        imported = int(_json_field(out, "imported"))
        db.unlink()
    o_wall = min(w for w, _ in ours)
    o_cpu = min(c for _, c in ours)
    p_wall = min(w for w, _ in plain)
    p_cpu = min(c for _, c in plain)
    ratio = o_cpu / p_cpu
    median_ratio = statistics.median(c for _, c in ours) / statistics.median(c for _, c in plain)
    verdict = "PASS" if ratio < RATIO_BUDGET else "FAIL"
    return (
        f"import {label}, whole process ({entries:,} entries, {imported:,} stored)",
        f"cpu {o_cpu:.2f} s ({ratio:.2f}x); wall {o_wall:.2f} s ({o_wall / p_wall:.2f}x)",
        f"{verdict} < {RATIO_BUDGET}x bibtexparser (cpu)",
        f"bibtexparser parse_file: cpu {p_cpu:.2f} s, wall {p_wall:.2f} s "
        f"(least of {RUNS} alternating runs each; ratio of medians {median_ratio:.2f}x)",
    )


def _json_field(out: str, name: str) -> int:
    import json

    return int(json.loads(out)[name])


def corpus_files() -> list[Path]:
    """The real files measured, or none when ``../shared`` is absent."""
    return sorted(CORPUS.glob("*.bib")) if CORPUS.is_dir() else []


def run() -> list[Row]:
    """Measure and return the table rows."""
    from bench_references import make_bib

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="sd-bench-import-") as name:
        tmp = Path(name)
        env = {**os.environ, "SCHOLAR_DESK_HOME": str(tmp)}
        env.pop("SCHOLAR_DESK_DB", None)
        template = tmp / "library.sqlite3"
        subprocess.run(
            [sys.executable, "-m", "scholar_desk", "--db", str(template), "init"],
            capture_output=True,
            env=env,
            check=True,
        )
        generated = tmp / "generated20k.bib"
        make_bib(generated, GENERATED_ENTRIES)
        files = corpus_files()
        if not files:
            rows.append(
                (
                    "import of the real files in ../shared/corpus/bib-large",
                    "skipped",
                    "",
                    f"third-party corpus not found at {CORPUS} (../shared is absent)",
                )
            )
        for bib in files:
            rows.append(_bench_file(bib, bib.name, template, tmp, env))
        rows.append(
            _bench_file(
                generated, f"a generated {GENERATED_ENTRIES:,}-entry .bib", template, tmp, env
            )
        )
    return rows


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    for row in run():
        print(" | ".join(row))
