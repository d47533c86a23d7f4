import csv
import datetime as dt

import pytest
from activity_data import seed_activity
from docx import Document
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from scholar_desk.core import clock
from scholar_desk.core.records import Role
from scholar_desk.core.services.session import SINGLE_USER, Actor
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.pages import report_page
from scholar_desk.ui.pages.report_page import ReportPage
from scholar_desk.ui.workers import make_pool


@pytest.fixture
def seeded(library):
    clock.set_clock(lambda: dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC))
    return seed_activity(library)


@pytest.fixture
def pool():
    pool = make_pool()
    yield pool
    assert pool.waitForDone(5000)


def _page(qtbot, library, pool, actor=SINGLE_USER):
    ctx = AppContext(library, actor, pool, QUndoStack(), DataEvents())
    page = ReportPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    return page


@pytest.fixture
def page(qtbot, library, seeded, pool):
    return _page(qtbot, library, pool)


def _cells(page):
    return [
        [page.table.item(r, c).text() for c in range(page.table.columnCount())]
        for r in range(page.table.rowCount())
    ]


def test_counts_and_gaps_are_shown_before_export(page):
    assert page.year.currentData() == 2026
    assert page.year_hint.text() == "July 1, 2026 \u2013 June 30, 2027"
    assert _cells(page) == [
        ["Ana Reyes, MD", "1", "2", "2", "1", "Yes", "Yes"],
        ["Ben Stone, DO", "0", "0", "1", "0", "No", "No"],
    ]
    assert page.gap_title.text() == "6 data gaps to fix before filing the report"
    assert page.gaps.count() == 6
    assert "has no PMID" in page.gaps.item(0).text()


def test_year_and_fellow_choice(page, qtbot):
    with qtbot.waitSignal(page.reloaded, timeout=2000):
        page.set_year(2025)
    assert _cells(page)[0][:2] == ["Ana Reyes, MD", "1"]
    assert page.report.year == 2025
    with qtbot.waitSignal(page.reloaded, timeout=2000):
        page.fellows.item(0).setCheckState(Qt.CheckState.Unchecked)
    assert [row[0] for row in _cells(page)] == ["Ben Stone, DO"]
    assert page.checked_fellows() == [2]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_export_in_a_worker(page, qtbot, tmp_path, monkeypatch, fmt):
    monkeypatch.setattr(page, "ask_save_path", lambda f, suggested: str(tmp_path / "out"))
    button = {"csv": page.csv_button, "xlsx": page.xlsx_button, "pdf": page.pdf_button}[fmt]
    with qtbot.waitSignal(page.export_finished, timeout=10000) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    out = tmp_path / f"out.{fmt}"
    assert blocker.args == [str(out)]
    assert page.status_text() == f"Saved out.{fmt}"
    assert page.pdf_button.isEnabled()
    if fmt == "csv":
        with out.open(encoding="utf-8-sig", newline="") as handle:
            assert len(list(csv.DictReader(handle))) == 2
    elif fmt == "xlsx":
        assert load_workbook(out).sheetnames[0] == "Summary"
    else:
        assert out.read_bytes().startswith(b"%PDF")


def test_cancelled_export_writes_nothing(page, qtbot, tmp_path):
    job = page.export_report(tmp_path / "r.pdf")
    job.cancel_token.cancel()
    with qtbot.waitSignal(job.signals.finished, timeout=10000):
        pass
    qtbot.waitUntil(lambda: "cancelled" in page.status_text(), timeout=2000)
    assert not (tmp_path / "r.pdf").exists()
    assert not list(tmp_path.glob("*.part"))


def test_failed_export_shows_the_error(page, qtbot, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(report_page, "show_error", lambda parent, exc: shown.append(exc))
    with qtbot.waitSignal(page.export_failed, timeout=10000):
        page.export_report(tmp_path / "missing" / "r.csv")
    assert "does not exist" in shown[0].user_message
    assert page.csv_button.isEnabled()


def test_documents(page, qtbot, tmp_path, monkeypatch):
    assert page.rounds.currentText().endswith("round 1")
    monkeypatch.setattr(page, "ask_save_path", lambda f, suggested: str(tmp_path / suggested))
    with qtbot.waitSignal(page.export_finished, timeout=10000):
        qtbot.mouseClick(page.response_button, Qt.MouseButton.LeftButton)
    texts = [p.text for p in Document(str(tmp_path / "response-to-reviewers.docx")).paragraphs]
    assert "Please report the dropout rate." in texts
    with qtbot.waitSignal(page.export_finished, timeout=10000):
        qtbot.mouseClick(page.publications_button, Qt.MouseButton.LeftButton)
    doc = Document(str(tmp_path / "publications.docx"))
    assert doc.paragraphs[0].text == "Ana Reyes, MD"


def test_a_fellow_reports_only_on_themselves(qtbot, library, seeded, pool):
    ben = Actor("ben", Role.FELLOW, person_id=seeded.ben)
    page = _page(qtbot, library, pool, ben)
    assert [page.fellows.item(i).text() for i in range(page.fellows.count())] == ["Ben Stone, DO"]
    assert [row[0] for row in _cells(page)] == ["Ben Stone, DO"]
    assert not page.response_button.isEnabled()  # Ana's submission is not his
