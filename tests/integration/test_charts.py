import datetime as dt

import pytest
from activity_data import add_history, seed_activity

from scholar_desk.core.errors import PermissionDeniedError
from scholar_desk.core.records import Role
from scholar_desk.core.services import charts
from scholar_desk.core.services.session import SINGLE_USER, Actor

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def seeded(library):
    seeded = seed_activity(library)
    add_history(library, seeded)
    return seeded


def test_chart_numbers_across_fellows(library, seeded):
    with library.reading() as s:
        data = charts.chart_data(s, SINGLE_USER, today=TODAY, months=6)
    statuses = {b.label: b.value for b in data.manuscripts_by_status}
    # the five with a date or PMID and no submission count as published
    assert statuses == {"under review": 1, "major revision": 1, "published": 5}
    months = {b.label: b.value for b in data.submissions_per_month}
    assert list(months) == ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
    assert months["2026-06"] == 1
    assert months["2026-08"] == 1
    assert data.decisions_by_journal.categories == ("Regional Anesthesia & Pain Medicine",)
    assert data.decisions_by_journal.total("Regional Anesthesia & Pain Medicine") == 1
    review = next(t for t in data.time_in_status if t.status == "under review")
    assert review.spans == 2
    assert review.max_days == 149  # Ben's: July 1 to today, still open
    flagged = [(r.title, r.days, r.current) for r in data.long_reviews]
    assert flagged == [("Ben's paper", 149, True), ("Ketamine in CRPS", 102, False)]
    years = data.outputs_per_year
    assert years.categories == ("2025\u20132026", "2026\u20132027")
    pubmed = next(x for x in years.series if x.name == "PubMed-indexed articles")
    assert pubmed.values == (1, 1)


def test_one_fellow_and_permissions(library, seeded):
    ben = Actor("ben", Role.FELLOW, person_id=seeded.ben)
    with library.reading() as s:
        data = charts.chart_data(s, ben, today=TODAY)
        assert data.scope == "Ben Stone, DO"
        assert [b.label for b in data.manuscripts_by_status] == ["under review"]
        with pytest.raises(PermissionDeniedError):
            charts.chart_data(s, ben, [seeded.ana], today=TODAY)
        ana = charts.chart_data(s, SINGLE_USER, [seeded.ana], today=TODAY)
    assert ana.scope == "Ana Reyes, MD"
    assert [r.title for r in ana.long_reviews] == ["Ketamine in CRPS"]
