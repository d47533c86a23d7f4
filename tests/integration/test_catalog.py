"""The starter catalog ships as data, loads once and never overwrites edits."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from scholar_desk.core.db import models as m
from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import PermissionDeniedError
from scholar_desk.core.records import Role
from scholar_desk.core.services import items
from scholar_desk.core.services.abstracts import CountRule, count_abstract, rule_of
from scholar_desk.core.services.catalog import load_starter_catalog, read_starter_catalog
from scholar_desk.core.services.session import SINGLE_USER, Actor


def _issn_ok(issn: str) -> bool:
    digits = issn.replace("-", "")
    total = sum(int(c) * (8 - i) for i, c in enumerate(digits[:7]))
    check = (11 - total % 11) % 11
    return digits[7] == ("X" if check == 10 else str(check))


def test_shipped_catalog_parses_and_marks_every_entry_an_example() -> None:
    catalog = read_starter_catalog()
    names = {c["name"] for c in catalog.conferences}
    assert {"AAPM Annual Meeting", "INS World Congress", "NANS Annual Meeting"} <= names
    assert len(catalog.conferences) == 5
    assert len(catalog.journals) == 7
    for entry in (*catalog.conferences, *catalog.journals):
        assert entry["is_example"] is True
    for journal in catalog.journals:
        issn = journal.get("issn", "")
        if issn:
            assert re.fullmatch(r"\d{4}-\d{3}[\dX]", issn)
            assert _issn_ok(issn), journal["name"]


def test_load_is_idempotent_and_keeps_user_edits(library: Library) -> None:
    with library.transaction() as s:
        assert load_starter_catalog(s, SINGLE_USER) == (5, 7)
    with library.transaction() as s:
        aapm = s.scalars(select(m.Conference).where(m.Conference.acronym == "AAPM")).one()
        items.update_item(s, SINGLE_USER, "conference", aapm.id, {"body_limit": 350})
    with library.transaction() as s:
        assert load_starter_catalog(s, SINGLE_USER) == (0, 0)
    with library.reading() as s:
        assert len(s.scalars(select(m.Conference)).all()) == 5
        assert len(s.scalars(select(m.Journal)).all()) == 7
        aapm = s.scalars(select(m.Conference).where(m.Conference.acronym == "AAPM")).one()
        assert aapm.body_limit == 350


def test_name_match_ignores_case(library: Library) -> None:
    with library.transaction() as s:
        items.create_item(s, SINGLE_USER, "journal", {"name": "pain medicine"})
        assert load_starter_catalog(s, SINGLE_USER) == (5, 6)


def test_catalog_rules_match_the_brief(library: Library) -> None:
    with library.transaction() as s:
        load_starter_catalog(s, SINGLE_USER)
    with library.reading() as s:
        by = {c.acronym: rule_of(c) for c in s.scalars(select(m.Conference))}
    assert by["ASRA PM"].body_limit == 500
    assert (by["ASRA PM"].title_limit, by["ASRA PM"].title_limit_unit) == (130, "characters")
    assert by["AAPM"].body_limit == 300
    assert not by["AAPM"].counts_title
    assert not by["AAPM"].counts_references
    assert (by["INS"].body_limit, by["INS"].title_limit, by["INS"].title_limit_unit) == (
        400,
        25,
        "words",
    )
    assert (by["IASP"].unit, by["IASP"].body_limit) == ("characters", 5000)
    assert isinstance(by["NANS"], CountRule)
    result = count_abstract(by["AAPM"], "t", [("Methods", "word " * 299)])
    assert result.label == "300 / 300 words"


def test_catalog_conferences_start_abstracts_with_their_sections(library: Library) -> None:
    with library.transaction() as s:
        load_starter_catalog(s, SINGLE_USER)
        conf = s.scalars(select(m.Conference).where(m.Conference.acronym == "IASP")).one()
        assert conf.required_sections.startswith("Background and Aims")
        assert conf.abstract_deadline is None  # never invented


def test_mentor_cannot_load_catalog(library: Library) -> None:
    with library.transaction() as s, pytest.raises(PermissionDeniedError):
        load_starter_catalog(s, Actor(username="mentor", role=Role.MENTOR, account_id=1))
