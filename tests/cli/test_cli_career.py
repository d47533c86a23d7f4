"""The fellow's record at work on the command line: roles, bad input, files written."""

import datetime as dt

import pytest
from career_data import PASSWORD, add_accounts, seed_career
from docx import Document

from scholar_desk.cli import main
from scholar_desk.core import clock
from scholar_desk.core.db.library import Library


@pytest.fixture
def db(new_db):
    clock.set_clock(lambda: dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC))
    path = new_db("career.sqlite3")
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


def test_program_show_set_and_a_malformed_file(run, tmp_path):
    code, out, _ = run("ana", "program", "show")
    assert code == 0
    assert "Ana Reyes, MD: 2 of 4 met" in out
    assert "Ben Stone" not in out
    bad = tmp_path / "program.toml"
    bad.write_text('[program]\nname = "X"\n\n[[requirement]]\ntitle = "A"\nkind = "paper"\n')
    code, _, err = run("dee", "program", "set", str(bad))
    assert code == 2
    assert err.strip().endswith(
        "program.toml, line 4: requirement 1: kind 'paper' is not one of manuscript, "
        "abstract, project, presentation."
    )
    good = tmp_path / "ours.toml"
    good.write_text(
        '[program]\nname = "Ours"\n[[requirement]]\ntitle = "A talk"\nkind = "presentation"\n'
    )
    code, _, err = run("sara", "program", "set", str(good))
    assert code == 2
    assert "Only a director" in err
    code, out, _ = run("dee", "program", "set", str(good))
    assert code == 0
    assert "Stored 1 requirements of Ours" in out
    code, out, _ = run("sara", "program", "show", "--json")
    import json

    rows = json.loads(out)
    assert [r["fellow"] for r in rows] == ["Ana Reyes, MD"]
    assert rows[0]["requirements"][0]["state"] == "met"


def test_meetings_by_mentor_seen_by_the_fellow_not_by_others(run):
    code, out, err = run(
        "sara",
        "meeting",
        "add",
        "--fellow",
        "Reyes",
        "--on",
        "2026-11-20",
        "--notes",
        "Chose the QI project",
        "--action",
        "2026-12-15: Send the protocol draft",
    )
    assert code == 0, err
    assert "of Ana Reyes, MD on 2026-11-20 with 1 action" in out
    code, out, _ = run("ana", "meeting", "list", "--json")
    import json

    meetings = json.loads(out)
    assert [m["notes"] for m in meetings] == ["Chose the QI project"]
    assert meetings[0]["actions"][0]["title"] == "Send the protocol draft"
    code, out, _ = run("ana", "list", "deadlines", "--json")
    assert "Send the protocol draft" in out
    code, out, _ = run("ben", "meeting", "list")
    assert "No meetings recorded." in out
    code, _, err = run("sara", "meeting", "add", "--fellow", "Stone")
    assert code == 2
    assert "No fellow called 'Stone'" in err
    code, _, err = run("ana", "meeting", "add", "--action", "soon: do it")
    assert code == 2
    assert "'soon: do it' is not DATE: WHAT" in err


def test_packet_roles_and_bad_period(run, tmp_path):
    out = tmp_path / "sara.pdf"
    code, printed, err = run("sara", "packet", str(out), "--from", "2026-07-01")
    assert code == 0, err
    assert "Wrote the review packet for Ana Reyes, MD (2026-07-01 to 2026-11-27)" in printed
    code, _, err = run("ana", "packet", str(tmp_path / "x.pdf"), "--fellow", "Stone")
    assert code == 2
    assert "No fellow called 'Stone'" in err
    code, _, err = run(
        "dee", "packet", str(tmp_path / "y.pdf"), "--from", "2027-01-01", "--to", "2026-01-01"
    )
    assert code == 2
    assert err.count("\n") == 1
    assert "The review period is empty" in err
    assert not (tmp_path / "y.pdf").exists()
