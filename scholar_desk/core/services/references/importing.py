"""Importing references in the caller's one transaction, duplicates checked first."""

from __future__ import annotations

import copy
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from scholar_desk.core import clock
from scholar_desk.core.db import fulltext, postgres
from scholar_desk.core.db.models import (
    BibBlock,
    Reference,
    Tag,
)
from scholar_desk.core.formats.reference import (
    ParsedReference,
    ParseResult,
)
from scholar_desk.core.progress import (
    CancelToken,
    ProgressSink,
    full_collections_deferred,
    no_progress,
)
from scholar_desk.core.services import permissions
from scholar_desk.core.services.items import audit
from scholar_desk.core.services.references.duplicates import (
    _Existing,
    _file_matches,
    _keys_of,
    _library_matches,
)
from scholar_desk.core.services.references.keys import _assign_keys
from scholar_desk.core.services.references.merges import _merge_into, _merge_values
from scholar_desk.core.services.references.reading import read_files
from scholar_desk.core.services.references.records import (
    _REFERENCES,
    REFERENCE_KIND,
    DuplicateMatch,
    FileProblem,
    FileSummary,
    ImportChanges,
    ImportReport,
    OnDuplicate,
    _add_tags,
    _chunks,
    _row,
)
from scholar_desk.core.services.references.snapshots import _max_id, _snapshot, _versions
from scholar_desk.core.services.session import Actor

STORE_CHUNK = 1000
"""Rows per ``executemany`` and per indexing statement: short C calls, so the GUI thread
gets the GIL often, and Cancel is checked between them."""
_STAGE = "reference_import_stage"


