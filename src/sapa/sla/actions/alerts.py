"""Warnings before a target is due and breaches once it is, found by the periodic sweep.

Each clock is claimed with a conditional UPDATE (`warned_at`/`breached_at` still empty), so
two workers sweeping at once announce it once: the second one's UPDATE matches no row.
"""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from sapa.accounts.models import Agent
from sapa.conversations.actions.notifications import notify
from sapa.conversations.models import NotificationKind, Ticket
from sapa.core.actions import record_event
from sapa.sla.actions.clocks import SLA_ACTOR
from sapa.sla.calendars import local_due
from sapa.sla.models import SlaClock, SlaMetric, Zone

# Clocks handled per sweep; the next sweep, a minute later, takes the rest.
SWEEP_BATCH = 500


def due_text(clock: SlaClock, due_at: datetime) -> str:
    """ "Jawaban pertama: Sab 11:30 WIB": the target and its due time in the calendar's
    zone, in the active language."""
    return _("%(metric)s: %(when)s") % {
        "metric": SlaMetric(clock.metric).label,
        "when": local_due(due_at, _zone(clock)),
    }


def _zone(clock: SlaClock) -> str:
    return clock.calendar.zone if clock.calendar is not None else Zone.WIB


def _people_for(ticket: Ticket) -> list[Agent]:
    """Who hears of it: the assignee, else the agents of the ticket's team."""
    if ticket.assignee is not None:
        return [ticket.assignee]
    if ticket.team_id is None:
        return []
    return list(Agent.objects.filter(teams=ticket.team_id, is_active=True).order_by("pk"))


def _announce(clock: SlaClock, *, verb: str, kind: NotificationKind, due_at: datetime) -> None:
    ticket = clock.ticket
    record_event(
        SLA_ACTOR,
        verb,
        ticket,
        after={
            "metric": clock.metric,
            "due_at": due_at.isoformat(),
            "zone": _zone(clock),
            "clock_id": clock.pk,
        },
    )
    with translation.override(settings.LANGUAGE_CODE):
        detail = due_text(clock, due_at)
    notify(_people_for(ticket), ticket=ticket, kind=kind, actor=SLA_ACTOR, detail=detail)


def _candidates(**conditions: object) -> list[SlaClock]:
    return list(
        SlaClock.objects.filter(running_since__isnull=False, **conditions)
        .select_related("ticket__assignee", "calendar")
        .order_by("due_at", "pk")[:SWEEP_BATCH]
    )


def send_due_warnings(*, now: datetime) -> int:
    """Warn about running clocks whose warning time has come and which are not due yet:
    an "sla.warning" Event on the ticket, and a notification to the assignee (else the
    team's agents). Returns how many were warned."""
    sent = 0
    for clock in _candidates(
        warned_at__isnull=True, breached_at__isnull=True, warn_at__lte=now, due_at__gt=now
    ):
        with transaction.atomic():
            claimed = SlaClock.objects.filter(
                pk=clock.pk, warned_at__isnull=True, due_at=clock.due_at
            ).update(warned_at=now)
            if not claimed or clock.due_at is None:
                continue
            _announce(
                clock, verb="sla.warning", kind=NotificationKind.SLA_WARNING, due_at=clock.due_at
            )
            sent += 1
    return sent


def record_due_breaches(*, now: datetime) -> int:
    """Record running clocks past their due time as breached (at their due time): an
    "sla.breached" Event and a notification. Returns how many were recorded."""
    recorded = 0
    for clock in _candidates(breached_at__isnull=True, due_at__lte=now):
        due_at = clock.due_at
        if due_at is None:
            continue
        with transaction.atomic():
            claimed = SlaClock.objects.filter(
                pk=clock.pk,
                breached_at__isnull=True,
                due_at=due_at,
                running_since__isnull=False,
            ).update(breached_at=due_at)
            if not claimed:
                continue
            _announce(clock, verb="sla.breached", kind=NotificationKind.SLA_BREACHED, due_at=due_at)
            recorded += 1
    return recorded
