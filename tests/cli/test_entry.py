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


def test_a_command_runs_without_loading_qt(tmp_path):
    code = (
        "import sys\n"
        "from scholar_desk.__main__ import main\n"
        f"status = main(['init', '--db', {str(tmp_path / 'x.sqlite3')!r}])\n"
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


def test_no_command_opens_the_window(tmp_path):
    result = _window(tmp_path, "--db", str(tmp_path / "library.sqlite3"))
    assert result.returncode == 0, result.stderr
    assert "startup-probe: shown" in result.stdout
    assert (tmp_path / "library.sqlite3").exists()


def test_a_folder_as_database_is_one_clear_message_and_exit_2(tmp_path):
    result = _window(tmp_path, "--db", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith("scholar-desk: ")
    assert str(tmp_path) in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_opens_the_window_on_a_filled_demo_database(tmp_path):
    result = _window(tmp_path, "--demo")
    assert result.returncode == 0, result.stderr
    assert "startup-probe: shown" in result.stdout
    assert (tmp_path / "home" / "data" / "demo.sqlite3").stat().st_size > 0
