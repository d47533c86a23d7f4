import datetime as dt

import pytest

from scholar_desk.core.services.report import (
    academic_year_bounds,
    academic_year_label,
    academic_year_of,
    current_academic_year,
)


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (dt.date(2026, 6, 30), 2025),
        (dt.date(2026, 7, 1), 2026),
        (dt.date(2027, 6, 30), 2026),
        (dt.date(2027, 7, 1), 2027),
        (dt.date(2026, 12, 31), 2026),
        (dt.date(2027, 1, 1), 2026),
    ],
)
def test_academic_year_turns_on_july_first(day, year):
    assert academic_year_of(day) == year


def test_year_2026_means_july_2026_to_june_2027():
    assert academic_year_bounds(2026) == (dt.date(2026, 7, 1), dt.date(2027, 6, 30))
    assert academic_year_label(2026) == "2026\u20132027"


def test_bounds_and_year_of_agree_on_both_edges():
    for year in range(2020, 2031):
        first, last = academic_year_bounds(year)
        assert academic_year_of(first) == academic_year_of(last) == year
        assert academic_year_of(first - dt.timedelta(days=1)) == year - 1
        assert academic_year_of(last + dt.timedelta(days=1)) == year + 1


def test_default_year_contains_today():
    assert current_academic_year(dt.date(2027, 6, 30)) == 2026
    assert current_academic_year(dt.date(2027, 7, 1)) == 2027
