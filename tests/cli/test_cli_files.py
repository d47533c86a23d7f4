"""`scholar-desk file ...` and `manuscript check | package` on a real database and real .docx."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scholar_desk.cli import main
from scholar_desk.core.db import models as m
from scholar_desk.core.db.library import Library
from scholar_desk.core.services import items, manuscript_files, submissions
from scholar_desk.core.services.session import SINGLE_USER
from tests.manuscript_data import EXPECTED, write_manuscript


@pytest.fixture
def db(new_db) -> tuple[str, int]:
    path = new_db("cli.sqlite3")
    with Library.open(path) as lib, lib.transaction() as s:
        made = items.create_item(s, SINGLE_USER, "manuscript", {"title": "GNRFA for knee OA"})
    return path, made.id


def _list(path: str, ms: int, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    capsys.readouterr()
    assert main(["file", "list", "manuscript", str(ms), "--json", "--db", path]) == 0
    return json.loads(capsys.readouterr().out)


def test_add_versions_list_get_remove(
    db: tuple[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, ms = db
    v1 = write_manuscript(tmp_path / "v1.docx")
    v2 = write_manuscript(tmp_path / "v2.docx", extra="After co-author comments.")
    assert main(["file", "add", "manuscript", str(ms), str(v1), "--db", path]) == 0
    assert "draft v1, v1.docx" in capsys.readouterr().out
    args = ["file", "add", "manuscript", str(ms), str(v2), "--role", "draft"]
    assert main([*args, "--label", "v2, after co-author comments", "--db", path]) == 0
    listed = _list(path, ms, capsys)
    assert [(f["role"], f["version"], f["current"], f["label"]) for f in listed] == [
        ("draft", 2, True, "v2, after co-author comments"),
        ("draft", 1, False, ""),
    ]
    out = tmp_path / "back.docx"
    assert main(["file", "get", str(listed[1]["id"]), str(out), "--db", path]) == 0
    assert out.read_bytes() == v1.read_bytes()
    assert main(["file", "get", str(listed[1]["id"]), str(out), "--db", path]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["file", "remove", str(listed[0]["id"]), "--db", path]) == 0
    assert "freeing" in capsys.readouterr().out  # v2's bytes were its own
    assert [f["version"] for f in _list(path, ms, capsys)] == [1]
    with Library.open(path) as lib, lib.reading() as s:
        assert s.scalar(select(func.count()).select_from(m.Blob)) == 1
        assert s.scalar(select(func.count()).select_from(m.BlobChunk)) == 1  # v1's one piece


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "nope.docx", "does not exist"),
        (lambda d: d, "is a folder"),
        (lambda d: _write(d / "fake.docx", b"plain text"), "not a Word document"),
    ],
    ids=["missing", "folder", "not-word"],
)
def test_bad_input_is_one_line_exit_2_and_nothing_stored(
    db: tuple[str, int],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: object,
    message: str,
) -> None:
    path, ms = db
    good = write_manuscript(tmp_path / "good.docx")
    folder = tmp_path / "in"
    folder.mkdir()
    bad = make(folder)  # type: ignore[operator]
    capsys.readouterr()
    assert main(["file", "add", "manuscript", str(ms), str(good), str(bad), "--db", path]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
    with Library.open(path) as lib, lib.reading() as s:
        assert s.scalar(select(func.count()).select_from(m.AttachedFile)) == 0
        assert s.scalar(select(func.count()).select_from(m.Blob)) == 0


def test_over_the_limit_and_unknown_manuscript(
    db: tuple[str, int],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from scholar_desk.core.services.manuscript_files import store

    path, _ms = db
    monkeypatch.setattr(store, "MAX_FILE_BYTES", 10)
    big = _write(tmp_path / "big.pdf", b"x" * 11)
    capsys.readouterr()
    assert main(["file", "add", "manuscript", "1", str(big), "--db", path]) == 2
    assert "may be at most" in capsys.readouterr().err
    draft = write_manuscript(tmp_path / "d.docx")
    assert main(["file", "add", "manuscript", "99", str(draft), "--db", path]) == 2
    assert (
        capsys.readouterr().err
        == "scholar-desk: There is no manuscript with id 99. It may have been deleted.\n"
    )
    assert main(["manuscript", "check", "99", "--db", path]) == 2


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_check_package_and_what_was_sent(
    db: tuple[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, ms = db
    draft = write_manuscript(tmp_path / "draft.docx")
    assert main(["file", "add", "manuscript", str(ms), str(draft), "--db", path]) == 0
    with Library.open(path) as lib, lib.transaction() as s:
        journal = items.create_item(s, SINGLE_USER, "journal", {"name": "Pain Medicine"}).id
        manuscript_files.set_journal_limits(
            s,
            SINGLE_USER,
            manuscript_files.JournalLimits(journal, "original research", words=20, refs=10),
        )
        sub = items.create_item(
            s, SINGLE_USER, "submission", {"manuscript_id": ms, "journal_id": journal}
        ).id
        submissions.change_status(s, SINGLE_USER, sub, "submitted")
    capsys.readouterr()
    assert main(["manuscript", "check", str(ms), "--db", path]) == 0
    out = capsys.readouterr().out
    assert "Main text words" in out
    assert f"{EXPECTED.main_words} / 20  OVER THE LIMIT" in out
    assert f"{EXPECTED.references} / 10\n" in out
    assert main(["manuscript", "check", str(ms), "--json", "--db", path]) == 0
    lines = {x["measure"]: x for x in json.loads(capsys.readouterr().out)["lines"]}
    assert (lines["abstract_words"]["count"], lines["abstract_words"]["limit"]) == (17, None)
    assert main(["file", "sent", str(ms), "--db", path]) == 0
    assert "submitted to Pain Medicine" in capsys.readouterr().out
    folder = tmp_path / "pkg"
    folder.mkdir()
    assert main(["manuscript", "package", str(ms), str(folder), "--db", path]) == 0
    with zipfile.ZipFile(folder / "Pain Medicine submission.zip") as archive:
        assert archive.read("Manuscript - draft.docx") == draft.read_bytes()
    bad = ["manuscript", "package", str(ms), str(tmp_path / "x.zip"), "--roles", "poster"]
    assert main([*bad, "--db", path]) == 2
    assert not (tmp_path / "x.zip").exists()


def test_journal_limits_set_and_shown(
    db: tuple[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ms = db
    with Library.open(path) as lib, lib.transaction() as s:
        journal = items.create_item(s, SINGLE_USER, "journal", {"name": "Pain Practice"}).id
    args = ["journal", "limits", str(journal), "--type", "case report", "--words", "1500"]
    assert main([*args, "--refs", "15", "--legends-count", "--db", path]) == 0
    assert (
        "case report: words 1,500, refs 15; legends count as main text" in capsys.readouterr().out
    )
    assert main(["journal", "limits", str(journal), "--json", "--db", path]) == 0
    [limits] = json.loads(capsys.readouterr().out)
    assert (limits["words"], limits["figures"], limits["legends_count"]) == (1500, None, True)
    bad = ["journal", "limits", str(journal), "--type", "poster", "--words", "1"]
    assert main([*bad, "--db", path]) == 2
    assert "article_type: Choose one of" in capsys.readouterr().err
