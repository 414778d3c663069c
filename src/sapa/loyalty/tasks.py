"""Background work for after-sale: the daily win-back run, the hourly expiry of promo codes
and catch-up of deliveries whose event was lost."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from sapa.core import clock
from sapa.loyalty.actions import (
    WinBackRun,
    catch_up_deliveries,
    expire_promo_codes,
    plan_win_backs,
)

# Huey's periodic schedule is in UTC: 03:00 UTC is 10:00 WIB, a polite hour to write.
WIN_BACK_SCHEDULE = crontab(minute="0", hour="3")
CATCH_UP_HOURS = 48


@db_periodic_task(WIN_BACK_SCHEDULE)
def win_back_run() -> WinBackRun:
    """Win-backs for customers gone quiet (at most SAPA_WIN_BACK_PER_RUN a day)."""
    return plan_win_backs(now=clock.now(), limit=settings.SAPA_WIN_BACK_PER_RUN)


@db_periodic_task(crontab(minute="23"))
def promo_code_upkeep() -> tuple[int, int]:
    """(codes expired, deliveries caught up) this hour."""
    now = clock.now()
    return expire_promo_codes(now=now), catch_up_deliveries(hours=CATCH_UP_HOURS)
