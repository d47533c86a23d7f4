"""A real PostgreSQL server: sign-in, schema, bad input, search, tags, audit, change notices.

These run whenever PostgreSQL's binaries are installed, whatever ``--engine`` says; the
session's server is started once (tests/conftest.py) and stopped at the end.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from scholar_desk.core.db import models as m
from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import DatabaseError
from scholar_desk.core.services import items
from scholar_desk.core.services import references as refs
from scholar_desk.core.services.session import SINGLE_USER

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import pg_server as pgs


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scholar_desk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def empty_db(pg_databases, pg_server):
    name, url = pg_databases.create(empty=True)
    yield name, url
    pg_databases.drop(name)


@pytest.fixture
def server_db(pg_databases):
    name, url = pg_databases.create()
    yield name, url
    pg_databases.drop(name)


def _tables(server: pgs.TempServer, name: str) -> str:
    return server.psql(
        "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'", name
    ).strip()


def test_init_creates_the_schema_through_alembic_and_is_safe_to_repeat(
    empty_db, pg_server
) -> None:
    name, url = empty_db
    for _ in range(2):
        result = cli("--db", url, "init")
        assert result.returncode == 0, result.stderr
        assert "Database ready" in result.stdout
    with Library.open(url) as library:
        assert library.current_revision() == library.head_revision()
    assert "audit_events" in _tables(pg_server, name)


def test_init_upgrades_an_older_schema_and_other_commands_refuse_it(server_db) -> None:
    from alembic import command

    from scholar_desk.core.db.library import alembic_config

    _name, url = server_db
    with Library(url) as library, library.engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006")
    refused = cli("--db", url, "list", "projects")
    assert refused.returncode == 2
    assert "needs an upgrade" in refused.stderr
    assert "init" in refused.stderr
    assert cli("--db", url, "init").returncode == 0
    assert cli("--db", url, "list", "projects").returncode == 0


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("unreachable", "Cannot reach the database server"),
        ("wrong password", "refused the password for 'pw_user'"),
        ("no password", "needs a password for 'pw_user'"),
        ("missing database", "has no database 'nowhere'"),
        ("no schema", "has no Scholar Desk tables yet"),
        ("newer schema", "made by a newer version of Scholar Desk"),
    ],
)
def test_bad_server_input_is_one_line_exit_2_and_nothing_written(
    case, words, empty_db, pg_server, tmp_path
) -> None:
    name, url = empty_db
    env = {"PGPASSFILE": str(tmp_path / "none")}
    if case == "unreachable":
        url = "postgresql+psycopg://someone@127.0.0.1:1/db?connect_timeout=3"
    elif case == "wrong password":
        url = url.replace("postgres@", f"{pgs.PASSWORD_USER}@")
        env["PGPASSWORD"] = "not-it"
    elif case == "no password":
        url = url.replace("postgres@", f"{pgs.PASSWORD_USER}@")
    elif case == "missing database":
        url = pg_server.url("nowhere")
    elif case == "newer schema":
        pg_server.psql(
            "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);"
            "INSERT INTO alembic_version VALUES ('9999')",
            name,
        )
    before = _tables(pg_server, name)
    result = cli("--db", url, "add", "journal", "--set", "name=Pain", env=env)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert words in lines[0]
    assert "s3cret" not in result.stderr
    assert "not-it" not in result.stderr
    assert _tables(pg_server, name) == before


def _grant(server: pgs.TempServer, name: str, role: str) -> None:
    """The application role's rights, as README's "Department server" gives them."""
    server.psql(
        f"GRANT USAGE ON SCHEMA public TO {role};"
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};"
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role};"
        f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM {role}",
        name,
    )


def test_password_from_pgpassword_and_from_pgpass(server_db, pg_server, tmp_path) -> None:
    name, url = server_db
    url = url.replace("postgres@", f"{pgs.PASSWORD_USER}@")
    _grant(pg_server, name, pgs.PASSWORD_USER)
    by_env = cli("--db", url, "list", "journals", env={"PGPASSWORD": pgs.PASSWORD})
    assert by_env.returncode == 0, by_env.stderr
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"*:*:*:{pgs.PASSWORD_USER}:{pgs.PASSWORD}\n")
    pgpass.chmod(0o600)
    by_file = cli("--db", url, "list", "journals", env={"PGPASSFILE": str(pgpass)})
    assert by_file.returncode == 0, by_file.stderr


def test_a_prompt_gives_the_password_and_keeps_it_in_memory(server_db, pg_server) -> None:
    name, url = server_db
    url = url.replace("postgres@", f"{pgs.PASSWORD_USER}@")
    _grant(pg_server, name, pgs.PASSWORD_USER)
    os.environ.pop("PGPASSWORD", None)
    asked: list[str] = []

    def prompt(server: str) -> str:
        asked.append(server)
        return pgs.PASSWORD

    library = Library(url, password_prompt=prompt)
    try:
        assert library.current_revision() == library.head_revision()
        assert asked == [library.where]
        assert pgs.PASSWORD_USER in asked[0]
        assert pgs.PASSWORD not in library.url.render_as_string()
    finally:
        library.close()
    with pytest.raises(DatabaseError, match="No password given"):
        Library(url, password_prompt=lambda _server: None)


def test_libpq_options_in_the_url_reach_libpq(server_db) -> None:
    _name, url = server_db
    options = "&application_name=scholar-desk-test&sslmode=prefer&options=-c%20work_mem%3D7MB"
    with Library.open(url + options) as library, library.reading() as session:
        name = session.scalar(text("SELECT current_setting('application_name')"))
        work_mem = session.scalar(text("SELECT current_setting('work_mem')"))
    assert (name, work_mem) == ("scholar-desk-test", "7MB")


def test_connections_turn_jit_off_and_sort_in_memory(server_db) -> None:
    _name, url = server_db
    with Library.open(url) as library, library.reading() as session:
        jit = session.scalar(text("SELECT current_setting('jit')"))
        work_mem = session.scalar(text("SELECT current_setting('work_mem')"))
    assert (jit, work_mem) == ("off", "32MB")


def _import(library: Library, tmp_path: Path, body: str) -> list[int]:
    path = tmp_path / "refs.bib"
    path.write_text(body, encoding="utf-8")
    with library.transaction() as session:
        return refs.import_files(session, SINGLE_USER, [path]).imported_ids


def test_search_as_you_type_matches_prefixes_on_the_server(server_db, tmp_path) -> None:
    _name, url = server_db
    with Library.open(url) as library:
        ids = _import(
            library,
            tmp_path,
            "@article{a, title={Radiofrequency ablation of genicular nerves}, year=2021}\n"
            "@article{b, title={Spinal cord stimulation outcomes}, author={Ruiz, Ana}}\n",
        )
        with library.reading() as session:
            assert refs.matching_ids(session, SINGLE_USER, "radiofreq") == [ids[0]]
            assert refs.matching_ids(session, SINGLE_USER, "genicular abl") == [ids[0]]
            assert refs.matching_ids(session, SINGLE_USER, "ruiz spin") == [ids[1]]
            assert refs.matching_ids(session, SINGLE_USER, "2021") == [ids[0]]
            assert refs.matching_ids(session, SINGLE_USER, "it's & | !") == []


def test_search_reads_a_narrow_table_without_statistics(server_db, tmp_path) -> None:
    # With statistics on the words, the planner reads every row's words instead of the
    # GIN index when most rows match (the slow case at 100,000 references).
    _name, url = server_db
    body = "".join(
        f"@article{{r{i}, title={{Genicular nerve block {i}}}, year=2020}}\n" for i in range(50)
    )
    with Library.open(url) as library:
        ids = _import(library, tmp_path, body)
        with library.transaction() as session:
            session.execute(text('ANALYZE reference_search, "references"'))
        with library.reading() as session:
            assert sorted(refs.matching_ids(session, SINGLE_USER, "ge") or []) == sorted(ids)
            analysed = session.scalars(
                text("SELECT attname FROM pg_stats WHERE tablename = 'reference_search'")
            ).all()
            columns = session.scalars(
                text(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_name = 'references'"
                )
            ).all()
    assert analysed == ["reference_id"]
    assert "title" in columns
    assert "search_vector" not in columns  # the wide table holds no words


def test_search_follows_edits_and_deletions_on_the_server(server_db, tmp_path) -> None:
    _name, url = server_db
    with Library.open(url) as library:
        first, second = _import(
            library,
            tmp_path,
            "@article{a, title={Genicular nerve ablation}, year=2021}\n"
            "@article{b, title={Spinal cord stimulation}, year=2019}\n",
        )
        with library.transaction() as session:
            session.execute(
                text("UPDATE \"references\" SET title = 'Cooled radiofrequency' WHERE id = :i"),
                {"i": first},
            )
            session.execute(text('UPDATE "references" SET version = version + 1'))
        with library.reading() as session:
            assert refs.matching_ids(session, SINGLE_USER, "genic") == []
            assert refs.matching_ids(session, SINGLE_USER, "cooled radio") == [first]
            assert refs.matching_ids(session, SINGLE_USER, "2019 spin") == [second]
        with library.transaction() as session:
            session.execute(text('DELETE FROM "references" WHERE id = :i'), {"i": second})
        with library.reading() as session:
            assert refs.matching_ids(session, SINGLE_USER, "spin") == []
            left = session.scalars(text("SELECT reference_id FROM reference_search")).all()
    assert left == [first]


def test_tag_search_text_is_kept_by_triggers_as_on_sqlite(server_db, tmp_path) -> None:
    _name, url = server_db
    with Library.open(url) as library:
        (ref_id,) = _import(library, tmp_path, "@article{a, title={Nerve blocks}}\n")
        with library.transaction() as session:
            tag = m.Tag(name="interventional")
            session.add(tag)
            session.flush()
            session.execute(m.reference_tags.insert().values(reference_id=ref_id, tag_id=tag.id))
        with library.reading() as session:
            assert refs.matching_ids(session, SINGLE_USER, "interv") == [ref_id]
        with library.transaction() as session:
            session.execute(text("UPDATE tags SET name = 'procedural'"))
        with library.reading() as session:
            assert refs.matching_ids(session, SINGLE_USER, "interv") == []
            assert refs.matching_ids(session, SINGLE_USER, "procedur") == [ref_id]
        with library.transaction() as session:
            session.execute(m.reference_tags.delete())
        with library.reading() as session:
            assert refs.matching_ids(session, SINGLE_USER, "procedur") == []


def test_audit_trail_is_append_only_by_trigger_and_by_grants(server_db, pg_server) -> None:
    name, url = server_db
    with Library.open(url) as library:
        with library.transaction() as session:
            items.create_item(session, SINGLE_USER, "journal", {"name": "Pain"})
        for statement in (
            "UPDATE audit_events SET actor = 'x'",
            "DELETE FROM audit_events",
            "TRUNCATE audit_events",
        ):
            with pytest.raises(DatabaseError), library.transaction() as session:
                session.execute(text(statement))
    # The application's role, made as README's "Department server" says, after init.
    app = "scholar_app_test"
    pg_server.psql(f"CREATE ROLE {app} LOGIN", name)
    _grant(pg_server, name, app)
    as_app = url.replace("postgres@", f"{app}@")
    with Library.open(as_app) as library:
        with library.transaction() as session:
            items.create_item(session, SINGLE_USER, "journal", {"name": "Anesthesiology"})
        with library.reading() as session:
            count = session.scalar(text("SELECT count(*) FROM audit_events"))
        assert count >= 2
        with pytest.raises(DatabaseError, match="does not allow"), library.transaction() as s:
            s.execute(text("DELETE FROM audit_events"))


def test_a_change_made_elsewhere_is_noticed_through_listen_notify(server_db) -> None:
    _name, url = server_db
    with Library.open(url) as mine, Library.open(url) as theirs:
        watch = mine.change_watch()
        try:
            assert watch.fileno() is not None
            assert not watch.changed()
            with theirs.transaction() as session:
                items.create_item(session, SINGLE_USER, "journal", {"name": "Pain"})
            import select

            ready, _, _ = select.select([watch.fileno()], [], [], 2.0)
            assert ready, "no notice within two seconds"
            assert watch.changed()
            assert not watch.changed()
            with theirs.reading() as session:
                items.list_items(session, SINGLE_USER, "journal")
            assert not watch.changed()  # reading announces nothing
        finally:
            watch.close()


def test_readme_department_setup_gives_an_append_only_audit_trail(pg_server) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Department server", 1)[1]
    sql = section.split("```sql\n", 1)[1].split("```", 1)[0]
    pg_server.psql(sql, script=True)
    try:
        owner = pg_server.url("scholar_desk", user="scholar_owner")
        app = pg_server.url("scholar_desk", user="scholar_app")
        assert cli("--db", app, "list", "journals").returncode == 2  # no schema yet
        made = cli("--db", owner, "init")
        assert made.returncode == 0, made.stderr
        added = cli("--db", app, "add", "journal", "--set", "name=Pain")
        assert added.returncode == 0, added.stderr
        assert "Pain" in cli("--db", app, "list", "journals").stdout
        with Library.open(app) as library:
            for statement in ("DELETE FROM audit_events", "UPDATE audit_events SET actor = ''"):
                with (
                    pytest.raises(DatabaseError, match="does not allow"),
                    library.transaction() as session,
                ):
                    session.execute(text(statement))
            with library.reading() as session:
                assert session.scalar(text("SELECT count(*) FROM audit_events")) >= 1
    finally:
        pg_server.psql("DROP DATABASE IF EXISTS scholar_desk WITH (FORCE)")
        pg_server.psql("DROP ROLE IF EXISTS scholar_app; DROP ROLE IF EXISTS scholar_owner")


@pytest.mark.parametrize("given", [None, "0.5"])
def test_reading_the_whole_order_prices_pages_for_itself_alone(server_db, tmp_path, given) -> None:
    """The whole library in a sort's order walks the sort's index: its statement sees a
    page cost of at most 1.1, and the transaction's own setting is back right after."""
    _name, url = server_db
    if given is not None:
        url += f"&options=-c%20random_page_cost%3D{given}"
    body = "".join(
        f"@article{{k{n}, title={{Title {n:03d} {'zyx'[n % 3]}}}, year={2000 + n % 7}}}\n"
        for n in range(60)
    )
    with Library.open(url) as library:
        _import(library, tmp_path, body)
        with library.reading() as session:
            before = session.scalar(text("SELECT current_setting('random_page_cost')"))
            ids = refs.reference_ids(session, SINGLE_USER, sort="year", descending=True)
            after = session.scalar(text("SELECT current_setting('random_page_cost')"))
            years = dict(session.execute(text('SELECT id, year FROM "references"')).all())
            found = refs.reference_ids(session, SINGLE_USER, sort="year", search="title 01")
    assert before == after == (given or "4")
    assert ids == sorted(years, key=lambda i: (years[i], i), reverse=True)
    assert len(found) == 10


