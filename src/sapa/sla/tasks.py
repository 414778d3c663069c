"""The SLA sweep: every minute, warnings for targets soon due and breaches of those past
due; and once a year, next year's holidays for every calendar."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from sapa.core import clock
from sapa.core.actors import Actor
from sapa.sla.actions import import_holidays, record_due_breaches, send_due_warnings
from sapa.sla.models import BusinessCalendar


@db_periodic_task(crontab(minute="*"))
def sweep_sla_clocks() -> tuple[int, int]:
    """(warned, breached) in this sweep."""
    now = clock.now()
    return send_due_warnings(now=now), record_due_breaches(now=now)


@db_periodic_task(crontab(minute="17", hour="3", day="1", month="10,11,12"))
def import_next_years_holidays() -> int:
    """Next year's national holidays and cuti bersama for every calendar, in the last
    quarter (the government publishes cuti bersama late in the year; importing again only
    adds what is new)."""
    year = clock.now().year + 1
    actor = Actor.system("sla")
    return sum(
        import_holidays(calendar, years=[year], actor=actor)
        for calendar in BusinessCalendar.objects.order_by("pk")
    )
