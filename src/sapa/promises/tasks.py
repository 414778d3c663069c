"""Background work for promises: the minute sweep that reminds, asks and follows up."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from sapa.promises.timers import run_due_steps


@db_periodic_task(crontab(minute="*"))
def promise_timers() -> None:
    """Reminders, due notices and follow-ups that have come due (sapa.promises.timers);
    several workers may run it at once."""
    run_due_steps()
