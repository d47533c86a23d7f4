"""ERAS Scholarly Works read back: one entry per item, type and status, three chosen."""

import datetime as dt

import pytest
from career_data import seed_career
from docx import Document

from scholar_desk.core import clock
from scholar_desk.core.errors import ValidationError
from scholar_desk.core.formats import eras
from scholar_desk.core.services import career
from scholar_desk.core.services.session import SINGLE_USER


@pytest.fixture
def seeded(library):
    clock.set_clock(lambda: dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC))
    return seed_career(library)


def test_season_is_named_by_the_year_training_starts():
    assert eras.eras_season(dt.date(2026, 5, 31)) == 2026
    assert eras.eras_season(dt.date(2026, 6, 1)) == 2027
    assert eras.eras_season(dt.date(2026, 11, 27)) == 2027


def test_entries_types_statuses_and_authors(library, seeded):
    with library.reading() as s:
        works = career.build_eras(s, SINGLE_USER, seeded.ana, ["manuscript:1", "abstract:1"])
    assert works.season == 2027
    assert works.heading == "ERAS 2027 season: Scholarly Works (Publications) of Ana Reyes, MD"
    by_title = {e.title: e for e in works.entries}
    paper = by_title["Genicular RFA at one year"]
    assert (paper.type, paper.status) == (eras.ARTICLE, "Published")
    assert paper.authors == "Lind S, Reyes A, Kim J-W"
    assert paper.volume_issue_pages == "51(7):455-462"
    pending = by_title["Ketamine in CRPS"]
    assert (pending.type, pending.status) == (eras.ARTICLE_PENDING, "Submitted")
    assert by_title["Genicular RFA: durable relief"].type == eras.ORAL
    assert by_title["Opioid taper QI"].status == "Accepted"
    assert by_title["Interventional CRPS care"].type == eras.CHAPTER
    # Journal clubs are teaching, not publications; the abstract and its paper are two entries.
    assert "Journal club: SENZA" not in by_title
    assert works.count(eras.ARTICLE) == 3
    assert works.meaningful == ("manuscript:1", "abstract:1")


def test_text_and_docx_read_back(library, seeded, tmp_path):
    with library.reading() as s:
        works = career.export_eras(s, SINGLE_USER, seeded.ana, tmp_path / "e.txt", ["1"])
        career.export_eras(s, SINGLE_USER, seeded.ana, tmp_path / "e.docx", ["1"])
    text = (tmp_path / "e.txt").read_text(encoding="utf-8")
    assert text.startswith("ERAS 2027 season: Scholarly Works")
    assert "AAMC's ERAS instructions for this season" in text
    assert text.count("\nType: ") == len(works.entries)
    assert f"  1. {works.entries[0].title} [{works.entries[0].key}]" in text
    doc = Document(str(tmp_path / "e.docx"))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "Most meaningful"
    assert "Peer Reviewed Journal Articles/Abstracts (3)" in headings
    entries = [p for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert len(entries) == len(works.entries)


@pytest.mark.parametrize(
    ("chosen", "message"),
    [(["1", "2", "3", "4"], "at most 3"), (["manuscript:999"], "'manuscript:999' is not one of")],
)
def test_bad_choice_of_meaningful_writes_nothing(library, seeded, tmp_path, chosen, message):
    out = tmp_path / "e.txt"
    with library.reading() as s, pytest.raises(ValidationError, match=message):
        career.export_eras(s, SINGLE_USER, seeded.ana, out, chosen)
    assert not out.exists()
