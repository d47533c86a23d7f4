import csv
import datetime as dt
import json

import pytest
from activity_data import seed_activity
from docx import Document
from icalendar import Calendar

from scholar_desk.cli import main
from scholar_desk.core import clock
from scholar_desk.core.db.library import Library


@pytest.fixture
def db(new_db):
    clock.set_clock(lambda: dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC))
    path = new_db("cli.sqlite3")
    with Library.open(path) as lib:
        seed_activity(lib)
    return str(path)


def test_report_csv_for_a_year_with_warnings_on_stderr(db, tmp_path, capsys):
    out = tmp_path / "report.csv"
    assert main(["report", str(out), "--year", "2026", "--db", db]) == 0
    captured = capsys.readouterr()
    assert "Wrote the 2026\u20132027 report for 2 fellows" in captured.out
    assert captured.err.count("warning: ") == 6
    assert "has no PMID" in captured.err
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["Fellow"] for r in rows] == ["Ana Reyes, MD", "Ben Stone, DO"]


def test_report_default_year_contains_today_and_fellow_filter(db, tmp_path, capsys):
    out = tmp_path / "ana.xlsx"
    assert main(["report", str(out), "--fellow", "reyes", "--db", db]) == 0
    assert "2026\u20132027 report for 1 fellow " in capsys.readouterr().out
    from openpyxl import load_workbook

    assert load_workbook(out).sheetnames == ["Summary", "Ana Reyes, MD", "Data gaps"]


def test_report_year_2025_counts_the_june_30_article(db, tmp_path, capsys):
    out = tmp_path / "r.csv"
    assert main(["report", str(out), "--year", "2025", "--fellow", "Ana Reyes", "--db", db]) == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        row = next(csv.DictReader(handle))
    assert row["PMIDs"] == "40000002"
    assert row["Academic year"] == "2025\u20132026"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "{out}.txt"], "end it with .csv, .xlsx or .pdf"),
        (["report", "{out}.pdf", "--strict"], "--strict was given"),
        (["report", "{out}.pdf", "--fellow", "Nobody"], "No fellow called 'Nobody'"),
        (["doc", "response", "1", "{out}.docx", "--round", "4"], "no revision round 4"),
        (["doc", "response", "77", "{out}.docx"], "no submission with id 77"),
        (["calendar", "{dir}/missing/x.ics"], "does not exist"),
    ],
)
def test_errors_are_one_line_exit_2_and_write_nothing(db, tmp_path, capsys, args, message):
    argv = [a.format(out=tmp_path / "out", dir=tmp_path) for a in args] + ["--db", db]
    assert main(argv) == 2
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    assert last.startswith("scholar-desk: ")
    assert message in last
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("out")]


def test_deadlines_json_and_text(db, capsys):
    assert main(["deadlines", "--json", "--days", "7", "--db", db]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["title"], r["urgency"]) for r in rows] == [
        ("Renew ACLS", "overdue"),
        ("Revision due: Ketamine in CRPS (Regional Anesthesia & Pain Medicine)", "week"),
    ]
    assert all("id" in r for r in rows)
    assert main(["deadlines", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "7 d overdue" in out
    assert "(1 overdue, 1 due within 30 days)" in out


def test_calendar(db, tmp_path, capsys):
    out = tmp_path / "d.ics"
    assert main(["calendar", str(out), "--db", db]) == 0
    assert "Wrote 4 deadlines" in capsys.readouterr().out
    assert len(Calendar.from_ical(out.read_bytes()).walk("VEVENT")) == 4


def test_doc_response_and_publications(db, tmp_path, capsys):
    out = tmp_path / "resp.docx"
    assert main(["doc", "response", "1", str(out), "--db", db]) == 0
    captured = capsys.readouterr()
    assert "no response yet to Reviewer 2" in captured.err
    assert "Response to reviewers" in [p.text for p in Document(str(out)).paragraphs]
    cv = tmp_path / "cv.docx"
    assert main(["doc", "publications", str(cv), "--fellow", "Reyes", "--db", db]) == 0
    assert "for Ana Reyes, MD" in capsys.readouterr().out
    assert Document(str(cv)).paragraphs[0].text == "Ana Reyes, MD"
    assert main(["doc", "publications", str(tmp_path / "x.docx"), "--db", db]) == 2
    assert "choose whose list" in capsys.readouterr().err
