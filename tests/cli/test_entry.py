import os
import subprocess
import sys

import pytest

from scholar_desk import __version__
from scholar_desk.__main__ import WindowArgs, window_args


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scholar_desk", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_version_prints_the_version():
    result = _run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"scholar-desk {__version__}"


def test_help_lists_the_commands_and_the_window_options():
    result = _run("--help")
    assert result.returncode == 0
    for word in ("init", "demo", "list", "--db", "--demo"):
        assert word in result.stdout


def test_a_command_runs_without_loading_qt(new_db):
    code = (
        "import sys\n"
        "from scholar_desk.__main__ import main\n"
        f"status = main(['init', '--db', {new_db('x.sqlite3', empty=True)!r}])\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt was loaded'\n"
        "sys.exit(status)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Database ready" in result.stdout


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], WindowArgs()),
        (["--demo"], WindowArgs(demo=True)),
        (["--db", "x.sqlite3"], WindowArgs(db="x.sqlite3")),
        (["--db=x.sqlite3", "--user", "mentor"], WindowArgs(db="x.sqlite3", user="mentor")),
        (["--version"], None),
        (["--help"], None),
        (["list", "projects"], None),
        (["--db", "x.sqlite3", "list", "projects"], None),
        (["--db"], None),
        (["refs.bib"], WindowArgs(files=("refs.bib",))),
        (
            ["--db", "x.sqlite3", "a.RIS", "b.nbib"],
            WindowArgs(db="x.sqlite3", files=("a.RIS", "b.nbib")),
        ),
        (["import", "refs.bib"], None),
        (["notes.txt"], None),
    ],
)
def test_only_window_options_open_the_window(argv, expected):
    assert window_args(argv) == expected


def _window(tmp_path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "SCHOLAR_DESK_HOME": str(tmp_path / "home"),
        "SCHOLAR_DESK_STARTUP_PROBE": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "scholar_desk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


@pytest.mark.sqlite_only(reason="checks that the window creates the library file")
def test_no_command_opens_the_window(tmp_path):
    result = _window(tmp_path, "--db", str(tmp_path / "library.sqlite3"))
    assert result.returncode == 0, result.stderr
    assert "startup-probe: shown" in result.stdout
    assert (tmp_path / "library.sqlite3").exists()


@pytest.mark.sqlite_only(reason="a folder given as the database")
def test_a_folder_as_database_is_one_clear_message_and_exit_2(tmp_path):
    result = _window(tmp_path, "--db", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith("scholar-desk: ")
    assert str(tmp_path) in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.sqlite_only(reason="--demo opens the demo file in the data folder")
def test_demo_opens_the_window_on_a_filled_demo_database(tmp_path):
    result = _window(tmp_path, "--demo")
    assert result.returncode == 0, result.stderr
    assert "startup-probe: shown" in result.stdout
    assert (tmp_path / "home" / "data" / "demo.sqlite3").stat().st_size > 0


def test_an_unexpected_error_prints_one_line_naming_the_log(new_db, tmp_path):
    # A bug stands in as a runner that raises something other than a ScholarDeskError.
    code = (
        "import sys\n"
        "from scholar_desk import cli\n"
        "real_build_parser = cli.build_parser\n"
        "def build_parser(only=''):\n"
        "    parser = real_build_parser(only=only)\n"
        "    for action in parser._subparsers._group_actions:\n"
        "        for sub in action.choices.values():\n"
        "            sub.set_defaults(func=lambda ctx: 1 / 0)\n"
        "    return parser\n"
        "cli.build_parser = build_parser\n"
        f"sys.exit(cli.main(['init', '--db', {new_db('x.sqlite3', empty=True)!r}]))\n"
    )
    env = {**os.environ, "SCHOLAR_DESK_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    log_file = tmp_path / "home" / "data" / "logs" / "scholar-desk.log"
    assert lines == [
        f"scholar-desk: unexpected error (a bug); nothing more was written; details in {log_file}"
    ]
    logged = log_file.read_text(encoding="utf-8")
    assert "ZeroDivisionError" in logged
    assert "Traceback" in logged


def test_init_names_the_file_as_written(tmp_path):
    db = tmp_path / "odd %41 #1 ?x" / "lib.sqlite3"
    result = subprocess.run(
        [sys.executable, "-m", "scholar_desk", "init", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Database ready at {db}"
    assert db.is_file()