def _store_sqlite(
    session: Session,
    refs: Sequence[ParsedReference],
    now: dt.datetime,
    progress: ProgressSink,
    check: Callable[[], None],
    title_keys: Sequence[str | None] | None = None,
) -> None:
    """Insert rows through a temporary table, then into ``references`` a chunk at a time.

    The full-text trigger makes FTS5 flush its pending terms at the end of every
    statement; one ``INSERT ... SELECT`` per chunk instead of one ``INSERT`` per row keeps
    FTS5 from writing (and merging) 20,000 tiny segments: 2.0 s became 0.6 s for 20,000
    references. The staging table is TEMP, so it lives and dies with this transaction
    (a rollback removes it too). Values go through each column's own bind processor, so
    they are stored exactly as the ORM path stores them.
    """
    columns = [c for c in _REFERENCES.columns if c.name != "id"]
    names = ", ".join(f'"{c.name}"' for c in columns)
    dialect = session.get_bind().dialect
    processors = [c.type.bind_processor(dialect) for c in columns]
    conn = session.connection()
    conn.exec_driver_sql(f'DROP TABLE IF EXISTS temp."{_STAGE}"')
    conn.exec_driver_sql(
        f'CREATE TEMP TABLE "{_STAGE}" AS SELECT {names} FROM "references" WHERE 0'
    )
    marks = ", ".join("?" * len(columns))
    stage_sql = f'INSERT INTO temp."{_STAGE}" ({names}) VALUES ({marks})'
    order = [c.name for c in columns]
    # Columns whose values need converting (JSON, timestamps); the timestamps are the
    # same on every row, so they are converted once.
    converted = [
        (i, process)
        for i, (column, process) in enumerate(zip(columns, processors, strict=True))
        if process is not None and column.name not in ("created_at", "updated_at")
    ]
    stamp = {
        i: process(now)
        for i, (column, process) in enumerate(zip(columns, processors, strict=True))
        if process is not None and column.name in ("created_at", "updated_at")
    }
    total = len(refs)
    for start in range(0, total, STORE_CHUNK):
        check()
        rows = []
        for number, ref in enumerate(refs[start : start + STORE_CHUNK], start):
            row = _row(ref, now, title_keys[number] if title_keys is not None else None)
            values = [row[name] for name in order]
            for i, process in converted:
                if values[i] is not None:
                    values[i] = process(values[i])
            for i, value in stamp.items():
                values[i] = value
            rows.append(tuple(values))
        conn.exec_driver_sql(stage_sql, rows)
        progress(min(start + STORE_CHUNK, total) // 2, total, "Storing references")
    for start in range(0, total, STORE_CHUNK):
        check()
        conn.exec_driver_sql(
            f'INSERT INTO "references" ({names}) SELECT {names} FROM temp."{_STAGE}" '
            "WHERE rowid > ? AND rowid <= ? ORDER BY rowid",
            (start, start + STORE_CHUNK),
        )
        progress((total + min(start + STORE_CHUNK, total)) // 2, total, "Indexing references")
    conn.exec_driver_sql(f'DROP TABLE temp."{_STAGE}"')


def import_files(
    session: Session,
    actor: Actor,
    paths: Sequence[Path],
    *,
    on_duplicate: OnDuplicate | str = OnDuplicate.SKIP,
    decisions: Mapping[int, OnDuplicate | str] | None = None,
    dry_run: bool = False,
    tags: Sequence[str] = (),
    progress: ProgressSink = no_progress,
    cancel: CancelToken | None = None,
) -> ImportReport:
    """Read files and import their references in the caller's transaction.

    Args:
        session: The unit of work (a writing one unless ``dry_run``).
        actor: Who imports; a dry run writes nothing, so reading the library is enough.
        paths: BibTeX, RIS or MEDLINE files.
        on_duplicate: What to do with duplicates by default.
        decisions: Per-record overrides, by `DuplicateMatch.index`.
        dry_run: Find out what would happen; write nothing.
        tags: Tag names given to every imported record.
        progress: Progress reports.
        cancel: Checked between steps.

    Returns:
        The report.

    Raises:
        PermissionDeniedError: The actor may not add references (for a dry run: may
            not read the library).
        ImportFileError: A file is unusable; nothing was written.
        CancelledError: Cancel was asked for; the caller rolls back.
    """
    _require_import(session, actor, dry_run=dry_run)  # before reading: no wait to refuse
    results = read_files(paths, progress, cancel)
    return import_parsed(
        session,
        actor,
        results,
        on_duplicate=on_duplicate,
        decisions=decisions,
        dry_run=dry_run,
        tags=tags,
        progress=progress,
        cancel=cancel,
    )


def _require_import(session: Session, actor: Actor, *, dry_run: bool) -> None:
    action = permissions.READ if dry_run else permissions.CREATE
    permissions.require(session, actor, action, permissions.REFERENCE, None)


def import_parsed(
    session: Session,
    actor: Actor,
    results: Sequence[ParseResult],
    *,
    on_duplicate: OnDuplicate | str = OnDuplicate.SKIP,
    decisions: Mapping[int, OnDuplicate | str] | None = None,
    dry_run: bool = False,
    tags: Sequence[str] = (),
    progress: ProgressSink = no_progress,
    cancel: CancelToken | None = None,
) -> ImportReport:
    """Import records already read by `read_files` (see `import_files`).

    The records are copied first, so the same results can be imported again (the
    import dialog reads once, shows a dry run, then imports).

    Raises:
        PermissionDeniedError: The actor may not add references (for a dry run: may
            not read the library).
    """
    _require_import(session, actor, dry_run=dry_run)
    with full_collections_deferred():
        report = _import_parsed(
            session,
            results,
            on_duplicate=on_duplicate,
            decisions=decisions,
            dry_run=dry_run,
            tags=tags,
            progress=progress,
            cancel=cancel,
        )
    if not dry_run:
        sources = ", ".join(sorted({r.source for r in results if r.source})) or "text"
        audit(
            session,
            actor,
            "import",
            REFERENCE_KIND,
            None,
            "",
            None,
            f"{report.summary()} from {sources}",
        )
    return report


def _import_parsed(
    session: Session,
    results: Sequence[ParseResult],
    *,
    on_duplicate: OnDuplicate | str,
    decisions: Mapping[int, OnDuplicate | str] | None,
    dry_run: bool,
    tags: Sequence[str],
    progress: ProgressSink,
    cancel: CancelToken | None,
) -> ImportReport:
    check = cancel.check if cancel is not None else (lambda: None)
    default = OnDuplicate(on_duplicate)
    choices = {i: OnDuplicate(v) for i, v in (decisions or {}).items()}
    report = ImportReport(dry_run=dry_run)
    refs: list[ParsedReference] = []
    for result in results:
        for p in result.problems:
            report.problems.append(FileProblem(result.source, p.line, p.message, p.kind, p.raw))
        for ref in result.references:
            # A copy the import may change, leaving the caller's results as they were (a
            # dry run's results are imported next); copy.copy skips the __init__ that
            # dataclasses.replace runs, a noticeable part of storing thousands.
            fresh = copy.copy(ref)
            fresh.extra_fields = dict(ref.extra_fields)
            fresh.tags = [*ref.tags, *(t for t in tags if t not in ref.tags)]
            refs.append(fresh)
        report.skipped += len(result.skipped)
    total = len(refs)
    progress(0, total, "Checking for duplicates")
    check()
    keys = [_keys_of(r) for r in refs]
    in_library = _library_matches(session, refs, keys)
    check()
    in_file = _file_matches(keys)
    check()

    new: list[int] = []
    merges: dict[int, list[int]] = defaultdict(list)  # existing id -> incoming indexes
    file_targets: dict[int, int] = {}
    existing_by_id: dict[int, _Existing] = {}
    status: list[str] = [""] * total
    for i, ref in enumerate(refs):
        lib_hit = in_library[i]
        file_hit = in_file[i]
        match: DuplicateMatch | None = None
        if lib_hit is not None:
            e, reason = lib_hit
            existing_by_id[e.id] = e
            match = DuplicateMatch(
                ref.source,
                ref.line,
                i,
                ref.citation_key,
                ref.title,
                e.id,
                e.citation_key,
                e.title,
                0,
                reason,
            )
        elif file_hit is not None:
            j, reason = file_hit
            other = refs[j]
            if in_library[j] is not None:
                first = in_library[j][0]  # type: ignore[index]  # checked
                match = DuplicateMatch(
                    ref.source,
                    ref.line,
                    i,
                    ref.citation_key,
                    ref.title,
                    first.id,
                    first.citation_key,
                    first.title,
                    0,
                    reason,
                )
                lib_hit = in_library[j]
            else:
                match = DuplicateMatch(
                    ref.source,
                    ref.line,
                    i,
                    ref.citation_key,
                    ref.title,
                    None,
                    other.citation_key,
                    other.title,
                    other.line,
                    reason,
                )
        if match is None:
            new.append(i)
            status[i] = "new"
            continue
        report.matches.append(match)
        action = choices.get(i, default)
        if action is OnDuplicate.KEEP:
            new.append(i)
            status[i] = "kept"
            report.kept_duplicates += 1
            continue
        report.duplicates += 1
        status[i] = "duplicate"
        if action is OnDuplicate.MERGE:
            if lib_hit is not None:
                merges[lib_hit[0].id].append(i)
            elif file_hit is not None:
                file_targets[i] = file_hit[0]
    # Merges inside the import fold into the earlier record before it is stored.
    merged_into = set(file_targets.values())
    for i, j in file_targets.items():
        if status[j] in ("new", "kept"):
            _merge_values(refs[j], refs[i])

    report.imported = len(new)
    report.merged = sum(len(v) for v in merges.values())
    to_store = [refs[i] for i in new]
    problems: list[FileProblem] = []
    _assign_keys(session, to_store, problems)
    report.problems.extend(problems)
    _summarise_files(report, results, refs, status)
    if dry_run:
        return report

    check()
    first_tag, first_block = _max_id(session, Tag), _max_id(session, BibBlock)
    merged_before = _snapshot(session, list(merges))
    now = clock.now()
    progress(0, len(to_store), "Storing references")
    given: list[int] | None = None
    if fulltext.is_sqlite(session):
        _store_sqlite(
            session,
            to_store,
            now,
            progress,
            check,
            # A merge inside the file may have given a record its title: key it again.
            [None if i in merged_into else keys[i].title for i in new],
        )
    else:
        step = STORE_CHUNK if fulltext.is_postgresql(session) else 2000
        # The title keys the duplicate check made, as for SQLite (a merge inside the file
        # may have given a record its title: that one is keyed again).
        title_keys = [None if i in merged_into else keys[i].title for i in new]
        # On a server the ids are taken from the table's sequence first, so the rows go
        # in with them and are not looked up again by key afterwards.
        given = (
            postgres.next_ids(session.connection(), _REFERENCES, len(to_store))
            if fulltext.is_postgresql(session)
            else None
        )
        for start in range(0, len(to_store), step):
            check()
            batch = [
                _row(r, now, title_keys[number])
                for number, r in enumerate(to_store[start : start + step], start)
            ]
            if given is not None:
                for number, row in enumerate(batch, start):
                    row["id"] = given[number]
                # One COPY per chunk: its search-index trigger runs once per chunk.
                postgres.copy_rows(session.connection(), _REFERENCES, batch)
            else:
                session.execute(insert(_REFERENCES), batch)
            progress(min(start + step, len(to_store)), len(to_store), "Storing references")
    keys_stored = [r.citation_key for r in to_store]
    ids_by_key: dict[str, int] = {}
    if given is not None:
        ids_by_key = dict(zip(keys_stored, given, strict=True))
    else:
        for part in _chunks(keys_stored):
            for ref_id, key in session.execute(
                select(Reference.id, Reference.citation_key).where(
                    Reference.citation_key.in_(part)
                )
            ):
                ids_by_key[key] = ref_id
    report.imported_ids = [ids_by_key[k] for k in keys_stored]
    tagged = [(ids_by_key[r.citation_key], r.tags) for r in to_store if r.tags]
    if tagged:
        _add_tags(session, tagged)
    check()
    if merges:
        progress(0, len(merges), "Merging duplicates")
        for existing_id, indexes in merges.items():
            check()
            _merge_into(session, existing_id, [refs[i] for i in indexes])
    _store_blocks(session, results)
    session.flush()
    report.changes = ImportChanges(
        tuple(report.imported_ids),
        merged_before,
        _versions(session, list(merges)),
        tuple(session.scalars(select(BibBlock.id).where(BibBlock.id > first_block))),
        tuple(session.scalars(select(Tag.id).where(Tag.id > first_tag))),
    )
    progress(len(to_store), len(to_store), "Done")
    return report


def _summarise_files(
    report: ImportReport,
    results: Sequence[ParseResult],
    refs: Sequence[ParsedReference],
    status: Sequence[str],
) -> None:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for ref, state in zip(refs, status, strict=True):
        counts[ref.source]["duplicate" if state == "duplicate" else "imported"] += 1
    for result in results:
        c = counts[result.source]
        report.files.append(
            FileSummary(
                result.source,
                result.encoding,
                result.entries_in_file,
                c["imported"],
                c["duplicate"],
                len(result.skipped),
            )
        )


def _store_blocks(session: Session, results: Sequence[ParseResult]) -> None:
    rows = []
    existing: set[tuple[str, str]] = {
        (k, t) for k, t in session.execute(select(BibBlock.block_kind, BibBlock.text))
    }
    for result in results:
        for kind, text in result.blocks:
            if (kind, text) in existing or not text:
                continue
            existing.add((kind, text))
            rows.append({"block_kind": kind, "text": text, "source": result.source[:300]})
    if rows:
        session.execute(insert(cast(Table, BibBlock.__table__)), rows)
