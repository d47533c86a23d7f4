import datetime as dt

import pytest
from career_data import seed_career
from docx import Document
from pypdf import PdfReader

from scholar_desk.core import clock
from scholar_desk.core.errors import OutputExistsError, ValidationError
from scholar_desk.core.formats.cv import (
    ABSTRACTS,
    CHAPTERS,
    ORAL,
    OTHER,
    PEER_REVIEWED,
    PENDING,
    SECTIONS,
    Author,
    Work,
    cite,
)
from scholar_desk.core.services import career
from scholar_desk.core.services.session import SINGLE_USER


@pytest.fixture
def seeded(library):
    clock.set_clock(lambda: dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC))
    return seed_career(library)


def _texts(section):
    return [line.text for line in section.lines]


def test_sections_newest_first_and_the_same_project_counted_once(library, seeded):
    with library.reading() as s:
        cv = career.build_cv(s, SINGLE_USER, seeded.ana)
    assert [sec.title for sec in cv.sections] == [t for _, t in SECTIONS]
    papers = _texts(cv.section(PEER_REVIEWED))
    # The copy with the same PMID is one paper; the abstract of the project is not a paper.
    assert len(papers) == 3
    assert cv.papers == 3
    assert sum("40000001" in t for t in papers) == 1
    assert not any("durable relief" in t for t in papers)
    dates = [line.work.on for line in cv.section(PEER_REVIEWED).lines]
    assert dates == sorted(dates, reverse=True)
    abstracts = _texts(cv.section(ABSTRACTS))
    assert any("durable relief" in t and "Presented orally at: ASRA" in t for t in abstracts)
    # The talk recorded for the same project at the same meeting is that abstract.
    assert not any("Genicular RFA oral" in t for t in _texts(cv.section(ORAL)))
    assert _texts(cv.section(ORAL)) == [
        "Reyes A. Who benefits from RFA? Grand rounds presented at: Dept. of "
        "Anesthesiology; August 20, 2026."
    ]
    assert _texts(cv.section(PENDING)) == [
        "Reyes A. Ketamine in CRPS. Submitted to Reg Anesth Pain Med."
    ]
    assert _texts(cv.section(CHAPTERS)) == [
        "Reyes A. Interventional CRPS care. Book chapter. 2027."
    ]
    assert any("Journal club: SENZA" in t for t in _texts(cv.section(OTHER)))


def test_ama_line_with_coauthors_journal_pmid_and_bold_own_name(library, seeded):
    with library.reading() as s:
        cv = career.build_cv(s, SINGLE_USER, seeded.ana)
    line = next(x for x in cv.section(PEER_REVIEWED).lines if "40000001" in x.text)
    assert line.text == (
        "Lind S, Reyes A, Kim J-W. Genicular RFA at one year. Reg Anesth Pain Med. "
        "2026;51(7):455-462. doi:10.1/rapm.1 PMID: 40000001"
    )
    assert [r.text for r in line.runs if r.bold] == ["Reyes A"]
    assert [r.text for r in line.runs if r.italic] == ["Reg Anesth Pain Med"]


def test_since_leaves_out_older_work(library, seeded):
    with library.reading() as s:
        cv = career.build_cv(s, SINGLE_USER, seeded.ana, since=dt.date(2026, 11, 1))
    assert all(line.work.on >= dt.date(2026, 11, 1) for sec in cv.sections for line in sec.lines)
    assert cv.count(PEER_REVIEWED) == 0
    assert cv.count(ABSTRACTS) == 3


def test_docx_reads_back_sections_counts_and_bold_own_name(library, seeded, tmp_path):
    out = tmp_path / "cv.docx"
    with library.reading() as s:
        cv = career.export_cv(s, SINGLE_USER, seeded.ana, out)
    doc = Document(str(out))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [f"{sec.title} ({len(sec.lines)})" for sec in cv.sections if sec.lines]
    assert headings[0] == "Peer-reviewed publications (3)"
    entries = [
        p for p in doc.paragraphs if p.style.name == "Normal" and p.text[:2].strip(".").isdigit()
    ]
    assert len(entries) == cv.total
    for para in entries:
        assert [r.text for r in para.runs if r.bold] == ["Reyes A"], para.text
    with pytest.raises(OutputExistsError):
        career.export_cv(s, SINGLE_USER, seeded.ana, out)


def test_pdf_reads_back(library, seeded, tmp_path):
    out = tmp_path / "cv.pdf"
    with library.reading() as s:
        career.export_cv(s, SINGLE_USER, seeded.ana, out)
    text = "\n".join(page.extract_text() for page in PdfReader(str(out)).pages)
    assert "Ana Reyes, MD" in text
    assert "Peer-reviewed publications (3)" in text
    assert "Book chapters (1)" in text
    assert "PMID: 40000001" in text


def test_an_empty_period_writes_nothing(library, seeded, tmp_path):
    out = tmp_path / "cv.docx"
    with library.reading() as s, pytest.raises(ValidationError, match="since January 1, 2030"):
        career.export_cv(s, SINGLE_USER, seeded.ana, out, since=dt.date(2030, 1, 1))
    assert not out.exists()


def test_long_author_lists_keep_the_fellow_visible():
    authors = tuple(Author(f"Author{n} A", own=n == 8) for n in range(1, 10))
    work = Work("manuscript:1", "article", "Big trial", authors, status="published", year=2026)
    runs = cite(work)
    text = "".join(r.text for r in runs)
    assert text.startswith("Author1 A, Author2 A, Author3 A, et al (incl. Author8 A). Big trial.")
    assert [r.text for r in runs if r.bold] == ["Author8 A"]
    with pytest.raises(ValueError, match="Unknown citation style"):
        cite(work, "vancouver")
