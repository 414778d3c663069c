"""A low score becomes a task for the team lead: a promise on the ticket, owned by a
supervisor, due at the end of the next business day, and a notification.

Exactly once per survey: the `follow_up_at` stamp is set in the same transaction as the
promise, on the locked survey row, so a task that runs twice, two workers at once, or a
score changed again later find it taken.
"""

import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from sapa.accounts.models import Agent, Role
from sapa.channels.kinds import Channel
from sapa.conversations.actions.notifications import notify
from sapa.conversations.actions.proactive import open_ticket_for
from sapa.conversations.models import NotificationKind, Ticket, TicketStatus
from sapa.conversations.queries import visible_tickets
from sapa.core import clock
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.core.business_hours import parse_hours
from sapa.promises.actions import TEXT_MAX_CHARS, make_promise
from sapa.promises.models import Promise
from sapa.sla.business_time import CalendarSpec, spec_from_hours
from sapa.sla.calendars import calendar_spec
from sapa.sla.models import DEFAULT_HOURS, BusinessCalendar
from sapa.sla.queries import matching_policy
from sapa.surveys.models import SCALES, SurveyKind, SurveyResponse

logger = logging.getLogger(__name__)

# Candidates looked at per tier (team supervisors, any supervisor, admins).
_CANDIDATES_PER_TIER = 20


def is_low(response: SurveyResponse) -> bool:
    """CSAT at or below SAPA_SURVEY_LOW_CSAT, NPS at or below SAPA_SURVEY_LOW_NPS."""
    if response.score is None:
        return False
    if response.kind == SurveyKind.CSAT:
        return response.score <= settings.SAPA_SURVEY_LOW_CSAT
    if response.kind == SurveyKind.NPS:
        return response.score <= settings.SAPA_SURVEY_LOW_NPS
    return False


def low_scores_without_follow_up(since: datetime, *, limit: int = 500) -> QuerySet[SurveyResponse]:
    """Low scores answered since `since` that have no follow-up yet (the sweep's list)."""
    low = Q(kind=SurveyKind.CSAT, score__lte=settings.SAPA_SURVEY_LOW_CSAT) | Q(
        kind=SurveyKind.NPS, score__lte=settings.SAPA_SURVEY_LOW_NPS
    )
    return (
        SurveyResponse.objects.filter(answered_at__gte=since, follow_up_at__isnull=True)
        .filter(low)
        .order_by("answered_at", "pk")[:limit]
    )


def follow_up_low_score(response_id: int) -> Promise | None:
    """Give the team lead a follow-up for a low score, once per survey.

    The ticket: the survey's own (CSAT) unless closed, else the customer's latest ticket
    that is not closed, else a new ticket opened for the customer. The owner: an active
    supervisor of the ticket's team who can see it, else any such supervisor, else an
    admin. Nobody at all: the stamp is set and a "survey.follow_up_skipped" Event says why.
    Returns the promise, or None (not low, done before, or nobody to own it).
    """
    actor = Actor.automation("surveys:low_score")
    with transaction.atomic():
        response = (
            SurveyResponse.objects.select_for_update(of=("self",))
            .select_related("customer", "ticket")
            .filter(pk=response_id)
            .first()
        )
        if response is None or response.follow_up_at is not None or not is_low(response):
            return None
        response.follow_up_at = clock.now()
        ticket = _ticket_for(response, actor)
        owner = lead_for(ticket)
        promise = None
        if owner is None:
            record_event(
                actor,
                "survey.follow_up_skipped",
                response,
                after={"response_id": response.pk, "why": "no active supervisor or admin"},
            )
        else:
            text = _follow_up_text(response, owner)
            promise = make_promise(
                ticket,
                text=text,
                due_at=next_business_day_end(ticket, clock.now()),
                owner=owner,
                actor=actor,
            )
            notify(
                [owner], ticket=ticket, kind=NotificationKind.AUTOMATION, actor=actor, detail=text
            )
            response.follow_up_promise = promise
        response.save(update_fields=["follow_up_at", "follow_up_promise"])
    return promise


def _ticket_for(response: SurveyResponse, actor: Actor) -> Ticket:
    if response.ticket is not None and response.ticket.status != TicketStatus.CLOSED:
        return response.ticket
    latest = (
        Ticket.objects.filter(customer_id=response.customer_id)
        .exclude(status=TicketStatus.CLOSED)
        .order_by("-last_activity_at", "-pk")
        .first()
    )
    if latest is not None:
        return latest
    channel = response.channel or (
        Ticket.objects.filter(customer_id=response.customer_id)
        .order_by("-last_activity_at")
        .values_list("origin_channel", flat=True)
        .first()
    )
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Follow up a low survey score")
    return open_ticket_for(
        response.customer,
        subject=subject,
        channel=channel or Channel.EMAIL,
        actor=actor,
        routed=True,
    )


def _tiers(ticket: Ticket) -> list[QuerySet[Agent]]:
    active = Agent.objects.filter(is_active=True).order_by("pk")
    tiers = []
    if ticket.team_id is not None:
        tiers.append(active.filter(role=Role.SUPERVISOR, teams=ticket.team_id))
    tiers.append(active.filter(role=Role.SUPERVISOR))
    tiers.append(active.filter(Q(role=Role.ADMIN) | Q(is_superuser=True)))
    return tiers


def lead_for(ticket: Ticket) -> Agent | None:
    """Who follows up a low score on `ticket`: the first active supervisor of its team,
    else of any team, else an admin — among those who can see the ticket."""
    for tier in _tiers(ticket):
        for agent in tier[:_CANDIDATES_PER_TIER]:
            if visible_tickets(agent).filter(pk=ticket.pk).exists():
                return agent
    return None


def _follow_up_text(response: SurveyResponse, owner: Agent) -> str:
    """ "Follow up low CSAT (2/5): <comment>", in the lead's language."""
    high = SCALES[response.kind][1]
    values = {"score": response.score, "high": high}
    with translation.override(owner.language or settings.LANGUAGE_CODE):
        if response.kind == SurveyKind.NPS:
            head = _("Follow up low NPS (%(score)s/%(high)s)") % values
        else:
            head = _("Follow up low CSAT (%(score)s/%(high)s)") % values
    comment = " ".join(response.comment.split())
    if not comment:
        return head
    room = TEXT_MAX_CHARS - len(head) - 2
    if len(comment) > room:
        comment = comment[: room - 1] + "…"
    return f"{head}: {comment}"


def next_business_day_end(ticket: Ticket, now: datetime) -> datetime:
    """Closing time of the first business day after today, in the calendar of the SLA
    policy that applies to the ticket (else the default calendar, else Mon-Sat
    08:00-17:00 WIB)."""
    spec = _calendar_for(ticket)
    day = now.astimezone(spec.zone).date()
    for _offset in range(366):
        day += timedelta(days=1)
        intervals = spec.intervals_on(day)
        if intervals:
            return _at(spec, day, intervals[-1][1])
    return now + timedelta(days=1)


def _at(spec: CalendarSpec, day: date, seconds: int) -> datetime:
    return datetime.combine(day, time(), tzinfo=spec.zone) + timedelta(seconds=seconds)


def _calendar_for(ticket: Ticket) -> CalendarSpec:
    policy = matching_policy(ticket)
    calendar = policy.calendar if policy is not None else None
    calendar = calendar or BusinessCalendar.objects.filter(is_default=True).first()
    if calendar is not None:
        return calendar_spec(calendar)
    return spec_from_hours(parse_hours(DEFAULT_HOURS), closed_dates=())
