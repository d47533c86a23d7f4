"""The ACGME annual update helper: counts per person, each PMID's dates against the year."""

import datetime as dt

import pytest
from career_data import seed_career

from scholar_desk.core import clock
from scholar_desk.core.db import models as m
from scholar_desk.core.services import career
from scholar_desk.core.services.career.acgme import CONFERENCE, OTHER, PMIDS
from scholar_desk.core.services.session import SINGLE_USER


@pytest.fixture
def seeded(library):
    clock.set_clock(lambda: dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC))
    seeded = seed_career(library)
    with library.transaction() as s:
        # An article first published online in June 2026 (academic year 2025), in print in July.
        ms = m.Manuscript(
            owner_id=seeded.ana,
            title="Epub ahead of print",
            pmid="40000009",
            published_on=dt.date(2026, 7, 15),
        )
        s.add(ms)
        s.add(
            m.Reference(
                citation_key="epub2026",
                title="Epub ahead of print",
                pmid="40000009",
                extra_fields={"date": "2026 Jul", "medline_dep": "20260615"},
            )
        )
    return seeded


def _person(update, name):
    return next(p for p in update.people if p.name == name)


def test_counts_per_fellow_and_faculty(library, seeded):
    with library.reading() as s:
        update = career.acgme_update(s, SINGLE_USER, 2026)
    assert update.label == "2026\u20132027"
    assert [(p.name, p.role) for p in update.people] == [
        ("Ana Reyes, MD", "fellow"),
        ("Ben Stone, DO", "fellow"),
        ("Sara Lind, MD", "faculty"),
    ]
    ana = _person(update, "Ana Reyes, MD")
    assert ana.counts[PMIDS] == 1
    assert ana.counts[CONFERENCE] == 2
    assert ana.counts[OTHER] == 2
    # The mentor is an author of Ana's paper and of her abstract: counted as faculty too.
    sara = _person(update, "Sara Lind, MD")
    assert sara.counts[PMIDS] == 1
    assert sara.counts[CONFERENCE] == 1


def test_each_pmid_is_checked_electronic_and_print(library, seeded):
    with library.reading() as s:
        this_year = _person(career.acgme_update(s, SINGLE_USER, 2026), "Ana Reyes, MD")
        last_year = _person(career.acgme_update(s, SINGLE_USER, 2025), "Ana Reyes, MD")
    epub = next(c for c in this_year.pmids if c.pmid == "40000009")
    assert not epub.accepted
    assert epub.electronic == dt.date(2026, 6, 15)
    assert epub.printed == "2026 Jul"
    assert "first published electronically on 2026-06-15" in epub.reason
    assert "2025\u20132026" in epub.reason
    reasons = [r.reason for r in this_year.refused]
    assert any(r.startswith("PMID 40000009: first published electronically") for r in reasons)
    assert any("no PMID" in r for r in reasons)
    accepted = {c.pmid for c in last_year.pmids if c.accepted}
    assert "40000009" in accepted
    assert "40000002" in accepted


def test_a_fellow_sees_only_themselves(library, seeded):
    from career_data import PASSWORD, add_accounts

    from scholar_desk.core.services import accounts

    add_accounts(library, seeded)
    with library.transaction() as s:
        ben = accounts.login(s, "ben", PASSWORD)
        sara = accounts.login(s, "sara", PASSWORD)
    with library.reading() as s:
        assert [p.name for p in career.acgme_update(s, ben, 2026).people] == ["Ben Stone, DO"]
        names = [p.name for p in career.acgme_update(s, sara, 2026).people]
    assert names == ["Ana Reyes, MD", "Sara Lind, MD"]
