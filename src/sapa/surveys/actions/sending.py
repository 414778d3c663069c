"""Asking: a CSAT when a ticket is solved, an NPS now and then for customers who bought.

Both go out through the engagement outreach queue (sapa.engagement.outreach), which checks
consent, quiet hours and the per-customer cap when the message is due. A CSAT is a reply on
its ticket's channel; an NPS goes to the customer's best channel in a conversation of its own.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sapa.commerce.models import Order, OrderStatus
from sapa.conversations.models import AuthorKind, Direction, Message, Ticket, TicketStatus
from sapa.core import clock
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.customers.models import Customer
from sapa.engagement.models import Outreach, OutreachStatus, Purpose
from sapa.engagement.outreach import cancel_outreach, plan_outreach
from sapa.helpcenter.branding import public_language
from sapa.surveys.links import survey_url
from sapa.surveys.models import SurveyKind, SurveyResponse

CSAT_OUTREACH_KIND = "survey_csat"
NPS_OUTREACH_KIND = "survey_nps"
OUTREACH_KINDS = (CSAT_OUTREACH_KIND, NPS_OUTREACH_KIND)
# Why a planned CSAT was withdrawn; a CSAT withdrawn for this reason is planned again when
# the ticket is solved again.
REOPENED_REASON = "the ticket was re-opened before the survey went out"
# Where the NPS periods are counted from: period n starts INTERVAL * n days after it.
_PERIOD_EPOCH = date(2020, 1, 1)


def csat_skip_reason(ticket: Ticket) -> str:
    """Why `ticket` gets no CSAT (and no experience rating), or "" when it does: its
    customer is a colleague or was merged away, it carries one of SAPA_SURVEY_SKIP_TAGS
    (spam, merged, no-survey), or the customer never wrote on it (an alert or a message Sapa
    started: nobody asked for help, so there is nothing to rate)."""
    customer = ticket.customer
    if customer.is_internal:
        return "internal customer"
    if customer.merged_into_id is not None:
        return "the customer was merged into another"
    skip_tags = settings.SAPA_SURVEY_SKIP_TAGS
    if skip_tags and ticket.tags.filter(name__in=skip_tags).exists():
        return "the ticket carries a tag that exempts it"
    wrote = Message.objects.filter(
        ticket=ticket,
        direction=Direction.INBOUND,
        author_kind=AuthorKind.CUSTOMER,
        auto_reply="",
    ).exists()
    if not wrote:
        return "the customer never wrote on this ticket"
    return ""


def plan_csat(ticket: Ticket, *, agent_id: int | None, actor: Actor) -> SurveyResponse | None:
    """Ask the ticket's customer how it went, SAPA_CSAT_DELAY_MINUTES from now, as a reply
    on the ticket's channel. `agent_id` is who the answer will be about (the assignee at
    solve time).

    One CSAT per ticket whatever happens: solving again finds the survey already there.
    Only a survey withdrawn because the ticket was re-opened before it went out is planned
    again (under a new outreach key). Returns None when the ticket gets no survey
    (`csat_skip_reason`).
    """
    if csat_skip_reason(ticket):
        return None
    with transaction.atomic():
        response, created = SurveyResponse.objects.get_or_create(
            ticket=ticket,
            kind=SurveyKind.CSAT,
            defaults={
                "customer_id": ticket.customer_id,
                "agent_id": agent_id,
                "channel": ticket.origin_channel,
                "language": public_language(ticket.customer.language),
                "created_at": clock.now(),
            },
        )
        if not created:
            if not _withdrawn_for_reopen(response):
                return response
            response.plan_count += 1
            response.agent_id = agent_id or response.agent_id
        response.outreach_key = _csat_key(ticket, response.plan_count)
        response.save(update_fields=["outreach_key", "plan_count", "agent"])
        _record_planned(response, actor)
        subject, text = _csat_question(response, ticket)
        plan_outreach(
            ticket.customer,
            kind=CSAT_OUTREACH_KIND,
            purpose=Purpose.FEEDBACK,
            dedupe_key=response.outreach_key,
            text=text,
            subject=subject,
            actor=actor,
            send_after=clock.now() + timedelta(minutes=settings.SAPA_CSAT_DELAY_MINUTES),
            ticket=ticket,
            meta={"survey_response_id": response.pk},
        )
    return response


def withdraw_csat(ticket: Ticket) -> bool:
    """The ticket was re-opened: a CSAT not sent yet is cancelled (asking "how did we do"
    while the customer is still waiting would be odd); solving it again plans it anew.
    True when one was cancelled."""
    response = SurveyResponse.objects.filter(
        ticket=ticket, kind=SurveyKind.CSAT, answered_at__isnull=True
    ).first()
    if response is None or not response.outreach_key:
        return False
    return cancel_outreach(response.outreach_key, reason=REOPENED_REASON)


def _record_planned(response: SurveyResponse, actor: Actor) -> None:
    record_event(
        actor,
        "survey.planned",
        response,
        after={
            "response_id": response.pk,
            "kind": response.kind,
            "customer_id": response.customer_id,
            "ticket_id": response.ticket_id,
            "outreach_key": response.outreach_key,
        },
    )


def _withdrawn_for_reopen(response: SurveyResponse) -> bool:
    if response.answered_at is not None:
        return False
    return Outreach.objects.filter(
        dedupe_key=response.outreach_key,
        status=OutreachStatus.CANCELLED,
        reason=REOPENED_REASON,
    ).exists()


def _csat_key(ticket: Ticket, plan_count: int) -> str:
    key = f"survey_csat:ticket:{ticket.pk}"
    return key if plan_count == 1 else f"{key}:{plan_count}"


def _greeting(customer: Customer) -> str:
    if customer.first_name:
        return _("Hello %(name)s,") % {"name": customer.first_name}
    return _("Hello,")


def _csat_question(response: SurveyResponse, ticket: Ticket) -> tuple[str, str]:
    """The subject and text of the CSAT question, in the customer's language."""
    with translation.override(response.language):
        subject = _("How did we do? (ticket #%(number)s)") % {"number": ticket.number}
        question = _(
            "We have answered your request #%(number)s. How satisfied are you with our "
            "help? Reply with a number from 1 (very dissatisfied) to 5 (very satisfied), "
            "or answer here: %(url)s"
        ) % {"number": ticket.number, "url": survey_url(response)}
        return subject, f"{_greeting(ticket.customer)}\n\n{question}"


