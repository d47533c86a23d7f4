"""An import in plain SQL (`PlainWriter`) stores exactly what the same import through a
session stores: every table, the report, duplicates, keys, tags, blocks, the audit event,
the permission check; and a refused, failed, cancelled or killed one leaves nothing."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from scholar_desk.cli import CliContext, build_parser, main, resolve_actor
from scholar_desk.core.db.library import Library
from scholar_desk.core.db.plain import NotPlainError, PlainReader, PlainWriter
from scholar_desk.core.errors import ImportFileError, PermissionDeniedError
from scholar_desk.core.progress import CancelledError, CancelToken
from scholar_desk.core.services import accounts, demo
from scholar_desk.core.services import references as svc
from scholar_desk.core.services.references.records import ImportReport
from scholar_desk.core.services.session import SINGLE_USER, Actor

pytestmark = pytest.mark.sqlite_only(reason="the plain way in is for SQLite files")

DATA = Path(__file__).resolve().parents[1] / "data" / "plain_import"
FIRST, SECOND, BINARY = DATA / "first.bib", DATA / "second.bib", DATA / "binary.bib"
_MOMENT = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$")
_MOMENT_COLUMNS = {"created_at", "updated_at", "at"}


# Helpers --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plain") / "empty.sqlite3"
    with Library.open(path):
        pass
    return path


@pytest.fixture
def twins(empty_db: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Two copies of one migrated database: one for each way in."""
    plain, session = tmp_path / "plain.sqlite3", tmp_path / "session.sqlite3"
    shutil.copy(empty_db, plain)
    shutil.copy(empty_db, session)
    return plain, session


def contents(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows in order, the moments of the import (checked for their form)
    replaced by a mark; the full-text index's own tables included."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    # Closed at once: a connection left open in this process while another process
    # writes, and this one reads the file's bytes, loses its locks (POSIX) and then
    # reads a log the writer removed.
    with contextlib.closing(sqlite3.connect(path)) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        for table in tables:
            try:
                cursor = conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
            except sqlite3.OperationalError:  # WITHOUT ROWID: in key order
                cursor = conn.execute(f'SELECT * FROM "{table}"')
            names = [d[0] for d in cursor.description]
            rows = []
            for row in cursor:
                values = list(row)
                for i, name in enumerate(names):
                    if name in _MOMENT_COLUMNS and table != "references_fts" and values[i]:
                        assert _MOMENT.match(values[i]), (table, name, values[i])
                        values[i] = "<moment>"
                rows.append(tuple(values))
            out[table] = rows
    return out


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def report_facts(report: ImportReport) -> dict[str, Any]:
    facts = asdict(report)
    return json.loads(json.dumps(facts, default=str))


def import_plain(db: Path, actor: Actor, files: Sequence[Path], **options: Any) -> ImportReport:
    results = svc.read_files(files)
    writer = PlainWriter.open_current(str(db))
    assert writer is not None
    with writer:
        return svc.import_parsed(writer, actor, results, **options)


def import_session(db: Path, actor: Actor, files: Sequence[Path], **options: Any) -> ImportReport:
    results = svc.read_files(files)
    with Library.open(db) as lib, lib.transaction() as session:
        return svc.import_parsed(session, actor, results, **options)


def ordinary_cli(db: Path, *args: str) -> int:
    """``scholar-desk import`` as `main` runs it when the plain way does not apply."""
    parsed = build_parser().parse_args([*args, "--db", str(db)])
    with Library.open(db) as lib:
        actor = resolve_actor(lib, getattr(parsed, "user", None), needs_login=True)
        return int(parsed.func(CliContext(lib, actor, parsed)))


# The same import both ways ----------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"on_duplicate": "keep", "tags": ["review", "knee"]},
        {"on_duplicate": "merge", "tags": ["review"]},  # merges inside each file only
    ],
    ids=["skip", "keep-tagged", "merge-in-file"],
)
def test_two_imports_store_the_same_both_ways(
    twins: tuple[Path, Path], options: dict[str, Any]
) -> None:
    plain, session = twins
    second_options = {**options, "on_duplicate": "keep"} if options else {}
    reports = []
    for db, run in ((plain, import_plain), (session, import_session)):
        first = run(db, SINGLE_USER, [FIRST], **options)
        second = run(db, SINGLE_USER, [SECOND], **second_options)
        reports.append((report_facts(first), report_facts(second)))
    assert reports[0] == reports[1]
    assert contents(plain) == contents(session)
    stored = contents(plain)
    keys = {row[2] for row in stored["references"]}
    assert {"Smith2020", "Smith2020a", "Grand2021", "New2022", "Anon"} <= keys
    assert {row[1] for row in stored["bib_blocks"]} == {"preamble", "string", "comment"}
    assert [row[3:6] for row in stored["audit_events"]] == [("import", "reference", None)] * 2
    first, second = reports[0]
    # SmithDup: the same DOI as Smith2020 in the file; New2022b: a similar title.
    assert first["duplicates"] + first["kept_duplicates"] == 1
    assert second["duplicates"] + second["kept_duplicates"] == 2
    if options.get("on_duplicate") == "keep":
        assert second["kept_duplicates"] >= 1  # Smith2020x: the same DOI, in the library
        assert any("Grand2021a" in p["message"] for p in second["problems"])
    if options.get("tags"):
        assert {row[1] for row in stored["tags"]} == set(options["tags"])


