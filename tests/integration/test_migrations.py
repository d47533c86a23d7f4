"""The migrations build exactly the models' schema, and an upgrade backs up first."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import TEXT, String

from scholar_desk.core.db import library as library_module
from scholar_desk.core.db.library import Library
from scholar_desk.core.db.models import Base


def _include(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    # The full-text indexes are kept by hand: SQLite's FTS5 tables, the server's tsvector.
    if name in ("search_vector", "ix_references_search", "reference_search"):
        return False
    return not (type_ == "table" and name is not None and name.startswith("references_fts"))


def _compare_type(context: Any, inspected: Any, metadata: Any, *_: object) -> bool | None:
    # On the server every String is TEXT (core/db/postgres.py); other types as Alembic says.
    on_server = context.dialect.name == "postgresql"
    if on_server and isinstance(metadata.type, String) and isinstance(inspected.type, TEXT):
        return False
    return None


def test_migrated_schema_matches_models(library: Library) -> None:
    with library.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": _compare_type, "include_object": _include}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_head_constant_matches_the_revisions() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(library_module.alembic_config())
    assert script.get_heads() == [library_module.HEAD_REVISION]


def test_opening_a_current_database_does_not_import_alembic(library: Library) -> None:
    code = (
        "import sys\n"
        "from scholar_desk.core.db.library import Library\n"
        f"Library.open({library.target!r}).close()\n"
        "print(sorted(m for m in sys.modules if m.startswith('alembic')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_open_is_idempotent_and_at_head(new_db) -> None:
    path = new_db("lib.sqlite3")
    for _ in range(2):
        with Library.open(path) as lib:
            assert lib.current_revision() == lib.head_revision()
            assert not lib.needs_upgrade()


@pytest.mark.sqlite_only(reason="the pre-upgrade backup file and the file's rows")
def test_upgrade_from_first_revision_backs_up_and_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    lib = Library(path)
    with lib.engine.begin() as conn:
        cfg = library_module.alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with lib.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO people (given_name, family_name, kind, degrees, affiliations, email, "
            "orcid, notes, version, created_at, updated_at) VALUES ('Ana', 'Ruiz', 'fellow', "
            "'MD', '', '', '', '', 1, '2026-01-01', '2026-01-01')"
        )
    head = lib.head_revision()
    needs = lib.current_revision() != head
    lib.close()

    with Library.open(path) as upgraded:
        assert upgraded.current_revision() == head
    backups = sorted((tmp_path / "backups").glob("old.pre-upgrade-*.sqlite3"))
    if needs:
        assert len(backups) == 1
        with sqlite3.connect(backups[0]) as conn:
            assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            assert conn.execute("SELECT family_name FROM people").fetchall() == [("Ruiz",)]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT family_name FROM people").fetchall() == [("Ruiz",)]
