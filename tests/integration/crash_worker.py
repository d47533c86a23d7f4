"""Worker processes for the two-writer, lock and kill tests (and benchmarks/stress.py).

Usage (one JSON or text line per event on stdout; a forked worker also prints
``committed PID`` after each transaction):
    python crash_worker.py writer DB MANUSCRIPT_ID --count N | --seconds S
    python crash_worker.py hold DB
    python crash_worker.py zygote DB

``zygote`` imports everything once, then forks a worker per ``import`` or ``edit`` line
read from stdin and prints ``started PID`` when the worker begins; the caller SIGKILLs
that pid at a random moment and sends ``reap PID``. An ``import`` worker runs the real
``scholar-desk import`` command (the CLI's ``main``, as the installed script does) on
generated .bib files, one after another. Forking from this single-threaded
process makes each kill cheap, so a test can do many.
"""

# ruff: noqa: T201 - a worker process talks to its parent over stdout

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from scholar_desk.core.db import models as m
from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import BusyError, ConflictError
from scholar_desk.core.services import items
from scholar_desk.core.services.session import SINGLE_USER

IMPORT_BATCH = 300
EDIT_PROJECTS = 20


def writer(db: Path | str, manuscript_id: int, count: int | None, seconds: float | None) -> None:
    """Increment a manuscript's word count, re-reading on conflict, until done."""
    done = conflicts = busy = 0
    deadline = time.monotonic() + seconds if seconds is not None else None
    with Library(db) as library:
        while True:
            if count is not None and done >= count:
                break
            if deadline is not None and time.monotonic() >= deadline:
                break
            try:
                with library.reading() as session:
                    record = items.get_item(session, SINGLE_USER, "manuscript", manuscript_id)
                with library.transaction() as session:
                    items.update_item(
                        session,
                        SINGLE_USER,
                        "manuscript",
                        manuscript_id,
                        {"word_count": (record.get("word_count") or 0) + 1},
                        expected_version=record.version,
                    )
                done += 1
            except ConflictError:
                conflicts += 1
            except BusyError:
                busy += 1
    print(json.dumps({"done": done, "conflicts": conflicts, "busy": busy}), flush=True)


def hold(db: Path) -> None:
    """Take the write lock, say so, and keep it until a line arrives on stdin."""
    with Library(db) as library, library.transaction() as session:
        session.add(m.Tag(name=f"held-{os.getpid()}"))
        session.flush()
        print("locked", flush=True)
        sys.stdin.readline()
    print("released", flush=True)


def batch_file(folder: Path, batch: str) -> Path:
    """A .bib file of `IMPORT_BATCH` distinct entries; each reference's source is its name."""
    path = folder / f"{batch}.bib"
    entries = [
        f"@article{{{batch}-{i},\n  author = {{Smith, Jane and Doe, John}},\n"
        f"  title = {{Randomised trial number {i} of {batch}}},\n"
        f"  journal = {{Pain Medicine}},\n  year = {{{2020 + i % 5}}},\n"
        f"  doi = {{10.5555/{batch}.{i}}}\n}}\n"
        for i in range(IMPORT_BATCH)
    ]
    path.write_text("\n".join(entries), encoding="utf-8")
    return path


def _import(db: Path) -> None:
    """Run the real ``scholar-desk import`` (its staging table, chunked inserts) again and again."""
    from scholar_desk.cli import main as cli_main

    pid = os.getpid()
    n = 0
    while True:
        n += 1
        bib = batch_file(db.parent, f"batch-{pid}-{n}")
        status = cli_main(["import", "--db", str(db), str(bib)])
        if status != 0:
            print(f"failed {pid} {status}", flush=True)
            return
        print(f"committed {pid}", flush=True)


def _edit(library: Library) -> None:
    pid = os.getpid()
    with library.reading() as session:
        ids = [r.id for r in items.list_items(session, SINGLE_USER, "project")]
    n = 0
    while True:
        n += 1
        with library.transaction() as session:
            for project_id in ids:
                items.update_item(
                    session, SINGLE_USER, "project", project_id, {"notes": f"gen-{pid}-{n}"}
                )
        print(f"committed {pid}", flush=True)


def read_until(stream: Any, prefix: str) -> str:
    """The next line from a zygote that starts with ``prefix`` (skipping progress lines)."""
    while True:
        line = stream.readline()
        if not line:
            raise EOFError(f"the worker ended before '{prefix}'")
        if line.startswith(prefix):
            return line.strip()


def inspect_database(db: Path) -> dict[str, object]:
    """What a kill may have broken: integrity, partial imports, half-applied edits."""
    import sqlite3

    conn = sqlite3.connect(db, timeout=30)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        batches = conn.execute(
            'SELECT source, count(*) FROM "references" GROUP BY source'
        ).fetchall()
        partial = [b for b, n in batches if n != IMPORT_BATCH]
        imports = conn.execute(
            "SELECT count(*) FROM audit_events WHERE kind = 'reference' AND action = 'import'"
        ).fetchone()[0]
        if imports != len(batches):  # an import's audit row and its references land together
            partial.append(f"{imports} import events for {len(batches)} batches")
        notes = {r[0] for r in conn.execute("SELECT notes FROM projects")}
        edits = conn.execute(
            "SELECT count(*) FROM audit_events WHERE kind = 'project' AND action = 'update'"
        ).fetchone()[0]
        fts = "ok"
        has_fts = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'references_fts'"
        ).fetchone()
        if has_fts:
            try:
                conn.execute(
                    "INSERT INTO references_fts(references_fts) VALUES('integrity-check')"
                )
            except sqlite3.DatabaseError as exc:
                fts = str(exc)
        conn.rollback()
    finally:
        conn.close()
    return {
        "integrity": integrity,
        "fts": fts,
        "batches": len(batches),
        "partial_imports": partial,
        "project_note_versions": sorted(notes),
        "audit_edits_partial": edits % EDIT_PROJECTS != 0,
    }


def seed(db: Path) -> None:
    """A migrated database with the projects the edit workers rewrite."""
    with Library.open(db) as library, library.transaction() as session:
        for n in range(EDIT_PROJECTS):
            items.create_item(
                session, SINGLE_USER, "project", {"title": f"Project {n}", "notes": "gen-0"}
            )


def zygote(db: Path) -> None:
    """Fork a writer per command; the parent kills and reaps them."""
    import scholar_desk.cli
    from scholar_desk.core.services import references  # what an import loads, loaded once

    assert scholar_desk.cli.main is not None
    assert references.read_files is not None
    for line in sys.stdin:
        command, _, arg = line.strip().partition(" ")
        if command == "reap":
            os.waitpid(int(arg), 0)
            print("reaped", flush=True)
            continue
        if command not in ("import", "edit"):
            break
        pid = os.fork()
        if pid == 0:
            try:
                print(f"started {os.getpid()}", flush=True)
                if command == "import":
                    _import(db)
                else:
                    _edit(Library(db))
            finally:
                os._exit(0)


def main(argv: list[str]) -> None:
    # A server's URL stays text (a Path would fold its '//').
    mode, db = argv[0], (argv[1] if "://" in argv[1] else Path(argv[1]))
    if mode == "writer":
        count = int(argv[4]) if argv[3] == "--count" else None
        seconds = float(argv[4]) if argv[3] == "--seconds" else None
        writer(db, int(argv[2]), count, seconds)
    elif mode == "hold":
        hold(db)
    elif mode == "zygote":
        zygote(db)
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1:])
