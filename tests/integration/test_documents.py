import datetime as dt

import pytest
from activity_data import seed_activity
from docx import Document

from scholar_desk.core.db import models as m
from scholar_desk.core.errors import NotFoundError, PermissionDeniedError
from scholar_desk.core.formats.docx_docs import PLACEHOLDER, plain_text
from scholar_desk.core.records import Role
from scholar_desk.core.services import documents
from scholar_desk.core.services.session import SINGLE_USER, Actor


@pytest.fixture
def seeded(library):
    seeded = seed_activity(library)
    with library.transaction() as s:
        wei = m.Person(given_name="Wei Ming", family_name="Chen", kind="collaborator")
        s.add(wei)
        s.flush()
        article = s.get(m.Manuscript, 1)
        for pos, pid in enumerate([wei.id, seeded.ana, seeded.mentor], 1):
            s.add(m.ManuscriptAuthor(manuscript_id=article.id, person_id=pid, position=pos))
        s.add(
            m.Reference(
                citation_key="reyes2026",
                pmid="40000001",
                journal="Reg Anesth Pain Med",
                year=2026,
                volume="51",
                issue="7",
                pages="512-519",
            )
        )
        many = m.Manuscript(
            owner_id=seeded.ana,
            title="A big collaboration",
            pmid="40000009",
            published_on=dt.date(2025, 1, 5),
        )
        s.add(many)
        s.flush()
        for pos in range(1, 9):
            person = m.Person(given_name="Jean-Paul", family_name=f"Author{pos}")
            s.add(person)
            s.flush()
            s.add(m.ManuscriptAuthor(manuscript_id=many.id, person_id=person.id, position=pos))
    return seeded


def _texts(path):
    return [p.text for p in Document(str(path)).paragraphs]


def test_response_to_reviewers_reads_back(library, seeded, tmp_path):
    out = tmp_path / "response.docx"
    with library.reading() as s:
        letter = documents.export_response(s, SINGLE_USER, seeded.submission, out)
    assert [p.reviewer for p in letter.open_points] == ["Reviewer 2"]
    doc = Document(str(out))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "Response to reviewers"
    assert "Manuscript ID: RAPM-2026-0042" in texts
    assert "Revision round: 1" in texts
    assert "Please report the dropout rate." in texts
    assert "Response: We added the dropout rate (12%)." in texts
    assert "Change in the manuscript: Results, paragraph 2" in texts
    assert "Discuss ketamine\u2019s psychomimetic effects." in texts
    assert f"Response: {PLACEHOLDER}" in texts
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Reviewer 1", "Reviewer 2"]
    comment = next(p for p in doc.paragraphs if p.text == "Please report the dropout rate.")
    assert comment.runs[0].italic


def test_response_errors(library, seeded, tmp_path):
    with library.reading() as s:
        with pytest.raises(NotFoundError, match="no revision round 3"):
            documents.response_letter(s, SINGLE_USER, seeded.submission, 3)
        with pytest.raises(NotFoundError):
            documents.response_letter(s, SINGLE_USER, 999)
        ben = Actor("ben", Role.FELLOW, person_id=seeded.ben)
        with pytest.raises(NotFoundError):  # another fellow's: reads as missing
            documents.response_letter(s, ben, seeded.submission)


@pytest.mark.parametrize(
    ("given", "family", "expected"),
    [
        ("Maya", "Patel", "Patel M"),
        ("Wei Ming", "Chen", "Chen WM"),
        ("Jean-Paul", "Roy", "Roy J-P"),
        ("A. B.", "Doe", "Doe AB"),
    ],
)
def test_ama_names(given, family, expected):
    assert documents.ama_name(given, family) == expected


def test_publication_list_in_ama_style(library, seeded, tmp_path):
    out = tmp_path / "cv.docx"
    with library.reading() as s:
        pubs = documents.export_publication_list(s, SINGLE_USER, seeded.ana, out)
    titles = [sec.title for sec in pubs.sections]
    assert titles == [
        "Peer-reviewed publications",
        "Book chapters and textbooks",
        "Abstracts and posters",
        "Presentations",
        "Teaching",
    ]
    articles = [plain_text(e) for e in pubs.sections[0].entries]
    assert articles[0] == "Reyes A. Paper without a PMID. 2026."
    assert (
        "Chen WM, Reyes A, Lind S. Genicular RFA at one year. Reg Anesth Pain Med. "
        "2026;51(7):512-519. doi:10.1/rapm.1 PMID: 40000001" in articles
    )
    assert any(
        a.startswith("Author1 J-P, Author2 J-P, Author3 J-P, et al. A big") for a in articles
    )
    assert not any("(copy)" in a for a in articles)  # same PMID: listed once
    teaching = [plain_text(e) for e in pubs.sections[4].entries]
    assert teaching == ["Reyes A. Journal club: SENZA. Journal club, September 10, 2026."]
    abstracts = [plain_text(e) for e in pubs.sections[2].entries]
    assert (
        "Reyes A. Genicular RFA: durable relief. Presented at: ASRA Pain Medicine Meeting; "
        "November 6, 2026; San Diego, CA." in abstracts
    )
    assert any("Poster to be presented at: Hospital Research Day" in a for a in abstracts)

    doc = Document(str(out))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "Ana Reyes, MD"
    assert any(t.startswith("1.\tReyes A. Paper without a PMID.") for t in texts)
    para = next(p for p in doc.paragraphs if "Genicular RFA at one year" in p.text)
    bold = [r.text for r in para.runs if r.bold]
    italic = [r.text for r in para.runs if r.italic]
    assert bold == ["Reyes A"]
    assert italic == ["Reg Anesth Pain Med"]


def test_publication_list_permissions(library, seeded):
    ben = Actor("ben", Role.FELLOW, person_id=seeded.ben)
    with library.reading() as s:
        with pytest.raises(PermissionDeniedError):
            documents.publication_list(s, ben, seeded.ana)
        assert documents.publication_list(s, ben, seeded.ben).fellow == "Ben Stone, DO"
