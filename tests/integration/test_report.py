import csv
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from activity_data import seed_activity
from openpyxl import load_workbook

from scholar_desk.core.errors import ExportError, NotFoundError, PermissionDeniedError
from scholar_desk.core.formats.report_files import (
    CHAPTER,
    CONFERENCE,
    NO_PMID,
    OTHER,
    PUBMED,
    SUMMARY_HEADER,
    TEACHING,
    write_report,
)
from scholar_desk.core.progress import CancelledError, CancelToken
from scholar_desk.core.records import Role
from scholar_desk.core.services import report
from scholar_desk.core.services.session import SINGLE_USER, Actor

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def seeded(library):
    return seed_activity(library)


def _build(library, year=2026, actor=SINGLE_USER, **kw):
    with library.reading() as s:
        return report.build_report(s, actor, year, today=TODAY, **kw)


def _fellow(rep, name):
    return next(f for f in rep.fellows if f.fellow.startswith(name))


def test_each_item_counts_once_in_the_year_of_its_date(library, seeded):
    ana = _fellow(_build(library), "Ana")
    titles = {c: [i.title for i in ana.in_category(c)] for c in (PUBMED, CHAPTER, NO_PMID)}
    assert titles[PUBMED] == ["Genicular RFA at one year"]  # July 1 in; June 30 out; copy once
    assert ana.pmids == ["40000001"]
    assert titles[CHAPTER] == ["Interventional CRPS care"]  # June 30 2027: last day, still in
    assert titles[NO_PMID] == ["Paper without a PMID"]
    conference = ana.in_category(CONFERENCE)
    assert [i.title for i in conference] == [
        "SCS in diabetic neuropathy",
        "Genicular RFA: durable relief",
    ]
    merged = next(i for i in conference if i.title.startswith("Genicular"))
    assert "also recorded as a conference talk" in merged.note
    assert [i.title for i in ana.in_category(OTHER)] == [
        "Who benefits from RFA?",
        "Opioid taper QI",
    ]
    assert [i.title for i in ana.in_category(TEACHING)] == ["Journal club: SENZA"]
    assert ana.participated_in_research
    assert ana.teaching_30_min


def test_last_year_gets_the_june_30_article(library, seeded):
    ana = _fellow(_build(library, 2025), "Ana")
    assert ana.pmids == ["40000002"]


def test_gap_warnings(library, seeded):
    rep = _build(library)
    kinds = sorted((w.fellow.split()[0], w.kind) for w in rep.warnings)
    assert kinds == [
        ("Ana", "duplicate"),  # abstract + talk at the same meeting
        ("Ana", "duplicate"),  # two manuscripts with one PMID
        ("Ana", "missing_date"),  # presented abstract without a date
        ("Ana", "missing_pmid"),
        ("Ben", "missing_date"),  # undated grand rounds: no year, so every year warns
        ("Ben", "missing_length"),
    ]
    text = " ".join(w.message for w in rep.warnings)
    assert "Paper without a PMID" in text
    assert "counted on the meeting's first day (2026-11-05)" in text
    ben = _fellow(rep, "Ben")
    assert not ben.teaching_30_min
    assert not ben.participated_in_research
    assert ben.count(OTHER) == 1


def test_fellow_filter_and_permissions(library, seeded):
    rep = _build(library, fellow_ids=[seeded.ben])
    assert [f.fellow for f in rep.fellows] == ["Ben Stone, DO"]
    assert rep.scope == "Ben Stone, DO"
    fellow = Actor("ben", Role.FELLOW, person_id=seeded.ben)
    with library.reading() as s:
        assert [c.name for c in report.report_fellows(s, fellow)] == ["Ben Stone, DO"]
        with pytest.raises(PermissionDeniedError):
            report.build_report(s, fellow, 2026, fellow_ids=[seeded.ana])
        assert report.find_fellow(s, SINGLE_USER, "reyes").person_id == seeded.ana
        assert report.find_fellow(s, SINGLE_USER, "Ana Reyes").person_id == seeded.ana
        with pytest.raises(NotFoundError):
            report.find_fellow(s, fellow, "Reyes")