def test_the_command_line_reports_and_stores_the_same_both_ways(
    twins: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    plain, session = twins
    outputs = []
    for db, run in ((plain, main), (session, None)):
        texts = []
        for args in (
            ("import", str(FIRST), "--tag", "t1", "--json"),
            ("import", str(SECOND), "--dry-run"),
            ("import", str(SECOND), "--on-duplicate", "keep"),
        ):
            if run is None:
                assert ordinary_cli(db, *args) == 0
            else:
                assert main([*args, "--db", str(db)]) == 0
            texts.append(capsys.readouterr().out)
        outputs.append(texts)
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0][0])["imported"] == 4
    assert "Would import" in outputs[0][1]
    assert contents(plain) == contents(session)


@pytest.mark.corpus
def test_every_large_corpus_file_stores_the_same_both_ways(
    corpus: Path, empty_db: Path, tmp_path: Path
) -> None:
    files = sorted((corpus / "bib-large").glob("*.bib"), key=lambda p: p.stat().st_size)
    assert files
    for number, path in enumerate(files):
        plain, session = tmp_path / f"plain{number}.sqlite3", tmp_path / f"session{number}.sqlite3"
        shutil.copy(empty_db, plain)
        shutil.copy(empty_db, session)
        reports = []
        for db, run in ((plain, import_plain), (session, import_session)):
            first = run(db, SINGLE_USER, [path], tags=["corpus"])
            again = None
            if number == 0:
                # The smallest again: every record is now a duplicate of one in the
                # library; kept, each needs a new key.
                again = report_facts(run(db, SINGLE_USER, [path], on_duplicate="keep"))
            reports.append((report_facts(first), again))
        assert reports[0] == reports[1], path.name
        assert contents(plain) == contents(session), path.name
        assert reports[0][0]["imported"] > 500, path.name


# Where the plain way stops --------------------------------------------------------------


