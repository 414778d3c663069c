"""Routing's periodic work: presence by inactivity, overflow, queues that missed an event."""

from datetime import timedelta

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from sapa.accounts.presence import apply_inactivity
from sapa.conversations.models import Ticket
from sapa.core import clock
from sapa.core.models import Event
from sapa.routing.actions import assign_waiting, overflow_waiting, route_ticket
from sapa.routing.queries import LOAD_STATUSES

# A ticket this old without a routing row lost its event (the queue was down): route it.
MISSED_AFTER = timedelta(minutes=2)
MISSED_WITHIN = timedelta(days=1)


@db_periodic_task(crontab(minute="*"))
def routing_sweep() -> None:
    apply_inactivity()
    overflow_waiting()
    route_missed_tickets()
    assign_waiting()


def route_missed_tickets() -> int:
    now = clock.now()
    missed = Ticket.objects.filter(
        routing__isnull=True,
        assignee__isnull=True,
        status__in=LOAD_STATUSES,
        created_at__lte=now - MISSED_AFTER,
        created_at__gte=now - MISSED_WITHIN,
    ).values_list("pk", flat=True)[:200]
    routed = 0
    for ticket_id in missed:
        event = (
            Event.objects.filter(subject_type="ticket", subject_id=ticket_id, verb="ticket.created")
            .values_list("pk", flat=True)
            .first()
        )
        if event is not None:
            route_ticket(ticket_id, event_id=event, event_verb="ticket.created")
            routed += 1
    return routed