def _nps_question(response: SurveyResponse, customer: Customer) -> tuple[str, str]:
    with translation.override(response.language):
        shop = settings.SAPA_SHOP_NAME
        subject = _("A quick question from %(shop)s") % {"shop": shop}
        question = _(
            "How likely are you to recommend %(shop)s to a friend or colleague? Reply with a "
            "number from 0 (not at all likely) to 10 (extremely likely), or answer here: "
            "%(url)s"
        ) % {"shop": shop, "url": survey_url(response)}
        return subject, f"{_greeting(customer)}\n\n{question}"


def nps_period(moment: datetime) -> str:
    """The first day of the SAPA_NPS_INTERVAL_DAYS block `moment` falls in (shop time)."""
    interval = settings.SAPA_NPS_INTERVAL_DAYS
    day = timezone.localtime(moment).date()
    blocks = (day - _PERIOD_EPOCH).days // interval
    return (_PERIOD_EPOCH + timedelta(days=blocks * interval)).isoformat()


def nps_candidates(now: datetime) -> QuerySet[Customer]:
    """Customers due an NPS survey, in one query: they bought something (an order that was
    not cancelled), are not colleagues or merged away, had no NPS in the last
    SAPA_NPS_INTERVAL_DAYS and no survey of any kind in the last SAPA_SURVEY_QUIET_DAYS."""
    recent_nps = SurveyResponse.objects.filter(
        customer=OuterRef("pk"),
        kind=SurveyKind.NPS,
        created_at__gte=now - timedelta(days=settings.SAPA_NPS_INTERVAL_DAYS),
    )
    recent_any = SurveyResponse.objects.filter(
        customer=OuterRef("pk"),
        created_at__gte=now - timedelta(days=settings.SAPA_SURVEY_QUIET_DAYS),
    )
    bought = Order.objects.filter(customer=OuterRef("pk")).exclude(status=OrderStatus.CANCELLED)
    return (
        Customer.objects.filter(is_internal=False, merged_into__isnull=True)
        .filter(Exists(bought))
        .exclude(Exists(recent_nps))
        .exclude(Exists(recent_any))
        .order_by("pk")
    )


def plan_nps_batch(*, actor: Actor, limit: int | None = None) -> int:
    """Plan an NPS survey for up to `limit` (SAPA_NPS_PER_DAY) customers due one; the
    daily task. Idempotent: a customer has one NPS per period. Returns how many were
    planned."""
    now = clock.now()
    limit = settings.SAPA_NPS_PER_DAY if limit is None else limit
    planned = 0
    for customer in nps_candidates(now)[:limit]:
        if plan_nps(customer, actor=actor, now=now) is not None:
            planned += 1
    return planned


def plan_nps(customer: Customer, *, actor: Actor, now: datetime) -> SurveyResponse | None:
    """Ask `customer` the NPS question for the period of `now` (a marketing message: it
    needs consent for promotions). None when they were asked this period already."""
    period = nps_period(now)
    with transaction.atomic():
        response, created = SurveyResponse.objects.get_or_create(
            customer=customer,
            kind=SurveyKind.NPS,
            period=period,
            defaults={"language": public_language(customer.language), "created_at": now},
        )
        if not created:
            return None
        response.outreach_key = f"survey_nps:customer:{customer.pk}:{period}"
        response.save(update_fields=["outreach_key"])
        _record_planned(response, actor)
        subject, text = _nps_question(response, customer)
        plan_outreach(
            customer,
            kind=NPS_OUTREACH_KIND,
            purpose=Purpose.MARKETING,
            dedupe_key=response.outreach_key,
            text=text,
            subject=subject,
            actor=actor,
            send_after=now,
            meta={"survey_response_id": response.pk},
        )
    return response


def plan_missed_csats(*, actor: Actor, hours: int = 48, limit: int = 500) -> int:
    """Plan the CSAT of tickets solved in the last `hours` that have none (an event the
    worker lost); the hourly sweep. Returns how many were planned."""
    since = clock.now() - timedelta(hours=hours)
    has_csat = SurveyResponse.objects.filter(ticket=OuterRef("pk"), kind=SurveyKind.CSAT)
    customer_wrote = Message.objects.filter(
        ticket=OuterRef("pk"), direction=Direction.INBOUND, author_kind=AuthorKind.CUSTOMER
    )
    tickets = (
        Ticket.objects.filter(
            status=TicketStatus.SOLVED,
            solved_at__gte=since,
            customer__is_internal=False,
            customer__merged_into__isnull=True,
        )
        .filter(Exists(customer_wrote))
        .exclude(Exists(has_csat))
        .select_related("customer")
        .order_by("solved_at", "pk")[:limit]
    )
    planned = 0
    for ticket in tickets:
        if plan_csat(ticket, agent_id=ticket.assignee_id, actor=actor) is not None:
            planned += 1
    return planned
