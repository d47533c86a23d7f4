"""The command line imports only what the command needs (what it costs is in benchmarks/)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("sqlalchemy", "alembic", "PySide6", "shiboken6", "scholar_desk.core.db", "argon2")

_PROBE = """
import json, sys
from scholar_desk.__main__ import main
try:
    status = main(sys.argv[1:])
except SystemExit as exc:
    status = exc.code
heavy = sorted({name.split(".")[0] if not name.startswith("scholar_desk") else name
                for name in sys.modules
                if name.startswith(%r)})
print("\\nloaded:" + json.dumps(heavy))
sys.exit(status)
"""


def loaded_after(*args: str) -> tuple[int, list[str], str]:
    """Run the real entry point in a fresh interpreter; return what heavy modules it loaded."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE % (HEAVY,), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    marker = result.stdout.rindex("loaded:")
    return result.returncode, json.loads(result.stdout[marker + len("loaded:") :]), result.stderr


@pytest.mark.parametrize("args", [("--version",), ("--help",), ("user", "--help")])
def test_version_and_help_load_no_database_or_qt(args: tuple[str, ...]) -> None:
    code, loaded, err = loaded_after(*args)
    assert code == 0, err
    assert loaded == []


def test_help_still_lists_every_command() -> None:
    from scholar_desk.cli import build_parser
    from scholar_desk.cli.registry import COMMANDS

    result = subprocess.run(
        [sys.executable, "-m", "scholar_desk", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    for head in {cmd.words[0] for cmd in COMMANDS}:
        assert f"    {head}" in result.stdout
    # The full parser still declares every command's arguments.
    args = build_parser().parse_args(["poster", "1", "out.pptx", "--size", "A0"])
    assert (args.abstract_id, args.size) == (1, "A0")


@pytest.fixture(scope="module")
def current_db(module_new_db) -> str:
    path = module_new_db("current.sqlite3", empty=True)
    code, loaded, err = loaded_after("init", "--db", str(path))
    assert code == 0, err
    assert "alembic" in loaded  # a new file is migrated ...
    return path


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(
            ("list", "projects", "--json"),
            marks=pytest.mark.sqlite_only(reason="a listing reads a current file in plain SQL"),
        ),
        ("init",),
        ("add", "journal", "--set", "name=Pain Medicine"),
    ],
)
def test_commands_on_a_current_database_skip_alembic_and_qt(
    current_db: Path, args: tuple[str, ...]
) -> None:
    code, loaded, err = loaded_after(*args, "--db", str(current_db))
    assert code == 0, err
    assert "scholar_desk.core.db" in loaded  # ... and the probe sees what a command imports
    # A listing reads a current SQLite file in plain SQL (core/db/plain.py).
    assert ("sqlalchemy" in loaded) == (args[0] != "list")
    assert "alembic" not in loaded
    assert "PySide6" not in loaded
    assert "shiboken6" not in loaded


@pytest.mark.sqlite_only(reason="an import stores into a current SQLite file in plain SQL")
@pytest.mark.parametrize(
    "options",
    [("--json",), ("--dry-run",), ("--tag", "review", "--on-duplicate", "keep")],
)
def test_import_on_a_current_sqlite_file_loads_no_sqlalchemy(
    current_db: Path, tmp_path: Path, options: tuple[str, ...]
) -> None:
    bib = tmp_path / "one.bib"
    bib.write_text(
        "@article{Probe2024, author = {Probe, Ann}, title = {A probe of what loads},"
        " journal = {Pain}, year = 2024}\n",
        encoding="utf-8",
    )
    code, loaded, err = loaded_after("import", str(bib), *options, "--db", str(current_db))
    assert code == 0, err
    assert "scholar_desk.core.db" in loaded  # the probe sees the plain reader and writer
    assert "sqlalchemy" not in loaded
    assert "alembic" not in loaded
    assert "PySide6" not in loaded
