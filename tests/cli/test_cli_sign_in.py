"""`scholar-desk login` / `logout`: a sign-in that lasts a few minutes, run in-process."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from scholar_desk.cli import main
from scholar_desk.core import clock
from scholar_desk.core.db.library import Library
from scholar_desk.core.db.models import SignInToken
from scholar_desk.core.services import items
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.core.settings import data_dir


class Cli:
    def __init__(self, db: str, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch):
        self.db, self.capsys, self.mp = db, capsys, mp

    def __call__(
        self,
        *args: str,
        user: str | None = None,
        password: str | None = None,
        new: str | None = None,
    ) -> tuple[int, str, str]:
        self.capsys.readouterr()
        for name, value in (
            ("SCHOLAR_DESK_PASSWORD", password),
            ("SCHOLAR_DESK_NEW_PASSWORD", new),
        ):
            if value is None:
                self.mp.delenv(name, raising=False)
            else:
                self.mp.setenv(name, value)
        code = main([*args, "--db", str(self.db), *(["--user", user] if user else [])])
        out, err = self.capsys.readouterr()
        return code, out, err


@pytest.fixture
def cli(new_db, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(new_db("lib.sqlite3"), capsys, monkeypatch)


@pytest.fixture
def people(cli: Cli) -> dict[str, int]:
    with Library.open(cli.db) as lib, lib.transaction() as s:
        a = items.create_item(s, SINGLE_USER, "person", {"given_name": "Ann", "family_name": "A"})
        items.create_item(s, SINGLE_USER, "project", {"title": "P", "owner_id": a.id})
    return {"ann": a.id}


def _accounts(cli: Cli, people: dict[str, int]) -> None:
    assert cli("user", "add", "boss", "--role", "director", new="password123")[0] == 0
    ann = ("user", "add", "ann", "--role", "fellow", "--person", str(people["ann"]))
    assert cli(*ann, new="password123")[0] == 0


@pytest.fixture
def signed_in(cli: Cli, people: dict[str, int]) -> Cli:
    _accounts(cli, people)
    code, out, err = cli("login", user="ann", password="password123")
    assert code == 0, err
    assert "Signed in as ann until" in out
    return cli


def _token_files() -> list[Path]:
    return sorted((data_dir() / "sign-ins").glob("*.json"))


def test_login_lets_commands_run_without_the_password(signed_in: Cli) -> None:
    code, out, err = signed_in("list", "projects", "--json")
    assert code == 0, err
    assert [row["title"] for row in json.loads(out)] == ["P"]
    code, out, _ = signed_in("list", "projects", "--json", user="ann")
    assert code == 0
    # Another --user is not covered by ann's sign-in: it needs its own password.
    code, _, err = signed_in("list", "projects", "--json", user="boss")
    assert code == 2
    assert "Wrong user name or password" in err


@pytest.mark.sqlite_only(reason="reads the database file's bytes for the token")
def test_the_token_is_kept_private_and_only_hashed_in_the_database(signed_in: Cli) -> None:
    [path] = _token_files()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    token = json.loads(path.read_text(encoding="utf-8"))["token"]
    assert len(token) >= 40
    with Library.open(signed_in.db) as lib, lib.reading() as s:
        stored = s.scalars(select(SignInToken.token_hash)).all()
    assert len(stored) == 1
    assert stored[0] != token
    assert token.encode() not in Path(signed_in.db).read_bytes()


def test_logout_ends_the_sign_in(signed_in: Cli) -> None:
    code, out, _ = signed_in("logout")
    assert (code, out.strip()) == (0, "Signed out ann.")
    assert _token_files() == []
    code, _, err = signed_in("list", "projects", "--json")
    assert code == 2
    assert "--user" in err
    with Library.open(signed_in.db) as lib, lib.reading() as s:
        assert s.scalars(select(SignInToken)).all() == []


def test_a_password_reset_or_disabling_the_account_ends_it(signed_in: Cli) -> None:
    code, _, err = signed_in(
        "user", "passwd", "ann", user="boss", password="password123", new="password456"
    )
    assert code == 0, err
    code, _, err = signed_in("list", "projects", "--json")
    assert code == 2
    assert _token_files() == []  # the ended sign-in's file goes too
    assert signed_in("login", user="ann", password="password456")[0] == 0
    code, _, err = signed_in("user", "disable", "ann", user="boss", password="password123")
    assert code == 0, err
    assert signed_in("list", "projects", "--json")[0] == 2


def test_it_expires_after_the_idle_lock_minutes(signed_in: Cli) -> None:
    started = dt.datetime.now(dt.UTC)
    clock.set_clock(lambda: started + dt.timedelta(minutes=14))
    assert signed_in("list", "projects", "--json")[0] == 0
    clock.set_clock(lambda: started + dt.timedelta(minutes=16))
    code, _, err = signed_in("list", "projects", "--json")
    assert code == 2
    assert "--user" in err


def test_a_wrong_password_signs_nobody_in(cli: Cli, people: dict[str, int]) -> None:
    _accounts(cli, people)
    code, out, err = cli("login", user="ann", password="wrong")
    assert (code, out) == (2, "")
    assert err.strip() == "scholar-desk: Wrong user name or password."
    assert _token_files() == []


def test_login_on_a_database_without_accounts_says_so(cli: Cli) -> None:
    code, _, err = cli("login", user="ann", password="x")
    assert code == 2
    assert "no accounts" in err
