"""`scholar-desk sync FILE`: follow a .bib file, sync it, list and stop; bad files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FIRST = """@article{Smith2020, author = {Smith, Jane}, title = {Epidural steroids}, year = {2020}}
@article{Doe2019, author = {Doe, John}, title = {Genicular ablation}, year = {2019}}
@article{Roe2018, author = {Roe, Rita}, title = {Stimulation outcomes}, year = {2018}}
"""
SECOND = """@article{Smith2020, author = {Smith, Jane}, title = {Epidural steroids}, year = {2021}}
@article{Doe2019, author = {Doe, John}, title = {Genicular ablation}, year = {2019}}
@article{Park2021, author = {Park, Soo}, title = {Buprenorphine rotation}, year = {2021}}
"""


def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scholar_desk", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def db(new_db) -> str:
    path = new_db("library.sqlite3", empty=True)
    assert run(path, "init").returncode == 0
    return path


def _keys(db: Path) -> dict[str, int | None]:
    listed = json.loads(run(db, "list", "references", "--json").stdout)
    return {r["citation_key"]: r["year"] for r in listed}


def test_sync_follows_then_keeps_in_step(db: Path, tmp_path: Path) -> None:
    bib = tmp_path / "zotero.bib"
    bib.write_text(FIRST, encoding="utf-8")
    first = run(db, "sync", str(bib), "--json")
    assert first.returncode == 0, first.stderr
    assert sorted(json.loads(first.stdout)["added"]) == ["Doe2019", "Roe2018", "Smith2020"]

    bib.write_text(SECOND, encoding="utf-8")
    dry = run(db, "sync", str(bib), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Would sync zotero.bib: 1 added, 1 changed, 1 removed" in dry.stdout
    assert set(_keys(db)) == {"Smith2020", "Doe2019", "Roe2018"}

    done = run(db, "sync", str(bib))
    assert done.returncode == 0, done.stderr
    assert "Synced zotero.bib: 1 added, 1 changed, 1 removed, 1 unchanged." in done.stdout
    assert _keys(db) == {"Smith2020": 2021, "Doe2019": 2019, "Park2021": 2021}
    again = run(db, "sync", str(bib))
    assert "has not changed since the last sync" in again.stdout

    listed = json.loads(run(db, "sync", "--list", "--json").stdout)
    assert [(f["path"], f["entries"]) for f in listed] == [(str(bib.resolve()), 3)]
    stopped = run(db, "sync", "--stop", str(bib))
    assert stopped.returncode == 0, stopped.stderr
    assert json.loads(run(db, "sync", "--list", "--json").stdout) == []
    assert len(_keys(db)) == 3


@pytest.mark.parametrize(
    ("write", "expected"),
    [
        (lambda p: p.write_text(FIRST + "@article{Bad1,\n title = {Open\n", "utf-8"), "line 4"),
        (lambda p: p.write_bytes(b"\x00\x01\x02\x03" * 100), "not a text file"),
        (lambda p: p.mkdir(), "not a file"),
        (lambda p: None, "does not exist"),
    ],
)
def test_a_file_that_does_not_read_exits_2_and_writes_nothing(
    db: Path, tmp_path: Path, write: object, expected: str
) -> None:
    bib = tmp_path / "zotero.bib"
    write(bib)  # type: ignore[operator]  # the parametrised writer
    done = run(db, "sync", str(bib))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert expected in lines[0]
    assert str(bib.name) in lines[0]
    assert _keys(db) == {}
    assert json.loads(run(db, "sync", "--list", "--json").stdout) == []
