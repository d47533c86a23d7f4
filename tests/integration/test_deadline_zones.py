"""A meeting's abstract deadline is entered and shown in the meeting's own time zone."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from scholar_desk.core.db import models as m
from scholar_desk.core.errors import ValidationError
from scholar_desk.core.services import deadline_calendar, demo, items, listing, zones
from scholar_desk.core.services.session import SINGLE_USER


def _create(library, **values):
    with library.transaction() as s:
        return items.create_item(s, SINGLE_USER, "conference", values)


def test_a_wall_time_is_read_in_the_meeting_zone_and_stored_as_utc(library):
    made = _create(
        library,
        name="Western Pain Society",
        deadline_timezone="america/phoenix",
        abstract_deadline="2026-12-13 23:59",
    )
    assert made["deadline_timezone"] == "America/Phoenix"
    # Phoenix keeps MST (UTC-7) all year, so 23:59 there is 06:59 UTC the next day.
    assert made["abstract_deadline"] == dt.datetime(2026, 12, 14, 6, 59, tzinfo=dt.UTC)
    assert zones.format_in_zone(made["abstract_deadline"], "America/Phoenix") == (
        "2026-12-13 23:59 MST"
    )


def test_an_unknown_zone_is_refused_with_one_message_and_nothing_written(library):
    with pytest.raises(ValidationError) as caught:
        _create(library, name="X", deadline_timezone="Arizona time")
    assert caught.value.fields == {
        "deadline_timezone": "'Arizona time' is not a time zone. "
        "Choose an IANA zone name such as America/Phoenix."
    }
    with library.reading() as s:
        assert items.list_items(s, SINGLE_USER, "conference") == []


def test_changing_only_the_zone_keeps_the_wall_clock_time(library):
    made = _create(
        library, name="M", deadline_timezone="UTC", abstract_deadline="2026-12-13 23:59"
    )
    with library.transaction() as s:
        moved = items.update_item(
            s, SINGLE_USER, "conference", made.id, {"deadline_timezone": "America/Chicago"}
        )
    local = moved["abstract_deadline"].astimezone(ZoneInfo("America/Chicago"))
    assert (local.hour, local.minute, local.day) == (23, 59, 13)


def test_an_explicit_offset_wins_over_the_zone(library):
    made = _create(
        library,
        name="M",
        deadline_timezone="America/Phoenix",
        abstract_deadline="2026-12-13T23:59:00+00:00",
    )
    assert made["abstract_deadline"] == dt.datetime(2026, 12, 13, 23, 59, tzinfo=dt.UTC)


def test_listing_and_calendar_agree_on_the_meeting_time(library, tmp_path):
    _create(
        library,
        name="Western Pain Society",
        acronym="WPS",
        deadline_timezone="America/Phoenix",
        abstract_deadline="2026-12-13 23:59",
    )
    with library.reading() as s:
        table = listing.list_kind(s, SINGLE_USER, "conferences")
        out = tmp_path / "d.ics"
        deadline_calendar.export_calendar(s, SINGLE_USER, out)
    assert "2026-12-13 23:59 MST" in table.as_text()
    assert table.rows[0]["abstract_deadline"] == "2026-12-14T06:59:00+00:00"
    cal = Calendar.from_ical(out.read_bytes())
    (event,) = [e for e in cal.walk("VEVENT") if "WPS" in str(e["SUMMARY"])]
    start = event.decoded("DTSTART")
    assert str(start.tzinfo) == "America/Phoenix"
    assert (start.hour, start.minute) == (23, 59)
    assert "2026-12-13 23:59 MST" in str(event["DESCRIPTION"])


def test_demo_deadlines_fall_at_2359_in_each_meeting_zone(library):
    with library.transaction() as s:
        demo.fill(s, today=dt.date(2026, 11, 27))
    with library.reading() as s:
        dated = [
            (c.name, c.abstract_deadline, c.deadline_timezone)
            for c in s.scalars(
                select(m.Conference).where(m.Conference.abstract_deadline.is_not(None))
            )
        ]
    assert {zone for _, _, zone in dated} - {"UTC"}
    for name, moment, zone in dated:
        local = zones.in_zone(moment, zone)
        assert (local.hour, local.minute) == (23, 59), name


def test_user_time_note_only_when_the_clock_differs():
    moment = dt.datetime(2026, 12, 14, 6, 59, tzinfo=dt.UTC)
    assert zones.user_time_note(moment, "America/Phoenix", ZoneInfo("America/Denver")) == ""
    assert zones.user_time_note(moment, "America/Phoenix", ZoneInfo("America/New_York")) == (
        "your time 2026-12-14 01:59 EST"
    )
