"""The one safe file writer: private temporary file, rename, no clobbering, hands off databases."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from scholar_desk.core import files
from scholar_desk.core.errors import ExportError, OutputExistsError


@pytest.fixture
def open_db(tmp_path: Path) -> Path:
    db = tmp_path / "lib.sqlite3"
    db.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    (tmp_path / "backups").mkdir()
    files.protect(db, tmp_path / "backups")
    yield db
    files.release(db, tmp_path / "backups")


def test_written_file_is_private_from_the_start(tmp_path: Path) -> None:
    target = tmp_path / "out.bib"
    seen: list[int] = []
    old = os.umask(0)  # even with a permissive umask
    try:
        with files.writing(target) as tmp:
            seen.append(stat.S_IMODE(tmp.stat().st_mode))
            tmp.write_text("x")
    finally:
        os.umask(old)
    assert seen == [0o600]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bib"]


def test_existing_file_is_replaced_only_with_force(tmp_path: Path) -> None:
    target = tmp_path / "out.ics"
    target.write_text("precious")
    with pytest.raises(OutputExistsError, match="--force"):
        files.write_bytes(target, b"new")
    assert target.read_text() == "precious"
    files.write_bytes(target, b"new", force=True)
    assert target.read_bytes() == b"new"


def test_a_file_created_meanwhile_is_not_clobbered(tmp_path: Path) -> None:
    target = tmp_path / "out.docx"

    def race() -> None:
        with files.writing(target) as tmp:
            tmp.write_text("mine")
            target.write_text("someone else's")

    with pytest.raises(OutputExistsError):
        race()
    assert target.read_text() == "someone else's"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.docx"]


def test_failure_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"

    def cancelled() -> None:
        with files.writing(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("cancelled")

    with pytest.raises(RuntimeError):
        cancelled()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_never_onto_the_open_database(open_db: Path, suffix: str) -> None:
    target = open_db.with_name(open_db.name + suffix)
    before = target.read_bytes() if target.exists() else None
    with pytest.raises(ExportError, match="open database"):
        files.write_bytes(target, b"@article{x,}", force=True)
    assert (target.read_bytes() if target.exists() else None) == before


def test_never_through_a_symlink_or_hard_link(open_db: Path, tmp_path: Path) -> None:
    link = tmp_path / "innocent.bib"
    link.symlink_to(open_db)
    with pytest.raises(ExportError, match="open database"):
        files.write_bytes(link, b"x", force=True)
    hard = tmp_path / "hard.bib"
    os.link(open_db, hard)
    with pytest.raises(ExportError, match="open database"):
        files.write_bytes(hard, b"x", force=True)
    assert open_db.read_bytes().startswith(b"SQLite format 3")


def test_never_into_the_backups_folder(open_db: Path, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="backups folder"):
        files.write_bytes(tmp_path / "backups" / "x.pptx", b"x")
    assert list((tmp_path / "backups").iterdir()) == []


def test_never_over_another_database_file(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    other.write_bytes(b"SQLite format 3\x00rest")
    with pytest.raises(ExportError, match="database file"):
        files.write_bytes(other, b"x", force=True)
    assert other.read_bytes() == b"SQLite format 3\x00rest"


def test_folder_and_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="is a folder"):
        files.write_bytes(tmp_path, b"x")
    with pytest.raises(ExportError, match="does not exist"):
        files.write_bytes(tmp_path / "nope" / "x.bib", b"x")