def test_a_merge_into_a_library_record_needs_a_session_and_the_command_goes_that_way(
    twins: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    plain, session = twins
    for db in twins:
        import_session(db, SINGLE_USER, [FIRST])
    before = digest(plain)
    with pytest.raises(NotPlainError):
        import_plain(plain, SINGLE_USER, [SECOND], on_duplicate="merge")
    assert digest(plain) == before  # raised before anything was written
    args = ("import", str(SECOND), "--on-duplicate", "merge", "--json")
    assert main([*args, "--db", str(plain)]) == 0
    through_main = capsys.readouterr().out
    assert ordinary_cli(session, *args) == 0
    assert capsys.readouterr().out == through_main
    assert contents(plain) == contents(session)
    assert json.loads(through_main)["duplicates"] == 2  # one into the library, one in the file


def test_an_old_schema_or_a_missing_file_is_not_opened_plainly(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    with contextlib.closing(sqlite3.connect(old)) as conn, conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        conn.execute("INSERT INTO alembic_version VALUES ('0001')")
    assert PlainWriter.open_current(str(old)) is None
    assert PlainWriter.open_current(str(tmp_path / "missing.sqlite3")) is None
    assert PlainWriter.open_current("postgresql://nobody@localhost/none") is None


# Who may import -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plain-demo") / "demo.sqlite3"
    with Library.open(path) as lib, lib.transaction() as s:
        demo.fill(s)
    return path


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_db, path)
    return path


def test_a_mentor_is_refused_the_same_both_ways_and_nothing_is_written(demo_copy: Path) -> None:
    with Library.open(demo_copy) as lib, lib.transaction() as s:
        mentor = accounts.login(s, "mentor", "demo")
    before = digest(demo_copy)
    with pytest.raises(PermissionDeniedError) as plain_refusal:
        import_plain(demo_copy, mentor, [FIRST])
    with pytest.raises(PermissionDeniedError) as session_refusal:
        import_session(demo_copy, mentor, [FIRST])
    assert plain_refusal.value.user_message == session_refusal.value.user_message
    assert "Mentors can read the reference library" in plain_refusal.value.user_message
    assert digest(demo_copy) == before


def test_a_signed_in_fellow_imports_plainly_and_a_mentor_is_refused_without_sqlalchemy(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def login(name: str) -> None:  # one sign-in kept per database: the latest
        monkeypatch.setenv("SCHOLAR_DESK_PASSWORD", "demo")
        assert main(["login", "--db", str(demo_copy), "--user", name]) == 0
        monkeypatch.delenv("SCHOLAR_DESK_PASSWORD")

    login("mentor")
    before = contents(demo_copy)
    code, loaded, out, err = _probe("import", str(FIRST), "--user", "mentor", db=demo_copy)
    assert (code, loaded) == (2, False), err
    assert "Mentors can read the reference library, not change it." in err
    assert contents(demo_copy) == before
    login("fellow1")
    code, loaded, out, err = _probe(
        "import", str(FIRST), "--json", "--user", "fellow1", db=demo_copy
    )
    assert (code, loaded) == (0, False), err
    assert json.loads(out[: out.rindex("\nloaded:")])["imported"] == 4
    with contextlib.closing(sqlite3.connect(demo_copy)) as conn:
        (actor,) = conn.execute(
            "SELECT actor FROM audit_events WHERE action = 'import' ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert actor == "fellow1"


_PROBE = """
import sys
from scholar_desk.__main__ import main
status = main(sys.argv[1:])
print("\\nloaded:" + str("sqlalchemy" in sys.modules))
sys.exit(status)
"""


def _probe(*args: str, db: Path) -> tuple[int, bool, str, str]:
    """Run the real entry point in a fresh interpreter: status, SQLAlchemy loaded, output."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *args, "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    loaded = result.stdout.rsplit("loaded:", 1)[-1].strip() == "True"
    return result.returncode, loaded, result.stdout, result.stderr


# Nothing half written -------------------------------------------------------------------


def test_a_dry_run_writes_nothing(empty_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "dry.sqlite3"
    shutil.copy(empty_db, db)
    import_plain(db, SINGLE_USER, [FIRST])
    before = digest(db)
    results = svc.read_files([SECOND])
    reader = PlainReader.open_current(str(db))
    assert reader is not None
    with reader:
        report = svc.import_parsed(reader, SINGLE_USER, results, dry_run=True)
    assert (report.imported, report.duplicates, report.dry_run) == (2, 2, True)
    assert main(["import", str(SECOND), "--dry-run", "--db", str(db)]) == 0
    assert digest(db) == before


def test_an_unusable_file_leaves_the_database_byte_identical(
    empty_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "bad.sqlite3"
    shutil.copy(empty_db, db)
    import_plain(db, SINGLE_USER, [FIRST])
    before = digest(db)
    with pytest.raises(ImportFileError):
        import_plain(db, SINGLE_USER, [SECOND, BINARY])
    capsys.readouterr()
    assert main(["import", str(SECOND), str(BINARY), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("scholar-desk: ")
    assert "binary.bib" in err
    assert len(err.strip().splitlines()) == 1
    assert digest(db) == before


def test_a_cancelled_import_leaves_nothing(empty_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "cancel.sqlite3"
    shutil.copy(empty_db, db)
    import_plain(db, SINGLE_USER, [FIRST])
    before = contents(db)
    token = CancelToken()

    def progress(done: int, total: int, what: str) -> None:
        if what == "Indexing references":  # the rows are in the staging table by now
            token.cancel()

    with pytest.raises(CancelledError):
        import_plain(db, SINGLE_USER, [SECOND], progress=progress, cancel=token)
    assert contents(db) == before
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def _size(path: Path) -> int:
    """The file's size; 0 while it does not exist (a closing connection removes a WAL)."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def test_a_killed_import_leaves_nothing(empty_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "killed.sqlite3"
    shutil.copy(empty_db, db)
    import_plain(db, SINGLE_USER, [FIRST])
    before = contents(db)
    big = tmp_path / "big.bib"
    big.write_text(
        "".join(
            f"@article{{K{n},\n  author = {{Author{n}, Ann}},\n"
            f"  title = {{A study of pain number {n} in {n % 97} fellows}},\n"
            f"  journal = {{Pain}}, year = {{{1990 + n % 30}}}\n}}\n"
            for n in range(20_000)
        ),
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "scholar_desk", "--db", str(db), "import", str(big)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wal = db.with_name(db.name + "-wal")
    try:
        # Killed once it writes: the staging rows or the references reach the log.
        while process.poll() is None and _size(wal) <= 1 << 20:
            pass
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "the import ended before it was killed"
    assert contents(db) == before
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


# Values as SQLAlchemy's types store them ------------------------------------------------


def test_plain_values_are_stored_as_the_column_types_store_them(empty_db: Path) -> None:
    import datetime as dt

    from sqlalchemy.dialects import sqlite as sqlite_dialect

    from scholar_desk.core.db.models import Reference
    from scholar_desk.core.db.plain import stored_value

    dialect = sqlite_dialect.dialect()
    table = Reference.__table__
    moment = dt.datetime(2026, 3, 1, 9, 5, 7, 120, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    # As a statement binds them: each type as the SQLite dialect implements it.
    stamp = table.c.created_at.type.dialect_impl(dialect).bind_processor(dialect)
    to_json = table.c.extra_fields.type.dialect_impl(dialect).bind_processor(dialect)
    reader = PlainReader.open_current(str(empty_db))
    assert reader is not None
    with reader:
        assert stored_value(reader, moment) == stamp(moment)
        for value in ({"note": "Über", "n": "1"}, {}, {"a": {"b": [1, "ü"]}}):
            assert stored_value(reader, value) == to_json(value)
