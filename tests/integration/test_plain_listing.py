"""`list` read in plain SQL (no SQLAlchemy) gives exactly what the session's listing gives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from scholar_desk.core.db.library import Library
from scholar_desk.core.db.plain import PlainReader, sqlite_url_text
from scholar_desk.core.records import Role
from scholar_desk.core.services import accounts, demo, listing, sign_in_tokens
from scholar_desk.core.services.kinds import KINDS, LIST_KINDS
from scholar_desk.core.services.session import SINGLE_USER, Actor

pytestmark = pytest.mark.sqlite_only

# Their listing needs more than a plain read: the submission's label names its
# manuscript and journal; references and deadlines have services of their own.
SESSION_ONLY = {"submissions", "references", "deadlines"}
DEMO_USERS = ("fellow1", "fellow2", "mentor", "director")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plain") / "demo.sqlite3"
    with Library.open(path) as lib, lib.transaction() as s:
        demo.fill(s)
    return path


def _actors(path: Path) -> dict[str, Actor]:
    with Library.open(path) as lib, lib.transaction() as s:
        return {name: accounts.login(s, name, "demo") for name in DEMO_USERS}


def test_every_kind_for_every_role_as_the_session_lists_it(demo_db: Path) -> None:
    actors = {**_actors(demo_db), "gone": Actor("ghost", Role.FELLOW, 999, None)}
    actors["no sign-in"] = SINGLE_USER  # login is on: a role-less actor reads nothing
    plain_kinds = set()
    with Library.open(demo_db) as lib:
        for who, actor in actors.items():
            for plural in sorted(LIST_KINDS - {"references"}):
                with lib.reading() as s:
                    expected = listing.list_kind(s, actor, plural)
                with PlainReader.open_current(str(demo_db)) as reader:  # type: ignore[union-attr]
                    got = listing.list_plain(reader, actor, plural)
                if got is None:
                    continue
                plain_kinds.add(plural)
                assert json.dumps(got.rows) == json.dumps(expected.rows, default=str), (
                    who,
                    plural,
                )
                assert got.as_text() == expected.as_text(), (who, plural)
    assert plain_kinds >= LIST_KINDS - SESSION_ONLY  # submissions too where none is read
    with PlainReader.open_current(str(demo_db)) as reader:  # type: ignore[union-attr]
        assert listing.list_plain(reader, actors["director"], "references") is None


def test_a_fellow_reads_only_their_own_and_another_fellows_label_is_hidden(
    demo_db: Path,
) -> None:
    fellow = _actors(demo_db)["fellow1"]
    with PlainReader.open_current(str(demo_db)) as reader:  # type: ignore[union-attr]
        projects = listing.list_plain(reader, fellow, "projects")
        people = listing.list_plain(reader, fellow, "people")
    assert projects is not None
    assert people is not None
    assert projects.rows
    assert {row["owner_id"] for row in projects.rows} == {fellow.person_id}
    assert len(people.rows) > 1  # a shared catalog: everyone signed in reads it


def test_a_sign_in_token_reads_the_same_on_both_ways(demo_db: Path) -> None:
    actors = _actors(demo_db)
    fellow, director = actors["fellow2"], actors["director"]
    with Library.open(demo_db) as lib:
        with lib.transaction() as s:
            token, _ = sign_in_tokens.issue(s, fellow, 5)
        with lib.reading() as s:
            by_session = sign_in_tokens.actor_for(s, token)
        with lib.transaction() as s:
            accounts.update_account(s, director, "fellow2", active=False)
        with PlainReader.open_current(str(demo_db)) as reader:  # type: ignore[union-attr]
            disabled = sign_in_tokens.actor_for(reader, token)
        with lib.transaction() as s:
            accounts.update_account(s, director, "fellow2", active=True)
    assert by_session == fellow
    assert disabled is None


def test_only_a_current_sqlite_file_is_read_plainly(tmp_path: Path) -> None:
    assert PlainReader.open_current(str(tmp_path / "missing.sqlite3")) is None
    assert PlainReader.open_current("postgresql://nobody@localhost/none") is None
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 10)
    assert PlainReader.open_current(str(junk)) is None
    old = tmp_path / "old.sqlite3"
    with Library.open(old) as lib, lib.transaction() as s:
        s.connection().exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    assert PlainReader.open_current(str(old)) is None
    assert not (tmp_path / "missing.sqlite3").exists()


@pytest.mark.parametrize("name", ["a b.sqlite3", "a%b#c?d@e:f.db", "ü.sqlite3", "a+b;c=d&e~f.db"])
def test_the_token_file_key_is_the_url_sqlalchemy_renders(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    rendered = URL.create("sqlite+pysqlite", database=str(path))
    assert sqlite_url_text(path) == rendered.render_as_string(hide_password=True)


def test_tables_are_named_by_the_kinds_plural_and_list_columns_in_the_models_order(
    demo_db: Path,
) -> None:
    import sqlite3

    from sqlalchemy import inspect

    connection = sqlite3.connect(demo_db)
    for kind in KINDS.values():
        assert kind.model.__tablename__ == kind.table
        in_table = [row[1] for row in connection.execute(f"PRAGMA table_info({kind.table})")]
        in_model = [attr.key for attr in inspect(kind.model).column_attrs]
        # A column added by a later migration goes last: mapped_column(sort_order=NNNN).
        assert in_model == in_table, kind.table
    connection.close()


def test_signed_in_list_loads_no_sqlalchemy(demo_db: Path, tmp_path: Path) -> None:
    env = {**os.environ, "SCHOLAR_DESK_HOME": str(tmp_path), "SCHOLAR_DESK_PASSWORD": "demo"}
    env.pop("SCHOLAR_DESK_DB", None)
    cli = [sys.executable, "-m", "scholar_desk", "--db", str(demo_db)]
    subprocess.run([*cli, "--user", "fellow1", "login"], env=env, check=True, capture_output=True)
    del env["SCHOLAR_DESK_PASSWORD"]
    probe = (
        "import sys\n"
        "from scholar_desk.cli import main\n"
        f"code = main(['list', 'projects', '--json', '--db', {str(demo_db)!r}])\n"
        "print([m for m in sys.modules if m.startswith('sqlalchemy')], code)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, check=True, capture_output=True, text=True
    ).stdout
    assert out.strip().endswith("[] 0")
    rows = json.loads(out[: out.rindex("]", 0, out.rindex("[")) + 1])
    fellow = _actors(demo_db)["fellow1"]
    with Library.open(demo_db) as lib, lib.reading() as s:
        expected = listing.list_kind(s, fellow, "projects").rows
    assert rows
    assert rows == json.loads(json.dumps(expected, default=str))
