"""Business calendars and their holidays: creating and editing them, importing Indonesia's
national holidays and cuti bersama, company holidays, switching a holiday off."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from sapa.accounts.permissions import Permission, require
from sapa.core import clock
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.core.business_hours import parse_hours
from sapa.core.exceptions import InvalidInput
from sapa.sla.actions.clocks import retime_running_clocks
from sapa.sla.calendars import package_holidays
from sapa.sla.exceptions import HolidayExists, HolidayFromPackage
from sapa.sla.models import DEFAULT_HOURS, BusinessCalendar, Holiday, HolidayKind, Zone

DEFAULT_CALENDAR_NAME = "Jam kerja standar"


@dataclass(frozen=True)
class CalendarDraft:
    name: str
    zone: Zone = Zone.WIB
    hours: str = DEFAULT_HOURS
    is_default: bool = False


def _checked(draft: CalendarDraft, *, calendar: BusinessCalendar | None) -> CalendarDraft:
    name = draft.name.strip()
    if not name:
        raise InvalidInput(_("Give the calendar a name."), loc=["name"])
    others = BusinessCalendar.objects.filter(name=name)
    if calendar is not None:
        others = others.exclude(pk=calendar.pk)
    if others.exists():
        raise InvalidInput(_("Another calendar has this name."), loc=["name"])
    if draft.zone not in Zone.values:
        raise InvalidInput(_("Choose WIB, WITA or WIT."), loc=["zone"])
    hours = draft.hours.strip()
    try:
        parse_hours(hours)
    except InvalidInput as error:
        raise InvalidInput(error.message, loc=["hours"]) from None
    return CalendarDraft(name=name, zone=Zone(draft.zone), hours=hours, is_default=draft.is_default)


def _snapshot(calendar: BusinessCalendar) -> dict[str, object]:
    return {
        "name": calendar.name,
        "zone": calendar.zone,
        "hours": calendar.hours,
        "is_default": calendar.is_default,
    }


def _take_default(calendar: BusinessCalendar) -> None:
    BusinessCalendar.objects.filter(is_default=True).exclude(pk=calendar.pk).update(
        is_default=False
    )


def create_calendar(draft: CalendarDraft, *, actor: Actor) -> BusinessCalendar:
    """A new calendar (without holidays: import them next). Raises PermissionDenied,
    InvalidInput (loc name, zone or hours)."""
    require(actor, Permission.MANAGE_TEAM)
    checked = _checked(draft, calendar=None)
    with transaction.atomic():
        calendar = BusinessCalendar(
            name=checked.name, zone=checked.zone, hours=checked.hours, is_default=False
        )
        calendar.save()
        if checked.is_default:
            _take_default(calendar)
            calendar.is_default = True
            calendar.save(update_fields=["is_default"])
        record_event(actor, "sla.calendar_created", calendar, after=_snapshot(calendar))
    return calendar


def update_calendar(
    calendar: BusinessCalendar, draft: CalendarDraft, *, actor: Actor
) -> BusinessCalendar:
    """Change the name, zone, hours or default flag; running clocks of the calendar get new
    due times. The default calendar stays default (make another one default instead).
    Raises PermissionDenied, InvalidInput."""
    require(actor, Permission.MANAGE_TEAM)
    checked = _checked(draft, calendar=calendar)
    with transaction.atomic():
        calendar = BusinessCalendar.objects.select_for_update().get(pk=calendar.pk)
        before = _snapshot(calendar)
        if checked.is_default and not calendar.is_default:
            _take_default(calendar)
        calendar.name, calendar.zone, calendar.hours = checked.name, checked.zone, checked.hours
        calendar.is_default = calendar.is_default or checked.is_default
        after = _snapshot(calendar)
        if after == before:
            return calendar
        calendar.save(update_fields=["name", "zone", "hours", "is_default", "updated_at"])
        record_event(actor, "sla.calendar_updated", calendar, before=before, after=after)
        if (before["zone"], before["hours"]) != (after["zone"], after["hours"]):
            retime_running_clocks(calendar)
    return calendar


def import_holidays(calendar: BusinessCalendar, *, years: Iterable[int], actor: Actor) -> int:
    """Add the national holidays and cuti bersama of `years` that the calendar lacks; return
    how many were added. Dates the calendar already has (switched off, renamed, a company
    holiday) are left as they are, so importing again changes nothing. Raises
    PermissionDenied."""
    require(actor, Permission.MANAGE_TEAM)
    wanted = [day for year in sorted(set(years)) for day in package_holidays(year)]
    with transaction.atomic():
        known = set(
            Holiday.objects.filter(
                calendar=calendar, date__in=[h.date for h in wanted]
            ).values_list("date", flat=True)
        )
        new = [
            Holiday(
                calendar=calendar,
                date=h.date,
                name=h.name,
                kind=h.kind,
                from_package=True,
                is_active=True,
            )
            for h in wanted
            if h.date not in known
        ]
        Holiday.objects.bulk_create(new, ignore_conflicts=True)
        if new:
            record_event(
                actor,
                "sla.holidays_imported",
                calendar,
                after={"years": sorted(set(years)), "added": [str(h.date) for h in new]},
            )
            retime_running_clocks(calendar)
    return len(new)


def add_holiday(calendar: BusinessCalendar, *, day: date, name: str, actor: Actor) -> Holiday:
    """A company holiday on `day`. Raises PermissionDenied, InvalidInput (loc name),
    HolidayExists."""
    require(actor, Permission.MANAGE_TEAM)
    name = name.strip()
    if not name:
        raise InvalidInput(_("Say what the holiday is."), loc=["name"])
    with transaction.atomic():
        if Holiday.objects.filter(calendar=calendar, date=day).exists():
            raise HolidayExists()
        holiday = Holiday.objects.create(
            calendar=calendar, date=day, name=name[:200], kind=HolidayKind.COMPANY
        )
        record_event(
            actor,
            "sla.holiday_added",
            calendar,
            after={"date": str(day), "name": holiday.name, "holiday_id": holiday.pk},
        )
        retime_running_clocks(calendar)
    return holiday


def set_holiday_active(holiday: Holiday, *, is_active: bool, actor: Actor) -> Holiday:
    """Switch a holiday off (the desk works that day) or on again. Raises PermissionDenied."""
    require(actor, Permission.MANAGE_TEAM)
    with transaction.atomic():
        holiday = Holiday.objects.select_for_update().select_related("calendar").get(pk=holiday.pk)
        if holiday.is_active == is_active:
            return holiday
        holiday.is_active = is_active
        holiday.save(update_fields=["is_active"])
        record_event(
            actor,
            "sla.holiday_switched",
            holiday.calendar,
            before={"is_active": not is_active},
            after={"date": str(holiday.date), "is_active": is_active, "holiday_id": holiday.pk},
        )
        retime_running_clocks(holiday.calendar)
    return holiday


def remove_holiday(holiday: Holiday, *, actor: Actor) -> None:
    """Delete a company holiday. Raises PermissionDenied, HolidayFromPackage (those are
    switched off instead, so a re-import does not bring them back)."""
    require(actor, Permission.MANAGE_TEAM)
    if holiday.from_package:
        raise HolidayFromPackage()
    with transaction.atomic():
        calendar = holiday.calendar
        record_event(
            actor,
            "sla.holiday_removed",
            calendar,
            before={"date": str(holiday.date), "name": holiday.name, "holiday_id": holiday.pk},
        )
        holiday.delete()
        retime_running_clocks(calendar)


def ensure_default_calendar() -> BusinessCalendar:
    """The default calendar, created when missing: "Jam kerja standar", Monday to Saturday
    08:00-17:00 WIB, with this year's and next year's holidays."""
    found = BusinessCalendar.objects.filter(is_default=True).first()
    if found is not None:
        return found
    actor = Actor.system("sla")
    calendar = BusinessCalendar.objects.filter(name=DEFAULT_CALENDAR_NAME).first()
    if calendar is None:
        calendar = create_calendar(
            CalendarDraft(name=DEFAULT_CALENDAR_NAME, is_default=True), actor=actor
        )
    else:
        calendar = update_calendar(
            calendar,
            CalendarDraft(
                name=calendar.name, zone=Zone(calendar.zone), hours=calendar.hours, is_default=True
            ),
            actor=actor,
        )
    year = clock.now().year
    import_holidays(calendar, years=[year, year + 1], actor=actor)
    return calendar