def test_an_open_library_holds_back_no_vacuum(server_db, pg_server, tmp_path) -> None:
    """Between units of work an open library (its pool of connections, its change watch)
    holds no transaction and no snapshot on the server, so the server's VACUUM marks
    every page of what was committed all-visible: the sorts' index-only scans then
    read their index alone instead of visiting each row in the table."""
    name, url = server_db
    # Committed as a department server commits: a VACUUM may mark a page only once the
    # commit of its rows is on disk, which the test server (synchronous_commit=off)
    # leaves to a background writer.
    pg_server.psql(f"ALTER DATABASE {name} SET synchronous_commit = on")
    body = "".join(
        f"@article{{v{n}, title={{Vacuum {n:03d}}}, journal={{J{n % 9}}}, year={1990 + n % 30},"
        f" abstract={{{'words of an abstract ' * 20}}}}}\n"
        for n in range(300)
    )
    with Library.open(url) as library:
        watch = library.change_watch()
        try:
            _import(library, tmp_path, body)
            with library.reading() as session:
                assert len(refs.reference_ids(session, SINGLE_USER, sort="year")) == 300
            with library.transaction() as session:
                items.create_item(session, SINGLE_USER, "journal", {"name": "Pain"})
            held = pg_server.psql(
                "SELECT count(*) FILTER (WHERE xact_start IS NOT NULL OR backend_xmin IS NOT NULL),"
                " count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()",
                name,
            )
            holding, connected = (int(n) for n in held.strip().split("|"))
            assert connected >= 2  # the pool's and the change watch's, all idle
            assert holding == 0
            pg_server.psql('VACUUM "references"', name)
            pages = pg_server.psql(
                "SELECT relallvisible, relpages FROM pg_class WHERE relname = 'references'", name
            )
            visible, total = (int(n) for n in pages.strip().split("|"))
            assert total > 1
            assert visible == total
        finally:
            watch.close()


def test_server_processor_time_counts_backends_that_ended(pg_server):
    """The benchmark's server figure (`TempServer.cpu_seconds`) includes a finished backend.

    A CPU-bound query runs in a backend that ends with its psql; the server's processor
    time must then have grown by about the query's execution time, as the server itself
    reports it (EXPLAIN ANALYZE), and by no more than the wall time around it.
    """
    import json
    import time

    before = pg_server.cpu_seconds()
    started = time.perf_counter()
    out = pg_server.psql(
        "EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM generate_series(1, 3000000)"
    )
    wall = time.perf_counter() - started
    executed = json.loads(out)[0]["Execution Time"] / 1000
    spent = 0.0
    for _ in range(40):  # the postmaster reaps the ended backend within moments
        spent = pg_server.cpu_seconds() - before
        if spent >= 0.5 * executed:
            break
        time.sleep(0.05)
    assert 0.5 * executed <= spent <= wall + 0.5, (spent, executed, wall)
