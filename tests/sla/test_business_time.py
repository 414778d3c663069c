"""Business-time arithmetic: opening hours, weekends, holidays, zones, 24/7 calendars."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sapa.core.business_hours import parse_hours
from sapa.sla.business_time import (
    CalendarSpec,
    add_business_seconds,
    business_seconds_between,
    spec_from_hours,
)

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
HOUR = 3600


def _spec(hours="mon-sat 08:00-17:00", zone=WIB, closed=()) -> CalendarSpec:
    return spec_from_hours(parse_hours(hours, zone), closed_dates=closed)


def test_friday_afternoon_plus_four_business_hours_is_saturday_late_morning():
    """The issue's example: received Friday 16:30 WIB, 4 business hours, due Saturday 11:30."""
    # given
    received = datetime(2026, 11, 27, 16, 30, tzinfo=WIB)  # a Friday
    # when
    due = add_business_seconds(_spec(), received, 4 * HOUR)
    # then
    assert due == datetime(2026, 11, 28, 11, 30, tzinfo=WIB)
    assert due.tzinfo == WIB


def test_the_day_before_a_national_holiday_skips_it():
    """Received Monday 15 June 2026 at 15:00, the day before Tahun Baru Islam (Tuesday): the
    two hours left on Monday count, Tuesday is skipped, the rest runs on Wednesday."""
    # given
    spec = _spec(closed={date(2026, 6, 16)})
    received = datetime(2026, 6, 15, 15, 0, tzinfo=WIB)
    # when
    due = add_business_seconds(spec, received, 4 * HOUR)
    # then
    assert due == datetime(2026, 6, 17, 10, 0, tzinfo=WIB)


def test_sunday_is_skipped_on_a_monday_to_saturday_calendar():
    """Saturday 16:00 + 2 hours: one hour on Saturday, Sunday closed, one on Monday."""
    received = datetime(2026, 11, 28, 16, 0, tzinfo=WIB)
    assert add_business_seconds(_spec(), received, 2 * HOUR) == datetime(
        2026, 11, 30, 9, 0, tzinfo=WIB
    )


def test_a_weekday_calendar_skips_the_whole_weekend():
    received = datetime(2026, 11, 27, 16, 0, tzinfo=WIB)  # Friday
    spec = _spec("mon-fri 08:00-17:00")
    assert add_business_seconds(spec, received, 2 * HOUR) == datetime(
        2026, 11, 30, 9, 0, tzinfo=WIB
    )


def test_a_message_received_at_night_starts_counting_at_opening():
    received = datetime(2026, 11, 24, 22, 15, tzinfo=WIB)  # Tuesday night
    assert add_business_seconds(_spec(), received, 30 * 60) == datetime(
        2026, 11, 25, 8, 30, tzinfo=WIB
    )


def test_cuti_bersama_closes_the_desk_like_a_holiday():
    """16 February 2026 (cuti bersama before Imlek) and 17 February (Imlek) are closed."""
    spec = _spec(closed={date(2026, 2, 16), date(2026, 2, 17)})
    received = datetime(2026, 2, 14, 16, 0, tzinfo=WIB)  # Saturday
    assert add_business_seconds(spec, received, 2 * HOUR) == datetime(2026, 2, 18, 9, 0, tzinfo=WIB)


def test_a_wita_calendar_counts_in_makassar_time():
    """A WITA desk (08:00-17:00 WITA) gets a message at 15:30 WIB = 16:30 WITA on a Friday."""
    spec = _spec(zone=WITA)
    received = datetime(2026, 11, 27, 15, 30, tzinfo=WIB)
    due = add_business_seconds(spec, received, 4 * HOUR)
    assert due == datetime(2026, 11, 28, 11, 30, tzinfo=WITA)
    assert due == datetime(2026, 11, 28, 10, 30, tzinfo=WIB)


def test_several_openings_a_day_skip_the_lunch_break():
    spec = _spec("mon-fri 08:00-12:00; mon-fri 13:00-17:00")
    received = datetime(2026, 11, 23, 11, 0, tzinfo=WIB)  # Monday
    assert add_business_seconds(spec, received, 2 * HOUR) == datetime(
        2026, 11, 23, 14, 0, tzinfo=WIB
    )
    assert (
        business_seconds_between(spec, received, datetime(2026, 11, 23, 14, 0, tzinfo=WIB))
        == 2 * HOUR
    )


def test_a_target_ending_at_closing_time_is_due_at_closing_time():
    received = datetime(2026, 11, 23, 13, 0, tzinfo=WIB)
    assert add_business_seconds(_spec(), received, 4 * HOUR) == datetime(
        2026, 11, 23, 17, 0, tzinfo=WIB
    )


def test_a_24_7_calendar_counts_every_hour_but_its_holidays():
    spec = _spec("", closed={date(2026, 12, 25)})
    received = datetime(2026, 12, 24, 22, 0, tzinfo=WIB)
    assert add_business_seconds(spec, received, 4 * HOUR) == datetime(
        2026, 12, 26, 2, 0, tzinfo=WIB
    )
    assert add_business_seconds(_spec(""), received, 4 * HOUR) == received + timedelta(hours=4)


def test_between_counts_only_business_hours():
    start = datetime(2026, 11, 27, 16, 30, tzinfo=WIB)  # Friday
    end = datetime(2026, 11, 30, 9, 0, tzinfo=WIB)  # Monday
    # Friday 30 min + Saturday 9 h + Monday 1 h
    assert business_seconds_between(_spec(), start, end) == (30 * 60) + 9 * HOUR + HOUR
    assert business_seconds_between(_spec(), end, start) == 0


def test_negative_seconds_are_refused():
    with pytest.raises(ValueError, match="negative"):
        add_business_seconds(_spec(), datetime(2026, 1, 1, tzinfo=WIB), -1)


# hypothesis wants naive bounds; the zone comes from `timezones`.
_moments = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001
    max_value=datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=st.just(WIB),
)
_specs = st.sampled_from(
    [
        _spec(closed={date(2026, 12, 25), date(2026, 3, 20), date(2026, 3, 23)}),
        _spec("mon-fri 08:00-12:00; mon-fri 13:00-17:00; sat 09:00-12:00"),
        _spec("", closed={date(2026, 1, 1)}),
        _spec("sen-jum 00:00-23:59", zone=WITA),
    ]
)


@settings(max_examples=300, deadline=None)
@given(spec=_specs, start=_moments, seconds=st.integers(min_value=0, max_value=200 * HOUR))
def test_adding_then_measuring_gives_back_the_seconds_added(spec, start, seconds):
    due = add_business_seconds(spec, start, seconds)
    assert due >= start
    assert business_seconds_between(spec, start, due) == seconds


@settings(max_examples=200, deadline=None)
@given(
    spec=_specs, start=_moments, first=st.integers(0, 80 * HOUR), second=st.integers(0, 80 * HOUR)
)
def test_adding_in_two_steps_is_adding_once(spec, start, first, second):
    once = add_business_seconds(spec, start, first + second)
    middle = add_business_seconds(spec, start, first)
    assert add_business_seconds(spec, middle, second) == once or second == 0


@settings(max_examples=200, deadline=None)
@given(spec=_specs, start=_moments, end=_moments)
def test_measured_time_is_never_more_than_the_wall_clock(spec, start, end):
    measured = business_seconds_between(spec, start, end)
    assert 0 <= measured <= max(0, (end - start).total_seconds())
