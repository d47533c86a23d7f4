"""`scholar-desk cite`: list, add and remove what an abstract cites, with roles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(db: Path, user: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SCHOLAR_DESK_PASSWORD": "demo"}
    return subprocess.run(
        [sys.executable, "-m", "scholar_desk", "--db", str(db), "--user", user, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


@pytest.fixture(scope="module")
def demo_db(module_new_db) -> str:
    db = module_new_db("demo.sqlite3")
    done = subprocess.run(
        [sys.executable, "-m", "scholar_desk", "--db", str(db), "demo"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return db


def _abstract_and_refs(db: Path) -> tuple[int, list[int]]:
    abstracts = json.loads(run(db, "fellow1", "list", "abstracts", "--json").stdout)
    refs = json.loads(run(db, "fellow1", "list", "references", "--json").stdout)
    draft = next(a for a in abstracts if a["status"] == "draft")
    return draft["id"], [r["id"] for r in refs]


def test_cite_add_list_remove(demo_db: Path) -> None:
    abstract, refs = _abstract_and_refs(demo_db)
    added = run(
        demo_db, "fellow1", "cite", "abstract", str(abstract), str(refs[0]), str(refs[1]), "--json"
    )
    assert added.returncode == 0, added.stderr
    assert [c["reference_id"] for c in json.loads(added.stdout)] == refs[:2]
    removed = run(demo_db, "fellow1", "cite", "abstract", str(abstract), "--remove", str(refs[0]))
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout.startswith("1. ")
    listed = json.loads(
        run(demo_db, "fellow1", "cite", "abstract", str(abstract), "--json").stdout
    )
    assert [(c["number"], c["reference_id"]) for c in listed] == [(1, refs[1])]


def test_mentor_cannot_change_citations(demo_db: Path) -> None:
    abstract, refs = _abstract_and_refs(demo_db)
    before = run(demo_db, "fellow1", "cite", "abstract", str(abstract), "--json").stdout
    denied = run(demo_db, "mentor", "cite", "abstract", str(abstract), str(refs[2]))
    assert denied.returncode == 2
    assert denied.stderr.count("\n") == 1
    assert "Mentors can read and comment, not change abstracts." in denied.stderr
    assert run(demo_db, "fellow1", "cite", "abstract", str(abstract), "--json").stdout == before


def test_unknown_reference_is_exit_2(demo_db: Path) -> None:
    abstract, _ = _abstract_and_refs(demo_db)
    bad = run(demo_db, "fellow1", "cite", "abstract", str(abstract), "99999")
    assert bad.returncode == 2
    assert "No reference with id 99999" in bad.stderr
