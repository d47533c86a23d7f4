"""The reference budgets on a PostgreSQL server, beside SQLite's rows (bench_references).

Starts its own server (tools/pg_server.py: a temporary folder, a Unix socket, stopped at
the end) and measures what bench_import and bench_references measure on SQLite: the
import of a generated 20,000-entry .bib (whole processes, as bench_import), search as
you type over 100,000 references (p50/p95, through the table model), and sorting 100,000
rows in SQL. Without PostgreSQL's binaries or psycopg it returns one row saying so. Run
alone: ``python benchmarks/bench_postgres.py``.

The server runs with PostgreSQL's durable defaults (``fsync``, ``synchronous_commit``,
``full_page_writes`` on), as a department server does: the tests' servers turn them off
for speed, which would flatter the import (no commit waits for the disk) and spoil the
sorts (a VACUUM marks a page all-visible only once the commit of its rows is on disk, so
one started a moment after an unflushed fill marked none, and every sort then also read
all 100,000 rows from the table: 35 to 240 ms instead of 25 to 60). The 100,000-reference
library is vacuumed once filled, as autovacuum would do after an insert that large.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tools"))

import bench_references as refs_bench  # noqa: E402 - beside this file
import pg_server  # noqa: E402 - from tools/, put on the path above

Row = tuple[str, str, str, str]
IMPORT_RUNS = 5


def _missing() -> str | None:
    if pg_server.find_bin_dir() is None:
        return "PostgreSQL is not installed (no initdb/pg_ctl in /usr/lib/postgresql/*/bin)"
    try:
        import psycopg  # noqa: F401 - only checking that it is there
    except ImportError:
        return "psycopg is not installed (pip install 'scholar-desk[postgres]')"
    return None


def _bench_import(server: pg_server.TempServer, tmp: Path) -> Row:
    """The budget as the SQLite rows measure it (bench_import): whole processes, alternating.

    ``scholar-desk --db URL import FILE`` into a database that ``init`` made, against a
    process running bibtexparser's ``parse_file`` on the same file. The wall clock decides
    here, not the processor time of our process, since the server's work (rows, search
    words, indexes) is part of the import; the least of each side's runs, as a neighbour's
    load only ever adds time.
    """
    from bench_import import PLAIN_PARSE, _child

    bib = tmp / "bench20k.bib"
    refs_bench.make_bib(bib, refs_bench.IMPORT_ENTRIES)
    env = {**os.environ, "SCHOLAR_DESK_HOME": str(tmp)}
    env.pop("SCHOLAR_DESK_DB", None)
    plain, ours = [], []
    spent: list[tuple[float, float]] = []  # (our process, the server) processor seconds
    for attempt in range(IMPORT_RUNS):
        plain.append(_child([sys.executable, "-c", PLAIN_PARSE, str(bib)], env)[0])
        name = f"import{attempt}"
        server.psql(f"CREATE DATABASE {name}")
        url = server.url(name)
        _child([sys.executable, "-m", "scholar_desk", "--db", url, "init"], env)
        before = _settled_cpu(server)
        wall, cpu, out = _child(
            [sys.executable, "-m", "scholar_desk", "--db", url, "import", "--json", str(bib)], env
        )
        spent.append((cpu, _settled_cpu(server) - before))
        ours.append(wall)
        imported = json.loads(out)["imported"]
        assert imported == refs_bench.IMPORT_ENTRIES, out[-500:]
    p, o = min(plain), min(ours)
    median_ratio = statistics.median(ours) / statistics.median(plain)
    client, serving = spent[ours.index(o)]
    return (
        "PostgreSQL: import 20,000-entry .bib, whole process (decode, names, dedupe, store, "
        "index)",
        f"wall {o:.2f} s ({o / p:.2f}x)",
        refs_bench.verdict(o < 1.5 * p, "< 1.5x bibtexparser (wall)"),
        f"bibtexparser parse_file: wall {p:.2f} s (least of {IMPORT_RUNS} alternating runs "
        f"each; ratio of medians {median_ratio:.2f}x); that import's processor time: "
        f"ours {client:.2f} s + the server's {serving:.2f} s, on {os.cpu_count()} cores",
    )


def _settled_cpu(server: pg_server.TempServer) -> float:
    """The server's processor seconds once its ended backends are counted (at most 2 s)."""
    last = server.cpu_seconds()
    deadline = time.perf_counter() + 2
    while time.perf_counter() < deadline:
        time.sleep(0.05)
        now = server.cpu_seconds()
        if now == last:
            break
        last = now
    return last


def _bench_library(server: pg_server.TempServer) -> list[Row]:
    from PySide6.QtWidgets import QApplication

    from scholar_desk.core.db.library import Library
    from scholar_desk.core.services import references as svc
    from scholar_desk.core.services.session import SINGLE_USER

    app = QApplication.instance() or QApplication([])
    rows: list[Row] = []
    vocabulary = refs_bench.realistic_vocabulary()
    server.psql("CREATE DATABASE lib100k")
    url = server.url("lib100k")
    start = time.perf_counter()
    with Library.open(url, change_schema=True) as library:
        refs_bench._fill_library(library, refs_bench.LIBRARY_SIZE, vocabulary)
    server.psql('VACUUM ANALYZE "references"', "lib100k")
    fill = time.perf_counter() - start
    visible, pages = (
        server.psql(
            "SELECT relallvisible, relpages FROM pg_class WHERE relname = 'references'", "lib100k"
        )
        .strip()
        .split("|")
    )
    with Library.open(url) as library:
        with library.reading() as session:
            assert svc.count_references(session, SINGLE_USER) == refs_bench.LIBRARY_SIZE
            svc.reference_ids(session, SINGLE_USER, search="warm")
        v = vocabulary
        phrases = (
            f"{v[0]} {v[120]}",
            f"{v[300]} {v[15]}",
            f"{v[40]} {v[900]}",
            f"{v[5]} {v[60]} 2019",
            "Müller ketamine",
            f"{v[1500]} {v[2]}",
        )
        what, measured, budget, comparison = refs_bench._search_row(
            library, phrases, "realistic vocabulary"
        )
        rows.append((f"PostgreSQL: {what}", measured, budget, comparison))
        sort_times = []
        with library.reading() as session:
            for key, desc in (
                ("year", True),
                ("first_author", False),
                ("journal", True),
                ("title", False),
            ):
                t = time.perf_counter()
                svc.reference_ids(session, SINGLE_USER, sort=key, descending=desc)
                sort_times.append((time.perf_counter() - t) * 1000)
        each = " / ".join(f"{ms:.0f}" for ms in sort_times)
        rows.append(
            (
                "PostgreSQL: sort 100,000 rows in SQL (year, author, journal, title)",
                f"max {max(sort_times):.0f} ms",
                refs_bench.verdict(max(sort_times) < 200, "< 200 ms"),
                f"{each} ms; {int(visible):,} of {int(pages):,} table pages all-visible "
                "after the VACUUM; Qt proxy over Python data(): 4-14 s",
            )
        )
    del app
    rows.append(("(setup) PostgreSQL: 100,000-reference library", f"{fill:.1f} s", "", ""))
    return rows


def run() -> list[Row]:
    missing = _missing()
    if missing is not None:
        return [("PostgreSQL rows", "skipped", "", missing)]
    with pg_server.TempServer(durable=True) as server, tempfile.TemporaryDirectory() as folder:
        rows = [_bench_import(server, Path(folder))]
        rows.extend(_bench_library(server))
    return rows


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
