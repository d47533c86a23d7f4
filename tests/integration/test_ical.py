import datetime as dt

import pytest
from activity_data import seed_activity
from icalendar import Calendar

from scholar_desk.core import clock
from scholar_desk.core.errors import ExportError
from scholar_desk.core.services import deadline_calendar
from scholar_desk.core.services.session import SINGLE_USER


@pytest.fixture
def seeded(library):
    clock.set_clock(lambda: dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC))
    return seed_activity(library)


def _export(library, path):
    with library.reading() as s:
        return deadline_calendar.export_calendar(s, SINGLE_USER, path)


def _events(path):
    cal = Calendar.from_ical(path.read_bytes())
    return cal, {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}


def test_events_parse_back_with_dates_and_zones(library, seeded, tmp_path):
    out = tmp_path / "deadlines.ics"
    count = _export(library, out)
    cal, events = _events(out)
    assert count == len(events) == 4
    assert str(cal["PRODID"]).startswith("-//Scholar Desk")
    abstract = events["ASRA Pain abstract deadline"]
    start = abstract.decoded("DTSTART")
    assert isinstance(start, dt.datetime)
    assert str(start.tzinfo) == "America/Los_Angeles"
    assert start == dt.datetime(2026, 8, 1, 23, 59, tzinfo=dt.UTC)
    assert "America/Los_Angeles" in {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    registration = events["ASRA Pain registration"]
    assert registration.decoded("DTSTART") == dt.date(2026, 10, 1)
    assert registration.decoded("DTEND") == dt.date(2026, 10, 2)
    revision = next(e for s, e in events.items() if s.startswith("Revision due"))
    assert revision.decoded("DTSTART") == dt.date(2026, 12, 1)
    task = events["Renew ACLS"]
    assert task.walk("VALARM")[0].decoded("TRIGGER") == dt.timedelta(days=-7)


def test_uids_are_stable_across_exports(library, seeded, tmp_path):
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    _export(library, first)
    with library.transaction() as s:
        from scholar_desk.core.db import models as m

        deadline = s.get(m.Deadline, 1)
        deadline.kind = "renewal"
        deadline.due_on = dt.date(2026, 11, 22)
    _export(library, second)
    uids_a = {str(e["UID"]) for e in _events(first)[0].walk("VEVENT")}
    uids_b = {str(e["UID"]) for e in _events(second)[0].walk("VEVENT")}
    assert uids_a == uids_b
    assert "deadline-1@scholar-desk" in uids_a
    assert "conference-1-abstract@scholar-desk" in uids_a


def test_busy_days_and_reminder(library, seeded):
    with library.reading() as s:
        items = deadline_calendar.deadlines.all_deadlines(s, SINGLE_USER)
        busy = deadline_calendar.month_days(items, 2026, 11)
        reminder = deadline_calendar.reminder(s, SINGLE_USER, dt.date(2026, 11, 27))
        earlier = deadline_calendar.reminder(s, SINGLE_USER, dt.date(2026, 11, 15))
    assert list(busy) == [dt.date(2026, 11, 20)]
    assert [d.title for d in reminder.overdue] == ["Renew ACLS"]
    assert [d.title for d in reminder.soon] == [
        "Revision due: Ketamine in CRPS (Regional Anesthesia & Pain Medicine)"
    ]
    assert [d.title for d in earlier.soon] == ["Renew ACLS"]
    assert earlier.overdue == ()
    assert not reminder.empty


def test_unwritable_folder_is_an_export_error(library, seeded, tmp_path):
    with pytest.raises(ExportError):
        _export(library, tmp_path / "nope" / "x.ics")
