"""``add``, ``edit`` and ``delete`` for every tracker kind, run in-process on a real file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scholar_desk.cli import main
from scholar_desk.core.db import models as m
from scholar_desk.core.db.library import Library
from scholar_desk.core.services import accounts, items
from scholar_desk.core.services.kinds import KINDS
from scholar_desk.core.services.session import SINGLE_USER


class Cli:
    def __init__(
        self, db: Path, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
    ) -> None:
        self.db = db
        self.capsys = capsys
        mp.setenv("SCHOLAR_DESK_PASSWORD", accounts.DEMO_PASSWORD)

    def __call__(self, *args: str, user: str | None = None) -> tuple[int, str, str]:
        self.capsys.readouterr()
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
    """Two fellows, a mentor and a director with accounts; fellow2 owns one project."""
    with Library.open(cli.db) as lib, lib.transaction() as s:

        def person(given: str) -> int:
            record = items.create_item(
                s, SINGLE_USER, "person", {"given_name": given, "family_name": "Test"}
            )
            return record.id

        ids = {name: person(name) for name in ("fellow1", "fellow2", "mentor", "director")}
        other = items.create_item(
            s, SINGLE_USER, "project", {"title": "Fellow two's study", "owner_id": ids["fellow2"]}
        )
        accounts.create_demo_accounts(
            s, ids["fellow1"], ids["fellow2"], ids["mentor"], ids["director"]
        )
    return {**ids, "other_project": other.id}


def _projects(db: Path) -> dict[int, dict[str, object]]:
    kind = KINDS["project"]
    with Library.open(db) as lib, lib.reading() as s:
        return {p.id: dict(items.to_record(kind, p).values) for p in s.scalars(select(m.Project))}


def _audit(db: Path, **where: object) -> list[tuple[str, str]]:
    query = select(m.AuditEvent.action, m.AuditEvent.actor).filter_by(**where)
    with Library.open(db) as lib, lib.reading() as s:
        return [(action, actor) for action, actor in s.execute(query)]


def test_fellow_adds_edits_and_deletes_own_project(cli: Cli, people: dict[str, int]) -> None:
    code, out, err = cli(
        "add",
        "project",
        "--set",
        "title=Genicular nerve RFA",
        "--set",
        "irb_approved_on=2026-08-01",
        "--json",
        user="fellow1",
    )
    assert code == 0, err
    added = json.loads(out)
    assert added["title"] == "Genicular nerve RFA"
    assert added["owner_id"] == people["fellow1"]
    assert added["irb_approved_on"] == "2026-08-01"

    code, out, _ = cli("list", "projects", "--json", user="fellow1")
    listed = {row["id"]: row for row in json.loads(out)}
    assert listed[added["id"]] == added  # the same shape as list --json

    code, out, err = cli(
        "edit", "projects", str(added["id"]), "--set", "status=protocol", user="fellow1"
    )
    assert code == 0, err
    assert f"project {added['id']}" in out
    assert _projects(cli.db)[added["id"]]["status"] == "protocol"

    code, out, err = cli("delete", "project", str(added["id"]), user="fellow1")
    assert code == 0, err
    assert "Genicular nerve RFA" in out
    assert added["id"] not in _projects(cli.db)
    actions = set(_audit(cli.db, kind="project", record_id=added["id"]))
    assert {("create", "fellow1"), ("update", "fellow1"), ("delete", "fellow1")} <= actions


def test_fellow_cannot_edit_or_delete_another_fellows_project(
    cli: Cli, people: dict[str, int]
) -> None:
    before, trail = _projects(cli.db), _audit(cli.db)
    other = str(people["other_project"])
    for args in (
        ("edit", "project", other, "--set", "title=Mine now"),
        ("delete", "project", other),
    ):
        code, out, err = cli(*args, user="fellow1")
        assert code == 2
        assert out == ""
        assert err.startswith("scholar-desk: ")
        assert err.count("\n") == 1
    assert _projects(cli.db) == before
    assert _audit(cli.db) == trail


def test_mentor_cannot_add(cli: Cli, people: dict[str, int]) -> None:
    before = _projects(cli.db)
    for extra in ((), ("--set", f"owner_id={people['fellow1']}")):
        code, _, err = cli("add", "project", "--set", "title=Mentor's idea", *extra, user="mentor")
        assert code == 2
        assert err.count("\n") == 1
        assert "Traceback" not in err
    assert _projects(cli.db) == before


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("add", "project", "--set", "title=X", "--set", "colour=red"), ("colour", "title")),
        (
            ("add", "project", "--set", "title=X", "--set", "started_on=2026-02-30"),
            ("started_on", "YYYY-MM-DD"),
        ),
        (("add", "project", "--set", "title=X", "--set", "status=finished"), ("status", "idea")),
        (("add", "project", "--set", "title=X", "--set", "owner_id=999"), ("owner_id", "999")),
        (
            (
                "add",
                "deadline",
                "--set",
                "title=X",
                "--set",
                "due_on=2026-09-01",
                "--set",
                "done=maybe",
            ),
            ("done", "maybe"),
        ),
        (
            ("add", "manuscript", "--set", "title=X", "--set", "word_count=many"),
            ("word_count", "whole number"),
        ),
        (("add", "project", "--set", "title"), ("--set", "FIELD=VALUE")),
        (("add", "widget", "--set", "title=X"), ("widget", "project")),
        (("edit", "project", "1", "--set", "title=X"), ("no project with id 1",)),
        (("edit", "project", "1"), ("--set",)),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    cli: Cli, args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    cli("init")
    code, out, err = cli(*args)
    assert code == 2
    assert out == ""
    assert err.startswith("scholar-desk: ")
    assert err.count("\n") == 1
    for word in words:
        assert word in err
    with Library.open(cli.db) as lib, lib.reading() as s:
        for kind in KINDS.values():
            assert s.scalar(select(func.count()).select_from(kind.model)) == 0


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_declared_kind_is_a_command_line_kind(cli: Cli, kind: str) -> None:
    cli("init")
    code, _, err = cli("add", kind)
    # Each kind has a required field, so adding nothing is refused by the item service.
    assert code == 2
    assert "is required" in err
    assert "not a kind of record" not in err


def test_add_help_lists_every_kind_with_its_fields(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["add", "--help"])
    assert exited.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for kind in KINDS.values():
        assert f"{kind.name}: {', '.join(f.name for f in kind.fields)}" in text
