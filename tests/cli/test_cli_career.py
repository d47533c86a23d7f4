"""The fellow's record at work on the command line: roles, bad input, files written."""

import datetime as dt

import pytest
from career_data import PASSWORD, add_accounts, seed_career
from docx import Document

from scholar_desk.cli import main
from scholar_desk.core import clock
from scholar_desk.core.db.library import Library


@pytest.fixture
def db(tmp_path):
    clock.set_clock(lambda: dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC))
    path = tmp_path / "career.sqlite3"
    with Library.open(path) as lib:
        add_accounts(lib, seed_career(lib))
    return str(path)


@pytest.fixture
def run(db, capsys, monkeypatch):
    monkeypatch.setenv("SCHOLAR_DESK_PASSWORD", PASSWORD)

    def call(user, *args):
        capsys.readouterr()
        code = main([*args, "--db", db, "--user", user])
        out, err = capsys.readouterr()
        return code, out, err

    return call


def test_cv_for_oneself_by_default(run, tmp_path):
    out = tmp_path / "ana.docx"
    code, printed, _ = run("ana", "cv", str(out))
    assert code == 0, printed
    assert "Wrote the CV of Ana Reyes, MD" in printed
    assert "3 peer-reviewed publications" in printed
    doc = Document(str(out))
    assert doc.paragraphs[0].text == "Ana Reyes, MD"


@pytest.mark.parametrize(
    ("user", "fellow", "allowed"),
    [
        ("ana", "Stone", False),
        ("ben", "Reyes", False),
        ("sara", "Reyes", True),
        ("sara", "Stone", False),
        ("dee", "Stone", True),
        ("dee", "Reyes", True),
    ],
)
def test_cv_roles(run, tmp_path, user, fellow, allowed):
    out = tmp_path / f"{user}-{fellow}.pdf"
    code, _, err = run(user, "cv", str(out), "--fellow", fellow)
    if allowed:
        assert code == 0, err
        assert out.exists()
    else:
        assert code == 2
        assert err.count("\n") == 1
        assert f"No fellow called '{fellow}'" in err
        assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cv", "{out}.txt"], "end it with .docx or .pdf"),
        (["cv", "{out}.docx", "--fellow", "Nobody"], "No fellow called 'Nobody'"),
        (["cv", "{out}.docx", "--since", "2030-01-01"], "no scholarly work recorded since"),
        (["cv", "{out}.docx", "--since", "last year"], "'last year' is not a date"),
    ],
)
def test_cv_bad_input_is_one_line_and_exit_2(run, tmp_path, args, message):
    folder = tmp_path / "written"
    folder.mkdir()
    code, _, err = run("ana", *[a.format(out=folder / "out") for a in args])
    assert code == 2
    assert message in err
    assert err.count("\n") == 1
    assert list(folder.iterdir()) == []
