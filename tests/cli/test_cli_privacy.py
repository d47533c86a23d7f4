"""Privacy between fellows on the command line: one real SQLite file, two fellows, in-process.

Before login was turned on, the single user linked Ben's manuscript to Ann's project and
had Ben's work cite a reference Ann cites too (a coordinator entering data, say).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scholar_desk.cli import main
from scholar_desk.core.db import models as m
from scholar_desk.core.db.library import Library
from scholar_desk.core.services import accounts, citations, items
from scholar_desk.core.services.session import SINGLE_USER

SECRET = "Ann's unpublished taper cohort"


@pytest.fixture
def db(new_db) -> tuple[str, dict[str, int]]:
    path = new_db("clinic.sqlite3")
    ids: dict[str, int] = {}
    with Library.open(path) as lib, lib.transaction() as s:
        for key in ("ann", "ben", "dee"):
            ids[key] = items.create_item(
                s, SINGLE_USER, "person", {"given_name": key.title(), "family_name": "Doe"}
            ).id
        ids["project"] = items.create_item(
            s, SINGLE_USER, "project", {"title": SECRET, "owner_id": ids["ann"]}
        ).id
        ids["abstract"] = items.create_item(
            s, SINGLE_USER, "abstract", {"title": SECRET, "owner_id": ids["ann"]}
        ).id
        ids["ben_ms"] = items.create_item(
            s,
            SINGLE_USER,
            "manuscript",
            {"title": "Ben's paper", "owner_id": ids["ben"], "project_id": ids["project"]},
        ).id
        ref = m.Reference(citation_key="doe2020", title="Shared work", extra_fields={})
        s.add(ref)
        s.flush()
        ids["ref"] = ref.id
        citations.cite(s, SINGLE_USER, "project", ids["project"], [ref.id])
        citations.cite(s, SINGLE_USER, "manuscript", ids["ben_ms"], [ref.id])
        accounts.create_account(s, SINGLE_USER, "dee", "password123", "director", ids["dee"])
        boss = accounts.login(s, "dee", "password123")
        accounts.create_account(s, boss, "ann", "password123", "fellow", ids["ann"])
        accounts.create_account(s, boss, "ben", "password123", "fellow", ids["ben"])
    return path, ids


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    path: Path,
    user: str,
    *args: str,
) -> tuple[int, str, str]:
    monkeypatch.setenv("SCHOLAR_DESK_PASSWORD", "password123")
    capsys.readouterr()
    code = main([*args, "--db", str(path), "--user", user])
    out, err = capsys.readouterr()
    return code, out, err


def test_export_by_another_fellows_project_is_exit_2_and_writes_nothing(
    db, capsys, monkeypatch, tmp_path
):
    path, ids = db
    out = tmp_path / "theirs.bib"
    code, _, err = run(
        capsys,
        monkeypatch,
        path,
        "ben",
        "export",
        "bib",
        str(out),
        "--project",
        str(ids["project"]),
    )
    missing_code, _, missing = run(
        capsys, monkeypatch, path, "ben", "export", "bib", str(out), "--project", "99999"
    )
    assert (code, missing_code) == (2, 2)
    assert err.count("\n") == 1
    assert err == missing.replace("99999", str(ids["project"]))  # no probing of ids
    assert not out.exists()
    code, _, _ = run(
        capsys,
        monkeypatch,
        path,
        "ann",
        "export",
        "bib",
        str(out),
        "--project",
        str(ids["project"]),
    )
    assert code == 0
    assert "doe2020" in out.read_text(encoding="utf-8")


def test_list_shows_no_label_of_another_fellows_record(db, capsys, monkeypatch):
    path, ids = db
    code, out, _ = run(capsys, monkeypatch, path, "ben", "list", "manuscripts", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [ids["ben_ms"]]
    assert rows[0]["project_id"] is None
    assert SECRET not in out
    code, out, _ = run(capsys, monkeypatch, path, "ben", "list", "references", "--json")
    assert code == 0
    assert [r["citation_key"] for r in json.loads(out)] == ["doe2020"]
    assert SECRET not in out


def test_citing_another_fellows_record_reads_as_missing(db, capsys, monkeypatch):
    path, ids = db
    code, _, err = run(
        capsys, monkeypatch, path, "ben", "cite", "abstract", str(ids["abstract"]), str(ids["ref"])
    )
    _, _, missing = run(
        capsys, monkeypatch, path, "ben", "cite", "abstract", "99999", str(ids["ref"])
    )
    assert code == 2
    assert err == missing.replace("99999", str(ids["abstract"]))
    code, out, _ = run(
        capsys, monkeypatch, path, "ann", "cite", "abstract", str(ids["abstract"]), "--json"
    )
    assert (code, json.loads(out)) == (0, [])


def test_deactivated_or_demoted_accounts_on_the_command_line(db, capsys, monkeypatch):
    path, _ = db
    with Library.open(path) as lib, lib.transaction() as s:
        boss = accounts.login(s, "dee", "password123")
        accounts.update_account(s, boss, "ben", active=False)
        accounts.create_account(s, boss, "second", "password123", "director")
        accounts.update_account(s, boss, "second", role="fellow")
    code, out, err = run(capsys, monkeypatch, path, "ben", "list", "projects")
    assert (code, out) == (2, "")
    assert "disabled" in err
    code, _, err = run(capsys, monkeypatch, path, "second", "user", "list")
    assert code == 2
    assert "director" in err
