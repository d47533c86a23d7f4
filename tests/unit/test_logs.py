import logging
import stat
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest

from scholar_desk.core import logs


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SCHOLAR_DESK_HOME", str(tmp_path))
    return tmp_path


def _boom() -> None:
    raise ValueError("the unexpected thing")


def test_unexpected_error_goes_to_a_private_log_file_not_the_console(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        _boom()
    except ValueError as exc:
        path = logs.log_unexpected(exc, "while testing")
    assert path == home / "data" / "logs" / "scholar-desk.log"
    text = path.read_text(encoding="utf-8")
    assert "while testing" in text
    assert "Traceback" in text
    assert "the unexpected thing" in text
    assert "_boom" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    captured = capsys.readouterr()
    assert "the unexpected thing" not in captured.err + captured.out


def test_the_log_follows_the_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHOLAR_DESK_HOME", str(tmp_path / "one"))
    first = logs.log_unexpected(RuntimeError("one"), "first")
    monkeypatch.setenv("SCHOLAR_DESK_HOME", str(tmp_path / "two"))
    second = logs.log_unexpected(RuntimeError("two"), "second")
    assert first != second
    assert second is not None
    assert "second" in second.read_text(encoding="utf-8")
    assert first is not None
    assert "second" not in first.read_text(encoding="utf-8")


def test_unwritable_data_folder_gives_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("SCHOLAR_DESK_HOME", str(blocker))
    assert logs.log_unexpected(RuntimeError("x"), "nowhere to write") is None


def test_configure_logging_adds_the_file_once(home: Path) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        first = logs.configure_logging()
        second = logs.configure_logging()
        assert first == second
        files = [h for h in root.handlers if isinstance(h, RotatingFileHandler)]
        assert len(files) == 1
    finally:
        for handler in list(root.handlers):
            if handler not in before:
                root.removeHandler(handler)
