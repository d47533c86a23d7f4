"""What a talk says: bylines, disclosures, sentences, citations, the main finding."""

from __future__ import annotations

import datetime as dt

from scholar_desk.core.formats.layout import Run
from scholar_desk.core.formats.slide_content import (
    AbstractContent,
    AuthorInfo,
    ReferenceInfo,
    SectionInfo,
    affiliation_numbers,
    author_runs,
    bullet_points,
    citation_runs,
    disclosure_lines,
    format_date,
    main_finding,
    sentences,
)

A = AuthorInfo("Ana", "Ruiz", "MD", ("Univ A", "Clinic B"), presenting=True)
B = AuthorInfo("Ben", "Okafor", "MD, PhD", ("Univ A",), disclosures=(("Medtronic", "consultant"),))
C = AuthorInfo("Chen", "Li", "", ("Dept C",))


def test_affiliations_are_numbered_in_order_of_first_use() -> None:
    order, numbers = affiliation_numbers((A, B, C))
    assert order == ["Univ A", "Clinic B", "Dept C"]
    assert numbers == [[1, 2], [1], [3]]


def test_byline_marks_presenter_and_superscripts() -> None:
    runs = author_runs((A, B, C))
    assert runs[0] == Run("Ana Ruiz, MD", underline=True)
    assert runs[1] == Run("1,2*", superscript=True)
    assert Run("Chen Li") in runs
    assert "".join(r.text for r in runs) == "Ana Ruiz, MD1,2*, Ben Okafor, MD, PhD1, Chen Li3"


def test_disclosure_lines() -> None:
    assert disclosure_lines((A, B)) == [
        ("Ana Ruiz, MD", "No relevant financial relationships"),
        ("Ben Okafor, MD, PhD", "Consultant, Medtronic"),
    ]


def test_sentences_do_not_break_at_abbreviations_or_numbers() -> None:
    text = "Pain fell vs. baseline (p < 0.001). Smith et al. found 3.9 points. Done."
    assert sentences(text) == [
        "Pain fell vs. baseline (p < 0.001).",
        "Smith et al. found 3.9 points.",
        "Done.",
    ]
    assert bullet_points("- first line\n- second line") == ["first line", "second line"]


def test_dates() -> None:
    assert format_date(dt.date(2026, 11, 12)) == "November 12, 2026"
    assert format_date(dt.date(2026, 11, 12), dt.date(2026, 11, 14)) == "November 12\u201314, 2026"


def test_citation_uses_the_shared_ama_formatter_with_italic_journal() -> None:
    ref = ReferenceInfo(
        authors="Cohen, Steven P. and Bhaskar, Arun",
        title="Radiofrequency ablation",
        journal="Reg Anesth Pain Med",
        year=2021,
        volume="46",
        issue="2",
        pages="100--110",
        doi="10.1136/x",
    )
    runs = citation_runs(ref)
    text = "".join(r.text for r in runs)
    assert text == (
        "Cohen SP, Bhaskar A. Radiofrequency ablation. Reg Anesth Pain Med. "
        "2021;46(2):100\u2011110. doi:10.1136/x"
    )
    assert Run("Reg Anesth Pain Med.", italic=True) in runs


def test_main_finding_is_the_first_conclusion() -> None:
    content = AbstractContent(
        1,
        "T",
        sections=(
            SectionInfo("Results", "Pain fell."),
            SectionInfo(
                "Conclusions",
                "Ablation gives durable relief for most patients. "
                "More trials are needed to compare cooled and conventional techniques in larger "
                "groups of people treated at many centres over several years.",
            ),
        ),
    )
    assert main_finding(content) == "Ablation gives durable relief for most patients."
