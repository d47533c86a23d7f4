"""The semiannual review packet read back from its PDF."""

import datetime as dt

import pytest
from career_data import seed_career
from pypdf import PdfReader

from scholar_desk.core import clock
from scholar_desk.core.errors import ValidationError
from scholar_desk.core.services import career, comments
from scholar_desk.core.services.session import SINGLE_USER

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def seeded(library):
    clock.set_clock(lambda: dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC))
    seeded = seed_career(library)
    with library.transaction() as s:
        career.record_meeting(
            s,
            SINGLE_USER,
            seeded.ana,
            dt.date(2026, 11, 20),
            attendees="Dr Lind",
            notes="Chose the QI project",
            actions=[("Send the protocol draft", dt.date(2026, 12, 15))],
        )
        career.record_meeting(s, SINGLE_USER, seeded.ana, dt.date(2026, 1, 5), notes="Old meeting")
        comments.add_comment(
            s, SINGLE_USER, "submission", seeded.submission, "Answer reviewer 2 first"
        )
    return seeded


def _text(path):
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_packet_for_one_fellow_reads_back(library, seeded, tmp_path):
    out = tmp_path / "ana.pdf"
    with library.reading() as s:
        [packet] = career.export_packet(
            s, SINGLE_USER, out, [seeded.ana], start=dt.date(2026, 7, 1), end=TODAY, today=TODAY
        )
    text = _text(out)
    assert "Ana Reyes, MD" in text
    assert "July 1, 2026 \u2013 November 27, 2026" in text
    assert "Progress against requirements (Pain Medicine Fellowship (example))" in text
    assert "One quality improvement project complete not started" in text
    # Outputs dated in the period only: last year's paper (June 30) is outside it.
    assert f"Outputs in the period ({packet.output_count})" in text
    assert "Last year's paper" not in text
    assert "Genicular RFA at one year" in text
    assert "Next deadlines" in text
    assert "2026-12-15 Send the protocol draft" in text
    assert "Open mentor comments (1)" in text
    assert "Answer reviewer 2 first" in text
    assert "Meeting log (1)" in text
    assert "Chose the QI project" in text
    assert "Old meeting" not in text
    assert "Ben Stone" not in text


def test_packet_for_every_fellow_has_a_part_each(library, seeded, tmp_path):
    out = tmp_path / "all.pdf"
    with library.reading() as s:
        packets = career.export_packet(s, SINGLE_USER, out, today=TODAY)
    assert [p.fellow for p in packets] == ["Ana Reyes, MD", "Ben Stone, DO"]
    text = _text(out)
    assert text.count("Progress against requirements") == 2
    assert "No meetings recorded in this period." in text


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (dt.date(2027, 1, 1), dt.date(2026, 1, 1), "The review period is empty"),
        (dt.date(2030, 1, 1), dt.date(2030, 6, 30), "Nothing was recorded for Ana Reyes, MD"),
    ],
)
def test_an_empty_period_writes_nothing(library, seeded, tmp_path, start, end, message):
    out = tmp_path / "empty.pdf"
    with library.reading() as s, pytest.raises(ValidationError, match=message):
        career.export_packet(s, SINGLE_USER, out, [seeded.ana], start=start, end=end, today=TODAY)
    assert not out.exists()
