"""Shared fixtures: an isolated home folder, a migrated file database, the corpus path."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from scholar_desk.core import clock
from scholar_desk.core.db.library import Library

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
DATA = Path(__file__).resolve().parent / "data"


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
def library(tmp_path: Path) -> Iterator[Library]:
    """A migrated SQLite file in tmp_path, closed after the test."""
    lib = Library.open(tmp_path / "library.sqlite3")
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
