"""Named reads of surveys: by signed token (the public page), for one ticket, for the
customer panel, and pages of responses for the export API."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from sapa.accounts.models import Agent
from sapa.conversations.models import Ticket
from sapa.conversations.queries import can_see_all_tickets, visible_tickets
from sapa.core.cursors import decode_cursor, encode_cursor
from sapa.customers.models import Customer
from sapa.surveys.exceptions import SurveyNotFound
from sapa.surveys.links import response_id_from
from sapa.surveys.models import Experience, SurveyKind, SurveyResponse


def get_response_by_token(token: str) -> SurveyResponse:
    """The survey a signed link names. A token that is not ours (forged, altered, or for
    a survey since deleted) raises SurveyNotFound."""
    response_id = response_id_from(token)
    response = (
        SurveyResponse.objects.select_related("customer", "ticket").filter(pk=response_id).first()
        if response_id is not None
        else None
    )
    if response is None:
        raise SurveyNotFound()
    return response


@dataclass(frozen=True)
class TicketSurvey:
    """What the ticket page shows: the CSAT (asked or answered), the CES beside it, and the
    experience rating."""

    csat: SurveyResponse | None
    ces: SurveyResponse | None
    experience: Experience | None

    @property
    def is_empty(self) -> bool:
        return self.csat is None and self.experience is None


def ticket_survey(ticket: Ticket) -> TicketSurvey:
    """The ticket's survey results (two queries)."""
    responses = {
        r.kind: r
        for r in SurveyResponse.objects.filter(
            ticket=ticket, kind__in=(SurveyKind.CSAT, SurveyKind.CES)
        )
    }
    return TicketSurvey(
        csat=responses.get(SurveyKind.CSAT),
        ces=responses.get(SurveyKind.CES),
        experience=Experience.objects.filter(ticket=ticket).first(),
    )


@dataclass(frozen=True)
class PanelSurveys:
    """The customer panel's survey section: the latest answered CSAT (with its ticket) and
    NPS, and how many surveys the customer answered of how many asked."""

    last_csat: SurveyResponse | None
    last_nps: SurveyResponse | None
    answered: int
    asked: int


def panel_surveys(customer: Customer) -> PanelSurveys:
    """Three queries."""
    answered = SurveyResponse.objects.filter(
        customer=customer, answered_at__isnull=False
    ).select_related("ticket")
    counts = SurveyResponse.objects.filter(
        customer=customer, kind__in=(SurveyKind.CSAT, SurveyKind.NPS)
    ).aggregate(asked=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
    return PanelSurveys(
        last_csat=answered.filter(kind=SurveyKind.CSAT).order_by("-answered_at", "-pk").first(),
        last_nps=answered.filter(kind=SurveyKind.NPS).order_by("-answered_at", "-pk").first(),
        answered=counts["answered"],
        asked=counts["asked"],
    )


@dataclass(frozen=True)
class ResponseFilters:
    kind: str | None = None
    answered: bool | None = None
    agent_id: int | None = None
    customer_id: int | None = None
    ticket_id: int | None = None
    # Answered at or after `since`, before `until`.
    since: datetime | None = None
    until: datetime | None = None


def visible_responses(agent: Agent) -> QuerySet[SurveyResponse]:
    """Surveys `agent` may read: those on tickets they may see, and NPS (about no ticket)."""
    responses = SurveyResponse.objects.all()
    if can_see_all_tickets(agent):
        return responses
    return responses.filter(Q(ticket__isnull=True) | Q(ticket__in=visible_tickets(agent)))


def response_page(
    agent: Agent, filters: ResponseFilters, *, cursor: str | None, limit: int
) -> tuple[list[SurveyResponse], str | None]:
    """One page of responses, oldest first (by id: stable while rows are added), and the
    next page's cursor. Raises InvalidInput for a malformed cursor."""
    responses = visible_responses(agent)
    if filters.kind:
        responses = responses.filter(kind=filters.kind)
    if filters.answered is not None:
        responses = responses.filter(answered_at__isnull=not filters.answered)
    if filters.agent_id is not None:
        responses = responses.filter(agent_id=filters.agent_id)
    if filters.customer_id is not None:
        responses = responses.filter(customer_id=filters.customer_id)
    if filters.ticket_id is not None:
        responses = responses.filter(ticket_id=filters.ticket_id)
    if filters.since is not None:
        responses = responses.filter(answered_at__gte=filters.since)
    if filters.until is not None:
        responses = responses.filter(answered_at__lt=filters.until)
    if cursor:
        (after_id,) = decode_cursor(cursor, shape=(int,))
        responses = responses.filter(pk__gt=after_id)
    page = list(responses.select_related("ticket").order_by("pk")[: limit + 1])
    next_cursor = None
    if len(page) > limit:
        page = page[:limit]
        next_cursor = encode_cursor(page[-1].pk)
    return page, next_cursor
