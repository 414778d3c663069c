"""Weekly opening hours in the site's time zone (WIB by default), written as text.

    >>> hours = parse_hours("mon-fri 08:00-17:00; sat 09:00-12:00")
    >>> hours.is_open(datetime(2026, 11, 23, 9, 0, tzinfo=JAKARTA))   # a Monday
    True

A schedule is a `;`-separated list of `DAYS HH:MM-HH:MM`, where DAYS is a day (`mon`,
`sen`), a range (`mon-fri`, `sen-jum`) or a comma list (`sat,sun`). Indonesian and English
day names both work. An empty schedule means open around the clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from sapa.core.exceptions import InvalidInput

JAKARTA = ZoneInfo("Asia/Jakarta")

_DAYS = {
    "mon": 0, "sen": 0, "senin": 0, "monday": 0,
    "tue": 1, "sel": 1, "selasa": 1, "tuesday": 1,
    "wed": 2, "rab": 2, "rabu": 2, "wednesday": 2,
    "thu": 3, "kam": 3, "kamis": 3, "thursday": 3,
    "fri": 4, "jum": 4, "jumat": 4, "friday": 4,
    "sat": 5, "sab": 5, "sabtu": 5, "saturday": 5,
    "sun": 6, "min": 6, "minggu": 6, "sunday": 6,
}  # fmt: skip
_PART = re.compile(r"^\s*([a-z,\- ]+?)\s+(\d{1,2})[:.](\d{2})\s*-\s*(\d{1,2})[:.](\d{2})\s*$")


@dataclass(frozen=True)
class Opening:
    weekday: int
    start: time
    end: time


@dataclass(frozen=True)
class WeeklyHours:
    openings: tuple[Opening, ...]
    zone: tzinfo = JAKARTA

    @property
    def always_open(self) -> bool:
        return not self.openings

    def is_open(self, moment: datetime) -> bool:
        if self.always_open:
            return True
        local = moment.astimezone(self.zone)
        return any(
            o.weekday == local.weekday() and o.start <= local.time() < o.end for o in self.openings
        )

    def next_opening(self, moment: datetime) -> datetime | None:
        """When the desk next opens after `moment` (`moment` itself when open now)."""
        if self.always_open or self.is_open(moment):
            return moment
        local = moment.astimezone(self.zone)
        for days_ahead in range(8):
            day = (local + timedelta(days=days_ahead)).date()
            starts = sorted(o.start for o in self.openings if o.weekday == day.weekday())
            for start in starts:
                candidate = datetime.combine(day, start, tzinfo=self.zone)
                if candidate > local:
                    return candidate
        return None


def parse_hours(text: str, zone: tzinfo | None = None) -> WeeklyHours:
    """The hours in `zone` (default: the site's TIME_ZONE). Raises InvalidInput naming the
    part it could not read."""
    openings: list[Opening] = []
    for part in filter(None, (p.strip() for p in text.lower().split(";"))):
        match = _PART.match(part)
        if match is None:
            raise InvalidInput(_("Cannot read the opening hours “%(part)s”.") % {"part": part})
        days_text, h1, m1, h2, m2 = match.groups()
        try:
            start, end = time(int(h1), int(m1)), time(int(h2), int(m2))
        except ValueError:
            raise InvalidInput(
                _("Cannot read the opening hours “%(part)s”.") % {"part": part}
            ) from None
        if end <= start:
            raise InvalidInput(
                _("Opening hours must end after they start: “%(part)s”.") % {"part": part}
            )
        for weekday in _weekdays(days_text, part):
            openings.append(Opening(weekday, start, end))
    return WeeklyHours(tuple(openings), zone or ZoneInfo(settings.TIME_ZONE))


def _weekdays(text: str, part: str) -> list[int]:
    days: list[int] = []
    for piece in filter(None, (p.strip() for p in text.split(","))):
        ends = [e.strip() for e in piece.split("-")]
        if any(e not in _DAYS for e in ends) or len(ends) > 2:
            raise InvalidInput(_("Cannot read the opening hours “%(part)s”.") % {"part": part})
        first, last = _DAYS[ends[0]], _DAYS[ends[-1]]
        day = first
        while True:
            days.append(day)
            if day == last:
                break
            day = (day + 1) % 7
    return days
