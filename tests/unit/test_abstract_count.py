"""Abstract counting against each meeting's rule (pure, no database)."""

from __future__ import annotations

import pytest

from scholar_desk.core.services.abstracts import (
    CountRule,
    count_abstract,
    count_characters,
    count_words,
    is_references_heading,
    sections_from_conference,
)

ASRA = CountRule(unit="words", body_limit=500, title_limit=130, title_limit_unit="characters")
AAPM = CountRule(unit="words", body_limit=300, counts_title=False, counts_references=False)
INS = CountRule(unit="words", body_limit=400, title_limit=25, title_limit_unit="words")
IASP = CountRule(unit="characters", body_limit=5000)


def words(n: int, word: str = "pain") -> str:
    return " ".join([word] * n)


# Words -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("   \n\t ", 0),
        ("Genicular nerve radiofrequency ablation", 4),
        ("placebo-controlled, double-blind trial", 3),
        ("12-month follow-up", 2),
        ("p < 0.05", 2),  # the lone "<" is not a word
        ("n = 1,250 patients (95% CI 3.1\u20134.7)", 6),
        ("pain \u2013 and function", 3),  # a spaced en dash is not a word
        ("and/or", 1),
        ("N.S. at 6 months", 4),
        ("VAS\u00a0score fell", 3),  # no-break space separates words
        ("word\u200bword", 2),  # zero-width space separates words
        ("• Pain relief ≥50%", 3),  # bullet alone is not a word
        ("Patienten mit Schmerzen über 6 Monate", 6),
        ("résumé naïve café", 3),
        ("疼痛 管理", 2),
        ("co\u00adop\u00aderation", 1),  # soft hyphens never split a word
    ],
)
def test_count_words(text: str, expected: int) -> None:
    assert count_words(text) == expected


# Characters -------------------------------------------------------------------------------


def test_characters_include_single_spaces_by_default() -> None:
    assert count_characters("Pain relief") == 11
    assert count_characters("  Pain \n\n  relief  ") == 11  # whitespace runs count once
    assert count_characters("Pain relief", spaces=False) == 10


def test_characters_normalize_unicode() -> None:
    decomposed = "cafe\u0301"  # e + combining acute accent
    assert count_characters(decomposed) == 4
    assert count_characters("a\u200bb\u00ad") == 2
    assert count_characters("") == 0


# Rules -----------------------------------------------------------------------------------


def test_asra_500_words_with_headings_counted() -> None:
    sections = [("Introduction", words(100)), ("Methods", words(200)), ("Results", words(198))]
    result = count_abstract(ASRA, "Short title", sections)
    assert result.body_count == 498 + 3  # three one-word headings count
    assert result.over
    assert result.label == "501 / 500 words"
    assert result.remaining == -1


def test_asra_title_limit_in_characters() -> None:
    title = "x" * 130
    assert not count_abstract(ASRA, title, []).title_over
    result = count_abstract(ASRA, title + "y", [])
    assert result.title_over
    assert result.title_label == "131 / 130 characters"
    assert result.body_count == 0  # the title does not count toward the body


def test_exactly_at_limit_is_not_over() -> None:
    rule = CountRule(body_limit=10, counts_headings=False)
    result = count_abstract(rule, "t", [("Background", words(10))])
    assert result.body_count == 10
    assert not result.over


def test_aapm_title_and_references_not_counted() -> None:
    sections = [
        ("Introduction", words(150)),
        ("Conclusions", words(148)),
        ("References", "1. Smith J. Pain. 2020;161:1-10. 2. Doe A. J Pain. 2019;20:5."),
    ]
    result = count_abstract(AAPM, words(20, "title"), sections)
    assert result.body_count == 150 + 148 + 2  # two headings, not the reference section
    assert not result.over
    assert result.references_count > 0
    assert result.sections[2].is_references
    assert result.sections[2].counted == 0


def test_references_text_counts_only_when_rule_says_so() -> None:
    counted = CountRule(body_limit=10, counts_headings=False)
    assert count_abstract(counted, "", [("Methods", "a b")], references="one two").body_count == 4
    assert count_abstract(AAPM, "", [("Methods", "a b")], references="one two").body_count == 3


def test_ins_title_limit_in_words_and_counts_title_when_asked() -> None:
    title = words(25, "neuromodulation")
    assert not count_abstract(INS, title, []).title_over
    over = count_abstract(INS, title + " outcomes", [])
    assert over.title_over
    assert over.title_label == "26 / 25 words"
    with_title = CountRule(unit="words", body_limit=400, counts_title=True, counts_headings=False)
    assert count_abstract(with_title, "Three word title", [("M", "a b")]).body_count == 5


def test_iasp_characters_including_spaces_and_headings() -> None:
    body = "a" * 4990
    result = count_abstract(IASP, "title", [("Methods", body)])
    assert result.body_count == 4990 + len("Methods")
    assert result.label == "4,997 / 5,000 characters"
    assert not result.over
    over = count_abstract(IASP, "title", [("Methods", body + " bb")])
    assert over.body_count == 5000
    assert not over.over
    assert count_abstract(IASP, "", [("Methods", body + " bbb")]).over


def test_headings_not_counted_when_rule_says_so() -> None:
    rule = CountRule(unit="characters", body_limit=100, counts_headings=False)
    assert count_abstract(rule, "", [("Background", "abc"), ("Results", "de")]).body_count == 5


def test_no_conference_counts_words_without_limit() -> None:
    result = count_abstract(CountRule.from_values(None), "", [("Methods", "one two three")])
    assert result.label == "4 words"
    assert not result.over
    assert result.remaining is None
    assert count_abstract(CountRule(counts_headings=False), "", [("M", "one")]).label == "1 word"


def test_rule_from_conference_values() -> None:
    rule = CountRule.from_values(
        {
            "limit_unit": "characters",
            "body_limit": 5000,
            "title_limit": None,
            "title_limit_unit": "characters",
            "counts_title": True,
            "counts_headings": False,
            "counts_references": False,
        }
    )
    assert rule == CountRule(
        unit="characters",
        body_limit=5000,
        counts_title=True,
        counts_headings=False,
        counts_references=False,
    )
    assert "5,000 characters" in rule.describe()


def test_empty_sections_and_blank_headings() -> None:
    result = count_abstract(ASRA, "", [("", ""), ("Methods", "")])
    assert result.body_count == 1
    assert result.title_count == 0


@pytest.mark.parametrize("heading", ["References", "references:", " Bibliography ", "CITATIONS"])
def test_reference_headings(heading: str) -> None:
    assert is_references_heading(heading)


def test_sections_from_conference() -> None:
    assert sections_from_conference({"required_sections": "Intro, Methods ,, Results"}) == [
        ("Intro", ""),
        ("Methods", ""),
        ("Results", ""),
    ]
    assert [h for h, _ in sections_from_conference(None)] == [
        "Background",
        "Methods",
        "Results",
        "Conclusions",
    ]
    assert sections_from_conference("") == sections_from_conference(None)


def test_counting_is_cheap_enough_for_every_keystroke() -> None:
    import time

    sections = [(f"Section {i}", words(120)) for i in range(5)]
    start = time.perf_counter()
    for _ in range(100):
        count_abstract(ASRA, "A title of some length", sections)
    assert (time.perf_counter() - start) / 100 < 0.005
