"""Shared fixtures: an isolated home folder, migrated databases, the corpus path.

Databases come from ``library``, ``db_target`` and ``new_db``. Run with
``--engine postgresql`` and they are databases on a PostgreSQL server that this test
session starts itself (``tools/pg_server.py``, stopped at the end); the tests that use
none of them, or are marked ``sqlite_only``, are then skipped, so that run is exactly
the suite on PostgreSQL. Without PostgreSQL's binaries those tests skip, saying why.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from scholar_desk.core import clock
from scholar_desk.core.db.library import Library

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
DATA = Path(__file__).resolve().parent / "data"
ENGINE_FIXTURES = {"library", "db_target", "new_db", "module_new_db", "pg_server"}

sys.path.insert(0, str(ROOT / "tools"))
import pg_server as pgs  # noqa: E402 - found through the path set just above

NewDb = Callable[..., str]


def pytest_sessionstart(session: pytest.Session) -> None:
    """Byte-compile the package once, so that each ``scholar-desk`` process a test starts
    reads compiled modules as an installed copy does, even where the environment says
    not to write them (``PYTHONDONTWRITEBYTECODE``, which only stops writing, not reading)."""
    import compileall

    compileall.compile_dir(str(ROOT / "scholar_desk"), quiet=2, workers=1)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--engine",
        choices=("sqlite", "postgresql"),
        default=os.environ.get("SCHOLAR_DESK_TEST_ENGINE", "sqlite"),
        help="the database engine of the library/db_target/new_db fixtures",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--engine") != "postgresql":
        return
    skip_other = pytest.mark.skip(reason="makes no database through the engine fixtures")
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker:
            why = marker.kwargs.get("reason", "")
            reason = f"about SQLite files{': ' + why if why else ''} (sqlite_only)"
            item.add_marker(pytest.mark.skip(reason=f"{reason}; run without --engine"))
        elif not ENGINE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(skip_other)


class PgDatabases:
    """Fresh databases on the session's server, copied from a migrated template."""

    TEMPLATE = "sd_template"

    def __init__(self, server: pgs.TempServer) -> None:
        self.server = server
        self._numbers = itertools.count(1)
        server.psql(f"CREATE DATABASE {self.TEMPLATE}")
        with Library.open(server.url(self.TEMPLATE), change_schema=True):
            pass

    def create(self, *, empty: bool = False, copy_of: str | None = None) -> tuple[str, str]:
        """A new database: its name and URL (migrated unless ``empty``; ``copy_of``: a
        copy of the database at that URL, which nothing may be connected to)."""
        name = f"t{next(self._numbers)}"
        template = "template0" if empty else self.TEMPLATE
        if copy_of is not None:
            template = make_url(copy_of).database or ""
        self.server.psql(f"CREATE DATABASE {name} TEMPLATE {template}")
        return name, self.server.url(name)

    def drop(self, name: str) -> None:
        """Remove a database, closing whatever still uses it."""
        self.server.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pgs.TempServer]:
    """One PostgreSQL server for the whole session, in a temporary folder (Unix socket)."""
    bin_dir = pgs.find_bin_dir()
    if bin_dir is None:
        pytest.skip(
            "PostgreSQL is not installed: no initdb/pg_ctl in /usr/lib/postgresql/*/bin "
            "(apt-get install postgresql)"
        )
    try:
        import psycopg  # noqa: F401 - only checking that the extra is installed
    except ImportError:
        pytest.skip("psycopg is not installed: pip install -e '.[postgres]'")
    server = pgs.TempServer(bin_dir).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_databases(pg_server: pgs.TempServer) -> PgDatabases:
    """Makes fresh databases on the session's server."""
    return PgDatabases(pg_server)


class DbMaker:
    """Makes new databases for ``--db`` on the engine under test (see ``new_db``)."""

    def __init__(self, folder: Path, databases: PgDatabases | None) -> None:
        self.folder = folder
        self.databases = databases
        self.made: list[str] = []

    def __call__(
        self, name: str = "library.sqlite3", *, empty: bool = False, copy_of: str | None = None
    ) -> str:
        if self.databases is None:
            path = self.folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if copy_of is not None:
                shutil.copy(copy_of, path)
            return str(path)
        db_name, url = self.databases.create(empty=empty, copy_of=copy_of)
        self.made.append(db_name)
        return url

    def drop_all(self) -> None:
        if self.databases is not None:
            for db_name in self.made:
                self.databases.drop(db_name)


def _maker(request: pytest.FixtureRequest, folder: Path) -> DbMaker:
    databases = None
    if request.config.getoption("--engine") == "postgresql":
        databases = request.getfixturevalue("pg_databases")
    return DbMaker(folder, databases)


@pytest.fixture
def new_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[NewDb]:
    """``new_db("name.sqlite3")``: a new database for ``--db``, on the engine under test.

    SQLite: the path in tmp_path (created when first opened; a name may hold folders).
    PostgreSQL: the URL of a new database already at the current schema (``empty=True``:
    without the schema), dropped after the test. ``copy_of=DB``: a copy of that database.
    """
    maker = _maker(request, tmp_path)
    yield maker
    maker.drop_all()


@pytest.fixture(scope="module")
def module_new_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[NewDb]:
    """``new_db`` for a module's shared fixtures (dropped after the module)."""
    maker = _maker(request, tmp_path_factory.mktemp("db"))
    yield maker
    maker.drop_all()


@pytest.fixture
def db_target(new_db: NewDb) -> str:
    """One new database for ``--db`` (a path or a server URL; see ``new_db``)."""
    return new_db()


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep settings, data and backups of every test out of the real user folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("SCHOLAR_DESK_HOME", str(home))
    monkeypatch.delenv("SCHOLAR_DESK_DB", raising=False)
    monkeypatch.delenv("SCHOLAR_DESK_PASSWORD", raising=False)
    yield
    clock.set_clock(None)


@pytest.fixture
def library(db_target: str) -> Iterator[Library]:
    """A migrated database on the engine under test (SQLite: a file in tmp_path), closed after."""
    lib = Library.open(db_target)
    yield lib
    lib.close()


@pytest.fixture
def corpus() -> Path:
    """The third-party corpus beside the project; tests skip where it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"third-party corpus not found at {CORPUS} (../shared is absent)")
    return CORPUS


@pytest.fixture
def data_dir() -> Path:
    """Our own small fixtures."""
    return DATA
