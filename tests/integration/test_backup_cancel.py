"""The daily backup can be stopped mid-copy (the window closing) and leaves nothing behind."""

from pathlib import Path

import pytest
from sqlalchemy import insert

from scholar_desk.core.db import sqlite
from scholar_desk.core.db.library import Library
from scholar_desk.core.db.models import Reference
from scholar_desk.core.progress import CancelledError, CancelToken
from scholar_desk.core.services import backups


def _filled(path: Path, rows: int = 3000) -> Library:
    library = Library.open(path)
    with library.transaction() as session:
        session.execute(
            insert(Reference),
            [
                {
                    "entry_type": "article",
                    "citation_key": f"k{i}",
                    "title": f"A title long enough to take some room {i} " * 4,
                    "title_key": f"a title {i:06d}",
                    "extra_fields": {},
                }
                for i in range(rows)
            ],
        )
    return library


class _CancelAfter(CancelToken):
    """Cancels itself after ``checks`` checks: a close arriving in the middle of the copy."""

    def __init__(self, checks: int) -> None:
        super().__init__()
        self.left = checks

    def check(self) -> None:
        self.left -= 1
        if self.left < 0:
            self.cancel()
        super().check()


@pytest.mark.sqlite_only(reason="SQLite's page-by-page copy into a file")
def test_copy_cancelled_midway_leaves_no_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sqlite, "_BACKUP_STEP_PAGES", 4)  # many steps on a small file
    library = _filled(tmp_path / "lib.sqlite3")
    try:
        (tmp_path / "out").mkdir()
        target = tmp_path / "out" / "copy.sqlite3"
        token = _CancelAfter(3)
        with pytest.raises(CancelledError):
            sqlite.copy_database(library.path, target, cancel=token)
        assert token.left < 0  # it really was in the middle
        assert list((tmp_path / "out").iterdir()) == []
    finally:
        library.close()


@pytest.mark.sqlite_only(reason="the backups folder beside the database file")
def test_auto_backup_cancelled_leaves_the_backups_folder_empty(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(sqlite, "_BACKUP_STEP_PAGES", 4)
    library = _filled(tmp_path / "lib.sqlite3")
    try:
        with pytest.raises(CancelledError):
            backups.auto_backup(library, cancel=_CancelAfter(2))
        assert backups.list_backups(library.path) == []
        folder = backups.backup_dir(library.path)
        assert not folder.exists() or list(folder.iterdir()) == []
        # Not cancelled, the same call takes a verified backup.
        info = backups.auto_backup(library, cancel=CancelToken())
        assert info is not None
        assert info.check == "ok"
    finally:
        library.close()
