"""Two programs on one database: a stale save is a conflict, a waiting writer gets busy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from scholar_desk.core.db import models as m
from scholar_desk.core.db import sqlite
from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import BusyError, ConflictError
from scholar_desk.core.services import audit, items
from scholar_desk.core.services.session import SINGLE_USER

WORKER = Path(__file__).with_name("crash_worker.py")


def worker(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen[str]) -> str:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return out


@pytest.fixture
def manuscript(library: Library) -> int:
    with library.transaction() as s:
        return items.create_item(s, SINGLE_USER, "manuscript", {"title": "Shared draft"}).id


def test_stale_save_is_a_conflict_and_theirs_is_kept(library: Library, manuscript: int) -> None:
    with library.reading() as s:
        mine = items.get_item(s, SINGLE_USER, "manuscript", manuscript)
    out = finish(worker("writer", library.target, str(manuscript), "--count", "1"))
    assert json.loads(out)["done"] == 1
    with pytest.raises(ConflictError) as caught, library.transaction() as s:
        items.update_item(
            s,
            SINGLE_USER,
            "manuscript",
            manuscript,
            {"word_count": 99, "notes": "mine"},
            expected_version=mine.version,
        )
    conflict = caught.value
    assert conflict.kind == "manuscript"
    assert conflict.record_id == manuscript
    assert conflict.mine == {"word_count": 99, "notes": "mine"}
    assert conflict.theirs["word_count"] == 1
    assert conflict.theirs_version == mine.version + 1
    with library.reading() as s:
        stored = items.get_item(s, SINGLE_USER, "manuscript", manuscript)
    assert stored.get("word_count") == 1
    # Choosing after the conflict saves against the version it showed.
    with library.transaction() as s:
        items.update_item(
            s,
            SINGLE_USER,
            "manuscript",
            manuscript,
            {"notes": "mine"},
            expected_version=conflict.theirs_version,
        )
    with library.reading() as s:
        stored = items.get_item(s, SINGLE_USER, "manuscript", manuscript)
    assert (stored.get("word_count"), stored.get("notes")) == (1, "mine")


def test_two_writers_lose_no_update(library: Library, manuscript: int) -> None:
    each = 60
    procs = [
        worker("writer", library.target, str(manuscript), "--count", str(each)) for _ in range(2)
    ]
    results = [json.loads(finish(p)) for p in procs]
    assert [r["done"] for r in results] == [each, each]
    with library.reading() as s:
        stored = items.get_item(s, SINGLE_USER, "manuscript", manuscript)
        events = audit.query(s, SINGLE_USER, kind="manuscript", action="update", limit=10_000)
    assert stored.get("word_count") == 2 * each
    assert len(events) == 2 * each
    assert sorted(int(e.new_value or 0) for e in events) == list(range(1, 2 * each + 1))


@pytest.mark.sqlite_only(reason="SQLite's one write lock for the whole file")
def test_waiting_writer_gets_busy_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite, "BUSY_TIMEOUT_SECONDS", 0.3)
    path = tmp_path / "lib.sqlite3"
    Library.open(path).close()
    holder = worker("hold", str(path))
    assert holder.stdout is not None
    assert holder.stdin is not None
    try:
        assert holder.stdout.readline().strip() == "locked"
        with Library(path) as library:
            with pytest.raises(BusyError, match="busy") as caught, library.transaction() as s:
                s.add(m.Tag(name="mine"))
            assert "Try again" in caught.value.user_message
            # Reading still works while the other program writes (WAL).
            with library.reading() as s:
                assert items.list_items(s, SINGLE_USER, "journal") == []
            holder.stdin.write("\n")
            holder.stdin.flush()
            assert holder.stdout.readline().strip() == "released"
            with library.transaction() as s:
                s.add(m.Tag(name="mine"))
            with library.reading() as s:
                names = set(s.scalars(select(m.Tag.name)))
        assert "mine" in names
        assert any(n.startswith("held-") for n in names)
    finally:
        finish(holder)