def test_outputs_by_year(library, seeded):
    with library.reading() as s:
        years = report.outputs_by_year(s, SINGLE_USER)
    assert years[2025][PUBMED] == 1
    assert years[2026][PUBMED] == 1
    assert years[2026][CONFERENCE] == 2
    assert years[2026][CHAPTER] == 1


def test_csv_reads_back(library, seeded, tmp_path):
    out = tmp_path / "report.csv"
    write_report(_build(library), out)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(SUMMARY_HEADER)
    ana = rows[0]
    assert ana["Fellow"] == "Ana Reyes, MD"
    assert ana["Academic year"] == "2026\u20132027"
    assert ana["PubMed-indexed articles"] == "1"
    assert ana["PMIDs"] == "40000001"
    assert ana["Conference presentations"] == "2"
    assert ana["Other presentations"] == "2"
    assert ana["Chapters and textbooks"] == "1"
    assert ana["Participated in research"] == "Yes"
    assert rows[1]["Teaching or presentations of 30 minutes or more"] == "No"


def test_xlsx_reads_back(library, seeded, tmp_path):
    out = tmp_path / "report.xlsx"
    write_report(_build(library), out)
    book = load_workbook(out)
    assert book.sheetnames == ["Summary", "Ana Reyes, MD", "Ben Stone, DO", "Data gaps"]
    summary = book["Summary"]
    assert [c.value for c in summary[3]] == list(SUMMARY_HEADER)
    assert summary["A3"].font.b
    assert summary.freeze_panes == "B4"
    assert summary["A4"].value == "Ana Reyes, MD"
    assert summary["C4"].value == 1
    assert summary.column_dimensions["A"].width == 28
    sheet = book["Ana Reyes, MD"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    titles = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True) if row[1]]
    assert "Genicular RFA at one year" in titles
    assert isinstance(sheet["B2"].value, dt.datetime)
    gaps = [r[1] for r in book["Data gaps"].iter_rows(min_row=2, values_only=True)]
    assert len(gaps) == 6


@pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
    reason="poppler-utils (pdftotext, pdfinfo) is not installed",
)
def test_pdf_reads_back(library, seeded, tmp_path):
    out = tmp_path / "report.pdf"
    write_report(_build(library), out)
    info = subprocess.run(["pdfinfo", out], capture_output=True, text=True, check=True).stdout
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    assert pages >= 3  # a summary page, then each fellow starts on a new page

    def page(n):
        return subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), out, "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    assert "Summary" in page(1)
    assert "Ana Reyes, MD" in page(2)
    assert "Ben Stone, DO" in page(pages)
    assert f"Page {pages} of {pages}" in page(pages)
    text = subprocess.run(
        ["pdftotext", "-layout", out, "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Scholarly activity report" in text
    assert "Academic year 2026\u20132027 (July 1, 2026 \u2013 June 30, 2027)" in text
    assert "Genicular RFA at one year" in text
    assert "PMID 40000001" in text
    assert "Data gaps to fix (4)" in text


def test_single_fellow_pdf_has_no_summary_page(library, seeded, tmp_path):
    out = tmp_path / "ben.pdf"
    write_report(_build(library, fellow_ids=[seeded.ben]), out)
    assert out.read_bytes().startswith(b"%PDF")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", out], capture_output=True, text=True).stdout
        assert "Pages:           1" in info


def test_bad_extension_and_cancel_write_nothing(library, seeded, tmp_path):
    rep = _build(library)
    with pytest.raises(ExportError, match=r"\.csv, \.xlsx or \.pdf"):
        write_report(rep, tmp_path / "report.txt")
    with pytest.raises(ExportError, match="does not exist"):
        write_report(rep, tmp_path / "missing" / "report.csv")
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        write_report(rep, tmp_path / "report.xlsx", cancel=token)
    assert list(Path(tmp_path).iterdir()) == [tmp_path / "library.sqlite3"] or all(
        p.suffix not in {".xlsx", ".part", ".txt"} for p in tmp_path.iterdir()
    )
