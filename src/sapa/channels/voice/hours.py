"""Whether a line is answered now: its business calendar (weekly hours in the calendar's
zone, minus its holidays), the default SLA calendar when the line names none, and around
the clock when there is no calendar at all."""

from datetime import datetime, time, timedelta

from sapa.channels.voice.models import VoiceLine
from sapa.sla.calendars import calendar_spec
from sapa.sla.models import BusinessCalendar


def line_calendar(line: VoiceLine) -> BusinessCalendar | None:
    if line.calendar_id is not None:
        return line.calendar
    return BusinessCalendar.objects.filter(is_default=True).first()


def is_open(line: VoiceLine, moment: datetime) -> bool:
    calendar = line_calendar(line)
    if calendar is None:
        return True
    spec = calendar_spec(calendar)
    local = moment.astimezone(spec.zone)
    seconds = local.hour * 3600 + local.minute * 60 + local.second
    return any(start <= seconds < end for start, end in spec.intervals_on(local.date()))


def next_opening(line: VoiceLine, moment: datetime) -> datetime | None:
    """When the line is next answered after `moment`, in the calendar's zone; None when
    it is open now, has no calendar, or opens on none of the next two weeks' days."""
    calendar = line_calendar(line)
    if calendar is None or is_open(line, moment):
        return None
    spec = calendar_spec(calendar)
    local = moment.astimezone(spec.zone)
    for days_ahead in range(15):
        day = local.date() + timedelta(days=days_ahead)
        midnight = datetime.combine(day, time(), tzinfo=spec.zone)
        for start, _end in spec.intervals_on(day):
            candidate = midnight + timedelta(seconds=start)
            if candidate > local:
                return candidate
    return None
