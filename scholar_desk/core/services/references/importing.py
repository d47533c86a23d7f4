"""Importing references in the caller's one transaction, duplicates checked first.

An import runs on a unit of work of either kind (`plain.Unit`): an SQLAlchemy session
(SQLite or a server), or on a current SQLite file a `PlainWriter`, which never loads
SQLAlchemy (the command line's import). The duplicate check, the keys, the rows, the
staging insert, tags, blocks and the audit event are plain SQL (core/db/plain.py), one
implementation for both. What only a session does (merging into a record already in the
library, a server's COPY) is imported where it is needed; a plain unit meeting it raises
`NotPlainError` before anything is written, and the caller goes the ordinary way.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from scholar_desk.core import clock
from scholar_desk.core.db.plain import (
    NotPlainError,
    PlainReader,
    Unit,
    dialect_name,
    execute_many,
    fetch,
    in_list,
    sqlite_connection,
    stored_value,
)
from scholar_desk.core.formats.reference import (
    ParsedReference,
    ParseResult,
    RecordFeed,
    oversized,
)
from scholar_desk.core.progress import (
    CancelToken,
    ProgressSink,
    full_collections_deferred,
    no_progress,
)
from scholar_desk.core.services import permissions
from scholar_desk.core.services.audit_writes import record_event
from scholar_desk.core.services.references.duplicates import (
    _Existing,
    _file_matches,
    _FileIndex,
    _keys_of,
    _library_matches,
)
from scholar_desk.core.services.references.keys import _assign_keys
from scholar_desk.core.services.references.reading import read_files
from scholar_desk.core.services.references.records import (
    REFERENCE_KIND,
    DuplicateMatch,
    FileProblem,
    FileSummary,
    ImportChanges,
    ImportReport,
    OnDuplicate,
    ReferenceSnapshot,
    _add_tags,
    _chunks,
    _merge_values,
    _row,
)
from scholar_desk.core.services.session import Actor

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

STORE_CHUNK = 1000
"""Rows per ``executemany`` and per indexing statement: short C calls, so the GUI thread
gets the GIL often, and Cancel is checked between them."""
COPY_PART_ROWS = 2500
"""Rows per ``COPY`` on a server: the server indexes one part while the next is made
(or read). Fewer parts leave more of the indexing after the last row; more parts cost a
statement and a parallel start each. The 20,000-entry import of the benchmark took
least / median 4.39 / 4.43 s with 2,500, against 4.52 / 4.59 s with 5,000."""
_STAGE = "reference_import_stage"
_STAMPED = ("created_at", "updated_at")


def _store_sqlite(
    unit: Unit,
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
    (a rollback removes it too). The columns are the table's own; JSON and timestamp
    values are stored as SQLAlchemy's types store them (`plain.stored_value`), so a
    session and a `PlainWriter` write the same text.
    """
    conn = sqlite_connection(unit)
    declared = [
        (str(name), str(kind).upper())
        for _cid, name, kind, *_rest in conn.execute('PRAGMA table_info("references")')
        if name != "id"
    ]
    order = [name for name, _kind in declared]
    names = ", ".join(f'"{name}"' for name in order)
    conn.execute(f'DROP TABLE IF EXISTS temp."{_STAGE}"')
    conn.execute(f'CREATE TEMP TABLE "{_STAGE}" AS SELECT {names} FROM "references" WHERE 0')
    marks = ", ".join("?" * len(order))
    stage_sql = f'INSERT INTO temp."{_STAGE}" ({names}) VALUES ({marks})'
    # Columns whose values need converting (JSON); the timestamps are the same on every
    # row, so they are converted once.
    converted = [
        i for i, (name, kind) in enumerate(declared) if kind == "JSON" and name not in _STAMPED
    ]
    moment = stored_value(unit, now)
    stamped = [i for i, (name, _kind) in enumerate(declared) if name in _STAMPED]
    total = len(refs)
    for start in range(0, total, STORE_CHUNK):
        check()
        rows = []
        for number, ref in enumerate(refs[start : start + STORE_CHUNK], start):
            row = _row(ref, now, title_keys[number] if title_keys is not None else None)
            values = [row[name] for name in order]
            for i in converted:
                if values[i] is not None:
                    values[i] = stored_value(unit, values[i])
            for i in stamped:
                values[i] = moment
            rows.append(tuple(values))
        conn.executemany(stage_sql, rows)
        progress(min(start + STORE_CHUNK, total) // 2, total, "Storing references")
    for start in range(0, total, STORE_CHUNK):
        check()
        conn.execute(
            f'INSERT INTO "references" ({names}) SELECT {names} FROM temp."{_STAGE}" '
            "WHERE rowid > ? AND rowid <= ? ORDER BY rowid",
            (start, start + STORE_CHUNK),
        )
        progress((total + min(start + STORE_CHUNK, total)) // 2, total, "Indexing references")
    conn.execute(f'DROP TABLE temp."{_STAGE}"')


def _store_postgresql(
    session: Session,
    refs: Sequence[ParsedReference],
    now: dt.datetime,
    progress: ProgressSink,
    check: Callable[[], None],
    title_keys: Sequence[str | None],
) -> list[int]:
    """Store rows on a server with ``COPY``; the ids they were given, in order.

    The ids are taken from the table's sequence first, so the rows go in with them and
    are not looked up again by key afterwards. One ``COPY`` per `COPY_PART_ROWS` rows,
    sent by a thread of its own: the server inserts the rows while the next ones are
    being made, and each part's search trigger (its words computed in parallel from
    1,000 rows on, revision 0015, then their index) runs while Python makes the next
    part, instead of all of it after the last row. Cancel is checked every
    `STORE_CHUNK` rows, inside the ``COPY`` under way (which a cancel abandons; the
    caller rolls back).
    """
    from scholar_desk.core.db import postgres
    from scholar_desk.core.services.references.snapshots import _REFERENCES

    connection = session.connection()
    given = postgres.next_ids(connection, _REFERENCES, len(refs))
    total = len(refs)

    def rows() -> Iterator[dict[str, Any]]:
        for number, ref in enumerate(refs):
            row = _row(ref, now, title_keys[number])
            row["id"] = given[number]
            yield row

    def between(sent: int) -> None:
        check()
        progress(sent, total, "Storing references" if sent < total else "Indexing references")

    check()
    postgres.copy_rows(
        connection,
        _REFERENCES,
        rows(),
        every=STORE_CHUNK,
        between=between,
        part_rows=COPY_PART_ROWS,
    )
    return given


def import_files(
    unit: Unit,
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
        unit: The unit of work (a writing one unless ``dry_run``): a session, or a
            `PlainWriter` (`PlainReader` for a dry run) on a current SQLite file.
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
        NotPlainError: ``unit`` is plain and the import needs a session (a duplicate
            merged into a library record); nothing was written.
    """
    _require_import(unit, actor, dry_run=dry_run)  # before reading: no wait to refuse
    default = OnDuplicate(on_duplicate)
    if (
        not dry_run
        and not decisions
        and default is not OnDuplicate.MERGE
        and dialect_name(unit) == "postgresql"
        and not _wrote_before(cast("Session", unit))
    ):
        session = cast("Session", unit)
        with full_collections_deferred():
            report, results = _StreamedImport(session, default, tags, progress, cancel).run(paths)
        _record_import(unit, actor, report, results)
        return report
    results = read_files(paths, progress, cancel)
    return import_parsed(
        unit,
        actor,
        results,
        on_duplicate=on_duplicate,
        decisions=decisions,
        dry_run=dry_run,
        tags=tags,
        progress=progress,
        cancel=cancel,
    )


def _require_import(unit: Unit, actor: Actor, *, dry_run: bool) -> None:
    action = permissions.READ if dry_run else permissions.CREATE
    permissions.require(unit, actor, action, permissions.REFERENCE, None)


def import_parsed(
    unit: Unit,
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
        NotPlainError: ``unit`` is plain and the import needs a session; nothing was
            written.
    """
    _require_import(unit, actor, dry_run=dry_run)
    if not dry_run:
        _one_import_at_a_time(unit)
    with full_collections_deferred():
        report = _import_parsed(
            unit,
            results,
            on_duplicate=on_duplicate,
            decisions=decisions,
            dry_run=dry_run,
            tags=tags,
            progress=progress,
            cancel=cancel,
        )
    if not dry_run:
        _record_import(unit, actor, report, results)
    return report


def _record_import(
    unit: Unit, actor: Actor, report: ImportReport, results: Sequence[ParseResult]
) -> None:
    """The audit event of an import."""
    sources = ", ".join(sorted({r.source for r in results if r.source})) or "text"
    record_event(
        unit, actor, "import", REFERENCE_KIND, None, "", None, f"{report.summary()} from {sources}"
    )


def _import_parsed(
    unit: Unit,
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
        _add_file_problems(report, result)
        refs.extend(_import_copy(ref, tags) for ref in result.references)
    total = len(refs)
    progress(0, total, "Checking for duplicates")
    check()
    keys = [_keys_of(r) for r in refs]
    in_library = _library_matches(unit, refs, keys)
    check()
    in_file = _file_matches(keys)
    check()

    new: list[int] = []
    merges: dict[int, list[int]] = defaultdict(list)  # existing id -> incoming indexes
    file_targets: dict[int, int] = {}
    status: list[str] = [""] * total
    for i in range(total):
        file_hit = in_file[i]
        match, lib_hit = _match_of(i, refs, in_library, file_hit)
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
    _assign_keys(unit, to_store, problems)
    report.problems.extend(problems)
    _summarise_files(report, results, refs, status)
    if dry_run:
        return report

    check()
    if merges and isinstance(unit, PlainReader):
        raise NotPlainError("merging into library records needs a session")
    first_tag, first_block = _max_id(unit, "tags"), _max_id(unit, "bib_blocks")
    merged_before = _snapshot_of(unit, list(merges))
    now = clock.now()
    progress(0, len(to_store), "Storing references")
    given: list[int] | None = None
    # The title keys the duplicate check made (a merge inside the file may have given a
    # record its title: that one is keyed again).
    title_keys = [None if i in merged_into else keys[i].title for i in new]
    if dialect_name(unit) == "sqlite":
        _store_sqlite(unit, to_store, now, progress, check, title_keys)
    else:
        session = cast("Session", unit)
        if dialect_name(unit) == "postgresql":
            given = _store_postgresql(session, to_store, now, progress, check, title_keys)
        else:
            from sqlalchemy import insert

            from scholar_desk.core.services.references.snapshots import _REFERENCES

            for start in range(0, len(to_store), 2000):
                check()
                batch = [
                    _row(r, now, title_keys[number])
                    for number, r in enumerate(to_store[start : start + 2000], start)
                ]
                session.execute(insert(_REFERENCES), batch)
                progress(min(start + 2000, len(to_store)), len(to_store), "Storing references")
    keys_stored = [r.citation_key for r in to_store]
    ids_by_key: dict[str, int] = {}
    if given is not None:
        ids_by_key = dict(zip(keys_stored, given, strict=True))
    else:
        for part in _chunks(keys_stored):
            marks, params = in_list("k", part, unit)
            ids_by_key.update(
                (key, ref_id)
                for ref_id, key in fetch(
                    unit,
                    f'SELECT id, citation_key FROM "references" WHERE citation_key IN {marks}',
                    params,
                )
            )
    report.imported_ids = [ids_by_key[k] for k in keys_stored]
    tagged = [(ids_by_key[r.citation_key], r.tags) for r in to_store if r.tags]
    if tagged:
        _add_tags(unit, tagged)
    check()
    versions: dict[int, int] = {}
    if merges:
        from scholar_desk.core.services.references.merges import _merge_into
        from scholar_desk.core.services.references.snapshots import _versions

        session = cast("Session", unit)
        progress(0, len(merges), "Merging duplicates")
        for existing_id, indexes in merges.items():
            check()
            _merge_into(session, existing_id, [refs[i] for i in indexes])
        session.flush()
        versions = _versions(session, list(merges))
    _store_blocks(unit, results)
    report.changes = ImportChanges(
        tuple(report.imported_ids),
        merged_before,
        versions,
        _ids_after(unit, "bib_blocks", first_block),
        _ids_after(unit, "tags", first_tag),
    )
    progress(len(to_store), len(to_store), "Done")
    return report


def _import_copy(ref: ParsedReference, tags: Sequence[str]) -> ParsedReference:
    """A copy of ``ref`` the import may change, with the ``tags`` given to every record.

    The caller's results stay as they were (a dry run's results are imported next). The
    attributes are copied as they are, skipping the __init__ that dataclasses.replace
    runs and copy.copy's generic protocol (5 of the 6 microseconds a record).
    """
    fresh = object.__new__(type(ref))
    fresh.__dict__.update(ref.__dict__)
    fresh.extra_fields = dict(ref.extra_fields)
    fresh.tags = [*ref.tags, *(t for t in tags if t not in ref.tags)]
    return fresh


def _add_file_problems(report: ImportReport, result: ParseResult) -> None:
    """Add a file's problems and skipped entries to the report."""
    for p in result.problems:
        report.problems.append(FileProblem(result.source, p.line, p.message, p.kind, p.raw))
    report.skipped += len(result.skipped)


def _match_of(
    i: int,
    refs: Sequence[ParsedReference],
    in_library: Sequence[tuple[_Existing, str] | None],
    file_hit: tuple[int, str] | None,
) -> tuple[DuplicateMatch | None, tuple[_Existing, str] | None]:
    """What record ``i`` duplicates (None: nothing), and the library record it meets.

    A record that duplicates an earlier one of the import which is itself in the library
    meets that library record.
    """
    lib_hit = in_library[i]
    if lib_hit is not None:
        reason = lib_hit[1]
    elif file_hit is not None:
        j, reason = file_hit
        lib_hit = in_library[j]
    else:
        return None, None
    ref = refs[i]
    if lib_hit is not None:
        met = lib_hit[0]
        existing_id, key, title, line = met.id, met.citation_key, met.title, 0
    else:
        other = refs[j]
        existing_id, key, title, line = None, other.citation_key, other.title, other.line
    match = DuplicateMatch(
        ref.source, ref.line, i, ref.citation_key, ref.title, existing_id, key, title, line, reason
    )
    return match, lib_hit


class _StreamedImport:
    """An import on a server that stores its records while their files are read.

    On a server most of an import's work is the server's (the rows, their indexes and
    search words), and it used to begin only once the whole file was read and checked,
    the server idle meanwhile. Here each batch of records the reader hands over
    (`RecordFeed`) is checked for duplicates, given its keys and ids, and sent into
    ``references`` (`postgres.RowStream`) while the reader goes on, so the server works
    through the rows while Python reads the rest. The decisions are those of
    `import_parsed`, taken in the same order: the duplicate check and the keys run a
    batch at a time over everything seen before (`_FileIndex`, ``used`` keys). The
    library is read, and ids are taken, through a second connection of the same
    database, since the first one is sending rows; what the import adds is not
    committed, so that connection sees the library as it was.

    Only for what needs no second look at a record once stored: not a dry run, no merge,
    no per-record decision (the window's import, which shows a dry run first, takes
    `import_parsed`), and a transaction that has written nothing yet, which the second
    connection would not see (`_wrote_before`). A record with a field over the size
    limit is emptied of it only once its file is read (`drop_oversized`), so from such
    a record on the rest is taken after the read. Cancel or any error abandons the ``COPY`` under way; the
    caller rolls back, and nothing is left.
    """

    def __init__(
        self,
        session: Session,
        default: OnDuplicate,
        tags: Sequence[str],
        progress: ProgressSink,
        cancel: CancelToken | None,
    ) -> None:
        self.session = session
        self.default = default
        self.tags = list(tags)
        self.progress = progress
        self.cancel = cancel
        self.check = cancel.check if cancel is not None else (lambda: None)
        self.now = clock.now()
        self.report = ImportReport(dry_run=False)
        self.refs: list[ParsedReference] = []
        self.in_library: list[tuple[_Existing, str] | None] = []
        self.files = _FileIndex()
        self.status: list[str] = []
        self.stored: list[ParsedReference] = []
        self.ids: list[int] = []
        self.used_keys: set[str] = set()
        self.key_problems: list[FileProblem] = []
        self.waiting = False  # a batch is left for after the read, and all after it
        self.rows: Any = None  # the RowStream, from the first stored row on
        self.lookups: Session | None = None

    def run(self, paths: Sequence[Path]) -> tuple[ImportReport, list[ParseResult]]:
        """Read, check and store; the report and what was read."""
        from sqlalchemy.orm import Session as OrmSession

        session = self.session
        _one_import_at_a_time(session)
        first_tag, first_block = _max_id(session, "tags"), _max_id(session, "bib_blocks")
        self.lookups = OrmSession(bind=session.get_bind())
        try:
            results = read_files(paths, self.progress, self.cancel, self.listener)
            everything = [ref for result in results for ref in result.references]
            self.waiting = True
            for start in range(len(self.refs), len(everything), RecordFeed.BATCH):
                self._take(everything[start : start + RecordFeed.BATCH])
            if self.rows is not None:
                self.progress(len(self.stored), len(self.stored), "Indexing references")
                self.rows.finish()
                self.rows = None
        except BaseException:
            if self.rows is not None:
                self.rows.abandon()
            raise
        finally:
            self.lookups.close()
        report = self.report
        for result in results:
            _add_file_problems(report, result)
        report.imported = len(self.stored)
        report.problems.extend(self.key_problems)
        _summarise_files(report, results, self.refs, self.status)
        report.imported_ids = list(self.ids)
        tagged = [
            (ref_id, r.tags) for r, ref_id in zip(self.stored, self.ids, strict=True) if r.tags
        ]
        if tagged:
            _add_tags(session, tagged)
        _store_blocks(session, results)
        report.changes = ImportChanges(
            tuple(self.ids),
            ReferenceSnapshot(),
            {},
            _ids_after(session, "bib_blocks", first_block),
            _ids_after(session, "tags", first_tag),
        )
        self.progress(len(self.stored), len(self.stored), "Done")
        return report, results

    def listener(self, records: Sequence[ParsedReference]) -> None:
        """Take a batch as it is read (`RecordListener`), unless one waits for the read."""
        if self.waiting:
            return
        if any(oversized(ref) for ref in records):
            self.waiting = True  # this batch and the rest: after the read has cut them
            return
        self._take(records)

    def _take(self, records: Sequence[ParsedReference]) -> None:
        self.check()
        assert self.lookups is not None
        start = len(self.refs)
        fresh = [_import_copy(ref, self.tags) for ref in records]
        self.refs.extend(fresh)
        keys = [_keys_of(r) for r in fresh]
        self.in_library.extend(_library_matches(self.lookups, fresh, keys))
        file_hits = self.files.extend(keys)
        new: list[int] = []
        for offset, file_hit in enumerate(file_hits):
            i = start + offset
            match, _lib_hit = _match_of(i, self.refs, self.in_library, file_hit)
            if match is None:
                new.append(i)
                self.status.append("new")
                continue
            self.report.matches.append(match)
            if self.default is OnDuplicate.KEEP:
                new.append(i)
                self.status.append("kept")
                self.report.kept_duplicates += 1
            else:
                self.status.append("duplicate")
                self.report.duplicates += 1
        if not new:
            return
        from scholar_desk.core.db import postgres
        from scholar_desk.core.services.references.snapshots import _REFERENCES

        to_store = [self.refs[i] for i in new]
        _assign_keys(self.lookups, to_store, self.key_problems, self.used_keys)
        ids = postgres.next_ids(self.lookups.connection(), _REFERENCES, len(to_store))
        rows = []
        for i, ref, ref_id in zip(new, to_store, ids, strict=True):
            row = _row(ref, self.now, self.files.keys[i].title)
            row["id"] = ref_id
            rows.append(row)
        if self.rows is None:
            self.rows = postgres.RowStream(
                self.session.connection(), _REFERENCES, list(rows[0]), part_rows=COPY_PART_ROWS
            )
        self.rows.write(rows)
        self.stored.extend(to_store)
        self.ids.extend(ids)
        self.progress(len(self.stored), len(self.refs), "Storing references")


def _one_import_at_a_time(unit: Unit) -> None:
    """On a server, wait for another machine's import to end before reading the library.

    As SQLite's write lock does: its records are then found as duplicates here, instead
    of both imports storing them and one failing on a key at the end.
    """
    if dialect_name(unit) == "postgresql":
        from scholar_desk.core.db import postgres

        postgres.hold_import_lock(cast("Session", unit).connection())


def _wrote_before(session: Session) -> bool:
    """Whether the session's transaction already changed something (another import...).

    A streamed import checks duplicates and keys through a second connection, which
    would not see those changes; such a transaction takes the read-first path instead.
    """
    from scholar_desk.core.db import postgres

    session.flush()
    return postgres.has_written(session.connection())


def _max_id(unit: Unit, table: str) -> int:
    """The highest id of ``table`` (0 when empty): rows added later have higher ids."""
    return int(fetch(unit, f"SELECT max(id) FROM {table}")[0][0] or 0)


def _ids_after(unit: Unit, table: str, first: int) -> tuple[int, ...]:
    return tuple(
        row_id
        for (row_id,) in fetch(
            unit, f"SELECT id FROM {table} WHERE id > :first ORDER BY id", {"first": first}
        )
    )


def _snapshot_of(unit: Unit, ids: Sequence[int]) -> ReferenceSnapshot:
    """The library records duplicates are merged into, as they are (a session's work)."""
    if not ids:
        return ReferenceSnapshot()
    from scholar_desk.core.services.references.snapshots import _snapshot

    return _snapshot(cast("Session", unit), ids)


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


def _store_blocks(unit: Unit, results: Sequence[ParseResult]) -> None:
    rows: list[dict[str, Any]] = []
    existing: set[tuple[str, str]] = {
        (k, t) for k, t in fetch(unit, "SELECT block_kind, text FROM bib_blocks")
    }
    for result in results:
        for kind, text in result.blocks:
            if (kind, text) in existing or not text:
                continue
            existing.add((kind, text))
            rows.append({"block_kind": kind, "text": text, "source": result.source[:300]})
    execute_many(
        unit,
        "INSERT INTO bib_blocks (block_kind, text, source) VALUES (:block_kind, :text, :source)",
        rows,
    )
