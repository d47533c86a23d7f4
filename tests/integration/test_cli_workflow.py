"""``submission status|resubmit`` and ``abstract count`` in a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scholar_desk.core.db.library import Library
from scholar_desk.core.services import abstracts, items
from scholar_desk.core.services.session import SINGLE_USER


def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scholar_desk", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def db(new_db) -> tuple[str, dict[str, int]]:
    path = new_db("cli.sqlite3")
    with Library.open(path) as lib, lib.transaction() as s:
        pain = items.create_item(s, SINGLE_USER, "journal", {"name": "PAIN"})
        rapm = items.create_item(s, SINGLE_USER, "journal", {"name": "RAPM"})
        ms = items.create_item(s, SINGLE_USER, "manuscript", {"title": "SCS outcomes"})
        sub = items.create_item(
            s, SINGLE_USER, "submission", {"manuscript_id": ms.id, "journal_id": pain.id}
        )
        conf = items.create_item(
            s,
            SINGLE_USER,
            "conference",
            {"name": "ASRA", "body_limit": 5, "title_limit": 10, "title_limit_unit": "characters"},
        )
        ab = items.create_item(
            s, SINGLE_USER, "abstract", {"title": "A long title here", "conference_id": conf.id}
        )
        abstracts.save_sections(s, SINGLE_USER, ab.id, [("Methods", "one two three four five")])
    return path, {"sub": sub.id, "rapm": rapm.id, "abstract": ab.id}


def test_status_and_resubmit(db: tuple[Path, dict[str, int]]) -> None:
    path, ids = db
    sub = str(ids["sub"])
    done = run(path, "submission", "status", sub, "submitted", "--on", "2025-01-10")
    assert done.returncode == 0, done.stderr
    assert "draft -> submitted on 2025-01-10" in done.stdout
    done = run(
        path, "submission", "status", sub, "rejected", "--on", "2025-02-01", "--note", "desk"
    )
    assert done.returncode == 0, done.stderr
    done = run(path, "submission", "resubmit", sub, str(ids["rapm"]), "--on", "2025-02-15")
    assert done.returncode == 0, done.stderr
    assert "to RAPM" in done.stdout
    listed = subprocess.run(
        [sys.executable, "-m", "scholar_desk", "list", "submissions", "--json", "--db", str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    rows = json.loads(listed.stdout)
    assert sorted((r["status"], r["previous_id"]) for r in rows) == [
        ("rejected", None),
        ("submitted", ids["sub"]),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["accepted"], "can move only to"),
        (["submitted", "--on", "2999-01-01"], "future"),
        (["submitted", "--on", "yesterday"], "is not a date"),
    ],
)
def test_status_errors_are_one_line_exit_2(
    db: tuple[Path, dict[str, int]], args: list[str], message: str
) -> None:
    path, ids = db
    done = run(path, "submission", "status", str(ids["sub"]), *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert done.stdout == ""


def test_resubmit_before_rejection_is_refused(db: tuple[Path, dict[str, int]]) -> None:
    path, ids = db
    done = run(path, "submission", "resubmit", str(ids["sub"]), str(ids["rapm"]))
    assert done.returncode == 2
    assert "rejected or withdrawn" in done.stderr


def test_abstract_count(db: tuple[Path, dict[str, int]]) -> None:
    path, ids = db
    done = run(path, "abstract", "count", str(ids["abstract"]))
    assert done.returncode == 0, done.stderr
    assert "Body:  6 / 5 words  OVER THE LIMIT" in done.stdout
    assert "Title: 17 / 10 characters  OVER THE LIMIT" in done.stdout
    as_json = json.loads(run(path, "abstract", "count", str(ids["abstract"]), "--json").stdout)
    assert (as_json["body_count"], as_json["over"], as_json["title_over"]) == (6, True, True)
    missing = run(path, "abstract", "count", "999")
    assert missing.returncode == 2
    assert "no abstract with id 999" in missing.stderr
