"""The accounts, comment, audit, backup and restore commands, run in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scholar_desk.cli import main
from scholar_desk.core.db.library import Library
from scholar_desk.core.services import items
from scholar_desk.core.services.session import SINGLE_USER


class Cli:
    def __init__(
        self, db: Path, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
    ) -> None:
        self.db = db
        self.capsys = capsys
        self.mp = mp

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
        argv = [*args, "--db", str(self.db)]
        if user:
            argv += ["--user", user]
        code = main(argv)
        out, err = self.capsys.readouterr()
        return code, out, err


@pytest.fixture
def cli(new_db, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(new_db("lib.sqlite3"), capsys, monkeypatch)


@pytest.fixture
def people(cli: Cli) -> dict[str, int]:
    with Library.open(cli.db) as lib, lib.transaction() as s:
        a = items.create_item(s, SINGLE_USER, "person", {"given_name": "Ann", "family_name": "A"})
        project = items.create_item(s, SINGLE_USER, "project", {"title": "P", "owner_id": a.id})
    return {"ann": a.id, "project": project.id}


def _accounts(cli: Cli, people: dict[str, int]) -> None:
    assert cli("user", "add", "boss", "--role", "director", new="password123")[0] == 0
    code, out, _ = cli(
        "user", "add", "ann", "--role", "fellow", "--person", str(people["ann"]), new="password123"
    )
    assert code == 0
    assert "sign in" in out
    code, _, err = cli(
        "user",
        "add",
        "men",
        "--role",
        "mentor",
        user="boss",
        password="password123",
        new="password123",
    )
    assert code == 0, err


def test_first_account_is_director(cli: Cli) -> None:
    code, out, _ = cli("user", "add", "first", "--role", "fellow", new="password123")
    assert code == 0
    assert "director account first" in out


def test_user_list_json_and_login(cli: Cli, people: dict[str, int]) -> None:
    _accounts(cli, people)
    code, out, _ = cli("user", "list", "--json", user="boss", password="password123")
    assert code == 0
    rows = json.loads(out)
    assert [(r["username"], r["role"]) for r in rows] == [
        ("ann", "fellow"),
        ("boss", "director"),
        ("men", "mentor"),
    ]
    assert all("id" in r and "password_hash" not in r for r in rows)
    assert "password123" not in out


def test_login_errors_are_one_line_exit_2(cli: Cli, people: dict[str, int]) -> None:
    _accounts(cli, people)
    code, out, err = cli("user", "list", user="boss", password="wrong")
    assert (code, out) == (2, "")
    assert err.strip() == "scholar-desk: Wrong user name or password."
    code, _, err = cli("user", "list")
    assert code == 2
    assert "--user" in err
    assert err.count("\n") == 1


def test_fellow_cannot_add_users_and_nothing_is_written(cli: Cli, people: dict[str, int]) -> None:
    _accounts(cli, people)
    code, _, err = cli(
        "user",
        "add",
        "x",
        "--role",
        "fellow",
        user="ann",
        password="password123",
        new="password123",
    )
    assert code == 2
    assert "director" in err
    code, out, _ = cli("user", "list", "--json", user="boss", password="password123")
    assert "x" not in [r["username"] for r in json.loads(out)]


def test_passwd_and_assign(cli: Cli, people: dict[str, int]) -> None:
    _accounts(cli, people)
    assert (
        cli("user", "passwd", "ann", user="ann", password="password123", new="newpassword1")[0]
        == 0
    )
    assert cli("user", "list", user="boss", password="password123")[0] == 0
    code, _, err = cli(
        "user", "passwd", "ann", user="ann", password="password123", new="zzzzzzzzz"
    )
    assert code == 2
    code, _, err = cli("user", "passwd", "ann", user="ann", password="newpassword1", new="short")
    assert code == 2
    assert "8 characters" in err
    code, out, err = cli(
        "user", "assign", "men", str(people["ann"]), user="boss", password="password123"
    )
    assert code == 0, err
    assert str(people["ann"]) in out
    code, _, err = cli(
        "user", "assign", "ann", str(people["ann"]), user="boss", password="password123"
    )
    assert code == 2
    assert "not a mentor" in err


def test_comments_round_trip(cli: Cli, people: dict[str, int]) -> None:
    _accounts(cli, people)
    cli("user", "assign", "men", str(people["ann"]), user="boss", password="password123")
    pid = str(people["project"])
    code, out, err = cli(
        "comment", "add", "project", pid, "Tighten the aims", user="men", password="password123"
    )
    assert code == 0, err
    code, out, _ = cli("comment", "list", "--json", user="ann", password="password123")
    rows = json.loads(out)
    assert [(r["body"], r["resolved"], r["author_name"]) for r in rows] == [
        ("Tighten the aims", False, "men")
    ]
    code, _, err = cli(
        "comment", "add", "project", pid, "mine", user="boss", password="password123"
    )
    assert code == 0
    code, _, err = cli(
        "comment", "resolve", str(rows[0]["id"]), user="ann", password="password123"
    )
    assert code == 0, err
    code, out, _ = cli("comment", "list", "--json", "--open", user="men", password="password123")
    assert [r["body"] for r in json.loads(out)] == ["mine"]
    code, _, err = cli("comment", "add", "project", "999", "x", user="men", password="password123")
    assert code == 2
    assert "no project with id 999" in err


def test_audit_command(cli: Cli, people: dict[str, int]) -> None:
    _accounts(cli, people)
    code, out, _ = cli("audit", "--json", "--kind", "account", user="boss", password="password123")
    assert code == 0
    rows = json.loads(out)
    assert {r["action"] for r in rows} == {"create"}
    assert all("password123" not in json.dumps(r) for r in rows)
    code, out, _ = cli("audit", "--json", "--by", "boss", user="boss", password="password123")
    assert [r["actor"] for r in json.loads(out)] == ["boss"]
    assert cli("audit", user="ann", password="password123")[0] == 2


def test_backup_and_restore(cli: Cli, people: dict[str, int], tmp_path: Path) -> None:
    out_file = tmp_path / "copy.sqlite3"
    code, out, err = cli("backup", str(out_file))
    assert code == 0, err
    assert out_file.stat().st_mode & 0o777 == 0o600
    code, _, err = cli("backup", str(out_file))
    assert code == 2
    assert "already exists" in err
    with Library.open(cli.db) as lib, lib.transaction() as s:
        items.create_item(s, SINGLE_USER, "journal", {"name": "Added after the backup"})
    code, out, err = cli("restore", str(out_file))
    assert code == 0, err
    # A file is kept first; a server keeps its own backups (and the restore is one transaction).
    assert "kept in" in out or "://" in str(cli.db)
    with Library.open(cli.db) as lib, lib.reading() as s:
        assert items.list_items(s, SINGLE_USER, "journal") == []
    code, _, err = cli("restore", str(tmp_path / "nothing.sqlite3"))
    assert code == 2
    assert "not a usable backup" in err


@pytest.mark.sqlite_only(reason="a damaged database file")
def test_restore_over_a_damaged_file(cli: Cli, people: dict[str, int], tmp_path: Path) -> None:
    backup = tmp_path / "good.sqlite3"
    assert cli("backup", str(backup))[0] == 0
    Path(cli.db).write_bytes(b"SQLite format 3\x00" + b"\x13" * 8000)
    code, out, err = cli("restore", str(backup))
    assert code == 0, err
    assert "moved to" in out
    assert list(tmp_path.glob("lib.corrupt-*.sqlite3"))
    with Library.open(cli.db) as lib, lib.reading() as s:
        assert items.list_items(s, SINGLE_USER, "project")


def test_restore_needs_a_director(cli: Cli, people: dict[str, int], tmp_path: Path) -> None:
    _accounts(cli, people)
    backup = tmp_path / "b.sqlite3"
    assert cli("backup", str(backup), user="boss", password="password123")[0] == 0
    assert cli("backup", str(tmp_path / "c.sqlite3"), user="ann", password="password123")[0] == 2
    code, _, err = cli("restore", str(backup), user="men", password="password123")
    assert code == 2
    assert "Only a director can manage backups." in err
    assert cli("restore", str(backup), user="boss", password="password123")[0] == 0


def test_a_mentor_cannot_import_references(
    cli: Cli, people: dict[str, int], tmp_path: Path
) -> None:
    _accounts(cli, people)
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{Smith2020, title = {Knee pain}, year = {2020}}\n", encoding="utf-8")
    code, _, err = cli("import", str(bib), user="men", password="password123")
    assert code == 2
    assert err.strip().endswith("Mentors can read the reference library, not change it.")
    code, out, _ = cli(
        "import", "--dry-run", "--json", str(bib), user="men", password="password123"
    )
    assert code == 0
    assert json.loads(out)["imported"] == 1
    code, out, _ = cli("list", "references", "--json", user="men", password="password123")
    assert (code, json.loads(out)) == (0, [])
    code, _, err = cli("import", str(bib), user="ann", password="password123")
    assert code == 0, err
