"""Three-way merge of a stale save: nothing either side changed is lost."""

from __future__ import annotations

import datetime as dt

import pytest

from scholar_desk.core.services.merge import MINE, THEIRS, merge_fields, merge_sections

BASE = {"title": "Nerve blocks", "notes": "", "status": "idea", "irb_number": None}


def test_only_their_change_is_kept_without_asking():
    mine = {**BASE, "title": "Nerve blocks in the ED"}
    theirs = {**BASE, "notes": "ask the pharmacy"}
    result = merge_fields(BASE, mine, theirs)
    assert result.clashes == ()
    assert result.values == {"title": "Nerve blocks in the ED"}
    assert result.kept_theirs == ("notes",)


def test_both_changed_the_same_field_differently_is_a_clash_with_who_and_when():
    at = dt.datetime(2026, 11, 30, 14, 5, tzinfo=dt.UTC)
    mine = {**BASE, "title": "Mine", "status": "protocol"}
    theirs = {**BASE, "title": "Theirs", "notes": "kept"}
    result = merge_fields(
        BASE, mine, theirs, labels={"title": "Title"}, who=lambda name: ("alice", at)
    )
    [clash] = result.clashes
    assert (clash.name, clash.label, clash.base, clash.mine, clash.theirs) == (
        "title",
        "Title",
        "Nerve blocks",
        "Mine",
        "Theirs",
    )
    assert (clash.changed_by, clash.changed_at) == ("alice", at)
    # Choosing either side keeps this side's other change and never writes their fields.
    assert result.resolve({"title": MINE}) == {"title": "Mine", "status": "protocol"}
    assert result.resolve({"title": THEIRS}) == {"status": "protocol"}


def test_the_same_change_on_both_sides_is_no_clash():
    mine = {**BASE, "title": "Same"}
    result = merge_fields(BASE, mine, dict(mine))
    assert result.clashes == ()
    assert result.values == {}


def test_none_and_empty_text_and_dates_compare_by_meaning():
    base = {"irb_number": None, "due": dt.date(2026, 1, 2)}
    mine = {"irb_number": "", "due": "2026-01-02"}
    theirs = {"irb_number": None, "due": dt.date(2026, 1, 3)}
    result = merge_fields(base, mine, theirs)
    assert result.values == {}
    assert result.kept_theirs == ("due",)


def test_an_unresolved_clash_cannot_be_saved():
    result = merge_fields({"a": 1}, {"a": 2}, {"a": 3})
    with pytest.raises(KeyError):
        result.resolve({})


S_BASE = [("Background", "b0"), ("Methods", "m0"), ("Results", "r0")]


def test_sections_each_side_changed_another_section_merge_silently():
    mine = [("Background", "b0"), ("Methods", "m0"), ("Results", "r-mine")]
    theirs = [("Background", "b0"), ("Methods", "m-theirs"), ("Results", "r0")]
    result = merge_sections(S_BASE, mine, theirs)
    assert result.clashes == ()
    assert list(result.sections) == [
        ("Background", "b0"),
        ("Methods", "m-theirs"),
        ("Results", "r-mine"),
    ]
    assert result.kept_theirs == ("Methods",)


def test_sections_both_changed_results_is_a_clash_and_methods_survives_either_choice():
    mine = [("Background", "b0"), ("Methods", "m0"), ("Results", "r-mine")]
    theirs = [("Background", "b0"), ("Methods", "m-theirs"), ("Results", "r-theirs")]
    result = merge_sections(S_BASE, mine, theirs, who=lambda _n: ("bob", None))
    [clash] = result.clashes
    assert (clash.label, clash.mine, clash.theirs, clash.changed_by) == (
        "Results",
        "r-mine",
        "r-theirs",
        "bob",
    )
    assert result.resolve({clash.name: MINE}) == [
        ("Background", "b0"),
        ("Methods", "m-theirs"),
        ("Results", "r-mine"),
    ]
    assert result.resolve({clash.name: THEIRS}) == [
        ("Background", "b0"),
        ("Methods", "m-theirs"),
        ("Results", "r-theirs"),
    ]


def test_sections_added_and_removed_on_one_side_are_kept():
    mine = [*S_BASE, ("Conclusions", "c-mine")]
    theirs = [("Background", "b0"), ("Results", "r0")]  # they removed Methods
    result = merge_sections(S_BASE, mine, theirs)
    assert result.clashes == ()
    assert list(result.sections) == [
        ("Background", "b0"),
        ("Results", "r0"),
        ("Conclusions", "c-mine"),
    ]


def test_sections_removed_here_but_edited_there_is_a_clash():
    mine = [("Background", "b0"), ("Results", "r0")]
    theirs = [("Background", "b0"), ("Methods", "m-theirs"), ("Results", "r0")]
    result = merge_sections(S_BASE, mine, theirs)
    [clash] = result.clashes
    assert (clash.mine, clash.theirs) == (None, "m-theirs")
    assert result.resolve({clash.name: MINE}) == [("Background", "b0"), ("Results", "r0")]
    assert result.resolve({clash.name: THEIRS}) == [
        ("Background", "b0"),
        ("Methods", "m-theirs"),
        ("Results", "r0"),
    ]
