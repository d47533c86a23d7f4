"""The command line in a real subprocess: version, init, demo, list, and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from scholar_desk import __version__
from scholar_desk.core.db import postgres


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "scholar_desk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=full_env,
        check=False,
    )


@pytest.fixture(scope="module")
def demo_db(module_new_db) -> str:
    path = module_new_db("demo.sqlite3")
    result = run("--db", str(path), "demo")
    assert result.returncode == 0, result.stderr
    assert "Demo ready" in result.stdout
    return path


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"scholar-desk {__version__}"


def test_init_is_safe_to_repeat(new_db) -> None:
    db = new_db("lib.sqlite3", empty=True)
    for _ in range(2):
        result = run("--db", str(db), "init")
        assert result.returncode == 0, result.stderr
        # A file by its path as given; a server as user@host/database, never its password.
        where = str(db)
        if where.startswith("postgresql"):
            where = postgres.server_label(make_url(where))
        assert result.stdout.strip() == f"Database ready at {where}"


@pytest.mark.sqlite_only(reason="checks that the file SCHOLAR_DESK_DB names is created")
def test_db_from_environment(tmp_path: Path) -> None:
    db = tmp_path / "env.sqlite3"
    result = run("init", env={"SCHOLAR_DESK_DB": str(db)})
    assert result.returncode == 0, result.stderr
    assert db.exists()


@pytest.mark.parametrize(
    ("kind", "minimum", "field"),
    [
        ("projects", 10, "status"),
        ("manuscripts", 5, "article_type"),
        ("submissions", 5, "journal_id"),
        ("abstracts", 5, "conference_id"),
        ("conferences", 4, "body_limit"),
        ("journals", 6, "name"),
        ("people", 6, "family_name"),
        ("deadlines", 3, "due_on"),
    ],
)
def test_list_json_has_ids_and_model_fields(
    demo_db: Path, kind: str, minimum: int, field: str
) -> None:
    result = run(
        "--db",
        str(demo_db),
        "--user",
        "director",
        "list",
        kind,
        "--json",
        env={"SCHOLAR_DESK_PASSWORD": "demo"},
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) >= minimum
    assert all("id" in row and field in row for row in rows)


def test_list_text_is_a_table(demo_db: Path) -> None:
    result = run(
        "--db",
        str(demo_db),
        "--user",
        "director",
        "list",
        "projects",
        env={"SCHOLAR_DESK_PASSWORD": "demo"},
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ID")
    assert lines[-1] == "(10 rows)"


def test_demo_refuses_a_filled_database(demo_db: Path) -> None:
    result = run("--db", str(demo_db), "demo")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "already has projects" in result.stderr


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), "is a folder"),
        (lambda p: p.write_text("hello"), "not a Scholar Desk database"),
    ],
)
@pytest.mark.sqlite_only(reason="a folder or a text file given as the database")
def test_bad_db_is_one_line_and_exit_2(tmp_path: Path, make: object, message: str) -> None:
    target = tmp_path / "target"
    make(target)  # type: ignore[operator]
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run("--db", str(target), "list", "projects")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert message in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before
