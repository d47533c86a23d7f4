"""A large import on a PostgreSQL server stores what it stores on SQLite, or nothing.

On the server an import sends its rows with ``COPY``, one per part of
`importing.COPY_PART_ROWS` rows sent by a thread of its own while the next part is
made, and from 1,000 rows on the search trigger computes their words in parallel
(revision 0015). The command line's import (``streamed``) sends each batch of records
while the rest of the files is read; the window's (``read first``) reads first. Either
way the rows, ids, words, search hits, duplicate report, tags, blocks and undo data must
be those of SQLite, whether the rows go in one part or several, and a cancel or an error
in the middle (in the first part or a later one) must leave the server as it was. These
run whenever PostgreSQL's binaries are installed, whatever ``--engine`` says.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import select, text

from scholar_desk.core import clock
from scholar_desk.core.db import fulltext, postgres
from scholar_desk.core.db import models as m
from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import BusyError
from scholar_desk.core.progress import CancelledError, CancelToken
from scholar_desk.core.services import references as refs
from scholar_desk.core.services.references import importing
from scholar_desk.core.services.session import SINGLE_USER

_WORDS = (
    "genicular",
    "radiofrequency",
    "ablation",
    "nerve",
    "block",
    "spinal",
    "cord",
    "stimulation",
    "ketamine",
    "infusion",
    "opioid",
    "tapering",
    "buprenorphine",
    "lumbar",
    "facet",
    "sacroiliac",
    "epidural",
    "steroid",
    "neuropathic",
    "migraine",
)
_FAMILIES = ('M{\\"u}ller', "Ruiz", "O'Brien", "Nguyen", "Kowalski", "Dubois-Lef{\\`e}vre")
_QUERIES = (
    "genic",
    "radiofrequency abl",
    "müller ket",
    "o'brien",
    "dubois",
    "2019",
    "example",
    "self-report",
    "review",
    "zzz",
)
"""Searches the two engines' word splitters answer alike (they differ on purpose
elsewhere: FTS5 drops accents, PostgreSQL keeps an e-mail address or 3.5 whole)."""


def _bib(count: int, seed: int, first: int = 0) -> str:
    """``count`` entries: accents, hyphens, URLs, numbers; every 40th repeats a DOI."""
    rnd = random.Random(seed)
    out = ['@string{pm = "Pain Medicine"}\n@preamble{"\\newcommand{\\noop}[1]{}"}\n\n']
    for i in range(first, first + count):
        authors = " and ".join(
            f"{rnd.choice(_FAMILIES)}, {rnd.choice('ABCDE')}." for _ in range(rnd.randint(1, 4))
        )
        words = rnd.sample(_WORDS, 6)
        title = f"{words[0].capitalize()} {words[1]} and {{MRI}} {words[2]}-{words[3]} study {i}"
        abstract = (
            " ".join(rnd.choice(_WORDS) for _ in range(30))
            + f" See https://example.org/trial/{i} or x{i}@example.org; p~{{<}}~0.0{i % 10}, "
            f"self-report scores 3.5--4.{i % 7} ({i % 100}\\%)."
        )
        doi = f"10.1000/bench.{i - 1 if i % 40 == 39 else i}"
        journal = "pm" if i % 5 == 0 else "{Regional Anesthesia}"
        title_line = f"  title = {{{title}}},\n" if i % 97 else ""
        out.append(
            f"@article{{k{i},\n  author = {{{authors}}},\n{title_line}"
            f"  journal = {journal},\n  year = {{{1990 + i % 35}}},\n"
            f"  doi = {{{doi}}},\n  keywords = {{{', '.join(words[3:])}}},\n"
            f"  abstract = {{{abstract}}},\n  note = {{Extra field {i}}},\n}}\n\n"
        )
    return "".join(out)


def _rows(session: Any) -> list[dict[str, Any]]:
    table = m.Reference.__table__
    return [
        {k: v for k, v in row.items() if k not in ("created_at", "updated_at")}
        for row in session.execute(select(table).order_by(table.c.id)).mappings()
    ]


def _state(library: Library) -> dict[str, Any]:
    with library.reading() as session:
        return {
            "rows": _rows(session),
            "tags": session.execute(
                text("SELECT reference_id, tag_id FROM reference_tags ORDER BY 1, 2")
            ).all(),
            "tag_names": session.scalars(text("SELECT name FROM tags ORDER BY id")).all(),
            "blocks": session.execute(
                text("SELECT id, block_kind, text FROM bib_blocks ORDER BY id")
            ).all(),
            "audit": session.scalars(text("SELECT new_value FROM audit_events ORDER BY id")).all(),
            "hits": {
                q: sorted(refs.matching_ids(session, SINGLE_USER, q) or []) for q in _QUERIES
            },
        }


def _import(session: Any, paths: list[Path], how: str, **options: Any) -> refs.ImportReport:
    """An import as the command line runs it (``streamed``: on a server, the records are
    stored while the file is read) or as the window does (``read first``)."""
    if how == "streamed":
        return refs.import_files(session, SINGLE_USER, paths, **options)
    results = refs.read_files(paths)
    return refs.import_parsed(session, SINGLE_USER, results, **options)


def _import_twice(
    library: Library, tmp_path: Path, how: str = "streamed"
) -> list[refs.ImportReport]:
    """300 references, then 2,000 of which 300 are in the library and 43 repeat a DOI."""
    first, second = tmp_path / "first.bib", tmp_path / "second.bib"
    first.write_text(_bib(300, seed=1), encoding="utf-8")
    second.write_text(_bib(2000, seed=2), encoding="utf-8")
    reports = []
    for path, tags in ((first, ()), (second, ("review", "pain"))):
        with library.transaction() as session:
            reports.append(_import(session, [path], how, tags=tags))
    return reports


HOW = pytest.mark.parametrize("how", ["streamed", "read first"])


@pytest.fixture
def copy_parts(request, monkeypatch) -> int:
    """Rows per ``COPY`` of an import on the server (the parameter, else the default)."""
    rows = getattr(request, "param", None)
    if rows is not None:
        monkeypatch.setattr(importing, "COPY_PART_ROWS", rows)
    return importing.COPY_PART_ROWS


@pytest.fixture
def fixed_clock():
    moment = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    clock.set_clock(lambda: moment)
    yield moment
    clock.set_clock(None)


@pytest.mark.parametrize(
    "copy_parts", [None, 1000], indirect=True, ids=["one-copy", "copy-per-1000-rows"]
)
@HOW
def test_a_large_import_on_the_server_stores_what_sqlite_stores(
    pg_databases, tmp_path, fixed_clock, copy_parts, how
) -> None:
    name, url = pg_databases.create()
    try:
        with Library.open(str(tmp_path / "lib.sqlite3")) as library:
            lite_reports = _import_twice(library, tmp_path)
            lite = _state(library)
        with Library.open(url) as library:
            server_reports = _import_twice(library, tmp_path, how)
            server = _state(library)
            with library.reading() as session:
                # Every stored word list is the one revision 0014's trigger stores row
                # by row: the parallel path of 0015 computes the same thing.
                differing = session.scalar(
                    text(
                        "SELECT count(*) FROM reference_search s "
                        'JOIN "references" r ON r.id = s.reference_id '
                        f"WHERE s.document IS DISTINCT FROM {fulltext._PG_DOCUMENT}"
                    )
                )
                indexed = session.scalar(text("SELECT count(*) FROM reference_search"))
    finally:
        pg_databases.drop(name)
    second = server_reports[1]
    assert second.imported > 1000  # the parallel path of the search trigger
    # One COPY per import by default; in parts (a full one indexed in parallel, the
    # last one row by row) with 1,000 rows a part.
    assert (second.imported > copy_parts) == (copy_parts == 1000)
    assert second.duplicates == len(second.matches) == 300 + 43
    assert sum(match.existing_id is None for match in second.matches) == 43  # in the file
    for lite_report, server_report in zip(lite_reports, server_reports, strict=True):
        assert server_report.summary() == lite_report.summary()
        assert server_report.matches == lite_report.matches
        assert server_report.problems == lite_report.problems
        assert server_report.imported_ids == lite_report.imported_ids
        assert server_report.changes == lite_report.changes
    assert server["rows"] == lite["rows"]
    assert len(server["rows"]) == indexed == server_reports[0].imported + second.imported
    assert differing == 0
    assert server["hits"] == lite["hits"]
    assert server["hits"]["genic"]
    assert server["hits"]["müller ket"]
    assert server["tags"] == lite["tags"]
    assert server["tag_names"] == lite["tag_names"] == ["pain", "review"]
    assert server["blocks"] == lite["blocks"]
    assert server["audit"] == lite["audit"]


def _server_state(url: str) -> dict[str, Any]:
    with Library.open(url) as library:
        state = _state(library)
        with library.reading() as session:
            state["search_rows"] = session.execute(
                text("SELECT reference_id, document::text FROM reference_search ORDER BY 1")
            ).all()
    return state


@HOW
@pytest.mark.parametrize("copy_parts", [None, 600], indirect=True, ids=["one-copy", "in-parts"])
def test_a_cancelled_import_leaves_the_server_as_it_was(
    pg_databases, tmp_path, copy_parts, how
) -> None:
    # In parts of 600 rows, the first part is stored when Cancel comes in the second
    # (streamed: the third batch of 500 records read, with 975 stored; read first: with
    # 1,000 rows sent).
    name, url = pg_databases.create()
    try:
        with Library.open(url) as library:
            _import_twice(library, tmp_path)
        before = _server_state(url)
        path = tmp_path / "more.bib"
        path.write_text(_bib(1500, seed=3, first=5000), encoding="utf-8")
        token = CancelToken()
        seen: list[tuple[int, str]] = []

        def progress(done: int, _total: int, label: str) -> None:
            seen.append((done, label))
            if label == "Storing references" and done >= 900:
                token.cancel()  # inside the COPY, with 900 rows or more sent

        with (
            Library.open(url) as library,
            pytest.raises(CancelledError),
            library.transaction() as session,
        ):
            _import(session, [path], how, progress=progress, cancel=token)
        after = _server_state(url)
    finally:
        pg_databases.drop(name)
    stored = [done for done, label in seen if label == "Storing references"]
    assert 900 <= stored[-1] < 1463  # cancelled before the last batch (1,463 are new)
    assert after == before


@HOW
@pytest.mark.parametrize("copy_parts", [None, 600], indirect=True, ids=["one-copy", "in-parts"])
def test_an_import_failing_on_the_server_leaves_it_as_it_was(
    pg_databases, tmp_path, copy_parts, how, monkeypatch
) -> None:
    # Another machine stores a key this import chose after it checked the keys: the
    # server refuses the COPY halfway (in parts of 600 rows: the third part, after two
    # were stored), and nothing of the import stays. Streamed, the keys of each batch
    # are checked as it is read, so the other machine stores it just after the check of
    # the batch holding it (the third).
    name, url = pg_databases.create()
    try:
        with Library.open(url) as library:
            _import_twice(library, tmp_path)
        path = tmp_path / "more.bib"
        path.write_text(_bib(1500, seed=3, first=5000), encoding="utf-8")
        conninfo = {"host": pg_databases.server.socket_dir, "user": "postgres", "dbname": name}

        def store_elsewhere() -> None:
            with psycopg.connect(**conninfo) as other:
                other.execute(
                    'INSERT INTO "references" (entry_type, citation_key, authors, '
                    "first_author, title, journal, volume, issue, pages, doi, pmid, url, "
                    "abstract, keywords, extra_fields, title_key, source, tags_text, "
                    "version, created_at, updated_at) VALUES ('article', 'k6400', '', '', "
                    "'Elsewhere', '', '', '', '', '', '', '', '', '', '{}', 'elsewhere', "
                    "'', '', 1, now(), now())"
                )

        def progress(done: int, _total: int, label: str) -> None:
            if label == "Storing references" and done == 0:
                store_elsewhere()

        if how == "streamed":
            taking = postgres.next_ids
            batches = iter(range(1, 10))

            def next_ids(*args: Any) -> list[int]:
                if next(batches) == 3:
                    store_elsewhere()
                return taking(*args)

            monkeypatch.setattr(postgres, "next_ids", next_ids)
        before = _server_state(url)
        with (
            Library.open(url) as library,
            pytest.raises(BusyError) as refused,
            library.transaction() as session,
        ):
            _import(session, [path], how, progress=progress)
        # What the command line and the window show: one sentence a person can act on.
        assert refused.value.user_message == (
            "Another person saved the same value (the citation key 'k6400') at the same "
            "moment; nothing was saved. Try again."
        )
        after = _server_state(url)
    finally:
        pg_databases.drop(name)
    added = [row for row in after["rows"] if row not in before["rows"]]
    assert [row["citation_key"] for row in added] == ["k6400"]  # the other machine's only
    assert len(after["rows"]) == len(before["rows"]) + 1
    assert after["search_rows"][: len(before["search_rows"])] == before["search_rows"]
    assert len(after["search_rows"]) == len(before["search_rows"]) + 1
    for part in ("tags", "tag_names", "blocks", "audit"):
        assert after[part] == before[part]


def test_records_are_stored_while_later_files_are_read_in_a_fresh_transaction(
    pg_databases, tmp_path
) -> None:
    # A transaction that already wrote (here: an import of the same records) reads
    # first: the second connection the streamed import checks keys and duplicates on
    # would not see those rows, and their keys would clash on the server.
    first, second, third = (tmp_path / f"{n}.bib" for n in ("first", "second", "third"))
    first.write_text(_bib(700, seed=6), encoding="utf-8")
    second.write_text(_bib(700, seed=7, first=700), encoding="utf-8")
    third.write_text(_bib(300, seed=8, first=1400), encoding="utf-8")
    name, url = pg_databases.create()
    try:
        with Library.open(url) as library:
            fresh: list[str] = []
            with library.transaction() as session:
                one = refs.import_files(
                    session, SINGLE_USER, [first, second], progress=lambda *a: fresh.append(a[2])
                )
            after_write: list[str] = []
            with library.transaction() as session:
                two = refs.import_files(session, SINGLE_USER, [third])
                again = refs.import_files(
                    session,
                    SINGLE_USER,
                    [third, first],
                    on_duplicate="keep",
                    progress=lambda *a: after_write.append(a[2]),
                )
            with library.reading() as session:
                keys = list(session.scalars(select(m.Reference.citation_key)))
    finally:
        pg_databases.drop(name)
    assert fresh.index("Storing references") < fresh.index("Reading second.bib")
    assert after_write.index("Reading first.bib") < after_write.index("Storing references")
    assert again.imported == 1000
    assert len(keys) == len(set(keys)) == one.imported + two.imported + 1000


def test_two_machines_importing_the_same_file_at_once_store_it_once(
    pg_databases, tmp_path
) -> None:
    # As on SQLite, whose write lock makes the second import wait: the second one waits
    # for the first, then finds its records as duplicates, instead of failing on a key.
    path = tmp_path / "shared.bib"
    path.write_text(_bib(3000, seed=9), encoding="utf-8")
    name, url = pg_databases.create()
    try:
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "scholar_desk", "--db", url, "import", "--json", str(path)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [run.communicate(timeout=180) for run in runs]
        with Library.open(url) as library, library.reading() as session:
            stored = session.scalar(text('SELECT count(*) FROM "references"'))
            indexed = session.scalar(text("SELECT count(*) FROM reference_search"))
    finally:
        pg_databases.drop(name)
    assert [run.returncode for run in runs] == [0, 0], [err for _out, err in outputs]
    reports = sorted((json.loads(out) for out, _err in outputs), key=lambda r: r["imported"])
    assert reports[1]["imported"] == stored == indexed > 2900
    assert reports[0]["imported"] == 0
    assert reports[0]["duplicates"] == reports[1]["imported"] + reports[1]["duplicates"]


def test_the_readme_application_role_imports_in_bulk(pg_server, tmp_path) -> None:
    # The application's role of README's department setup may create the temporary
    # table the parallel path uses, and run its function.
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    sql = readme.split("## Department server", 1)[1].split("```sql\n", 1)[1].split("```", 1)[0]
    pg_server.psql(sql, script=True)
    try:
        owner = pg_server.url("scholar_desk", user="scholar_owner")
        app = pg_server.url("scholar_desk", user="scholar_app")
        made = subprocess.run(
            [sys.executable, "-m", "scholar_desk", "--db", owner, "init"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        assert made.returncode == 0, made.stderr
        path = tmp_path / "bulk.bib"
        path.write_text(_bib(1200, seed=4), encoding="utf-8")
        with Library.open(app) as library:
            with library.transaction() as session:
                report = refs.import_files(session, SINGLE_USER, [path])
            with library.reading() as session:
                indexed = session.scalar(text("SELECT count(*) FROM reference_search"))
                hits = refs.matching_ids(session, SINGLE_USER, "study 1198")
    finally:
        pg_server.psql("DROP DATABASE IF EXISTS scholar_desk WITH (FORCE)")
        pg_server.psql("DROP ROLE IF EXISTS scholar_app; DROP ROLE IF EXISTS scholar_owner")
    assert report.imported > 1000
    assert indexed == report.imported
    assert hits == [report.imported_ids[-1]]
