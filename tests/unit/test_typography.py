"""Typesetting: no line breaks inside compounds, between San and Diego, et and al., a
number and its unit; balanced title lines."""

from __future__ import annotations

import pytest

from scholar_desk.core.formats.layout import Paragraph, Run, inches
from scholar_desk.core.formats.text_fit import balance_lines, line_count, resolve_face
from scholar_desk.core.formats.typography import NB_HYPHEN, NB_SPACE, plain, typeset


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("treated with 10-kHz stimulation", f"10{NB_HYPHEN}kHz"),
        ("a 214-patient cohort", f"214{NB_HYPHEN}patient"),
        ("T2-weighted images", f"T2{NB_HYPHEN}weighted"),
        ("SARS-CoV-2 infection", f"SARS{NB_HYPHEN}CoV{NB_HYPHEN}2"),
        ("held in San Diego, CA", f"San{NB_SPACE}Diego"),
        ("as Cohen et al. showed", f"et{NB_SPACE}al."),
        ("a median of 18 MME daily", f"18{NB_SPACE}MME"),
        ("for 12 months after", f"12{NB_SPACE}months"),
        ("significant (p < 0.001)", f"p{NB_SPACE}<{NB_SPACE}0.001"),
    ],
)
def test_typeset_joins(text: str, joined: str) -> None:
    out = typeset(text)
    assert joined in out
    assert plain(out) == text.replace("p < 0.001", "p < 0.001")


def test_ordinary_compounds_links_and_dois_keep_their_characters() -> None:
    text = "a well-known effect; doi:10.1097/j.pain.2019-0001 and https://x.org/a-2-b"
    assert typeset(text) == text


def test_measured_as_one_word_and_never_split() -> None:
    face = resolve_face("Calibri")
    para = Paragraph((Run(typeset("xxxxxxxx 10-kHz")),), 20)
    # Just wide enough for "xxxxxxxx 10-" but not the whole compound: it moves as one.
    lines = balance_lines(para, inches(1.35), face)
    assert [p.text for p in lines][-1].startswith("10")


def test_balanced_title_has_no_orphan_word() -> None:
    face = resolve_face("Calibri")
    title = "Genicular nerve radiofrequency ablation: durable pain relief at 12 months in a cohort"
    para = Paragraph((Run(title),), 100)
    width = inches(40)
    assert line_count(para, width, face) == 2
    lines = balance_lines(para, width, face)
    assert len(lines) == 2
    words = [len(p.text.split()) for p in lines]
    assert min(words) >= 4  # greedy wrapping would leave "cohort" alone on line 2
    assert " ".join(p.text.strip() for p in lines) == title
