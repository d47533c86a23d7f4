"""``user role``, ``user disable`` and ``user enable``, run in-process on a real file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from scholar_desk.cli import main
from scholar_desk.core.db import models as m
from scholar_desk.core.db.library import Library
from scholar_desk.core.services import accounts, items
from scholar_desk.core.services.session import SINGLE_USER


@pytest.fixture
def db(new_db) -> str:
    path = new_db("lib.sqlite3")
    with Library.open(path) as lib, lib.transaction() as s:
        ids = [
            items.create_item(s, SINGLE_USER, "person", {"given_name": n, "family_name": "T"}).id
            for n in ("f1", "f2", "m", "d")
        ]
        accounts.create_demo_accounts(s, *ids)
    return path


def run(
    db: Path,
    capsys: pytest.CaptureFixture[str],
    *args: str,
    user: str = "director",
    password: str = accounts.DEMO_PASSWORD,
) -> tuple[int, str, str]:
    capsys.readouterr()
    mp = pytest.MonkeyPatch()
    mp.setenv("SCHOLAR_DESK_PASSWORD", password)
    try:
        code = main([*args, "--db", str(db), "--user", user])
    finally:
        mp.undo()
    out, err = capsys.readouterr()
    return code, out, err


def _accounts(db: Path) -> dict[str, tuple[str, bool]]:
    with Library.open(db) as lib, lib.reading() as s:
        return {a.username: (a.role, a.active) for a in s.scalars(select(m.Account))}


def _account_events(db: Path) -> list[tuple[str, str | None, str | None, str]]:
    query = select(
        m.AuditEvent.field, m.AuditEvent.old_value, m.AuditEvent.new_value, m.AuditEvent.actor
    ).where(m.AuditEvent.kind == "account", m.AuditEvent.action == "update")
    with Library.open(db) as lib, lib.reading() as s:
        return [tuple(row) for row in s.execute(query)]  # type: ignore[misc]


def test_director_changes_a_role_and_it_is_audited(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(db, capsys, "user", "role", "fellow1", "mentor")
    assert code == 0, err
    assert "fellow1" in out
    assert "mentor" in out
    assert _accounts(db)["fellow1"] == ("mentor", True)
    assert ("role", "fellow", "mentor", "director") in _account_events(db)
    code, out, _ = run(db, capsys, "user", "list", "--json")
    roles = {row["username"]: row["role"] for row in json.loads(out)}
    assert roles["fellow1"] == "mentor"


@pytest.mark.parametrize(
    ("user", "args", "words"),
    [
        ("fellow1", ("user", "role", "fellow1", "director"), ("director",)),
        ("mentor", ("user", "disable", "fellow1"), ("director",)),
        ("director", ("user", "role", "director", "fellow"), ("at least one active director",)),
        ("director", ("user", "disable", "director"), ("at least one active director",)),
        ("director", ("user", "role", "nobody", "mentor"), ("nobody",)),
    ],
)
def test_refused_account_changes_are_one_line_exit_2_and_change_nothing(
    db: Path,
    capsys: pytest.CaptureFixture[str],
    user: str,
    args: tuple[str, ...],
    words: tuple[str, ...],
) -> None:
    before, trail = _accounts(db), _account_events(db)
    code, out, err = run(db, capsys, *args, user=user)
    assert code == 2
    assert out == ""
    assert err.startswith("scholar-desk: ")
    assert err.count("\n") == 1
    for word in words:
        assert word in err
    assert _accounts(db) == before
    assert _account_events(db) == trail


def test_a_disabled_account_is_told_so_and_enable_lets_it_back(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(db, capsys, "user", "disable", "fellow2")
    assert code == 0, err
    assert "disabled" in out
    assert _accounts(db)["fellow2"] == ("fellow", False)
    assert ("active", "True", "False", "director") in _account_events(db)

    code, out, err = run(db, capsys, "list", "projects", user="fellow2")
    assert code == 2
    assert out == ""
    assert "disabled" in err
    assert "Wrong user name or password" not in err
    # Without the right password nobody learns that the account exists.
    code, _, err = run(db, capsys, "list", "projects", user="fellow2", password="guess1234")
    assert code == 2
    assert "Wrong user name or password" in err
    assert "disabled" not in err

    code, out, err = run(db, capsys, "user", "enable", "fellow2")
    assert code == 0, err
    assert "enabled" in out
    code, _, err = run(db, capsys, "list", "projects", user="fellow2")
    assert code == 0, err
