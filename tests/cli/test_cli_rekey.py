"""`scholar-desk rekey`: new citation keys from a pattern, all or some, with clear refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scholar_desk.cli import main

BIB = """@article{x1, author = {Smith, John}, title = {Knee pain}, journal = {Pain}, year = 2020}
@article{x2, author = {Smith, John}, title = {Knee pain again}, journal = {Pain}, year = 2020}
@article{x3, author = {Doe, Jane}, title = {Nerve blocks}, journal = {Anesthesiology}, year = 2019}
"""


@pytest.fixture
def db(new_db, tmp_path: Path) -> str:
    path = new_db("lib.sqlite3")
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    assert main(["--db", str(path), "import", str(bib)]) == 0
    return path


def _keys(db: Path, capsys: pytest.CaptureFixture[str]) -> dict[int, str]:
    capsys.readouterr()
    assert main(["--db", str(db), "list", "references", "--json"]) == 0
    return {row["id"]: row["citation_key"] for row in json.loads(capsys.readouterr().out)}


def test_rekey_all_makes_unique_keys_from_the_pattern(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db), "rekey", "--all", "--pattern", "{author}{year}"]) == 0
    assert "3 of 3 keys changed" in capsys.readouterr().out
    assert sorted(_keys(db, capsys).values()) == ["Doe2019", "Smith2020", "Smith2020a"]


def test_rekey_some_prints_old_and_new(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = min(_keys(db, capsys))
    assert (
        main(["--db", str(db), "rekey", str(first), "--pattern", "{journal}{year}", "--json"]) == 0
    )
    changed = json.loads(capsys.readouterr().out)
    assert changed == [{"id": first, "old": "x1", "new": "P2020"}]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Give reference ids, or --all"),
        (["999"], "No reference with id 999"),
        (["--all", "--pattern", "{nope}"], "is not a usable key pattern"),
    ],
)
def test_rekey_refusals_change_nothing(
    db: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    before = _keys(db, capsys)
    assert main(["--db", str(db), "rekey", *args]) == 2
    assert message in capsys.readouterr().err
    assert _keys(db, capsys) == before
