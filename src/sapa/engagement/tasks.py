"""Background work for outreach: each planned message as it comes due, and the minute sweep
that sends what a lost task or quiet hours left waiting."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from sapa.engagement.outreach import send_due, send_outreach


@db_task()
def send_outreach_task(outreach_id: int) -> None:
    send_outreach(outreach_id)


@db_periodic_task(crontab(minute="*"))
def outreach_sweep() -> None:
    send_due()
