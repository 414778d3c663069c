"""Calendars as the clocks use them: the zone, the business-time spec, and the Indonesian
public holidays and cuti bersama that the `holidays` package knows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import holidays
from django.utils import dateformat

from sapa.core.business_hours import parse_hours
from sapa.sla.business_time import CalendarSpec, spec_from_hours
from sapa.sla.models import ZONE_NAMES, BusinessCalendar, Holiday, HolidayKind, Zone


def zone_of(calendar: BusinessCalendar) -> ZoneInfo:
    return ZoneInfo(ZONE_NAMES.get(Zone(calendar.zone), "Asia/Jakarta"))


def local_due(moment: datetime, zone: str) -> str:
    """ "Sab 11:30 WIB": the day and time in the zone (WIB, WITA, WIT), in the active
    language."""
    code = Zone(zone) if zone in Zone.values else Zone.WIB
    local = moment.astimezone(ZoneInfo(ZONE_NAMES[code]))
    return f"{dateformat.format(local, 'D H:i')} {code.value}"


def calendar_spec(calendar: BusinessCalendar) -> CalendarSpec:
    """The calendar's hours and its active holidays (one query)."""
    closed = Holiday.objects.filter(calendar=calendar, is_active=True).values_list(
        "date", flat=True
    )
    return spec_from_hours(parse_hours(calendar.hours, zone_of(calendar)), closed_dates=closed)


@dataclass(frozen=True)
class PackageHoliday:
    date: date
    name: str
    kind: HolidayKind


def package_holidays(year: int) -> list[PackageHoliday]:
    """Indonesia's national holidays and cuti bersama of `year`, with Indonesian names, by
    date. Where both fall on one date, the national holiday wins."""
    found: dict[date, PackageHoliday] = {}
    for category, kind in (
        ("government", HolidayKind.CUTI_BERSAMA),
        ("public", HolidayKind.NATIONAL),
    ):
        days = holidays.country_holidays("ID", years=year, categories=(category,), language="id")
        for day, name in days.items():
            found[day] = PackageHoliday(date=day, name=str(name)[:200], kind=kind)
    return [found[day] for day in sorted(found)]
