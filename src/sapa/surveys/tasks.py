"""Background work for surveys: the daily NPS run and the hourly sweep that repairs what a
lost event missed (a solved ticket without its CSAT, a low score without its follow-up)."""

from datetime import timedelta

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from sapa.core import clock
from sapa.core.actors import Actor
from sapa.surveys import actions
from sapa.surveys.actions.follow_ups import low_scores_without_follow_up

# How far back the sweep looks for low scores without a follow-up.
FOLLOW_UP_SWEEP_DAYS = 14


@db_periodic_task(crontab(minute="5", hour="3"))
def nps_daily() -> None:
    """NPS surveys for customers due one (03:05 UTC, 10:05 WIB: quiet hours are over)."""
    actions.plan_nps_batch(actor=Actor.automation("surveys:nps"))


@db_periodic_task(crontab(minute="23"))
def survey_sweep() -> None:
    """CSATs of recently solved tickets that have none, follow-ups of low scores that have
    none; several workers may run it at once."""
    actions.plan_missed_csats(actor=Actor.automation("surveys:sweep"))
    since = clock.now() - timedelta(days=FOLLOW_UP_SWEEP_DAYS)
    for response_id in list(low_scores_without_follow_up(since).values_list("pk", flat=True)):
        actions.follow_up_low_score(response_id)
