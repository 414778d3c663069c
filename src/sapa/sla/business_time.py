"""Arithmetic in business time: adding business seconds to a moment, and counting the
business seconds between two moments, over a calendar's weekly openings and closed dates.

Pure functions over a frozen `CalendarSpec`; no database. A spec is built once per calendar
(`sapa.sla.calendars.calendar_spec`) and used for every clock of that calendar.

    >>> spec = spec_from_hours(parse_hours("mon-sat 08:00-17:00", JAKARTA), closed_dates=())
    >>> add_business_seconds(spec, friday_16_30_wib, 4 * 3600)   # Saturday 11:30 WIB

Indonesian zones (WIB, WITA, WIT) have no daylight-saving time, so wall-clock arithmetic on
aware datetimes of one zone is exact. A weekday with an opening 00:00-24:00 and no holidays
makes a 24/7 calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sapa.core.business_hours import WeeklyHours

DAY_SECONDS = 24 * 3600
# Far enough for any target (years of business time), near enough to stop a runaway loop.
_MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class CalendarSpec:
    """Weekly openings in `zone` and the dates on which the desk is closed all day.

    `openings[weekday]` holds sorted, non-overlapping (start, end) pairs in seconds after
    local midnight (end may be 86400).
    """

    zone: ZoneInfo
    openings: tuple[tuple[tuple[int, int], ...], ...]
    closed_dates: frozenset[date] = frozenset()

    def intervals_on(self, day: date) -> tuple[tuple[int, int], ...]:
        if day in self.closed_dates:
            return ()
        return self.openings[day.weekday()]


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _merged(pairs: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(pairs):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def spec_from_hours(hours: WeeklyHours, *, closed_dates: Iterable[date]) -> CalendarSpec:
    """A spec from parsed weekly hours (empty hours: open around the clock)."""
    zone = hours.zone if isinstance(hours.zone, ZoneInfo) else ZoneInfo("Asia/Jakarta")
    week: tuple[tuple[tuple[int, int], ...], ...]
    if hours.always_open:
        week = tuple(((0, DAY_SECONDS),) for _ in range(7))
    else:
        week = tuple(
            _merged(
                (_seconds(o.start), _seconds(o.end)) for o in hours.openings if o.weekday == day
            )
            for day in range(7)
        )
    return CalendarSpec(zone=zone, openings=week, closed_dates=frozenset(closed_dates))


def _interval_moments(spec: CalendarSpec, day: date) -> list[tuple[datetime, datetime]]:
    midnight = datetime.combine(day, time(), tzinfo=spec.zone)
    return [
        (midnight + timedelta(seconds=start), midnight + timedelta(seconds=end))
        for start, end in spec.intervals_on(day)
    ]


def add_business_seconds(spec: CalendarSpec, start: datetime, seconds: int) -> datetime:
    """The moment `seconds` of business time after `start`, in the spec's zone.

    A target that ends exactly at closing time is due at closing time, not next morning.
    Zero seconds is `start` itself. Raises ValueError for negative seconds or a calendar
    that never opens.
    """
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    local = start.astimezone(spec.zone)
    if seconds == 0:
        return local
    remaining = timedelta(seconds=seconds)
    day = local.date()
    for _ in range(_MAX_DAYS):
        for opens, closes in _interval_moments(spec, day):
            begin = max(opens, local)
            if begin >= closes:
                continue
            if remaining <= closes - begin:
                return begin + remaining
            remaining -= closes - begin
        day += timedelta(days=1)
    raise ValueError("the calendar has no business time ahead")


def business_seconds_between(spec: CalendarSpec, start: datetime, end: datetime) -> int:
    """Whole business seconds from `start` to `end` (0 when `end` is not after `start`)."""
    if end <= start:
        return 0
    first = start.astimezone(spec.zone)
    last = end.astimezone(spec.zone)
    total = timedelta()
    day = first.date()
    while day <= last.date():
        for opens, closes in _interval_moments(spec, day):
            begin, finish = max(opens, first), min(closes, last)
            if finish > begin:
                total += finish - begin
        day += timedelta(days=1)
    return total // timedelta(seconds=1)
